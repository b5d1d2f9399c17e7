package dev.mcugen.ir.quant;

import dev.mcugen.ir.fixed.FixedPoint;
import dev.mcugen.ir.fixed.QuantizedMultiplier;

/**
 * How an integer is multiplied by a real effective scale (DESIGN §3), fixed offline as integers:
 * <ul>
 *   <li>multiplier form ({@code powerOfTwo == false}): {@code FixedPoint.requant(x, multiplier, shift)},
 *       TFLite's {@code MultiplyByQuantizedMultiplier}, approximately
 *       {@code x * multiplier * 2^(shift - 31)}, multiplier in {@code [2^30, 2^31)} (or 0);</li>
 *   <li>power-of-two form ({@code powerOfTwo == true}, {@code --rescale pot}, and the identity):
 *       {@code FixedPoint.mulPot(x, shift)}: {@code x * 2^shift}, a rounding divide by
 *       {@code 2^-shift} with ties away from zero when {@code shift < 0} ({@code rdivpot}), a
 *       saturating left shift when {@code shift > 0}; {@code multiplier} is 0.</li>
 * </ul>
 * Both round to nearest with ties away from zero (the multiplier form twice: once in
 * {@code srdhm}, once in {@code rdivpot}).
 *
 * @param powerOfTwo which form
 * @param multiplier the Q0.31 multiplier of the multiplier form, 0 for the power-of-two form
 * @param shift      the exponent, in {@code [-31, 30]}
 */
public record Rescale(boolean powerOfTwo, int multiplier, int shift) {
    /** {@code x * 2^0}: leaves integers unchanged. */
    public static final Rescale IDENTITY = new Rescale(true, 0, 0);

    public Rescale {
        if (shift < FixedPoint.MIN_SHIFT || shift > FixedPoint.MAX_SHIFT) {
            throw new IllegalArgumentException("shift " + shift + " outside [-31, 30]");
        }
        if (powerOfTwo && multiplier != 0) {
            throw new IllegalArgumentException("a power-of-two rescale has no multiplier");
        }
        if (!powerOfTwo && multiplier != 0 && multiplier < 1 << 30) {
            throw new IllegalArgumentException("multiplier " + multiplier + " not 0 and not in [2^30, 2^31)");
        }
    }

    /** {@code x * 2^exponent} by shifts alone. */
    public static Rescale pot(int exponent) {
        return new Rescale(true, 0, exponent);
    }

    /** The multiplier form of {@code q}. */
    public static Rescale of(QuantizedMultiplier q) {
        return new Rescale(false, q.multiplier(), q.shift());
    }

    /**
     * The rescale for a real effective scale: with {@code powerOfTwo}, the power of two nearest to
     * {@code real} in log2 (the caller has made it exact where contracts require it); otherwise
     * {@link QuantizedMultiplier#of}. A power of two is exact in both forms; the power-of-two form is
     * then preferred because it needs no multiply.
     */
    public static Rescale forReal(double real, boolean powerOfTwo) {
        if (!(real > 0) || Double.isInfinite(real)) {
            throw new IllegalArgumentException("effective scale must be positive and finite, not " + real);
        }
        int e = Math.getExponent(real);
        boolean exact = real == Math.scalb(1.0, e);
        if (powerOfTwo || exact) {
            // Nearest in log2: round up when the mantissa is at least sqrt(2).
            int n = exact ? e : (real / Math.scalb(1.0, e) >= Math.sqrt(2.0) ? e + 1 : e);
            return pot(Math.max(FixedPoint.MIN_SHIFT, Math.min(FixedPoint.MAX_SHIFT, n)));
        }
        return of(QuantizedMultiplier.of(real));
    }

    /** The integer result for {@code x}, as defined above. */
    public int apply(int x) {
        return powerOfTwo ? FixedPoint.mulPot(x, shift) : FixedPoint.requant(x, multiplier, shift);
    }

    /** The real scale the integers realize: {@code 2^shift} or {@code multiplier * 2^(shift - 31)}. */
    public double real() {
        return powerOfTwo ? Math.scalb(1.0, shift) : Math.scalb((double) multiplier, shift - 31);
    }

    /** This rescale followed by a multiplication by {@code 2^k} (exact: only the exponent moves). */
    public Rescale timesPowerOfTwo(int k) {
        return new Rescale(powerOfTwo, multiplier, shift + k);
    }

    @Override
    public String toString() {
        return powerOfTwo ? "x*2^" + shift : "requant(x, " + multiplier + ", " + shift + ")";
    }
}
