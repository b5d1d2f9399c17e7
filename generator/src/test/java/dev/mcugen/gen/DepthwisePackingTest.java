package dev.mcugen.gen;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcugen.ir.Padding;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.quant.IntObserver;
import dev.mcugen.ir.quant.IntTensor;
import dev.mcugen.ir.quant.QDepthwiseConv;
import dev.mcugen.ir.quant.QGraph;
import dev.mcugen.ir.quant.QInput;
import dev.mcugen.ir.quant.QuantType;
import dev.mcugen.ir.quant.Rescale;
import dev.mcugen.ir.sim.FixedPointSimulator;
import dev.mcugen.scale.QuantOptions.Target;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packed depthwise layer of {@code mcu_depthwise_conv_packed_s8}: the record the generator writes
 * (doubled biases and weights in the two lane orders, multipliers, addends, shifts), which layers and targets get it,
 * and the generated C on the host (portable path, UBSan) against the simulator.
 */
class DepthwisePackingTest {
    @TempDir
    Path tmp;

    private static final QuantType T8 = new QuantType(8, -128, 127, 0.05, 3);

    private static QDepthwiseConv layer(int h, int w, int c, int m, int k, int stride, Padding pad, long[] weights,
                                        long[] bias, List<Rescale> rs, int actMin, int actMax) {
        int oh = pad == Padding.SAME ? (h + stride - 1) / stride : (h - k) / stride + 1;
        int ow = pad == Padding.SAME ? (w + stride - 1) / stride : (w - k) / stride + 1;
        return new QDepthwiseConv("dw", "x", Shape.of(h, w, c), Shape.of(oh, ow, c * m), T8, m, k, k, stride, stride, 1, 1,
                pad, -5, IntTensor.of(Shape.of(k, k, c, m), 8, weights), IntTensor.of(Shape.of(c * m), 32, bias), rs, 0,
                actMin, actMax);
    }

    private static long[] ramp(int n, int mod) {
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
            v[i] = (i * 37) % (2 * mod + 1) - mod;
        }
        return v;
    }

    @Test
    void recordHoldsDoubledBiasesWeightsInLaneOrderAndMultipliers() {
        // 1x1 kernel, 5 channels: two blocks, the second padded with zeros
        long[] w = {1, -2, 3, -4, 5};
        long[] b = {10, -20, 30, -40, 50};
        List<Rescale> rs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            rs.add(new Rescale(false, (1 << 30) + i, -7));
        }
        QDepthwiseConv c = layer(2, 2, 5, 1, 1, 1, Padding.VALID, w, b, rs, -128, 127);
        int m = 1 << 30;
        int add = (1 << 6) + 3 * (1 << 7); // 2^(right-1) + zp 2^right, zp 3, right 7
        int[] h16 = DepthwisePacking.H16.pack(c);
        assertThat(h16).hasSize(2 * (16 + 2));
        assertThat(java.util.Arrays.copyOfRange(h16, 0, 18)).containsExactly(20, -40, 60, -80,
                (2 & 0xFFFF) | (6 << 16), (-4 & 0xFFFF) | (-8 << 16),
                m, m + 1, add, add, 7, 7, m + 2, m + 3, add, add, 7, 7);
        assertThat(java.util.Arrays.copyOfRange(h16, 18, 36)).containsExactly(100, 0, 0, 0, 10, 0,
                m + 4, 0, add, 0, 7, 0, 0, 0, 0, 0, 0, 0);
        int[] w32 = DepthwisePacking.W32.pack(c);
        assertThat(w32).hasSize(2 * (16 + 4));
        assertThat(java.util.Arrays.copyOfRange(w32, 0, 20)).containsExactly(20, -40, 60, -80, 2, -4, 6, -8,
                m, m + 1, add, add, 7, 7, m + 2, m + 3, add, add, 7, 7);
    }

    @Test
    void packedOnlyWhereTheKernelsPreconditionsHold() {
        List<Rescale> ok = List.of(new Rescale(false, 1 << 30, -9));
        QDepthwiseConv c = layer(5, 5, 4, 1, 3, 1, Padding.SAME, ramp(36, 100), ramp(4, 1000), ok, -128, 127);
        assertThat(DepthwisePacking.forLayer(Target.CORTEX_M4, c, true)).isEqualTo(DepthwisePacking.H16);
        assertThat(DepthwisePacking.forLayer(Target.CORTEX_M55, c, true)).isEqualTo(DepthwisePacking.H16);
        assertThat(DepthwisePacking.forLayer(Target.HOST, c, true)).isEqualTo(DepthwisePacking.H16);
        assertThat(DepthwisePacking.forLayer(Target.CORTEX_M3, c, true)).isEqualTo(DepthwisePacking.W32);
        assertThat(DepthwisePacking.forLayer(Target.CORTEX_M0, c, true)).isNull();
        assertThat(DepthwisePacking.forLayer(Target.NEON, c, true)).isNull();
        assertThat(DepthwisePacking.forLayer(Target.CORTEX_M4, c, false)).as("int16 input").isNull();
        QDepthwiseConv m2 = layer(5, 5, 2, 2, 3, 1, Padding.SAME, ramp(36, 100), ramp(4, 1000), ok, -128, 127);
        assertThat(DepthwisePacking.forLayer(Target.CORTEX_M4, m2, true)).as("multiplier 2").isNull();
        QDepthwiseConv pot = layer(5, 5, 4, 1, 3, 1, Padding.SAME, ramp(36, 100), ramp(4, 1000),
                List.of(Rescale.pot(-9)), -128, 127);
        assertThat(DepthwisePacking.forLayer(Target.CORTEX_M4, pot, true)).as("power-of-two rescale").isNull();
        QDepthwiseConv mixed = layer(5, 5, 2, 1, 3, 1, Padding.SAME, ramp(18, 100), ramp(2, 1000),
                List.of(new Rescale(false, 1 << 30, -9), new Rescale(false, 1 << 30, -8)), -128, 127);
        assertThat(DepthwisePacking.forLayer(Target.CORTEX_M4, mixed, true)).as("a shift per channel")
                .isEqualTo(DepthwisePacking.H16);
        QDepthwiseConv zero = layer(5, 5, 2, 1, 3, 1, Padding.SAME, ramp(18, 100), ramp(2, 1000),
                List.of(new Rescale(false, 1 << 30, -9), new Rescale(false, 1 << 30, 0)), -128, 127);
        assertThat(DepthwisePacking.forLayer(Target.CORTEX_M4, zero, true)).as("shift 0").isNull();
        QDepthwiseConv far = layer(5, 5, 4, 1, 3, 1, Padding.SAME, ramp(36, 100), ramp(4, 1000),
                List.of(new Rescale(false, 1 << 30, -23)), -128, 127);
        assertThat(DepthwisePacking.forLayer(Target.CORTEX_M4, far, true)).as("shift -23").isNull();
        QDepthwiseConv big = layer(5, 5, 4, 1, 3, 1, Padding.SAME, ramp(36, 100), new long[] {(1 << 30) - 1, 0, 0, 0}, ok,
                -128, 127);
        assertThat(DepthwisePacking.forLayer(Target.CORTEX_M4, big, true)).as("accumulator >= 2^30").isNull();
    }

    @Test
    void generatedPackedKernelMatchesSimulatorOnHost() throws Exception {
        HostC.requireGcc();
        Random rnd = new Random(15);
        int n = 0;
        // 3x3 stride 1 and 2 with channel counts a multiple of 4 and not, a 5x5 kernel, relu-like clamp
        int[][] shapes = {{6, 5, 8, 3, 1}, {7, 9, 6, 3, 2}, {6, 7, 5, 5, 1}, {4, 6, 12, 3, 2}};
        for (int[] s : shapes) {
            int h = s[0], w = s[1], c = s[2], k = s[3], stride = s[4];
            long[] weights = new long[k * k * c];
            for (int i = 0; i < weights.length; i++) {
                weights[i] = rnd.nextInt(255) - 127;
            }
            long[] bias = new long[c];
            List<Rescale> rs = new ArrayList<>();
            for (int i = 0; i < c; i++) {
                bias[i] = rnd.nextInt(20001) - 10000;
                rs.add(new Rescale(false, (1 << 30) + rnd.nextInt(1 << 30), -10 - rnd.nextInt(3)));
            }
            boolean relu = n % 2 == 1;
            QDepthwiseConv dc = layer(h, w, c, 1, k, stride, n == 2 ? Padding.VALID : Padding.SAME, weights, bias, rs,
                    relu ? 3 : -128, relu ? 100 : 127);
            QInput in = new QInput("x", Shape.of(h, w, c), new QuantType(8, -128, 127, 0.02, -5));
            QGraph g = new QGraph("dwp" + n, List.of(in), List.of(dc), List.of(dc.name()));
            GenOptions opts = new GenOptions("dwp" + n, List.of());
            Map<String, byte[]> files = new CGenerator().generate(g, opts);
            String model = new String(files.get("dwp" + n + ".c"), StandardCharsets.UTF_8);
            assertThat(model).contains("mcu_depthwise_conv_packed_s8(").contains("MCU_DW_PACKED_H16");
            List<int[]> xs = new ArrayList<>();
            for (int sample = 0; sample < 3; sample++) {
                int[] x = new int[h * w * c];
                for (int i = 0; i < x.length; i++) {
                    x[i] = rnd.nextInt(256) - 128;
                }
                xs.add(x);
            }
            List<int[]> got = HostC.run(tmp.resolve("dwp" + n), "dwp" + n, files, xs);
            FixedPointSimulator sim = new FixedPointSimulator(g);
            for (int sample = 0; sample < xs.size(); sample++) {
                int[] want = sim.run(Map.of("x", xs.get(sample)), IntObserver.NONE).get(dc.name());
                assertThat(got.get(sample)).as("shape %d sample %d", n, sample).containsExactly(want);
            }
            n++;
        }
    }
}
