package dev.mcugen.ir.fixed;

import dev.mcugen.ir.quant.ElementwiseGoldenVectors;
import dev.mcugen.ir.quant.NnGoldenVectors;
import dev.mcugen.ir.sim.RnnGoldenVectors;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The C runtime ({@code runtime-c}) against this package, bit for bit: writes the golden vectors
 * with the Java reference ({@link GoldenVectors#writeBinary}), then runs {@code make -C runtime-c
 * test}, which checks that every runtime source and header compiles with
 * {@code -Wall -Wextra -Werror -Wconversion -pedantic -std=c99} and has no {@code float}/{@code double}
 * token, builds the host tests with {@code -fsanitize=undefined -fno-sanitize-recover} and has them
 * compare every value (the recurrent tests both widths: {@code _s8} and {@code _s16} kernels).
 * Without gcc or make the test is skipped, except in CI (env {@code CI} set), where it fails
 * ({@link CRuntimeMake}).
 */
class CRuntimeTest {
    /** The feed-forward kernel tests of runtime-c (golden tables from {@link NnGoldenVectors}). */
    private static final String[] NN_TESTS = {
        "test_nn_fc", "test_nn_conv", "test_nn_pool", "test_nn_elementwise", "test_nn_eltwise", "test_nn_softmax",
        "test_nn_depthwise", "test_nn_shape", "test_nn_reverse", "test_nn_norm", "test_nn_tfl",
        "test_nn_lstm_tfl", "test_nn_fc_sub8"};
    /** The recurrent step kernel tests of runtime-c (golden tables from {@link RnnGoldenVectors}). */
    private static final String[] RNN_TESTS = {"test_rnn_simple", "test_rnn_gru", "test_rnn_lstm"};

    @Test
    void cRuntimeMatchesTheJavaReferenceOnEveryGoldenVector() throws Exception {
        CRuntimeMake.requireTools();
        Path root = CRuntimeMake.root();
        Path vectors = root.resolve("ir").resolve("target").resolve("golden-vectors");
        Path build = root.resolve("ir").resolve("target").resolve("runtime-c-build");

        long t0 = System.nanoTime();
        GoldenVectors.writeBinary(vectors);
        NnGoldenVectors.write(vectors);
        dev.mcugen.ir.quant.TflGoldenVectors.write(vectors);
        dev.mcugen.ir.quant.LstmTflGoldenVectors.write(vectors);
        ElementwiseGoldenVectors.write(vectors);
        RnnGoldenVectors.write(vectors);
        long t1 = System.nanoTime();
        String output = CRuntimeMake.make(120, "test", "VECTORS=" + vectors, "BUILD=" + build);
        long t2 = System.nanoTime();

        long fixed = -1;
        long activation = -1;
        Map<String, Long> nn = new TreeMap<>();
        Map<String, Long> rnn = new TreeMap<>();
        for (Map.Entry<String, Long> e : CRuntimeMake.compared(output).entrySet()) {
            if (e.getKey().equals("test_fixed")) {
                fixed = e.getValue();
            } else if (e.getKey().equals("test_activation")) {
                activation = e.getValue();
            } else if (e.getKey().startsWith("test_nn_")) {
                nn.put(e.getKey(), e.getValue());
            } else if (e.getKey().startsWith("test_rnn_")) {
                rnn.put(e.getKey(), e.getValue());
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
        Map<String, Long> rnnKernels = CRuntimeMake.comparedPerKernel(output);
        assertThat(rnnKernels.keySet()).as("recurrent kernels compared; output:\n%s", output).containsExactlyInAnyOrder(
                "mcu_simple_rnn_step_s8", "mcu_simple_rnn_step_s16", "mcu_gru_step_s8", "mcu_gru_step_s16",
                "mcu_lstm_step_s8", "mcu_lstm_step_s16");
        for (Map.Entry<String, Long> e : rnnKernels.entrySet()) {
            assertThat(e.getValue()).as("values compared by %s", e.getKey()).isGreaterThanOrEqualTo(2_000);
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
        System.out.println("C recurrent step kernels == the Java cells: " + rnn + " output and state values compared"
                + " (per kernel: " + rnnKernels + ")");
        assertThat(Files.isDirectory(build)).isTrue();
    }
}
