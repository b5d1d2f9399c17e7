package dev.mcugen.ir.calib;

import dev.mcugen.ir.Activation;
import dev.mcugen.ir.Diag;
import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.GraphBuilder;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.Node;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.interp.FloatInterpreter;
import dev.mcugen.ir.interp.RecurrentInternals;
import dev.mcugen.ir.interp.TestGraphs;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class CalibratorTest {

    /** x [T, 2] -> lstm (seq, backwards, peephole + layer norm + projection) -> gru -> simple rnn (backwards) -> dense. */
    static Graph model(int steps) {
        Random rnd = new Random(11);
        GraphBuilder b = new GraphBuilder("calib");
        b.input("x", Shape.of(steps, 2));
        Op lstm = new Op.Lstm(4, Activation.TANH, Activation.SIGMOID, true, true, true, true, true, false, 3);
        b.add("lstm", lstm, List.of("x"), TestGraphs.randomWeights(lstm, b.shapeOf("x"), rnd, 0.7f));
        Op gru = new Op.Gru(3, Activation.TANH, Activation.HARD_SIGMOID, true, true, false, true);
        b.add("gru", gru, List.of("lstm"), TestGraphs.randomWeights(gru, b.shapeOf("lstm"), rnd, 0.7f));
        Op rnn = new Op.SimpleRnn(3, Activation.TANH, true, false, true);
        b.add("rnn", rnn, List.of("gru"), TestGraphs.randomWeights(rnn, b.shapeOf("gru"), rnd, 0.7f));
        Op dense = new Op.Dense(2, Activation.LINEAR, true);
        b.add("out", dense, List.of("rnn"), TestGraphs.randomWeights(dense, b.shapeOf("rnn"), rnd, 0.7f));
        b.output("out");
        return b.build();
    }

    @Test
    void rangesAreTheExtremesOfEveryObservedValue() {
        int n = 7;
        int steps = 5;
        Graph g = model(steps);
        float[] data = TestGraphs.random(n * steps * 2, new Random(12), 3f);
        FloatTensor batch = FloatTensor.of(Shape.of(n, steps, 2), data);

        // Independent record of every value the interpreter reports.
        FloatInterpreter interp = new FloatInterpreter(g);
        Map<String, List<Float>> seen = new LinkedHashMap<>();
        for (int s = 0; s < n; s++) {
            float[] one = java.util.Arrays.copyOfRange(data, s * steps * 2, (s + 1) * steps * 2);
            interp.run(Map.of("x", FloatTensor.of(Shape.of(steps, 2), one)), (tensor, step, v) -> {
                List<Float> l = seen.computeIfAbsent(tensor, k -> new ArrayList<>());
                for (float f : v) {
                    l.add(f);
                }
            });
        }

        List<int[]> progress = new ArrayList<>();
        CalibrationResult r = new Calibrator(g).calibrate(batch, (done, total) -> progress.add(new int[] {done, total}));

        assertThat(r.samples()).isEqualTo(n);
        assertThat(progress).hasSize(n);
        assertThat(progress).extracting(p -> p[0]).containsExactly(1, 2, 3, 4, 5, 6, 7);
        assertThat(progress).extracting(p -> p[1]).containsOnly(n);
        assertThat(r.ranges()).extracting(TensorRange::tensor).containsExactlyElementsOf(interp.tensorNames());
        assertThat(r.ranges()).extracting(TensorRange::tensor).containsExactlyElementsOf(seen.keySet());
        for (TensorRange range : r.ranges()) {
            List<Float> v = seen.get(range.tensor());
            float min = v.stream().min(Float::compare).orElseThrow();
            float max = v.stream().max(Float::compare).orElseThrow();
            double mean = v.stream().mapToDouble(Float::doubleValue).average().orElseThrow();
            double meanAbs = v.stream().mapToDouble(f -> Math.abs(f)).average().orElseThrow();
            assertThat(range.min()).as(range.tensor()).isEqualTo(min);
            assertThat(range.max()).as(range.tensor()).isEqualTo(max);
            assertThat(range.count()).as(range.tensor()).isEqualTo(v.size());
            assertThat(range.mean()).as(range.tensor()).isCloseTo(mean, within(1e-9 * (1 + Math.abs(mean))));
            assertThat(range.meanAbs()).as(range.tensor()).isCloseTo(meanAbs, within(1e-9 * (1 + meanAbs)));
            assertThat(range.absMax()).isEqualTo(Math.max(-min, max));
            Histogram h = range.histogram();
            assertThat(h.total()).isEqualTo(v.size());
            assertThat(h.limit()).isGreaterThan(range.absMax());
            assertThat(h.limit() / 2).isLessThanOrEqualTo(Math.max(range.absMax(), 0x1p-25));
        }
    }

    @Test
    void everyRecurrentLayerHasAllItsInternalsAggregatedOverStepsAndSamples() {
        int n = 3;
        int steps = 4;
        Graph g = model(steps);
        CalibrationResult r = new Calibrator(g).calibrate(
                FloatTensor.of(Shape.of(n, steps, 2), TestGraphs.random(n * steps * 2, new Random(1), 1f)));
        for (Node node : g.nodes()) {
            if (node.op() instanceof Op.Recurrent rec) {
                for (String internal : RecurrentInternals.names(rec)) {
                    TensorRange range = r.range(RecurrentInternals.tensorName(node.name(), internal));
                    assertThat(range.count()).as(range.tensor())
                            .isEqualTo((long) n * steps * RecurrentInternals.width(rec, internal));
                }
            }
            assertThat(r.find(node.name())).isPresent();
        }
        assertThat(r.range("lstm/input_gate_norm")).isNotNull();
        assertThat(r.range("lstm/projection").count()).isEqualTo(n * steps * 3L);
        assertThat(r.range("gru/candidate_recurrent")).isNotNull();
        assertThat(r.range("x").count()).isEqualTo(n * steps * 2L);
        // not-returned-sequence layer: the node output is the last state only
        assertThat(r.range("rnn").count()).isEqualTo(n * 3L);
        // gates after a sigmoid stay in [0, 1]
        assertThat(r.range("lstm/forget_gate").min()).isGreaterThanOrEqualTo(0f);
        assertThat(r.range("lstm/forget_gate").max()).isLessThanOrEqualTo(1f);
        assertThatThrownBy(() -> r.range("nope"))
                .isInstanceOfSatisfying(McugenException.class, e -> assertThat(e.diag()).isEqualTo(Diag.MCG_INTERNAL));
    }

    @Test
    void goBackwardsAndReturnSequencesSeeTheSameValuesAsTheirOutputs() {
        // A backwards, sequence-returning SimpleRNN: its output over all steps is exactly its hidden internal.
        Op rnn = new Op.SimpleRnn(3, Activation.TANH, true, true, true);
        Graph g = TestGraphs.randomSingle(rnn, Shape.of(6, 2), new Random(4), 1f);
        CalibrationResult r = new Calibrator(g).calibrate(
                FloatTensor.of(Shape.of(5, 6, 2), TestGraphs.random(5 * 6 * 2, new Random(5), 2f)));
        TensorRange out = r.range("layer");
        TensorRange hidden = r.range("layer/hidden");
        assertThat(hidden.min()).isEqualTo(out.min());
        assertThat(hidden.max()).isEqualTo(out.max());
        assertThat(hidden.count()).isEqualTo(out.count());
        assertThat(hidden.histogram()).isEqualTo(out.histogram());
    }

    @Test
    void histogramMergesExactlyAsTheRangeGrows() {
        Graph g = TestGraphs.single(new Op.Dropout(0f), Shape.of(4), Map.of());
        // values spanning many octaves, fed in increasing magnitude so the range doubles many times
        float[] v = {0.001f, -0.01f, 0.1f, 1f, -3f, 10f, 0f, 100f};
        CalibrationResult r = new Calibrator(g).calibrate(FloatTensor.of(Shape.of(2, 4), v));
        Histogram h = r.range("x").histogram();
        assertThat(h.limit()).isEqualTo(128.0);
        assertThat(h.total()).isEqualTo(8);
        double w = h.binWidth();
        for (float x : v) {
            int bin = (int) Math.floor((x + h.limit()) / w);
            assertThat(h.count(bin)).as("bin of %s", x).isPositive();
        }
        assertThat(h.absQuantile(1.0)).isGreaterThanOrEqualTo(100.0).isLessThanOrEqualTo(100.0 + w);
        assertThat(h.absQuantile(0.5)).isLessThanOrEqualTo(1.0 + w);
    }

    @Test
    void calibratesSamplesGivenOneByOneAndByInputName() {
        Graph g = TestGraphs.single(new Op.Act(Activation.RELU), Shape.of(2), Map.of());
        Calibrator c = new Calibrator(g);
        CalibrationResult a = c.calibrate(List.of(
                Map.of("x", TestGraphs.t(new int[] {2}, -1, 2)),
                Map.of("x", TestGraphs.t(new int[] {2}, 5, -7))), dev.mcugen.ir.interp.Progress.NONE);
        CalibrationResult b = c.calibrate(Map.of("x", TestGraphs.t(new int[] {2, 2}, -1, 2, 5, -7)),
                dev.mcugen.ir.interp.Progress.NONE);
        for (CalibrationResult r : List.of(a, b)) {
            assertThat(r.range("x").min()).isEqualTo(-7f);
            assertThat(r.range("x").max()).isEqualTo(5f);
            assertThat(r.range("layer").min()).isEqualTo(0f);
            assertThat(r.range("layer").max()).isEqualTo(5f);
        }
        assertThat(a.ranges()).isEqualTo(b.ranges());
    }

    @Test
    void reportsNonFiniteIntermediateValues() {
        Graph g = TestGraphs.single(new Op.Dense(1, Activation.LINEAR, false), Shape.of(1),
                Map.of("kernel", TestGraphs.t(new int[] {1, 1}, 3e38f)));
        assertThatThrownBy(() -> new Calibrator(g).calibrate(FloatTensor.of(Shape.of(1, 1), new float[] {10f})))
                .isInstanceOfSatisfying(McugenException.class, e -> {
                    assertThat(e.diag()).isEqualTo(Diag.MCG_DATA_NONFINITE);
                    assertThat(e.subject()).isEqualTo("tensor 'layer'");
                });
    }

    @Test
    void countsEveryStepOfEverySample() {
        // 300 samples of a 32-unit LSTM over 50 steps (8 features), observed and aggregated.
        // (Speed is a benchmark's business, not a timed test's.)
        Random rnd = new Random(9);
        Op lstm = new Op.Lstm(32, Activation.TANH, Activation.SIGMOID, true, false, false, false, false, false, 0);
        Graph g = TestGraphs.randomSingle(lstm, Shape.of(50, 8), rnd, 0.3f);
        FloatTensor data = FloatTensor.of(Shape.of(300, 50, 8), TestGraphs.random(300 * 50 * 8, rnd, 1f));
        Calibrator c = new Calibrator(g);
        CalibrationResult r = c.calibrate(data);
        assertThat(r.samples()).isEqualTo(300);
        assertThat(r.range("layer/cell").count()).isEqualTo(300L * 50 * 32);
        assertThat(r.range("layer").count()).isEqualTo(300L * 32);
    }
}
