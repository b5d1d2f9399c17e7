package dev.mcugen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcugen.cli.CliTest.Result;
import dev.mcugen.ir.SharedFiles;
import dev.mcugen.qemu.Target;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every real model of the shared zoo (MLPerf Tiny's visual wake words MobileNet and ResNet-8, the
 * anomaly-detection autoencoder from its Keras {@code .h5} and from its float {@code .tflite}, TFLite
 * Micro's hello_world and an MNIST LSTM), read in place, through {@code mcugen verify} on every target:
 * the generated C is bit-exact with the simulator on the host, cortex-m3, cortex-m4, cortex-m7,
 * cortex-m33, cortex-m55 and neon, and on cortex-m0 wherever the micro:bit's 256 KiB of flash and 16 KiB of RAM hold the model;
 * where they do not, the model is refused with {@code MCG_GEN_TOO_BIG} naming the figures, nothing
 * written. The MNIST LSTM flattens its whole sequence into its classifier, so it has no {@code _step}:
 * verify says streaming is not applicable, with the generated header's reason.
 * One sample per run: the bit-exactness of every layer over many samples is the unit tests' job; this
 * proves the real models go through on every target. Cortex-M33 and Cortex-M55 compile the same
 * kernel sources as Cortex-M4 and Cortex-M7 (the DSP paths, for a different architecture version), so
 * they run the three smaller models only: the two large convolutional networks and the second import
 * of the autoencoder add emulator minutes there, not kernel paths. The visual wake words model on the
 * host and cortex-m4 is verified by {@link ZooVwwTest} (the same command with three samples), not here.
 */
class ZooModelsTest {
    /** zoo folder, model file, whether it fits the cortex-m0 board, whether it streams (_step). */
    record Model(String folder, String file, boolean fitsM0, boolean streams, boolean onArmv8m) {
        @Override
        public String toString() {
            return folder + "/" + file;
        }
    }

    static final List<Model> MODELS = List.of(
            new Model("hello_world", "hello_world_float.tflite", true, false, true),
            new Model("mnist_lstm", "trained_lstm.tflite", true, false, true),
            new Model("ad01", "ad01.h5", false, false, true),
            new Model("ad01", "ad01_fp32.tflite", false, false, false),
            new Model("resnet8", "pretrainedResnet.h5", false, false, false),
            new Model("vww", "vww_96.h5", false, false, false));

    static final List<String> TARGETS = List.of("host", "cortex-m0", "cortex-m3", "cortex-m4", "cortex-m7", "cortex-m33",
            "cortex-m55", "neon");

    private static final Pattern RAM = Pattern.compile("needs ([0-9,]+) B of RAM .* but the board has 16,384 B");
    private static final Pattern FLASH = Pattern.compile(
            "needs at least ([0-9,]+) B of flash for its weights and parameters \\(before code\\) but the board has 262,144 B");

    @TempDir
    Path tmp;

    static Stream<Arguments> cases() {
        List<Arguments> all = new ArrayList<>();
        for (Model m : MODELS) {
            for (String t : TARGETS) {
                // vww on the host and cortex-m4 is ZooVwwTest's, with the same options and three samples
                boolean inVwwTest = m.folder().equals("vww") && (t.equals("host") || t.equals("cortex-m4"));
                if ((m.onArmv8m() || !(t.equals("cortex-m33") || t.equals("cortex-m55"))) && !inVwwTest) {
                    all.add(Arguments.of(m, t));
                }
            }
        }
        return all.stream();
    }

    @Execution(ExecutionMode.CONCURRENT) // cases one per processor, the class alone (junit-platform.properties)
    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("cases")
    void verifiesBitExactOrIsRefusedAsTooBig(Model m, String target) {
        Path model = SharedFiles.zoo(m.folder(), m.file());
        if (!target.equals("host")) {
            VerifyCommandTest.requireTools(Target.fromId(target));
        }
        Path out = tmp.resolve("out");
        Result r = CliTest.run("verify", model.toString(), "--target", target, "--samples", "1",
                "--calibration", SharedFiles.zoo(m.folder(), "calibration.npy").toString(),
                "--data", SharedFiles.zoo(m.folder(), "test.npy").toString(), "--out", out.toString(), "--no-progress");
        System.out.println(m + " on " + target + ":\n" + r.out() + r.err());
        if (target.equals("cortex-m0") && !m.fitsM0()) {
            CliTest.assertOneLineError(r, ExitCodes.REJECTED, "MCG_GEN_TOO_BIG", "cortex-m0 (QEMU board microbit)");
            Matcher ram = RAM.matcher(r.err());
            Matcher flash = FLASH.matcher(r.err());
            boolean overRam = ram.find() && parse(ram.group(1)) > 16_384;
            boolean overFlash = flash.find() && parse(flash.group(1)) > 262_144;
            assertThat(overRam || overFlash).as("a figure over the board's: " + r.err()).isTrue();
            assertThat(out).doesNotExist();
            return;
        }
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("on " + Pattern.quote(target) + " \\(.*\\): 1 sample\\(s\\) x .* bit-exact with"
                + " the simulator");
        if (m.streams()) {
            assertThat(r.out()).contains("streaming: _reset + ").contains("x _step equals _invoke on all 1 sample(s)");
        } else if (m.folder().equals("mnist_lstm")) {
            assertThat(r.out()).contains("streaming: not applicable, no _step (");
        }
        assertThat(out.resolve("report.json")).exists();
        assertThat(out.resolve(ReportHtml.FILE)).exists();
    }

    private static long parse(String figure) {
        return Long.parseLong(figure.replace(",", ""));
    }

}
