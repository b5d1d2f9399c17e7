package dev.mcugen.ir.quant;

import dev.mcugen.ir.Shape;

import java.util.List;

/**
 * Reversal along {@code axis} on integers ({@link dev.mcugen.ir.Op.Reverse}): {@code y} holds the
 * elements of {@code x} with the blocks along {@code axis} in the opposite order; the values are
 * copied unchanged (the type is the input's by the equal-scale contract), so no rounding happens.
 */
public record QReverse(String name, String input, Shape outputShape, QuantType outputType, int axis)
        implements QFeedForward {
    public QReverse {
        if (axis < 0 || axis >= outputShape.rank()) {
            throw new IllegalArgumentException(name + ": axis " + axis + " outside " + outputShape);
        }
    }

    @Override
    public List<String> inputs() {
        return List.of(input);
    }
}
