package dev.mcugen.scale.recurrent;

import dev.mcugen.ir.Graph;
import dev.mcugen.ir.ModelLoader;
import dev.mcugen.ir.npy.Npy;
import dev.mcugen.ir.npy.NpyArray;
import dev.mcugen.scale.QuantOptions.ActivationImpl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every TF.js / Keras recurrent fixture ({@code ir/src/test/resources/tfjs}: LSTM, GRU, SimpleRNN with
 * go_backwards, return_sequences on and off, no bias, relu and sigmoid activations, stacked, and the
 * unseen-shape models) quantized on its own input: each recurrent layer's state reaches 35 dB, and
 * each layer output (in the layout return_sequences and go_backwards give) matches float.
 */
class FixturesTest {
    private static final SqnrReport REPORT = new SqnrReport("TF.js fixtures: state SQNR / layer output SQNR vs float");

    static Path fixtures() {
        return Path.of(System.getProperty("mcugen.root", ".."), "ir/src/test/resources/tfjs");
    }

    static Stream<String> recurrentFixtures() throws IOException {
        try (Stream<Path> s = Files.list(fixtures())) {
            return s.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("lstm") || n.startsWith("gru") || n.startsWith("simplernn")
                            || n.startsWith("unseen"))
                    .filter(n -> Files.exists(fixtures().resolve(n).resolve("input.npy")))
                    .sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("recurrentFixtures")
    void fixture(String name) {
        Path dir = fixtures().resolve(name);
        Graph g = ModelLoader.load(dir.resolve("model.json"));
        NpyArray x = Npy.read(dir.resolve("input.npy"));
        int n = x.shape().get(0);
        int steps = x.shape().get(1);
        int f = x.shape().get(2);
        Harness h = Harness.quantize(g, x.toFloatArray(), n, steps, Harness.options(ActivationImpl.LUT));
        assertThat(h.layers).isNotEmpty();
        for (String layer : h.layers.keySet()) {
            double state = h.compare(layer, x.toFloatArray(), n, steps).sqnr();
            double signal = 0;
            double noise = 0;
            for (int s = 0; s < n; s++) {
                float[] one = Arrays.copyOfRange(x.toFloatArray(), s * steps * f, (s + 1) * steps * f);
                float[] ref = h.floatOutput(layer, one, steps);
                float[] got = Harness.dequantize(h.intOutput(layer, one, steps, null), h.typeOf(layer));
                assertThat(got).hasSameSizeAs(ref);
                for (int i = 0; i < ref.length; i++) {
                    signal += ref[i] * ref[i];
                    noise += (ref[i] - got[i]) * (ref[i] - got[i]);
                }
            }
            double output = 10 * Math.log10(signal / noise);
            REPORT.add(name + "/" + layer, "state", state);
            REPORT.add(name + "/" + layer, "output", output);
            assertThat(state).as("%s %s state", name, layer).isGreaterThanOrEqualTo(35.0);
            assertThat(output).as("%s %s output", name, layer).isGreaterThanOrEqualTo(30.0);
        }
    }

    @AfterAll
    static void printTable() {
        REPORT.print();
    }
}
