package dev.mcugen.ir.quant;

import dev.mcugen.ir.Padding;
import dev.mcugen.ir.Shape;

import java.util.List;

/**
 * Integer convolution (Keras Conv1D over {@code [T, C]}, run as a 2-D convolution of height 1, and
 * Conv2D over {@code [H, W, C]}), cross-correlation as TensorFlow, kernel {@code [kh, kw, C, F]}:
 * <pre>
 *   acc_f(oy, ox) = bias_f + Σ_{r,q,c} xp(oy·sh - padTop + r·dh, ox·sw - padLeft + q·dw, c) · w[r, q, c, f]
 *   y_f(oy, ox)   = clamp(zp_y + R_f(acc_f), actMin, actMax)      (accShift as in QFullyConnected)
 * </pre>
 * where {@code xp} is the input, or {@code padValue} outside it, and {@code padTop}/{@code padLeft}
 * are TensorFlow's SAME split ({@code ShapeInference.padBefore}; 0 for VALID).
 *
 * <p><b>Padding and the folded zero point</b>: {@code padValue = zp_x}, the integer of real 0, and
 * {@code bias_f = round(b_f / (s_w s_x)) - zp_x · Σ_{r,q,c} w[r, q, c, f]} (the sum over the whole
 * kernel). Then every tap contributes {@code (xp - zp_x) · w}, which at a padded position is
 * {@code (zp_x - zp_x) · w = 0} exactly — the same as the float model's zero padding — while the
 * kernel reads every tap unconditionally with raw integers. (A kernel that skips padded taps
 * instead would have to add {@code zp_x · w} back per skipped tap; reading {@code padValue} is
 * simpler and what the C does.)
 *
 * @param inputShape {@code [T, C]} or {@code [H, W, C]}; T may be unknown (taken from the data)
 * @param weights    int8 {@code [kh, kw, C, F]} (Conv1D's {@code [k, C, F]} with kh = 1)
 * @param bias       {@code [F]}, zero point folded in
 * @param rescale    one entry or one per filter
 */
public record QConv(String name, String input, Shape inputShape, Shape outputShape, QuantType outputType,
                    int kernelH, int kernelW, int strideH, int strideW, int dilationH, int dilationW,
                    Padding padding, int padValue, IntTensor weights, IntTensor bias, List<Rescale> rescale,
                    int accShift, int actMin, int actMax) implements QFeedForward {
    public QConv {
        rescale = List.copyOf(rescale);
        if (inputShape.rank() != 2 && inputShape.rank() != 3) {
            throw new IllegalArgumentException(name + ": conv input must be [T, C] or [H, W, C], not " + inputShape);
        }
        if (inputShape.rank() == 2 && (kernelH != 1 || strideH != 1 || dilationH != 1)) {
            throw new IllegalArgumentException(name + ": a 1-D convolution has kernel, stride and dilation 1 in height");
        }
        int filters = weights.shape().last();
        if (!weights.shape().equals(Shape.of(kernelH, kernelW, inputShape.last(), filters)) || weights.bits() != 8) {
            throw new IllegalArgumentException(name + ": weights must be int8 [" + kernelH + ", " + kernelW + ", "
                    + inputShape.last() + ", F], not " + weights);
        }
        QChecks.bias(name, bias, filters, accShift);
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

    /** 1 for Conv1D, 2 for Conv2D. */
    public int spatialRank() {
        return inputShape.rank() - 1;
    }

    public Rescale rescaleOf(int f) {
        return rescale.size() == 1 ? rescale.get(0) : rescale.get(f);
    }
}
