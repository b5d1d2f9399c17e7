package dev.mcugen.scale.recurrent;

import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.ModelLoader;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.interp.FloatInterpreter;
import dev.mcugen.ir.metrics.ErrorMetrics;
import dev.mcugen.ir.npy.Npy;
import dev.mcugen.ir.npy.NpyArray;
import dev.mcugen.scale.QuantOptions.ActivationImpl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bundled trained examples (TF.js defaults: tanh, hard_sigmoid gates; GRU reset_after false),
 * calibrated on their {@code calibration.npy} and run on their held-out {@code test.npy}: the
 * recurrent state SQNR of every recurrent layer, and the top-1 agreement of the whole integer model
 * (recurrent layers, Dense, softmax) with float.
 */
class ExamplesTest {
    private static final SqnrReport REPORT = new SqnrReport("examples: recurrent state SQNR vs float (test.npy)");

    static Path example(String name) {
        return Path.of(System.getProperty("mcugen.root", ".."), "examples", name);
    }

    /**
     * {@code minSqnr}: har_lstm's trained dynamics are sensitive on a few test windows: the float
     * model fed its own input rounded to the int8 grid (and nothing else quantized) already falls to
     * about 24 dB on windows 12, 41 and 51, so its state SQNR over the set is about 31 dB; its
     * classification is unaffected.
     */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"har_lstm, LUT, 30", "har_lstm, POLY, 30", "kws_gru, LUT, 38", "kws_gru, POLY, 38",
        "stacked_rnn, LUT, 37", "stacked_rnn, POLY, 37"})
    void example(String name, ActivationImpl impl, double minSqnr) {
        Path dir = example(name);
        Graph g = ModelLoader.load(dir.resolve("model.json"));
        NpyArray cal = Npy.read(dir.resolve("calibration.npy"));
        NpyArray test = Npy.read(dir.resolve("test.npy"));
        int n = test.shape().get(0);
        int steps = test.shape().get(1);
        int features = test.shape().get(2);
        Harness h = Harness.quantize(g, cal.toFloatArray(), cal.shape().get(0), steps, Harness.options(impl));
        float[] x = test.toFloatArray();
        for (String layer : h.layers.keySet()) {
            double db = h.compare(layer, x, n, steps).sqnr();
            REPORT.add(name + "/" + layer, impl.name(), db);
            assertThat(db).as("%s %s", name, layer).isGreaterThanOrEqualTo(minSqnr);
        }
        String out = g.outputs().get(0);
        int classes = g.node(out).orElseThrow().outputShape().last();
        float[] ref = new float[n * classes];
        float[] got = new float[n * classes];
        FloatInterpreter fi = new FloatInterpreter(g);
        for (int s = 0; s < n; s++) {
            float[] one = Arrays.copyOfRange(x, s * steps * features, (s + 1) * steps * features);
            float[] r = fi.run(Map.of(g.inputs().get(0).name(), FloatTensor.of(Shape.of(steps, features), one)))
                    .get(out).toArray();
            System.arraycopy(r, 0, ref, s * classes, classes);
            float[] q = Harness.dequantize(h.intOutput(out, one, steps, null), h.typeOf(out));
            System.arraycopy(q, 0, got, s * classes, classes);
        }
        ErrorMetrics m = ErrorMetrics.compare(ref, got, n, classes);
        REPORT.addPercent(name + "/" + out + " (model output)", impl.name() + " top-1 agreement", m.top1Agreement());
        assertThat(m.top1Agreement()).as("%s top-1 agreement", name).isGreaterThanOrEqualTo(0.99);
    }

    @AfterAll
    static void printTable() {
        REPORT.print();
    }
}
