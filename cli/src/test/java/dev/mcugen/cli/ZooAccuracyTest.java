package dev.mcugen.cli;

import static dev.mcugen.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcugen.cli.CliTest.Result;
import dev.mcugen.ir.SharedFiles;
import dev.mcugen.ir.metrics.ErrorMetrics;
import dev.mcugen.ir.npy.Npy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * mcugen's own quantization against float on the zoo's test samples, with the options
 * docs/quantization.md recommends (simulator only; the zoo's files read in place): MLPerf Tiny's
 * ResNet-8 (top-1 agreement) and anomaly-detection autoencoder (output correlation). The visual wake
 * words MobileNet is {@link ZooVwwTest}'s.
 */
class ZooAccuracyTest {
    private static final Pattern TOP1 = Pattern.compile("top-1 agreement ([0-9.]+)%");
    private static final String[] SEQUENTIAL = {"--per-channel", "--weight-rounding", "sequential"};

    @TempDir
    Path tmp;

    private Result simulate(String model, String file, String mode, Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of("simulate", SharedFiles.zoo(model, file).toString(), "--mode", mode,
                "--calibration", SharedFiles.zoo(model, "calibration.npy").toString(), "--data",
                SharedFiles.zoo(model, "test.npy").toString(), "--out", out.toString(), "--no-progress"));
        args.addAll(List.of(extra));
        Result r = run(args.toArray(String[]::new));
        assertThat(r.code()).as(r.err()).isZero();
        return r;
    }

    private double resnet8Agreement(String... extra) {
        List<String> args = new ArrayList<>(List.of("--compare"));
        args.addAll(List.of(extra));
        Result r = simulate("resnet8", "pretrainedResnet.h5", "fixed", tmp.resolve("r" + extra.length + ".npy"),
                args.toArray(String[]::new));
        Matcher m = TOP1.matcher(r.out());
        assertThat(m.find()).as(r.out()).isTrue();
        System.out.println("resnet8 " + String.join(" ", extra) + ": " + r.out().lines()
                .filter(l -> l.contains("vs float")).findFirst().orElse(""));
        return Double.parseDouble(m.group(1));
    }

    /**
     * int16 activations leave the int8 weights as the error; fitted layer after layer they agree with
     * float on 127 of the 128 samples (the goal, 128 of 128, is not reached: the one sample
     * left has a float top-2 margin of 0.026). Defaults: 93.0%.
     */
    @Test
    void resnet8Int16SequentialAgreesOnAllButOneSample() {
        assertThat(resnet8Agreement(concat(new String[] {"--precision", "int16"}, SEQUENTIAL))).isGreaterThanOrEqualTo(99.2);
    }

    /**
     * int8: the activations' own rounding dominates and no weight rounding removes it; sequential
     * rounding (per-tensor weights) agrees on 118 of 128 samples, better than the defaults (90.6%) and
     * TensorFlow Lite's int8 file (91.4%), short of the 97%.
     */
    @Test
    void resnet8Int8SequentialBeatsTheDefaultsAndTflite() {
        assertThat(resnet8Agreement("--weight-rounding", "sequential")).isGreaterThanOrEqualTo(92.0);
    }

    /** The autoencoder's reconstruction: Pearson correlation with float at least 0.998 (TFLite's int8 file: 0.998). */
    @Test
    void ad01OutputCorrelatesWithFloat() {
        Path f = tmp.resolve("float.npy");
        simulate("ad01", "ad01.h5", "float", f);
        for (String[] options : new String[][] {{}, SEQUENTIAL}) {
            Path q = tmp.resolve("fixed" + options.length + ".npy");
            simulate("ad01", "ad01.h5", "fixed", q, options);
            float[] ref = Npy.read(f).toFloatArray();
            float[] test = Npy.read(q).toFloatArray();
            assertThat(test).hasSameSizeAs(ref);
            double r = ErrorMetrics.correlation(ref, test);
            System.out.println("ad01 " + String.join(" ", options) + ": correlation " + r);
            assertThat(r).as(String.join(" ", options)).isGreaterThanOrEqualTo(0.998);
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
