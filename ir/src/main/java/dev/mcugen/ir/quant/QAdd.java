package dev.mcugen.ir.quant;

import dev.mcugen.ir.Shape;

import java.util.List;

/**
 * Integer element-wise sum of two or more inputs of equal shape, TFLite style: each input is
 * brought to a common fine scale, the terms are summed in int32, and the sum is rescaled to the
 * output:
 * <pre>
 *   t_k = R_k((x_k - zp_k) · 2^leftShift)          R_k realizing s_k / (2 · max_j s_j)   (≤ 1/2)
 *   y   = clamp(zp_y + R_out(Σ_k t_k), qmin_y, qmax_y)   R_out realizing 2 · max_j s_j / (2^leftShift · s_y)
 * </pre>
 * {@code leftShift} (20 for int8 inputs, 15 for int16 with two inputs, as TFLite) is chosen by the
 * recipe so that {@code |x_k - zp_k| · 2^leftShift} fits int32 and the sum of the {@code |t_k|}
 * does too (its accumulator bound). When all inputs and the output share one type (the
 * equal-scale contract) every {@code R} is a power of two and the result equals
 * {@code clamp(zp + Σ_k (x_k - zp), qmin, qmax)} exactly.
 */
public record QAdd(String name, List<String> inputs, Shape outputShape, QuantType outputType,
                   List<Integer> inputZeroPoints, int leftShift, List<Rescale> inputRescales,
                   Rescale outputRescale) implements QFeedForward {
    public QAdd {
        inputs = List.copyOf(inputs);
        inputZeroPoints = List.copyOf(inputZeroPoints);
        inputRescales = List.copyOf(inputRescales);
        if (inputs.size() < 2 || inputZeroPoints.size() != inputs.size() || inputRescales.size() != inputs.size()) {
            throw new IllegalArgumentException(name + ": add needs >= 2 inputs, each with a zero point and a rescale");
        }
        if (leftShift < 0 || leftShift > 30) {
            throw new IllegalArgumentException(name + ": left shift " + leftShift + " outside [0, 30]");
        }
    }
}
