package dev.mcugen.ir.quant;

import dev.mcugen.ir.Shape;

import java.util.List;

/**
 * Integer transpose (Keras Permute) of a fully known input of rank 1 to 4 under the equal-scale
 * contract: output axis {@code i} is input axis {@code perm[i]} (0-based), both row-major.
 */
public record QTranspose(String name, String input, Shape inputShape, Shape outputShape, QuantType outputType,
                         List<Integer> perm) implements QFeedForward {
    public QTranspose {
        perm = List.copyOf(perm);
        if (perm.size() != inputShape.rank() || perm.size() > 4 || !inputShape.isFullyKnown()) {
            throw new IllegalArgumentException(name + ": permutation " + perm + " of " + inputShape);
        }
    }

    @Override
    public List<String> inputs() {
        return List.of(input);
    }
}
