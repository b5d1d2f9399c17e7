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
 *
 * <p>Where {@link VerifyUnseenModelsTest} runs (node and {@code examples/node_modules}, always in CI), it
 * regenerates every fixture of {@code examples/gen-fixtures.js} with fresh shapes and weights and
 * verifies each on the host with these same options ({@code --precision int8 --activation lut}, the
 * defaults) and at int16: the same model family, kernels and target. Those fixtures are then left to
 * it, and this test verifies the fixtures made by other generators; without node it verifies them all.
 */
class FixtureVerifyTest {
    static final Path FIXTURES = CliTest.ROOT.resolve("ir/src/test/resources/tfjs");
    static final int SAMPLES = 2;

    @TempDir
    Path tmp;

    /** Every fixture with a model and inputs. */
    static List<String> allFixtures() throws IOException {
        try (Stream<Path> dirs = Files.list(FIXTURES)) {
            return dirs.filter(d -> Files.isRegularFile(d.resolve("model.json")) && !inputFiles(d).isEmpty())
                    .map(d -> d.getFileName().toString()).sorted().toList();
        }
    }

    /**
     * The fixtures {@code examples/gen-fixtures.js} makes (its entries in {@code fixtures.json}), but
     * those the importer refuses (no inputs: nothing to verify).
     */
    static java.util.Set<String> madeByGenFixtures() throws IOException {
        java.util.Set<String> names = new java.util.TreeSet<>();
        for (JsonNode e : new ObjectMapper().readTree(FIXTURES.resolve("fixtures.json").toFile()).get("fixtures")) {
            if (e.get("generator").asText().equals("examples/gen-fixtures.js") && !e.has("refused")) {
                names.add(e.get("name").asText());
            }
        }
        return names;
    }

    /** The fixtures verified here: all but those {@link VerifyUnseenModelsTest} regenerates when it runs. */
    static List<String> fixtures() throws IOException {
        if (!VerifyUnseenModelsTest.canRun()) {
            return allFixtures();
        }
        java.util.Set<String> regenerated = madeByGenFixtures();
        return allFixtures().stream().filter(n -> !regenerated.contains(n)).toList();
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
        // Verified here or (regenerated with fresh shapes) by VerifyUnseenModelsTest: every one, in either.
        java.util.Set<String> regenerated = madeByGenFixtures();
        assertThat(regenerated).hasSizeGreaterThanOrEqualTo(80);
        assertThat(fixtures()).contains("gru_reset_after_keras", "gru_reset_after_keras_seq");
        if (VerifyUnseenModelsTest.canRun()) {
            assertThat(fixtures()).doesNotContainAnyElementsOf(regenerated);
        }
        assertThat(allFixtures()).hasSizeGreaterThanOrEqualTo(80).containsAll(regenerated)
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
