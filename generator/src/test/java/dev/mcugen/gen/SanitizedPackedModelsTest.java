package dev.mcugen.gen;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcugen.ir.Graph;
import dev.mcugen.ir.ModelLoader;
import dev.mcugen.ir.calib.CalibrationResult;
import dev.mcugen.ir.calib.Calibrator;
import dev.mcugen.ir.data.InputData;
import dev.mcugen.ir.quant.QInput;
import dev.mcugen.ir.sim.FixedPointSimulator;
import dev.mcugen.ir.quant.IntObserver;
import dev.mcugen.scale.QuantOptions;
import dev.mcugen.scale.QuantizedModel;
import dev.mcugen.scale.Quantizer;
import dev.mcugen.scale.ff.BatchNormFolding;
import dev.mcugen.scale.wordlength.WeightQuant;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The packed 4- and 2-bit kernels (LSTM, GRU, Dense, Conv1D, depthwise) in whole models under the
 * sanitizers, on extreme and random inputs ({@link SanitizedModelsTest#inputs}): the C equals the
 * simulator on every value.
 */
class SanitizedPackedModelsTest {
    @ParameterizedTest(name = "{0} {1} bits {2}")
    @CsvSource({
            "examples/har_lstm/model.json, 4, L2", "examples/kws_gru/model.json, 2, BALANCED",
            "examples/stacked_rnn/model.json, 2, MINMAX", "examples/gesture_conv1d/model.json, 4, BALANCED",
            "ir/src/test/resources/tfjs/separable_conv2d_m1_same_s1_relu/model.json, 2, L2",
    })
    void packedModelsAreSanitizerCleanAndBitExact(String model, int bits, WeightQuant.Method method, @TempDir Path dir)
            throws Exception {
        HostC.requireGcc();
        Path file = Path.of(System.getProperty("mcugen.root", "..")).resolve(model);
        Path calibration = file.resolveSibling(Files.exists(file.resolveSibling("calibration.npy")) ? "calibration.npy"
                : "input.npy");
        Graph g = BatchNormFolding.fold(ModelLoader.load(file));
        CalibrationResult ranges = new Calibrator(g).calibrate(InputData.read(g, List.of(calibration)),
                dev.mcugen.ir.interp.Progress.NONE);
        QuantizedModel qm = Quantizer.quantize(g, ranges, QuantOptions.defaults(QuantOptions.Target.HOST)
                .withWeightBits(new QuantOptions.WeightBits(Map.of(), bits, method)));
        QInput in = qm.graph().inputs().get(0);
        List<int[]> xs = SanitizedModelsTest.inputs(in.type(), in.shape().size(), new Random(model.hashCode() + bits));
        FixedPointSimulator sim = new FixedPointSimulator(qm.graph());
        String out = qm.graph().outputs().get(0);
        List<int[]> want = new ArrayList<>();
        for (int[] x : xs) {
            want.add(sim.run(Map.of(in.name(), x), IntObserver.NONE).get(out));
        }
        SortedMap<String, byte[]> files = new CGenerator().generate(qm, new GenOptions("m", List.of("options: test")));
        String c = new String(files.get("m.c"), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(c).as("packed kernels").containsPattern("mcu_[a-z_]+(s8w" + bits + "|sub8_s8)\\(");
        List<int[]> got = HostC.run(dir, "m", files, xs, HostC.ASAN_FLAGS);
        assertThat(got).hasSize(xs.size());
        for (int i = 0; i < xs.size(); i++) {
            assertThat(got.get(i)).as("%s %d bits input %d", model, bits, i).containsExactly(want.get(i));
        }
    }
}
