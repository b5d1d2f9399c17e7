package dev.mcugen.gen;

import dev.mcugen.ir.Graph;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.calib.CalibrationResult;
import dev.mcugen.ir.calib.Calibrator;
import dev.mcugen.ir.ModelLoader;
import dev.mcugen.ir.data.InputData;
import dev.mcugen.ir.interp.Batch;
import dev.mcugen.ir.interp.Progress;
import dev.mcugen.scale.QuantOptions;
import dev.mcugen.scale.QuantizedModel;
import dev.mcugen.scale.Quantizer;
import dev.mcugen.ir.quant.IntObserver;
import dev.mcugen.ir.quant.QFullyConnected;
import dev.mcugen.ir.quant.QGraph;
import dev.mcugen.ir.quant.QInput;
import dev.mcugen.ir.quant.QNode;
import dev.mcugen.ir.quant.QuantType;
import dev.mcugen.ir.sim.FixedPointSimulator;
import dev.mcugen.scale.QuantOptions.Target;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The packed weight layouts: bytes as mcu_nn.h defines them, and generated C on the host bit-exact with them. */
class WeightLayoutTest {
    /** W[r][c] = 10 r + c (distinct, signed range), 5 x 6: padded to 8 x 8. */
    private static final WeightLayout.Matrix M = (r, c) -> (r % 2 == 0 ? 1 : -1) * (10 * r + c);

    @Test
    void targetsPickTheirFastPathLayout() {
        assertThat(WeightLayout.forTarget(Target.CORTEX_M4)).isEqualTo(WeightLayout.DSP_PAIRS);
        assertThat(WeightLayout.forTarget(Target.CORTEX_M7)).isEqualTo(WeightLayout.DSP_PAIRS);
        assertThat(WeightLayout.forTarget(Target.CORTEX_M33)).isEqualTo(WeightLayout.DSP_PAIRS);
        assertThat(WeightLayout.forTarget(Target.CORTEX_M55)).isEqualTo(WeightLayout.DSP_PAIRS);
        assertThat(WeightLayout.forTarget(Target.CORTEX_M3)).isEqualTo(WeightLayout.ROWS4);
        assertThat(WeightLayout.forTarget(Target.CORTEX_M0)).isEqualTo(WeightLayout.ROWMAJOR);
        assertThat(WeightLayout.forTarget(Target.NEON)).isEqualTo(WeightLayout.ROWMAJOR);
        assertThat(WeightLayout.forTarget(Target.HOST)).isEqualTo(WeightLayout.PLAIN);
        assertThat(new GenOptions("m", List.of()).target()).isEqualTo(Target.HOST);
    }

    @Test
    void dspPairsFirstBlockIsTwoRowsPerHalfword() {
        byte[] b = WeightLayout.DSP_PAIRS.pack(M, 5, 6);
        assertThat(b).hasSize(8 * 8);
        // W0 = pair 0 (rows 0, 1) columns (0, 2): halfwords (b + 128, a) = (-10 + 128, 0), (-12 + 128, 2)
        assertThat(new int[] {b[0] & 0xFF, b[1], b[2] & 0xFF, b[3]}).containsExactly(118, 0, 116, 2);
        // W1 = pair 1 (rows 2, 3) columns (0, 2): (-30 + 128, 20), (-32 + 128, 22)
        assertThat(new int[] {b[4] & 0xFF, b[5], b[6] & 0xFF, b[7]}).containsExactly(98, 20, 96, 22);
        // W2 = pair 0 columns (1, 3)
        assertThat(new int[] {b[8] & 0xFF, b[9], b[10] & 0xFF, b[11]}).containsExactly(117, 1, 115, 3);
        // the signed halfword is 256 a + b + 128
        assertThat((short) ((b[13] << 8) | (b[12] & 0xFF))).isEqualTo((short) (256 * 21 + (-31 + 128)));
        // second block of group 0: columns 4, 5 real, 6, 7 padding (a = 0, b = 0 -> 128)
        assertThat(new int[] {b[16] & 0xFF, b[17], b[18] & 0xFF, b[19]}).containsExactly(-14 + 128, 4, 128, 0);
        // group 1: row 4 real, rows 5..7 padding
        assertThat(new int[] {b[32] & 0xFF, b[33]}).containsExactly(128, 40);
    }

    @Test
    void rows4PutsTheFourRowsOfAColumnTogether() {
        byte[] b = WeightLayout.ROWS4.pack(M, 5, 6);
        assertThat(b).hasSize(8 * 8);
        assertThat(new int[] {b[0], b[1], b[2], b[3]}).containsExactly(0, -10, 20, -30);
        assertThat(new int[] {b[4 * 5], b[4 * 5 + 3]}).containsExactly(5, -35);
        assertThat(new int[] {b[4 * 6], b[4 * 7 + 3]}).containsExactly(0, 0);
        assertThat(new int[] {b[32], b[33]}).containsExactly(40, 0);
    }

    @Test
    void rowMajorPadsTheRowStride() {
        byte[] b = WeightLayout.ROWMAJOR.pack(M, 5, 6);
        assertThat(b).hasSize(8 * 8);
        // row r at 8 r: columns 0..5 real, 6 and 7 padding
        assertThat(new int[] {b[0], b[1], b[5], b[6], b[7]}).containsExactly(0, 1, 5, 0, 0);
        assertThat(new int[] {b[8], b[13], b[14]}).containsExactly(-10, -15, 0);
        assertThat(new int[] {b[32], b[37], b[40], b[63]}).containsExactly(40, 45, 0, 0);
    }

    @Test
    void packedArraysAreAlignedAndNamed() {
        Random rnd = new Random(7);
        QGraph g = dense(rnd, 13, 7);
        String c = new String(new CGenerator().generate(g, new GenOptions("d", List.of(), null, Target.CORTEX_M4)).get("d.c"),
                StandardCharsets.UTF_8);
        assertThat(c).contains("MCU_WLAYOUT_DSP_PAIRS").contains("[128] MCU_ALIGN4 = {")
                .contains(".weight_layout = MCU_WLAYOUT_DSP_PAIRS");
        String plain = new String(new CGenerator().generate(g, new GenOptions("d", List.of())).get("d.c"),
                StandardCharsets.UTF_8);
        assertThat(plain).doesNotContain("MCU_ALIGN4").contains(".weight_layout = MCU_WLAYOUT_PLAIN");
    }

    /** Random graphs (conv, odd Dense sizes, Dense to int32) generated for each packed target, run on the host. */
    @Execution(ExecutionMode.CONCURRENT) // cases one per processor, the class alone (junit-platform.properties)
    @ParameterizedTest
    @CsvSource({"1, CORTEX_M4", "3, CORTEX_M4", "5, CORTEX_M3", "7, CORTEX_M3", "9, NEON", "11, CORTEX_M0"})
    void randomGraphsBitExactOnHost(int seed, Target target, @TempDir Path dir) throws Exception {
        HostC.requireGcc();
        Random rnd = new Random(seed);
        check(RandomGraphTest.graph(rnd, 8), target, rnd, dir);
    }

    /** 700 inputs: more than one 512-column chunk of DSP_PAIRS. */
    @Execution(ExecutionMode.CONCURRENT) // cases one per processor, the class alone (junit-platform.properties)
    @ParameterizedTest
    @CsvSource({"CORTEX_M4", "CORTEX_M3", "NEON"})
    void wideDenseBitExactOnHost(Target target, @TempDir Path dir) throws Exception {
        HostC.requireGcc();
        Random rnd = new Random(11);
        check(dense(rnd, 700, 9), target, rnd, dir);
    }

    /** The int8 recurrent examples (LSTM gates and GRU gate inputs packed) generated for each packed target, on the host. */
    @Execution(ExecutionMode.CONCURRENT) // cases one per processor, the class alone (junit-platform.properties)
    @ParameterizedTest
    @CsvSource({"har_lstm, CORTEX_M4", "har_lstm, CORTEX_M3", "kws_gru, CORTEX_M4", "kws_gru, CORTEX_M3",
            "stacked_rnn, CORTEX_M7", "har_lstm, NEON", "kws_gru, CORTEX_M0", "stacked_rnn, NEON"})
    void recurrentExamplesBitExactOnHost(String example, Target target, @TempDir Path dir) throws Exception {
        HostC.requireGcc();
        Path root = Path.of(System.getProperty("mcugen.root", "..")).resolve("examples").resolve(example);
        Graph g = ModelLoader.load(root.resolve("model.json"));
        CalibrationResult ranges = new Calibrator(g).calibrate(InputData.read(g, List.of(root.resolve("calibration.npy"))),
                Progress.NONE);
        QuantizedModel qm = Quantizer.quantize(g, ranges, new QuantOptions(QuantOptions.Precision.INT8,
                QuantOptions.Rescale.AUTO, QuantOptions.ActivationImpl.LUT, false, target));
        Batch test = InputData.read(g, List.of(root.resolve("test.npy")));
        FixedPointSimulator sim = new FixedPointSimulator(qm.graph());
        QInput in = qm.graph().inputs().get(0);
        List<int[]> xs = new ArrayList<>();
        List<int[]> want = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Map<String, int[]> q = sim.quantizeInputs(test.sample(i));
            xs.add(q.get(in.name()));
            want.add(sim.run(q, IntObserver.NONE).get(qm.graph().outputs().get(0)));
        }
        Map<String, byte[]> files = new CGenerator().generate(qm, new GenOptions("rnn", List.of(), null, target));
        assertThat(new String(files.get("rnn.c"), StandardCharsets.UTF_8))
                .contains(".weight_layout = " + WeightLayout.forTarget(target).cName());
        List<int[]> got = HostC.run(dir, "rnn", files, xs);
        for (int i = 0; i < xs.size(); i++) {
            assertThat(got.get(i)).as("%s %s sample %d", example, target, i).containsExactly(want.get(i));
        }
    }

    private static void check(QGraph g, Target target, Random rnd, Path dir) throws Exception {
        FixedPointSimulator sim = new FixedPointSimulator(g);
        QInput in = g.inputs().get(0);
        List<int[]> xs = new ArrayList<>();
        List<int[]> want = new ArrayList<>();
        for (int s = 0; s < 12; s++) {
            int[] x = new int[in.shape().size()];
            for (int i = 0; i < x.length; i++) {
                // extremes too: the pair trick's bounds are reached at x = -128
                x[i] = s < 2 ? (s == 0 ? -128 : 127) : in.type().qmin() + rnd.nextInt(in.type().qmax() - in.type().qmin() + 1);
            }
            xs.add(x);
            want.add(sim.run(Map.of(in.name(), x), IntObserver.NONE).get(g.outputs().get(0)));
        }
        List<int[]> got = HostC.run(dir, "rnd", new CGenerator().generate(g, new GenOptions("rnd", List.of(), null, target)), xs);
        for (int i = 0; i < xs.size(); i++) {
            assertThat(got.get(i)).as("%s sample %d", target, i).containsExactly(want.get(i));
        }
    }

    /** Input [in] int8 -> Dense(units) int8, weights at the extremes +-127 half the time. */
    private static QGraph dense(Random r, int in, int units) {
        QuantType tx = new QuantType(8, -128, 127, 0.02, 3);
        QuantType ty = new QuantType(8, -128, 127, 0.5, -7);
        int[] w = new int[in * units];
        for (int i = 0; i < w.length; i++) {
            w[i] = r.nextBoolean() ? (r.nextBoolean() ? 127 : -127) : r.nextInt(255) - 127;
        }
        List<QNode> nodes = List.of(new QFullyConnected("fc", "x", Shape.of(units), ty, in, units,
                dev.mcugen.ir.quant.IntTensor.of(Shape.of(in, units), 8, w), RandomGraphTest.ints(r, Shape.of(units), 32, 3000),
                List.of(RandomGraphTest.rescale(r, 1.0 / 40000)), 0, ty.qmin(), ty.qmax()));
        return new QGraph("d", List.of(new QInput("x", Shape.of(in), tx)), nodes, List.of("fc"));
    }
}
