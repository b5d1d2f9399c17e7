package dev.mcugen.ir.tflite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcugen.ir.SharedFiles;
import dev.mcugen.ir.npy.Npy;
import dev.mcugen.ir.npy.NpyArray;
import dev.mcugen.ir.quant.IntObserver;
import dev.mcugen.ir.quant.QGraph;
import dev.mcugen.ir.sim.FixedPointSimulator;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The int8 zoo models run in the fixed-point simulator with the file's own parameters give, on every
 * sample of {@code test_int8.npy} exactly the integers
 * TensorFlow Lite Micro's reference kernels computed ({@code expected_tflm_int8.npy}): every element equal.
 * The MNIST LSTM starts each sample from the zero state, as that oracle was made.
 */
class TfliteQuantZooTest {
    @ParameterizedTest
    @CsvSource({
            "hello_world, hello_world_int8.tflite, 256",
            "ad01, ad01_int8.tflite, 96",
            "resnet8, pretrainedResnet_quant.tflite, 128",
            "vww, vww_96_int8.tflite, 64",
            "mnist_lstm, trained_lstm_int8.tflite, 100"})
    void everyOutputEqualsTfliteMicro(String model, String file, int samples) {
        QGraph g = TfliteImporter.loadQuantized(SharedFiles.zoo(model, file)).orElseThrow();
        NpyArray in = Npy.read(SharedFiles.zoo(model, "test_int8.npy"));
        NpyArray expected = Npy.read(SharedFiles.zoo(model, "expected_tflm_int8.npy"));
        assertThat(g.inputs()).hasSize(1);
        assertThat(g.outputs()).hasSize(1);
        int inSize = g.inputs().get(0).shape().size();
        int[] x = in.toIntArray();
        int[] want = expected.toIntArray();
        int outSize = want.length / expected.shape().get(0);
        assertThat(in.shape().get(0)).isEqualTo(samples);
        assertThat(expected.shape().get(0)).isEqualTo(samples);
        FixedPointSimulator sim = new FixedPointSimulator(g);
        int mismatches = 0;
        String first = null;
        for (int s = 0; s < samples; s++) {
            int[] sample = Arrays.copyOfRange(x, s * inSize, (s + 1) * inSize);
            int[] got = sim.run(Map.of(g.inputs().get(0).name(), sample), IntObserver.NONE).get(g.outputs().get(0));
            int[] exp = Arrays.copyOfRange(want, s * outSize, (s + 1) * outSize);
            for (int i = 0; i < outSize; i++) {
                if (got[i] != exp[i]) {
                    mismatches++;
                    if (first == null) {
                        first = "sample " + s + " element " + i + ": " + got[i] + " vs TFLM " + exp[i];
                    }
                }
            }
        }
        assertThat(mismatches).as("elements unequal to TFLite Micro's, first: %s", first).isZero();
    }
}
