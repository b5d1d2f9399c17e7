package dev.mcugen.ir.quant;

import dev.mcugen.ir.Shape;

import java.util.List;

/**
 * Flatten, reshape and dropout on integers: {@code y = x} (row-major order is unchanged, the type
 * is the input's by the equal-scale contract). The C may elide it (an alias of the input buffer);
 * it is kept in the graph so tensor names match the float model.
 */
public record QReshape(String name, String input, Shape outputShape, QuantType outputType) implements QFeedForward {
    @Override
    public List<String> inputs() {
        return List.of(input);
    }
}
