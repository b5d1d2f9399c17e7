package dev.mcugen.ir.quant;

import dev.mcugen.ir.Shape;
import java.util.List;

/**
 * A strided slice of the input (TFLite {@code STRIDED_SLICE} with its masks resolved): along every
 * axis {@code a}, output index {@code i} reads input index {@code begin[a] + i · stride[a]}
 * ({@code stride > 0}); values pass unchanged (input and output share one type).
 *
 * @param inputShape the input's shape (no batch axis)
 * @param begin      first input index per axis, within the axis
 * @param stride     step per axis, at least 1
 */
public record QStridedSlice(String name, String input, Shape inputShape, Shape outputShape, QuantType outputType,
                            List<Integer> begin, List<Integer> stride) implements QFeedForward {
    public QStridedSlice {
        begin = List.copyOf(begin);
        stride = List.copyOf(stride);
        int rank = inputShape.rank();
        if (outputShape.rank() != rank || begin.size() != rank || stride.size() != rank) {
            throw new IllegalArgumentException(name + ": slice of " + inputShape + " to " + outputShape
                    + " needs one begin and stride per axis");
        }
        for (int a = 0; a < rank; a++) {
            int n = outputShape.dim(a);
            if (stride.get(a) < 1 || begin.get(a) < 0 || (n > 0 && begin.get(a) + (long) (n - 1) * stride.get(a) >= inputShape.dim(a))) {
                throw new IllegalArgumentException(name + ": axis " + a + " begin " + begin.get(a) + " stride "
                        + stride.get(a) + " x " + n + " leaves " + inputShape);
            }
        }
    }

    @Override
    public List<String> inputs() {
        return List.of(input);
    }
}
