package dev.mcugen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcugen.qemu.Target;
import dev.mcugen.qemu.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code mcugen verify} on gesture_conv1d for every target (container or local QEMU), plus mismatch and refusal paths. */
class VerifyCommandTest {
    static final Path GESTURE = CliTest.ROOT.resolve("examples/gesture_conv1d");

    @TempDir
    Path tmp;

    @AfterEach
    void resetHook() {
        VerifyCommand.expectedHook = UnaryOperator.identity();
    }

    /** Skips when the target's tools are missing, unless the environment variable CI is set (then fails). */
    static void requireTools(Target t) {
        List<String> missing = Tools.missing(t);
        if (!missing.isEmpty() && System.getenv("CI") != null) {
            throw new AssertionError("tools for " + t + " are required in CI: missing " + missing);
        }
        Assumptions.assumeTrue(missing.isEmpty(), "tools for " + t + " missing: " + missing);
    }

    CliTest.Result verify(String target, String... extra) {
        List<String> args = new ArrayList<>(List.of("verify", GESTURE.toString(), "--target", target, "--data",
                GESTURE.resolve("test.npy").toString(), "--out", tmp.resolve("out").toString(), "--no-progress"));
        args.addAll(List.of(extra));
        return CliTest.run(args.toArray(String[]::new));
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
            "host, ''",
            "cortex-m0, ''",
            "cortex-m3, ''",
            "cortex-m4, ''",
            "cortex-m7, ''",
            "cortex-m33, ''",
            "cortex-m55, ''",
            "neon, --samples=2",
            "cortex-m4, --precision=int16",
            "cortex-m3, --rescale=pot",
    })
    void gestureIsBitExactOnEveryTarget(String target, String extra) throws Exception {
        requireTools(Target.fromId(target));
        CliTest.Result r = extra.isEmpty() ? verify(target) : verify(target, extra);
        assertThat(r.code()).as("stdout %s%nstderr %s", r.out(), r.err()).isZero();
        assertThat(r.out()).contains("bit-exact with the simulator", "instructions/inference");
        Path out = tmp.resolve("out");
        assertThat(out.resolve("harness/main.c")).exists();
        assertThat(out.resolve("gesture_conv1d.c")).exists();
        JsonNode j = new ObjectMapper().readTree(Files.readString(out.resolve("report.json")));
        int samples = extra.startsWith("--samples=") ? Integer.parseInt(extra.substring("--samples=".length())) : 20;
        assertThat(j.get("target").asText()).isEqualTo(target);
        assertThat(j.get("bit_exact").asBoolean()).isTrue();
        if (System.getenv("CI") != null && System.getenv("DOCKER_HOST") != null && !target.equals("host")) {
            // .ci/run serves an engine: CI must exercise the container path, not fall back silently (host runs natively).
            assertThat(j.get("runner").asText()).contains("container");
        }
        assertThat(j.get("samples").asInt()).isEqualTo(samples);
        JsonNode m = j.get("metrics");
        assertThat(m.get("max_abs_error").asDouble()).isBetween(0.0, 0.2);
        assertThat(m.get("rmse").asDouble()).isBetween(0.0, 0.05);
        assertThat(m.get("sqnr_db").asDouble()).isGreaterThan(20.0);
        assertThat(m.get("top1_agreement").asDouble()).isGreaterThanOrEqualTo(0.9);
        JsonNode c = j.get("cost");
        assertThat(c.has("instructions_per_inference") && c.has("stack_bytes")).isTrue();
        if (target.equals("host")) {
            assertThat(c.get("instructions_per_inference").isNull()).isTrue();
        } else {
            // gesture_conv1d: about 0.1 M multiply-accumulates per inference (neon's vector kernels
            // take about 0.65 instructions per multiply-accumulate).
            assertThat(c.get("instructions_per_inference").asLong()).isBetween(40_000L, 5_000_000L);
        }
        if (target.startsWith("cortex-m")) {
            assertThat(c.get("flash_bytes").asLong()).isBetween(4_000L, 256L * 1024);
            assertThat(c.get("ram_bytes").asLong()).isBetween(100L, 16L * 1024);
            // The packed convolution runs the Dense kernel over im2col rows in the arena (its 1 KiB
            // prepared input and output batch are on the stack: about 1.9 KiB in all on
            // cortex-m3/m4/m7; cortex-m0's row-major path less): within build's 2 KiB reserve.
            assertThat(c.get("stack_bytes").asLong()).isBetween(16L, 2048L);
        } else {
            // host and neon: painted by the hosted board between the counting markers
            assertThat(c.get("stack_bytes").asLong()).isBetween(16L, 65536L);
        }
        assertThat(j.at("/quantization/options/target").asText()).isEqualTo(target);
        assertThat(j.at("/quantization/options/precision").asText())
                .isEqualTo(extra.contains("int16") ? "int16" : "int8");
    }

    @Test
    void aCorruptedComparisonExitsFourNamingSampleIndexAndValues() {
        requireTools(Target.CORTEX_M3);
        VerifyCommand.expectedHook = ys -> {
            List<int[]> copy = new ArrayList<>(ys);
            int[] y = copy.get(3).clone();
            y[2] += 1;
            copy.set(3, y);
            return copy;
        };
        CliTest.Result r = verify("cortex-m3", "--samples=6");
        CliTest.assertOneLineError(r, ExitCodes.MISMATCH, "MCG_VERIFY_MISMATCH", "sample 3, output index 2: target ",
                " != simulator ");
        assertThat(tmp.resolve("out")).doesNotExist();
    }

    @Test
    void aModelTooBigForTheBoardIsRefusedWithItsNeedsBeforeAnythingIsWritten() throws Exception {
        Path model = BoardBudgetTest.longConvModel(tmp);
        CliTest.Result r = CliTest.run("verify", model.toString(), "--target", "cortex-m0", "--calibration",
                tmp.resolve("cal.npy").toString(), "--data", tmp.resolve("cal.npy").toString(), "--out",
                tmp.resolve("out").toString(), "--no-progress");
        CliTest.assertOneLineError(r, ExitCodes.REJECTED, "MCG_GEN_TOO_BIG", "cortex-m0", "microbit", "16,384 B");
        assertThat(tmp.resolve("out")).doesNotExist();
    }
}
