package dev.mcugen.scale.recurrent;

import dev.mcugen.ir.Activation;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.fixed.CRuntimeMake;
import dev.mcugen.ir.fixed.GoldenVectors;
import dev.mcugen.ir.quant.QGate;
import dev.mcugen.ir.quant.QGru;
import dev.mcugen.ir.quant.QLstm;
import dev.mcugen.ir.quant.QMatVec;
import dev.mcugen.ir.quant.QRecurrent;
import dev.mcugen.ir.quant.QSimpleRnn;
import dev.mcugen.ir.sim.RnnGoldenVectors;
import dev.mcugen.scale.QuantOptions;
import dev.mcugen.scale.QuantOptions.ActivationImpl;
import dev.mcugen.scale.QuantOptions.Precision;
import dev.mcugen.scale.QuantOptions.Target;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The C recurrent step kernels ({@code runtime-c/include/mcu_rnn.h}, {@code _s8} and {@code _s16})
 * against the Java cells on layers made by the real quantizer ({@code Quantizer} through
 * {@link Harness}: calibrate, solve, lower) at {@code --precision int16} and {@code int8}: SimpleRNN
 * (tanh, sigmoid, hard_sigmoid, relu, linear), GRU (both {@code reset_after} forms x the same
 * candidates, sigmoid and hard_sigmoid gates), LSTM (all 16 combinations of CIFG, peephole, layer
 * norm and projection, sigmoid and hard_sigmoid gates, plus relu / linear / sigmoid / hard_sigmoid
 * cells), lut and poly, multiplier and power-of-two rescales, odd widths (13 inputs, 29 units, an
 * 11-wide projection). Each layer steps two quantized input sequences (in range, and twice the
 * calibrated amplitude so that inputs clip) from the zero state; {@link RnnGoldenVectors} writes the
 * tables {@code rnn_*_quantized} and {@code make -C runtime-c test-rnn} has the C compare every
 * output and state value under UBSan. Skipped without gcc or make, except in CI ({@link CRuntimeMake}).
 */
class QuantizedRnnCRuntimeTest {
    private static final int STEPS = 24;
    private static final int CALIBRATION_SAMPLES = 16;
    private static final int CALIBRATION_STEPS = 40;

    private static final Activation[] CANDIDATES = {
        Activation.TANH, Activation.SIGMOID, Activation.HARD_SIGMOID, Activation.RELU, Activation.LINEAR};

    /** Options for model {@code k}: lut / poly and multiplier / power-of-two alternate. */
    private static QuantOptions options(Precision precision, int k) {
        return new QuantOptions(precision, k % 3 == 2 ? QuantOptions.Rescale.POT : QuantOptions.Rescale.MULTIPLIER,
                k % 2 == 0 ? ActivationImpl.LUT : ActivationImpl.POLY, false, Target.HOST);
    }

    /** 13 inputs and 29 units for every third model, else 6 and 16. */
    private static int features(int k) {
        return k % 3 == 0 ? 13 : 6;
    }

    private static int units(int k) {
        return k % 3 == 0 ? 29 : 16;
    }

    private static Activation gateFunction(int k) {
        return k % 2 == 0 ? Activation.SIGMOID : Activation.HARD_SIGMOID;
    }

    /** Quantizes {@code g} and returns its layer {@code rnn} with two quantized input sequences. */
    private static Quantized quantize(Graph g, QuantOptions o, long seed) {
        int f = g.inputs().get(0).shape().last();
        Harness h = Harness.quantize(g, Realistic.signals(new Random(seed), CALIBRATION_SAMPLES, CALIBRATION_STEPS, f),
                CALIBRATION_SAMPLES, CALIBRATION_STEPS, o);
        float[] x = Realistic.signals(new Random(seed + 1), 1, STEPS, f);
        float[] loud = x.clone();
        for (int i = 0; i < loud.length; i++) {
            loud[i] *= 2;
        }
        List<List<int[]>> sequences = new ArrayList<>();
        for (float[] s : new float[][] {x, loud}) {
            int[] q = h.quantizeInput(s);
            List<int[]> steps = new ArrayList<>();
            for (int t = 0; t < STEPS; t++) {
                steps.add(java.util.Arrays.copyOfRange(q, t * f, (t + 1) * f));
            }
            sequences.add(steps);
        }
        QRecurrent layer = h.layer(RecurrentModels.LAYER);
        assertThat(h.bounds).allSatisfy(b -> assertThat(b.safe()).as(b.toString()).isTrue());
        int bits = o.precision() == Precision.INT16 ? 16 : 8;
        assertThat(h.inputType().bits()).as("%s input", layer).isEqualTo(bits);
        assertThat(layer.outputType().bits()).as("%s output", layer).isEqualTo(bits);
        return new Quantized(layer, sequences);
    }

    private record Quantized(QRecurrent layer, List<List<int[]>> sequences) {
    }

    /** The layer's matrices. */
    private static List<QMatVec> matrices(QRecurrent q) {
        List<QMatVec> m = new ArrayList<>();
        if (q instanceof QLstm l) {
            for (QGate g : new QGate[] {l.inputGate(), l.forgetGate(), l.cellGate(), l.outputGate()}) {
                if (g != null) {
                    m.add(g.input());
                    m.add(g.recurrent());
                }
            }
            if (l.projection() != null) {
                m.add(l.projection());
            }
        } else if (q instanceof QGru g) {
            m.addAll(List.of(g.updateGate().input(), g.updateGate().recurrent(), g.resetGate().input(),
                    g.resetGate().recurrent(), g.candidateInput(), g.candidateRecurrent()));
        } else {
            QSimpleRnn s = (QSimpleRnn) q;
            m.addAll(List.of(s.input(), s.recurrent()));
        }
        return m;
    }

    private static void count(Quantized q, Precision precision, int[] wide, int[] all) {
        int i = precision == Precision.INT16 ? 1 : 0;
        for (QMatVec m : matrices(q.layer())) {
            all[i]++;
            wide[i] += m.wideAccumulator() ? 1 : 0;
        }
    }

    @Test
    void cKernelsMatchTheJavaCellsOnQuantizedLayersAtInt16AndInt8() throws Exception {
        CRuntimeMake.requireTools();
        RnnGoldenVectors.Out simple = new RnnGoldenVectors.Out();
        RnnGoldenVectors.Out gru = new RnnGoldenVectors.Out();
        RnnGoldenVectors.Out lstm = new RnnGoldenVectors.Out();
        long seed = 500;
        int k = 0;
        int[] wide = new int[2];
        int[] all = new int[2];
        for (Precision precision : new Precision[] {Precision.INT16, Precision.INT8}) {
            for (Activation a : CANDIDATES) {
                Quantized q = quantize(RecurrentModels.simpleRnn(seed++, features(k), units(k), a),
                        options(precision, k), seed++);
                count(q, precision, wide, all);
                for (List<int[]> xs : q.sequences()) {
                    RnnGoldenVectors.writeSimple(simple, (QSimpleRnn) q.layer(), xs);
                }
                k++;
            }
            for (boolean resetAfter : new boolean[] {false, true}) {
                for (Activation a : CANDIDATES) {
                    Quantized q = quantize(RecurrentModels.gru(seed++, features(k), units(k), resetAfter, a,
                            gateFunction(k)), options(precision, k), seed++);
                    count(q, precision, wide, all);
                    for (List<int[]> xs : q.sequences()) {
                        RnnGoldenVectors.writeGru(gru, (QGru) q.layer(), xs);
                    }
                    k++;
                }
            }
            List<Graph> lstms = new ArrayList<>();
            for (int variant = 0; variant < 16; variant++) {
                boolean cifg = (variant & 1) != 0;
                boolean peephole = (variant & 2) != 0;
                boolean layerNorm = (variant & 4) != 0;
                int projection = (variant & 8) != 0 ? 11 : 0;
                lstms.add(RecurrentModels.lstm(seed++, features(k + variant), units(k + variant), peephole, layerNorm,
                        cifg, projection, gateFunction(variant >> 1)));
            }
            for (Activation a : new Activation[] {Activation.RELU, Activation.LINEAR, Activation.SIGMOID,
                Activation.HARD_SIGMOID}) {
                int variant = lstms.size();
                lstms.add(RecurrentModels.lstm(seed++, features(k + variant), units(k + variant), variant % 2 == 0,
                        variant % 3 == 0, false, variant % 4 == 0 ? 11 : 0, a, gateFunction(variant)));
            }
            for (Graph g : lstms) {
                Quantized q = quantize(g, options(precision, k), seed++);
                count(q, precision, wide, all);
                for (List<int[]> xs : q.sequences()) {
                    RnnGoldenVectors.writeLstm(lstm, (QLstm) q.layer(), xs);
                }
                k++;
            }
        }

        Path root = CRuntimeMake.root();
        Path vectors = root.resolve("scale-solver").resolve("target").resolve("golden-vectors");
        Path build = root.resolve("scale-solver").resolve("target").resolve("runtime-c-build");
        GoldenVectors.writeBinary(vectors, List.of(simple.table("rnn_simple_quantized"),
                gru.table("rnn_gru_quantized"), lstm.table("rnn_lstm_quantized")));
        String output = CRuntimeMake.make(180, "test-rnn", "VECTORS=" + vectors, "BUILD=" + build,
                "RNN_TABLE_SUFFIX=_quantized");

        Map<String, Long> tests = CRuntimeMake.compared(output);
        assertThat(tests.keySet()).as("recurrent tests that passed; output:\n%s", output).containsExactlyInAnyOrder(
                "test_rnn_simple (rnn_simple_quantized)", "test_rnn_gru (rnn_gru_quantized)",
                "test_rnn_lstm (rnn_lstm_quantized)");
        Map<String, Long> kernels = CRuntimeMake.comparedPerKernel(output);
        assertThat(kernels.keySet()).as("kernels compared; output:\n%s", output).containsExactlyInAnyOrder(
                "mcu_simple_rnn_step_s8", "mcu_simple_rnn_step_s16", "mcu_gru_step_s8", "mcu_gru_step_s16",
                "mcu_lstm_step_s8", "mcu_lstm_step_s16");
        for (Map.Entry<String, Long> e : kernels.entrySet()) {
            // at least 5 layers x 2 sequences x 24 steps x (output + state) of 16 or more units
            assertThat(e.getValue()).as("values compared by %s", e.getKey()).isGreaterThanOrEqualTo(5 * 2 * 24 * 16);
        }
        System.out.println("C recurrent step kernels == the Java cells on quantizer-made layers: " + tests
                + " (per kernel: " + kernels + "); matrices with QMatVec.wideAccumulator: " + wide[1] + " of "
                + all[1] + " at int16, " + wide[0] + " of " + all[0] + " at int8");
    }
}
