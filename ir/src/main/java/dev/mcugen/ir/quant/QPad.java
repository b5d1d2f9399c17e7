package dev.mcugen.ir.quant;

import dev.mcugen.ir.Shape;

import java.util.List;

/**
 * Integer zero padding and cropping of the {@code [H, W, C]} view of the input ({@code [T, C]} is
 * height 1) under the equal-scale contract: {@code top, bottom, left, right} are signed (positive
 * pads, negative crops):
 * <pre>
 *   y(oy, ox, c) = x(oy - top, ox - left, c)   inside the input,  padValue  outside
 * </pre>
 * {@code padValue} is the zero point, the integer of real 0 (an ExactZero contract makes real 0
 * representable), so padded positions hold exactly the float model's zeros.
 */
public record QPad(String name, String input, Shape inputShape, Shape outputShape, QuantType outputType,
                   int top, int bottom, int left, int right, int padValue) implements QFeedForward {
    public QPad {
        if (inputShape.rank() != 2 && inputShape.rank() != 3) {
            throw new IllegalArgumentException(name + ": pad input must be [T, C] or [H, W, C], not " + inputShape);
        }
        if (inputShape.rank() == 2 && (top != 0 || bottom != 0)) {
            throw new IllegalArgumentException(name + ": a 1-D pad has no top or bottom");
        }
        if (padValue < outputType.qmin() || padValue > outputType.qmax()) {
            throw new IllegalArgumentException(name + ": pad value " + padValue + " outside " + outputType);
        }
    }

    @Override
    public List<String> inputs() {
        return List.of(input);
    }

    /** {@code [top, bottom, left, right]}. */
    public int[] amounts() {
        return new int[] {top, bottom, left, right};
    }
}
