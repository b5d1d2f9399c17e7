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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code mcugen verify --target host} on every single-input TF.js fixture of the importer tests
 * ({@code ir/src/test/resources/tfjs/<name>/model.json} with {@code input.npy}; the two-input
 * fixtures have {@code input_0.npy}, {@code input_1.npy} and are left out: the generated API has one
 * input): each must build, run and agree with the simulator bit for bit. Two samples each, calibrated
 * on the fixture's own input.
 */
class FixtureVerifyTest {
    static final Path FIXTURES = CliTest.ROOT.resolve("ir/src/test/resources/tfjs");
    static final int SAMPLES = 2;

    @TempDir
    Path tmp;

    static List<String> singleInputFixtures() throws IOException {
        try (Stream<Path> dirs = Files.list(FIXTURES)) {
            return dirs.filter(d -> Files.isRegularFile(d.resolve("model.json")) && Files.isRegularFile(d.resolve("input.npy")))
                    .map(d -> d.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void theFixtureListCoversTheFeedForwardAndRecurrentFixtures() throws IOException {
        assertThat(singleInputFixtures()).hasSizeGreaterThanOrEqualTo(80)
                .contains("dense_sigmoid", "conv2d_same_s21_tanh", "functional_concat_conv1d", "lstm_default_seq")
                .doesNotContain("functional_two_inputs_concat", "functional_two_inputs_add_seq");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("singleInputFixtures")
    void verifiesBitExactOnHost(String name) throws IOException {
        VerifyCommandTest.requireTools(Target.HOST);
        Path dir = FIXTURES.resolve(name);
        Path input = dir.resolve("input.npy");
        Path out = tmp.resolve("out");
        CliTest.Result r = CliTest.run("verify", dir.resolve("model.json").toString(), "--target", "host", "--data",
                input.toString(), "--calibration", input.toString(), "--samples", Integer.toString(SAMPLES), "--out",
                out.toString(), "--no-progress");
        assertThat(r.code()).as("stdout %s%nstderr %s", r.out(), r.err()).isZero();
        assertThat(r.out()).contains("bit-exact with the simulator");
        JsonNode j = new ObjectMapper().readTree(Files.readString(out.resolve("report.json")));
        assertThat(j.get("bit_exact").asBoolean()).as("report.json bit_exact").isTrue();
        assertThat(j.get("samples").asInt()).isEqualTo(SAMPLES);
    }
}
