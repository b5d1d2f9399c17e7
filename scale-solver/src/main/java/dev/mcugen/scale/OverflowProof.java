package dev.mcugen.scale;

import dev.mcugen.ir.quant.QuantType;

/**
 * The static overflow proof of DESIGN §5 and seed 000 §3.1.1: for an accumulator
 * {@code acc[o] = bias[o] + Σ_j w[j, o] · x_j} every partial sum is at most
 * {@code |bias[o]| + Σ_j |w[j, o]| · max|x|} in magnitude, whatever the order of summation. When that
 * bound is within the accumulator's limit for every row, int32 cannot overflow on any input; when it
 * is not, the worst row is named with what the recipe does about it.
 *
 * <p>Recipes call {@link #matmul} once per accumulator and record the result with
 * {@link LoweringContext#bound}; the report lists every one.
 */
public final class OverflowProof {
    /** The largest value of an int32 accumulator. */
    public static final long INT32_LIMIT = Integer.MAX_VALUE;

    private OverflowProof() {
    }

    /**
     * The bound of every row of {@code acc[o] = bias[o] + Σ_j w[j, o] · x_j}.
     *
     * @param weights     integer weights with the output axis innermost (Keras {@code [..., out]}
     *                    kernels: Dense {@code [in, out]}, Conv {@code [k, C, out]}); every other
     *                    position of column {@code o} is summed into row {@code o}
     * @param outputs     the number of rows (the innermost dimension)
     * @param bias        the integer bias added to each row (zero points folded in), or null
     * @param maxAbsInput the largest {@code |x_j|} the kernel multiplies, see {@link #maxAbsInput}
     */
    public static long[] rowBounds(int[] weights, int outputs, long[] bias, long maxAbsInput) {
        if (outputs <= 0 || weights.length % outputs != 0) {
            throw new IllegalArgumentException(weights.length + " weights are not a multiple of " + outputs + " rows");
        }
        if (bias != null && bias.length != outputs) {
            throw new IllegalArgumentException("bias of " + bias.length + " for " + outputs + " rows");
        }
        long[] sumAbs = new long[outputs];
        for (int i = 0; i < weights.length; i++) {
            sumAbs[i % outputs] += Math.abs((long) weights[i]);
        }
        long[] bounds = new long[outputs];
        for (int o = 0; o < outputs; o++) {
            long b = saturatingMultiply(sumAbs[o], maxAbsInput);
            bounds[o] = saturatingAdd(b, bias == null ? 0 : Math.abs(bias[o]));
        }
        return bounds;
    }

    /** The worst row of {@link #rowBounds} against {@code limit}; {@code actionIfUnsafe} is kept only when it exceeds it. */
    public static AccumulatorBound matmul(String layer, String accumulator, int[] weights, int outputs, long[] bias,
                                          long maxAbsInput, long limit, String actionIfUnsafe) {
        return worst(layer, accumulator, rowBounds(weights, outputs, bias, maxAbsInput), limit, actionIfUnsafe);
    }

    /** The first row with the largest bound (ties: the lowest row, so reports are deterministic). */
    public static AccumulatorBound worst(String layer, String accumulator, long[] rowBounds, long limit,
                                         String actionIfUnsafe) {
        int row = 0;
        for (int o = 1; o < rowBounds.length; o++) {
            if (rowBounds[o] > rowBounds[row]) {
                row = o;
            }
        }
        long bound = rowBounds.length == 0 ? 0 : rowBounds[row];
        return new AccumulatorBound(layer, accumulator, row, bound, limit, bound <= limit ? "" : actionIfUnsafe);
    }

    /**
     * The largest integer magnitude an input of type {@code t} contributes: with the zero point
     * folded into the bias (the kernel multiplies {@code q} itself) it is {@code max(|qmin|, |qmax|)};
     * otherwise (the kernel multiplies {@code q - zero_point}) {@code max(qmax - zp, zp - qmin)}.
     */
    public static long maxAbsInput(QuantType t, boolean zeroPointFolded) {
        if (zeroPointFolded) {
            return Math.max(Math.abs((long) t.qmin()), Math.abs((long) t.qmax()));
        }
        return Math.max((long) t.qmax() - t.zeroPoint(), (long) t.zeroPoint() - t.qmin());
    }

    private static long saturatingMultiply(long a, long b) {
        long hi = Math.multiplyHigh(a, b);
        long lo = a * b;
        return hi != 0 || lo < 0 ? Long.MAX_VALUE : lo;
    }

    private static long saturatingAdd(long a, long b) {
        long r = a + b;
        return r < 0 ? Long.MAX_VALUE : r;
    }
}
