package dev.mcugen.cli;

import static dev.mcugen.cli.CliTest.assertOneLineError;
import static dev.mcugen.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code build} writes as a user sees it: the C name it picks, the caller-format helpers, the runtime files. */
class GeneratedFolderCliTest {
    @TempDir
    Path tmp;

    /** har_lstm saved the way an unnamed tf.sequential() is: named sequential_1, in a folder that names it. */
    private Path unnamedHar() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("wrist_activity"));
        try (Stream<Path> files = Files.list(CliTest.HAR)) {
            for (Path f : files.toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        ObjectMapper om = new ObjectMapper();
        ObjectNode root = (ObjectNode) om.readTree(dir.resolve("model.json").toFile());
        ((ObjectNode) root.get("modelTopology").get("config")).put("name", "sequential_1");
        om.writeValue(dir.resolve("model.json").toFile(), root);
        return dir.resolve("model.json");
    }

    @Test
    void aFrameworkDefaultNameGivesWayToTheFolderAndBuildSaysSo() throws Exception {
        Path model = unnamedHar();
        CliTest.Result inspect = run("inspect", model.toString());
        assertThat(inspect.code()).as(inspect.err()).isZero();
        assertThat(inspect.out()).contains("C name  wrist_activity (the folder name; the model's own name 'sequential_1' is a"
                + " framework default; --name sets another)");

        Path out = tmp.resolve("out");
        CliTest.Result r = run("build", model.toString(), "--target", "cortex-m4", "--out", out.toString(), "--no-progress",
                "--input-format", "int16:scale=1/1000", "--output-format", "q15");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("C name: wrist_activity (the folder name;");
        String h = Files.readString(out.resolve("wrist_activity.h"));
        assertThat(h).contains("void wrist_activity_quantize_input(const int16_t *src, wrist_activity_input_t *dst, int32_t count);",
                "void wrist_activity_dequantize_output(const wrist_activity_output_t *src, int16_t *dst, int32_t count);",
                "int16:scale=1/1000 (int16_t, real = v * 1/1000)", "q15 (int16_t, real = v / 2^15)");
        assertThat(Files.readString(out.resolve("wrist_activity.c"))).contains("caller formats: --input-format int16:scale=1/1000"
                + " --output-format q15");

        // Only what this LSTM calls on cortex-m4: no GRU, convolution or other target's SIMD file.
        List<String> runtime;
        try (Stream<Path> s = Files.walk(out.resolve("runtime"))) {
            runtime = s.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertThat(runtime).contains("mcu_lstm_step_s8.c", "mcu_matvec_dsp.h")
                .noneMatch(f -> f.contains("gru") || f.contains("conv") || f.contains("neon") || f.contains("v6m")
                        || f.contains("_m3"));
        String mk = Files.readString(out.resolve("wrist_activity.mk"));
        for (String c : runtime.stream().filter(f -> f.endsWith(".c")).toList()) {
            assertThat(mk).contains("runtime/src/" + c);
        }

        // --name wins, and nothing is said about the name then.
        CliTest.Result named = run("build", model.toString(), "--target", "host", "--name", "har", "--out",
                tmp.resolve("named").toString(), "--no-progress");
        assertThat(named.code()).as(named.err()).isZero();
        assertThat(named.out()).doesNotContain("C name");
        assertThat(tmp.resolve("named/har.h")).exists();
    }

    @Test
    void aMistypedFormatIsRefusedBeforeAnyWork() {
        assertOneLineError(run("build", CliTest.HAR.resolve("model.json").toString(), "--out", tmp.resolve("o").toString(),
                "--input-format", "q3.13"), ExitCodes.USAGE, "--input-format", "17 bits", "MCG_CLI_USAGE");
        assertOneLineError(run("build", CliTest.HAR.resolve("model.json").toString(), "--out", tmp.resolve("o").toString(),
                "--output-format", "float"), ExitCodes.USAGE, "--output-format", "is not a format", "MCG_CLI_USAGE");
        assertThat(tmp.resolve("o")).doesNotExist();
    }
}
