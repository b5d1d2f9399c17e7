package dev.mcugen.ir.fixed;

/**
 * The integer inverse square root of layer normalization: for an exact int64 {@code d > 0}, the
 * quantized multiplier {@code (multiplier, shift)} of {@code 2^f / sqrt(d)}, so that
 * {@code FixedPoint.requant(c, multiplier, shift) ≈ c 2^f / sqrt(d)}. In integers only (the C runtime
 * runs the same steps on uint64_t):
 * <pre>
 *   k = floor((62 - bitlength(d)) / 2)          d 4^k < 2^62: about 31 significant bits for the root
 *   r = isqrt(d 4^k)                            floor square root, r ≈ sqrt(d) 2^k
 *   b = bitlength(r)
 *   M = round(2^(30 + b) / r)                   int64 division, ties away from zero; M in (2^30, 2^31]
 *   if M = 2^31: M = 2^30, b = b - 1
 *   shift = f + 1 + k - b                       2^f / sqrt(d) = 2^(f + k) / r = M 2^(shift - 31)
 * </pre>
 * This is the normalization of the integer LSTM's layer-normalized gates ("Integer-only inference
 * for LSTM" layer norm as TFLite's integer LSTM runs it, with an exact variance instead of TFLite's
 * truncated {@code 2^20 / n}); stand-alone LayerNormalization reuses it with its own {@code f}.
 *
 * @param multiplier in {@code [2^30, 2^31)}
 * @param shift      the exponent of {@link FixedPoint#requant}
 */
public record InverseSqrt(int multiplier, int shift) {
    /** The largest {@code d} accepted: {@code 2^62 - 1}. */
    public static final long MAX_D = (1L << 62) - 1;

    /** {@code 2^fracBits / sqrt(d)} for {@code 0 < d < 2^62}, {@code 0 <= fracBits <= 15}. */
    public static InverseSqrt of(long d, int fracBits) {
        if (d <= 0 || d > MAX_D || fracBits < 0 || fracBits > 15) {
            throw new IllegalArgumentException("inverse square root of " + d + " with " + fracBits + " fractional bits");
        }
        int k = (62 - (64 - Long.numberOfLeadingZeros(d))) / 2;
        long r = isqrt(d << (2 * k));
        int bits = 64 - Long.numberOfLeadingZeros(r);
        long m = (1L << (30 + bits)) + r / 2;
        m /= r;
        if (m == 1L << 31) {
            m = 1L << 30;
            bits--;
        }
        return new InverseSqrt((int) m, fracBits + 1 + k - bits);
    }

    /** {@code floor(sqrt(x))} for {@code 0 <= x < 2^62}, by the bit-by-bit method (C: the same loop on uint64_t). */
    public static long isqrt(long x) {
        if (x < 0) {
            throw new IllegalArgumentException("isqrt of " + x);
        }
        long result = 0;
        long bit = 1L << 62;
        while (bit > x) {
            bit >>= 2;
        }
        long rem = x;
        while (bit != 0) {
            if (rem >= result + bit) {
                rem -= result + bit;
                result = (result >> 1) + bit;
            } else {
                result >>= 1;
            }
            bit >>= 2;
        }
        return result;
    }

    /** {@code requant(c, multiplier, shift)}: {@code c 2^f / sqrt(d)} rounded. */
    public int apply(int c) {
        return FixedPoint.requant(c, multiplier, shift);
    }
}
