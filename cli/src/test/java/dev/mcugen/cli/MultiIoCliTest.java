package dev.mcugen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcugen.ir.npy.Npy;
import dev.mcugen.ir.npy.NpyArray;
import dev.mcugen.qemu.Target;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands on a TF.js functional model with two inputs (a sequence into an LSTM, a side vector
 * into a Dense) and two outputs (a softmax class head and a regression head):
 * {@code ir/src/test/resources/tfjs/multiio_two_heads}, made by {@code examples/lib/multiio.js}.
 */
class MultiIoCliTest {
    static final Path DIR = FixtureVerifyTest.FIXTURES.resolve("multiio_two_heads");
    static final Path MODEL = DIR.resolve("model.json");
    static final Path IN0 = DIR.resolve("input_0.npy");
    static final Path IN1 = DIR.resolve("input_1.npy");

    @TempDir
    Path tmp;

    @AfterEach
    void resetHook() {
        VerifyCommand.expectedHook = UnaryOperator.identity();
    }

    private static List<String> args(String... first) {
        List<String> a = new ArrayList<>(List.of(first));
        a.addAll(List.of("--data", IN0.toString(), "--data", IN1.toString(), "--calibration", IN0.toString(),
                "--calibration", IN1.toString(), "--no-progress"));
        return a;
    }

    @Test
    void inspectListsTheInputsInTheModelsOrderWithNamesAndShapes() {
        CliTest.Result r = CliTest.run("inspect", MODEL.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("input   sequence \\[10, 6\\] \\(data file 1 of 2\\)\\n"
                + "input   side \\[6\\] \\(data file 2 of 2\\)\\n").contains("outputs class [5], value [2]");
    }

    @Test
    void simulateWritesOneFilePerOutputNamedByTheOutput() throws IOException {
        Path out = tmp.resolve("y.npy");
        CliTest.Result r = CliTest.run("simulate", MODEL.toString(), "--mode", "float", "--out", out.toString(), "--data",
                IN0.toString(), "--data", IN1.toString(), "--no-progress");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(out).doesNotExist();
        // float: TF.js's model.predict for each output, expected_<k>.npy in the model's output order
        for (String[] pair : new String[][] {{"class", "expected_0.npy"}, {"value", "expected_1.npy"}}) {
            NpyArray got = Npy.read(tmp.resolve("y_" + pair[0] + ".npy"));
            NpyArray want = Npy.read(DIR.resolve(pair[1]));
            assertThat(got.shape()).isEqualTo(want.shape());
            float[] g = got.toFloatArray();
            float[] w = want.toFloatArray();
            for (int i = 0; i < g.length; i++) {
                assertThat((double) g[i]).as("%s[%d]", pair[0], i).isCloseTo(w[i], org.assertj.core.data.Offset.offset(1e-5));
            }
        }
    }

    @Test
    void simulateFixedComparesEveryOutput() {
        CliTest.Result r = CliTest.run(args("simulate", MODEL.toString(), "--mode", "fixed", "--compare", "--out",
                tmp.resolve("q.npy").toString()).toArray(String[]::new));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("output 'class' vs float:", "output 'value' vs float:", "-> " + tmp.resolve("q_class.npy"),
                "-> " + tmp.resolve("q_value.npy"));
        assertThat(tmp.resolve("q_class.npy")).isRegularFile();
        assertThat(tmp.resolve("q_value.npy")).isRegularFile();
    }

    @Test
    void outFileNamesAreMadeFileSafeAndKeptApart() {
        assertThat(SimulateCommand.perOutput(Path.of("d/OUT.npy"), List.of("a/../b", "A//..b", "", "héllo")))
                .containsExactly(Path.of("d/OUT_a____b.npy"), Path.of("d/OUT_A____b_1.npy"), Path.of("d/OUT_2.npy"),
                        Path.of("d/OUT_h_llo.npy"));
    }

    @Test
    void oneDataFileForTwoInputsIsAOneLineErrorNamingTheInputsAndFile() {
        CliTest.Result r = CliTest.run("simulate", MODEL.toString(), "--mode", "float", "--data", IN0.toString(), "--out",
                tmp.resolve("y.npy").toString(), "--no-progress");
        CliTest.assertOneLineError(r, ExitCodes.REJECTED, "MCG_DATA_FILE_COUNT", IN0.toString(),
                "1 data file(s) given but model 'multiio_two_heads' has 2 input(s) [sequence, side]");
        assertThat(tmp.resolve("y_class.npy")).doesNotExist();
    }

    @Test
    void filesWithDifferentSampleCountsAreAOneLineErrorNamingBothFiles() {
        NpyArray side = Npy.read(IN1);
        List<Integer> shape = new ArrayList<>(side.shape());
        shape.set(0, shape.get(0) - 1);
        float[] fewer = Arrays.copyOf(side.toFloatArray(), shape.get(0) * shape.get(1));
        Path short1 = tmp.resolve("side_short.npy");
        Npy.write(short1, NpyArray.ofFloat32(shape, fewer));
        CliTest.Result r = CliTest.run("verify", MODEL.toString(), "--target", "host", "--data", IN0.toString(), "--data",
                short1.toString(), "--calibration", IN0.toString(), "--calibration", IN1.toString(), "--out",
                tmp.resolve("v").toString(), "--no-progress");
        CliTest.assertOneLineError(r, ExitCodes.REJECTED, "MCG_DATA_SAMPLE_COUNT", short1.toString(), IN0.toString(),
                "holds 4 samples", "holds 5");
    }

    @Test
    void defaultCalibrationIsOneFilePerInputBesideTheModel() throws IOException {
        Path copy = tmp.resolve("model");
        Files.createDirectories(copy);
        try (var files = Files.list(DIR)) {
            for (Path f : files.toList()) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        Files.copy(IN0, copy.resolve("calibration_sequence.npy"));
        CliTest.Result missing = CliTest.run("build", copy.resolve("model.json").toString(), "--out",
                tmp.resolve("b1").toString(), "--no-progress");
        CliTest.assertOneLineError(missing, ExitCodes.USAGE, "MCG_CLI_USAGE", "calibration_side.npy", "input 'side'");
        Files.copy(IN1, copy.resolve("calibration_side.npy"));
        CliTest.Result ok = CliTest.run("build", copy.resolve("model.json").toString(), "--out",
                tmp.resolve("b2").toString(), "--no-progress");
        assertThat(ok.code()).as(ok.err()).isZero();
        String h = Files.readString(tmp.resolve("b2/multiio_two_heads.h"));
        assertThat(h).contains("int multiio_two_heads_invoke(multiio_two_heads_ctx_t *ctx, const multiio_two_heads_input_sequence_t"
                        + " *in_sequence, const multiio_two_heads_input_side_t *in_side, multiio_two_heads_output_class_t *out_class,"
                        + " multiio_two_heads_output_value_t *out_value);",
                "#define MULTIIO_TWO_HEADS_INPUT_SIDE_SIZE 6", "#define MULTIIO_TWO_HEADS_OUTPUT_VALUE_SIZE 2",
                "#define MULTIIO_TWO_HEADS_HAS_STEP 0");
    }

    @Test
    void verifyIsBitExactOnTheHostWithMetricsPerOutput() throws IOException {
        VerifyCommandTest.requireTools(Target.HOST);
        Path out = tmp.resolve("v");
        CliTest.Result r = CliTest.run(args("verify", MODEL.toString(), "--target", "host", "--samples", "3", "--out",
                out.toString()).toArray(String[]::new));
        assertThat(r.code()).as("%s%n%s", r.out(), r.err()).isZero();
        assertThat(r.out()).contains("3 sample(s) x 2 outputs (7 values) bit-exact with the simulator",
                "output 'class' vs float:", "output 'value' vs float:");
        JsonNode j = new ObjectMapper().readTree(Files.readString(out.resolve("report.json")));
        assertThat(j.get("bit_exact").asBoolean()).isTrue();
        assertThat(j.get("metrics_per_output")).extracting(o -> o.get("output").asText()).containsExactly("class", "value");
        for (JsonNode o : j.get("metrics_per_output")) {
            // int8 of an untrained model: both heads within a few quantization steps of float
            assertThat(o.get("cosine").asDouble()).as(o.toString()).isGreaterThan(0.999);
            assertThat(o.has("top1_agreement") && o.has("sqnr_db") && o.has("rmse")).isTrue();
        }
        assertThat(j.at("/metrics_per_output/0/values_per_sample").asInt()).isEqualTo(5);
        assertThat(j.at("/metrics_per_output/1/values_per_sample").asInt()).isEqualTo(2);
        assertThat(Files.readString(out.resolve(ReportHtml.FILE))).contains("output &#39;class&#39;: max |error|",
                "output &#39;value&#39;: RMSE", "output &#39;value&#39;: SQNR (dB)");
        assertThat(Files.readString(out.resolve("harness/main.c"))).contains("multiio_two_heads_invoke(&ctx, in0[s], in1[s], out0, out1)");
    }

    @Test
    void aMismatchNamesSampleOutputIndexAndBothValues() {
        VerifyCommandTest.requireTools(Target.HOST);
        VerifyCommand.expectedHook = ys -> {
            List<int[]> copy = new ArrayList<>(ys);
            int[] y = copy.get(1).clone();
            y[5 + 1] += 1; // the second value of the second output ("value", after class's 5)
            copy.set(1, y);
            return copy;
        };
        CliTest.Result r = CliTest.run(args("verify", MODEL.toString(), "--target", "host", "--samples", "3", "--out",
                tmp.resolve("v").toString()).toArray(String[]::new));
        CliTest.assertOneLineError(r, ExitCodes.MISMATCH, "MCG_VERIFY_MISMATCH", "sample 1, output 'value' index 1: target ",
                " != simulator ");
    }

    @Test
    void verifyIsBitExactOnCortexM4() throws IOException {
        VerifyCommandTest.requireTools(Target.CORTEX_M4);
        Path out = tmp.resolve("m4");
        CliTest.Result r = CliTest.run(args("verify", MODEL.toString(), "--target", "cortex-m4", "--samples", "3", "--out",
                out.toString()).toArray(String[]::new));
        assertThat(r.code()).as("%s%n%s", r.out(), r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(Files.readString(out.resolve("report.json")));
        assertThat(j.get("bit_exact").asBoolean()).isTrue();
        assertThat(j.get("soft_float_symbols").asInt()).isZero();
        assertThat(j.at("/streaming/has_step").asBoolean()).isFalse();
    }
}
