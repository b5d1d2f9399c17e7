package dev.mcugen.ir.calib;

import dev.mcugen.ir.Diag;
import dev.mcugen.ir.McugenException;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The ranges calibration measured, one per tensor, in graph order: the model inputs, then per node
 * its recurrent internals followed by its output (as {@code FloatInterpreter.tensorNames()}).
 */
public final class CalibrationResult {
    private final int samples;
    private final List<TensorRange> ranges;
    private final Map<String, TensorRange> byName;
    private final Map<String, MagnitudeHistogram> magnitudes;
    private final Map<String, double[]> channelMeans;
    private final Map<String, double[]> inputMoments;

    public CalibrationResult(int samples, List<TensorRange> ranges) {
        this(samples, ranges, Map.of());
    }

    /** @param magnitudes each tensor's log-scale histogram, for range selection ({@link RangeClipper}) */
    public CalibrationResult(int samples, List<TensorRange> ranges, Map<String, MagnitudeHistogram> magnitudes) {
        this(samples, ranges, magnitudes, Map.of());
    }

    /**
     * @param magnitudes   each tensor's log-scale histogram, for range selection ({@link RangeClipper})
     * @param channelMeans the mean of each channel (last axis) of the model inputs and node outputs over
     *                     every position and sample, for bias correction; arrays are copied
     */
    public CalibrationResult(int samples, List<TensorRange> ranges, Map<String, MagnitudeHistogram> magnitudes,
                             Map<String, double[]> channelMeans) {
        this(samples, ranges, magnitudes, channelMeans, Map.of());
    }

    /**
     * @param inputMoments for each Dense / convolution layer (by name) calibration tracked, the second
     *                     moment of the rows it multiplies by its kernel ({@link InputMoments}); not copied
     */
    public CalibrationResult(int samples, List<TensorRange> ranges, Map<String, MagnitudeHistogram> magnitudes,
                             Map<String, double[]> channelMeans, Map<String, double[]> inputMoments) {
        this.inputMoments = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(inputMoments));
        Map<String, double[]> means = new LinkedHashMap<>();
        channelMeans.forEach((k, v) -> means.put(k, v.clone()));
        this.channelMeans = java.util.Collections.unmodifiableMap(means);
        this.magnitudes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(magnitudes));
        this.samples = samples;
        this.ranges = List.copyOf(ranges);
        Map<String, TensorRange> m = new LinkedHashMap<>();
        for (TensorRange r : this.ranges) {
            if (m.put(r.tensor(), r) != null) {
                throw new IllegalArgumentException("tensor '" + r.tensor() + "' listed twice");
            }
        }
        this.byName = java.util.Collections.unmodifiableMap(m);
    }

    /** The log-scale histogram of each tensor calibration saw (empty for ranges made by hand). */
    public Map<String, MagnitudeHistogram> magnitudes() {
        return magnitudes;
    }

    /**
     * The mean of each channel (the last axis) of {@code tensor} over all positions and samples, if
     * calibration recorded it (model inputs and node outputs; not recurrent internals or ranges made
     * by hand). A copy.
     */
    public Optional<double[]> channelMean(String tensor) {
        double[] m = channelMeans.get(tensor);
        return m == null ? Optional.empty() : Optional.of(m.clone());
    }

    /** Every recorded channel mean (see {@link #channelMean}), by tensor name; the arrays must not be modified. */
    public Map<String, double[]> channelMeans() {
        return channelMeans;
    }

    /**
     * The second moment {@code E[p pᵀ]} (row-major, symmetric) of the rows the Dense / convolution layer
     * {@code layer} multiplies by its kernel, if calibration tracked it (see {@link InputMoments}). The
     * array must not be modified.
     */
    public Optional<double[]> inputMoment(String layer) {
        return Optional.ofNullable(inputMoments.get(layer));
    }

    /** Every tracked input moment by layer name (see {@link #inputMoment}). */
    public Map<String, double[]> inputMoments() {
        return inputMoments;
    }

    /** Number of samples calibration ran. */
    public int samples() {
        return samples;
    }

    /** All ranges in graph order. */
    public List<TensorRange> ranges() {
        return ranges;
    }

    /** The ranges by tensor name, in graph order. */
    public Map<String, TensorRange> asMap() {
        return byName;
    }

    public Optional<TensorRange> find(String tensor) {
        return Optional.ofNullable(byName.get(tensor));
    }

    /** The range of {@code tensor}; fails with {@link Diag#MCG_INTERNAL} if calibration did not see it. */
    public TensorRange range(String tensor) {
        TensorRange r = byName.get(tensor);
        if (r == null) {
            throw new McugenException(Diag.MCG_INTERNAL, "tensor '" + tensor + "'", "has no calibrated range");
        }
        return r;
    }

    @Override
    public String toString() {
        return "CalibrationResult[" + samples + " samples, " + ranges.size() + " tensors]";
    }
}
