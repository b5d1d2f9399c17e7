package dev.mcugen.ir.quant;

import dev.mcugen.ir.Padding;
import dev.mcugen.ir.PoolKind;
import dev.mcugen.ir.Shape;

import java.util.List;

/**
 * Integer max / average pooling over {@code [T, C]} (1-D, height 1) or {@code [H, W, C]}, under the
 * equal-scale contract: input and output have the same type, so the zero point passes through.
 * Windows are clipped to the input (TensorFlow: padded positions are not counted):
 * <pre>
 *   max: y = max over the window's valid positions of x
 *   avg: y = divRound(Σ x, n),  n = number of valid positions,
 *        divRound(s, n) = (s >= 0 ? s + n/2 : s - n/2) / n   (C99 "/" truncates toward zero)
 * </pre>
 * {@code divRound} is division rounded to nearest with ties away from zero (TFLite's integer
 * average pool): for odd {@code n} there are no ties, for even {@code n} the half is exact. Summing
 * raw integers is right because {@code mean(x) = zp + mean(x - zp)}; the result lies between the
 * window's min and max, so it needs no clamp. The sum is int32: {@code n · 2^15} cannot overflow.
 */
public record QPool(String name, String input, Shape inputShape, Shape outputShape, QuantType outputType,
                    PoolKind pool, int kernelH, int kernelW, int strideH, int strideW, Padding padding)
        implements QFeedForward {
    public QPool {
        if (inputShape.rank() != 2 && inputShape.rank() != 3) {
            throw new IllegalArgumentException(name + ": pool input must be [T, C] or [H, W, C], not " + inputShape);
        }
        if (inputShape.rank() == 2 && (kernelH != 1 || strideH != 1)) {
            throw new IllegalArgumentException(name + ": 1-D pooling has window and stride 1 in height");
        }
    }

    @Override
    public List<String> inputs() {
        return List.of(input);
    }

    public int spatialRank() {
        return inputShape.rank() - 1;
    }
}
