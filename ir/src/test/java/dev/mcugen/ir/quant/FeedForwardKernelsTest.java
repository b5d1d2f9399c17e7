package dev.mcugen.ir.quant;

import dev.mcugen.ir.Activation;
import dev.mcugen.ir.Padding;
import dev.mcugen.ir.PoolKind;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.fixed.FixedPoint;
import dev.mcugen.ir.fixed.QuantizedMultiplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Each kernel against a direct transcription of its formula, plus the rounding helpers. */
class FeedForwardKernelsTest {
    private static final QuantType INT8 = new QuantType(8, -128, 127, 0.05, -3);

    @ParameterizedTest
    @CsvSource({"3, 2, 2", "-3, 2, -2", "5, 2, 3", "-5, 2, -3", "7, 3, 2", "-7, 3, -2", "8, 3, 3", "-8, 3, -3",
        "0, 4, 0", "2, 4, 1", "-2, 4, -1", "1, 4, 0", "-1, 4, 0", "6, 4, 2", "-6, 4, -2"})
    void divRoundIsNearestTiesAwayFromZero(int s, int n, int expected) {
        assertThat(FeedForwardKernels.divRound(s, n)).isEqualTo(expected);
    }

    @Test
    void rdivpot64MatchesExactRounding() {
        Random rnd = new Random(3);
        for (int i = 0; i < 100_000; i++) {
            long x = rnd.nextLong() >> rnd.nextInt(40);
            int e = rnd.nextInt(40);
            long expected = new BigDecimal(x).divide(new BigDecimal(2).pow(e)).setScale(0, RoundingMode.HALF_UP)
                    .longValueExact();   // HALF_UP on BigDecimal is half away from zero
            assertThat(FeedForwardKernels.rdivpot64(x, e)).as("%d / 2^%d", x, e).isEqualTo(expected);
        }
        assertThat(FeedForwardKernels.rdivpot64(Long.MIN_VALUE, 62)).isEqualTo(-2);
    }

    @Test
    void rdivpot64AgreesWithTheInt32Primitive() {
        Random rnd = new Random(4);
        for (int i = 0; i < 100_000; i++) {
            int x = rnd.nextInt();
            int e = rnd.nextInt(32);
            assertThat(FeedForwardKernels.rdivpot64(x, e)).isEqualTo(FixedPoint.rdivpot(x, e));
        }
    }

    // ---- fully connected ----------------------------------------------------------------------

    /** bias + Σ (x - zp_x) w with the unfolded bias, then the same requantization. */
    private static int[] fcReference(int[] x, int zpX, int[][] w, long[] b, Rescale r, QuantType out, int lo, int hi) {
        int units = b.length;
        int[] y = new int[units];
        for (int o = 0; o < units; o++) {
            long acc = b[o];
            for (int i = 0; i < x.length; i++) {
                acc += (long) (x[i] - zpX) * w[i][o];
            }
            y[o] = Math.max(lo, Math.min(hi, out.zeroPoint() + r.apply(Math.toIntExact(acc))));
        }
        return y;
    }

    @Test
    void fullyConnectedWithFoldedBiasEqualsTheUnfoldedFormulaExactly() {
        Random rnd = new Random(5);
        for (int trial = 0; trial < 200; trial++) {
            int in = 1 + rnd.nextInt(40);
            int units = 1 + rnd.nextInt(10);
            int zpX = rnd.nextInt(256) - 128;
            int[][] w = new int[in][units];
            int[] flat = new int[in * units];
            for (int i = 0; i < in; i++) {
                for (int o = 0; o < units; o++) {
                    w[i][o] = rnd.nextInt(255) - 127;
                    flat[i * units + o] = w[i][o];
                }
            }
            long[] b = new long[units];
            long[] folded = new long[units];
            for (int o = 0; o < units; o++) {
                b[o] = rnd.nextInt(200_001) - 100_000;
                long sum = 0;
                for (int i = 0; i < in; i++) {
                    sum += w[i][o];
                }
                folded[o] = b[o] - (long) zpX * sum;
            }
            QuantType out = new QuantType(8, -128, 127, 0.1, rnd.nextInt(256) - 128);
            Rescale r = Rescale.of(QuantizedMultiplier.of(rnd.nextDouble() * 0.01));
            int lo = trial % 2 == 0 ? out.zeroPoint() : -128;   // ReLU or linear
            QFullyConnected fc = new QFullyConnected("fc", "x", Shape.of(units), out, in, units,
                    IntTensor.of(Shape.of(in, units), 8, flat), IntTensor.of(Shape.of(units), 32, folded),
                    List.of(r), 0, lo, 127);
            int[] x = new int[in];
            for (int i = 0; i < in; i++) {
                x[i] = rnd.nextInt(256) - 128;
            }
            assertThat(FeedForwardKernels.run(fc, List.of(x))).isEqualTo(fcReference(x, zpX, w, b, r, out, lo, 127));
        }
    }

    @Test
    void fullyConnectedRunsEveryRowOfAHigherRankInput() {
        QFullyConnected fc = new QFullyConnected("fc", "x", Shape.of(3, 1), new QuantType(32, -Integer.MAX_VALUE,
                Integer.MAX_VALUE, 1, 0), 2, 1, IntTensor.of(Shape.of(2, 1), 8, new int[] {1, 10}),
                IntTensor.of(Shape.of(1), 32, new int[] {5}), List.of(Rescale.IDENTITY), 0, -Integer.MAX_VALUE,
                Integer.MAX_VALUE);
        assertThat(FeedForwardKernels.run(fc, List.of(new int[] {1, 2, 3, 4, -5, -6}))).containsExactly(26, 48, -60);
    }

    @Test
    void wideAccumulatorRoundsTheInt64SumBeforeRequantization() {
        // 16x8: 600 inputs at 32767 with weights 127 sum to 2.5e9 > 2^31: accShift 2.
        int in = 600;
        int[] w = new int[in];
        java.util.Arrays.fill(w, 127);
        long bias = 3;
        QuantType out = new QuantType(16, -32767, 32767, 1.0, 0);
        Rescale r = Rescale.pot(-15);
        QFullyConnected fc = new QFullyConnected("fc", "x", Shape.of(1), out, in, 1, IntTensor.of(Shape.of(in, 1), 8, w),
                IntTensor.of(Shape.of(1), 64, new long[] {bias}), List.of(r), 2, -32767, 32767);
        int[] x = new int[in];
        java.util.Arrays.fill(x, 32767);
        x[0] = -32767;
        long acc = bias;
        for (int i = 0; i < in; i++) {
            acc += (long) x[i] * 127;
        }
        int expected = r.apply((int) FeedForwardKernels.rdivpot64(acc, 2));
        assertThat(acc).isGreaterThan(Integer.MAX_VALUE);
        assertThat(FeedForwardKernels.run(fc, List.of(x))).containsExactly(expected);
    }

    @Test
    void anAccumulatorOutsideItsProofIsReportedNotWrapped() {
        int[] w = new int[600];
        java.util.Arrays.fill(w, 127);
        QFullyConnected fc = new QFullyConnected("fc", "x", Shape.of(1), new QuantType(16, -32767, 32767, 1.0, 0), 600,
                1, IntTensor.of(Shape.of(600, 1), 8, w), IntTensor.of(Shape.of(1), 32, new int[1]),
                List.of(Rescale.pot(-15)), 0, -32767, 32767);
        int[] x = new int[600];
        java.util.Arrays.fill(x, 32767);
        assertThatThrownBy(() -> FeedForwardKernels.run(fc, List.of(x))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("overflows int32");
    }

    // ---- convolution ----------------------------------------------------------------------------

    private static QConv conv1d(int k, int c, int f, Padding pad, int zpX, int[] w, long[] folded, QuantType out) {
        return new QConv("conv", "x", Shape.of(Shape.UNKNOWN, c), Shape.of(Shape.UNKNOWN, f), out, 1, k, 1, 1, 1, 1, pad,
                zpX, IntTensor.of(Shape.of(1, k, c, f), 8, w), IntTensor.of(Shape.of(f), 32, folded),
                List.of(Rescale.IDENTITY), 0, out.qmin(), out.qmax());
    }

    @Test
    void samePaddingWithTheZeroPointContributesExactlyZero() {
        Random rnd = new Random(6);
        int k = 5;
        int c = 3;
        int f = 4;
        int t = 9;
        int zpX = 41;
        int[] w = new int[k * c * f];
        for (int i = 0; i < w.length; i++) {
            w[i] = rnd.nextInt(255) - 127;
        }
        long[] b = {1000, -2000, 0, 7};
        long[] folded = b.clone();
        for (int i = 0; i < w.length; i++) {
            folded[i % f] -= (long) zpX * w[i];
        }
        QuantType raw = new QuantType(32, -Integer.MAX_VALUE, Integer.MAX_VALUE, 1.0, 0);
        QConv same = conv1d(k, c, f, Padding.SAME, zpX, w, folded, raw);
        int[] x = new int[t * c];
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextInt(256) - 128;
        }
        int[] y = FeedForwardKernels.run(same, List.of(x));
        assertThat(y).hasSize(t * f);
        // Reference: the unfolded formula over the taps inside the input only (float zero padding).
        int pad = (k - 1) / 2;
        for (int ot = 0; ot < t; ot++) {
            for (int o = 0; o < f; o++) {
                long acc = b[o];
                for (int j = 0; j < k; j++) {
                    int it = ot - pad + j;
                    if (it < 0 || it >= t) {
                        continue;
                    }
                    for (int ch = 0; ch < c; ch++) {
                        acc += (long) (x[it * c + ch] - zpX) * w[(j * c + ch) * f + o];
                    }
                }
                assertThat(y[ot * f + o]).as("t=%d f=%d", ot, o).isEqualTo(acc);
            }
        }
        // An input of real zeros (all zp) gives the bias everywhere, borders included.
        int[] zeros = new int[t * c];
        java.util.Arrays.fill(zeros, zpX);
        int[] yz = FeedForwardKernels.run(same, List.of(zeros));
        for (int ot = 0; ot < t; ot++) {
            for (int o = 0; o < f; o++) {
                assertThat(yz[ot * f + o]).isEqualTo(b[o]);
            }
        }
    }

    @Test
    void conv1dValidTakesItsLengthFromTheData() {
        // k=2, C=1, F=1, weights [1, 2], no zero point: y[t] = x[t] + 2 x[t+1]
        QuantType raw = new QuantType(32, -Integer.MAX_VALUE, Integer.MAX_VALUE, 1.0, 0);
        QConv cv = conv1d(2, 1, 1, Padding.VALID, 0, new int[] {1, 2}, new long[] {0}, raw);
        assertThat(FeedForwardKernels.run(cv, List.of(new int[] {1, 2, 3, 4}))).containsExactly(5, 8, 11);
        assertThat(FeedForwardKernels.run(cv, List.of(new int[] {1, -1}))).containsExactly(-1);
    }

    @Test
    void conv2dStridedDilatedMatchesDirectLoops() {
        Random rnd = new Random(7);
        int h = 7;
        int wd = 6;
        int c = 2;
        int f = 3;
        int kh = 3;
        int kw = 2;
        int[] w = new int[kh * kw * c * f];
        for (int i = 0; i < w.length; i++) {
            w[i] = rnd.nextInt(255) - 127;
        }
        QuantType raw = new QuantType(32, -Integer.MAX_VALUE, Integer.MAX_VALUE, 1.0, 0);
        int zp = -5;
        QConv cv = new QConv("c", "x", Shape.of(h, wd, c), Shape.of(4, 3, f), raw, kh, kw, 2, 2, 1, 2, Padding.SAME, zp,
                IntTensor.of(Shape.of(kh, kw, c, f), 8, w), IntTensor.of(Shape.of(f), 32, new int[f]),
                List.of(Rescale.IDENTITY), 0, raw.qmin(), raw.qmax());
        int[] x = new int[h * wd * c];
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextInt(256) - 128;
        }
        int[] y = FeedForwardKernels.run(cv, List.of(x));
        // SAME: oh = ceil(7/2) = 4, ow = ceil(6/2) = 3; padTop = ((4-1)*2+3-7)/2 = 1, padLeft = ((3-1)*2+3-6)/2 = 0
        assertThat(y).hasSize(4 * 3 * f);
        for (int oy = 0; oy < 4; oy++) {
            for (int ox = 0; ox < 3; ox++) {
                for (int o = 0; o < f; o++) {
                    long acc = 0;
                    for (int r = 0; r < kh; r++) {
                        for (int q = 0; q < kw; q++) {
                            int iy = oy * 2 - 1 + r;
                            int ix = ox * 2 + q * 2;
                            for (int ch = 0; ch < c; ch++) {
                                int xv = iy >= 0 && iy < h && ix >= 0 && ix < wd ? x[(iy * wd + ix) * c + ch] : zp;
                                acc += (long) xv * w[((r * kw + q) * c + ch) * f + o];
                            }
                        }
                    }
                    assertThat(y[(oy * 3 + ox) * f + o]).isEqualTo(acc);
                }
            }
        }
    }

    // ---- pooling ------------------------------------------------------------------------------

    @Test
    void averagePoolDividesByTheValidCountRoundingHalfAwayFromZero() {
        // T=5, C=1, window 2, stride 2, SAME: windows {0,1}, {2,3}, {4} (padding not counted)
        QPool p = new QPool("p", "x", Shape.of(5, 1), Shape.of(3, 1), INT8, PoolKind.AVG, 1, 2, 1, 2, Padding.SAME);
        assertThat(FeedForwardKernels.run(p, List.of(new int[] {1, 2, -1, -2, 7}))).containsExactly(2, -2, 7);
        assertThat(FeedForwardKernels.run(p, List.of(new int[] {-128, -127, 127, 126, -128}))).containsExactly(-128, 127, -128);
    }

    @Test
    void maxPool2dIgnoresPaddedPositions() {
        QPool p = new QPool("p", "x", Shape.of(2, 2, 1), Shape.of(1, 1, 1), INT8, PoolKind.MAX, 3, 3, 2, 2, Padding.SAME);
        assertThat(FeedForwardKernels.run(p, List.of(new int[] {-100, -90, -80, -120}))).containsExactly(-80);
    }

    @Test
    void globalAveragePoolDividesOrRescales() {
        int[] x = {10, -3, 11, -4, 12, -4};   // positions 3, channels 2
        QGlobalPool div = new QGlobalPool("g", "x", Shape.of(3, 2), Shape.of(2), INT8, PoolKind.AVG, INT8.zeroPoint(),
                Optional.empty());
        assertThat(FeedForwardKernels.run(div, List.of(x))).containsExactly(11, -4);  // 33/3, -11/3 -> -4
        // rescaled: s_x = 0.05, s_y = 0.01, n = 3: R = 0.05 / 0.03; zp_x = -3, zp_y = 7
        QuantType out = new QuantType(8, -128, 127, 0.01, 7);
        Rescale r = Rescale.of(QuantizedMultiplier.of(0.05 / 0.03));
        QGlobalPool res = new QGlobalPool("g", "x", Shape.of(3, 2), Shape.of(2), out, PoolKind.AVG, -3, Optional.of(r));
        // channel 0: Σ(x+3) = 42 -> 42 * 5/3 = 70 -> 77; channel 1: Σ(x+3) = -2 -> -3.33 -> -3 -> 4
        assertThat(FeedForwardKernels.run(res, List.of(x))).containsExactly(77, 4);
        QGlobalPool max = new QGlobalPool("g", "x", Shape.of(3, 2), Shape.of(2), INT8, PoolKind.MAX, -3, Optional.empty());
        assertThat(FeedForwardKernels.run(max, List.of(x))).containsExactly(12, -3);
    }

    // ---- add, concat, reshape, requant, affine ----------------------------------------------------

    @Test
    void addUnderEqualScaleIsTheIntegerSum() {
        QAdd add = new QAdd("a", List.of("x", "y"), Shape.of(4), INT8, List.of(-3, -3), 20,
                List.of(Rescale.pot(-1), Rescale.pot(-1)), Rescale.pot(-19));
        int[] x = {-3, 10, 100, -128};
        int[] y = {-3, -20, 100, -128};
        // zp + (x - zp) + (y - zp): -3, -3 + 13 - 17 = -7, 203 -> 127, -253 -> -128
        assertThat(FeedForwardKernels.run(add, List.of(x, y))).containsExactly(-3, -7, 127, -128);
    }

    @Test
    void addRescalesDifferentScalesToTheOutput() {
        QuantType a = new QuantType(8, -128, 127, 0.02, 5);
        QuantType b = new QuantType(8, -128, 127, 0.05, -10);
        QuantType out = new QuantType(8, -128, 127, 0.06, 0);
        double twice = 0.1;
        QAdd add = new QAdd("a", List.of("x", "y"), Shape.of(1), out, List.of(5, -10), 20,
                List.of(Rescale.of(QuantizedMultiplier.of(0.02 / twice)), Rescale.of(QuantizedMultiplier.of(0.05 / twice))),
                Rescale.of(QuantizedMultiplier.of(twice / (0x1p20 * 0.06))));
        Random rnd = new Random(8);
        for (int i = 0; i < 1000; i++) {
            int qa = rnd.nextInt(256) - 128;
            int qb = rnd.nextInt(256) - 128;
            double real = a.dequantize(qa) + b.dequantize(qb);
            int q = FeedForwardKernels.run(add, List.of(new int[] {qa}, new int[] {qb}))[0];
            assertThat(out.dequantize(q)).isCloseTo(Math.max(out.realMin(), Math.min(out.realMax(), real)),
                    within(0.5 * 0.06 + 1e-9));
        }
    }

    @Test
    void concatCopiesEqualTypesAndRequantizesOthers() {
        QuantType other = new QuantType(8, -128, 127, 0.1, 0);
        QConcat cc = new QConcat("c", List.of("a", "b"), List.of(Shape.of(2, 1), Shape.of(2, 2)), Shape.of(2, 3), INT8, 1,
                List.of(INT8.zeroPoint(), 0), List.of(Rescale.IDENTITY, Rescale.pot(1)));
        assertThat(cc.isCopy(0)).isTrue();
        assertThat(cc.isCopy(1)).isFalse();
        assertThat(other.scale() / INT8.scale()).isEqualTo(2.0);
        // b in 0.1 steps, zp 0 -> output 0.05 steps, zp -3: y = -3 + 2 b
        int[] y = FeedForwardKernels.run(cc, List.of(new int[] {1, 2}, new int[] {10, 20, 30, 100}));
        assertThat(y).containsExactly(1, 17, 37, 2, 57, 127);
    }

    @Test
    void reshapeIsACopy() {
        QReshape r = new QReshape("r", "x", Shape.of(4), INT8);
        int[] x = {1, 2, 3, 4};
        int[] y = FeedForwardKernels.run(r, List.of(x));
        assertThat(y).containsExactly(1, 2, 3, 4).isNotSameAs(x);
    }

    @Test
    void requantReluSixClampsAtRealZeroAndSix() {
        QuantType t = new QuantType(8, -128, 127, 0.05, -100);   // real 0 = -100, real 6 = 20
        QRequant relu6 = new QRequant("r", "x", Shape.of(4), t, -100, 1, Rescale.IDENTITY, 0, -100, 20);
        assertThat(FeedForwardKernels.run(relu6, List.of(new int[] {-128, -100, 0, 127}))).containsExactly(-100, -100, 0, 20);
    }

    @Test
    void requantHardSigmoidUsesTheIntegerGain() {
        QuantType in = new QuantType(8, -128, 127, 0.05, 0);            // [-6.4, 6.35]
        QuantType out = new QuantType(8, -128, 127, 1.0 / 256, -128);   // [0, 1)
        // y = -128 + 128 + R((x - 0) * 6554), R = 2^-15 * 0.05 * 256
        QRequant hs = new QRequant("h", "x", Shape.of(5), out, 0, QRequant.HARD_SIGMOID_GAIN,
                Rescale.of(QuantizedMultiplier.of(0x1p-15 * 0.05 * 256)), 128, -128, 127);
        int[] y = FeedForwardKernels.run(hs, List.of(new int[] {-128, -50, 0, 20, 127}));
        // real x: -6.4 -> 0, -2.5 -> 0, 0 -> 0.5, 1 -> 0.7, 6.35 -> 1 (saturates at 255/256)
        assertThat(y).containsExactly(-128, -128, 0, 51, 127);
    }

    @Test
    void channelAffineAppliesWeightAndFoldedBiasPerChannel() {
        QuantType raw = new QuantType(32, -Integer.MAX_VALUE, Integer.MAX_VALUE, 1, 0);
        // zp_x = 4: w = {2, -3}, bias {10, 0} folded: {10 - 8, 0 + 12}
        QChannelAffine a = new QChannelAffine("bn", "x", Shape.of(2, 2), raw, IntTensor.of(Shape.of(2), 8, new int[] {2, -3}),
                IntTensor.of(Shape.of(2), 32, new int[] {2, 12}), List.of(Rescale.IDENTITY), raw.qmin(), raw.qmax());
        // (x - 4) * w + b
        assertThat(FeedForwardKernels.run(a, List.of(new int[] {4, 4, 5, 6}))).containsExactly(10, 0, 12, -6);
    }

    // ---- logistic, softmax ----------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource({"SIGMOID, LUT", "SIGMOID, POLY", "TANH, LUT", "TANH, POLY"})
    void logisticFollowsTheRealFunctionWithinOneOutputStep(Activation fn, QLogistic.Impl impl) {
        QuantType in = new QuantType(8, -128, 127, 10.0 / 255, -2);
        QuantType out = fn == Activation.SIGMOID ? new QuantType(8, -128, 127, 1.0 / 256, -128)
                : new QuantType(8, -128, 127, 1.0 / 128, 0);
        QLogistic l = new QLogistic("s", "x", Shape.of(256), out, fn, impl, in.zeroPoint(),
                Rescale.of(QuantizedMultiplier.of(in.scale() * 4096)), Rescale.pot(fn == Activation.SIGMOID ? -7 : -8));
        int[] x = new int[256];
        for (int i = 0; i < 256; i++) {
            x[i] = i - 128;
        }
        int[] y = FeedForwardKernels.run(l, List.of(x));
        for (int i = 0; i < 256; i++) {
            double r = in.dequantize(x[i]);
            double f = fn == Activation.SIGMOID ? 1 / (1 + Math.exp(-r)) : Math.tanh(r);
            double clipped = Math.max(out.realMin(), Math.min(out.realMax(), f));
            assertThat(out.dequantize(y[i])).as("x=%f", r).isCloseTo(clipped, within(out.scale()));
        }
    }

    @Test
    void softmaxInt8FollowsFloatAndKeepsTheArgmax() {
        Random rnd = new Random(9);
        QuantType in = new QuantType(8, -128, 127, 0.1, 10);
        QuantType out = new QuantType(8, -128, 127, 1.0 / 256, -128);
        Rescale beta = Rescale.of(QuantizedMultiplier.of(in.scale() * 0x1p26));
        QSoftmax s = new QSoftmax("s", "x", Shape.of(3, 10), out, beta, QSoftmax.diffMinFor(beta), 8);
        for (int trial = 0; trial < 300; trial++) {
            int[] x = new int[30];
            for (int i = 0; i < x.length; i++) {
                x[i] = rnd.nextInt(256) - 128;
            }
            int[] y = FeedForwardKernels.run(s, List.of(x));
            for (int row = 0; row < 3; row++) {
                double[] p = softmax(x, row * 10, 10, in);
                double sum = 0;
                for (int c = 0; c < 10; c++) {
                    double q = out.dequantize(y[row * 10 + c]);
                    sum += q;
                    assertThat(q).isCloseTo(Math.min(p[c], out.realMax()), within(1.5 / 256));
                }
                assertThat(sum).isCloseTo(1.0, within(10 * 1.0 / 256));
            }
        }
    }

    @Test
    void softmaxOnInt32LogitsToQ015() {
        Random rnd = new Random(10);
        QuantType in = new QuantType(32, -Integer.MAX_VALUE, Integer.MAX_VALUE, 1e-5, 0);
        QuantType out = new QuantType(16, -32767, 32767, 0x1p-15, 0);
        Rescale beta = Rescale.of(QuantizedMultiplier.of(in.scale() * 0x1p26));
        QSoftmax s = new QSoftmax("s", "x", Shape.of(5), out, beta, QSoftmax.diffMinFor(beta), 15);
        for (int trial = 0; trial < 1000; trial++) {
            int[] x = new int[5];
            for (int i = 0; i < 5; i++) {
                x[i] = (int) ((rnd.nextDouble() * 2 - 1) * (trial % 2 == 0 ? 4e5 : 2e9));
            }
            int[] y = FeedForwardKernels.run(s, List.of(x));
            double[] p = softmax(x, 0, 5, in);
            for (int c = 0; c < 5; c++) {
                assertThat(out.dequantize(y[c])).isCloseTo(Math.min(p[c], out.realMax()), within(3.0 / 32768));
            }
        }
    }

    @Test
    void softmaxDropsDifferencesBelowDiffMinToRealZero() {
        QuantType in = new QuantType(8, -128, 127, 1.0, 0);
        QuantType out = new QuantType(8, -128, 127, 1.0 / 256, -128);
        Rescale beta = Rescale.of(QuantizedMultiplier.of(0x1p26));
        QSoftmax s = new QSoftmax("s", "x", Shape.of(3), out, beta, -20, 8);
        assertThat(FeedForwardKernels.run(s, List.of(new int[] {100, -100, 100}))).containsExactly(0, -128, 0);
    }

    private static double[] softmax(int[] x, int off, int n, QuantType t) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, t.dequantize(x[off + i]));
        }
        double sum = 0;
        double[] p = new double[n];
        for (int i = 0; i < n; i++) {
            p[i] = Math.exp(t.dequantize(x[off + i]) - max);
            sum += p[i];
        }
        for (int i = 0; i < n; i++) {
            p[i] /= sum;
        }
        return p;
    }
}
