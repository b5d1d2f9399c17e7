package dev.mcugen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcugen.qemu.Target;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code mcugen verify --target host} on every TF.js fixture of the importer tests
 * ({@code ir/src/test/resources/tfjs/<name>/model.json} with {@code input.npy}, or {@code input_0.npy},
 * {@code input_1.npy}, ... for a model with several inputs, each given as one {@code --data}): each
 * must build, run and agree with the simulator bit for bit. Two samples each, calibrated on the
 * fixture's own inputs.
 */
class FixtureVerifyTest {
    static final Path FIXTURES = CliTest.ROOT.resolve("ir/src/test/resources/tfjs");
    static final int SAMPLES = 2;

    @TempDir
    Path tmp;

    static List<String> fixtures() throws IOException {
        try (Stream<Path> dirs = Files.list(FIXTURES)) {
            return dirs.filter(d -> Files.isRegularFile(d.resolve("model.json")) && !inputFiles(d).isEmpty())
                    .map(d -> d.getFileName().toString()).sorted().toList();
        }
    }

    /** {@code input.npy}, or {@code input_0.npy}, {@code input_1.npy}, ... (one per model input, in order). */
    static List<Path> inputFiles(Path dir) {
        if (Files.isRegularFile(dir.resolve("input.npy"))) {
            return List.of(dir.resolve("input.npy"));
        }
        List<Path> files = new java.util.ArrayList<>();
        for (int k = 0; Files.isRegularFile(dir.resolve("input_" + k + ".npy")); k++) {
            files.add(dir.resolve("input_" + k + ".npy"));
        }
        return files;
    }

    /** {@code --data F --calibration F} for each of {@link #inputFiles}. */
    static List<String> dataArgs(Path dir) {
        List<String> a = new java.util.ArrayList<>();
        for (Path f : inputFiles(dir)) {
            a.addAll(List.of("--data", f.toString(), "--calibration", f.toString()));
        }
        return a;
    }

    @Test
    void theFixtureListCoversTheFeedForwardRecurrentAndMultiInputFixtures() throws IOException {
        assertThat(fixtures()).hasSizeGreaterThanOrEqualTo(80)
                .contains("dense_sigmoid", "conv2d_same_s21_tanh", "functional_concat_conv1d", "lstm_default_seq",
                        "functional_two_inputs_concat", "functional_two_inputs_add_seq", "multiio_two_heads",
                        "multiio_concat_ranges");
    }

    @Execution(ExecutionMode.CONCURRENT) // cases one per processor, the class alone (junit-platform.properties)
    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void verifiesBitExactOnHost(String name) throws IOException {
        VerifyCommandTest.requireTools(Target.HOST);
        Path dir = FIXTURES.resolve(name);
        Path out = tmp.resolve("out");
        List<String> args = new java.util.ArrayList<>(List.of("verify", dir.resolve("model.json").toString(), "--target",
                "host", "--samples", Integer.toString(SAMPLES), "--out", out.toString(), "--no-progress"));
        args.addAll(dataArgs(dir));
        CliTest.Result r = CliTest.run(args.toArray(String[]::new));
        assertThat(r.code()).as("stdout %s%nstderr %s", r.out(), r.err()).isZero();
        assertThat(r.out()).contains("bit-exact with the simulator");
        JsonNode j = new ObjectMapper().readTree(Files.readString(out.resolve("report.json")));
        assertThat(j.get("bit_exact").asBoolean()).as("report.json bit_exact").isTrue();
        assertThat(j.get("samples").asInt()).isEqualTo(SAMPLES);
    }
}
