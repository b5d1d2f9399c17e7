package dev.mcugen.ir.calib;

/**
 * What calibration saw of one tensor over all samples (and, for recurrent internals, all time
 * steps): its extremes, the number of values, their mean and mean absolute value, and a histogram.
 *
 * @param tensor    a model input, node name or {@code <layer>/<internal>}
 * @param min       the smallest value seen
 * @param max       the largest value seen
 * @param count     the number of values seen
 * @param mean      the mean value
 * @param meanAbs   the mean of |value|
 * @param histogram the distribution of the values
 */
public record TensorRange(String tensor, float min, float max, long count, double mean, double meanAbs,
                          Histogram histogram) {
    /** max(|min|, |max|). */
    public float absMax() {
        return Math.max(Math.abs(min), Math.abs(max));
    }
}
