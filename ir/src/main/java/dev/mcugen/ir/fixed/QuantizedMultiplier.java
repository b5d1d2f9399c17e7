package dev.mcugen.ir.fixed;

/**
 * A real scale as the integer pair the C applies with {@link FixedPoint#requant}: the value
 * {@code multiplier * 2^(shift - 31)}, with {@code multiplier} in {@code [2^30, 2^31 - 1]} and
 * {@code shift} in {@code [-31, 30]}, or the pair {@code (0, 0)} for a scale too small to represent
 * (every input then maps to 0).
 *
 * <p>Built offline by the compiler, so {@link #of} may use {@code double}; it uses only exact
 * operations ({@link Math#getExponent}, {@link Math#scalb}, {@link Math#round} of a value below
 * 2^31), so it gives the same pair on every JVM.
 */
public record QuantizedMultiplier(int multiplier, int shift) {
    /** The multiplier that represents zero: every input requantizes to 0. */
    public static final QuantizedMultiplier ZERO = new QuantizedMultiplier(0, 0);

    public QuantizedMultiplier {
        boolean zero = multiplier == 0 && shift == 0;
        boolean normal = multiplier >= 1 << 30
                && shift >= FixedPoint.MIN_SHIFT && shift <= FixedPoint.MAX_SHIFT;
        if (!zero && !normal) {
            throw new IllegalArgumentException("quantized multiplier (" + multiplier + ", " + shift
                    + ") is neither (0, 0) nor in [2^30, 2^31) x [-31, 30]");
        }
    }

    /**
     * TFLite {@code QuantizeMultiplier}: {@code realScale = q * 2^shift} with {@code q} in
     * {@code [0.5, 1)} ({@code frexp}), {@code multiplier = round(q * 2^31)} (ties away from zero);
     * if that rounds up to {@code 2^31}, {@code multiplier = 2^30} and {@code shift + 1}; if then
     * {@code shift < -31} (scale below about 2^-32) the result is {@link #ZERO}. The relative error
     * of {@link #real()} is at most 2^-31 except for {@code ZERO}.
     *
     * @throws IllegalArgumentException for a scale that is not finite and positive, or so large
     *         that {@code shift} would exceed 30 (scale at or above about 2^30): TFLite's
     *         double-rounding path has no representation for it
     */
    public static QuantizedMultiplier of(double realScale) {
        if (!(realScale > 0) || Double.isInfinite(realScale)) {
            throw new IllegalArgumentException("scale " + realScale + " is not finite and positive");
        }
        if (realScale < Double.MIN_NORMAL) {
            return ZERO;
        }
        int shift = Math.getExponent(realScale) + 1; // frexp: realScale = q * 2^shift, q in [0.5, 1)
        double q = Math.scalb(realScale, -shift);
        long qFixed = Math.round(Math.scalb(q, 31)); // exact: q * 2^31 < 2^31 has an exact + 0.5
        if (qFixed == 1L << 31) {
            qFixed /= 2;
            shift++;
        }
        if (shift < FixedPoint.MIN_SHIFT) {
            return ZERO;
        }
        if (shift > FixedPoint.MAX_SHIFT) {
            throw new ScaleRangeException("scale " + realScale + " is too large for a quantized multiplier");
        }
        return new QuantizedMultiplier((int) qFixed, shift);
    }

    /** The real value represented, {@code multiplier * 2^(shift - 31)}, exact in double. */
    public double real() {
        return Math.scalb((double) multiplier, shift - 31);
    }

    /** {@link FixedPoint#requant}{@code (x, multiplier, shift)}. */
    public int apply(int x) {
        return FixedPoint.requant(x, multiplier, shift);
    }
}
