package dev.mcugen.scale.recurrent;

import dev.mcugen.ir.Activation;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.Node;
import dev.mcugen.ir.calib.TensorRange;
import dev.mcugen.ir.quant.QuantType;
import dev.mcugen.scale.QuantOptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Percentage.withPercentage;

/**
 * One test per row of seed 000 Table 2: the scale the solver chose for each LSTM tensor follows the
 * row's rule, computed here independently from the weights and the calibrated ranges. The full
 * variant (peephole, projection, layer norm) covers every row; a variant without layer norm covers
 * the {@code b = h x R} rows; a CIFG variant checks the rows marked † are gone.
 */
class LstmTable2Test {
    private static final int F = 6;
    private static final int U = 32;
    private static final int P = 16;
    private static final int STEPS = 60;
    private static final String[] GATES = {"i", "f", "z", "o"};
    private static final String[] PREFIX = {"input", "forget", "cell", "output"};

    private static Harness full;
    private static Harness noLayerNorm;
    private static Harness cifg;

    @BeforeAll
    static void quantize() {
        float[] calib = Realistic.signals(new Random(7), 32, STEPS, F);
        QuantOptions o = Harness.options(QuantOptions.ActivationImpl.LUT);
        full = Harness.quantize(RecurrentModels.lstm(71, F, U, true, true, false, P, Activation.SIGMOID), calib, 32,
                STEPS, o);
        noLayerNorm = Harness.quantize(RecurrentModels.lstm(72, F, U, true, false, false, P, Activation.SIGMOID),
                calib, 32, STEPS, o);
        cifg = Harness.quantize(RecurrentModels.lstm(73, F, U, true, true, true, 0, Activation.SIGMOID), calib, 32,
                STEPS, o);
    }

    private static double scale(Harness h, String part) {
        return h.solution.type("rnn/" + part).scale();
    }

    private static Node node(Harness h) {
        return h.graph.node("rnn").orElseThrow();
    }

    private static double maxAbs(float[] v) {
        double m = 0;
        for (float x : v) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }

    /** range / 255 of a calibrated range extended to 0, as TFLite's nudged asymmetric int8 type. */
    private static double rangeOver255(TensorRange... ranges) {
        double lo = 0;
        double hi = 0;
        for (TensorRange r : ranges) {
            lo = Math.min(lo, r.min());
            hi = Math.max(hi, r.max());
        }
        return (hi - lo) / 255;
    }

    private static float[] gateBlock(Harness h, String weight, int gate) {
        return Weights.block(node(h), weight, gate, U);
    }

    @Test
    void x_isRangeOver255() {
        QuantType x = full.inputType();
        assertThat(x.bits()).isEqualTo(8);
        assertThat(x.scale()).isCloseTo(rangeOver255(full.calibration.range("x")), withPercentage(1e-9));
    }

    @Test
    void W_gates_areMaxOver127PerGate() {
        for (int g = 0; g < 4; g++) {
            QuantType t = full.solution.type("rnn/W_" + GATES[g]);
            assertThat(t.bits()).isEqualTo(8);
            assertThat(t.zeroPoint()).isZero();
            assertThat(t.qmax()).isEqualTo(127);
            assertThat(t.scale()).as("W_" + GATES[g])
                    .isCloseTo(maxAbs(gateBlock(full, "kernel", g)) / 127, withPercentage(1e-9));
        }
    }

    @Test
    void R_gates_areMaxOver127PerGate() {
        for (int g = 0; g < 4; g++) {
            QuantType t = full.solution.type("rnn/R_" + GATES[g]);
            assertThat(t.bits()).isEqualTo(8);
            assertThat(t.scale()).as("R_" + GATES[g])
                    .isCloseTo(maxAbs(gateBlock(full, "recurrent_kernel", g)) / 127, withPercentage(1e-9));
        }
    }

    @Test
    void P_gates_areMaxOver32767() {
        String[] weights = {"cell_to_input", "cell_to_forget", null, "cell_to_output"};
        for (int g = 0; g < 4; g++) {
            if (weights[g] == null) {
                assertThat(full.solution.types()).doesNotContainKey("rnn/P_z");
                continue;
            }
            QuantType t = full.solution.type("rnn/P_" + GATES[g]);
            assertThat(t.bits()).isEqualTo(16);
            assertThat(t.scale()).isCloseTo(maxAbs(node(full).weight(weights[g]).toArray()) / 32767,
                    withPercentage(1e-9));
        }
    }

    @Test
    void b_gates_withoutLayerNorm_areHTimesR() {
        double h = scale(noLayerNorm, "projection");
        for (String g : GATES) {
            QuantType b = noLayerNorm.solution.type("rnn/b_" + g);
            assertThat(b.bits()).isEqualTo(32);
            assertThat(b.scale()).as("b_" + g).isCloseTo(h * scale(noLayerNorm, "R_" + g), withPercentage(1e-9));
        }
    }

    @Test
    void b_gates_withLayerNorm_areLTimes2PowMinus10() {
        for (String g : GATES) {
            assertThat(scale(full, "b_" + g)).as("b_" + g)
                    .isCloseTo(scale(full, "L_" + g) * Math.scalb(1.0, -10), withPercentage(1e-9));
        }
    }

    @Test
    void W_proj_isMaxOver127_and_b_proj_isWprojTimesM() {
        assertThat(scale(full, "W_proj")).isCloseTo(maxAbs(node(full).weight("projection_kernel").toArray()) / 127,
                withPercentage(1e-9));
        assertThat(full.solution.type("rnn/b_proj").bits()).isEqualTo(32);
        assertThat(scale(full, "b_proj")).isCloseTo(scale(full, "W_proj") * scale(full, "hidden"), withPercentage(1e-9));
    }

    @Test
    void h_isRangeOver255_sharedWithTheLayerOutput() {
        QuantType h = full.solution.type("rnn/projection");
        assertThat(h.bits()).isEqualTo(8);
        assertThat(h.scale()).isCloseTo(rangeOver255(full.calibration.range("rnn/projection"),
                full.calibration.range("rnn")), withPercentage(1e-9));
        assertThat(full.solution.type("rnn")).isEqualTo(h);
        assertThat(full.layer("rnn").outputType()).isEqualTo(h);
    }

    @Test
    void c_isPowerOfTwoOfMaxOver32768() {
        for (Harness h : List.of(full, noLayerNorm, cifg)) {
            QuantType c = h.solution.type("rnn/cell");
            double max = h.calibration.range("rnn/cell").absMax();
            double pot = Math.scalb(1.0, Math.getExponent(max) + 1); // max is not a power of two here
            assertThat(c.bits()).isEqualTo(16);
            assertThat(c.isPowerOfTwo()).isTrue();
            assertThat(c.scale()).as("cell of max %s", max).isEqualTo(Math.max(pot, 1.0) / 32768);
        }
    }

    @Test
    void L_gates_areMaxOver32767() {
        String[] weights = {"input_layer_norm", "forget_layer_norm", "cell_layer_norm", "output_layer_norm"};
        for (int g = 0; g < 4; g++) {
            QuantType t = full.solution.type("rnn/L_" + GATES[g]);
            assertThat(t.bits()).isEqualTo(16);
            assertThat(t.scale()).isCloseTo(maxAbs(node(full).weight(weights[g]).toArray()) / 32767,
                    withPercentage(1e-9));
        }
    }

    @Test
    void g_gates_areMaxOver32767OfTheCalibratedAccumulator() {
        for (String p : PREFIX) {
            QuantType t = full.solution.type("rnn/" + p + "_gate_acc");
            assertThat(t.bits()).isEqualTo(16);
            assertThat(t.scale()).isCloseTo((double) full.calibration.range("rnn/" + p + "_gate_acc").absMax() / 32767,
                    withPercentage(1e-9));
        }
    }

    @Test
    void m_isRangeOver255() {
        QuantType m = full.solution.type("rnn/hidden");
        assertThat(m.bits()).isEqualTo(8);
        assertThat(m.scale()).isCloseTo(rangeOver255(full.calibration.range("rnn/hidden")), withPercentage(1e-9));
    }

    @Test
    void gatePreActivationsAreQ3_12_outputsQ0_15_normalizedQ5_10() {
        for (Harness h : List.of(full, noLayerNorm)) {
            for (String p : PREFIX) {
                assertThat(h.solution.type("rnn/" + p + "_gate_pre").scale()).isEqualTo(Math.scalb(1.0, -12));
                assertThat(h.solution.type("rnn/" + p + "_gate").scale()).isEqualTo(Math.scalb(1.0, -15));
            }
        }
        for (String p : PREFIX) {
            assertThat(full.solution.type("rnn/" + p + "_gate_norm").scale()).isEqualTo(Math.scalb(1.0, -10));
        }
    }

    @Test
    void cifg_dropsTheInputGateRows() {
        for (String row : new String[] {"W_i", "R_i", "P_i", "L_i", "b_i", "input_gate_acc", "input_gate_pre"}) {
            assertThat(cifg.solution.types()).as(row).doesNotContainKey("rnn/" + row);
        }
        assertThat(cifg.solution.types()).containsKeys("rnn/W_f", "rnn/R_f", "rnn/P_f", "rnn/L_f", "rnn/b_f");
        assertThat(cifg.layer("rnn").internalTypes()).containsKey("input_gate");
    }

    @Test
    void everyAccumulatorIsProvedSafeInInt32() {
        for (Harness h : List.of(full, noLayerNorm, cifg)) {
            assertThat(h.bounds).isNotEmpty().allSatisfy(b -> {
                assertThat(b.safe()).as(b.toString()).isTrue();
                assertThat(b.action()).isEmpty();
            });
        }
        // one W·x and one R·h per gate, one layer norm per gate, the projection
        assertThat(full.bounds).extracting(b -> b.accumulator()).contains("forget_gate W·x", "forget_gate R·h",
                "forget_gate layer_norm", "projection");
        assertThat(full.bounds).hasSize(4 * 3 + 1);
    }

    @Test
    void everyContractHeldExceptSaturatingFormats() {
        for (Harness h : List.of(full, noLayerNorm, cifg)) {
            h.solution.results().forEach(r -> {
                if (r.status() == dev.mcugen.scale.ContractResult.Status.VIOLATED) {
                    // only a fixed format may clip a calibrated range (seed 000 §3.2.1: saturation at ±8)
                    assertThat(r.contract()).as(r.toString()).isInstanceOf(dev.mcugen.scale.Contract.Coverage.class);
                    String t = r.contract().tensors().get(0);
                    assertThat(t).as(r.toString()).matches("rnn/.*_gate_pre|rnn/.*_gate");
                }
            });
        }
    }
}
