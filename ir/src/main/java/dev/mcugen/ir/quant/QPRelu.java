package dev.mcugen.ir.quant;

import dev.mcugen.ir.Shape;

import java.util.List;

/**
 * Leaky ReLU and PReLU with integer per-sign rescales (as TensorFlow Lite's integer {@code LEAKY_RELU}
 * and {@code PRELU} kernels: an identity-side and an alpha-side rescale):
 * <pre>
 *   d = x - zp_x
 *   y = clamp(zp_y + (d &gt;= 0 ? R_id(d) : R_alpha(d · g[i mod n])), qmin, qmax)
 * </pre>
 * {@code R_id} realizes {@code s_x / s_y}; {@code g} holds the slopes as int16 gains ({@code n} of
 * them: one for leaky ReLU, PReLU's alpha for its last {@code n} elements, repeating) with
 * {@code R_alpha} a power of two {@code 2^e} such that {@code g_c · 2^e ≈ alpha_c · s_x / s_y}.
 * {@code |d| < 2^16} and {@code |g| <= 32767}, so the product is exact in int32.
 */
public record QPRelu(String name, String input, Shape outputShape, QuantType outputType, int inputZeroPoint,
                     IntTensor gains, Rescale identityRescale, Rescale alphaRescale) implements QFeedForward {
    public QPRelu {
        if (gains.size() < 1 || outputShape.size() % gains.size() != 0) {
            throw new IllegalArgumentException(name + ": " + gains.size() + " gains do not tile " + outputShape);
        }
        if (gains.maxAbs() > 32767) {
            throw new IllegalArgumentException(name + ": gain outside int16 [-32767, 32767]");
        }
    }

    @Override
    public List<String> inputs() {
        return List.of(input);
    }
}
