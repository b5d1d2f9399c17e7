package dev.mcugen.ir.quant;

import dev.mcugen.ir.fixed.FixedPoint;

/**
 * The fixed-point functions of integer softmax, transcribed from gemmlowp {@code fixedpoint.h} and
 * TFLite {@code GetReciprocal} for int32 raw values. {@code Qm.n} below means a raw int32 standing
 * for {@code raw / 2^n}; fixed-point products are {@link FixedPoint#srdhm}, additions are plain
 * int32 additions (never overflowing on the stated domains), gemmlowp's
 * {@code SaturatingRoundingMultiplyByPOT<e>} is {@link FixedPoint#shlSat} for {@code e > 0} and
 * {@link FixedPoint#rdivpot} for {@code e < 0}. Bitwise operations act on the two's complement
 * representation (in C: on the {@code uint32_t} cast).
 */
public final class SoftmaxMath {
    /** Integer bits of the rescaled input difference (TFLite {@code kScaledDiffIntegerBits}). */
    public static final int INPUT_INTEGER_BITS = 5;
    /** Integer bits of the sum of exponentials (TFLite {@code kAccumulationIntegerBits}). */
    public static final int ACCUMULATION_INTEGER_BITS = 12;

    private SoftmaxMath() {
    }

    /**
     * gemmlowp {@code exp_on_interval_between_negative_one_quarter_and_0_excl}: {@code exp(a)} for
     * {@code a} in Q0.31 within {@code [-1/4, 0)}, in Q0.31: a 4th-order Taylor expansion around -1/8,
     * within {@code e^(-1/8) (1/8)^5 / 120 ≈ 2.2e-7} of {@code exp(a)} (measured by the tests).
     */
    public static int expOnIntervalNegativeQuarterTo0(int a) {
        final int constantTerm = 1895147668;      // exp(-1/8) in Q0.31
        final int constantOneThird = 715827883;   // 1/3 in Q0.31
        int x = a + (1 << 28);                    // a + 1/8
        int x2 = FixedPoint.srdhm(x, x);
        int x3 = FixedPoint.srdhm(x2, x);
        int x4 = FixedPoint.srdhm(x2, x2);
        int x4Over4 = FixedPoint.rdivpot(x4, 2);
        int poly = FixedPoint.rdivpot(FixedPoint.srdhm(x4Over4 + x3, constantOneThird) + x2, 1);
        return constantTerm + FixedPoint.srdhm(constantTerm, x + poly);
    }

    /** Multipliers exp(-2^k) in Q0.31 for k = -2 .. 4 (gemmlowp's barrel shifter). */
    private static final int[] BARREL = {1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242};

    /**
     * gemmlowp {@code exp_on_negative_values} for input Q5.26 ({@code a <= 0}), result Q0.31:
     * {@code exp(a) = exp(a mod 1/4 - 1/4) · Π exp(-2^k)} over the set bits {@code k} of the
     * remainder; {@code exp(0)} is {@code INT32_MAX} (Q0.31's one).
     */
    public static int expOnNegativeValues(int a) {
        final int fractionalBits = 31 - INPUT_INTEGER_BITS;   // 26
        final int oneQuarter = 1 << (fractionalBits - 2);
        int mask = oneQuarter - 1;
        int aModQuarterMinusOneQuarter = (a & mask) - oneQuarter;
        int result = expOnIntervalNegativeQuarterTo0(FixedPoint.shlSat(aModQuarterMinusOneQuarter, INPUT_INTEGER_BITS));
        int remainder = aModQuarterMinusOneQuarter - a;
        for (int i = 0; i < BARREL.length; i++) {
            int exponent = i - 2;
            if ((remainder & (1 << (fractionalBits + exponent))) != 0) {
                result = FixedPoint.srdhm(result, BARREL[i]);
            }
        }
        return a == 0 ? Integer.MAX_VALUE : result;
    }

    /**
     * gemmlowp {@code one_over_one_plus_x_for_x_in_0_1}: {@code 1 / (1 + a)} for {@code a} in Q0.31
     * within {@code [0, 1)}, in Q0.31, by three Newton-Raphson steps in Q2.29.
     */
    public static int oneOverOnePlusX(int a) {
        long sum = (long) a + Integer.MAX_VALUE;
        int halfDenominator = (int) ((sum + (sum >= 0 ? 1 : -1)) / 2);   // RoundingHalfSum(a, one)
        final int constant48Over17 = 1515870810;      // Q2.29
        final int constantNeg32Over17 = -1010580540;  // Q2.29
        int x = constant48Over17 + FixedPoint.srdhm(halfDenominator, constantNeg32Over17);
        for (int i = 0; i < 3; i++) {
            int halfDenominatorTimesX = FixedPoint.srdhm(halfDenominator, x);
            int oneMinus = (1 << 29) - halfDenominatorTimesX;
            x = x + FixedPoint.shlSat(FixedPoint.srdhm(x, oneMinus), 2);
        }
        return FixedPoint.shlSat(x, 1);
    }

    /**
     * TFLite {@code GetReciprocal(x, 12, &k)} for a sum {@code x > 0} in Q12.19: returns
     * {@code r} in Q0.31 and writes {@code k} to {@code bitsOverUnit[0]} such that
     * {@code 1/x ≈ r · 2^-k}; with {@code h = clz(x)}, {@code k = 12 - h} and
     * {@code r = 1 / (1 + ((x << h) - 2^31) / 2^31)}.
     */
    public static int reciprocal(int x, int[] bitsOverUnit) {
        if (x <= 0) {
            throw new IllegalArgumentException("reciprocal of " + x);
        }
        int headroomPlusOne = Integer.numberOfLeadingZeros(x);
        bitsOverUnit[0] = ACCUMULATION_INTEGER_BITS - headroomPlusOne;
        int shiftedSumMinusOne = (x << headroomPlusOne) - Integer.MIN_VALUE;
        return oneOverOnePlusX(shiftedSumMinusOne);
    }
}
