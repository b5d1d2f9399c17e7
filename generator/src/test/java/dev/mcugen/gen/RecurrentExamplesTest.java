package dev.mcugen.gen;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The recurrent examples through the generated C on the host under the strict flags and UBSan,
 * bit-exact with the simulator; the generated files are float-free and compile with
 * {@code -Wall -Wextra -Werror -Wconversion} for cortex-m0, m3, m4, m7 and AArch64 too (when those
 * compilers are installed; required in CI).
 */
class RecurrentExamplesTest {
    static final int SAMPLES = 30;

    @Execution(ExecutionMode.CONCURRENT) // cases one per processor, the class alone (junit-platform.properties)
    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource({
            "har_lstm, INT8, LUT", "har_lstm, INT16, POLY",
            "kws_gru, INT8, POLY", "kws_gru, INT16, LUT",
            "stacked_rnn, INT8, LUT", "stacked_rnn, INT16, POLY",
    })
    void bitExactStrictAndFloatFree(String example, QuantOptions.Precision precision, QuantOptions.ActivationImpl act,
                                    @TempDir Path dir) throws Exception {
        HostC.requireGcc();
        Path root = Path.of(System.getProperty("mcugen.root", "..")).resolve("examples").resolve(example);
        Graph g = ModelLoader.load(root.resolve("model.json"));
        CalibrationResult ranges = new Calibrator(g).calibrate(InputData.read(g, List.of(root.resolve("calibration.npy"))),
                Progress.NONE);
        QuantizedModel qm = Quantizer.quantize(g, ranges,
                new QuantOptions(precision, QuantOptions.Rescale.AUTO, act, false, QuantOptions.Target.HOST));
        Batch test = InputData.read(g, List.of(root.resolve("test.npy")));
        FixedPointSimulator sim = new FixedPointSimulator(qm.graph());
        QInput in = qm.graph().inputs().get(0);
        List<int[]> xs = new ArrayList<>();
        List<int[]> want = new ArrayList<>();
        for (int i = 0; i < SAMPLES; i++) {
            Map<String, int[]> q = sim.quantizeInputs(test.sample(i));
            xs.add(q.get(in.name()));
            want.add(sim.run(q, IntObserver.NONE).get(qm.graph().outputs().get(0)));
        }
        SortedMap<String, byte[]> files = new CGenerator().generate(qm, new GenOptions("rnn", List.of("options: test")));
        View.Model view = CGenerator.lower(qm.graph(), new GenOptions("rnn", List.of()));
        assertThat(view.streaming()).as("the recurrent examples stream").isTrue();
        assertThat(view.hasState()).isTrue();

        List<int[]> got = HostC.run(dir.resolve("host"), "rnn", files, xs);
        for (int i = 0; i < SAMPLES; i++) {
            assertThat(got.get(i)).as("%s sample %d", example, i).containsExactly(want.get(i));
        }
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            String text = GestureConv1dTest.codeOnly(new String(e.getValue(), StandardCharsets.UTF_8));
            assertThat(GestureConv1dTest.FLOAT_TOKEN.matcher(text).find()).as("float/double in %s", e.getKey()).isFalse();
        }
        String h = new String(files.get("rnn.h"), StandardCharsets.UTF_8);
        assertThat(h).contains("int rnn_step(rnn_ctx_t *ctx, const rnn_input_t *x_t, rnn_output_t *y);",
                "#define RNN_HAS_STEP 1", "#define RNN_TIME_STEPS ", "#define RNN_STEP_INPUT_SIZE ");
        String c = new String(files.get("rnn.c"), StandardCharsets.UTF_8);
        assertThat(c).contains(precision == QuantOptions.Precision.INT16 ? "_step_s16(" : "_step_s8(");

        // Every target's compiler, strict flags, every C file of the folder generated for that target
        // (it holds that target's SIMD headers only).
        Map<QuantOptions.Target, List<String>> compilers = new java.util.LinkedHashMap<>();
        compilers.put(QuantOptions.Target.CORTEX_M0, List.of("arm-none-eabi-gcc", "-mcpu=cortex-m0", "-mthumb"));
        compilers.put(QuantOptions.Target.CORTEX_M3, List.of("arm-none-eabi-gcc", "-mcpu=cortex-m3", "-mthumb"));
        compilers.put(QuantOptions.Target.CORTEX_M4, List.of("arm-none-eabi-gcc", "-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=soft"));
        compilers.put(QuantOptions.Target.CORTEX_M7, List.of("arm-none-eabi-gcc", "-mcpu=cortex-m7", "-mthumb"));
        compilers.put(QuantOptions.Target.CORTEX_M33, List.of("arm-none-eabi-gcc", "-mcpu=cortex-m33", "-mthumb", "-mfloat-abi=soft"));
        compilers.put(QuantOptions.Target.CORTEX_M55, List.of("arm-none-eabi-gcc", "-mcpu=cortex-m55", "-mthumb", "-mfloat-abi=soft"));
        compilers.put(QuantOptions.Target.NEON, List.of("aarch64-linux-gnu-gcc"));
        for (Map.Entry<QuantOptions.Target, List<String>> tc : compilers.entrySet()) {
            List<String> cc = tc.getValue();
            if (!onPath(cc.get(0))) {
                if (System.getenv("CI") != null) {
                    throw new AssertionError(cc.get(0) + " is required in CI");
                }
                continue;
            }
            Path gen = dir.resolve("gen-" + tc.getKey().cliName());
            SortedMap<String, byte[]> targetFiles = new CGenerator().generate(qm,
                    new GenOptions("rnn", List.of("options: test")).withTarget(tc.getKey()));
            CGenerator.write(targetFiles, gen);
            for (String f : targetFiles.keySet()) {
                if (!f.endsWith(".c")) {
                    continue;
                }
                List<String> cmd = new ArrayList<>(cc);
                cmd.addAll(List.of("-std=c99", "-O2", "-Wall", "-Wextra", "-Werror", "-Wconversion", "-ffreestanding",
                        "-I" + gen, "-I" + gen.resolve("runtime/include"), "-c",
                        gen.resolve(f).toString(), "-o", dir.resolve("obj.o").toString()));
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
                assertThat(p.exitValue()).as("%s%n%s", String.join(" ", cmd), out).isZero();
            }
        }
    }

    private static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String d : path.split(":")) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }
}
