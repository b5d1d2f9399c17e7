package dev.mcugen.ir.fixed;

/**
 * Table-free sigmoid and tanh ({@code --activation poly}; seed 000 §3: "no lookup tables"): a port
 * of gemmlowp's {@code fixedpoint.h} {@code logistic} and {@code tanh} on
 * {@code FixedPoint<std::int32_t, m>}, with the int16 input widened exactly ({@code x * 2^16}) and
 * the int32 Q0.31 result narrowed to Q0.15 by {@code satInt16(rdivpot(r, 16))}, as TFLite's int8
 * {@code reference_integer_ops::Logistic}/{@code Tanh} narrow theirs. The int32 results are
 * bit-identical to gemmlowp's for every int16 input and every {@code m}.
 *
 * <p>TFLite's integer LSTM instantiates the same templates on {@code FixedPoint<std::int16_t, m>}
 * ({@code PortableApplySigmoid}/{@code PortableApplyTanh}); that variant is cheaper on a 16-bit
 * datapath but, measured over every input, is not monotonic and its error reaches 12 units of
 * 2^-15, where this one stays within one unit and never decreases ({@code docs/activations.md}).
 *
 * <p>The algorithm, with {@code Fk} the int32 format with {@code k} integer bits (raw / 2^(31 - k)):
 * <ul>
 *   <li>{@code exp(a)} for {@code a < 0} ({@link #expOnNegativeValues}): {@code a} = a multiple of
 *       -1/4 plus a rest in {@code [-1/4, 0)}; {@code exp(rest)} by a 4th-order Taylor polynomial
 *       around -1/8; then one multiplication by the constant {@code exp(-2^e)} for each set bit
 *       {@code e} in {@code -2..4} of the multiple; 0 below -32;</li>
 *   <li>{@code sigmoid(x) = 1 / (1 + exp(-|x|))} for {@code x > 0}, {@code 1 - } that for
 *       {@code x < 0} (with 1 as {@code INT32_MAX}), 1/2 at 0; the division by three
 *       Newton-Raphson steps in F2;</li>
 *   <li>{@code tanh(x) = (1 - exp(-2|x|)) / (1 + exp(-2|x|))}, sign restored, 0 at 0; the doubling
 *       is free (the raw value read in F(m+1)).</li>
 * </ul>
 * gemmlowp's vector-style {@code SelectUsingMask} becomes plain conditionals, with the same results.
 * gemmlowp's int32 {@code +} and {@code -} do not saturate (overflow is undefined in C++); here they
 * are {@link Math#addExact}, {@link Math#subtractExact} and {@link Math#negateExact}, and the exhaustive tests prove no input
 * overflows, so the C uses plain {@code int32_t} arithmetic. gemmlowp negates the raw input
 * {@code INT32_MIN} (for {@code x = -32768}), which wraps back to itself; the port reads
 * {@code -|a|} as {@code a > 0 ? -a : a}, the same value without the wrap.
 *
 * <p>Cost per call: at most 17 (sigmoid, Q3.12) or 18 (tanh, Q3.12) {@link FixedPoint#srdhm}, each a
 * 32x32 to 64-bit multiply, plus shifts and adds; no memory beyond a few constants.
 */
public final class PolyActivation implements Int16Activation {
    /** The instance; the class has no state. */
    public static final PolyActivation INSTANCE = new PolyActivation();

    /** F0::One(): for 0 integer bits gemmlowp's one is the largest raw value. */
    private static final int ONE_F0 = Integer.MAX_VALUE;
    /** F2::One(). */
    private static final int ONE_F2 = 1 << 29;
    /** 1/2 in F0. */
    private static final int HALF_F0 = 1 << 30;
    /** 1/8 in F0, gemmlowp {@code ConstantPOT<-3>}. */
    private static final int ONE_EIGHTH_F0 = 1 << 28;
    /** exp(-1/8) in F0. */
    private static final int EXP_MINUS_ONE_EIGHTH = 1895147668;
    /** 1/3 in F0. */
    private static final int ONE_THIRD = 715827883;
    /** 48/17 in F2. */
    private static final int FORTY_EIGHT_SEVENTEENTHS = 1515870810;
    /** -32/17 in F2. */
    private static final int MINUS_THIRTY_TWO_SEVENTEENTHS = -1010580540;
    /** exp(-2^e) in F0 for e = {@link #FIRST_POT}..4. */
    private static final int[] EXP_MINUS_POT = {1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242};
    /** Smallest exponent in {@link #EXP_MINUS_POT}. */
    private static final int FIRST_POT = -2;

    private PolyActivation() {
    }

    /**
     * gemmlowp {@code logistic} on {@code a = x * 2^16} in F{@code m}: {@code a == 0 -> 2^30};
     * otherwise {@code p = 1 / (1 + exp(-|a|))} ({@link #oneOverOnePlusX} of
     * {@link #expOnNegativeValues}) and {@code x > 0 ? p : INT32_MAX - p}; then
     * {@code satInt16(rdivpot(., 16))}. Output in {@code [0, 32767]}, 16384 at 0.
     */
    @Override
    public int sigmoid(int x, int integerBits) {
        FixedPoint.checkActivationInput(x, integerBits);
        return toQ15(logistic(x * (1 << 16), integerBits));
    }

    /**
     * gemmlowp {@code tanh} on {@code a = x * 2^16} in F{@code m}: {@code a == 0 -> 0}; otherwise
     * {@code t = (1 - e) / (1 + e)} with {@code e = exp(-2|a|)} (the raw {@code -|a|} read with
     * {@code m + 1} integer bits) and {@code x < 0 ? -t : t}; then {@code satInt16(rdivpot(., 16))}.
     * Output in {@code [-32768, 32767]}, 0 at 0.
     */
    @Override
    public int tanh(int x, int integerBits) {
        FixedPoint.checkActivationInput(x, integerBits);
        return toQ15(tanhQ31(x * (1 << 16), integerBits));
    }

    /**
     * gemmlowp {@code logistic} on the raw int32 {@code a} in F{@code m} ({@code m <= 8}), the Q0.31 raw
     * result unnarrowed: what TFLite's int8 {@code reference_integer_ops::Logistic} calls before its
     * own rounding shift.
     */
    public static int logisticRaw(int a, int m) {
        return logistic(a, m);
    }

    /**
     * gemmlowp {@code tanh} on the raw int32 {@code a} in F{@code m} ({@code m <= 7}), the Q0.31 raw
     * result unnarrowed: what TFLite's int8 {@code reference_integer_ops::Tanh} calls before its own
     * rounding shift.
     */
    public static int tanhRaw(int a, int m) {
        return tanhQ31(a, m);
    }

    private static int logistic(int a, int m) {
        if (a == 0) {
            return HALF_F0;
        }
        int p = oneOverOnePlusX(expOnNegativeValues(a > 0 ? -a : a, m));
        return a > 0 ? p : Math.subtractExact(ONE_F0, p);
    }

    private static int tanhQ31(int a, int m) {
        if (a == 0) {
            return 0;
        }
        int t = oneMinusXOverOnePlusX(expOnNegativeValues(a < 0 ? a : -a, m + 1));
        return a < 0 ? Math.negateExact(t) : t;
    }

    /** Q0.31 to Q0.15: {@code satInt16(rdivpot(r, 16))} (only {@code r > 2^31 - 2^15} saturates). */
    private static int toQ15(int r) {
        return FixedPoint.satInt16(FixedPoint.rdivpot(r, 16));
    }

    /**
     * gemmlowp {@code exp_on_negative_values} for {@code a < 0} in F{@code m}, {@code m <= 8}; result
     * in F0. {@code q = 2^(29 - m)} is 1/4; {@code aq = (a & (q - 1)) - q} is {@code a} modulo 1/4
     * moved into {@code [-1/4, 0)}; {@code rem = aq - a >= 0} is the multiple of 1/4 still to apply,
     * its bit {@code 31 - m + e} standing for a factor {@code exp(-2^e)}. C form of the mask:
     * {@code (int32_t)((uint32_t)a & (uint32_t)(q - 1))}.
     */
    private static int expOnNegativeValues(int a, int m) {
        int fractionalBits = 31 - m;
        int quarter = 1 << (fractionalBits - 2);
        int aq = (a & (quarter - 1)) - quarter;
        // Rescale<0> (a saturating shift by m in gemmlowp): aq * 2^m lies in [-2^29, 0), exact.
        int result = expOnQuarterInterval(aq * (1 << m));
        int rem = aq - a;
        for (int e = FIRST_POT; e < m && e <= 4; e++) {
            if ((rem & (1 << (fractionalBits + e))) != 0) {
                result = FixedPoint.srdhm(result, EXP_MINUS_POT[e - FIRST_POT]);
            }
        }
        if (m > 5 && a < -(1 << (36 - m))) { // below -32
            result = 0;
        }
        return result;
    }

    /**
     * gemmlowp {@code exp_on_interval_between_negative_one_quarter_and_0_excl}: for {@code a} in F0
     * in {@code [-1/4, 0)}, with {@code x = a + 1/8} and {@code c = exp(-1/8)}:
     * {@code c + c * (x + rdivpot(srdhm(rdivpot(x^4, 2) + x^3, 1/3) + x^2, 1))}, products by
     * {@link FixedPoint#srdhm}; i.e. {@code c (1 + x + x^2/2 + x^3/6 + x^4/24)}.
     */
    private static int expOnQuarterInterval(int a) {
        int x = Math.addExact(a, ONE_EIGHTH_F0);
        int x2 = FixedPoint.srdhm(x, x);
        int x3 = FixedPoint.srdhm(x2, x);
        int x4 = FixedPoint.srdhm(x2, x2);
        int x4Over4 = FixedPoint.rdivpot(x4, 2);
        int poly = FixedPoint.rdivpot(
                Math.addExact(FixedPoint.srdhm(Math.addExact(x4Over4, x3), ONE_THIRD), x2), 1);
        return Math.addExact(EXP_MINUS_ONE_EIGHTH,
                FixedPoint.srdhm(EXP_MINUS_ONE_EIGHTH, Math.addExact(x, poly)));
    }

    /**
     * gemmlowp {@code one_over_one_plus_x_for_x_in_0_1}: {@code 1 / (1 + a)} in F0 for {@code a} in
     * F0, {@code a >= 0}: {@code x = 2 / (1 + a)} in F2 ({@link #newtonReciprocal}), read as
     * {@code 1 / (1 + a)} in F1 and rescaled to F0 by {@code shlSat(x, 1)}.
     */
    private static int oneOverOnePlusX(int a) {
        return FixedPoint.shlSat(newtonReciprocal(roundingHalfSum(a, ONE_F0)), 1);
    }

    /**
     * gemmlowp {@code one_minus_x_over_one_plus_x_for_x_in_0_1}: {@code (1 - a) / (1 + a)} in F0 as
     * {@code 2 / (1 + a) - 1} in F2, rescaled to F0 by {@code shlSat(x - 1, 2)}.
     */
    private static int oneMinusXOverOnePlusX(int a) {
        int x = newtonReciprocal(roundingHalfSum(a, ONE_F0));
        return FixedPoint.shlSat(Math.subtractExact(x, ONE_F2), 2);
    }

    /**
     * {@code 1 / d} in F2 for {@code d = (1 + a) / 2} in F0, {@code d} in {@code [1/2, 1]}: the
     * initial guess {@code x = 48/17 + srdhm(d, -32/17)}, then three times
     * {@code x = x + shlSat(srdhm(x, 1 - srdhm(d, x)), 2)} (F2 x F2 = F4, back to F2 by the
     * saturating shift).
     */
    private static int newtonReciprocal(int d) {
        int x = Math.addExact(FORTY_EIGHT_SEVENTEENTHS, FixedPoint.srdhm(d, MINUS_THIRTY_TWO_SEVENTEENTHS));
        for (int i = 0; i < 3; i++) {
            int oneMinusDx = Math.subtractExact(ONE_F2, FixedPoint.srdhm(d, x));
            x = Math.addExact(x, FixedPoint.shlSat(FixedPoint.srdhm(x, oneMinusDx), 2));
        }
        return x;
    }

    /**
     * gemmlowp {@code RoundingHalfSum} for int32 (ARM {@code VRHADD}): with {@code s = a + b} exact in
     * int64, {@code trunc((s + (s >= 0 ? 1 : -1)) / 2)}. C form: as written, in {@code int64_t}.
     */
    static int roundingHalfSum(int a, int b) {
        long s = (long) a + b;
        return (int) ((s + (s >= 0 ? 1 : -1)) / 2);
    }
}
