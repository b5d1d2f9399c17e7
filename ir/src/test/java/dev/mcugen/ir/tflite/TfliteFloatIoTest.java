package dev.mcugen.ir.tflite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcugen.ir.npy.Npy;
import dev.mcugen.ir.quant.IntObserver;
import dev.mcugen.ir.quant.QGraph;
import dev.mcugen.ir.quant.QuantType;
import dev.mcugen.ir.sim.FixedPointSimulator;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A quantized file with float32 I/O (QUANTIZE after the input, DEQUANTIZE before the output, as
 * TFLite's converter writes it by default): its integer graph runs between those two ops, and with
 * the input quantized and the output dequantized as they do, it computes what Arm NN computes from the
 * float file, and what the same graph with int8 I/O computes on the same integers.
 */
class TfliteFloatIoTest {
    private static final Path DIR = Path.of("src/test/resources/tflite-quant/float_io");

    @Test
    void theGraphRunsBetweenQuantizeAndDequantize() {
        QGraph g = TfliteImporter.loadQuantized(DIR.resolve("model.tflite")).orElseThrow();
        assertThat(g.inputs()).singleElement().satisfies(in -> {
            assertThat(in.name()).isEqualTo("tfl.quantize");
            assertThat(in.type().scale()).isEqualTo((double) TfliteFloatIoFixture.IN_SCALE);
            assertThat(in.type().zeroPoint()).isEqualTo((int) TfliteFloatIoFixture.IN_ZP);
        });
        // the two FULLY_CONNECTED layers; QUANTIZE and DEQUANTIZE are the caller's
        assertThat(g.nodes()).hasSize(2);
        assertThat(g.outputs()).containsExactly("sequential/dense_1/BiasAdd");
        assertThat(TfliteFileParameters.read(DIR.resolve("model.tflite")).floatIo()).isTrue();
        assertThat(TfliteFileParameters.read(DIR.resolve("model_int8io.tflite")).floatIo()).isFalse();
    }

    @Test
    void quantizedAndDequantizedItEqualsArmNnAndTheInt8IoGraph() {
        QGraph g = TfliteImporter.loadQuantized(DIR.resolve("model.tflite")).orElseThrow();
        QGraph twin = TfliteImporter.loadQuantized(DIR.resolve("model_int8io.tflite")).orElseThrow();
        float[] xs = Npy.read(DIR.resolve("input.npy")).toFloatArray();
        float[] want = Npy.read(DIR.resolve("expected_armnn.npy")).toFloatArray();
        FixedPointSimulator sim = new FixedPointSimulator(g);
        FixedPointSimulator sim8 = new FixedPointSimulator(twin);
        QuantType in = g.inputs().get(0).type();
        QuantType out = sim.outputType(g.outputs().get(0));
        int distinct = 0;
        for (int s = 0; s < 8; s++) {
            int[] q = new int[8];
            for (int i = 0; i < 8; i++) {
                q[i] = TfliteFloatIo.quantize(xs[s * 8 + i], in);
            }
            int[] y = sim.run(Map.of("tfl.quantize", q), IntObserver.NONE).get(g.outputs().get(0));
            int[] y8 = sim8.run(Map.of(twin.inputs().get(0).name(), q), IntObserver.NONE).get(twin.outputs().get(0));
            assertThat(y).isEqualTo(y8);
            for (int k = 0; k < 3; k++) {
                assertThat(TfliteFloatIo.dequantize(y[k], out)).as("sample %d output %d", s, k).isEqualTo(want[s * 3 + k]);
                distinct += y[k] > out.qmin() && y[k] < out.qmax() ? 1 : 0;
            }
        }
        // most outputs lie inside the range: the comparison is not of clamped ends alone
        assertThat(distinct).isGreaterThan(12);
    }

    @Test
    void quantizeRoundsTiesAwayFromZeroInFloat32AndClamps() {
        QuantType t = new QuantType(8, -128, 127, 0.5, 3);
        assertThat(TfliteFloatIo.quantize(1.25f, t)).isEqualTo(3 + 3); // 2.5 -> 3
        assertThat(TfliteFloatIo.quantize(-1.25f, t)).isEqualTo(-3 + 3); // -2.5 -> -3
        assertThat(TfliteFloatIo.quantize(1.2f, t)).isEqualTo(2 + 3);
        assertThat(TfliteFloatIo.quantize(1000f, t)).isEqualTo(127);
        assertThat(TfliteFloatIo.quantize(-1000f, t)).isEqualTo(-128);
        assertThat(TfliteFloatIo.dequantize(127, t)).isEqualTo(62.0f);
    }
}
