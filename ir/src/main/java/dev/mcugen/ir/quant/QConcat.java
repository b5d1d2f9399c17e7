package dev.mcugen.ir.quant;

import dev.mcugen.ir.Shape;

import java.util.List;

/**
 * Integer concatenation along {@code axis} (counted without the batch dimension). Each input
 * element is mapped to the output type:
 * <pre>
 *   y = clamp(zp_y + R_k(x - zp_k), qmin_y, qmax_y),   R_k realizing s_k / s_y
 * </pre>
 * Under the equal-scale contract (the normal case) {@code zp_k = zp_y} and {@code R_k} is
 * {@link Rescale#IDENTITY}, so the op is a plain copy (what the C then emits); inputs whose type
 * the solver could not equalize are requantized.
 */
public record QConcat(String name, List<String> inputs, List<Shape> inputShapes, Shape outputShape,
                      QuantType outputType, int axis, List<Integer> inputZeroPoints, List<Rescale> inputRescales)
        implements QFeedForward {
    public QConcat {
        inputs = List.copyOf(inputs);
        inputShapes = List.copyOf(inputShapes);
        inputZeroPoints = List.copyOf(inputZeroPoints);
        inputRescales = List.copyOf(inputRescales);
        int n = inputs.size();
        if (n < 1 || inputShapes.size() != n || inputZeroPoints.size() != n || inputRescales.size() != n) {
            throw new IllegalArgumentException(name + ": each input needs a shape, a zero point and a rescale");
        }
        if (axis < 0 || axis >= outputShape.rank()) {
            throw new IllegalArgumentException(name + ": axis " + axis + " outside " + outputShape);
        }
    }

    /** True when input {@code k} is copied unchanged. */
    public boolean isCopy(int k) {
        return inputRescales.get(k).equals(Rescale.IDENTITY) && inputZeroPoints.get(k) == outputType.zeroPoint();
    }
}
