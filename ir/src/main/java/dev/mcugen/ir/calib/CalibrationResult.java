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

    public CalibrationResult(int samples, List<TensorRange> ranges) {
        this(samples, ranges, Map.of());
    }

    /** @param magnitudes each tensor's log-scale histogram, for range selection ({@link RangeClipper}) */
    public CalibrationResult(int samples, List<TensorRange> ranges, Map<String, MagnitudeHistogram> magnitudes) {
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
