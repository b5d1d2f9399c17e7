package dev.mcugen.ir.tflite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.mcugen.ir.Diag;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.quant.IntObserver;
import dev.mcugen.ir.quant.QFullyConnected;
import dev.mcugen.ir.quant.QGraph;
import dev.mcugen.ir.sim.FixedPointSimulator;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Small quantized {@code .tflite} files written here: the mapped integer graph computes what TFLite's
 * reference FULLY_CONNECTED computes (a transcription of it in this test, on saturating and rounding
 * edge cases), and files TFLite itself refuses or mcugen cannot keep are refused in one line with the
 * op or tensor named.
 */
class TfliteQuantMapperTest {
    @TempDir
    Path tmp;

    private static final int FC = 9;
    private static final int TANH = 28;
    private static final int FLOOR = 8;
    private static final int INT4 = 17;

    /** A FULLY_CONNECTED [1, 4] -> [1, 2] with the given weight type / zero point, then optionally another op. */
    private byte[] fc(int weightType, long weightZp, int fused, Integer then) {
        TfliteWriter w = new TfliteWriter();
        int x = w.tensor("x", TfliteModel.INT8, new int[] {1, 4}, null, null, false);
        w.quantize(x, new float[] {0.5f}, new long[] {-3}, 0);
        byte[] wv = {127, -128, 5, -7, 64, 1, -1, 0};
        int k = w.tensor("w", weightType, new int[] {2, 4}, null, wv, false);
        w.quantize(k, new float[] {0.25f}, new long[] {weightZp}, 0);
        ByteBuffer bb = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(-1000).putInt(37);
        int b = w.tensor("b", TfliteModel.INT32, new int[] {2}, null, bb.array(), false);
        w.quantize(b, new float[] {0.125f}, new long[] {0}, 0);
        int y = w.tensor("y", TfliteModel.INT8, new int[] {1, 2}, null, null, false);
        w.quantize(y, new float[] {0.1f}, new long[] {7}, 0);
        w.op(FC, new int[] {x, k, b}, new int[] {y}, TfliteWriter.FULLY_CONNECTED_OPTIONS, TfliteWriter.fullyConnected(fused, false));
        int out = y;
        if (then != null) {
            out = w.tensor("z", TfliteModel.INT8, new int[] {1, 2}, null, null, false);
            w.quantize(out, new float[] {1f / 128}, new long[] {0}, 0);
            w.op(then, new int[] {y}, new int[] {out}, 0, null);
        }
        return w.io(new int[] {x}, new int[] {out}).build();
    }

    private Path write(byte[] bytes) throws IOException {
        return Files.write(tmp.resolve("m.tflite"), bytes);
    }

    /** TFLite's MultiplyByQuantizedMultiplier, transcribed with 64-bit arithmetic for the test. */
    private static int tfliteRequant(int x, int multiplier, int shift) {
        int left = Math.max(shift, 0);
        int right = Math.max(-shift, 0);
        long a = (long) x << left;
        long p = a * multiplier;
        long nudge = p >= 0 ? 1L << 30 : 1 - (1L << 30);
        int high = (int) ((p + nudge) / (1L << 31));
        int mask = (1 << right) - 1;
        int rem = high & mask;
        int threshold = (mask >> 1) + (high < 0 ? 1 : 0);
        return (high >> right) + (rem > threshold ? 1 : 0);
    }

    @Test
    void fullyConnectedComputesTflitesIntegersOnEdgeInputs() throws IOException {
        QGraph g = TfliteImporter.loadQuantized(write(fc(TfliteModel.INT8, 0, 3 /* RELU6 */, null))).orElseThrow();
        QFullyConnected fc = (QFullyConnected) g.nodes().get(0);
        // effective scale (double) 0.5 * (double) 0.25 / (double) 0.1f, TFLite's QuantizeMultiplier
        double real = 0.5 * 0.25 / (double) 0.1f;
        int exp = Math.getExponent(real) + 1;
        long mult = Math.round(Math.scalb(real, 31 - exp));
        assertThat(fc.rescaleOf(0).multiplier()).isEqualTo((int) mult);
        assertThat(fc.rescaleOf(0).shift()).isEqualTo(exp);
        assertThat(fc.rescaleOf(0).powerOfTwo()).isFalse();
        // RELU6 on scale 0.1, zero point 7: [7, 7 + round(6 / 0.1)]
        assertThat(fc.actMin()).isEqualTo(7);
        assertThat(fc.actMax()).isEqualTo(67);
        FixedPointSimulator sim = new FixedPointSimulator(g);
        int[][] inputs = {{-128, -128, -128, -128}, {127, 127, 127, 127}, {-3, -3, -3, -3}, {0, 1, -1, 100}, {127, -128, 5, -7}};
        byte[] wv = {127, -128, 5, -7, 64, 1, -1, 0};
        int[] bias = {-1000, 37};
        for (int[] x : inputs) {
            int[] got = sim.run(Map.of("x", x), IntObserver.NONE).get("y");
            for (int u = 0; u < 2; u++) {
                int acc = 0;
                for (int i = 0; i < 4; i++) {
                    acc += (x[i] + 3) * wv[u * 4 + i];
                }
                acc += bias[u];
                int want = Math.min(67, Math.max(7, tfliteRequant(acc, (int) mult, exp) + 7));
                assertThat(got[u]).as("input %s unit %d", java.util.Arrays.toString(x), u).isEqualTo(want);
            }
        }
    }

    @Test
    void aFloatFileIsNotQuantized() throws IOException {
        TfliteWriter w = new TfliteWriter();
        int x = w.activation("x", 1, 2);
        int y = w.activation("y", 1, 2);
        w.op(TANH, new int[] {x}, new int[] {y}, 0, null);
        assertThat(TfliteImporter.loadQuantized(write(w.io(new int[] {x}, new int[] {y}).build()))).isEmpty();
    }

    private McugenException refused(byte[] bytes, Diag diag) throws IOException {
        Path p = write(bytes);
        Throwable t = catchThrowable(() -> TfliteImporter.loadQuantized(p));
        assertThat(t).isInstanceOf(McugenException.class);
        McugenException e = (McugenException) t;
        assertThat(e.diag()).as(e.getMessage()).isEqualTo(diag);
        assertThat(e.getMessage()).contains(p.toString()).doesNotContain("\n");
        return e;
    }

    @Test
    void asymmetricInt8WeightsAreRefusedNamingTheTensor() throws IOException {
        assertThat(refused(fc(TfliteModel.INT8, 3, 0, null), Diag.MCG_TFLITE_QUANT_PARAMS).getMessage())
                .contains("'w'").contains("zero point 3");
    }

    @Test
    void int4WeightsAreRefused() throws IOException {
        assertThat(refused(fc(INT4, 0, 0, null), Diag.MCG_TFLITE_QUANT_PARAMS).getMessage()).contains("'w'").contains("INT4");
    }

    @Test
    void anOpWithoutAnIntegerKernelIsRefusedNamingOpAndTensor() throws IOException {
        assertThat(refused(fc(TfliteModel.INT8, 0, 0, FLOOR), Diag.MCG_TFLITE_QUANT_UNSUPPORTED).getMessage())
                .contains("FLOOR").contains("'z'").contains("FULLY_CONNECTED");
    }
}
