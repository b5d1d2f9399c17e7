package dev.mcugen.gen;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcugen.ir.Graph;
import dev.mcugen.ir.ModelLoader;
import dev.mcugen.ir.SharedFiles;
import dev.mcugen.ir.calib.CalibrationResult;
import dev.mcugen.ir.calib.Calibrator;
import dev.mcugen.ir.data.InputData;
import dev.mcugen.ir.interp.Progress;
import dev.mcugen.ir.quant.IntObserver;
import dev.mcugen.ir.quant.QInput;
import dev.mcugen.ir.quant.QuantType;
import dev.mcugen.ir.sim.FixedPointSimulator;
import dev.mcugen.scale.QuantOptions;
import dev.mcugen.scale.QuantizedModel;
import dev.mcugen.scale.Quantizer;
import dev.mcugen.scale.ff.BatchNormFolding;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The generated C of every bundled example and of the zoo models the IR holds, under AddressSanitizer
 * and UBSan on the host, on inputs no calibration produces: every integer at the input's lowest and
 * highest value, alternating extremes, and uniform random integers over the whole input range. Any
 * out-of-bounds access, overflow or shift the sanitizers catch aborts the run; the outputs must still
 * equal the simulator's, bit for bit.
 */
class SanitizedModelsTest {
    private static final int RANDOM_SAMPLES = 6;

    @Execution(ExecutionMode.CONCURRENT) // cases one per processor, the class alone (junit-platform.properties)
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
            "examples/har_lstm/model.json, INT8", "examples/har_lstm/model.json, INT16",
            "examples/kws_gru/model.json, INT8", "examples/kws_gru/model.json, INT16",
            "examples/gesture_conv1d/model.json, INT8", "examples/gesture_conv1d/model.json, INT16",
            "examples/stacked_rnn/model.json, INT8", "examples/stacked_rnn/model.json, INT16",
            "zoo:hello_world/hello_world_float.tflite, INT8", "zoo:hello_world/hello_world_float.tflite, INT16",
            "zoo:resnet8/pretrainedResnet.h5, INT8", "zoo:resnet8/pretrainedResnet.tflite, INT16",
            "zoo:ad01/ad01.h5, INT8", "zoo:ad01/ad01_fp32.tflite, INT16",
            "zoo:mnist_lstm/trained_lstm.tflite, INT8", "zoo:mnist_lstm/trained_lstm.tflite, INT16",
            // Bidirectional (backward direction, time reversal, concat / sum merges) and TimeDistributed(Conv1D)
            "fixture:bidi_stacked_go_backwards, INT8", "fixture:bidi_lstm_concat_seq, INT16",
            "fixture:bidi_simple_rnn_concat_last, INT16", "fixture:time_distributed_conv1d, INT8",
    })
    void extremeAndRandomInputsAreSanitizerClean(String model, QuantOptions.Precision precision, @TempDir Path dir)
            throws Exception {
        HostC.requireGcc();
        Path file = resolve(model);
        Path calibration = file.resolveSibling(model.startsWith("fixture:") ? "input.npy" : "calibration.npy");
        Graph g = BatchNormFolding.fold(ModelLoader.load(file));
        CalibrationResult ranges = new Calibrator(g).calibrate(InputData.read(g, List.of(calibration)), Progress.NONE);
        QuantizedModel qm = Quantizer.quantize(g, ranges, new QuantOptions(precision, QuantOptions.Rescale.AUTO,
                QuantOptions.ActivationImpl.LUT, false, QuantOptions.Target.HOST));
        QInput in = qm.graph().inputs().get(0);
        List<int[]> xs = inputs(in.type(), in.shape().size(), new Random(model.hashCode() * 31L + precision.ordinal()));

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

    /** qmin everywhere, qmax everywhere, alternating, then uniform random integers in [qmin, qmax]. */
    static List<int[]> inputs(QuantType t, int size, Random r) {
        List<int[]> xs = new ArrayList<>();
        int[] lo = new int[size];
        int[] hi = new int[size];
        int[] alt = new int[size];
        Arrays.fill(lo, t.qmin());
        Arrays.fill(hi, t.qmax());
        for (int i = 0; i < size; i++) {
            alt[i] = (i & 1) == 0 ? t.qmin() : t.qmax();
        }
        xs.add(lo);
        xs.add(hi);
        xs.add(alt);
        for (int s = 0; s < RANDOM_SAMPLES; s++) {
            int[] x = new int[size];
            for (int i = 0; i < size; i++) {
                x[i] = t.qmin() + r.nextInt(t.qmax() - t.qmin() + 1);
            }
            xs.add(x);
        }
        return xs;
    }

    private static Path resolve(String model) {
        if (model.startsWith("fixture:")) {
            return Path.of(System.getProperty("mcugen.root", ".."), "ir/src/test/resources/tfjs", model.substring(8),
                    "model.json");
        }
        if (model.startsWith("zoo:")) {
            String[] p = model.substring(4).split("/");
            return SharedFiles.zoo(p[0], p[1]);
        }
        return Path.of(System.getProperty("mcugen.root", "..")).resolve(model);
    }
}
