package dev.mcugen.ir;

import java.util.List;

/** Output shapes of ops, with TensorFlow's rules for padding, strides and dilation. */
public final class ShapeInference {
    private ShapeInference() {
    }

    /**
     * The output shape of {@code op} applied to inputs of the given shapes.
     *
     * @throws McugenException {@link Diag#MCG_GRAPH_SHAPE} naming {@code layer} when they do not fit
     */
    public static Shape outputShape(String layer, Op op, List<Shape> in) {
        String who = "layer '" + layer + "' (" + op.kind() + ")";
        Shape out = rule(who, op, in);
        if (out.isFullyKnown()) {
            elements(who, out);
        }
        return out;
    }

    private static Shape rule(String who, Op op, List<Shape> in) {
        int arity = in.size();
        if (op instanceof Op.Elementwise e) {
            return ElementwiseShapes.outputShape(who, e, in);
        }
        if (!(op instanceof Op.Add || op instanceof Op.Concatenate) && arity != 1) {
            throw new McugenException(Diag.MCG_GRAPH_SHAPE, who, "takes one input, got " + arity);
        }
        if ((op instanceof Op.Add || op instanceof Op.Concatenate) && arity < 2) {
            throw new McugenException(Diag.MCG_GRAPH_SHAPE, who, "takes two or more inputs, got " + arity);
        }
        Shape x = in.get(0);
        if (op instanceof Op.Dense d) {
            requireRankAtLeast(who, x, 1);
            return x.with(-1, d.units());
        }
        if (op instanceof Op.Conv1D c) {
            requireRank(who, x, 2, "[steps, channels]");
            return Shape.of(spatial(who, x.dim(0), c.kernelSize(), c.stride(), c.dilation(), c.padding()), c.filters());
        }
        if (op instanceof Op.Conv2D c) {
            requireRank(who, x, 3, "[height, width, channels]");
            return Shape.of(spatial(who, x.dim(0), c.kernelH(), c.strideH(), c.dilationH(), c.padding()),
                    spatial(who, x.dim(1), c.kernelW(), c.strideW(), c.dilationW(), c.padding()), c.filters());
        }
        if (op instanceof Op.DepthwiseConv c) {
            if (c.multiplier() < 1) {
                throw new McugenException(Diag.MCG_GRAPH_SHAPE, who, "depth multiplier " + c.multiplier() + " must be >= 1");
            }
            long wide = (long) x.last() * c.multiplier();
            if (wide > Integer.MAX_VALUE) {
                throw new McugenException(Diag.MCG_GRAPH_SHAPE, who, x.last() + " channels times depth multiplier "
                        + c.multiplier() + " is more than 2^31 - 1 output channels");
            }
            int channels = (int) wide;
            if (c.spatialRank() == 1) {
                requireRank(who, x, 2, "[steps, channels]");
                return Shape.of(spatial(who, x.dim(0), c.kernelW(), c.strideW(), c.dilationW(), c.padding()),
                        channels);
            }
            requireRank(who, x, 3, "[height, width, channels]");
            return Shape.of(spatial(who, x.dim(0), c.kernelH(), c.strideH(), c.dilationH(), c.padding()),
                    spatial(who, x.dim(1), c.kernelW(), c.strideW(), c.dilationW(), c.padding()),
                    Math.toIntExact(Math.min(channels, Integer.MAX_VALUE)));
        }
        if (op instanceof Op.Pool p) {
            int r = p.spatialRank();
            requireRank(who, x, r + 1, r == 1 ? "[steps, channels]" : "[height, width, channels]");
            int[] out = x.toArray();
            for (int i = 0; i < r; i++) {
                out[i] = spatial(who, x.dim(i), p.size().get(i), p.strides().get(i), 1, p.padding());
            }
            return Shape.of(out);
        }
        if (op instanceof Op.GlobalPool g) {
            requireRank(who, x, g.spatialRank() + 1, g.spatialRank() == 1 ? "[steps, channels]" : "[height, width, channels]");
            return Shape.of(x.last());
        }
        if (op instanceof Op.Flatten f) {
            requireKnown(who, x);
            return Shape.of(elements(who, x));
        }
        if (op instanceof Op.Reshape r) {
            return reshape(who, x, r.target());
        }
        if (op instanceof Op.Dropout d) {
            return x;
        }
        if (op instanceof Op.BatchNorm b) {
            return x;
        }
        if (op instanceof Op.LayerNorm l) {
            requireRankAtLeast(who, x, 1);
            return x;
        }
        if (op instanceof Op.Embedding e) {
            int[] d = java.util.Arrays.copyOf(x.toArray(), x.rank() + 1);
            d[x.rank()] = e.outputDim();
            return Shape.of(d);
        }
        if (op instanceof Op.PRelu p) {
            for (int a : p.sharedAxes()) {
                if (a < 0 || a >= x.rank()) {
                    throw new McugenException(Diag.MCG_GRAPH_SHAPE, who, "shares alpha along axis " + a
                            + ", out of range for an input of shape " + x + " (axes exclude the batch dimension)");
                }
            }
        }
        if (op instanceof Op.Act || op instanceof Op.LeakyRelu || op instanceof Op.Elu || op instanceof Op.PRelu
                || op instanceof Op.HardSigmoid) {
            return x;
        }
        if (op instanceof Op.Concatenate c) {
            return concat(who, in, c.axis());
        }
        if (op instanceof Op.Reverse r) {
            if (r.axis() < 0 || r.axis() >= x.rank()) {
                throw new McugenException(Diag.MCG_GRAPH_SHAPE, who, "reverses axis " + r.axis() + " of an input of shape "
                        + x + "; the axis must be one of the input's (batch not counted)");
            }
            return x;
        }
        if (SpatialOps.handles(op)) {
            return SpatialOps.rule(who, op, x);
        }
        if (op instanceof Op.Recurrent r) {
            requireRank(who, x, 2, "[steps, features]");
            return r.returnSequences() ? Shape.of(x.dim(0), r.outputUnits()) : Shape.of(r.outputUnits());
        }
        throw new McugenException(Diag.MCG_INTERNAL, who, "no shape rule for " + op.kind());
    }

    /** Output length of a convolution or pooling window sliding over {@code n} positions. */
    static int spatial(String who, int n, int kernel, int stride, int dilation, Padding padding) {
        if (kernel < 1 || stride < 1 || dilation < 1) {
            throw new McugenException(Diag.MCG_GRAPH_SHAPE, who,
                    "kernel " + kernel + ", stride " + stride + ", dilation " + dilation + " must all be >= 1");
        }
        // In long: a stride or dilation near 2^31 must be refused here, not wrap around into a
        // plausible length (or an internal error) further down.
        long span = (long) (kernel - 1) * dilation + 1;
        if (span > MAX_WINDOW) {
            throw new McugenException(Diag.MCG_GRAPH_SHAPE, who, "window " + kernel + " with dilation " + dilation
                    + " spans " + span + " positions; mcugen supports windows up to " + MAX_WINDOW);
        }
        if (n == Shape.UNKNOWN) {
            return Shape.UNKNOWN;
        }
        if (stride > Math.max(n, 1)) {
            throw new McugenException(Diag.MCG_GRAPH_SHAPE, who, "stride " + stride + " is larger than the input length "
                    + n + "; give a stride of at most the input length");
        }
        long out;
        if (padding == Padding.SAME) {
            out = ((long) n + stride - 1) / stride;
        } else {
            out = n >= span ? (n - span) / stride + 1 : 0;
        }
        if (out <= 0) {
            throw new McugenException(Diag.MCG_GRAPH_SHAPE, who,
                    "window " + kernel + " (dilation " + dilation + ") does not fit an input of length " + n);
        }
        return (int) out;
    }

    /** The longest dilated window accepted: far beyond any real model, far below int overflow. */
    static final long MAX_WINDOW = 1 << 24;

    /** Padding before the first element for SAME padding (TensorFlow puts the odd one at the end). */
    public static int padBefore(int n, int out, int kernel, int stride, int dilation, Padding padding) {
        if (padding == Padding.VALID) {
            return 0;
        }
        long span = (long) (kernel - 1) * dilation + 1;
        long total = Math.max((long) (out - 1) * stride + span - n, 0);
        return (int) (total / 2);
    }

    /**
     * The number of elements of {@code x}, refused when beyond 2^31 - 1 (every tensor is indexed by
     * int): a Flatten of a 70000x70000 input is the model's problem, not an internal error.
     */
    static int elements(String who, Shape x) {
        long n = 1;
        for (int d : x.dims()) {
            n *= d;
            if (n > Integer.MAX_VALUE) {
                throw new McugenException(Diag.MCG_GRAPH_SHAPE, who, "input " + x + " has more than 2^31 - 1 elements;"
                        + " mcugen handles tensors of up to 2^31 - 1 elements");
            }
        }
        return (int) n;
    }

    private static Shape reshape(String who, Shape x, Shape target) {
        requireKnown(who, x);
        int size = elements(who, x);
        int unknown = -1;
        long known = 1;
        for (int i = 0; i < target.rank(); i++) {
            if (target.dim(i) == Shape.UNKNOWN) {
                if (unknown >= 0) {
                    throw new McugenException(Diag.MCG_GRAPH_SHAPE, who, "target " + target + " has more than one unknown dimension");
                }
                unknown = i;
            } else {
                known *= target.dim(i);
            }
        }
        if (unknown >= 0) {
            if (known == 0 || size % known != 0) {
                throw new McugenException(Diag.MCG_GRAPH_SHAPE, who, "cannot reshape " + x + " to " + target);
            }
            return target.with(unknown, (int) (size / known));
        }
        if (known != size) {
            throw new McugenException(Diag.MCG_GRAPH_SHAPE, who, "cannot reshape " + x + " (" + size + " values) to " + target);
        }
        return target;
    }

    private static Shape concat(String who, List<Shape> in, int axis) {
        Shape x = in.get(0);
        if (axis < 0 || axis >= x.rank()) {
            throw new McugenException(Diag.MCG_GRAPH_SHAPE, who, "axis " + axis + " out of range for " + x);
        }
        int sum = 0;
        for (Shape s : in) {
            if (s.rank() != x.rank()) {
                throw new McugenException(Diag.MCG_GRAPH_SHAPE, who, "inputs differ in rank: " + in);
            }
            for (int i = 0; i < x.rank(); i++) {
                if (i != axis && s.dim(i) != x.dim(i)) {
                    throw new McugenException(Diag.MCG_GRAPH_SHAPE, who, "inputs differ off the concatenation axis: " + in);
                }
            }
            sum = (sum == Shape.UNKNOWN || s.dim(axis) == Shape.UNKNOWN) ? Shape.UNKNOWN : sum + s.dim(axis);
        }
        return x.with(axis, sum);
    }

    private static void requireRank(String who, Shape x, int rank, String layout) {
        if (x.rank() != rank) {
            throw new McugenException(Diag.MCG_GRAPH_SHAPE, who, "needs an input of rank " + rank + " " + layout
                    + " (batch excluded), got " + x);
        }
    }

    private static void requireRankAtLeast(String who, Shape x, int rank) {
        if (x.rank() < rank) {
            throw new McugenException(Diag.MCG_GRAPH_SHAPE, who, "needs an input of rank >= " + rank + ", got " + x);
        }
    }

    private static void requireKnown(String who, Shape x) {
        if (!x.isFullyKnown()) {
            throw new McugenException(Diag.MCG_GRAPH_SHAPE, who,
                    "needs a fully known input shape, got " + x + "; give the model input a fixed length");
        }
    }
}
