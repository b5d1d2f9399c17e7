package dev.mcugen.ir;

import java.util.List;

/**
 * Shape rules and geometry of the data-movement ops (zero padding, cropping, nearest up-sampling,
 * permute, repeat vector) and of the transposed convolution, shared by {@link ShapeInference}, the
 * float interpreter and the integer recipes.
 */
public final class SpatialOps {
    private SpatialOps() {
    }

    /** True for the ops whose shapes this class infers. */
    public static boolean handles(Op op) {
        return op instanceof Op.ZeroPadding || op instanceof Op.Cropping || op instanceof Op.UpSampling
                || op instanceof Op.Permute || op instanceof Op.RepeatVector || op instanceof Op.ConvTranspose;
    }

    /** Checks a list of {@code [before, after]} amounts per spatial axis (1 or 2 axes, each >= 0). */
    static List<Integer> amounts(String what, List<Integer> amounts) {
        List<Integer> a = List.copyOf(amounts);
        if ((a.size() != 2 && a.size() != 4) || a.stream().anyMatch(v -> v < 0)) {
            throw new IllegalArgumentException(what + " amounts " + a + " must be [before, after] per spatial axis"
                    + " (2 or 4 values >= 0)");
        }
        return a;
    }

    /**
     * The signed amounts {@code [top, bottom, left, right]} added around the {@code [H, W]} view of
     * the input ({@code [T, C]} is height 1): positive for zero padding, negative for cropping.
     */
    public static int[] padAmounts(Op op) {
        List<Integer> a = op instanceof Op.ZeroPadding z ? z.amounts() : ((Op.Cropping) op).amounts();
        int sign = op instanceof Op.ZeroPadding ? 1 : -1;
        int[] p = a.size() == 2 ? new int[] {0, 0, a.get(0), a.get(1)}
                : new int[] {a.get(0), a.get(1), a.get(2), a.get(3)};
        for (int i = 0; i < 4; i++) {
            p[i] *= sign;
        }
        return p;
    }

    /**
     * The geometry of a transposed convolution along one spatial axis of {@code n} input positions:
     * {@code [out, before, after]} with {@code out = (n - 1)·stride + kernel - before - after}: output
     * position {@code o} sums the taps {@code j} of input {@code i} where {@code o = i·stride + j - before}.
     * {@code after} may be negative (VALID with a kernel shorter than the stride, or an output padding:
     * trailing positions that only get the bias). {@code outputPadding < 0} means Keras's None.
     */
    public static int[] transposeGeometry(int n, int kernel, int stride, Padding padding, int outputPadding) {
        long out;
        if (outputPadding < 0) {
            out = padding == Padding.VALID ? (long) n * stride + Math.max(kernel - stride, 0) : (long) n * stride;
        } else {
            int pad = padding == Padding.SAME ? kernel / 2 : 0;
            out = (long) (n - 1) * stride + kernel - 2L * pad + outputPadding;
        }
        long total = (long) (n - 1) * stride + kernel - out;
        long before = padding == Padding.SAME ? Math.max(total, 0) / 2 : 0;
        if (out > Integer.MAX_VALUE || out < 1) {
            return new int[] {(int) Math.max(Math.min(out, Integer.MAX_VALUE), Integer.MIN_VALUE), 0, 0};
        }
        return new int[] {(int) out, (int) before, (int) (total - before)};
    }

    /**
     * The {@code [H, W]} geometry of a transposed convolution on an input of shape {@code in}
     * ({@code [T, C]} is height 1): kernel, strides, TensorFlow's padding before the first row and
     * column, and the output size ({@link #transposeGeometry} per axis).
     */
    public record TransposeConv(int kernelH, int kernelW, int strideH, int strideW, int padTop, int padLeft,
                                int outH, int outW) {
    }

    /** {@link TransposeConv} of {@code c} on a fully known input {@code in}. */
    public static TransposeConv transposeConv(Op.ConvTranspose c, Shape in) {
        boolean oneD = c.spatialRank() == 1;
        int last = c.spatialRank() - 1;
        int kh = oneD ? 1 : c.kernel().get(0);
        int kw = c.kernel().get(last);
        int sh = oneD ? 1 : c.strides().get(0);
        int sw = c.strides().get(last);
        int oph = oneD || c.outputPadding().isEmpty() ? -1 : c.outputPadding().get(0);
        int opw = c.outputPadding().isEmpty() ? -1 : c.outputPadding().get(last);
        int[] gh = oneD ? new int[] {1, 0, 0} : transposeGeometry(in.dim(0), kh, sh, c.padding(), oph);
        int[] gw = transposeGeometry(in.dim(oneD ? 0 : 1), kw, sw, c.padding(), opw);
        return new TransposeConv(kh, kw, sh, sw, gh[1], gw[1], gh[0], gw[0]);
    }

    static Shape rule(String who, Op op, Shape x) {
        if (op instanceof Op.ZeroPadding || op instanceof Op.Cropping) {
            int r = op instanceof Op.ZeroPadding z ? z.spatialRank() : ((Op.Cropping) op).spatialRank();
            requireRank(who, x, r + 1);
            int[] p = padAmounts(op);
            int[] out = x.toArray();
            for (int i = 0; i < r; i++) {
                int add = r == 1 ? p[2] + p[3] : p[2 * i] + p[2 * i + 1];
                if (out[i] == Shape.UNKNOWN) {
                    continue;
                }
                long len = (long) out[i] + add;
                if (len < 1 || len > Integer.MAX_VALUE) {
                    throw new McugenException(Diag.MCG_GRAPH_SHAPE, who, "leaves " + len + " positions of the "
                            + out[i] + " along axis " + i + "; crop less than the input holds");
                }
                out[i] = (int) len;
            }
            return Shape.of(out);
        }
        if (op instanceof Op.UpSampling u) {
            requireRank(who, x, u.spatialRank() + 1);
            int[] out = x.toArray();
            for (int i = 0; i < u.spatialRank(); i++) {
                out[i] = out[i] == Shape.UNKNOWN ? Shape.UNKNOWN : checked(who, (long) out[i] * u.size().get(i));
            }
            return Shape.of(out);
        }
        if (op instanceof Op.Permute p) {
            List<Integer> dims = p.dims();
            if (dims.size() != x.rank()) {
                throw new McugenException(Diag.MCG_GRAPH_SHAPE, who, "dims " + dims + " do not fit an input of rank "
                        + x.rank() + " " + x + " (batch excluded)");
            }
            boolean[] seen = new boolean[dims.size()];
            int[] out = new int[dims.size()];
            for (int i = 0; i < dims.size(); i++) {
                int d = dims.get(i);
                if (d < 1 || d > dims.size() || seen[d - 1]) {
                    throw new McugenException(Diag.MCG_GRAPH_SHAPE, who, "dims " + dims
                            + " is not a permutation of 1.." + dims.size());
                }
                seen[d - 1] = true;
                out[i] = x.dim(d - 1);
            }
            return Shape.of(out);
        }
        if (op instanceof Op.RepeatVector rv) {
            requireRank(who, x, 1);
            if (rv.n() < 1) {
                throw new McugenException(Diag.MCG_GRAPH_SHAPE, who, "repeats " + rv.n() + " times; n must be >= 1");
            }
            return Shape.of(rv.n(), x.dim(0));
        }
        Op.ConvTranspose c = (Op.ConvTranspose) op;
        int r = c.spatialRank();
        requireRank(who, x, r + 1);
        int[] out = new int[r + 1];
        for (int i = 0; i < r; i++) {
            int k = c.kernel().get(i);
            int s = c.strides().get(i);
            int op0 = c.outputPadding().isEmpty() ? -1 : c.outputPadding().get(i);
            if (k < 1 || s < 1 || op0 >= s) {
                throw new McugenException(Diag.MCG_GRAPH_SHAPE, who, "kernel " + k + ", stride " + s
                        + (op0 >= 0 ? ", output padding " + op0 : "") + ": kernel and stride must be >= 1 and the"
                        + " output padding below the stride");
            }
            if (k > ShapeInference.MAX_WINDOW) {
                throw new McugenException(Diag.MCG_GRAPH_SHAPE, who, "kernel " + k + " is beyond the supported "
                        + ShapeInference.MAX_WINDOW);
            }
            if (x.dim(i) == Shape.UNKNOWN) {
                out[i] = Shape.UNKNOWN;
                continue;
            }
            int[] g = transposeGeometry(x.dim(i), k, s, c.padding(), op0);
            if (g[0] < 1) {
                throw new McugenException(Diag.MCG_GRAPH_SHAPE, who, "gives " + g[0] + " output positions for an input"
                        + " of " + x.dim(i) + " along axis " + i);
            }
            out[i] = checked(who, g[0]);
        }
        out[r] = c.filters();
        return Shape.of(out);
    }

    private static int checked(String who, long v) {
        if (v > Integer.MAX_VALUE) {
            throw new McugenException(Diag.MCG_GRAPH_SHAPE, who, "gives " + v + " positions along one axis;"
                    + " mcugen handles up to 2^31 - 1");
        }
        return (int) v;
    }

    private static void requireRank(String who, Shape x, int rank) {
        if (x.rank() != rank) {
            throw new McugenException(Diag.MCG_GRAPH_SHAPE, who, "needs an input of rank " + rank + " "
                    + (rank == 1 ? "[features]" : rank == 2 ? "[steps, channels]" : "[height, width, channels]")
                    + " (batch excluded), got " + x);
        }
    }

    /**
     * The gather map of zero padding / cropping on the {@code [h, w, c]} view: for each output
     * element, the input element it copies, or -1 for a padded position. {@code p} = signed
     * {@code [top, bottom, left, right]} ({@link #padAmounts}).
     */
    public static int[] padGather(int h, int w, int c, int[] p) {
        int oh = h + p[0] + p[1];
        int ow = w + p[2] + p[3];
        int[] idx = new int[oh * ow * c];
        int i = 0;
        for (int oy = 0; oy < oh; oy++) {
            int iy = oy - p[0];
            for (int ox = 0; ox < ow; ox++) {
                int ix = ox - p[2];
                boolean inside = iy >= 0 && iy < h && ix >= 0 && ix < w;
                for (int ch = 0; ch < c; ch++) {
                    idx[i++] = inside ? (iy * w + ix) * c + ch : -1;
                }
            }
        }
        return idx;
    }

    /** The gather map of nearest up-sampling of {@code [h, w, c]} by {@code fh, fw}: {@code y[oy, ox] = x[oy / fh, ox / fw]}. */
    public static int[] upsampleGather(int h, int w, int c, int fh, int fw) {
        int oh = h * fh;
        int ow = w * fw;
        int[] idx = new int[oh * ow * c];
        int i = 0;
        for (int oy = 0; oy < oh; oy++) {
            for (int ox = 0; ox < ow; ox++) {
                for (int ch = 0; ch < c; ch++) {
                    idx[i++] = ((oy / fh) * w + ox / fw) * c + ch;
                }
            }
        }
        return idx;
    }

    /** The gather map of a transpose: output axis {@code i} is input axis {@code perm[i]} (0-based), row-major. */
    public static int[] transposeGather(int[] dims, int[] perm) {
        int rank = dims.length;
        int[] inStride = new int[rank];
        int size = 1;
        for (int d = rank - 1; d >= 0; d--) {
            inStride[d] = size;
            size *= dims[d];
        }
        int[] idx = new int[size];
        int[] pos = new int[rank];
        for (int i = 0; i < size; i++) {
            int src = 0;
            for (int d = 0; d < rank; d++) {
                src += pos[d] * inStride[perm[d]];
            }
            idx[i] = src;
            for (int d = rank - 1; d >= 0; d--) {
                if (++pos[d] < dims[perm[d]]) {
                    break;
                }
                pos[d] = 0;
            }
        }
        return idx;
    }

    /**
     * The gather map of a data-movement op on an input of shape {@code in} (fully known): zero
     * padding and cropping, nearest up-sampling, permute, repeat vector.
     */
    public static int[] gather(Op op, Shape in) {
        int c = in.last();
        int h = in.rank() == 3 ? in.dim(0) : 1;
        int w = in.rank() == 3 ? in.dim(1) : in.rank() == 2 ? in.dim(0) : 1;
        if (op instanceof Op.ZeroPadding || op instanceof Op.Cropping) {
            return padGather(h, w, c, padAmounts(op));
        }
        if (op instanceof Op.UpSampling u) {
            return upsampleGather(h, w, c, u.spatialRank() == 2 ? u.size().get(0) : 1, u.size().get(u.spatialRank() - 1));
        }
        if (op instanceof Op.RepeatVector r) {
            return upsampleGather(1, 1, c, 1, r.n());
        }
        Op.Permute p = (Op.Permute) op;
        return transposeGather(in.toArray(), p.dims().stream().mapToInt(d -> d - 1).toArray());
    }
}
