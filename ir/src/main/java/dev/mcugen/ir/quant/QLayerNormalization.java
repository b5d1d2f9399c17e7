package dev.mcugen.ir.quant;

import dev.mcugen.ir.Shape;

import java.util.List;

/**
 * Stand-alone layer normalization over the last axis, in integers (Keras LayerNormalization). Per row
 * of {@code n} input integers {@code q} (int8 or int16, any zero point: the steps below do not depend
 * on it), with {@code f = normFracBits}:
 * <pre>
 *   S = Σ q_i,   Q = Σ q_i^2                             (exact, int64)
 *   D = n Q - S^2 + E                                    (= n^2 (var_q + eps / s_x^2), int64, < 2^62)
 *   x'_i = D == 0 ? 0 : sat16(requant(n q_i - S, M, shift))   (M, shift: InverseSqrt.of(D, f); Q(15-f).f)
 *   v_i  = x'_i * gamma_i + bias_i                        (exact int32: |v| < 2^15 32767 + 2^30)
 *   y_i  = clamp(zp_y + R(v_i), lo, hi)                   (R realizes s_g 2^-f / s_y)
 * </pre>
 * {@code E = round(n^2 epsilon / s_x^2)} carries epsilon in the input's integer units. The normalized
 * value {@code x'} is at most {@code sqrt(n - 1)} in magnitude, so {@code f} is chosen per layer as the
 * largest with {@code sqrt(n - 1) 2^f <= 32767} (at most 14). {@code gamma} is int16 symmetric (scale
 * {@code s_g}), {@code bias = round(beta / (s_g 2^-f))} with {@code |bias| <= 2^30}.
 *
 * @param normFracBits f, in {@code [0, 14]}
 * @param epsilonTerm  E, in {@code [0, 2^61]}
 * @param gamma        int16 {@code [n]}
 * @param bias         int32 {@code [n]}
 * @param rescale      R
 */
public record QLayerNormalization(String name, String input, Shape outputShape, QuantType outputType, int normFracBits,
                                  long epsilonTerm, IntTensor gamma, IntTensor bias, Rescale rescale, int lo, int hi)
        implements QFeedForward {
    /** The largest row accepted: {@code |n q - S| <= n 2^16} stays below 2^31 and {@code n Q <= 2^60}. */
    public static final int MAX_ROW = 1 << 14;
    /** The largest {@code E}: with {@code n Q - S^2 <= 2^60}, {@code D < 2^62}. */
    public static final long MAX_EPSILON_TERM = 1L << 61;

    public QLayerNormalization {
        int n = outputShape.last();
        if (n < 1 || n > MAX_ROW) {
            throw new IllegalArgumentException(name + ": rows of " + n + " values, not in [1, " + MAX_ROW + "]");
        }
        if (gamma.bits() != 16 || !gamma.shape().equals(Shape.of(n))) {
            throw new IllegalArgumentException(name + ": gamma must be int16 [" + n + "], not " + gamma);
        }
        QChecks.bias(name, bias, n, 0);
        if (bias.maxAbs() > 1L << 30) {
            throw new IllegalArgumentException(name + ": |bias| must be <= 2^30, not " + bias.maxAbs());
        }
        if (normFracBits < 0 || normFracBits > 14 || epsilonTerm < 0 || epsilonTerm > MAX_EPSILON_TERM) {
            throw new IllegalArgumentException(name + ": f " + normFracBits + ", E " + epsilonTerm);
        }
        QChecks.clamp(name, outputType, lo, hi);
    }

    @Override
    public List<String> inputs() {
        return List.of(input);
    }

    /** The largest {@code f} with {@code sqrt(n - 1) 2^f <= 32767}, at most 14. */
    public static int normFracBits(int n) {
        int f = 14;
        while (f > 0 && (long) (n - 1) << (2 * f) > 32767L * 32767L) {
            f--;
        }
        return f;
    }
}
