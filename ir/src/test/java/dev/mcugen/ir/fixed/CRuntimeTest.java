package dev.mcugen.ir.fixed;

import dev.mcugen.ir.quant.NnGoldenVectors;
import dev.mcugen.ir.sim.RnnGoldenVectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The C runtime ({@code runtime-c}) against this package, bit for bit: writes the golden vectors
 * with the Java reference ({@link GoldenVectors#writeBinary}), then runs {@code make -C runtime-c
 * test}, which checks that every runtime source and header compiles with
 * {@code -Wall -Wextra -Werror -Wconversion -pedantic -std=c99} and has no {@code float}/{@code double}
 * token, builds the host tests with {@code -fsanitize=undefined -fno-sanitize-recover} and has them
 * compare every value. Without gcc or make the test is skipped, except in CI (env {@code CI} set),
 * where it fails.
 */
class CRuntimeTest {
    /** The feed-forward kernel tests of runtime-c (golden tables from {@link NnGoldenVectors}). */
    private static final String[] NN_TESTS = {
        "test_nn_fc", "test_nn_conv", "test_nn_pool", "test_nn_elementwise", "test_nn_softmax"};
    /** The recurrent step kernel tests of runtime-c (golden tables from {@link RnnGoldenVectors}). */
    private static final String[] RNN_TESTS = {"test_rnn_simple", "test_rnn_gru", "test_rnn_lstm"};
    private static final Pattern COMPARED = Pattern.compile("(test_\\w+): (\\d+) values compared, all equal");

    private static Path root() {
        String prop = System.getProperty("mcugen.root");
        Path root = prop != null && !prop.isBlank() ? Path.of(prop) : Path.of("").toAbsolutePath().getParent();
        return root.toAbsolutePath().normalize();
    }

    private static boolean available(String tool) {
        try {
            Process p = new ProcessBuilder(tool, "--version").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void requireTools() {
        List<String> missing = new ArrayList<>();
        for (String tool : new String[] {"gcc", "make"}) {
            if (!available(tool)) {
                missing.add(tool);
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        String message = "the C runtime host tests need " + String.join(" and ", missing) + " on the PATH";
        if (System.getenv("CI") != null) {
            fail(message + " (CI is set: install gcc and make, as .ci/run does)");
        }
        Assumptions.abort(message + "; skipped outside CI");
    }

    @Test
    void cRuntimeMatchesTheJavaReferenceOnEveryGoldenVector() throws Exception {
        requireTools();
        Path root = root();
        Path runtime = root.resolve("runtime-c");
        assertThat(runtime.resolve("Makefile")).exists();
        Path vectors = root.resolve("ir").resolve("target").resolve("golden-vectors");
        Path build = root.resolve("ir").resolve("target").resolve("runtime-c-build");

        long t0 = System.nanoTime();
        GoldenVectors.writeBinary(vectors);
        NnGoldenVectors.write(vectors);
        RnnGoldenVectors.write(vectors);
        long t1 = System.nanoTime();
        Process p = new ProcessBuilder("make", "-C", runtime.toString(), "test",
                "VECTORS=" + vectors, "BUILD=" + build)
                .redirectErrorStream(true).start();
        String output;
        try {
            output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                fail("make -C runtime-c test did not finish in 120 s:\n" + output);
            }
        } finally {
            p.destroyForcibly();
        }
        long t2 = System.nanoTime();
        assertThat(p.exitValue()).as("make -C runtime-c test exit status; output:\n%s", output).isZero();

        Matcher m = COMPARED.matcher(output);
        long fixed = -1;
        long activation = -1;
        Map<String, Long> nn = new TreeMap<>();
        Map<String, Long> rnn = new TreeMap<>();
        while (m.find()) {
            if (m.group(1).equals("test_fixed")) {
                fixed = Long.parseLong(m.group(2));
            } else if (m.group(1).equals("test_activation")) {
                activation = Long.parseLong(m.group(2));
            } else if (m.group(1).startsWith("test_nn_")) {
                nn.put(m.group(1), Long.parseLong(m.group(2)));
            } else if (m.group(1).startsWith("test_rnn_")) {
                rnn.put(m.group(1), Long.parseLong(m.group(2)));
            }
        }
        assertThat(nn.keySet()).as("feed-forward kernel tests that passed; output:\n%s", output)
                .containsExactlyInAnyOrder(NN_TESTS);
        for (Map.Entry<String, Long> e : nn.entrySet()) {
            // NnGoldenVectors.CASES cases per family, each with at least one output value.
            assertThat(e.getValue()).as("values compared by %s", e.getKey()).isGreaterThanOrEqualTo(1_000);
        }
        assertThat(rnn.keySet()).as("recurrent kernel tests that passed; output:\n%s", output)
                .containsExactlyInAnyOrder(RNN_TESTS);
        for (Map.Entry<String, Long> e : rnn.entrySet()) {
            // every case steps T >= 5 times and compares the output and the state each step
            assertThat(e.getValue()).as("values compared by %s", e.getKey()).isGreaterThanOrEqualTo(5_000);
        }
        assertThat(output).contains("check-strict:", "check-no-float:");
        assertThat(fixed).as("values compared by test_fixed; output:\n%s", output).isGreaterThan(1_000_000);
        assertThat(activation).as("values compared by test_activation; output:\n%s", output)
                .isEqualTo(4L * 8 * 65536 + LutActivation.TABLE_SIZE);
        System.out.printf("C runtime == Java reference: %,d primitive values and %,d activation values "
                        + "(4 functions x 65,536 inputs x m 0..7, plus the %d-entry table) compared; "
                        + "vectors %d ms, C build and run %d ms%n",
                fixed, activation, LutActivation.TABLE_SIZE, (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000);
        System.out.println("C feed-forward kernels == FeedForwardKernels: " + nn + " output values compared");
        System.out.println("C recurrent step kernels == the Java cells: " + rnn + " output and state values compared");
        assertThat(Files.isDirectory(build)).isTrue();
    }
}
