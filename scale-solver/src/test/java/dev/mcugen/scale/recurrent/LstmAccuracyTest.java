package dev.mcugen.scale.recurrent;

import dev.mcugen.ir.Activation;
import dev.mcugen.ir.Graph;
import dev.mcugen.scale.QuantOptions.ActivationImpl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The integer LSTM against the float interpreter on the seed 000 variants (±peephole, ±projection,
 * ±layer norm, CIFG) as graph-JSON models with realistic weights ({@link RecurrentModels}: 8 inputs,
 * 32 units, projection to 16), calibrated on 256 sequences and tested on 16 others: the recurrent
 * state h (the projection output when there is one) must reach 35 dB SQNR over all steps, with both
 * activation implementations, on models of several seeds, and must not drift over 1000 steps.
 */
class LstmAccuracyTest {
    static final int F = 8;
    static final int U = 32;
    static final int P = 16;
    static final double MIN_SQNR_DB = 35.0;
    /** "No drift": the last 100 of 1000 steps at most this much worse than the first 100. */
    static final double MAX_DRIFT_DB = 3.0;
    private static final SqnrReport REPORT = new SqnrReport("LSTM hidden-state (h) SQNR vs float");

    /** The eight Table 2 columns plus CIFG (alone and with everything). */
    enum Variant {
        PLAIN(false, false, false, false), PEEPHOLE(true, false, false, false), PROJECTION(false, true, false, false),
        PEEPHOLE_PROJECTION(true, true, false, false), LAYER_NORM(false, false, true, false),
        LAYER_NORM_PEEPHOLE(true, false, true, false), LAYER_NORM_PROJECTION(false, true, true, false),
        LAYER_NORM_PEEPHOLE_PROJECTION(true, true, true, false), CIFG(false, false, false, true),
        CIFG_PEEPHOLE_PROJECTION_LAYER_NORM(true, true, true, true);

        final boolean peephole;
        final boolean projection;
        final boolean layerNorm;
        final boolean cifg;

        Variant(boolean peephole, boolean projection, boolean layerNorm, boolean cifg) {
            this.peephole = peephole;
            this.projection = projection;
            this.layerNorm = layerNorm;
            this.cifg = cifg;
        }

        Graph model(long seed, Activation recurrent) {
            return RecurrentModels.lstm(seed + ordinal(), F, U, peephole, layerNorm, cifg, projection ? P : 0, recurrent);
        }
    }

    static Stream<Arguments> variantsAndImpls() {
        List<Arguments> a = new ArrayList<>();
        for (Variant v : Variant.values()) {
            for (ActivationImpl impl : ActivationImpl.values()) {
                a.add(Arguments.of(v, impl));
            }
        }
        return a.stream();
    }

    static double sqnr(Graph g, ActivationImpl impl, int steps, int calibSeqs, int testSeqs, Harness.Energies[] out) {
        float[] calib = Realistic.signals(new Random(1), calibSeqs, steps, F);
        float[] test = Realistic.signals(new Random(2), testSeqs, steps, F);
        Harness h = Harness.quantize(g, calib, calibSeqs, steps, Harness.options(impl));
        Harness.Energies e = h.compare(RecurrentModels.LAYER, test, testSeqs, steps);
        if (out != null) {
            out[0] = e;
        }
        return e.sqnr();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("variantsAndImpls")
    void variantReaches35dB(Variant v, ActivationImpl impl) {
        double db = sqnr(v.model(10, Activation.SIGMOID), impl, 100, 256, 16, null);
        REPORT.add(v.name(), impl.name() + " sigmoid", db);
        assertThat(db).as("%s %s", v, impl).isGreaterThanOrEqualTo(MIN_SQNR_DB);
    }

    @ParameterizedTest(name = "{0} hard_sigmoid")
    @EnumSource(value = Variant.class, names = {"PLAIN", "LAYER_NORM_PEEPHOLE_PROJECTION", "CIFG"})
    void tfjsDefaultHardSigmoidGates(Variant v) {
        for (ActivationImpl impl : ActivationImpl.values()) {
            double db = sqnr(v.model(20, Activation.HARD_SIGMOID), impl, 100, 256, 16, null);
            REPORT.add(v.name(), impl.name() + " hard_sigmoid", db);
            assertThat(db).as("%s %s", v, impl).isGreaterThanOrEqualTo(MIN_SQNR_DB);
        }
    }

    @Test
    void unseenModelsOfOtherSeeds() {
        for (long seed = 100; seed <= 400; seed += 100) {
            for (Variant v : Variant.values()) {
                double db = sqnr(v.model(seed, Activation.SIGMOID), ActivationImpl.LUT, 100, 256, 16, null);
                REPORT.add(v.name(), "seed" + seed, db);
                assertThat(db).as("%s seed %d", v, seed).isGreaterThanOrEqualTo(MIN_SQNR_DB);
            }
        }
    }

    @ParameterizedTest(name = "{0} {1} 1000 steps")
    @MethodSource("variantsAndImpls")
    void noDriftOver1000Steps(Variant v, ActivationImpl impl) {
        Harness.Energies[] e = new Harness.Energies[1];
        double db = sqnr(v.model(10, Activation.SIGMOID), impl, 1000, 24, 4, e);
        double first = e[0].sqnr(0, 100);
        double last = e[0].sqnr(900, 1000);
        REPORT.add(v.name(), impl.name() + " 1000 steps: first100/last100/all", first);
        REPORT.add(v.name(), "/", last);
        REPORT.add(v.name(), "/", db);
        assertThat(last).as("%s %s: steps 900-1000 vs 0-100", v, impl).isGreaterThanOrEqualTo(first - MAX_DRIFT_DB);
        assertThat(db).as("%s %s over 1000 steps", v, impl).isGreaterThanOrEqualTo(MIN_SQNR_DB);
    }

    @AfterAll
    static void printTable() {
        REPORT.print();
    }
}
