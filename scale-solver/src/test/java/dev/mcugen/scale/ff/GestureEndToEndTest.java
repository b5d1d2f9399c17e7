package dev.mcugen.scale.ff;

import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.ModelLoader;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.interp.FloatInterpreter;
import dev.mcugen.ir.npy.Npy;
import dev.mcugen.ir.npy.NpyArray;
import dev.mcugen.scale.QuantOptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * examples/gesture_conv1d (Conv1D, MaxPool, Conv1D SAME, GlobalAvgPool, Dense, Dropout, Dense
 * softmax) quantized with the feed-forward recipes and run in fixed point on its test set: top-1
 * agreement with the float model (issue 3: >= 99% int8, >= 99.8% int16).
 */
class GestureEndToEndTest {
    static Path example() {
        return Path.of(System.getProperty("mcugen.root", "../.."), "examples", "gesture_conv1d");
    }

    @ParameterizedTest(name = "{0} {1} per-channel={2}")
    @CsvSource({
        "INT8, MULTIPLIER, false, 0.99",
        "INT8, MULTIPLIER, true, 0.99",
        "INT8, POT, false, 0.99",
        "INT16, MULTIPLIER, false, 0.998",
        "INT16, POT, false, 0.998",
    })
    void top1AgreesWithFloat(QuantOptions.Precision precision, QuantOptions.Rescale rescale, boolean perChannel,
                             double required) {
        Path dir = example();
        assumeTrue(Files.isRegularFile(dir.resolve("model.json")), "no trained example at " + dir);
        Graph g = ModelLoader.load(dir.resolve("model.json"));
        FloatTensor calib = tensor(Npy.read(dir.resolve("calibration.npy")));
        NpyArray test = Npy.read(dir.resolve("test.npy"));
        QuantOptions o = new QuantOptions(precision, rescale, QuantOptions.ActivationImpl.LUT, perChannel,
                QuantOptions.Target.CORTEX_M4);
        FfPipeline p = FfPipeline.calibrated(g, calib, o);
        FloatInterpreter fi = new FloatInterpreter(g);
        int n = test.shape().get(0);
        int per = test.size() / n;
        float[] all = test.toFloatArray();
        int agree = 0;
        double maxErr = 0;
        for (int s = 0; s < n; s++) {
            float[] x = Arrays.copyOfRange(all, s * per, (s + 1) * per);
            float[] f = fi.run(FloatTensor.of(g.inputs().get(0).shape(), x)).toArray();
            double[] q = p.run(x);
            if (argmax(f) == argmax(q)) {
                agree++;
            }
            for (int i = 0; i < f.length; i++) {
                maxErr = Math.max(maxErr, Math.abs(f[i] - q[i]));
            }
        }
        double agreement = agree / (double) n;
        System.out.printf("gesture_conv1d %s %s per-channel=%s: top-1 agreement %d/%d = %.2f%%, max |p - p_float| %.4f%n",
                precision, rescale, perChannel, agree, n, 100 * agreement, maxErr);
        assertThat(agreement).isGreaterThanOrEqualTo(required);
    }

    static FloatTensor tensor(NpyArray a) {
        return FloatTensor.of(new Shape(a.shape()), a.toFloatArray());
    }

    static int argmax(float[] v) {
        int b = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[b]) {
                b = i;
            }
        }
        return b;
    }

    static int argmax(double[] v) {
        int b = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[b]) {
                b = i;
            }
        }
        return b;
    }
}
