package dev.mcugen.scale;

import dev.mcugen.ir.fixed.FixedPoint;
import dev.mcugen.ir.fixed.QuantizedMultiplier;

/**
 * An effective scale fixed offline as integers (DESIGN §3, §5): the real factor a kernel applies
 * when it moves a value from one scale to another, {@code real = s_in · s_w / s_out} for a matmul
 * output, {@code 2^-30 / s_m} for the LSTM hidden state (seed 000 §3.2.7), and so on.
 *
 * <ul>
 *   <li>multiplier form ({@code shiftOnly == false}): TFLite's (multiplier, shift) from
 *       {@link QuantizedMultiplier#of}, applied with {@link FixedPoint#requant}; the realized value
 *       is {@code multiplier · 2^(shift - 31)};</li>
 *   <li>shift form ({@code shiftOnly == true}, {@code multiplier == 0}): {@code real ≈ 2^shift},
 *       applied with {@link FixedPoint#mulPot} (a rounding right shift or a saturating left shift).
 *       {@code shift} is {@code log2(real)} rounded to the nearest integer in the log domain, so the
 *       residual is 0 when {@code real} is a power of two (which the solver guarantees under
 *       {@code --rescale pot} for every {@code s_in·s_w/s_out}: all those scales are powers of two)
 *       and at most {@code sqrt(2) - 1} otherwise.</li>
 * </ul>
 *
 * @param real       the exact real factor
 * @param shiftOnly  whether the rescale is a pure shift
 * @param multiplier in {@code [2^30, 2^31)} (multiplier form; 0 when the factor is below about
 *                   2^-32 and every input maps to 0), 0 in the shift form
 * @param shift      the multiplier's shift in {@code [-31, 30]}, or the power-of-two exponent
 * @param residual   {@code |realized / real - 1|}, for the report
 */
public record EffectiveScale(double real, boolean shiftOnly, int multiplier, int shift, double residual) {
    /**
     * Under {@code --rescale auto} on a shift-only target a factor whose nearest power of two is
     * further than this (relative) falls back to the multiplier form: the error budget forbids the
     * shift (DESIGN §5, "unless the error budget forbids"). Exact powers of two always stay shifts.
     */
    public static final double AUTO_SHIFT_BUDGET = 0x1p-8;

    public EffectiveScale {
        if (!(real > 0) || Double.isInfinite(real)) {
            throw new IllegalArgumentException("effective scale " + real + " is not finite and positive");
        }
        if (shiftOnly && (multiplier != 0 || shift < FixedPoint.MIN_SHIFT || shift > FixedPoint.MAX_SHIFT)) {
            throw new IllegalArgumentException("shift-only scale with multiplier " + multiplier + ", shift " + shift);
        }
        if (!shiftOnly) {
            new QuantizedMultiplier(multiplier, shift); // validates the pair
        }
    }

    /**
     * The form the options ask for. An exact power of two is always a shift (exact in both forms;
     * the shift needs no multiply and rounds once). Otherwise: the shift form under
     * {@link QuantOptions#powerOfTwoRescale()} — except that {@code --rescale auto} falls back to
     * the multiplier when the shift's residual exceeds {@link #AUTO_SHIFT_BUDGET} — else the
     * multiplier form.
     */
    public static EffectiveScale of(double real, QuantOptions options) {
        checkReal(real);
        int e = nearestExponent(real);
        if (e < FixedPoint.MIN_SHIFT || e > FixedPoint.MAX_SHIFT) {
            return multiplier(real); // no shift reaches it
        }
        EffectiveScale s = shift(real);
        if (s.residual() == 0) {
            return s;
        }
        if (!options.powerOfTwoRescale()
                || (options.rescale() == QuantOptions.Rescale.AUTO && s.residual() > AUTO_SHIFT_BUDGET)) {
            return multiplier(real);
        }
        return s;
    }

    /** TFLite multiplier form ({@link QuantizedMultiplier#of}). */
    public static EffectiveScale multiplier(double real) {
        QuantizedMultiplier q = QuantizedMultiplier.of(real);
        double realized = q.real();
        return new EffectiveScale(real, false, q.multiplier(), q.shift(), HeuristicSolver.relative(realized, real));
    }

    /**
     * Shift form: the nearest power of two in the log domain ({@code real = m · 2^e}, {@code m} in
     * {@code [1, 2)}: {@code 2^e} if {@code m < sqrt(2)}, else {@code 2^(e+1)}); fails when that
     * exponent is outside {@code [-31, 30]}.
     */
    public static EffectiveScale shift(double real) {
        checkReal(real);
        int exponent = nearestExponent(real);
        if (exponent < FixedPoint.MIN_SHIFT || exponent > FixedPoint.MAX_SHIFT) {
            throw new IllegalArgumentException("effective scale " + real + " = 2^" + exponent
                    + " is outside the shifts [2^-31, 2^30]");
        }
        return new EffectiveScale(real, true, 0, exponent, HeuristicSolver.relative(Math.scalb(1.0, exponent), real));
    }

    private static void checkReal(double real) {
        if (!(real > 0) || Double.isInfinite(real) || real < Double.MIN_NORMAL) {
            throw new IllegalArgumentException("effective scale " + real + " is not finite, positive and normal");
        }
    }

    /** {@code round(log2(real))} in the log domain: {@code real = m · 2^e}, {@code e} if {@code m < sqrt(2)}, else {@code e + 1}. */
    private static int nearestExponent(double real) {
        int e = Math.getExponent(real);
        return Math.scalb(real, -e) < Math.sqrt(2.0) ? e : e + 1;
    }

    /** The factor the integers realize. */
    public double realized() {
        return shiftOnly ? Math.scalb(1.0, shift) : Math.scalb((double) multiplier, shift - 31);
    }

    /** Applies the rescale to an accumulator exactly as the simulator and the C do. */
    public int apply(int x) {
        return shiftOnly ? FixedPoint.mulPot(x, shift) : FixedPoint.requant(x, multiplier, shift);
    }
}
