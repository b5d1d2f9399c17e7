package dev.mcugen.ir.quant;

import dev.mcugen.ir.Padding;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.fixed.GoldenVectors;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Golden table {@code nn_tfl} for runtime-c's {@code test_nn_tfl.c}: the TFLite-semantics kernels of
 * mcu_tfl.h against {@link TflKernels}. One int32 stream: the case count, then per case its kind:
 * <ul>
 *   <li>0, {@code mcu_requant_tfl_s64}: {@code x (low, high word), multiplier, shift, y}; ties of the
 *       rounding (half-way sums, positive and negative), multipliers at 2^30 and at or above 0x7FFF0000,
 *       shifts from -31 to 7;</li>
 *   <li>1, {@code mcu_conv_tfl_s16}: {@code inH, inW, C, F, kh, kw, sh, sw, dh, dw, padding (0 VALID,
 *       1 SAME), outZp, actMin, actMax, rescales (count, pairs), weights[kh*kw*C*F], bias[F] (int64
 *       pairs), x, outLength, y};</li>
 *   <li>2, {@code mcu_strided_slice_s8 / _s16}: {@code bits, inDims[4], outDims[4], begin[4], stride[4],
 *       x, outLength, y};</li>
 *   <li>3, {@code mcu_mean_tfl_s8 / _s16}: {@code bits, h, w, C, rounded, inZp, multiplier, shift, outZp,
 *       x, y[C]}; input and output zero points at the range ends, multipliers above and below one, sums
 *       whose quotient is half-way (all inputs equal);</li>
 *   <li>4, {@code mcu_depthwise_conv_tfl_s16}: {@code inH, inW, C, M, kh, kw, sh, sw, dh, dw, padding,
 *       actMin, actMax, rescales (count, pairs), weights[kh*kw*C*M], bias[C*M] (int64 pairs), x,
 *       outLength, y};</li>
 *   <li>5, {@code mcu_mean_tfl_steps_s8}: {@code h, w, C, steps[255], x, y[C]}; steps from random
 *       non-decreasing draws with unreachable outputs ({@code INT32_MAX}) at the top, sums on and beside
 *       the steps.</li>
 * </ul>
 */
public final class TflGoldenVectors {
    static final long SEED = 20261207L;
    static final int CASES = 400;

    private TflGoldenVectors() {
    }

    public static List<Path> write(Path dir) {
        return GoldenVectors.writeBinary(dir, List.of(table()));
    }

    static GoldenVectors.Table table() {
        Random rnd = new Random(SEED);
        NnGoldenVectors.Out out = new NnGoldenVectors.Out();
        out.add(CASES);
        for (int i = 0; i < CASES; i++) {
            for (int attempt = 0; ; attempt++) {
                NnGoldenVectors.Out one = new NnGoldenVectors.Out();
                try {
                    switch (i % 6) {
                        case 0 -> requant(rnd, i, one);
                        case 1 -> conv(rnd, one);
                        case 2 -> slice(rnd, one);
                        case 3 -> mean(rnd, one);
                        case 4 -> depthwise(rnd, one);
                        default -> meanSteps(rnd, one);
                    }
                } catch (IllegalStateException | IllegalArgumentException e) {
                    if (attempt > 100) {
                        throw new IllegalStateException("nn_tfl: cannot draw a valid case", e);
                    }
                    continue;
                }
                for (int v : one.values()) {
                    out.add(v);
                }
                break;
            }
        }
        List<int[]> rows = new ArrayList<>();
        for (int v : out.values()) {
            rows.add(new int[] {v});
        }
        return new GoldenVectors.Table("nn_tfl", List.of("stream"), rows);
    }

    private static void requant(Random rnd, int index, NnGoldenVectors.Out out) {
        int shift = NnGoldenVectors.between(rnd, -31, 7);
        int multiplier = switch (index % 4) {
            case 0 -> 1 << 30;
            case 1 -> 0x7FFF0000 + rnd.nextInt(0x10000);
            default -> (1 << 30) + rnd.nextInt(1 << 30);
        };
        long reduced = multiplier < 0x7FFF0000 ? (multiplier + (1L << 15)) >> 16 : 0x7FFF;
        int total = 15 - shift;
        long x;
        if (index % 8 == 0 && total >= 16) {
            // a tie: multiplier 2^30 reduces to 2^14, so x * 2^14 + 2^(total - 1) is a multiple of 2^total
            // exactly when x is an odd multiple of 2^(total - 15): half-way between two outputs
            long odd = 2L * NnGoldenVectors.between(rnd, -1000, 1000) + 1;
            x = odd << (total - 15);
        } else {
            // any x whose result fits int32 and |x| < 2^47
            long limit = Math.min((1L << 47) - 1, (long) Math.floor(Math.scalb((double) Integer.MAX_VALUE, total) / reduced));
            x = (long) ((rnd.nextDouble() * 2 - 1) * Math.max(1, limit) * (rnd.nextBoolean() ? 1 : 1e-6));
        }
        int y = TflKernels.requant64(x, multiplier, shift);
        out.add(0);
        out.add64(x);
        out.add(multiplier);
        out.add(shift);
        out.add(y);
    }

    private static void conv(Random rnd, NnGoldenVectors.Out out) {
        int c = NnGoldenVectors.between(rnd, 1, 4);
        int f = NnGoldenVectors.between(rnd, 1, 5);
        Geo g = Geo.draw(rnd);
        int kh = g.kh();
        int kw = g.kw();
        int h = g.h();
        int w = g.w();
        int oh = g.oh();
        int ow = g.ow();
        long[] weights = new long[kh * kw * c * f];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = NnGoldenVectors.between(rnd, -127, 127);
        }
        long[] bias = new long[f];
        for (int i = 0; i < f; i++) {
            bias[i] = (long) (rnd.nextInt(1 << 30) - (1 << 29)) * NnGoldenVectors.between(rnd, 1, 64);
        }
        List<Rescale> rs = new ArrayList<>();
        int n = rnd.nextBoolean() ? 1 : f;
        for (int i = 0; i < n; i++) {
            rs.add(new Rescale(false, (1 << 30) + rnd.nextInt(1 << 30), NnGoldenVectors.between(rnd, -20, -4)));
        }
        QuantType t = new QuantType(16, -32768, 32767, 0.001, 0);
        int lo = rnd.nextInt(3) == 0 ? 0 : -32768;
        int hi = rnd.nextInt(3) == 0 ? NnGoldenVectors.between(rnd, 1, 32767) : 32767;
        QConv16x8 cv = new QConv16x8("c", "x", Shape.of(h, w, c), Shape.of(oh, ow, f), t, kh, kw, g.sh(), g.sw(), g.dh(), g.dw(), g.padding(),
                IntTensor.of(Shape.of(kh, kw, c, f), 8, weights), IntTensor.of(Shape.of(f), 64, bias), rs, lo, hi);
        int[] x = NnGoldenVectors.values(rnd, h * w * c, 16);
        int[] y = TflKernels.run(cv, x);
        for (int v : new int[] {1, h, w, c, f, kh, kw, g.sh(), g.sw(), g.dh(), g.dw(), g.padding() == Padding.SAME ? 1 : 0, 0, lo, hi}) {
            out.add(v);
        }
        writeTail(out, rs, weights, bias, x, y);
    }

    private static void slice(Random rnd, NnGoldenVectors.Out out) {
        int bits = rnd.nextBoolean() ? 8 : 16;
        int rank = NnGoldenVectors.between(rnd, 1, 4);
        int[] in = new int[rank];
        int[] o = new int[rank];
        List<Integer> begin = new ArrayList<>();
        List<Integer> stride = new ArrayList<>();
        for (int a = 0; a < rank; a++) {
            in[a] = NnGoldenVectors.between(rnd, 1, 7);
            int b = rnd.nextInt(in[a]);
            int s = NnGoldenVectors.between(rnd, 1, 3);
            o[a] = NnGoldenVectors.between(rnd, 1, (in[a] - b + s - 1) / s);
            begin.add(b);
            stride.add(s);
        }
        QuantType t = new QuantType(bits, QuantType.fullMin(bits), QuantType.fullMax(bits), 0.01, 0);
        QStridedSlice ss = new QStridedSlice("s", "x", Shape.of(in), Shape.of(o), t, begin, stride);
        int[] x = NnGoldenVectors.values(rnd, Shape.of(in).size(), bits);
        int[] y = TflKernels.run(ss, x);
        out.add(2);
        out.add(bits);
        for (int a = 0; a < 4; a++) {
            out.add(a < rank ? in[a] : 1);
        }
        for (int a = 0; a < 4; a++) {
            out.add(a < rank ? o[a] : 1);
        }
        for (int a = 0; a < 4; a++) {
            out.add(a < rank ? begin.get(a) : 0);
        }
        for (int a = 0; a < 4; a++) {
            out.add(a < rank ? stride.get(a) : 1);
        }
        out.addAll(x);
        out.add(y.length);
        out.addAll(y);
    }

    private static void mean(Random rnd, NnGoldenVectors.Out out) {
        int bits = rnd.nextBoolean() ? 8 : 16;
        int h = NnGoldenVectors.between(rnd, 1, 7);
        int w = NnGoldenVectors.between(rnd, 1, 7);
        int c = NnGoldenVectors.between(rnd, 1, 6);
        boolean rounded = rnd.nextInt(4) != 0;
        int min = QuantType.fullMin(bits);
        int max = QuantType.fullMax(bits);
        int inZp = bits == 16 ? 0 : switch (rnd.nextInt(3)) {
            case 0 -> min;
            case 1 -> max;
            default -> NnGoldenVectors.between(rnd, min, max);
        };
        int outZp = bits == 16 ? 0 : NnGoldenVectors.between(rnd, min, max);
        Rescale r = new Rescale(false, (1 << 30) + rnd.nextInt(1 << 30), NnGoldenVectors.between(rnd, -6, 2));
        QuantType t = new QuantType(bits, min, max, 0.01, rounded ? outZp : inZp);
        QTflMean m = new QTflMean("m", "x", Shape.of(h, w, c), Shape.of(1, 1, c), t, rounded, inZp, r);
        int[] x = NnGoldenVectors.values(rnd, h * w * c, bits);
        if (rnd.nextInt(5) == 0) {
            // every value equal: the quotient of TFLite's (acc +- n/2) / n is often half-way
            java.util.Arrays.fill(x, NnGoldenVectors.between(rnd, min, max));
        }
        int[] y = TflKernels.run(m, x);
        for (int v : new int[] {3, bits, h, w, c, rounded ? 1 : 0, inZp, r.multiplier(), r.shift(), t.zeroPoint()}) {
            out.add(v);
        }
        out.addAll(x);
        out.addAll(y);
    }

    private static void depthwise(Random rnd, NnGoldenVectors.Out out) {
        int c = NnGoldenVectors.between(rnd, 1, 4);
        int m = NnGoldenVectors.between(rnd, 1, 3);
        Geo g = Geo.draw(rnd);
        int kh = g.kh();
        int kw = g.kw();
        int h = g.h();
        int w = g.w();
        int oh = g.oh();
        int ow = g.ow();
        int f = c * m;
        long[] weights = new long[kh * kw * f];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = NnGoldenVectors.between(rnd, -127, 127);
        }
        long[] bias = new long[f];
        for (int i = 0; i < f; i++) {
            bias[i] = (long) (rnd.nextInt(1 << 26) - (1 << 25)) * NnGoldenVectors.between(rnd, 1, 64);
        }
        List<Rescale> rs = new ArrayList<>();
        int n = rnd.nextBoolean() ? 1 : f;
        for (int i = 0; i < n; i++) {
            rs.add(new Rescale(false, (1 << 30) + rnd.nextInt(1 << 30), NnGoldenVectors.between(rnd, -16, -2)));
        }
        QuantType t = new QuantType(16, -32768, 32767, 0.001, 0);
        int lo = rnd.nextInt(3) == 0 ? 0 : -32768;
        int hi = rnd.nextInt(3) == 0 ? NnGoldenVectors.between(rnd, 1, 32767) : 32767;
        QDepthwise16x8 d = new QDepthwise16x8("d", "x", Shape.of(h, w, c), Shape.of(oh, ow, f), t, m, kh, kw, g.sh(), g.sw(),
                g.dh(), g.dw(), g.padding(), IntTensor.of(Shape.of(kh, kw, c, m), 8, weights), IntTensor.of(Shape.of(f), 64, bias), rs, lo, hi);
        int[] x = NnGoldenVectors.values(rnd, h * w * c, 16);
        int[] y = TflKernels.run(d, x);
        for (int v : new int[] {4, h, w, c, m, kh, kw, g.sh(), g.sw(), g.dh(), g.dw(), g.padding() == Padding.SAME ? 1 : 0, lo, hi}) {
            out.add(v);
        }
        writeTail(out, rs, weights, bias, x, y);
    }

    /** The geometry of a random 16x8 convolution case: kernel, strides, dilations, input, padding, output. */
    private record Geo(int kh, int kw, int sh, int sw, int dh, int dw, int h, int w, Padding padding, int oh, int ow) {
        static Geo draw(Random rnd) {
            int kh = NnGoldenVectors.between(rnd, 1, 3);
            int kw = NnGoldenVectors.between(rnd, 1, 4);
            int sh = NnGoldenVectors.between(rnd, 1, 2);
            int sw = NnGoldenVectors.between(rnd, 1, 3);
            int dh = NnGoldenVectors.between(rnd, 1, 2);
            int dw = NnGoldenVectors.between(rnd, 1, 2);
            int h = NnGoldenVectors.between(rnd, 1, 6);
            int w = NnGoldenVectors.between(rnd, 1, 9);
            Padding padding = rnd.nextBoolean() ? Padding.SAME : Padding.VALID;
            int oh = FeedForwardKernels.outLength(h, kh, sh, dh, padding);
            int ow = FeedForwardKernels.outLength(w, kw, sw, dw, padding);
            if (oh < 1 || ow < 1) {
                throw new IllegalArgumentException("empty output");
            }
            return new Geo(kh, kw, sh, sw, dh, dw, h, w, padding, oh, ow);
        }
    }

    /** The end of a 16x8 convolution case: rescales, weights, int64 biases, input, output length and output. */
    private static void writeTail(NnGoldenVectors.Out out, List<Rescale> rs, long[] weights, long[] bias, int[] x, int[] y) {
        out.rescales(rs);
        for (long v : weights) {
            out.add((int) v);
        }
        for (long v : bias) {
            out.add64(v);
        }
        out.addAll(x);
        out.add(y.length);
        out.addAll(y);
    }

    private static void meanSteps(Random rnd, NnGoldenVectors.Out out) {
        int h = NnGoldenVectors.between(rnd, 1, 5);
        int w = NnGoldenVectors.between(rnd, 1, 5);
        int c = NnGoldenVectors.between(rnd, 1, 6);
        int n = h * w;
        long[] steps = new long[255];
        long v = -128L * n + rnd.nextInt(n + 1);
        int reachable = NnGoldenVectors.between(rnd, 100, 255);
        for (int k = 0; k < 255; k++) {
            steps[k] = k < reachable ? v : Integer.MAX_VALUE;
            v += rnd.nextInt(2 * n + 1);
        }
        QuantType t = new QuantType(8, -128, 127, 0.01, 0);
        QTflMeanSteps m = new QTflMeanSteps("m", "x", Shape.of(h, w, c), Shape.of(c), t, IntTensor.of(Shape.of(255), 32, steps));
        int[] x = NnGoldenVectors.values(rnd, h * w * c, 8);
        int[] y = TflKernels.run(m, x);
        for (int val : new int[] {5, h, w, c}) {
            out.add(val);
        }
        for (long st : steps) {
            out.add((int) st);
        }
        out.addAll(x);
        out.addAll(y);
    }
}
