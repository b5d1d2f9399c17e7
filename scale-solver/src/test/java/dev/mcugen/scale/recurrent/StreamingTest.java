package dev.mcugen.scale.recurrent;

import dev.mcugen.ir.Activation;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.GraphBuilder;
import dev.mcugen.ir.Node;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.quant.QLstm;
import dev.mcugen.ir.quant.QRecurrent;
import dev.mcugen.ir.sim.RecurrentCell;
import dev.mcugen.ir.sim.RecurrentKernels;
import dev.mcugen.ir.sim.RecurrentState;
import dev.mcugen.scale.QuantOptions.ActivationImpl;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The step API (the C {@code _step}) equals the whole-sequence run (the C {@code _invoke}) bit for bit:
 * outputs, every reported internal and the final state, for every LSTM variant, both GRU forms and
 * SimpleRNN, with lut and poly, including a stream cut in two with a copied state, go_backwards
 * (stepping over the reversed input) and return_sequences off (the last step's output).
 */
class StreamingTest {
    private static final int F = 5;
    private static final int STEPS = 37;

    static Stream<Graph> models() {
        List<Graph> g = new ArrayList<>();
        for (LstmAccuracyTest.Variant v : LstmAccuracyTest.Variant.values()) {
            g.add(RecurrentModels.lstm(60 + v.ordinal(), F, 12, v.peephole, v.layerNorm, v.cifg, v.projection ? 7 : 0,
                    Activation.HARD_SIGMOID));
        }
        for (boolean resetAfter : new boolean[] {false, true}) {
            g.add(RecurrentModels.gru(61, F, 12, resetAfter, Activation.TANH, Activation.SIGMOID));
            g.add(RecurrentModels.gru(62, F, 12, resetAfter, Activation.RELU, Activation.HARD_SIGMOID));
        }
        g.add(RecurrentModels.simpleRnn(63, F, 12, Activation.TANH));
        g.add(RecurrentModels.simpleRnn(64, F, 12, Activation.RELU));
        List<Graph> all = new ArrayList<>(g);
        for (Graph m : g) {
            all.add(withFlags(m, false, true));
            all.add(withFlags(m, true, false));
        }
        return all.stream();
    }

    /** The same layer with return_sequences and go_backwards set. */
    static Graph withFlags(Graph g, boolean returnSequences, boolean goBackwards) {
        Node n = g.nodes().get(0);
        Op op = n.op();
        Op flagged;
        if (op instanceof Op.Lstm l) {
            flagged = new Op.Lstm(l.units(), l.activation(), l.recurrentActivation(), l.useBias(), returnSequences,
                    goBackwards, l.peephole(), l.layerNorm(), l.cifg(), l.projectionUnits());
        } else if (op instanceof Op.Gru r) {
            flagged = new Op.Gru(r.units(), r.activation(), r.recurrentActivation(), r.useBias(), returnSequences,
                    goBackwards, r.resetAfter());
        } else {
            Op.SimpleRnn s = (Op.SimpleRnn) op;
            flagged = new Op.SimpleRnn(s.units(), s.activation(), s.useBias(), returnSequences, goBackwards);
        }
        GraphBuilder b = new GraphBuilder(g.name());
        b.input(g.inputs().get(0).name(), g.inputs().get(0).shape());
        b.add(n.name(), flagged, n.inputs(), n.weights());
        b.output(n.name());
        return b.build();
    }

    /** Everything a run reports, as "tensor@step=values" strings in order. */
    private static List<String> trace(List<String> sink, String tensor, int step, int[] v) {
        sink.add(tensor + "@" + step + "=" + Arrays.toString(v));
        return sink;
    }

    @ParameterizedTest(name = "{index}: {0}")
    @MethodSource("models")
    void stepEqualsRun(Graph g) {
        float[] calib = Realistic.signals(new Random(3), 8, STEPS, F);
        for (ActivationImpl impl : ActivationImpl.values()) {
            Harness h = Harness.quantize(g, calib, 8, STEPS, Harness.options(impl));
            QRecurrent q = h.layer(RecurrentModels.LAYER);
            int[] x = h.quantizeInput(Realistic.signals(new Random(4), 1, STEPS, F));
            List<String> runTrace = new ArrayList<>();
            int[] whole = RecurrentKernels.run(q, x, Shape.of(STEPS, F), (t, s, v) -> trace(runTrace, t, s, v));

            RecurrentCell cell = RecurrentKernels.cell(q);
            int out = cell.outputSize();
            int[] perStep = new int[STEPS * out];
            List<String> stepTrace = new ArrayList<>();
            RecurrentState state = cell.initialState();
            int cut = STEPS / 2;
            for (int t = 0; t < STEPS; t++) {
                if (t == cut) {
                    state = state.copy(); // a stream resumed from a saved state
                }
                int src = q.goBackwards() ? STEPS - 1 - t : t;
                cell.step(state, x, src * F, perStep, t * out, t, (tn, s, v) -> trace(stepTrace, tn, s, v));
            }
            int[] expected = q.returnSequences() ? perStep : Arrays.copyOfRange(perStep, (STEPS - 1) * out, STEPS * out);
            assertThat(whole).as("%s output", impl).containsExactly(expected);
            assertThat(stepTrace).as("%s internals", impl).containsExactlyElementsOf(runTrace);
            assertThat(runTrace).isNotEmpty();
            assertThat(whole.length).isEqualTo(q.returnSequences() ? STEPS * out : out);
        }
    }

    @ParameterizedTest(name = "{index}: {0}")
    @MethodSource("models")
    void freshStateIsRealZero(Graph g) {
        Harness h = Harness.quantize(g, Realistic.signals(new Random(3), 8, STEPS, F), 8, STEPS,
                Harness.options(ActivationImpl.LUT));
        QRecurrent q = h.layer(RecurrentModels.LAYER);
        RecurrentState s = RecurrentKernels.cell(q).initialState();
        if (q instanceof QLstm) {
            // h is the int8 output state (asymmetric): real 0 is its zero point; c is int16, zero point 0
            assertThat(s.hidden()).containsOnly(q.outputType().zeroPoint());
            assertThat(s.cell()).hasSize(((QLstm) q).units()).containsOnly(0);
        } else {
            // the GRU and SimpleRNN state is int16 symmetric
            assertThat(s.hidden()).containsOnly(0);
            assertThat(s.cell()).isEmpty();
        }
    }
}
