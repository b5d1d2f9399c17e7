package dev.mcugen.ir.quant;

import dev.mcugen.ir.PoolKind;
import dev.mcugen.ir.Shape;

import java.util.List;
import java.util.Optional;

/**
 * Integer global pooling over all positions of {@code [..., C]}, giving {@code [C]}; {@code n} is the
 * number of positions (taken from the data when the sequence length is open):
 * <pre>
 *   max:              y_c = max_p x(p, c)                                   (input type = output type)
 *   avg, division:    y_c = divRound(Σ_p x(p, c), n)                        (input type = output type;
 *                     divRound as in {@link QPool}: nearest, ties away from zero)
 *   avg, rescaled:    y_c = clamp(zp_y + R(Σ_p (x(p, c) - zp_x)), qmin_y, qmax_y),
 *                     R realizing s_x / (n · s_y)                           (n fixed by the model)
 * </pre>
 * The division form holds the equal-scale contract (and is exact under {@code --rescale pot}, where
 * {@code 1/n} is rarely a power of two); the rescaled form gives the mean its own, usually finer,
 * scale. Sums are int32: {@code n · 2^16} fits for any realistic {@code n < 2^15}.
 *
 * @param inputZeroPoint {@code zp_x}
 * @param rescale        present for the rescaled average only
 */
public record QGlobalPool(String name, String input, Shape inputShape, Shape outputShape, QuantType outputType,
                          PoolKind pool, int inputZeroPoint, Optional<Rescale> rescale) implements QFeedForward {
    public QGlobalPool {
        if (pool == PoolKind.MAX && rescale.isPresent()) {
            throw new IllegalArgumentException(name + ": max pooling has no rescale");
        }
    }

    @Override
    public List<String> inputs() {
        return List.of(input);
    }

    public int channels() {
        return inputShape.last();
    }
}
