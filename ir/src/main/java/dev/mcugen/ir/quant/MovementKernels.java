package dev.mcugen.ir.quant;

import dev.mcugen.ir.Shape;
import dev.mcugen.ir.SpatialOps;

/**
 * The simulator's kernels for {@link QPad}, {@link QUpsample}, {@link QTranspose} (integer copies
 * through the gather maps of {@link SpatialOps}) and {@link QTransposeConv}.
 */
final class MovementKernels {
    private MovementKernels() {
    }

    static boolean handles(QNode node) {
        return node instanceof QPad || node instanceof QUpsample || node instanceof QTranspose
                || node instanceof QTransposeConv;
    }

    static int[] run(QNode node, int[] x) {
        if (node instanceof QTransposeConv tc) {
            return transposeConv(tc, x);
        }
        int[] idx;
        int fill = 0;
        if (node instanceof QPad p) {
            int[] hwc = view(p.inputShape(), x.length);
            idx = SpatialOps.padGather(hwc[0], hwc[1], hwc[2], p.amounts());
            fill = p.padValue();
        } else if (node instanceof QUpsample u) {
            int[] hwc = view(u.inputShape(), x.length);
            idx = SpatialOps.upsampleGather(hwc[0], hwc[1], hwc[2], u.factorH(), u.factorW());
        } else {
            QTranspose t = (QTranspose) node;
            idx = SpatialOps.transposeGather(t.inputShape().toArray(), t.perm().stream().mapToInt(Integer::intValue).toArray());
        }
        int[] y = new int[idx.length];
        for (int i = 0; i < idx.length; i++) {
            y[i] = idx[i] < 0 ? fill : x[idx[i]];
        }
        return y;
    }

    /** {@code [H, W, C]} of a {@code [F]} (1, 1, F), {@code [T, C]} (1, T, C; T from the data) or {@code [H, W, C]} input. */
    private static int[] view(Shape s, int length) {
        int c = s.last();
        if (s.rank() == 1) {
            return new int[] {1, 1, c};
        }
        if (s.rank() == 2) {
            return new int[] {1, length / c, c};
        }
        return new int[] {s.dim(0), s.dim(1), c};
    }

    static int[] transposeConv(QTransposeConv tc, int[] x) {
        Shape s = tc.inputShape();
        int h = s.rank() == 2 ? 1 : s.dim(0);
        int wd = s.rank() == 2 ? s.dim(0) : s.dim(1);
        int c = tc.channels();
        int f = tc.filters();
        if (h * wd * c != x.length) {
            throw new IllegalArgumentException(tc.name() + ": input of " + x.length + " values does not fit " + s);
        }
        int kh = tc.kernelH();
        int kw = tc.kernelW();
        int zp = tc.inputZeroPoint();
        IntTensor w = tc.weights();
        QuantType t = tc.outputType();
        int[] y = new int[tc.outH() * tc.outW() * f];
        for (int oy = 0; oy < tc.outH(); oy++) {
            for (int ox = 0; ox < tc.outW(); ox++) {
                for (int o = 0; o < f; o++) {
                    long acc = tc.bias().get(o);
                    for (int iy = 0; iy < h; iy++) {
                        int r = oy + tc.padTop() - iy * tc.strideH();
                        if (r < 0 || r >= kh) {
                            continue;
                        }
                        for (int ix = 0; ix < wd; ix++) {
                            int q = ox + tc.padLeft() - ix * tc.strideW();
                            if (q < 0 || q >= kw) {
                                continue;
                            }
                            int xOff = (iy * wd + ix) * c;
                            int wOff = ((r * kw + q) * f + o) * c;
                            for (int k = 0; k < c; k++) {
                                acc += (long) (x[xOff + k] - zp) * w.get(wOff + k);
                            }
                        }
                    }
                    int a = FeedForwardKernels.narrow(tc.name(), acc, tc.accShift());
                    y[(oy * tc.outW() + ox) * f + o] = FeedForwardKernels.addZeroPointClamp(tc.rescaleOf(o).apply(a),
                            t.zeroPoint(), tc.actMin(), tc.actMax());
                }
            }
        }
        return y;
    }
}
