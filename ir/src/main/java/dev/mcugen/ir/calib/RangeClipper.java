package dev.mcugen.ir.calib;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Chooses each tensor's range from what calibration saw, by a {@link RangeMethod}, and says per
 * tensor what it clipped and whether a few values dominate the range ({@link RangeClip}). Works on
 * the {@link MagnitudeHistogram}s, so the result is deterministic and exact for the histogram:
 * a clip point is always a bin edge (or the extreme itself), and the clipped fraction counts the
 * values beyond it.
 */
public final class RangeClipper {
    /** The percentile {@link RangeMethod#PERCENTILE} keeps on each side, in percent. */
    public static final double PERCENTILE = 99.99;
    /**
     * A range is dominated by a few values when its largest magnitude exceeds this many times the
     * 99.99th percentile of |value|: the step then is this many times coarser than the bulk needs.
     */
    public static final double DOMINANCE = 8;

    private RangeClipper() {
    }

    /** The result of selection: the ranges the solver uses, and what selection did per tensor. */
    public record Selection(RangeMethod method, CalibrationResult ranges, List<RangeClip> clips) {
        /** The tensors whose range a few values dominate (warn about them). */
        public List<RangeClip> dominated() {
            return clips.stream().filter(RangeClip::dominated).toList();
        }
    }

    /**
     * @param bits the activation width ({@code --precision}): the MSE search weighs clipping against
     *             a step of range / (2^bits - 1)
     */
    public static Selection select(CalibrationResult seen, RangeMethod method, int bits) {
        List<TensorRange> ranges = new ArrayList<>();
        List<RangeClip> clips = new ArrayList<>();
        Map<String, MagnitudeHistogram> mags = seen.magnitudes();
        for (TensorRange r : seen.ranges()) {
            MagnitudeHistogram h = mags.get(r.tensor());
            if (h == null || h.total() == 0) {
                ranges.add(r);
                clips.add(new RangeClip(r.tensor(), r.min(), r.max(), r.min(), r.max(), 0, r.absMax(), false));
                continue;
            }
            float hi = r.max();
            float lo = r.min();
            switch (method) {
                case MINMAX -> {
                }
                case PERCENTILE -> {
                    long allowed = (long) Math.floor((1 - PERCENTILE / 100) * h.total());
                    hi = percentileSide(h, false, r.max(), allowed);
                    lo = -percentileSide(h, true, -r.min(), allowed);
                }
                case MSE -> {
                    // Squared error is itself dominated by one far value (keeping 1e6 costs less than
                    // saturating it), so the search runs over the values within the percentile range:
                    // the tail beyond it saturates whatever the clip.
                    long allowed = (long) Math.floor((1 - PERCENTILE / 100) * h.total());
                    float hiCap = percentileSide(h, false, r.max(), allowed);
                    float loCap = percentileSide(h, true, -r.min(), allowed);
                    long levels = (1L << bits) - 1;
                    hi = hiCap;
                    lo = -loCap;
                    // Coordinate descent: each side's best clip given the other's, twice.
                    for (int round = 0; round < 2; round++) {
                        hi = mseSide(h, false, hiCap, Math.max(-lo, 0), levels);
                        lo = -mseSide(h, true, loCap, Math.max(hi, 0), levels);
                    }
                }
                default -> throw new IllegalStateException(method.name());
            }
            long out = beyond(h, false, hi, r.max()) + beyond(h, true, -lo, -r.min());
            float p = h.absQuantile(PERCENTILE / 100);
            boolean dominated = p > 0 && r.absMax() > DOMINANCE * p;
            clips.add(new RangeClip(r.tensor(), r.min(), r.max(), lo, hi, (double) out / h.total(), p, dominated));
            ranges.add(lo == r.min() && hi == r.max() ? r
                    : new TensorRange(r.tensor(), lo, hi, r.count(), r.mean(), r.meanAbs(), r.histogram()));
        }
        return new Selection(method, new CalibrationResult(seen.samples(), ranges, mags, seen.channelMeans(), seen.inputMoments()), clips);
    }

    /**
     * The clip magnitude of one side: the upper edge of the bin where more than {@code allowed}
     * values (counted from the far end) are reached, never beyond {@code extreme} (the side's largest
     * magnitude). A side with at most {@code allowed} values, or none, is left as seen.
     */
    private static float percentileSide(MagnitudeHistogram h, boolean negative, float extreme, long allowed) {
        if (!(extreme > 0)) {
            return extreme;
        }
        long seen = 0;
        for (int b = MagnitudeHistogram.bin(extreme); b >= 0; b--) {
            seen += h.count(negative, b);
            if (seen > allowed) {
                return Math.min(extreme, MagnitudeHistogram.upperEdge(b));
            }
        }
        return extreme;
    }

    /**
     * The clip magnitude of one side minimizing rounding error (step² / 12 per value inside) plus
     * saturation error (the squared distance beyond the clip, at each bin's midpoint), the step being
     * (clip + {@code other}) / {@code levels}. Ties keep the wider range.
     */
    private static float mseSide(MagnitudeHistogram h, boolean negative, float extreme, float other, long levels) {
        if (!(extreme > 0)) {
            return extreme;
        }
        int top = MagnitudeHistogram.bin(extreme);
        long total = h.total();
        // Suffix sums over the bins beyond a candidate: count, Σ x, Σ x².
        double c = 0;
        double s1 = 0;
        double s2 = 0;
        float best = extreme;
        double bestErr = Double.POSITIVE_INFINITY;
        for (int b = top; b >= 0; b--) {
            float clip = b == top ? extreme : MagnitudeHistogram.upperEdge(b);
            double step = ((double) clip + other) / levels;
            double inside = total - c;
            double err = inside * step * step / 12 + (s2 - 2 * clip * s1 + (double) clip * clip * c);
            if (err < bestErr) {
                bestErr = err;
                best = clip;
            }
            long n = h.count(negative, b);
            if (n > 0) {
                double x = Math.min(((double) MagnitudeHistogram.lowerEdge(b) + MagnitudeHistogram.upperEdge(b)) / 2, extreme);
                c += n;
                s1 += n * x;
                s2 += n * x * x;
            }
        }
        return best;
    }

    /**
     * Values of one side with magnitude at or above {@code clip} when it is below the side's
     * {@code extreme} (a clip below the extreme is a bin edge, so whole bins lie beyond it; values
     * exactly at the edge count as clipped), else none.
     */
    private static long beyond(MagnitudeHistogram h, boolean negative, float clip, float extreme) {
        if (!(clip > 0) || clip >= extreme) {
            return 0;
        }
        long n = 0;
        for (int b = MagnitudeHistogram.bin(clip); b < MagnitudeHistogram.BINS; b++) {
            n += h.count(negative, b);
        }
        return n;
    }
}
