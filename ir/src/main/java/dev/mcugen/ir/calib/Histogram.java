package dev.mcugen.ir.calib;

import java.util.Arrays;

/**
 * A fixed-bin histogram of a tensor's values over {@code [-limit, limit)}: {@code counts.length}
 * equal bins, {@code limit} the smallest power of two (at least 2^-24) strictly above every |value|.
 * Built in one pass: when a value falls outside, the range doubles and neighbouring bins merge,
 * which is exact because the edges stay aligned.
 */
public record Histogram(double limit, long[] counts) {
    public Histogram {
        counts = counts.clone();
        if (!(limit > 0) || counts.length == 0 || counts.length % 4 != 0) {
            throw new IllegalArgumentException("histogram limit " + limit + ", " + counts.length + " bins");
        }
    }

    @Override
    public long[] counts() {
        return counts.clone();
    }

    public int binCount() {
        return counts.length;
    }

    public long count(int bin) {
        return counts[bin];
    }

    public double binWidth() {
        return 2 * limit / counts.length;
    }

    /** The lower edge of bin {@code bin}; its upper edge is {@code lowerEdge(bin + 1)}. */
    public double lowerEdge(int bin) {
        return -limit + bin * binWidth();
    }

    public long total() {
        return Arrays.stream(counts).sum();
    }

    /**
     * An upper bound {@code a} with at least the fraction {@code q} of the values in {@code [-a, a]}
     * (resolution one bin width): for percentile clipping.
     */
    public double absQuantile(double q) {
        if (q < 0 || q > 1) {
            throw new IllegalArgumentException("quantile " + q);
        }
        long total = total();
        long need = (long) Math.ceil(q * total);
        int half = counts.length / 2;
        long inside = 0;
        for (int k = 0; k < half; k++) {
            inside += counts[half - 1 - k] + counts[half + k];
            if (inside >= need) {
                return (k + 1) * binWidth();
            }
        }
        return limit;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Histogram h && h.limit == limit && Arrays.equals(h.counts, counts);
    }

    @Override
    public int hashCode() {
        return 31 * Double.hashCode(limit) + Arrays.hashCode(counts);
    }

    @Override
    public String toString() {
        return "Histogram[limit=" + limit + ", bins=" + counts.length + ", total=" + total() + "]";
    }
}
