package dev.mcugen.ir.calib;

/**
 * How a tensor's calibrated range is chosen from what calibration saw ({@code --calibration-method}).
 * {@link #MINMAX} covers every value; the others may clip a few extreme ones, which then saturate,
 * so that one outlier cannot stretch the range (and the step) of every other value.
 */
public enum RangeMethod {
    /** The smallest and largest value seen: nothing saturates, one outlier sets the step. */
    MINMAX,
    /** The {@link RangeClipper#PERCENTILE}th percentile on each side (rounded outwards to 1/32 of the value). */
    PERCENTILE,
    /**
     * Each side's clip that minimizes the quantization mean squared error over the histogram: the
     * rounding error inside the range (step² / 12 per value) plus the saturation error outside,
     * searched within the {@link #PERCENTILE} range (squared error alone would keep a far outlier).
     */
    MSE;

    /** The CLI spelling. */
    public String cliName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
