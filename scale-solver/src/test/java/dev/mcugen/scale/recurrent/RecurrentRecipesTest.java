package dev.mcugen.scale.recurrent;

import dev.mcugen.ir.Activation;
import dev.mcugen.ir.Diag;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.Node;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.quant.QGate;
import dev.mcugen.ir.quant.QGru;
import dev.mcugen.ir.quant.QLstm;
import dev.mcugen.ir.quant.QMatVec;
import dev.mcugen.ir.quant.QRecurrent;
import dev.mcugen.ir.quant.QSimpleRnn;
import dev.mcugen.ir.quant.QuantType;
import dev.mcugen.ir.quant.Rescale;
import dev.mcugen.scale.QuantOptions;
import dev.mcugen.scale.QuantOptions.ActivationImpl;
import dev.mcugen.scale.QuantOptions.Precision;
import dev.mcugen.scale.QuantOptions.Target;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Percentage.withPercentage;

/** The recurrent recipes' lowering: folded zero points, shifts, rescales, options, and what they refuse. */
class RecurrentRecipesTest {
    private static final int F = 6;
    private static final int STEPS = 60;
    private static final SqnrReport REPORT = new SqnrReport("state SQNR under other options");

    @org.junit.jupiter.api.AfterAll
    static void printTable() {
        REPORT.print();
    }

    private static Harness quantize(Graph g, QuantOptions o) {
        return Harness.quantize(g, Realistic.signals(new Random(9), 32, STEPS, F), 32, STEPS, o);
    }

    private static QuantOptions options(Precision p, QuantOptions.Rescale r, Target t) {
        return new QuantOptions(p, r, ActivationImpl.LUT, false, t);
    }

    private static float[] column(Node n, String weight, int block, int width, int row) {
        float[] w = Weights.block(n, weight, block, width);
        int cols = w.length / width;
        return java.util.Arrays.copyOfRange(w, row * cols, (row + 1) * cols);
    }

    @Test
    void zeroPointsAreFoldedIntoTheBiases() {
        Graph g = RecurrentModels.lstm(81, F, 16, false, false, false, 0, Activation.SIGMOID);
        Harness h = quantize(g, Harness.options(ActivationImpl.LUT));
        QLstm q = (QLstm) h.layer("rnn");
        Node node = g.node("rnn").orElseThrow();
        QuantType x = h.inputType();
        QuantType hT = q.outputType();
        QGate f = q.forgetGate();
        assertThat(x.zeroPoint()).isNotZero();
        assertThat(hT.zeroPoint()).isNotZero();
        for (int r = 0; r < 16; r++) {
            long sumW = 0;
            long sumR = 0;
            for (int c = 0; c < F; c++) {
                sumW += f.input().weights().get(r * F + c);
            }
            for (int c = 0; c < 16; c++) {
                sumR += f.recurrent().weights().get(r * 16 + c);
            }
            // W·(x - zp_x) = W·x - zp_x ΣW: the input accumulator's bias is the folded zero point only
            assertThat(f.input().bias().get(r)).isEqualTo(-x.zeroPoint() * sumW);
            // R·(h - zp_h) + b: b quantized at s_R s_h (Table 2 "h x R") minus zp_h ΣR
            double b = node.weight("bias").get(16 + r);
            long bq = Math.round(b / (h.solution.type("rnn/R_f").scale() * hT.scale()));
            assertThat(f.recurrent().bias().get(r)).isEqualTo(bq - hT.zeroPoint() * sumR);
        }
        assertThat(column(node, "kernel", 1, 16, 0)).hasSize(F);
    }

    @Test
    void cellShiftsAndHiddenRescaleFollowSeed000() {
        Graph g = RecurrentModels.lstm(82, F, 16, true, false, false, 8, Activation.SIGMOID);
        Harness h = quantize(g, Harness.options(ActivationImpl.LUT));
        QLstm q = (QLstm) h.layer("rnn");
        int n = q.cellType().fractionalBits();
        assertThat(q.cellForgetShift()).isEqualTo(15);            // shift(f * c, 15)
        assertThat(q.cellInputShift()).isEqualTo(30 - n);         // shift(i * z, 30 - n) for c in Q(15-n).n
        assertThat(q.cellActivation().inputFracBits()).isEqualTo(n); // tanh reads c in its own format
        assertThat(q.hiddenRescale().real())                      // 2^-30 / s_m
                .isCloseTo(Math.scalb(1.0, -30) / q.hiddenType().scale(), withPercentage(1e-6));
        assertThat(q.projection().rescale().real()).isCloseTo(
                h.solution.type("rnn/W_proj").scale() * q.hiddenType().scale() / q.outputType().scale(),
                withPercentage(1e-6));
        for (QGate gate : new QGate[] {q.inputGate(), q.forgetGate(), q.outputGate()}) {
            assertThat(gate.peephole()).isNotNull();
            assertThat(gate.peephole().weights().bits()).isEqualTo(16);
        }
        assertThat(q.cellGate().peephole()).isNull();
    }

    @Test
    void layerNormRescaleAndBias() {
        Graph g = RecurrentModels.lstm(83, F, 16, false, true, false, 0, Activation.SIGMOID);
        Harness h = quantize(g, Harness.options(ActivationImpl.LUT));
        QLstm q = (QLstm) h.layer("rnn");
        QGate o = q.outputGate();
        double sL = h.solution.type("rnn/L_o").scale();
        assertThat(o.layerNorm().rescale().real()).isCloseTo(sL * Math.scalb(1.0, -10) / Math.scalb(1.0, -12),
                withPercentage(1e-6));
        assertThat(o.layerNorm().coefficients().bits()).isEqualTo(16);
        assertThat(o.layerNorm().bias().bits()).isEqualTo(32);
        assertThat(o.input().rescale().real()).isCloseTo(h.solution.type("rnn/W_o").scale() * h.inputType().scale()
                / h.solution.type("rnn/output_gate_acc").scale(), withPercentage(1e-6));
        // with layer norm the recurrent accumulator has no gate bias, only the folded zero point
        long sumR = 0;
        for (int c = 0; c < 16; c++) {
            sumR += o.recurrent().weights().get(c);
        }
        assertThat(o.recurrent().bias().get(0)).isEqualTo(-q.outputType().zeroPoint() * sumR);
    }

    @Test
    void int16PrecisionKeepsXAndHInInt16() {
        QuantOptions o = options(Precision.INT16, QuantOptions.Rescale.MULTIPLIER, Target.HOST);
        List<Graph> models = List.of(
                RecurrentModels.lstm(84, F, 16, true, true, false, 8, Activation.SIGMOID),
                RecurrentModels.gru(85, F, 16, true, Activation.TANH, Activation.HARD_SIGMOID),
                RecurrentModels.simpleRnn(86, F, 16, Activation.RELU));
        for (Graph g : models) {
            Harness h = quantize(g, o);
            QRecurrent q = h.layer("rnn");
            assertThat(h.inputType().bits()).isEqualTo(16);
            assertThat(q.outputType().bits()).isEqualTo(16);
            assertThat(q.outputType().zeroPoint()).isZero();
            double db = h.compare("rnn", Realistic.signals(new Random(10), 8, STEPS, F), 8, STEPS).sqnr();
            REPORT.add(q.getClass().getSimpleName(), "--precision int16", db);
            assertThat(db).as(q.getClass().getSimpleName()).isGreaterThan(42.0);
            assertThat(h.bounds).allSatisfy(b -> assertThat(b.safe()).as(b.toString()).isTrue());
        }
    }

    @Test
    void potRescaleAndCortexM0UseShiftsOnly() {
        for (QuantOptions o : List.of(options(Precision.INT8, QuantOptions.Rescale.POT, Target.HOST),
                options(Precision.INT8, QuantOptions.Rescale.AUTO, Target.CORTEX_M0))) {
            List<Graph> models = List.of(
                    RecurrentModels.lstm(87, F, 16, true, true, false, 8, Activation.HARD_SIGMOID),
                    RecurrentModels.gru(88, F, 16, false, Activation.TANH, Activation.SIGMOID),
                    RecurrentModels.simpleRnn(89, F, 16, Activation.TANH));
            for (Graph g : models) {
                Harness h = quantize(g, o);
                QRecurrent q = h.layer("rnn");
                assertThat(rescales(q)).isNotEmpty().allSatisfy(r -> assertThat(r.powerOfTwo()).as(r.toString()).isTrue());
                double db = h.compare("rnn", Realistic.signals(new Random(10), 8, STEPS, F), 8, STEPS).sqnr();
                REPORT.add(q.getClass().getSimpleName(), o.rescale() + "/" + o.target().cliName(), db);
                assertThat(db).as(q.getClass().getSimpleName()).isGreaterThan(25.0);
            }
        }
    }

    @Test
    void multiplierRescaleOnCortexM4() {
        Harness h = quantize(RecurrentModels.lstm(90, F, 16, false, false, false, 0, Activation.SIGMOID),
                options(Precision.INT8, QuantOptions.Rescale.AUTO, Target.CORTEX_M4));
        assertThat(rescales(h.layer("rnn"))).anySatisfy(r -> assertThat(r.powerOfTwo()).isFalse());
    }

    private static List<Rescale> rescales(QRecurrent q) {
        List<Rescale> r = new ArrayList<>();
        if (q instanceof QLstm l) {
            for (QGate g : new QGate[] {l.inputGate(), l.forgetGate(), l.cellGate(), l.outputGate()}) {
                gate(r, g);
            }
            r.add(l.hiddenRescale());
            if (l.projection() != null) {
                r.add(l.projection().rescale());
            }
        } else if (q instanceof QGru g) {
            gate(r, g.updateGate());
            gate(r, g.resetGate());
            matVec(r, g.candidateInput());
            matVec(r, g.candidateRecurrent());
            if (g.resetProductRescale() != null) {
                r.add(g.resetProductRescale());
            }
            if (g.outputRescale() != null) {
                r.add(g.outputRescale());
            }
        } else {
            QSimpleRnn s = (QSimpleRnn) q;
            matVec(r, s.input());
            matVec(r, s.recurrent());
            if (s.outputRescale() != null) {
                r.add(s.outputRescale());
            }
        }
        return r;
    }

    private static void gate(List<Rescale> r, QGate g) {
        if (g == null) {
            return;
        }
        matVec(r, g.input());
        matVec(r, g.recurrent());
        if (g.peephole() != null) {
            r.add(g.peephole().rescale());
        }
        if (g.layerNorm() != null) {
            r.add(g.layerNorm().rescale());
        }
    }

    private static void matVec(List<Rescale> r, QMatVec m) {
        r.add(m.rescale());
    }

    @Test
    void refusesGateActivationsOtherThanSigmoids() {
        Graph g = RecurrentModels.lstm(91, F, 8, false, false, false, 0, Activation.TANH);
        assertThatThrownBy(() -> quantize(g, Harness.options(ActivationImpl.LUT)))
                .isInstanceOfSatisfying(McugenException.class, e -> {
                    assertThat(e.diag()).isEqualTo(Diag.MCG_QUANT_UNSUPPORTED);
                    assertThat(e.getMessage()).contains("rnn").contains("recurrent activation 'tanh'");
                });
    }

    @Test
    void refusesActivationsWithoutAnIntegerForm() {
        Graph g = RecurrentModels.simpleRnn(92, F, 8, Activation.RELU6);
        assertThatThrownBy(() -> quantize(g, Harness.options(ActivationImpl.LUT)))
                .isInstanceOfSatisfying(McugenException.class, e -> {
                    assertThat(e.diag()).isEqualTo(Diag.MCG_QUANT_UNSUPPORTED);
                    assertThat(e.getMessage()).contains("activation 'relu6'");
                });
    }

    @Test
    void ofRejectsFeedForwardOps() {
        assertThatThrownBy(() -> RecurrentRecipes.of(new Op.Dense(3, Activation.LINEAR, true)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(RecurrentRecipes.of(new Op.Gru(4, Activation.TANH, Activation.SIGMOID, true, false, false, true)))
                .isInstanceOf(GruRecipe.class);
    }
}
