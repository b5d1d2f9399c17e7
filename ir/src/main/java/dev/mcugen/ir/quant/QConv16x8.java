package dev.mcugen.ir.quant;

import dev.mcugen.ir.Padding;
import dev.mcugen.ir.Shape;
import java.util.List;

/**
 * TFLite's 16x8 convolution (int16 activations with zero point 0, int8 per-channel weights, int64
 * bias), cross-correlation over {@code [H, W, C]}, kernel {@code [kh, kw, C, F]}:
 * <pre>
 *   acc_f(oy, ox) = bias_f + Σ_{r,q,c} x(oy·sh - padTop + r·dh, ox·sw - padLeft + q·dw, c) · w[r, q, c, f]   (int64)
 *   y_f(oy, ox)   = clamp(zp_y + {@link TflKernels#requant64}(acc_f, m_f, e_f), actMin, actMax)
 * </pre>
 * Taps outside the input are skipped (the input zero point is 0, so that is TFLite's zero padding).
 * The 64-bit requantization is TFLite's {@code MultiplyByQuantizedMultiplier} for an int64 accumulator:
 * the multiplier is reduced to 16 bits and applied with one rounding shift, not the double rounding
 * of the 32-bit path.
 *
 * @param weights int8 {@code [kh, kw, C, F]}
 * @param bias    int64 {@code [F]}
 * @param rescale one multiplier form {@link Rescale} per filter (or one for all): {@code (m_f, e_f)}
 */
public record QConv16x8(String name, String input, Shape inputShape, Shape outputShape, QuantType outputType,
                        int kernelH, int kernelW, int strideH, int strideW, int dilationH, int dilationW,
                        Padding padding, IntTensor weights, IntTensor bias, List<Rescale> rescale, int actMin,
                        int actMax) implements QFeedForward {
    public QConv16x8 {
        rescale = List.copyOf(rescale);
        if (inputShape.rank() != 3) {
            throw new IllegalArgumentException(name + ": 16x8 conv input must be [H, W, C], not " + inputShape);
        }
        int filters = weights.shape().last();
        if (!weights.shape().equals(Shape.of(kernelH, kernelW, inputShape.last(), filters)) || weights.bits() != 8) {
            throw new IllegalArgumentException(name + ": weights must be int8 [" + kernelH + ", " + kernelW + ", "
                    + inputShape.last() + ", F], not " + weights);
        }
        if (bias.bits() != 64 || bias.size() != filters) {
            throw new IllegalArgumentException(name + ": bias must be int64 [" + filters + "], not " + bias);
        }
        if (outputType.bits() != 16) {
            throw new IllegalArgumentException(name + ": output must be int16, not " + outputType);
        }
        for (Rescale r : rescale) {
            if (r.powerOfTwo() || r.shift() > 7) {
                throw new IllegalArgumentException(name + ": rescale " + r + " is not a multiplier with shift <= 7");
            }
        }
        QChecks.rescales(name, rescale, filters);
        QChecks.clamp(name, outputType, actMin, actMax);
    }

    @Override
    public List<String> inputs() {
        return List.of(input);
    }

    public int filters() {
        return weights.shape().last();
    }

    public int channels() {
        return inputShape.last();
    }

    public Rescale rescaleOf(int f) {
        return rescale.size() == 1 ? rescale.get(0) : rescale.get(f);
    }
}
