package dev.mcugen.ir.quant;

import dev.mcugen.ir.Padding;
import dev.mcugen.ir.Shape;
import java.util.List;

/**
 * TFLite's 16x8 depthwise convolution (int16 activations with zero point 0, int8 per-channel weights,
 * int64 bias) over {@code [H, W, C]}, depth multiplier {@code M}, kernel {@code [kh, kw, C, M]}, output
 * channel {@code o = c · M + j}:
 * <pre>
 *   acc_o(oy, ox) = bias_o + Σ_{r,q} x(oy·sh - padTop + r·dh, ox·sw - padLeft + q·dw, c) · w[r, q, c, j]   (int64)
 *   y_o(oy, ox)   = clamp({@link TflKernels#requant64}(acc_o, m_o, e_o), actMin, actMax)
 * </pre>
 * Taps outside the input are skipped (TFLite's zero padding at zero point 0); the output zero point
 * is 0, as TFLite's int16 kernel assumes. The requantization is TFLite's int64
 * {@code MultiplyByQuantizedMultiplier} (the multiplier reduced to 16 bits, one rounding shift).
 *
 * @param weights int8 {@code [kh, kw, C, M]}
 * @param bias    int64 {@code [C · M]}
 * @param rescale one multiplier form {@link Rescale} per output channel (or one for all)
 */
public record QDepthwise16x8(String name, String input, Shape inputShape, Shape outputShape, QuantType outputType,
                             int multiplier, int kernelH, int kernelW, int strideH, int strideW, int dilationH,
                             int dilationW, Padding padding, IntTensor weights, IntTensor bias, List<Rescale> rescale,
                             int actMin, int actMax) implements QFeedForward {
    public QDepthwise16x8 {
        rescale = List.copyOf(rescale);
        if (inputShape.rank() != 3 || multiplier < 1) {
            throw new IllegalArgumentException(name + ": 16x8 depthwise input must be [H, W, C] with a multiplier >= 1");
        }
        int out = inputShape.last() * multiplier;
        if (!weights.shape().equals(Shape.of(kernelH, kernelW, inputShape.last(), multiplier)) || weights.bits() != 8) {
            throw new IllegalArgumentException(name + ": weights must be int8 [" + kernelH + ", " + kernelW + ", "
                    + inputShape.last() + ", " + multiplier + "], not " + weights);
        }
        if (bias.bits() != 64 || bias.size() != out) {
            throw new IllegalArgumentException(name + ": bias must be int64 [" + out + "], not " + bias);
        }
        if (outputType.bits() != 16 || outputType.zeroPoint() != 0) {
            throw new IllegalArgumentException(name + ": output must be int16 with zero point 0, not " + outputType);
        }
        for (Rescale r : rescale) {
            if (r.powerOfTwo() || r.shift() > 7) {
                throw new IllegalArgumentException(name + ": rescale " + r + " is not a multiplier with shift <= 7");
            }
        }
        QChecks.rescales(name, rescale, out);
        QChecks.clamp(name, outputType, actMin, actMax);
    }

    @Override
    public List<String> inputs() {
        return List.of(input);
    }

    public int channels() {
        return inputShape.last();
    }

    public Rescale rescaleOf(int o) {
        return rescale.size() == 1 ? rescale.get(0) : rescale.get(o);
    }
}
