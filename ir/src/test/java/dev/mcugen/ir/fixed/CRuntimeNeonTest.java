package dev.mcugen.ir.fixed;

import dev.mcugen.ir.quant.NnGoldenVectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The C runtime's AArch64 NEON paths against the Java reference: {@code make -C runtime-c test-neon}
 * cross-compiles the Dense, convolution and depthwise kernel tests with {@code aarch64-linux-gnu-gcc}
 * (so they run the NEON code under {@code __ARM_NEON}) and runs them under {@code qemu-aarch64} on the
 * golden tables {@link NnGoldenVectors} writes, the same expected values the host tests compare (the
 * portable path, under UBSan, in {@link CRuntimeTest}); first its own test of the vector rescales
 * against the scalar ones on edge values. Without the cross compiler or qemu-aarch64 the test is
 * skipped, except in CI (env {@code CI} set), where it fails.
 */
class CRuntimeNeonTest {
    @Test
    void neonKernelsMatchTheJavaReferenceUnderQemu() throws Exception {
        CRuntimeMake.requireTools();
        requireCross("aarch64-linux-gnu-gcc");
        requireCross("qemu-aarch64");
        Path root = CRuntimeMake.root();
        Path vectors = root.resolve("ir").resolve("target").resolve("golden-vectors-neon");
        Path build = root.resolve("ir").resolve("target").resolve("runtime-c-neon-build");
        NnGoldenVectors.write(vectors);
        String output = CRuntimeMake.make(600, "test-neon", "VECTORS=" + vectors, "BUILD=" + build);
        Map<String, Long> compared = CRuntimeMake.compared(output);
        assertThat(compared.keySet()).as("NEON tests that passed; output:\n%s", output)
                .containsExactlyInAnyOrder("test_matvec_neon", "test_nn_fc", "test_nn_conv", "test_nn_depthwise");
        // the last table of each test: nn_conv_wide (real channel counts), nn_depthwise_packed
        assertThat(compared.get("test_nn_conv")).as("values of nn_conv_wide").isGreaterThanOrEqualTo(100_000);
        assertThat(compared.get("test_nn_depthwise")).as("values of nn_depthwise_packed").isGreaterThanOrEqualTo(100_000);
        assertThat(compared.get("test_matvec_neon")).as("rescale and row values").isGreaterThanOrEqualTo(1_000_000);
        System.out.println("NEON kernels == Java reference under qemu-aarch64: " + compared + " values compared");
    }

    private static void requireCross(String tool) throws InterruptedException {
        boolean ok;
        try {
            Process p = new ProcessBuilder(tool, "--version").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            ok = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            ok = false;
        }
        if (ok) {
            return;
        }
        String message = "the NEON runtime tests need " + tool + " on the PATH";
        if (System.getenv("CI") != null) {
            fail(message + " (CI is set: .ci/run installs it)");
        }
        Assumptions.abort(message + "; skipped outside CI");
    }
}
