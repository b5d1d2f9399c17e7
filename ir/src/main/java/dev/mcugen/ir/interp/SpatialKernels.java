package dev.mcugen.ir.interp;

import dev.mcugen.ir.Node;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.SpatialOps;

/**
 * Float kernels of the data-movement ops (exact copies through {@link SpatialOps#gather}, real 0
 * at padded positions) and of the transposed convolution.
 */
final class SpatialKernels {
    private SpatialKernels() {
    }

    /** A compiled node of one of these ops: output from input and the two shapes. */
    interface Kernel {
        float[] apply(float[] x, Shape in, Shape out);
    }

    static Kernel compile(Node node) {
        Op op = node.op();
        if (op instanceof Op.ConvTranspose c) {
            return convTranspose(node, c);
        }
        return (x, in, out) -> {
            int[] idx = SpatialOps.gather(op, in);
            float[] y = new float[idx.length];
            for (int i = 0; i < idx.length; i++) {
                y[i] = idx[i] < 0 ? 0f : x[idx[i]];
            }
            return y;
        };
    }

    /**
     * Transposed convolution as TF.js {@code conv2DBackpropInput} (cpu): per output position and
     * filter, the products of the contributing input positions (rows, then columns, then channels,
     * ascending) summed in double and stored as float32; then the float32 bias and the activation.
     */
    private static Kernel convTranspose(Node node, Op.ConvTranspose c) {
        float[] w = node.weight("kernel").toArray();
        float[] bias = c.useBias() ? node.weight("bias").toArray() : null;
        boolean oneD = c.spatialRank() == 1;
        int f = c.filters();
        return (x, s, out) -> {
            int h = oneD ? 1 : s.dim(0);
            int wd = oneD ? s.dim(0) : s.dim(1);
            int ch = s.last();
            SpatialOps.TransposeConv g = SpatialOps.transposeConv(c, s);
            int kh = g.kernelH();
            int kw = g.kernelW();
            int sh = g.strideH();
            int sw = g.strideW();
            int oh = g.outH();
            int ow = g.outW();
            float[] y = new float[oh * ow * f];
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    for (int o = 0; o < f; o++) {
                        double sum = 0;
                        for (int iy = 0; iy < h; iy++) {
                            int r = oy + g.padTop() - iy * sh;
                            if (r < 0 || r >= kh) {
                                continue;
                            }
                            for (int ix = 0; ix < wd; ix++) {
                                int q = ox + g.padLeft() - ix * sw;
                                if (q < 0 || q >= kw) {
                                    continue;
                                }
                                int xOff = (iy * wd + ix) * ch;
                                int wOff = ((r * kw + q) * f + o) * ch;
                                for (int k = 0; k < ch; k++) {
                                    sum += (double) x[xOff + k] * w[wOff + k];
                                }
                            }
                        }
                        y[(oy * ow + ox) * f + o] = (float) sum;
                    }
                }
            }
            if (bias != null) {
                Kernels.addBias(y, 0, y.length, bias);
            }
            Kernels.activate(c.activation(), y, 0, y.length, f);
            return y;
        };
    }

}
