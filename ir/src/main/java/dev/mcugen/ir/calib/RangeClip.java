package dev.mcugen.ir.calib;

/**
 * What range selection did to one tensor.
 *
 * @param tensor          the tensor
 * @param seenMin         the smallest value calibration saw
 * @param seenMax         the largest value calibration saw
 * @param min             the range's lower end after selection
 * @param max             the range's upper end after selection
 * @param clippedFraction the fraction of the values seen outside {@code [min, max]} (they saturate)
 * @param absP9999        the 99.99th percentile of |value| (upper edge of its 1/32 bin)
 * @param dominated       whether a few values dominate the range seen: max |value| is more than
 *                        {@link RangeClipper#DOMINANCE} times {@code absP9999}
 */
public record RangeClip(String tensor, float seenMin, float seenMax, float min, float max, double clippedFraction,
                        float absP9999, boolean dominated) {
}
