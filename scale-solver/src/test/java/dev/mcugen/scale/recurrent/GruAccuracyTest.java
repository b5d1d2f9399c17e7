package dev.mcugen.scale.recurrent;

import dev.mcugen.ir.Activation;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.ModelLoader;
import dev.mcugen.ir.npy.Npy;
import dev.mcugen.ir.npy.NpyArray;
import dev.mcugen.scale.QuantOptions.ActivationImpl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The integer GRU (both Keras {@code reset_after} forms) against float: realistic graph-JSON models
 * (8 inputs, 32 units; tanh, relu and sigmoid candidates; sigmoid and TF.js's hard_sigmoid gates),
 * the Keras-made {@code gru_reset_after_keras} fixture (weights written by PyTorch's GRU), unseen seeds
 * and 1000-step runs. The measured state is the int16 h; the int8 layer output is reported too.
 */
class GruAccuracyTest {
    private static final int F = 8;
    private static final int U = 32;
    private static final double MIN_SQNR_DB = 35.0;
    private static final SqnrReport REPORT = new SqnrReport("GRU state (h) SQNR vs float");

    static Stream<Arguments> forms() {
        List<Arguments> a = new ArrayList<>();
        for (boolean resetAfter : new boolean[] {false, true}) {
            for (Activation gates : new Activation[] {Activation.SIGMOID, Activation.HARD_SIGMOID}) {
                for (ActivationImpl impl : ActivationImpl.values()) {
                    a.add(Arguments.of(resetAfter, gates, impl));
                }
            }
        }
        return a.stream();
    }

    private static String row(boolean resetAfter, Activation act, Activation gates) {
        return "reset_after=" + resetAfter + " " + act.kerasName() + "/" + gates.kerasName();
    }

    @ParameterizedTest(name = "reset_after={0} {1} {2}")
    @MethodSource("forms")
    void tanhCandidate(boolean resetAfter, Activation gates, ActivationImpl impl) {
        Graph g = RecurrentModels.gru(30, F, U, resetAfter, Activation.TANH, gates);
        Harness h = Harness.quantize(g, Realistic.signals(new Random(1), 256, 100, F), 256, 100, Harness.options(impl));
        float[] test = Realistic.signals(new Random(2), 16, 100, F);
        double db = h.compare(RecurrentModels.LAYER, test, 16, 100).sqnr();
        REPORT.add(row(resetAfter, Activation.TANH, gates), impl.name(), db);
        assertThat(db).isGreaterThanOrEqualTo(MIN_SQNR_DB);
        assertThat(h.layer(RecurrentModels.LAYER).internalTypes().get("hidden").bits()).isEqualTo(16);
        assertThat(h.bounds).allSatisfy(b -> assertThat(b.safe()).as(b.toString()).isTrue());
    }

    @ParameterizedTest(name = "reset_after={0} {1}")
    @MethodSource("otherCandidates")
    void otherCandidateActivations(boolean resetAfter, Activation act) {
        for (ActivationImpl impl : ActivationImpl.values()) {
            Graph g = RecurrentModels.gru(31, F, U, resetAfter, act, Activation.SIGMOID);
            Harness h = Harness.quantize(g, Realistic.signals(new Random(1), 256, 100, F), 256, 100,
                    Harness.options(impl));
            double db = h.compare(RecurrentModels.LAYER, Realistic.signals(new Random(2), 16, 100, F), 16, 100).sqnr();
            REPORT.add(row(resetAfter, act, Activation.SIGMOID), impl.name(), db);
            assertThat(db).as("%s %s", act, impl).isGreaterThanOrEqualTo(MIN_SQNR_DB);
        }
    }

    static Stream<Arguments> otherCandidates() {
        return Stream.of(Arguments.of(false, Activation.RELU), Arguments.of(true, Activation.RELU),
                Arguments.of(false, Activation.SIGMOID), Arguments.of(true, Activation.LINEAR));
    }

    @Test
    void unseenSeeds() {
        for (long seed = 100; seed <= 400; seed += 100) {
            for (boolean resetAfter : new boolean[] {false, true}) {
                Graph g = RecurrentModels.gru(seed, F, U, resetAfter, Activation.TANH, Activation.HARD_SIGMOID);
                Harness h = Harness.quantize(g, Realistic.signals(new Random(1), 256, 100, F), 256, 100,
                        Harness.options(ActivationImpl.LUT));
                double db = h.compare(RecurrentModels.LAYER, Realistic.signals(new Random(2), 16, 100, F), 16, 100)
                        .sqnr();
                REPORT.add(row(resetAfter, Activation.TANH, Activation.HARD_SIGMOID), "seed" + seed, db);
                assertThat(db).isGreaterThanOrEqualTo(MIN_SQNR_DB);
            }
        }
    }

    @ParameterizedTest(name = "reset_after={0} 1000 steps")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void noDriftOver1000Steps(boolean resetAfter) {
        for (ActivationImpl impl : ActivationImpl.values()) {
            Graph g = RecurrentModels.gru(32, F, U, resetAfter, Activation.TANH, Activation.SIGMOID);
            Harness h = Harness.quantize(g, Realistic.signals(new Random(1), 24, 1000, F), 24, 1000,
                    Harness.options(impl));
            Harness.Energies e = h.compare(RecurrentModels.LAYER, Realistic.signals(new Random(2), 4, 1000, F), 4, 1000);
            String r = row(resetAfter, Activation.TANH, Activation.SIGMOID);
            REPORT.add(r, impl.name() + " 1000 steps first100/last100", e.sqnr(0, 100));
            REPORT.add(r, "/", e.sqnr(900, 1000));
            assertThat(e.sqnr(900, 1000)).isGreaterThanOrEqualTo(e.sqnr(0, 100) - LstmAccuracyTest.MAX_DRIFT_DB);
            assertThat(e.sqnr()).isGreaterThanOrEqualTo(MIN_SQNR_DB);
        }
    }

    /** The Keras reset_after fixture: its own 6 x 8-step input, and its weights on long realistic signals. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(ActivationImpl.class)
    void kerasResetAfterFixture(ActivationImpl impl) {
        for (String name : new String[] {"gru_reset_after_keras", "gru_reset_after_keras_seq"}) {
            Path dir = Path.of(System.getProperty("mcugen.root", ".."), "ir/src/test/resources/tfjs", name);
            Graph g = ModelLoader.load(dir.resolve("model.json"));
            NpyArray x = Npy.read(dir.resolve("input.npy"));
            int n = x.shape().get(0);
            int steps = x.shape().get(1);
            int f = x.shape().get(2);
            Harness own = Harness.quantize(g, x.toFloatArray(), n, steps, Harness.options(impl));
            String layer = own.layers.keySet().iterator().next();
            double db = own.compare(layer, x.toFloatArray(), n, steps).sqnr();
            REPORT.add(name + " (own input)", impl.name(), db);
            assertThat(db).isGreaterThanOrEqualTo(MIN_SQNR_DB);
            Harness longer = Harness.quantize(RecurrentModels.withOpenLength(g),
                    Realistic.signals(new Random(1), 256, 100, f), 256, 100, Harness.options(impl));
            db = longer.compare(layer, Realistic.signals(new Random(2), 16, 100, f), 16, 100).sqnr();
            REPORT.add(name + " (100-step signals)", impl.name(), db);
            assertThat(db).isGreaterThanOrEqualTo(MIN_SQNR_DB);
        }
    }

    @AfterAll
    static void printTable() {
        REPORT.print();
    }
}
