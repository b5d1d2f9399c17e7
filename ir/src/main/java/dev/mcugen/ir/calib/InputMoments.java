package dev.mcugen.ir.calib;

import dev.mcugen.ir.Node;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Padding;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.ShapeInference;

/**
 * The second moment {@code E[p pᵀ]} of the vectors a Dense or convolution layer multiplies by its kernel
 * — the input rows of a Dense, the (zero-padded) receptive-field patches of a convolution, in the
 * kernel's row order (kernel positions, input channel fastest) — over the calibration data. It is the
 * Hessian of the layer's squared output error with respect to its weights, which optimal weight
 * rounding minimizes (see the scale solver's weight rounding).
 *
 * <p>Memory and time stay bounded whatever the data: a layer is tracked only when its row length is
 * at most {@link #MAX_DIM}, and each sample contributes at most {@code rowsPerSample} evenly spaced
 * rows (output positions), chosen deterministically (the same data gives the same moments).
 */
public final class InputMoments {
    /** Longest row tracked (the d×d moment of a longer one costs too much memory and time). */
    public static final int MAX_DIM = 1152;
    /** Rows summed over all calibration samples, at most (per layer). */
    public static final int MAX_ROWS = 4096;

    private final int dim;
    private final double[] sum;
    private final int rowsPerSample;
    private long rows;
    private long samplesAdded;
    // Geometry: a Dense is a convolution of a [positions, dim] input with a 1x1 kernel.
    private final int inH;
    private final int inW;
    private final int channels;
    private final int outH;
    private final int outW;
    private final int kh;
    private final int kw;
    private final int sh;
    private final int sw;
    private final int dh;
    private final int dw;
    private final int padTop;
    private final int padLeft;

    private InputMoments(int dim, int rowsPerSample, int inH, int inW, int channels, int outH, int outW, int kh,
                         int kw, int sh, int sw, int dh, int dw, int padTop, int padLeft) {
        this.dim = dim;
        this.sum = new double[dim * dim];
        this.rowsPerSample = rowsPerSample; // at most; fewer when a sample has fewer positions
        this.inH = inH;
        this.inW = inW;
        this.channels = channels;
        this.outH = outH;
        this.outW = outW;
        this.kh = kh;
        this.kw = kw;
        this.sh = sh;
        this.sw = sw;
        this.dh = dh;
        this.dw = dw;
        this.padTop = padTop;
        this.padLeft = padLeft;
    }

    /**
     * An accumulator for {@code node} reading a tensor of shape {@code in}, or null when the node is not
     * a Dense / Conv1D / Conv2D or its rows are longer than {@link #MAX_DIM}.
     *
     * @param samples the number of calibration samples that will be added
     */
    public static InputMoments of(Node node, Shape in, int samples) {
        if (in == null || in.rank() == 0) {
            return null;
        }
        int perSampleBudget = Math.max(1, MAX_ROWS / Math.max(samples, 1));
        Op op = node.op();
        if (op instanceof Op.Dense) {
            int d = in.last();
            if (d <= 0 || d > MAX_DIM) {
                return null;
            }
            // Rows per sample: known from the shape, or (a sequence of open length) from each sample.
            int positions = known(in) ? in.size() / d : Shape.UNKNOWN;
            return new InputMoments(d, perSampleBudget, positions, 1, d, positions, 1, 1, 1, 1,
                    1, 1, 1, 0, 0);
        }
        if (!known(in) || !known(node.outputShape())) {
            return null;
        }
        if (op instanceof Op.Conv1D c && in.rank() == 2) {
            int d = c.kernelSize() * in.dim(1);
            int out = node.outputShape().dim(0);
            if (d > MAX_DIM || out <= 0) {
                return null;
            }
            int pad = ShapeInference.padBefore(in.dim(0), out, c.kernelSize(), c.stride(), c.dilation(), c.padding());
            return new InputMoments(d, Math.min(out, perSampleBudget), in.dim(0), 1, in.dim(1), out, 1,
                    c.kernelSize(), 1, c.stride(), 1, c.dilation(), 1, pad, 0);
        }
        if (op instanceof Op.Conv2D c && in.rank() == 3) {
            int d = c.kernelH() * c.kernelW() * in.dim(2);
            int oh = node.outputShape().dim(0);
            int ow = node.outputShape().dim(1);
            if (d > MAX_DIM || oh <= 0 || ow <= 0) {
                return null;
            }
            Padding p = c.padding();
            return new InputMoments(d, Math.min(oh * ow, perSampleBudget), in.dim(0), in.dim(1), in.dim(2), oh, ow,
                    c.kernelH(), c.kernelW(), c.strideH(), c.strideW(), c.dilationH(), c.dilationW(),
                    ShapeInference.padBefore(in.dim(0), oh, c.kernelH(), c.strideH(), c.dilationH(), p),
                    ShapeInference.padBefore(in.dim(1), ow, c.kernelW(), c.strideW(), c.dilationW(), p));
        }
        return null;
    }

    private static boolean known(Shape s) {
        for (int i = 0; i < s.rank(); i++) {
            if (s.dim(i) == Shape.UNKNOWN) {
                return false;
            }
        }
        return true;
    }

    /** The length of a row: the kernel's row count. */
    public int dim() {
        return dim;
    }

    /** Receives one row (valid only during the call). */
    @FunctionalInterface
    public interface RowSink {
        void row(double[] p);
    }

    /** Adds the rows of one sample's input {@code x} (row-major, the shape given to {@link #of}). */
    void add(float[] x) {
        rows(x, samplesAdded++, p -> {
            for (int a = 0; a < dim; a++) {
                double pa = p[a];
                if (pa == 0) {
                    continue;
                }
                int row = a * dim;
                for (int b = a; b < dim; b++) {
                    sum[row + b] += pa * p[b];
                }
            }
            rows++;
        });
    }

    /**
     * Gives {@code sink} the rows of input {@code x} of calibration sample number {@code sample} that
     * the moment takes from it: evenly spaced output positions, the same ones for the same sample
     * number, so that two runs of one sample (float and integer) yield the rows of the same positions.
     */
    public void rows(float[] x, long sample, RowSink sink) {
        // A Dense over a sequence of open length: one row per dim values.
        int inRows = inH == Shape.UNKNOWN ? x.length / dim : inH;
        int columns = outH == Shape.UNKNOWN ? 1 : outW;
        int positions = outH == Shape.UNKNOWN ? inRows : outH * outW;
        if (positions <= 0) {
            return;
        }
        int rowsThisSample = Math.min(positions, rowsPerSample);
        double[] p = new double[dim];
        // Evenly spaced output positions, shifted per sample by a golden-ratio step so that the samples
        // together cover every column (a fixed stride could alias with the width and, say, only ever
        // see the left padding).
        long offset = Math.floorMod(sample * 0x9E3779B97F4A7C15L, (long) positions);
        for (int r = 0; r < rowsThisSample; r++) {
            int pos = (int) (((long) r * positions / rowsThisSample + offset) % positions);
            int oy = pos / columns;
            int ox = pos % columns;
            int k = 0;
            for (int i = 0; i < kh; i++) {
                int y = oy * sh + i * dh - padTop;
                for (int j = 0; j < kw; j++) {
                    int xx = ox * sw + j * dw - padLeft;
                    boolean inside = y >= 0 && y < inRows && xx >= 0 && xx < inW;
                    int base = (y * inW + xx) * channels;
                    for (int ch = 0; ch < channels; ch++) {
                        p[k++] = inside ? x[base + ch] : 0;
                    }
                }
            }
            sink.row(p);
        }
    }

    /** {@code E[p pᵀ]} as a full symmetric {@code dim × dim} row-major matrix. */
    double[] moment() {
        double[] m = new double[dim * dim];
        for (int a = 0; a < dim; a++) {
            for (int b = a; b < dim; b++) {
                double v = rows == 0 ? 0 : sum[a * dim + b] / rows;
                m[a * dim + b] = v;
                m[b * dim + a] = v;
            }
        }
        return m;
    }
}
