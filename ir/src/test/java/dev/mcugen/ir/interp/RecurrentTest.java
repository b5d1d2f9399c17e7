package dev.mcugen.ir.interp;

import dev.mcugen.ir.Activation;
import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.Node;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static dev.mcugen.ir.Activation.HARD_SIGMOID;
import static dev.mcugen.ir.Activation.LINEAR;
import static dev.mcugen.ir.Activation.RELU;
import static dev.mcugen.ir.Activation.SIGMOID;
import static dev.mcugen.ir.Activation.TANH;
import static dev.mcugen.ir.interp.TestGraphs.dims;
import static dev.mcugen.ir.interp.TestGraphs.run;
import static dev.mcugen.ir.interp.TestGraphs.single;
import static dev.mcugen.ir.interp.TestGraphs.t;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** SimpleRNN, LSTM (all variants) and GRU (both reset_after forms): by hand and against a reference. */
class RecurrentTest {

    // ---- by hand -----------------------------------------------------------------------------------

    @Test
    void simpleRnnTwoStepsByHand() {
        Map<String, FloatTensor> w = Map.of("kernel", t(dims(1, 1), 2), "recurrent_kernel", t(dims(1, 1), 0.5f),
                "bias", t(dims(1), 1));
        Graph fwd = single(new Op.SimpleRnn(1, LINEAR, true, true, false), Shape.of(2, 1), w);
        // h1 = 2*1 + 1 = 3; h2 = 2*3 + 0.5*3 + 1 = 8.5
        assertThat(run(fwd, new float[] {1, 3}, 2, 1)).containsExactly(3f, 8.5f);
        Graph bwd = single(new Op.SimpleRnn(1, LINEAR, true, true, true), Shape.of(2, 1), w);
        // processes x=3 first: h1 = 7; then x=1: h2 = 2 + 3.5 + 1 = 6.5; returned in processing order
        assertThat(run(bwd, new float[] {1, 3}, 2, 1)).containsExactly(7f, 6.5f);
        Graph last = single(new Op.SimpleRnn(1, LINEAR, true, false, true), Shape.of(2, 1), w);
        assertThat(run(last, new float[] {1, 3}, 2, 1)).containsExactly(6.5f);
    }

    @Test
    void goBackwardsReturnsTheSequenceInProcessingOrder() {
        // h_t = x_t: the output sequence is the input reversed, as TF.js rnn() stacks per-step outputs.
        Map<String, FloatTensor> w = Map.of("kernel", t(dims(1, 1), 1), "recurrent_kernel", t(dims(1, 1), 0));
        Graph g = single(new Op.SimpleRnn(1, LINEAR, false, true, true), Shape.of(4, 1), w);
        assertThat(run(g, new float[] {1, 2, 3, 4}, 4, 1)).containsExactly(4, 3, 2, 1);
    }

    @Test
    void lstmTwoStepsByHand() {
        // units 1, gates (i, f, c, o): kernel [1, 4], recurrent [1, 4]; linear cell activation.
        Graph g = single(new Op.Lstm(1, LINEAR, HARD_SIGMOID, true, true, false, false, false, false, 0),
                Shape.of(2, 1), Map.of(
                        "kernel", t(dims(1, 4), 1, 0, 1, 0),
                        "recurrent_kernel", t(dims(1, 4), 1, 0, 0, 0),
                        "bias", t(dims(4), 0, 2.5f, 0, 2.5f)));
        // step 1, x=0.5: i = hs(0.5) = 0.6, f = hs(2.5) = 1, z = 0.5, o = 1; c = 0.3; h = 0.3
        // step 2, x=1:   i = hs(1 + 0.3) = 0.76, z = 1; c = 0.3 + 0.76 = 1.06; h = 1.06
        float[] y = run(g, new float[] {0.5f, 1}, 2, 1);
        assertThat(y[0]).isCloseTo(0.3f, within(1e-6f));
        assertThat(y[1]).isCloseTo(1.06f, within(1e-6f));
    }

    @Test
    void gruTwoStepsByHandBothResetForms() {
        Map<String, FloatTensor> common = Map.of(
                "kernel", t(dims(1, 3), 0, 0, 1),
                "recurrent_kernel", t(dims(1, 3), 0, 0, 2));
        // z = r = hs(0) = 0.5 throughout.
        Map<String, FloatTensor> w1 = new java.util.HashMap<>(common);
        w1.put("bias", t(dims(3), 0, 0, 0));
        Graph before = single(new Op.Gru(1, LINEAR, HARD_SIGMOID, true, true, false, false), Shape.of(2, 1), w1);
        // reset before: hh = x + (r*h)*2; step1 hh = 1, h = 0.5; step2 hh = 1 + 0.25*2 = 1.5, h = 0.25 + 0.75 = 1
        assertThat(run(before, new float[] {1, 1}, 2, 1)).containsExactly(0.5f, 1f);
        Map<String, FloatTensor> w2 = new java.util.HashMap<>(common);
        w2.put("bias", t(dims(2, 3), 0, 0, 0, 0, 0, 1));
        Graph after = single(new Op.Gru(1, LINEAR, HARD_SIGMOID, true, true, false, true), Shape.of(2, 1), w2);
        // reset after: hh = x + r*(h*2 + 1); step1 hh = 1.5, h = 0.75; step2 hh = 1 + 0.5*2.5 = 2.25, h = 1.5
        assertThat(run(after, new float[] {1, 1}, 2, 1)).containsExactly(0.75f, 1.5f);
    }

    @Test
    void cifgCouplesTheInputGateToTheForgetGate() {
        // gates (f, c, o); f = hs(0) = 0.5 so i = 0.5; z = x; o = hs(2.5) = 1
        Graph g = single(new Op.Lstm(1, LINEAR, HARD_SIGMOID, true, true, false, false, false, true, 0),
                Shape.of(2, 1), Map.of(
                        "kernel", t(dims(1, 3), 0, 1, 0),
                        "recurrent_kernel", t(dims(1, 3), 0, 0, 0),
                        "bias", t(dims(3), 0, 0, 2.5f)));
        // c1 = 0.5*0 + 0.5*2 = 1; c2 = 0.5*1 + 0.5*4 = 2.5
        assertThat(run(g, new float[] {2, 4}, 2, 1)).containsExactly(1f, 2.5f);
    }

    @Test
    void peepholeInputAndForgetSeeThePreviousCellOutputSeesTheNewOne() {
        // linear activations, no bias: i = x + P_i*c_prev, f = P_f*c_prev, z = x, o = P_o*c_new
        Graph g2 = single(new Op.Lstm(1, LINEAR, LINEAR, false, true, false, true, false, false, 0),
                Shape.of(2, 1), Map.of(
                        "kernel", t(dims(1, 4), 1, 0, 1, 0),
                        "recurrent_kernel", t(dims(1, 4), 0, 0, 0, 0),
                        "cell_to_input", t(dims(1), 1),
                        "cell_to_forget", t(dims(1), 2),
                        "cell_to_output", t(dims(1), 3)));
        // step 1, x=1: i = 1, f = 0, z = 1 -> c1 = 1; o = 3*c1 = 3; h1 = 3*1 = 3
        // step 2, x=1: i = 1 + 1*c1 = 2, f = 2*c1 = 2, z = 1 -> c2 = 2*1 + 2*1 = 4; o = 12; h2 = 48
        assertThat(run(g2, new float[] {1, 1}, 2, 1)).containsExactly(3f, 48f);
    }

    @Test
    void projectionMapsTheHiddenStateAndFeedsBack() {
        // units 1, projection 2: h = m * [1, -1] + [0.5, 0]; recurrent kernel [2, 4] reads h.
        Graph g = single(new Op.Lstm(1, LINEAR, LINEAR, true, true, false, false, false, false, 2),
                Shape.of(2, 1), Map.of(
                        "kernel", t(dims(1, 4), 0, 0, 1, 0),
                        "recurrent_kernel", t(dims(2, 4), 0, 0, 1, 0, 0, 0, 0, 0),
                        "bias", t(dims(4), 1, 0, 0, 1),
                        "projection_kernel", t(dims(1, 2), 1, -1),
                        "projection_bias", t(dims(2), 0.5f, 0)));
        // step 1, x=1: i=1, f=0, z=1, o=1 -> c=1, m=1, h=(1.5, -1)
        // step 2, x=1: z = 1 + 1.5 = 2.5, c = 2.5, m = 2.5, h = (3, -2.5)
        assertThat(run(g, new float[] {1, 1}, 2, 1)).containsExactly(1.5f, -1f, 3f, -2.5f);
    }

    @Test
    void layerNormNormalizesEachGateBeforeCoefficientsAndBias() {
        // units 2, F=2, identity-like kernel per gate; all coefficients 1, bias only on the forget gate.
        float[] k = new float[2 * 8];
        for (int g = 0; g < 4; g++) {
            k[g * 2] = 1; // x0 -> unit 0
            k[8 + g * 2 + 1] = 1; // x1 -> unit 1
        }
        float[] bias = {0, 0, 5, 7, 0, 0, 0, 0};
        Graph g = single(new Op.Lstm(2, LINEAR, LINEAR, true, false, false, false, true, false, 0),
                Shape.of(1, 2), Map.of(
                        "kernel", t(dims(2, 8), k),
                        "recurrent_kernel", t(dims(2, 8), new float[16]),
                        "bias", t(dims(8), bias),
                        "input_layer_norm", t(dims(2), 1, 1),
                        "forget_layer_norm", t(dims(2), 1, 1),
                        "cell_layer_norm", t(dims(2), 1, 1),
                        "output_layer_norm", t(dims(2), 2, 3)));
        TestGraphs.Recorder rec = new TestGraphs.Recorder();
        new FloatInterpreter(g).run(Map.of("x", t(dims(1, 2), 1, 3)), rec);
        // acc = (1, 3): mean 2, variance 1 -> norm (-1, 1) (up to 1e-8 in the variance)
        assertThat(rec.values.get("layer/input_gate_acc").get(0)).containsExactly(1, 3);
        assertThat(rec.values.get("layer/input_gate_norm").get(0)).containsExactly(new float[] {-1, 1}, within(1e-6f));
        assertThat(rec.values.get("layer/forget_gate_pre").get(0)).containsExactly(new float[] {4, 8}, within(1e-6f));
        assertThat(rec.values.get("layer/output_gate_pre").get(0)).containsExactly(new float[] {-2, 3}, within(1e-6f));
        // c = f*0 + i*z = (-1)(-1), (1)(1) = (1, 1); h = o * c
        assertThat(rec.values.get("layer").get(0)).containsExactly(new float[] {-2, 3}, within(1e-5f));
    }

    // ---- against the reference ----------------------------------------------------------------------

    static Stream<Arguments> configurations() {
        List<Arguments> a = new ArrayList<>();
        for (boolean back : new boolean[] {false, true}) {
            for (boolean seq : new boolean[] {false, true}) {
                a.add(Arguments.of(new Op.SimpleRnn(4, TANH, true, seq, back)));
                a.add(Arguments.of(new Op.SimpleRnn(3, RELU, false, seq, back)));
                a.add(Arguments.of(new Op.Gru(4, TANH, HARD_SIGMOID, true, seq, back, false)));
                a.add(Arguments.of(new Op.Gru(4, TANH, SIGMOID, true, seq, back, true)));
                a.add(Arguments.of(new Op.Gru(3, TANH, SIGMOID, false, seq, back, true)));
                a.add(Arguments.of(new Op.Lstm(5, TANH, HARD_SIGMOID, true, seq, back, false, false, false, 0)));
            }
        }
        // every LSTM variant: peephole x layer norm x CIFG x projection (x bias)
        for (int m = 0; m < 32; m++) {
            boolean peep = (m & 1) != 0;
            boolean ln = (m & 2) != 0;
            boolean cifg = (m & 4) != 0;
            int proj = (m & 8) != 0 ? 3 : 0;
            boolean bias = (m & 16) == 0;
            a.add(Arguments.of(new Op.Lstm(5, TANH, SIGMOID, bias, true, m % 3 == 0, peep, ln, cifg, proj)));
        }
        return a.stream();
    }

    @ParameterizedTest
    @MethodSource("configurations")
    void matchesTheReferenceIncludingEveryInternal(Op.Recurrent op) {
        Random rnd = new Random(op.hashCode());
        int steps = 6;
        int features = 3;
        Graph g = TestGraphs.randomSingle(op, Shape.of(steps, features), rnd, 0.8f);
        Node node = g.nodes().get(0);
        float[] x = TestGraphs.random(steps * features, rnd, 1.5f);
        TestGraphs.Recorder rec = new TestGraphs.Recorder();
        FloatTensor out = new FloatInterpreter(g).run(Map.of("x", FloatTensor.of(Shape.of(steps, features), x)), rec)
                .get("layer");
        ReferenceRecurrent ref = ReferenceRecurrent.run(node, x, steps);

        assertThat(out.shape()).isEqualTo(node.outputShape());
        assertClose("output", out.toArray(), ref.output);
        List<String> names = RecurrentInternals.names(op);
        assertThat(ref.internals.keySet()).containsExactlyInAnyOrderElementsOf(names);
        for (String name : names) {
            List<float[]> got = rec.values.get("layer/" + name);
            assertThat(got).as(name).hasSize(steps);
            assertThat(rec.steps.get("layer/" + name)).containsExactly(0, 1, 2, 3, 4, 5);
            for (int t = 0; t < steps; t++) {
                assertThat(got.get(t)).as(name).hasSize(RecurrentInternals.width(op, name));
                assertClose(name + " step " + t, got.get(t), ref.internals.get(name).get(t));
            }
        }
    }

    private static void assertClose(String what, float[] got, double[] want) {
        assertThat(got).as(what).hasSize(want.length);
        for (int i = 0; i < want.length; i++) {
            assertThat((double) got[i]).as("%s [%d]", what, i).isCloseTo(want[i], within(1e-5 * (1 + Math.abs(want[i]))));
        }
    }

    @Test
    void internalsAreReportedInTheDeclaredOrder() {
        Op.Lstm op = new Op.Lstm(3, TANH, SIGMOID, true, false, false, true, true, true, 2);
        Graph g = TestGraphs.randomSingle(op, Shape.of(2, 2), new Random(1), 1f);
        List<String> order = new ArrayList<>();
        new FloatInterpreter(g).run(Map.of("x", t(dims(2, 2), 1, 2, 3, 4)),
                (tensor, step, v) -> {
                    if (step == 0) {
                        order.add(tensor);
                    }
                });
        assertThat(order).containsExactlyElementsOf(RecurrentInternals.tensorNames(g.nodes().get(0)));
        assertThat(RecurrentInternals.names(op)).containsExactly(
                "forget_gate_acc", "forget_gate_norm", "forget_gate_pre", "forget_gate", "input_gate",
                "cell_gate_acc", "cell_gate_norm", "cell_gate_pre", "cell_gate", "cell",
                "output_gate_acc", "output_gate_norm", "output_gate_pre", "output_gate",
                "cell_act", "hidden", "projection");
    }

    @Test
    void internalNamesPerOp() {
        assertThat(RecurrentInternals.names(new Op.Lstm(2, TANH, SIGMOID, true, false, false, false, false, false, 0)))
                .containsExactly("input_gate_pre", "input_gate", "forget_gate_pre", "forget_gate",
                        "cell_gate_pre", "cell_gate", "cell", "output_gate_pre", "output_gate", "cell_act", "hidden");
        assertThat(RecurrentInternals.names(new Op.Gru(2, TANH, SIGMOID, true, false, false, false)))
                .containsExactly("update_gate_pre", "update_gate", "reset_gate_pre", "reset_gate", "reset_hidden",
                        "candidate_pre", "candidate", "hidden");
        assertThat(RecurrentInternals.names(new Op.Gru(2, TANH, SIGMOID, true, false, false, true)))
                .contains("candidate_recurrent").doesNotContain("reset_hidden");
        assertThat(RecurrentInternals.names(new Op.SimpleRnn(2, TANH, true, false, false))).containsExactly("pre", "hidden");
        assertThat(RecurrentInternals.tensorName("lstm_1", "cell")).isEqualTo("lstm_1/cell");
    }

    @Test
    void softmaxAsACellActivationWorksOverTheUnits() {
        Op.SimpleRnn op = new Op.SimpleRnn(3, Activation.SOFTMAX, true, false, false);
        Graph g = TestGraphs.randomSingle(op, Shape.of(4, 2), new Random(3), 1f);
        float[] y = run(g, new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 4, 2);
        assertThat(y[0] + y[1] + y[2]).isCloseTo(1f, within(1e-6f));
    }
}
