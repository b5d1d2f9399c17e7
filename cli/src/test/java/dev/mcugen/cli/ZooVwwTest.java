package dev.mcugen.cli;

import static dev.mcugen.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcugen.cli.CliTest.Result;
import dev.mcugen.ir.SharedFiles;
import dev.mcugen.qemu.Target;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MLPerf Tiny's visual wake words MobileNet (96x96x3, thirteen depthwise convolutions; the zoo's
 * files, read in place): mcugen's own quantization against float on the zoo's 64 test samples, and
 * the generated C bit-exact with the simulator on the host and under QEMU.
 */
class ZooVwwTest {
    private static final Pattern TOP1 = Pattern.compile("top-1 agreement ([0-9.]+)%");

    @TempDir
    Path tmp;

    private static Path zoo(String file) {
        return SharedFiles.zoo("vww", file);
    }

    private double agreement(String... extra) {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("simulate", zoo("vww_96.h5").toString(),
                "--mode", "fixed", "--compare", "--calibration", zoo("calibration.npy").toString(), "--data",
                zoo("test.npy").toString(), "--out", tmp.resolve("y" + extra.length + ".npy").toString(), "--no-progress"));
        args.addAll(java.util.List.of(extra));
        Result r = run(args.toArray(String[]::new));
        assertThat(r.code()).as(r.err()).isZero();
        Matcher m = TOP1.matcher(r.out());
        assertThat(m.find()).as(r.out()).isTrue();
        System.out.println("vww " + String.join(" ", extra) + ": " + r.out().lines().filter(l -> l.contains("vs float"))
                .findFirst().orElse(""));
        return Double.parseDouble(m.group(1));
    }

    /** TensorFlow Lite's own int8 file agrees with float on 95.3% of these samples (the zoo's SOURCE.md). */
    @Test
    void int8AgreesWithFloatOnAtLeast97Percent() {
        assertThat(agreement()).isGreaterThanOrEqualTo(97.0);
    }

    @Test
    void int16AgreesWithFloat() {
        assertThat(agreement("--precision", "int16")).isGreaterThanOrEqualTo(99.5);
    }

    @Test
    void verifiesBitExactOnTheHostAndCortexM4() {
        for (String target : new String[] {"host", "cortex-m4"}) {
            if (!target.equals("host")) {
                VerifyCommandTest.requireTools(Target.fromId(target));
            }
            Result v = run("verify", zoo("vww_96.h5").toString(), "--target", target, "--samples", "3",
                    "--calibration", zoo("calibration.npy").toString(), "--data", zoo("test.npy").toString(),
                    "--out", tmp.resolve(target).toString(), "--no-progress");
            assertThat(v.code()).as(v.err()).isZero();
            assertThat(v.out()).contains("3 sample(s) x 2 outputs bit-exact with the simulator");
            // ZooModelsTest leaves these two targets of vww to this test (the same verify, with more samples).
            assertThat(tmp.resolve(target).resolve("report.json")).exists();
            assertThat(tmp.resolve(target).resolve(ReportHtml.FILE)).exists();
        }
    }
}
