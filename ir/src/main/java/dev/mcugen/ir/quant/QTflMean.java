package dev.mcugen.ir.quant;

import dev.mcugen.ir.Shape;
import java.util.List;

/**
 * TFLite's integer MEAN of a feature map {@code [H, W, C]} over its height and width, one value per
 * channel ({@code n = H · W} values each), in one of the two forms TensorFlow Lite Micro's reference
 * kernels use:
 * <ul>
 *   <li>{@code rounded} (TFLite's {@code reference_integer_ops::Mean}, a 4-D input reduced over axes 1
 *       and 2 with {@code keep_dims}): {@code acc = Σ (x - zp_x)} in int32;
 *       {@code acc = MultiplyByQuantizedMultiplier(acc, s_x / s_y)} (the {@link #rescale}, double
 *       rounding); {@code q = acc > 0 ? (acc + n/2) / n : (acc - n/2) / n} with C's truncating
 *       division and {@code n/2} truncated (so half-way quotients round away from zero for odd
 *       {@code n}, and one unit short of that for even {@code n} on the negative side as TFLite's
 *       formula gives); {@code y = clamp(q + zp_y, type min, type max)};</li>
 *   <li>not {@code rounded} (TFLite's generic {@code reference_ops::Mean}, used when input and output
 *       share scale and zero point): {@code y = Σ x / n}, the raw integers summed (zero points
 *       included) and divided with C's truncation toward zero; {@link #rescale} is unused.</li>
 * </ul>
 *
 * @param inputShape the input {@code [H, W, C]}
 */
public record QTflMean(String name, String input, Shape inputShape, Shape outputShape, QuantType outputType,
                       boolean rounded, int inputZeroPoint, Rescale rescale) implements QFeedForward {
    public QTflMean {
        if (inputShape.rank() != 3 || outputShape.size() != inputShape.dim(2)) {
            throw new IllegalArgumentException(name + ": a spatial mean of " + inputShape + " gives "
                    + (inputShape.rank() == 3 ? inputShape.dim(2) : "?") + " values, not " + outputShape);
        }
        if ((long) inputShape.dim(0) * inputShape.dim(1) * 65536 > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + ": " + inputShape + " has too many values per channel for"
                    + " TFLite's int32 sum");
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
