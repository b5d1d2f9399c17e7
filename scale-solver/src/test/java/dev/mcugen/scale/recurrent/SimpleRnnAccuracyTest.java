package dev.mcugen.scale.recurrent;

import dev.mcugen.ir.Activation;
import dev.mcugen.ir.Graph;
import dev.mcugen.scale.QuantOptions.ActivationImpl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The integer SimpleRNN against float on realistic graph-JSON models (8 inputs, 32 units, contracting
 * orthogonal recurrence), 100 and 1000 steps, both activation implementations.
 */
class SimpleRnnAccuracyTest {
    private static final int F = 8;
    private static final int U = 32;
    private static final SqnrReport REPORT = new SqnrReport("SimpleRNN state (h) SQNR vs float");

    /**
     * {@code minDb}: 35 dB except linear: a linear RNN is a marginally stable linear filter (poles near
     * 0.9) whose output moves with the int8 weight rounding itself (the float model with rounded
     * weights alone is at about 35 dB); 32 dB there.
     */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"TANH, LUT, 35", "TANH, POLY, 35", "RELU, LUT, 35", "RELU, POLY, 35", "SIGMOID, LUT, 35",
        "SIGMOID, POLY, 35", "HARD_SIGMOID, LUT, 35", "LINEAR, LUT, 32"})
    void activation(Activation act, ActivationImpl impl, double minDb) {
        Graph g = RecurrentModels.simpleRnn(40, F, U, act);
        Harness h = Harness.quantize(g, Realistic.signals(new Random(1), 256, 100, F), 256, 100, Harness.options(impl));
        double db = h.compare(RecurrentModels.LAYER, Realistic.signals(new Random(2), 16, 100, F), 16, 100).sqnr();
        REPORT.add(act.kerasName(), impl.name(), db);
        assertThat(db).isGreaterThanOrEqualTo(minDb);

        Harness longer = Harness.quantize(g, Realistic.signals(new Random(1), 24, 1000, F), 24, 1000,
                Harness.options(impl));
        Harness.Energies e = longer.compare(RecurrentModels.LAYER, Realistic.signals(new Random(2), 4, 1000, F), 4, 1000);
        REPORT.add(act.kerasName(), impl.name() + " 1000 steps first100/last100", e.sqnr(0, 100));
        REPORT.add(act.kerasName(), "/", e.sqnr(900, 1000));
        assertThat(e.sqnr(900, 1000)).isGreaterThanOrEqualTo(e.sqnr(0, 100) - LstmAccuracyTest.MAX_DRIFT_DB);
    }

    @AfterAll
    static void printTable() {
        REPORT.print();
    }
}
