package dev.mcugen.gen;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcugen.ir.Activation;
import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.GraphBuilder;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.calib.CalibrationResult;
import dev.mcugen.ir.calib.Calibrator;
import dev.mcugen.ir.data.InputData;
import dev.mcugen.ir.interp.Progress;
import dev.mcugen.ir.npy.NpyArray;
import dev.mcugen.ir.npy.NpyDtype;
import dev.mcugen.ir.quant.IntObserver;
import dev.mcugen.ir.quant.QInput;
import dev.mcugen.ir.sim.FixedPointSimulator;
import dev.mcugen.scale.QuantOptions;
import dev.mcugen.scale.QuantizedModel;
import dev.mcugen.scale.Quantizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The generated C of LayerNormalization and Embedding under AddressSanitizer and UBSan on the host, int8
 * and int16, on the inputs calibration never produces: every input integer at its lowest or highest value
 * (constant rows: variance 0; token ids 0 and input_dim - 1 everywhere), alternating extremes, and uniform
 * random integers over the whole input range; the outputs equal the simulator's bit for bit.
 */
class NormEmbeddingSanitizedTest {
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"tokens, INT8", "tokens, INT16", "rows, INT8", "rows, INT16"})
    void extremeInputsAreSanitizerCleanAndBitExact(String model, QuantOptions.Precision precision, @TempDir Path dir)
            throws Exception {
        HostC.requireGcc();
        Random r = new Random(model.hashCode());
        Graph g = model.equals("tokens") ? tokenModel(r) : rowsModel(r);
        NpyArray calibration = model.equals("tokens") ? tokenData(r, 16, 8, 30) : floatData(r, 16, 5, 9);
        CalibrationResult ranges = new Calibrator(g).calibrate(InputData.of(g, List.of(calibration), List.of("calib")),
                Progress.NONE);
        QuantizedModel qm = Quantizer.quantize(g, ranges, new QuantOptions(precision, QuantOptions.Rescale.AUTO,
                QuantOptions.ActivationImpl.LUT, false, QuantOptions.Target.HOST));
        QInput in = qm.graph().inputs().get(0);
        if (model.equals("tokens")) {
            assertThat(in.type().bits()).isEqualTo(32);
            assertThat(in.type().qmin()).isZero();
            assertThat(in.type().qmax()).isEqualTo(29);
        }
        List<int[]> xs = SanitizedModelsTest.inputs(in.type(), in.shape().size(), r);
        FixedPointSimulator sim = new FixedPointSimulator(qm.graph());
        String out = qm.graph().outputs().get(0);
        List<int[]> want = new ArrayList<>();
        for (int[] x : xs) {
            want.add(sim.run(Map.of(in.name(), x), IntObserver.NONE).get(out));
        }
        SortedMap<String, byte[]> files = new CGenerator().generate(qm, new GenOptions("m", List.of("options: test")));
        List<int[]> got = HostC.run(dir, "m", files, xs, HostC.ASAN_FLAGS);
        assertThat(got).hasSize(xs.size());
        for (int i = 0; i < xs.size(); i++) {
            assertThat(got.get(i)).as("%s %s input %d", model, precision, i).containsExactly(want.get(i));
        }
    }

    /** Embedding(30, 6) -> LayerNormalization -> GRU(7) -> Dense(4, softmax) on token ids [8]. */
    static Graph tokenModel(Random r) {
        GraphBuilder b = new GraphBuilder("tokens");
        b.input("ids", Shape.of(8));
        b.add("embedding", new Op.Embedding(30, 6), List.of("ids"),
                Map.of("embeddings", FloatTensor.of(Shape.of(30, 6), gaussian(r, 180, 0, 0.7))));
        b.add("norm", new Op.LayerNorm(1e-3f), List.of("embedding"), Map.of(
                "gamma", FloatTensor.of(Shape.of(6), gaussian(r, 6, 1, 0.3)),
                "beta", FloatTensor.of(Shape.of(6), gaussian(r, 6, 0, 0.2))));
        Map<String, FloatTensor> w = new LinkedHashMap<>();
        w.put("kernel", FloatTensor.of(Shape.of(6, 21), gaussian(r, 126, 0, 0.4)));
        w.put("recurrent_kernel", FloatTensor.of(Shape.of(7, 21), gaussian(r, 147, 0, 0.4)));
        w.put("bias", FloatTensor.of(Shape.of(21), gaussian(r, 21, 0, 0.1)));
        b.add("gru", new Op.Gru(7, Activation.TANH, Activation.SIGMOID, true, false, false, false), List.of("norm"), w);
        b.add("classes", new Op.Dense(4, Activation.SOFTMAX, true), List.of("gru"), Map.of(
                "kernel", FloatTensor.of(Shape.of(7, 4), gaussian(r, 28, 0, 0.5)),
                "bias", FloatTensor.of(Shape.of(4), gaussian(r, 4, 0, 0.1))));
        b.output("classes");
        return b.build();
    }

    /** LayerNormalization(epsilon 2, a large one) -> Dense(3) on [5, 9]. */
    static Graph rowsModel(Random r) {
        GraphBuilder b = new GraphBuilder("rows");
        b.input("x", Shape.of(5, 9));
        b.add("norm", new Op.LayerNorm(2f), List.of("x"), Map.of(
                "gamma", FloatTensor.of(Shape.of(9), gaussian(r, 9, 1, 0.3)),
                "beta", FloatTensor.of(Shape.of(9), gaussian(r, 9, 0, 0.2))));
        b.add("dense", new Op.Dense(3, Activation.LINEAR, true), List.of("norm"), Map.of(
                "kernel", FloatTensor.of(Shape.of(9, 3), gaussian(r, 27, 0, 0.5)),
                "bias", FloatTensor.of(Shape.of(3), gaussian(r, 3, 0, 0.1))));
        b.output("dense");
        return b.build();
    }

    private static NpyArray tokenData(Random r, int n, int steps, int vocab) {
        int[] ids = new int[n * steps];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = r.nextInt(vocab);
        }
        return NpyArray.ofInts(NpyDtype.INT32, List.of(n, steps), ids);
    }

    private static NpyArray floatData(Random r, int n, int t, int f) {
        return NpyArray.ofFloat32(List.of(n, t, f), gaussian(r, n * t * f, 0, 3));
    }

    private static float[] gaussian(Random r, int n, double mean, double std) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (mean + std * r.nextGaussian());
        }
        return v;
    }
}
