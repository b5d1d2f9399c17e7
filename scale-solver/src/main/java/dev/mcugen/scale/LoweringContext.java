package dev.mcugen.scale;

import dev.mcugen.ir.Graph;
import dev.mcugen.ir.calib.CalibrationResult;
import java.util.ArrayList;
import java.util.List;

/**
 * What a recipe sees while lowering: the solved types, the options and the float graph; recipes
 * record the overflow proof of each accumulator they create with {@link #bound} (computed with
 * {@link OverflowProof}) and fix every effective scale with {@link #rescale}, so that the report
 * lists them all.
 */
public final class LoweringContext {
    private final Graph graph;
    private final Solution solution;
    private final QuantOptions options;
    private final CalibrationResult calibration;
    private final LayerReplay replay;
    private final List<AccumulatorBound> bounds = new ArrayList<>();
    private final List<RescaleRecord> rescales = new ArrayList<>();

    public LoweringContext(Graph graph, Solution solution, QuantOptions options) {
        this(graph, solution, options, null);
    }

    /** @param calibration what calibration measured (channel means for bias correction); null for none */
    public LoweringContext(Graph graph, Solution solution, QuantOptions options, CalibrationResult calibration) {
        this(graph, solution, options, calibration, null);
    }

    /** @param replay the calibration data through the integer layers lowered so far ({@link LayerReplay}); null for none */
    public LoweringContext(Graph graph, Solution solution, QuantOptions options, CalibrationResult calibration,
                           LayerReplay replay) {
        this.replay = replay;
        this.graph = graph;
        this.solution = solution;
        this.options = options;
        this.calibration = calibration;
    }

    /**
     * The mean of each channel (last axis) of {@code tensor} over the calibration data, if known: what
     * bias correction needs.
     */
    public java.util.Optional<double[]> channelMean(String tensor) {
        return calibration == null ? java.util.Optional.empty() : calibration.channelMean(tensor);
    }

    /**
     * The second moment of the rows the Dense / convolution {@code layer} multiplies by its kernel over
     * the calibration data, if known: what error-compensating weight rounding needs. Must not be modified.
     */
    public java.util.Optional<double[]> inputMoment(String layer) {
        return calibration == null ? java.util.Optional.empty() : calibration.inputMoment(layer);
    }

    /**
     * For the Dense / convolution {@code layer}: the second moment of its rows in the integer model as
     * lowered so far and their cross moment with the float model's rows (both with a constant 1 for the
     * bias), if the quantizer replays the calibration data ({@link LayerReplay}).
     */
    public java.util.Optional<LayerReplay.Fit> replayFit(String layer) {
        return replay == null ? java.util.Optional.empty() : replay.fit(layer);
    }

    public Graph graph() {
        return graph;
    }

    public Solution solution() {
        return solution;
    }

    public QuantOptions options() {
        return options;
    }

    public void bound(AccumulatorBound b) {
        bounds.add(b);
    }

    public List<AccumulatorBound> bounds() {
        return List.copyOf(bounds);
    }

    /**
     * The integer form of the real factor {@code real} (e.g. {@code s_in * s_w / s_out}) under the
     * options ({@link EffectiveScale#of}), recorded for the report under {@code layer} and {@code name}.
     */
    public EffectiveScale rescale(String layer, String name, double real) {
        EffectiveScale s = EffectiveScale.of(real, options);
        rescales.add(new RescaleRecord(layer, name, s));
        return s;
    }

    /** The effective scales fixed so far, in the order the recipes asked for them. */
    public List<RescaleRecord> rescales() {
        return List.copyOf(rescales);
    }
}
