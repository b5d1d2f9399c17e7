package dev.mcugen.ir.fixed;

/**
 * The integer primitives of DESIGN §3: the exact arithmetic that the Java fixed-point simulator and
 * the generated C both perform, bit for bit. Every method takes and returns {@code int} values and
 * uses {@code int}/{@code long} arithmetic only.
 *
 * <p>Each method states its result as a mathematical formula (with {@code /} the exact rational
 * quotient and {@code floor}, {@code trunc} named explicitly), then the <em>C form</em>: the
 * expression the C runtime must use so that it has no undefined or implementation-defined
 * behaviour. C leaves right shifts of negative values implementation-defined and makes left shifts of
 * negative values undefined; the C forms avoid both, and the Java code here is written in the same
 * forms (rather than relying on Java's arithmetic {@code >>}) so that the C is a line-by-line copy.
 * Arguments outside a method's stated domain throw {@link IllegalArgumentException}: they are
 * mcugen bugs, never data.
 */
public final class FixedPoint {
    public static final int INT8_MIN = -128;
    public static final int INT8_MAX = 127;
    public static final int INT16_MIN = -32768;
    public static final int INT16_MAX = 32767;
    /** Smallest and largest {@code shift} of {@link #requant}: the TFLite range. */
    public static final int MIN_SHIFT = -31;
    public static final int MAX_SHIFT = 30;

    private FixedPoint() {
    }

    /**
     * Arithmetic shift right: {@code floor(x / 2^e)}, {@code 0 <= e <= 31}.
     *
     * <p>C form: {@code x >= 0 ? x >> e : ~(~x >> e)} (for negative {@code x}, {@code ~x = -x - 1}
     * is non-negative, and {@code floor(x / 2^e) = ~floor(~x / 2^e)}).
     */
    public static int asr(int x, int e) {
        checkExponent(e, 31);
        return x >= 0 ? x >> e : ~(~x >> e);
    }

    /**
     * Saturating rounding doubling high multiply, gemmlowp {@code SaturatingRoundingDoublingHighMul}
     * for int32 (ARM {@code VQRDMULH}): with {@code p = a * b} exact in int64,
     * {@code nudge = p >= 0 ? 2^30 : 1 - 2^30}, the result is {@code trunc((p + nudge) / 2^31)}, except
     * {@code a == b == INT32_MIN}, the only overflow, which gives {@code INT32_MAX}. Equivalently
     * {@code floor((a * b + 2^30) / 2^31)}: {@code a * b / 2^31} rounded to nearest with ties toward
     * +infinity (so {@code a * b = -2^30} gives 0, not -1).
     *
     * <p>C form: {@code int64_t} product and C99 {@code /} (which truncates) by
     * {@code (int64_t)1 << 31}, exactly as written here.
     */
    public static int srdhm(int a, int b) {
        if (a == Integer.MIN_VALUE && b == Integer.MIN_VALUE) {
            return Integer.MAX_VALUE;
        }
        long p = (long) a * b;
        long nudge = p >= 0 ? 1L << 30 : 1L - (1L << 30);
        return (int) ((p + nudge) / (1L << 31));
    }

    /**
     * Rounding divide by a power of two, ties away from zero, gemmlowp {@code RoundingDivideByPOT}:
     * {@code 0 <= e <= 31}, {@code mask = 2^e - 1}, {@code remainder = x & mask},
     * {@code threshold = (mask >> 1) + (x < 0 ? 1 : 0)}, result
     * {@code floor(x / 2^e) + (remainder > threshold ? 1 : 0)}. Never overflows.
     *
     * <p>C form: {@code remainder = (int32_t)((uint32_t)x & (uint32_t)mask)} (a value in
     * {@code [0, mask]}), {@code floor(x / 2^e)} as in {@link #asr}; {@code mask} is computed as
     * {@code (int32_t)(((int64_t)1 << e) - 1)}.
     */
    public static int rdivpot(int x, int e) {
        int mask = (int) ((1L << checkExponent(e, 31)) - 1);
        int remainder = x & mask;
        int threshold = (mask >> 1) + (x < 0 ? 1 : 0);
        return asr(x, e) + (remainder > threshold ? 1 : 0);
    }

    /**
     * Saturating left shift: {@code x * 2^e} clamped to {@code [INT32_MIN, INT32_MAX]},
     * {@code 0 <= e <= 30} (gemmlowp {@code SaturatingRoundingMultiplyByPOT} with a positive exponent).
     *
     * <p>C form: with the constants {@code hi = (1 << (31 - e)) - 1} and {@code lo = -hi - 1},
     * {@code x > hi ? INT32_MAX : x < lo ? INT32_MIN : x * (1 << e)}; the multiplication cannot
     * overflow and, unlike {@code <<}, is defined for negative {@code x}.
     */
    public static int shlSat(int x, int e) {
        checkExponent(e, 30);
        int hi = (1 << (31 - e)) - 1;
        int lo = -hi - 1;
        return x > hi ? Integer.MAX_VALUE : x < lo ? Integer.MIN_VALUE : x * (1 << e);
    }

    /**
     * Multiply by a power of two, {@code x * 2^exponent}, for {@code -31 <= exponent <= 30}: the
     * rescale used when an effective scale is a power of two (DESIGN §3). A positive exponent is
     * {@link #shlSat}, a negative one {@link #rdivpot}{@code (x, -exponent)}, zero returns {@code x}.
     */
    public static int mulPot(int x, int exponent) {
        if (exponent < MIN_SHIFT || exponent > MAX_SHIFT) {
            throw new IllegalArgumentException("power-of-two exponent " + exponent + " outside [-31, 30]");
        }
        return exponent >= 0 ? shlSat(x, exponent) : rdivpot(x, -exponent);
    }

    /**
     * Requantization by a quantized multiplier, TFLite {@code MultiplyByQuantizedMultiplier}
     * (double-rounding form): {@code rdivpot(srdhm(shlSat(x, max(shift, 0)), multiplier),
     * max(-shift, 0))}, approximately {@code x * multiplier * 2^(shift - 31)}.
     *
     * <p>{@code multiplier} is 0 or in {@code [2^30, 2^31 - 1]} and {@code shift} in
     * {@code [-31, 30]}, as {@link QuantizedMultiplier} makes them. Where TFLite computes
     * {@code x * (1 << shift)} unchecked (undefined on overflow), mcugen saturates the left shift
     * ({@link #shlSat}); the two agree wherever TFLite's is defined. The scale solver proves the shift
     * cannot overflow, so a generator may then emit the plain multiplication.
     */
    public static int requant(int x, int multiplier, int shift) {
        if (multiplier != 0 && multiplier < 1 << 30) {
            throw new IllegalArgumentException("multiplier " + multiplier + " not 0 and not in [2^30, 2^31)");
        }
        if (shift < MIN_SHIFT || shift > MAX_SHIFT) {
            throw new IllegalArgumentException("shift " + shift + " outside [-31, 30]");
        }
        int left = shift > 0 ? shift : 0;
        int right = shift > 0 ? 0 : -shift;
        return rdivpot(srdhm(shlSat(x, left), multiplier), right);
    }

    /** {@code min(max(x, lo), hi)}; requires {@code lo <= hi}. */
    public static int clamp(int x, int lo, int hi) {
        if (lo > hi) {
            throw new IllegalArgumentException("clamp bounds " + lo + " > " + hi);
        }
        return x < lo ? lo : x > hi ? hi : x;
    }

    /** Saturating cast to int8: {@code clamp(x, -128, 127)}. */
    public static int satInt8(int x) {
        return x < INT8_MIN ? INT8_MIN : x > INT8_MAX ? INT8_MAX : x;
    }

    /** Saturating cast to int16: {@code clamp(x, -32768, 32767)}. */
    public static int satInt16(int x) {
        return x < INT16_MIN ? INT16_MIN : x > INT16_MAX ? INT16_MAX : x;
    }

    /**
     * Saturating int16 addition (the LSTM's cell and gate sums, TFLite {@code CwiseAdd}):
     * {@code satInt16(a + b)} for int16 {@code a, b}; the sum is exact in int32.
     */
    public static int addSat16(int a, int b) {
        return satInt16(checkInt16(a) + checkInt16(b));
    }

    /** Saturating int16 subtraction: {@code satInt16(a - b)} for int16 {@code a, b}. */
    public static int subSat16(int a, int b) {
        return satInt16(checkInt16(a) - checkInt16(b));
    }

    static int checkInt16(int x) {
        if (x < INT16_MIN || x > INT16_MAX) {
            throw new IllegalArgumentException(x + " is not an int16 value");
        }
        return x;
    }

    /** Checks an activation's input: {@code x} int16, {@code integerBits} in {@code [0, 7]}. */
    static void checkActivationInput(int x, int integerBits) {
        checkInt16(x);
        if (integerBits < 0 || integerBits > Int16Activation.MAX_INTEGER_BITS) {
            throw new IllegalArgumentException("integer bits " + integerBits + " outside [0, 7]");
        }
    }

    private static int checkExponent(int e, int max) {
        if (e < 0 || e > max) {
            throw new IllegalArgumentException("shift " + e + " outside [0, " + max + "]");
        }
        return e;
    }
}
