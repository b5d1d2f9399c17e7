package dev.mcugen.ir.quant;

import dev.mcugen.ir.Padding;
import dev.mcugen.ir.Shape;

import java.util.List;

/**
 * Integer depthwise convolution (Keras DepthwiseConv1D over {@code [T, C]}, run with height 1, and
 * DepthwiseConv2D over {@code [H, W, C]}), kernel {@code [kh, kw, C, m]}, output channel
 * {@code o = c·m + j} reading only input channel {@code c = o / m}:
 * <pre>
 *   acc_o(oy, ox) = bias_o + Σ_{r,q} xp(oy·sh - padTop + r·dh, ox·sw - padLeft + q·dw, o / m) · w[r, q, o]
 *   y_o(oy, ox)   = clamp(zp_y + R_o(acc_o), actMin, actMax)      (accShift as in QFullyConnected)
 * </pre>
 * with {@code w[r, q, o]} the kernel flattened to {@code [kh, kw, C·m]} (the same bytes). Padding
 * and the folded zero point are as in {@link QConv}: taps outside the input read
 * {@code padValue = zp_x} and {@code bias_o = round(b_o / (s_w,o s_x)) - zp_x · Σ_{r,q} w[r, q, o]}.
 *
 * @param inputShape {@code [T, C]} or {@code [H, W, C]}; T may be unknown (taken from the data)
 * @param multiplier the depth multiplier m
 * @param weights    int8 {@code [kh, kw, C, m]}
 * @param bias       {@code [C·m]}, zero point folded in (int32, or int64 with {@code accShift > 0})
 * @param rescale    one entry or one per output channel
 */
public record QDepthwiseConv(String name, String input, Shape inputShape, Shape outputShape, QuantType outputType,
                             int multiplier, int kernelH, int kernelW, int strideH, int strideW, int dilationH,
                             int dilationW, Padding padding, int padValue, IntTensor weights, IntTensor bias,
                             List<Rescale> rescale, int accShift, int actMin, int actMax) implements QFeedForward {
    public QDepthwiseConv {
        rescale = List.copyOf(rescale);
        if (inputShape.rank() != 2 && inputShape.rank() != 3) {
            throw new IllegalArgumentException(name + ": depthwise input must be [T, C] or [H, W, C], not " + inputShape);
        }
        if (inputShape.rank() == 2 && (kernelH != 1 || strideH != 1 || dilationH != 1)) {
            throw new IllegalArgumentException(name + ": a 1-D depthwise convolution has kernel, stride and dilation 1 in height");
        }
        if (multiplier < 1) {
            throw new IllegalArgumentException(name + ": depth multiplier " + multiplier);
        }
        if (!weights.shape().equals(Shape.of(kernelH, kernelW, inputShape.last(), multiplier)) || weights.bits() != 8) {
            throw new IllegalArgumentException(name + ": weights must be int8 [" + kernelH + ", " + kernelW + ", "
                    + inputShape.last() + ", " + multiplier + "], not " + weights);
        }
        int out = inputShape.last() * multiplier;
        QChecks.bias(name, bias, out, accShift);
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

    /** Output channels, {@code C·m}. */
    public int outputChannels() {
        return inputShape.last() * multiplier;
    }

    public Rescale rescaleOf(int o) {
        return rescale.size() == 1 ? rescale.get(0) : rescale.get(o);
    }
}
