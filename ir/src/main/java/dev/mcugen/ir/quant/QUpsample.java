package dev.mcugen.ir.quant;

import dev.mcugen.ir.Shape;

import java.util.List;

/**
 * Integer nearest-neighbour up-sampling of the {@code [H, W, C]} view of the input ({@code [T, C]}
 * is height 1, a vector {@code [F]} is one position of F channels: Keras RepeatVector is
 * {@code factorW = n}) under the equal-scale contract: {@code y(oy, ox, c) = x(oy / factorH, ox / factorW, c)}.
 */
public record QUpsample(String name, String input, Shape inputShape, Shape outputShape, QuantType outputType,
                        int factorH, int factorW) implements QFeedForward {
    public QUpsample {
        if (inputShape.rank() < 1 || inputShape.rank() > 3 || factorH < 1 || factorW < 1) {
            throw new IllegalArgumentException(name + ": up-sampling of " + inputShape + " by " + factorH + "x" + factorW);
        }
        if (inputShape.rank() < 3 && factorH != 1) {
            throw new IllegalArgumentException(name + ": a 1-D up-sampling has factor 1 in height");
        }
    }

    @Override
    public List<String> inputs() {
        return List.of(input);
    }
}
