package dev.mcugen.ir.interp;

import dev.mcugen.ir.Activation;
import dev.mcugen.ir.Diag;
import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.GraphBuilder;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Shape;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static dev.mcugen.ir.interp.TestGraphs.dims;
import static dev.mcugen.ir.interp.TestGraphs.t;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The interpreter's API: observers, open sequence lengths, batches, input checks. */
class FloatInterpreterTest {

    /** x [?, 3] -> lstm (seq) -> gru -> dense softmax. */
    static Graph stack(Random rnd) {
        GraphBuilder b = new GraphBuilder("stack");
        b.input("x", Shape.of(Shape.UNKNOWN, 3));
        Op lstm = new Op.Lstm(4, Activation.TANH, Activation.HARD_SIGMOID, true, true, false, false, false, false, 0);
        b.add("lstm", lstm, List.of("x"), TestGraphs.randomWeights(lstm, Shape.of(Shape.UNKNOWN, 3), rnd, 0.5f));
        Op gru = new Op.Gru(3, Activation.TANH, Activation.SIGMOID, true, false, true, false);
        b.add("gru", gru, List.of("lstm"), TestGraphs.randomWeights(gru, b.shapeOf("lstm"), rnd, 0.5f));
        Op dense = new Op.Dense(2, Activation.SOFTMAX, true);
        b.add("out", dense, List.of("gru"), TestGraphs.randomWeights(dense, b.shapeOf("gru"), rnd, 0.5f));
        b.output("out");
        return b.build();
    }

    @Test
    void openSequenceLengthTakesTheLengthFromTheData() {
        FloatInterpreter in = new FloatInterpreter(stack(new Random(1)));
        for (int steps : new int[] {1, 3, 17}) {
            FloatTensor y = in.run(FloatTensor.of(Shape.of(steps, 3), TestGraphs.random(steps * 3, new Random(steps), 1f)));
            assertThat(y.shape()).isEqualTo(Shape.of(2));
            assertThat(y.get(0) + y.get(1)).isCloseTo(1f, org.assertj.core.api.Assertions.within(1e-6f));
        }
    }

    @Test
    void observerSeesInputsEveryNodeOutputAndInternalsPerStep() {
        Graph g = stack(new Random(2));
        FloatInterpreter in = new FloatInterpreter(g);
        TestGraphs.Recorder rec = new TestGraphs.Recorder();
        float[] x = TestGraphs.random(5 * 3, new Random(3), 1f);
        Map<String, FloatTensor> out = in.run(Map.of("x", FloatTensor.of(Shape.of(5, 3), x)), rec);

        assertThat(rec.values.keySet()).containsExactlyInAnyOrderElementsOf(in.tensorNames());
        assertThat(in.tensorNames()).startsWith("x", "lstm/input_gate_pre").contains("lstm", "gru/hidden", "out")
                .endsWith("gru", "out");
        assertThat(rec.values.get("x")).singleElement().isEqualTo(x);
        assertThat(rec.steps.get("x")).containsExactly(TensorObserver.WHOLE);
        assertThat(rec.values.get("out")).singleElement().isEqualTo(out.get("out").toArray());
        assertThat(rec.values.get("lstm")).singleElement().satisfies(v -> assertThat(v).hasSize(5 * 4));
        assertThat(rec.values.get("lstm/cell")).hasSize(5);
        assertThat(rec.values.get("gru/reset_hidden")).hasSize(5);
        // the LSTM returns its hidden state of every step
        float[] seq = rec.values.get("lstm").get(0);
        for (int t = 0; t < 5; t++) {
            assertThat(java.util.Arrays.copyOfRange(seq, t * 4, t * 4 + 4)).isEqualTo(rec.values.get("lstm/hidden").get(t));
        }
        // go_backwards GRU: its last processed step's hidden state is the layer output
        assertThat(rec.values.get("gru/hidden").get(4)).isEqualTo(rec.values.get("gru").get(0));
    }

    @Test
    void tensorNamesAreInGraphOrder() {
        GraphBuilder b = new GraphBuilder("m");
        b.input("a", Shape.of(2, 1));
        Op rnn = new Op.SimpleRnn(2, Activation.TANH, true, false, false);
        b.add("rnn", rnn, List.of("a"), TestGraphs.randomWeights(rnn, Shape.of(2, 1), new Random(1), 1f));
        b.add("act", new Op.Act(Activation.RELU), List.of("rnn"), Map.of());
        b.output("act");
        assertThat(new FloatInterpreter(b.build()).tensorNames())
                .containsExactly("a", "rnn/pre", "rnn/hidden", "rnn", "act");
    }

    @Test
    void batchRunStacksTheSamples() {
        Graph g = stack(new Random(4));
        FloatInterpreter in = new FloatInterpreter(g);
        int n = 4;
        int steps = 6;
        float[] data = TestGraphs.random(n * steps * 3, new Random(5), 1f);
        List<int[]> progress = new ArrayList<>();
        FloatTensor y = in.runBatch(FloatTensor.of(Shape.of(n, steps, 3), data), (done, total) -> progress.add(new int[] {done, total}));
        assertThat(y.shape()).isEqualTo(Shape.of(n, 2));
        for (int s = 0; s < n; s++) {
            float[] one = java.util.Arrays.copyOfRange(data, s * steps * 3, (s + 1) * steps * 3);
            float[] want = in.run(FloatTensor.of(Shape.of(steps, 3), one)).toArray();
            assertThat(java.util.Arrays.copyOfRange(y.toArray(), s * 2, s * 2 + 2)).isEqualTo(want);
        }
        assertThat(progress).extracting(p -> p[0]).containsExactly(1, 2, 3, 4);
        assertThat(progress).extracting(p -> p[1]).containsOnly(4);
    }

    @Test
    void batchRunWithSeveralInputsAndOutputs() {
        GraphBuilder b = new GraphBuilder("two");
        b.input("a", Shape.of(2));
        b.input("b", Shape.of(2));
        b.add("sum", new Op.Add(), List.of("a", "b"), Map.of());
        b.add("neg", new Op.Dense(1, Activation.LINEAR, false), List.of("sum"), Map.of("kernel", t(dims(2, 1), -1, -1)));
        b.output("sum").output("neg");
        Map<String, FloatTensor> out = new FloatInterpreter(b.build()).runBatch(Map.of(
                "a", t(dims(3, 2), 1, 2, 3, 4, 5, 6),
                "b", t(dims(3, 2), 10, 20, 30, 40, 50, 60)), Progress.NONE);
        assertThat(out.keySet()).containsExactly("sum", "neg");
        assertThat(out.get("sum").shape()).isEqualTo(Shape.of(3, 2));
        assertThat(out.get("sum").toArray()).containsExactly(11, 22, 33, 44, 55, 66);
        assertThat(out.get("neg").shape()).isEqualTo(Shape.of(3, 1));
        assertThat(out.get("neg").toArray()).containsExactly(-33, -77, -121);
    }

    @Test
    void rejectsBadInputs() {
        FloatInterpreter in = new FloatInterpreter(stack(new Random(6)));
        assertThatThrownBy(() -> in.run(FloatTensor.of(Shape.of(4, 2), new float[8])))
                .isInstanceOfSatisfying(McugenException.class, e -> {
                    assertThat(e.diag()).isEqualTo(Diag.MCG_DATA_SHAPE);
                    assertThat(e.subject()).isEqualTo("input 'x'");
                });
        float[] nan = new float[6];
        nan[4] = Float.NaN;
        assertThatThrownBy(() -> in.run(FloatTensor.of(Shape.of(2, 3), nan)))
                .isInstanceOfSatisfying(McugenException.class, e -> assertThat(e.diag()).isEqualTo(Diag.MCG_DATA_NONFINITE));
        assertThatThrownBy(() -> in.run(Map.of()))
                .isInstanceOfSatisfying(McugenException.class, e -> assertThat(e.diag()).isEqualTo(Diag.MCG_DATA_SHAPE));
        assertThatThrownBy(() -> in.run(Map.of("x", t(dims(1, 3), 1, 2, 3), "y", t(dims(1), 1))))
                .isInstanceOfSatisfying(McugenException.class, e -> assertThat(e.subject()).isEqualTo("input 'y'"));
        assertThatThrownBy(() -> in.run(FloatTensor.of(Shape.of(0, 3), new float[0])))
                .isInstanceOfSatisfying(McugenException.class, e -> assertThat(e.diag()).isEqualTo(Diag.MCG_DATA_SHAPE));
        assertThatThrownBy(() -> in.runBatch(FloatTensor.of(Shape.of(2, 3), new float[6])))
                .isInstanceOfSatisfying(McugenException.class, e -> assertThat(e.diag()).isEqualTo(Diag.MCG_DATA_SHAPE));
    }

    @Test
    void outputsAreCopiesAndInputsAreNotModified() {
        Graph g = TestGraphs.single(new Op.Dropout(0.1f), Shape.of(3), Map.of());
        FloatTensor x = t(dims(3), 1, 2, 3);
        FloatTensor y = new FloatInterpreter(g).run(x);
        assertThat(y).isEqualTo(x);
        assertThat(x.toArray()).containsExactly(1, 2, 3);
    }

    @Test
    void evaluateIsAOneShotRun() {
        Graph g = TestGraphs.single(new Op.Act(Activation.RELU), Shape.of(2), Map.of());
        assertThat(FloatInterpreter.evaluate(g, Map.of("x", t(dims(2), -1, 1))).get("layer").toArray())
                .containsExactly(0, 1);
    }
}
