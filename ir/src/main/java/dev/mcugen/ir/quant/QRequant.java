package dev.mcugen.ir.quant;

import dev.mcugen.ir.Shape;

import java.util.List;

/**
 * Element-wise integer affine map with clamp:
 * <pre>
 *   y = clamp(zp_y + offset + R(x - zp_x), lo, hi)
 * </pre>
 * It realizes the stand-alone activations that are affine pieces:
 * <ul>
 *   <li>linear, ReLU, ReLU6 under the equal-scale contract: {@code R} identity, {@code offset 0},
 *       {@code [lo, hi]} = {@code [qmin, qmax]}, {@code [zp, qmax]}, {@code [zp, min(qmax, zp + round(6/s))]};
 *       the same with a real {@code R = s_x/s_y} when the types differ;</li>
 *   <li>hard sigmoid {@code clip(0.2x + 0.5, 0, 1)}: {@code R} realizing {@code 0.2 s_x / s_y},
 *       {@code offset = round(0.5 / s_y)}, {@code lo = zp_y}, {@code hi = min(qmax, zp_y + round(1/s_y))}
 *       (rounding half away from zero offline; at most one unit of error in the last place).</li>
 * </ul>
 */
public record QRequant(String name, String input, Shape outputShape, QuantType outputType, int inputZeroPoint,
                       Rescale rescale, int offset, int lo, int hi) implements QFeedForward {
    public QRequant {
        QChecks.clamp(name, outputType, lo, hi);
    }

    @Override
    public List<String> inputs() {
        return List.of(input);
    }
}
