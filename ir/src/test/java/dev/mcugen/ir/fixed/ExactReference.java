package dev.mcugen.ir.fixed;

import java.math.BigInteger;
import java.util.TreeSet;

/**
 * Independent definitions of the {@link FixedPoint} primitives in exact integer arithmetic
 * ({@link BigInteger}, floor division), written from the mathematical contracts rather than from
 * gemmlowp's formulas, so a test that compares the two checks the formulas.
 */
final class ExactReference {
    private static final BigInteger INT32_MIN = BigInteger.valueOf(Integer.MIN_VALUE);
    private static final BigInteger INT32_MAX = BigInteger.valueOf(Integer.MAX_VALUE);

    private ExactReference() {
    }

    /** {@code v} clamped to int32. */
    static int saturate(BigInteger v) {
        return v.max(INT32_MIN).min(INT32_MAX).intValueExact();
    }

    /** {@code floor(v / 2^e)}; BigInteger's shiftRight is a floor division for negative values too. */
    static BigInteger floorPot(BigInteger v, int e) {
        return v.shiftRight(e);
    }

    /** {@code a * b / 2^31} rounded to nearest, ties toward +infinity, saturated to int32. */
    static int srdhm(int a, int b) {
        BigInteger p = BigInteger.valueOf(a).multiply(BigInteger.valueOf(b));
        return saturate(floorPot(p.add(BigInteger.ONE.shiftLeft(30)), 31));
    }

    /** {@code x / 2^e} rounded to nearest, ties away from zero. */
    static int rdivpot(int x, int e) {
        if (e == 0) {
            return x;
        }
        BigInteger abs = BigInteger.valueOf(x).abs();
        BigInteger rounded = floorPot(abs.add(BigInteger.ONE.shiftLeft(e - 1)), e);
        return (x < 0 ? rounded.negate() : rounded).intValueExact();
    }

    /** {@code x * 2^e} saturated to int32. */
    static int shlSat(int x, int e) {
        return saturate(BigInteger.valueOf(x).shiftLeft(e));
    }

    /** {@code rdivpot(srdhm(shlSat(x, max(s, 0)), m), max(-s, 0))} from the exact pieces. */
    static int requant(int x, int m, int s) {
        return rdivpot(srdhm(shlSat(x, Math.max(s, 0)), m), Math.max(-s, 0));
    }

    /**
     * Values where fixed-point code tends to break: 0, ±1, the int32 extremes, and every power of
     * two with its neighbours.
     */
    static int[] edgeValues() {
        TreeSet<Long> v = new TreeSet<>();
        for (int k = 0; k <= 31; k++) {
            long p = 1L << k;
            for (long d = -1; d <= 1; d++) {
                v.add(p + d);
                v.add(-p + d);
            }
        }
        v.add((long) Integer.MAX_VALUE);
        v.add((long) Integer.MAX_VALUE - 1);
        return v.stream().filter(x -> x >= Integer.MIN_VALUE && x <= Integer.MAX_VALUE)
                .mapToInt(Long::intValue).toArray();
    }
}
