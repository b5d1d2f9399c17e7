package dev.mcugen.ir.tflite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.mcugen.ir.Diag;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.npy.Npy;
import dev.mcugen.ir.npy.NpyArray;
import dev.mcugen.ir.quant.IntObserver;
import dev.mcugen.ir.quant.QGraph;
import dev.mcugen.ir.quant.QuantType;
import dev.mcugen.ir.sim.FixedPointSimulator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The quantized ops of {@link TfliteQuantOps} against TFLite's integer formulas, transcribed in this test
 * (QuantizeMultiplier, MultiplyByQuantizedMultiplier, the ADD/SUB/MUL schemes, the activation radius),
 * on the fixtures of {@code src/test/resources/tflite-quant/} (every int8 input value in their first
 * sample), and against Arm NN's CpuRef, which computes several of them through float.
 */
class TfliteQuantOpsTest {
    private static final Path DIR = Path.of("src/test/resources/tflite-quant");

    @TempDir
    Path tmp;

    private static QGraph graph(String name) {
        return TfliteImporter.loadQuantized(DIR.resolve(name).resolve("model.tflite")).orElseThrow();
    }

    /** The simulator's outputs for the fixture's 3 samples, concatenated. */
    private static int[] simulate(String name) {
        QGraph g = graph(name);
        NpyArray in = Npy.read(DIR.resolve(name).resolve("input.npy"));
        int[] x = in.toIntArray();
        int n = x.length / 3;
        FixedPointSimulator sim = new FixedPointSimulator(g);
        int[] out = null;
        for (int s = 0; s < 3; s++) {
            int[] y = sim.run(Map.of(g.inputs().get(0).name(), Arrays.copyOfRange(x, s * n, (s + 1) * n)), IntObserver.NONE)
                    .get(g.outputs().get(0));
            if (out == null) {
                out = new int[3 * y.length];
            }
            System.arraycopy(y, 0, out, s * y.length, y.length);
        }
        return out;
    }

    private static int[] input(String name) {
        return Npy.read(DIR.resolve(name).resolve("input.npy")).toIntArray();
    }

    // --- TFLite's arithmetic, transcribed -----------------------------------------------------------

    /** QuantizeMultiplier: frexp, the mantissa times 2^31 rounded (half away), 2^31 folded back. {m, shift}. */
    private static int[] quantizeMultiplier(double real) {
        int shift = Math.getExponent(real) + 1;
        long q = Math.round(real / Math.pow(2, shift) * (1L << 31));
        if (q == 1L << 31) {
            q /= 2;
            shift++;
        }
        return new int[] {(int) q, shift};
    }

    /** MultiplyByQuantizedMultiplier with 64-bit intermediates. */
    private static int mbqm(int x, int m, int shift) {
        long a = (long) x << Math.max(shift, 0);
        long p = a * m;
        long nudge = p >= 0 ? 1L << 30 : 1 - (1L << 30);
        long high = (p + nudge) / (1L << 31);
        int right = Math.max(-shift, 0);
        long mask = (1L << right) - 1;
        long rem = high & mask;
        long threshold = (mask >> 1) + (high < 0 ? 1 : 0);
        return (int) ((high >> right) + (rem > threshold ? 1 : 0));
    }

    private static int clamp(int v, int lo, int hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    // --- activations --------------------------------------------------------------------------------

    @Test
    void logisticSaturatesBeyondTflitesRadiusAndStaysWithinOneUnitOfTheSigmoid() {
        int[] y = simulate("logistic_s8");
        int[] x = input("logistic_s8");
        // input scale 0.05f, zero point 5: 0.05f * 2^27 = 6710886.5 -> frexp exponent 23, radius floor(15 * 2^27 / 2^23) = 240
        double real = (double) 0.05f * (1 << 27);
        assertThat(Math.getExponent(real) + 1).isEqualTo(23);
        int radius = (int) Math.floor(15.0 * (1 << 27) / (1 << 23));
        assertThat(radius).isEqualTo(240);
        for (int i = 0; i < x.length; i++) {
            int d = x[i] - 5;
            double want = Math.round(256 / (1 + Math.exp(-0.05f * d))) - 128;
            if (d <= -radius) {
                assertThat(y[i]).isEqualTo(-128);
            }
            assertThat((double) y[i]).as("x=%d", x[i]).isCloseTo(Math.min(127, want), org.assertj.core.data.Offset.offset(1.0));
        }
        // sigmoid(0) = 1/2 exactly: gemmlowp's 2^30, rounded by 2^23 to 128, minus 128
        assertThat(y[5 + 128]).isZero();
        for (int i = 1; i < 256; i++) {
            assertThat(y[i]).as("monotone at %d", x[i]).isGreaterThanOrEqualTo(y[i - 1]);
        }
        // the largest input: sigmoid(6.1) = 0.99776 -> 255.4 on Q0.8, 127 once shifted and clamped
        assertThat(y[255]).isEqualTo(127);
    }

    @Test
    void tanhIsOddAndWithinOneUnitOfTanh() {
        int[] y = simulate("tanh_s8");
        int[] x = input("tanh_s8");
        for (int i = 0; i < 256; i++) {
            int d = x[i] + 3;
            double want = Math.max(-128, Math.min(127, Math.round(128 * Math.tanh(0.04f * d))));
            assertThat((double) y[i]).as("x=%d", x[i]).isCloseTo(want, org.assertj.core.data.Offset.offset(1.0));
        }
        assertThat(y[-3 + 128]).isZero();
        for (int d = 1; d <= 124; d++) {
            // gemmlowp's tanh is odd and RoundingDivideByPOT rounds ties away from zero: y(-d) = -y(d) until
            // the positive side reaches 127 (128 on Q0.7 is clamped to 127, while -128 stays)
            int pos = y[-3 + 128 + d];
            if (pos < 127) {
                assertThat(y[-3 + 128 - d]).as("d=%d", d).isEqualTo(-pos);
            } else {
                assertThat(y[-3 + 128 - d]).as("d=%d", d).isIn(-127, -128);
            }
        }
    }

    @Test
    void hardSwishFollowsTheFloatFunctionWithinOneUnit() {
        int[] y = simulate("hard_swish_s8");
        int[] x = input("hard_swish_s8");
        for (int i = 0; i < 256; i++) {
            double v = 0.05f * (x[i] + 20);
            double hs = v * Math.min(6, Math.max(0, v + 3)) / 6;
            double want = Math.max(-128, Math.min(127, Math.round(hs / 0.03f) - 100));
            assertThat((double) y[i]).as("x=%d", x[i]).isCloseTo(want, org.assertj.core.data.Offset.offset(1.0));
        }
        // below -3 the function is 0: exactly the output zero point
        assertThat(y[0]).isEqualTo(-100);
    }

    @Test
    void reluRequantizesWithTflitesMultiplierAndClampsAtTheOutputZeroPoint() {
        int[] y = simulate("relu_s8");
        int[] x = input("relu_s8");
        int[] ms = quantizeMultiplier((double) 0.1f / (double) 0.05f);
        for (int i = 0; i < x.length; i++) {
            assertThat(y[i]).isEqualTo(clamp(-128 + mbqm(x[i] + 10, ms[0], ms[1]), -128, 127));
        }
    }

    @Test
    void relu6ClampsTheRawInt16InputToZeroAndSix() {
        int[] y = simulate("relu6_s16");
        int[] x = input("relu6_s16");
        int six = Math.round(6f / 0.0004f); // 15000
        assertThat(six).isEqualTo(15000);
        for (int i = 0; i < x.length; i++) {
            assertThat(y[i]).isEqualTo(clamp(x[i], 0, six));
        }
    }

    // --- element-wise -------------------------------------------------------------------------------

    @Test
    void mulByAChannelVectorIsTflitesMulElementwiseWithItsFusedRelu6() {
        int[] y = simulate("mul_channel_s8");
        int[] x = input("mul_channel_s8");
        int[] ms = quantizeMultiplier((double) 0.02f * (double) 0.01f / (double) 0.008f);
        // RELU6 on scale 0.008, zero point -60: [-60, min(127, -60 + round(6 / 0.008))] = [-60, 127]
        for (int i = 0; i < x.length; i++) {
            int c = ((i % 64) * 37) % 256 - 128;
            int want = clamp(-60 + mbqm((x[i] + 128) * (c - 127), ms[0], ms[1]), -60, 127);
            assertThat(y[i]).as("element %d", i).isEqualTo(want);
        }
    }

    @Test
    void int16SquareSaturates() {
        int[] y = simulate("mul_square_s16");
        int[] x = input("mul_square_s16");
        int[] ms = quantizeMultiplier((double) (1f / 4096) * (double) (1f / 4096) / (double) (1f / 512));
        int saturated = 0;
        for (int i = 0; i < x.length; i++) {
            int want = clamp(mbqm(x[i] * x[i], ms[0], ms[1]), -32768, 32767);
            saturated += want == 32767 ? 1 : 0;
            assertThat(y[i]).isEqualTo(want);
        }
        assertThat(saturated).isPositive();
    }

    /** TFLite's SUB/ADD for one pair: inputs shifted by 2^left, scaled to 2 max(s), combined, scaled to the output. */
    private static int addSub(int a, int za, float sa, int b, int zb, float sb, float sy, int zy, int left, boolean sub,
                               boolean floatRatios, int lo, int hi) {
        int[] ma;
        int[] mb;
        int[] mo;
        if (floatRatios) {
            float twice = 2 * Math.max(sa, sb);
            ma = quantizeMultiplier(sa / twice);
            mb = quantizeMultiplier(sb / twice);
            mo = quantizeMultiplier(twice / ((1 << left) * sy));
        } else {
            double twice = 2 * (double) Math.max(sa, sb);
            ma = quantizeMultiplier(sa / twice);
            mb = quantizeMultiplier(sb / twice);
            mo = quantizeMultiplier(twice / ((1 << left) * (double) sy));
        }
        int ta = mbqm((a - za) * (1 << left), ma[0], ma[1]);
        int tb = mbqm((b - zb) * (1 << left), mb[0], mb[1]);
        return clamp(zy + mbqm(sub ? ta - tb : ta + tb, mo[0], mo[1]), lo, hi);
    }

    @Test
    void subFromAConstantVectorUsesTflitesFloatRatiosAndLeftShift20() {
        int[] y = simulate("sub_channel_s8");
        int[] x = input("sub_channel_s8");
        for (int i = 0; i < x.length; i++) {
            int c = 127 - 4 * (i % 64);
            assertThat(y[i]).as("element %d", i).isEqualTo(addSub(c, -7, 0.05f, x[i], 10, 0.03f, 0.06f, 3, 20, true, true, -128, 127));
        }
    }

    @Test
    void int16SubOfTwoGraphTensorsUsesLeftShift15AndTheFusedReluN1To1() {
        int[] y = simulate("sub_relu_s16");
        int[] x = input("sub_relu_s16");
        int[] mr = quantizeMultiplier((double) 0.0003f / (double) 0.0002f);
        // RELU_N1_TO_1 on scale 0.0001: [round(-1 / 0.0001), round(1 / 0.0001)] = [-10000, 10000]
        int lo = -Math.round(1f / 0.0001f);
        int hi = Math.round(1f / 0.0001f);
        int clamped = 0;
        for (int i = 0; i < x.length; i++) {
            int relu = clamp(mbqm(x[i], mr[0], mr[1]), 0, 32767);
            int want = addSub(x[i], 0, 0.0003f, relu, 0, 0.0002f, 0.0001f, 0, 15, true, true, lo, hi);
            clamped += want == lo ? 1 : 0;
            assertThat(y[i]).as("element %d", i).isEqualTo(want);
        }
        assertThat(clamped).isPositive();
    }

    @Test
    void int16AddOfAConstantScalarUsesLeftShift15AndTheFusedRelu() {
        QGraph g = graph("add_scalar_s16");
        int[] x = input("add_scalar_s16");
        int[] y = simulate("add_scalar_s16");
        assertThat(g.nodes()).hasSize(1);
        for (int i = 0; i < x.length; i++) {
            assertThat(y[i]).as("element %d", i).isEqualTo(addSub(x[i], 0, 0.0005f, -12345, 0, 0.0002f, 0.0007f, 0, 15, false,
                    false, 0, 32767));
        }
    }

    @Test
    void concatenationCopiesTheIntegersOfInputsOfOtherScales() {
        int[] y = simulate("concat_relu_s8");
        int[] x = input("concat_relu_s8");
        int[] ms = quantizeMultiplier((double) 0.1f / (double) 0.05f);
        for (int s = 0; s < 3; s++) {
            for (int row = 0; row < 4; row++) {
                for (int c = 0; c < 64; c++) {
                    int xi = x[s * 256 + row * 64 + c];
                    assertThat(y[s * 512 + row * 128 + c]).isEqualTo(xi);
                    // the RELU half keeps its own scale 0.05 / zero point -128, copied unchanged
                    assertThat(y[s * 512 + row * 128 + 64 + c]).isEqualTo(clamp(-128 + mbqm(xi + 10, ms[0], ms[1]), -128, 127));
                }
            }
        }
    }

    @Test
    void dequantizeAtTheOutputLeavesTheIntegersAndTheirScale() {
        QGraph g = graph("tanh_dequantize_s8");
        assertThat(g.outputs()).containsExactly("tanh");
        QuantType t = g.nodes().get(0).outputType();
        assertThat(t.bits()).isEqualTo(8);
        assertThat((float) t.scale()).isEqualTo(1f / 128);
        assertThat(t.zeroPoint()).isZero();
    }

    @Test
    void meanWithKeptDimensionsIsTflitesRescaledRoundedMean() {
        int[] y = simulate("mean_keep_s8");
        int[] x = input("mean_keep_s8");
        int[] ms = quantizeMultiplier((double) 0.05f / (double) 0.03f);
        int n = 32;
        for (int s = 0; s < 3; s++) {
            for (int c = 0; c < 8; c++) {
                int acc = 0;
                for (int p = 0; p < n; p++) {
                    acc += x[s * 256 + p * 8 + c] + 128;
                }
                acc = mbqm(acc, ms[0], ms[1]);
                // TFLite: (acc + n/2) / n for acc > 0, else (acc - n/2) / n, C's truncating division
                int q = acc > 0 ? (acc + n / 2) / n : (acc - n / 2) / n;
                assertThat(y[s * 8 + c]).as("sample %d channel %d", s, c).isEqualTo(clamp(q - 100, -128, 127));
            }
        }
    }

    @Test
    void meanWithoutKeptDimensionsOfOneTypeTruncatesTheRawSum() {
        int[] y = simulate("mean_s16");
        int[] x = input("mean_s16");
        for (int s = 0; s < 3; s++) {
            for (int c = 0; c < 8; c++) {
                int sum = 0;
                for (int p = 0; p < 32; p++) {
                    sum += x[s * 256 + p * 8 + c];
                }
                assertThat(y[s * 8 + c]).isEqualTo(sum / 32);
            }
        }
        // the first sample's channels average values of both signs; truncation, not flooring, is TFLite's
        assertThat(Arrays.stream(Arrays.copyOf(y, 8)).anyMatch(v -> v < 0)).isTrue();
    }

    /** TFLite's QuantizedMeanOrSum (mean) in float32, transcribed: c = s_x / s_y, b = -zp_x c, std::round. */
    private static int quantizedMeanOrSum(int sum, int n, float sx, int zx, float sy, int zy) {
        final float scale = sx / sy;
        final float bias = -zx * scale;
        float floatMean = (float) sum / (float) n;
        float r = floatMean * scale + bias;
        float rounded = r >= 0 ? (float) Math.floor(r + 0.5) : (float) -Math.floor(-r + 0.5);
        float result = Math.min(rounded + zy, 127f);
        return (int) Math.max(result, -128f);
    }

    @Test
    void meanTfliteMicroComputesInFloatIsItsFloat32ResultForEverySum() throws IOException {
        int[] y = simulate("mean_steps_s8");
        int[] x = input("mean_steps_s8");
        for (int s = 0; s < 3; s++) {
            for (int c = 0; c < 8; c++) {
                int sum = 0;
                for (int p = 0; p < 32; p++) {
                    sum += x[s * 256 + p * 8 + c];
                }
                assertThat(y[s * 8 + c]).isEqualTo(quantizedMeanOrSum(sum, 32, 0.05f, 3, 0.013f, -20));
            }
        }
        // every possible sum, for scales with outputs saturating at both ends and a ratio above one
        float[][] cases = {{0.05f, 3, 0.013f, -20, 32}, {0.1f, -128, 0.02f, 127, 9}, {0.02f, 127, 0.3f, 0, 49},
            {0.5f, 0, 0.05f, 10, 1}};
        for (float[] k : cases) {
            int n = (int) k[4];
            byte[] file = TfliteQuantFixtures.mean(TfliteModel.INT8, false, k[0], (long) k[1], k[2], (long) k[3]);
            Path p = Files.write(tmp.resolve("mean.tflite"), file);
            dev.mcugen.ir.quant.QTflMeanSteps m = (dev.mcugen.ir.quant.QTflMeanSteps) TfliteImporter.loadQuantized(p)
                    .orElseThrow().nodes().get(0);
            if (n != 32) {
                // the fixture writer's input is [1, 4, 8, 8]: check the steps of a mean of n values by the Java derivation
                m = new dev.mcugen.ir.quant.QTflMeanSteps("m", "x", dev.mcugen.ir.Shape.of(n, 1, 1), dev.mcugen.ir.Shape.of(1),
                        m.outputType(), dev.mcugen.ir.quant.IntTensor.of(dev.mcugen.ir.Shape.of(255), 32,
                        TfliteQuantOps.meanSteps(n, k[0], (int) k[1], k[2], (int) k[3])));
            }
            for (int sum = -128 * n; sum <= 127 * n; sum++) {
                int got = -128 + dev.mcugen.ir.quant.TflKernels.stepsReached(m.steps(), sum);
                assertThat(got).as("n %d sum %d", n, sum).isEqualTo(quantizedMeanOrSum(sum, n, k[0], (int) k[1], k[2], (int) k[3]));
            }
        }
    }

    @Test
    void int16MeanTfliteMicroComputesInFloatIsRefused() throws IOException {
        McugenException e = refused(TfliteQuantFixtures.mean(TfliteModel.INT16, false, 0.05f, 0, 0.03f, 0));
        assertThat(e.diag()).isEqualTo(Diag.MCG_TFLITE_QUANT_UNSUPPORTED);
        assertThat(e.getMessage()).contains("MEAN").contains("keep_dims").contains("float").contains("int8 only");
    }

    // --- 16x8 ---------------------------------------------------------------------------------------

    /** TFLite's MultiplyByQuantizedMultiplier for an int64 accumulator: the multiplier rounded to 16 bits, one rounding shift. */
    private static int mbqm64(long acc, int m, int shift) {
        long reduced = m < 0x7FFF0000 ? (m + (1L << 15)) >> 16 : 0x7FFF;
        int total = 15 - shift;
        return (int) Math.floorDiv(acc * reduced + (1L << (total - 1)), 1L << total);
    }

    /** The fixtures' 16x8 depthwise output [4, 8, 16] for one sample, transcribed from TFLite's DepthwiseConvPerChannel. */
    private static int[] depthwiseByHand(int[] x, byte[] w) {
        int[] y = new int[4 * 8 * 16];
        int six = Math.round(6f / 0.0004f);
        for (int oy = 0; oy < 4; oy++) {
            for (int ox = 0; ox < 8; ox++) {
                for (int o = 0; o < 16; o++) {
                    long acc = 0;
                    for (int r = 0; r < 3; r++) {
                        for (int q = 0; q < 3; q++) {
                            int iy = oy - 1 + r;
                            int ix = ox - 1 + q;
                            if (iy >= 0 && iy < 4 && ix >= 0 && ix < 8) {
                                acc += (long) x[(iy * 8 + ix) * 8 + o / 2] * w[(r * 3 + q) * 16 + o];
                            }
                        }
                    }
                    acc += (o - 8) * 40000L;
                    int[] ms = quantizeMultiplier((double) 0.0005f * (double) (0.002f + 0.0005f * o) / (double) 0.0004f);
                    y[(oy * 8 + ox) * 16 + o] = clamp(mbqm64(acc, ms[0], ms[1]), 0, six);
                }
            }
        }
        return y;
    }

    private static byte[] fixtureWeights(int n, long seed) {
        java.util.Random r = new java.util.Random(seed);
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (r.nextInt(255) - 127);
        }
        return b;
    }

    @Test
    void depthwise16x8IsTflitesPerChannelInt64Kernel() {
        int[] y = simulate("dw_s16");
        int[] x = input("dw_s16");
        byte[] w = fixtureWeights(9 * 16, 1401);
        int clamped = 0;
        for (int s = 0; s < 3; s++) {
            int[] want = depthwiseByHand(Arrays.copyOfRange(x, s * 256, (s + 1) * 256), w);
            for (int i = 0; i < want.length; i++) {
                clamped += want[i] == 0 || want[i] == 15000 ? 1 : 0;
                assertThat(y[s * 512 + i]).as("sample %d value %d", s, i).isEqualTo(want[i]);
            }
        }
        assertThat(clamped).as("values at the RELU6 bounds").isPositive();
    }

    @Test
    void fullyConnected16x8AfterTheDepthwiseIsTflitesInt64Kernel() {
        int[] y = simulate("dw_fc_s16");
        int[] x = input("dw_fc_s16");
        byte[] dw = fixtureWeights(9 * 16, 1401);
        byte[] w = fixtureWeights(5 * 16, 1402);
        long[] bias = {-300000, -1, 0, 1, 300000};
        int[] ms = quantizeMultiplier((double) 0.0004f * (double) 0.004f / (double) 0.002f);
        for (int s = 0; s < 3; s++) {
            int[] d = depthwiseByHand(Arrays.copyOfRange(x, s * 256, (s + 1) * 256), dw);
            for (int row = 0; row < 32; row++) {
                for (int u = 0; u < 5; u++) {
                    long acc = bias[u];
                    for (int i = 0; i < 16; i++) {
                        acc += (long) d[row * 16 + i] * w[u * 16 + i];
                    }
                    assertThat(y[s * 160 + row * 5 + u]).isEqualTo(clamp(mbqm64(acc, ms[0], ms[1]), -32768, 32767));
                }
            }
        }
    }

    @Test
    void int16PoolingIsTflitesRoundedAverageAndMaximum() {
        int[] avg = simulate("dw_avg_pool_s16");
        int[] max = simulate("dw_max_pool_s16");
        int[] x = input("dw_avg_pool_s16");
        for (int s = 0; s < 3; s++) {
            for (int oy = 0; oy < 2; oy++) {
                for (int ox = 0; ox < 4; ox++) {
                    for (int c = 0; c < 8; c++) {
                        // SAME, 3x3, stride 2 on 4x8: padding before is 0 on both axes
                        int sum = 0;
                        int n = 0;
                        int m = Integer.MIN_VALUE;
                        for (int iy = 2 * oy; iy < Math.min(4, 2 * oy + 3); iy++) {
                            for (int ix = 2 * ox; ix < Math.min(8, 2 * ox + 3); ix++) {
                                int v = x[s * 256 + (iy * 8 + ix) * 8 + c];
                                sum += v;
                                n++;
                                m = Math.max(m, v);
                            }
                        }
                        int i = s * 64 + (oy * 4 + ox) * 8 + c;
                        // TFLite's AveragePool: (acc + n/2) / n for acc > 0, else (acc - n/2) / n
                        assertThat(avg[i]).isEqualTo(sum > 0 ? (sum + n / 2) / n : (sum - n / 2) / n);
                        assertThat(max[i]).isEqualTo(m);
                    }
                }
            }
        }
    }

    @Test
    void transposeConvIsTflitesScatteredInt32Sum() {
        int[] y = simulate("dw_transpose_conv_s8");
        int[] x = input("dw_transpose_conv_s8");
        byte[] w = fixtureWeights(4 * 9 * 8, 1403); // [F 4, kh 3, kw 3, C 8]
        float[] ws = {0.01f, 0.02f, 0.005f, 0.015f};
        int[] bias = {-20000, 0, 15000, -1};
        // ComputePaddingHeightWidth on the output 8 x 16, 3x3, stride 2, SAME: lengths 4 and 8, padding 0 and 0
        for (int s = 0; s < 3; s++) {
            int[] acc = new int[8 * 16 * 4];
            for (int iy = 0; iy < 4; iy++) {
                for (int ix = 0; ix < 8; ix++) {
                    for (int c = 0; c < 8; c++) {
                        int v = x[s * 256 + (iy * 8 + ix) * 8 + c] + 128;
                        for (int r = 0; r < 3; r++) {
                            for (int q = 0; q < 3; q++) {
                                int oy = iy * 2 + r;
                                int ox = ix * 2 + q;
                                if (oy < 8 && ox < 16) {
                                    for (int f = 0; f < 4; f++) {
                                        acc[(oy * 16 + ox) * 4 + f] += v * w[((f * 3 + r) * 3 + q) * 8 + c];
                                    }
                                }
                            }
                        }
                    }
                }
            }
            for (int i = 0; i < acc.length; i++) {
                int f = i % 4;
                int[] ms = quantizeMultiplier((double) 0.05f * (double) ws[f] / (double) 0.1f);
                int want = clamp(-5 + mbqm(acc[i] + bias[f], ms[0], ms[1]), -5, 127);
                assertThat(y[s * 512 + i]).as("sample %d value %d", s, i).isEqualTo(want);
            }
        }
    }

    @Test
    void squeezeExciteMultipliesByTheComputedChannelVector() {
        QGraph g = graph("dw_squeeze_excite_s8");
        assertThat(g.nodes()).hasSize(3);
        dev.mcugen.ir.quant.QElementwise mul = (dev.mcugen.ir.quant.QElementwise) g.nodes().get(2);
        assertThat(mul.channelwise()).containsExactly(false, true);
        int[] y = simulate("dw_squeeze_excite_s8");
        int[] x = input("dw_squeeze_excite_s8");
        int[] mean = quantizeMultiplier((double) 0.04f / (double) 0.01f);
        int[] mm = quantizeMultiplier((double) 0.04f * (double) (1f / 256) / (double) 0.03f);
        int[] table = TflActivationTables.logistic(0.01f, 2);
        for (int s = 0; s < 3; s++) {
            for (int c = 0; c < 8; c++) {
                int acc = 0;
                for (int p = 0; p < 32; p++) {
                    acc += x[s * 256 + p * 8 + c] + 6;
                }
                acc = mbqm(acc, mean[0], mean[1]);
                int m = clamp((acc > 0 ? (acc + 16) / 32 : (acc - 16) / 32) + 2, -128, 127);
                int gate = table[m + 128];
                for (int p = 0; p < 32; p++) {
                    int i = s * 256 + p * 8 + c;
                    assertThat(y[i]).isEqualTo(clamp(-10 + mbqm((x[i] + 6) * (gate + 128), mm[0], mm[1]), -128, 127));
                }
            }
        }
    }

    // --- Arm NN -------------------------------------------------------------------------------------

    /**
     * Arm NN's CpuRef on the same files and integers: RELU, RELU6, MUL, LOGISTIC and TANH agree on every
     * value; Arm NN computes SUB and HARD_SWISH in float (dequantize, the function, round to nearest)
     * where TFLite rescales in fixed point (SUB's inputs shifted by 2^20 and scaled twice, HARD_SWISH's
     * 16-bit approximation), so 13 of SUB's and 6 of HARD_SWISH's 768 values differ, by one unit. MEAN
     * with kept dimensions agrees, and so does the MEAN TFLite Micro computes in float32 (other scales, no
     * kept dimensions); without kept dimensions and with one scale TFLite truncates the integer quotient
     * where Arm NN rounds it: 6 of 24 values one unit apart. The squeeze-and-excitation chain (MEAN,
     * LOGISTIC, MUL by the computed channel vector) differs by one unit on 16 of 768 values. int16 MAX_POOL_2D agrees; AVERAGE_POOL_2D, which
     * Arm NN averages in float, differs by one unit on 4 of 192 values. (Arm NN's parser cannot read the
     * int64 biases of the 16x8 depthwise and fully connected fixtures, an int16 constant, nor a
     * TRANSPOSE_CONV bias.)
     */
    @ParameterizedTest
    @CsvSource({"relu_s8, 0", "relu6_s16, 0", "mul_channel_s8, 0", "mul_square_s16, 0", "logistic_s8, 0", "tanh_s8, 0",
        "sub_channel_s8, 1", "hard_swish_s8, 1", "mean_keep_s8, 0", "mean_s16, 1", "dw_avg_pool_s16, 1", "dw_max_pool_s16, 0", "mean_steps_s8, 0", "dw_squeeze_excite_s8, 1"})
    void armNnAgrees(String name, int maxUnits) {
        NpyArray a = Npy.read(DIR.resolve(name).resolve("armnn.npy"));
        int[] want = a.toIntArray();
        int[] got = simulate(name);
        assertThat(got).hasSameSizeAs(want);
        int max = 0;
        int differ = 0;
        for (int i = 0; i < got.length; i++) {
            int d = Math.abs(got[i] - want[i]);
            max = Math.max(max, d);
            differ += d != 0 ? 1 : 0;
        }
        System.out.printf("%s: %d of %d values differ from Arm NN, by at most %d%n", name, differ, got.length, max);
        assertThat(max).as(name).isLessThanOrEqualTo(maxUnits);
    }

    /**
     * Arm NN's CONCATENATION requantizes an input of another scale to the output's (here RELU's scale 0.05 /
     * zero point -128 to 0.1 / -10), TFLite Micro copies its integers: the copied half agrees, the other
     * half is, in Arm NN, our RELU integers requantized.
     */
    @Test
    void armNnRequantizesWhatTfliteMicroCopiesInConcatenation() {
        int[] want = Npy.read(DIR.resolve("concat_relu_s8").resolve("armnn.npy")).toIntArray();
        int[] got = simulate("concat_relu_s8");
        for (int row = 0; row < 12; row++) {
            for (int c = 0; c < 64; c++) {
                int i = row * 128 + c;
                assertThat(got[i]).isEqualTo(want[i]);
                int relu = got[i + 64];
                double requantized = Math.max(-128, Math.min(127, Math.round(0.05f * (relu + 128) / 0.1f) - 10));
                assertThat((double) want[i + 64]).isCloseTo(requantized, org.assertj.core.data.Offset.offset(1.0));
            }
        }
    }

    @Test
    void armNnDequantizesTheOutputAsTheCallerWould() {
        float[] want = Npy.read(DIR.resolve("tanh_dequantize_s8").resolve("armnn.npy")).toFloatArray();
        int[] got = simulate("tanh_dequantize_s8");
        double max = 0;
        for (int i = 0; i < got.length; i++) {
            max = Math.max(max, Math.abs(got[i] / 128.0 - want[i]));
        }
        // Arm NN's TANH integers equal TFLite's (armNnAgrees); its DEQUANTIZE is s (q - zp) in float32
        assertThat(max).isLessThanOrEqualTo(1e-7);
    }

    // --- refusals -----------------------------------------------------------------------------------

    private McugenException refused(byte[] bytes) throws IOException {
        Path p = Files.write(tmp.resolve("m.tflite"), bytes);
        Throwable t = catchThrowable(() -> TfliteImporter.loadQuantized(p));
        assertThat(t).isInstanceOf(McugenException.class);
        McugenException e = (McugenException) t;
        assertThat(e.getMessage()).contains(p.toString()).doesNotContain("\n");
        return e;
    }

    @Test
    void int16LogisticIsRefusedSayingWhy() throws IOException {
        McugenException e = refused(TfliteQuantFixtures.unary(TfliteQuantFixtures.LOGISTIC, TfliteModel.INT16, 1f / 4096, 0,
                1f / 32768, 0));
        assertThat(e.diag()).isEqualTo(Diag.MCG_TFLITE_QUANT_UNSUPPORTED);
        assertThat(e.getMessage()).contains("LOGISTIC").contains("int16").contains("'StatefulPartitionedCall:0'");
    }

    @Test
    void logisticWithAnotherOutputZeroPointIsRefused() throws IOException {
        McugenException e = refused(TfliteQuantFixtures.unary(TfliteQuantFixtures.LOGISTIC, TfliteModel.INT8, 0.1f, 0,
                1f / 256, 0));
        assertThat(e.diag()).isEqualTo(Diag.MCG_TFLITE_QUANT_PARAMS);
        assertThat(e.getMessage()).contains("zero point 0").contains("-128");
    }

    @Test
    void dequantizeFeedingAnotherOpIsRefused() throws IOException {
        TfliteWriter w = new TfliteWriter();
        int x = w.tensor("x", TfliteModel.INT8, TfliteQuantFixtures.SHAPE, null, null, false);
        w.quantize(x, new float[] {0.1f}, new long[] {0}, 0);
        int f = w.tensor("f", TfliteModel.FLOAT32, TfliteQuantFixtures.SHAPE, null, null, false);
        int y = w.tensor("y", TfliteModel.FLOAT32, TfliteQuantFixtures.SHAPE, null, null, false);
        w.op(TfliteQuantFixtures.DEQUANTIZE, new int[] {x}, new int[] {f}, 0, null);
        w.op(TfliteQuantFixtures.TANH, new int[] {f}, new int[] {y}, 0, null);
        McugenException e = refused(w.io(new int[] {x}, new int[] {y}).build());
        assertThat(e.diag()).isEqualTo(Diag.MCG_TFLITE_QUANT_UNSUPPORTED);
        assertThat(e.getMessage()).contains("DEQUANTIZE").contains("model output");
    }

    @Test
    void broadcastOfTwoGraphTensorsBeyondAChannelVectorIsRefused() throws IOException {
        TfliteWriter w = new TfliteWriter();
        int a = w.tensor("a", TfliteModel.INT8, new int[] {1, 4, 64}, null, null, false);
        w.quantize(a, new float[] {0.1f}, new long[] {0}, 0);
        int b = w.tensor("b", TfliteModel.INT8, new int[] {1, 4, 1}, null, null, false);
        w.quantize(b, new float[] {0.1f}, new long[] {0}, 0);
        int y = w.tensor("y", TfliteModel.INT8, new int[] {1, 4, 64}, null, null, false);
        w.quantize(y, new float[] {0.1f}, new long[] {0}, 0);
        w.op(TfliteQuantFixtures.MUL, new int[] {a, b}, new int[] {y}, TfliteWriter.MUL_OPTIONS, TfliteWriter.fused(0));
        McugenException e = refused(w.io(new int[] {a, b}, new int[] {y}).build());
        assertThat(e.diag()).isEqualTo(Diag.MCG_TFLITE_QUANT_UNSUPPORTED);
        assertThat(e.getMessage()).contains("MUL").contains("'b'").contains("[1, 4, 1]");
    }
}
