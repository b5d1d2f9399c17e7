package dev.mcugen.ir.quant;

import dev.mcugen.ir.Shape;

import java.util.List;

/**
 * Integer softmax over the last axis (rows of {@code depth} values), TFLite's quantized softmax
 * ({@code reference_ops::Softmax}) with gemmlowp's fixed-point exp, see {@link SoftmaxMath}:
 * <pre>
 *   d      = x - max_row(x)                               (in int64 when the input is int32)
 *   if d &lt; diffMin:  y = zp_y                             (exp(d·s_x) is below the output's resolution)
 *   else: e = expOnNegativeValues(R_beta(d))            R_beta realizes s_x · 2^26: d as Q5.26; e in Q0.31
 *   sum    = Σ_row rdivpot(e, 12)                         Q12.19 (only the terms with d ≥ diffMin)
 *   (r, k) = reciprocal(sum)                              r in Q0.31, sum = 2^k (1 + x), r = 1/(1 + x)
 *   y      = clamp(zp_y + rdivpot(srdhm(r, e), k + 31 - f), qmin_y, qmax_y)
 * </pre>
 * The output type is {@code scale = 2^-f}: int8 {@code f = 8, zp = -128} (TFLite), int16
 * {@code f = 15, zp = 0} (Q0.15). The input can be int8, int16 or the int32 accumulator of the Dense
 * layer before it (scale {@code s_w s_x}; no requantization before softmax at all).
 * {@code diffMin} as {@link #diffMinFor}. Depth is at most 256 for int8
 * output and 4095 otherwise (so that every shift stays within 31 and Q12.19 does not saturate).
 */
public record QSoftmax(String name, String input, Shape outputShape, QuantType outputType,
                       Rescale inputBeta, int diffMin, int outputFractionalBits) implements QFeedForward {
    public QSoftmax {
        if (outputType.scale() != Math.scalb(1.0, -outputFractionalBits)) {
            throw new IllegalArgumentException(name + ": softmax output scale must be 2^-" + outputFractionalBits
                    + ", not " + outputType.scale());
        }
        int depth = outputShape.last();
        if (outputFractionalBits < 1 || outputFractionalBits > 31 || depth > (outputFractionalBits <= 8 ? 256 : 4095)) {
            throw new IllegalArgumentException(name + ": softmax over " + depth + " values to 2^-" + outputFractionalBits
                    + " is not supported");
        }
        if (diffMin > 0) {
            throw new IllegalArgumentException(name + ": diffMin must be <= 0");
        }
    }

    @Override
    public List<String> inputs() {
        return List.of(input);
    }

    /**
     * The most negative difference kept for {@code inputBeta}: TFLite's
     * {@code -CalculateInputRadius(5, shift)} = {@code -floor(31 · 2^26 / 2^shift)} when the
     * exponent is positive (the usual case); when {@code R_beta} shrinks ({@code real < 1}), the
     * difference whose rescaled value is -31, {@code -floor(31 · 2^26 / real)}, at least
     * {@code Integer.MIN_VALUE}. Kept differences never saturate Q5.26; dropped ones have
     * {@code exp < e^-15}, below any output resolution.
     */
    public static int diffMinFor(Rescale inputBeta) {
        long radius;
        if (inputBeta.shift() > 0) {
            radius = ((1L << 5) - 1) * (1L << 26) >> inputBeta.shift();
        } else {
            radius = (long) Math.floor(((1L << 5) - 1) * Math.scalb(1.0, 26) / inputBeta.real());
        }
        return (int) Math.max(Integer.MIN_VALUE, -radius);
    }
}
