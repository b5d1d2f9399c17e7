package dev.mcugen.ir.quant;

import dev.mcugen.ir.Shape;
import java.util.List;

/**
 * TFLite's int8 MEAN over height and width where TensorFlow Lite Micro computes in float
 * ({@code reference_ops::QuantizedMeanOrSum}: no kept dimensions, output scale or zero point other than
 * the input's), as an integer step function. TFLite sums the raw int8 values of each channel,
 * {@code S = Σ x} (int32), and returns {@code y = clamp(round(float(S) / n · c + b) + zp_y)} in float32,
 * {@code c = s_x / s_y}, {@code b = -zp_x · c}. Every float32 operation there is monotone in {@code S}, so
 * {@code y} is a non-decreasing function of the integer {@code S}; the compiler evaluates TFLite's float32
 * arithmetic once per possible output and keeps, for each output value {@code qmin + k}
 * ({@code k = 1 .. 255}), the smallest sum that reaches it:
 * <pre>
 *   y = qmin + #{ k in 1..255 : S >= steps[k - 1] }
 * </pre>
 * (a value no sum reaches has the step {@code INT32_MAX}). The C counts by binary search; it stays
 * float-free.
 *
 * @param inputShape the input {@code [H, W, C]}
 * @param steps      int32 {@code [255]}, non-decreasing
 */
public record QTflMeanSteps(String name, String input, Shape inputShape, Shape outputShape, QuantType outputType,
                            IntTensor steps) implements QFeedForward {
    public QTflMeanSteps {
        if (inputShape.rank() != 3 || outputShape.size() != inputShape.dim(2)) {
            throw new IllegalArgumentException(name + ": a spatial mean of " + inputShape + " gives its channels, not "
                    + outputShape);
        }
        if (outputType.bits() != 8 || steps.size() != 255 || steps.bits() != 32) {
            throw new IllegalArgumentException(name + ": int8 output with 255 int32 steps, not " + steps);
        }
        for (int k = 1; k < 255; k++) {
            if (steps.get(k) < steps.get(k - 1)) {
                throw new IllegalArgumentException(name + ": steps decrease at " + k);
            }
        }
    }

    /** Values averaged per channel: {@code H · W}. */
    public int count() {
        return inputShape.dim(0) * inputShape.dim(1);
    }

    @Override
    public List<String> inputs() {
        return List.of(input);
    }
}
