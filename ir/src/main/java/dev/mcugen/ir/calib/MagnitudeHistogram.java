package dev.mcugen.ir.calib;

/**
 * A histogram of a tensor's values on a logarithmic scale, one for each sign: a value's bin is the
 * top {@value #BITS} bits of its float32 magnitude (8 exponent bits, {@value #MANTISSA_BITS} mantissa
 * bits), so every bin spans at most 1/32 of its values' magnitude, from the smallest subnormal to
 * the largest float. Unlike the linear {@link Histogram}, whose bins widen to fit the largest value,
 * one value of 3.4e38 cannot blur the others into a single bin: percentiles and clipping errors
 * stay measurable whatever the outliers. Exact and deterministic: counts only.
 */
public final class MagnitudeHistogram {
    /** Mantissa bits kept in a bin index. */
    static final int MANTISSA_BITS = 5;
    /** Bits of a bin index: 8 exponent bits and the kept mantissa bits (the sign is the histogram). */
    static final int BITS = 8 + MANTISSA_BITS;
    /** Bins per sign. */
    public static final int BINS = 1 << BITS;
    private static final int SHIFT = 23 - MANTISSA_BITS;

    private final long[] positive;
    private final long[] negative;

    MagnitudeHistogram() {
        this(new long[BINS], new long[BINS]);
    }

    private MagnitudeHistogram(long[] positive, long[] negative) {
        this.positive = positive;
        this.negative = negative;
    }

    /** Counts a finite value (zeros count as positive). */
    void add(float v) {
        int bits = Float.floatToRawIntBits(v);
        int bin = (bits & 0x7fffffff) >>> SHIFT;
        if (bits < 0 && v != 0) {
            negative[bin]++;
        } else {
            positive[bin]++;
        }
    }

    /** The bin of magnitude {@code a} (finite, >= 0). */
    public static int bin(float a) {
        return (Float.floatToRawIntBits(Math.abs(a)) & 0x7fffffff) >>> SHIFT;
    }

    /** The smallest magnitude above every value of bin {@code b} (its upper edge), exact in float. */
    public static float upperEdge(int b) {
        return b + 1 >= (0xff << MANTISSA_BITS) ? Float.MAX_VALUE : Float.intBitsToFloat((b + 1) << SHIFT);
    }

    /** The smallest magnitude of bin {@code b} (its lower edge). */
    public static float lowerEdge(int b) {
        return Float.intBitsToFloat(b << SHIFT);
    }

    /** Values of magnitude in bin {@code b} with the given sign. */
    public long count(boolean negativeSide, int b) {
        return (negativeSide ? negative : positive)[b];
    }

    /** All values counted. */
    public long total() {
        long n = 0;
        for (int b = 0; b < BINS; b++) {
            n += positive[b] + negative[b];
        }
        return n;
    }

    /**
     * The upper edge of the bin holding the {@code q}-quantile of |value| (at least the fraction
     * {@code q} of the values are at most this magnitude), or 0 when there are no values.
     */
    public float absQuantile(double q) {
        long total = total();
        if (total == 0) {
            return 0;
        }
        long need = (long) Math.ceil(q * total);
        long seen = 0;
        for (int b = 0; b < BINS; b++) {
            seen += positive[b] + negative[b];
            if (seen >= need && seen > 0) {
                return upperEdge(b);
            }
        }
        return Float.MAX_VALUE;
    }
}
