package dev.mcugen.ir.quant;

import dev.mcugen.ir.Shape;

import java.util.List;

/**
 * Element-wise integer affine map with clamp:
 * <pre>
 *   y = clamp(zp_y + offset + R((x - zp_x) · gain), lo, hi)
 * </pre>
 * ({@code (x - zp_x) · gain} is exact in int32: {@code |x - zp_x| < 2^16}, {@code |gain| < 2^15}).
 * It realizes the stand-alone activations that are affine pieces:
 * <ul>
 *   <li>linear, ReLU, ReLU6 under the equal-scale contract: {@code gain 1}, {@code R} identity, {@code offset 0},
 *       {@code [lo, hi]} = {@code [qmin, qmax]}, {@code [zp, qmax]}, {@code [zp, min(qmax, zp + round(6/s))]};
 *       the same with a real {@code R = s_x/s_y} when the types differ;</li>
 *   <li>hard sigmoid {@code clip(0.2x + 0.5, 0, 1)}: {@code gain = round(0.2 · 2^15) = 6554},
 *       {@code R} realizing {@code 2^-15 s_x / s_y} (a shift under {@code --rescale pot}: the slope's
 *       0.2 is in the integer gain, realized as 0.2000122), {@code offset = round(0.5 / s_y)},
 *       {@code lo = zp_y}, {@code hi = min(qmax, zp_y + round(1/s_y))} (rounding half away from zero
 *       offline; about one unit of error in the last place).</li>
 * </ul>
 */
public record QRequant(String name, String input, Shape outputShape, QuantType outputType, int inputZeroPoint,
                       int gain, Rescale rescale, int offset, int lo, int hi) implements QFeedForward {
    /** The hard sigmoid's slope 0.2 in Q0.15. */
    public static final int HARD_SIGMOID_GAIN = 6554;

    public QRequant {
        QChecks.clamp(name, outputType, lo, hi);
        if (gain < -32767 || gain > 32767) {
            throw new IllegalArgumentException(name + ": gain " + gain + " outside int16");
        }
    }

    @Override
    public List<String> inputs() {
        return List.of(input);
    }
}
