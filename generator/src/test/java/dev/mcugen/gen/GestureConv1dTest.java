package dev.mcugen.gen;

import dev.mcugen.ir.Graph;
import dev.mcugen.ir.ModelLoader;
import dev.mcugen.ir.calib.CalibrationResult;
import dev.mcugen.ir.calib.Calibrator;
import dev.mcugen.ir.data.InputData;
import dev.mcugen.ir.interp.Batch;
import dev.mcugen.ir.interp.Progress;
import dev.mcugen.ir.quant.IntObserver;
import dev.mcugen.ir.quant.QInput;
import dev.mcugen.ir.sim.FixedPointSimulator;
import dev.mcugen.scale.QuantOptions;
import dev.mcugen.scale.QuantizedModel;
import dev.mcugen.scale.Quantizer;
import dev.mcugen.scale.ff.BatchNormFolding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The example gesture_conv1d (conv1d, maxpool, conv1d same, gap, dense relu, dropout, dense softmax) through C. */
class GestureConv1dTest {
    static final int SAMPLES = 50;
    static final Pattern FLOAT_TOKEN = Pattern.compile("\\b(float|double)\\b");

    static Path root() {
        return Path.of(System.getProperty("mcugen.root", "..")).resolve("examples/gesture_conv1d");
    }

    static QuantizedModel quantize(QuantOptions o) {
        Graph g = BatchNormFolding.fold(ModelLoader.load(root().resolve("model.json")));
        Batch cal = InputData.read(g, List.of(root().resolve("calibration.npy")));
        CalibrationResult ranges = new Calibrator(g).calibrate(cal, Progress.NONE);
        return Quantizer.quantize(g, ranges, o);
    }

    static GenOptions options(String id) {
        return new GenOptions(id, List.of("options: test"));
    }

    @ParameterizedTest
    @CsvSource({"INT8,AUTO", "INT8,POT", "INT16,AUTO", "INT16,MULTIPLIER"})
    void bitExactWithSimulatorOnTestSamples(QuantOptions.Precision precision, QuantOptions.Rescale rescale,
                                            @TempDir Path dir) throws Exception {
        HostC.requireGcc();
        QuantOptions o = new QuantOptions(precision, rescale, QuantOptions.ActivationImpl.LUT, false, QuantOptions.Target.HOST);
        QuantizedModel qm = quantize(o);
        Graph g = BatchNormFolding.fold(ModelLoader.load(root().resolve("model.json")));
        Batch test = InputData.read(g, List.of(root().resolve("test.npy")));
        FixedPointSimulator sim = new FixedPointSimulator(qm.graph());
        QInput in = qm.graph().inputs().get(0);
        String out = qm.graph().outputs().get(0);
        List<int[]> xs = new ArrayList<>();
        List<int[]> want = new ArrayList<>();
        for (int i = 0; i < Math.min(SAMPLES, test.size()); i++) {
            Map<String, int[]> q = sim.quantizeInputs(test.sample(i));
            xs.add(q.get(in.name()));
            want.add(sim.run(q, IntObserver.NONE).get(out));
        }
        SortedMap<String, byte[]> files = new CGenerator().generate(qm, options("gesture"));
        List<int[]> got = HostC.run(dir, "gesture", files, xs);
        assertThat(got).hasSize(xs.size());
        for (int i = 0; i < xs.size(); i++) {
            assertThat(got.get(i)).as("sample %d", i).containsExactly(want.get(i));
        }
        assertThat(xs).hasSize(SAMPLES);
        System.out.printf("gesture_conv1d %s/%s: %d samples x %d outputs bit-exact%n", precision, rescale, xs.size(),
                want.get(0).length);
    }

    /** Rendering straight into the files (what build does) gives the bytes of rendering into memory. */
    @Test
    void writtenFilesEqualTheRenderedOnes(@TempDir Path dir) throws Exception {
        CGenerator.Output out = new CGenerator().build(quantize(QuantOptions.defaults(QuantOptions.Target.HOST)).graph(),
                options("gesture"));
        SortedMap<String, byte[]> files = out.files();
        out.write(dir);
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            assertThat(java.nio.file.Files.readAllBytes(dir.resolve(e.getKey()))).as(e.getKey()).isEqualTo(e.getValue());
        }
        try (var s = java.nio.file.Files.walk(dir)) {
            assertThat(s.filter(java.nio.file.Files::isRegularFile).count()).isEqualTo(files.size());
        }
    }

    /** C text without comments (the runtime's own check-no-float does the same). */
    static String codeOnly(String c) {
        return c.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\n]*", " ");
    }

    @Test
    void deterministicAndFloatFree() {
        QuantOptions o = QuantOptions.defaults(QuantOptions.Target.HOST);
        SortedMap<String, byte[]> a = new CGenerator().generate(quantize(o), options("gesture"));
        SortedMap<String, byte[]> b = new CGenerator().generate(quantize(o), options("gesture"));
        assertThat(b.keySet()).containsExactlyElementsOf(a.keySet());
        for (String k : a.keySet()) {
            assertThat(b.get(k)).as(k).isEqualTo(a.get(k));
        }
        assertThat(a).containsKeys("gesture.h", "gesture.c", "CMakeLists.txt", "gesture.mk",
                "runtime/include/mcu_nn.h", "runtime/src/mcu_conv_s8.c", "runtime/src/mcu_softmax_s32_s8.c", "runtime/src/mcu_fully_connected_s8_s32.c");
        for (Map.Entry<String, byte[]> e : a.entrySet()) {
            String text = codeOnly(new String(e.getValue(), StandardCharsets.UTF_8));
            assertThat(FLOAT_TOKEN.matcher(text).find()).as("float/double token in %s", e.getKey()).isFalse();
        }
        String c = new String(a.get("gesture.c"), StandardCharsets.UTF_8);
        assertThat(c).contains("integer program sha256: ", "gesture_invoke", "mcu_conv_s8(", "mcu_max_pool_s8(",
                "mcu_global_avg_pool_s8(", "mcu_fully_connected_s8(", "mcu_softmax_s32_s8(");
        String h = new String(a.get("gesture.h"), StandardCharsets.UTF_8);
        assertThat(h).contains("GESTURE_INPUT_ZERO_POINT", "GESTURE_OUTPUT_ZERO_POINT", "GESTURE_INPUT_SCALE_NUM",
                "gesture_ctx_t", "void gesture_reset(gesture_ctx_t *ctx);");
        System.out.println(Arrays.toString(a.keySet().toArray()));
    }
}
