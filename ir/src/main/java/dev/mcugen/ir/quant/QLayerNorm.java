package dev.mcugen.ir.quant;

/**
 * Integer layer normalization of an LSTM gate (seed 000 §3.2.6, eq. 13-16), on the gate's int16
 * accumulator {@code q} of length {@code n} (type {@code accType}, scale {@code max|Wx+Rh+P⊙c| / 32767}):
 * <pre>
 *   S = Σ q_i,   Q = Σ q_i^2,   D = n Q - S^2            (exact: int32, int64, int64)
 *   r = isqrt(D * 4^k)                                  (floor square root: r ≈ sqrt(D) 2^k = n stddev(q) 2^k)
 *   q'_i = sat16(requant(n q_i - S, M, shift))          (normalized value, Q5.10: s' = 2^-10)
 *   v_i  = sat32(q'_i * L_i + b_i)                      (scale s_L * 2^-10)
 *   pre_i = sat16(rescale(v_i))                          (Q3.12: rescale = s_L * 2^-10 / 2^-12)
 * </pre>
 * where {@code k = floor((62 - bitlength(D)) / 2)} gives the square root about 31 significant bits
 * ({@code D * 4^k < 2^62}), and {@code (M, shift)} is the quantized multiplier of
 * {@code 2^10 / sqrt(D) = 2^(10 + k) / r}, computed per call in integers: with {@code b} the bit
 * length of {@code r}, {@code M = round(2^(30 + b) / r)} (int64 division, ties away from zero; if
 * {@code M = 2^31} then {@code M = 2^30, b = b - 1}), {@code shift = 11 + k - b}.
 * When {@code D = 0} (all values equal) {@code q'_i = 0}. The 2^-10 factor s' is the seed's: it keeps
 * the normalized values (|x'| ≤ sqrt(n - 1)) in int16 for n ≤ 1025 units. Unlike TFLite's
 * {@code ApplyLayerNorm} (mean rounded to 2^-10, variance via a truncated {@code 2^20 / n}, exact
 * only for power-of-two n), {@code D} is exact for every n, and the bias and coefficient are applied
 * with one rounding instead of two.
 *
 * @param accType      type of the gate accumulator that is normalized (int16 symmetric)
 * @param coefficients L, int16 symmetric, scale {@code max|L| / 32767}
 * @param bias         b, int32, scale {@code s_L * 2^-10}
 * @param rescale      {@code s_L * 2^-10 / s_pre}
 */
public record QLayerNorm(QuantType accType, IntTensor coefficients, IntTensor bias, Rescale rescale) {
    /** Fractional bits of the normalized value: s' = 2^-10. */
    public static final int NORM_FRAC_BITS = 10;

    public QLayerNorm {
        if (coefficients.bits() != 16 || bias.bits() != 32 || coefficients.shape().rank() != 1
                || !coefficients.shape().equals(bias.shape())) {
            throw new IllegalArgumentException("layer norm needs int16 coefficients and int32 biases of one length, not "
                    + coefficients + ", " + bias);
        }
    }

    /** The Q5.10 type of the normalized values. */
    public static QuantType normType() {
        return QuantType.powerOfTwo(16, NORM_FRAC_BITS);
    }
}
