package dev.mcugen.ir.quant;

import dev.mcugen.ir.Activation;
import dev.mcugen.ir.Padding;
import dev.mcugen.ir.PoolKind;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.SpatialOps;
import dev.mcugen.ir.fixed.GoldenVectors;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * Golden vectors for the C feed-forward kernels ({@code runtime-c/include/mcu_nn.h}): seeded random
 * but valid integer op records built directly (odd sizes, tails, negative and positive zero points,
 * strides, dilations, SAME padding, per-channel and per-tensor rescales in both the shift-only and
 * the multiplier form, the int64 accumulator with {@code accShift > 0}, outputs of another width than
 * the input: int8 to int16 or int32 fully connected, int8 to int16 conv, int16 to int8 requant and
 * logistic), run through
 * {@link FeedForwardKernels#run}, and written as one {@code MCGV} table per op family
 * ({@code nn_fc}, {@code nn_conv}, {@code nn_pool}, {@code nn_elementwise}, {@code nn_softmax},
 * {@code nn_depthwise}, {@code nn_shape}, {@code nn_reverse}, {@code nn_norm} from {@link NormGoldenVectors}
 * {@code nn_depthwise_packed} from {@link DepthwisePackedCases} and {@code nn_conv_wide} from {@link ConvWideCases}).
 *
 * <p>Each table has one column: a flat stream of int32 values, read sequentially by
 * {@code runtime-c/test/test_nn_*.c}: the number of cases, then per case its parameters, inputs
 * and expected outputs in the order the {@code write*} methods below state. A rescale is two values
 * ({@code multiplier}, {@code shift}), multiplier 0 for the power-of-two form (the C
 * {@code mcu_rescale_t}); an int64 is two values (low word, high word). Records whose run throws
 * (an accumulator bound a random record broke) are discarded and redrawn: the C has no defined
 * behaviour there.
 */
public final class NnGoldenVectors {
    static final long SEED = 20240917L;
    static final int CASES = 300;

    private NnGoldenVectors() {
    }

    /** Writes every family's table into {@code dir}. */
    public static List<Path> write(Path dir) {
        return GoldenVectors.writeBinary(dir, all());
    }

    public static List<GoldenVectors.Table> all() {
        Random rnd = new Random(SEED);
        List<GoldenVectors.Table> tables = new ArrayList<>();
        tables.add(table("nn_fc", rnd, NnGoldenVectors::fc));
        tables.add(table("nn_conv", rnd, NnGoldenVectors::conv));
        tables.add(table("nn_pool", rnd, NnGoldenVectors::pool));
        tables.add(table("nn_elementwise", rnd, NnGoldenVectors::elementwise));
        tables.add(table("nn_softmax", rnd, NnGoldenVectors::softmax));
        tables.add(table("nn_depthwise", rnd, NnGoldenVectors::depthwise));
        tables.add(table("nn_shape", rnd, NnGoldenVectors::shape));
        tables.add(table("nn_reverse", rnd, NnGoldenVectors::reverse));
        tables.add(table("nn_norm", rnd, NormGoldenVectors::norm));
        tables.add(table("nn_depthwise_packed", rnd, DepthwisePackedCases::write));
        tables.add(table("nn_conv_rows", rnd, NnGoldenVectors::convRows));
        tables.add(table("nn_fc_sub8", new Random(SEED + 16), Sub8FcCases::write));
        // its own generator: the tables above stay as they were
        tables.add(table("nn_conv_wide", new Random(SEED + 15), ConvWideCases::write, ConvWideCases.CASES));
        return tables;
    }

    /** A flat int32 stream. */
    static final class Out {
        private int[] v = new int[1024];
        private int n;

        void add(int x) {
            if (n == v.length) {
                v = java.util.Arrays.copyOf(v, 2 * n);
            }
            v[n++] = x;
        }

        void addAll(int[] xs) {
            for (int x : xs) {
                add(x);
            }
        }

        /** The values added so far. */
        int[] values() {
            return java.util.Arrays.copyOf(v, n);
        }

        void add64(long x) {
            add((int) x);
            add((int) (x >>> 32));
        }

        void rescale(Rescale r) {
            if (!r.powerOfTwo() && r.multiplier() == 0) {
                throw new IllegalArgumentException("a multiplier-form rescale with multiplier 0 has no C form");
            }
            add(r.multiplier());
            add(r.shift());
        }

        void rescales(List<Rescale> rs) {
            add(rs.size());
            rs.forEach(this::rescale);
        }
    }

    interface Family {
        /** Appends one case for {@code index} to {@code out}, or throws if the drawn record is invalid. */
        void write(Random rnd, int index, Out out);
    }

    private static GoldenVectors.Table table(String name, Random rnd, Family f) {
        return table(name, rnd, f, CASES);
    }

    private static GoldenVectors.Table table(String name, Random rnd, Family f, int cases) {
        Out out = new Out();
        out.add(cases);
        for (int i = 0; i < cases; i++) {
            for (int attempt = 0; ; attempt++) {
                Out one = new Out();
                try {
                    f.write(rnd, i, one);
                } catch (IllegalStateException | IllegalArgumentException e) {
                    if (attempt > 100) {
                        throw new IllegalStateException(name + ": cannot draw a valid case", e);
                    }
                    continue;
                }
                for (int k = 0; k < one.n; k++) {
                    out.add(one.v[k]);
                }
                break;
            }
        }
        List<int[]> rows = new ArrayList<>(out.n);
        for (int k = 0; k < out.n; k++) {
            rows.add(new int[] {out.v[k]});
        }
        return new GoldenVectors.Table(name, List.of("stream"), rows);
    }

    // ---------------------------------------------------------------------------------------------
    // Random pieces

    static int between(Random rnd, int lo, int hi) {
        return lo + rnd.nextInt(hi - lo + 1);
    }

    private static QuantType type(Random rnd, int bits) {
        int qmin = QuantType.fullMin(bits);
        int qmax = QuantType.fullMax(bits);
        int zp = bits == 8 ? between(rnd, -128, 127) : (rnd.nextInt(3) == 0 ? between(rnd, -200, 200) : 0);
        return new QuantType(bits, qmin, qmax, 0.01, zp);
    }

    /** A rescale near {@code 2^exponent}: the power-of-two or the multiplier form, half each. */
    static Rescale rescale(Random rnd, int exponent) {
        int shift = Math.max(-31, Math.min(30, exponent + between(rnd, -1, 1)));
        if (rnd.nextBoolean()) {
            return Rescale.pot(shift);
        }
        return new Rescale(false, (1 << 30) + rnd.nextInt(1 << 30), shift);
    }

    /** A rescale in the multiplier form with the given shift. */
    static Rescale multiplierForm(Random rnd, int shift) {
        return new Rescale(false, (1 << 30) + rnd.nextInt(1 << 30), shift);
    }

    private static List<Rescale> rescales(Random rnd, int channels, int exponent) {
        int n = rnd.nextBoolean() ? 1 : channels;
        List<Rescale> rs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rs.add(rescale(rnd, exponent));
        }
        return rs;
    }

    static int[] values(Random rnd, int n, int bits) {
        int[] x = new int[n];
        int lo = QuantType.fullMin(bits);
        int hi = QuantType.fullMax(bits);
        int mode = rnd.nextInt(4);
        for (int i = 0; i < n; i++) {
            x[i] = mode == 0 ? between(rnd, lo / 16, hi / 16) : between(rnd, lo, hi);
        }
        return x;
    }

    private static long[] weights(Random rnd, int n, int max) {
        long[] w = new long[n];
        for (int i = 0; i < n; i++) {
            w[i] = between(rnd, -max, max);
        }
        return w;
    }

    private static int log2(double v) {
        return (int) Math.ceil(Math.log(Math.max(v, 1.0)) / Math.log(2.0));
    }

    private static int[] clamp(Random rnd, QuantType t) {
        int lo = t.qmin();
        int hi = t.qmax();
        switch (rnd.nextInt(4)) {
            case 0:
                return new int[] {t.zeroPoint(), hi};                                       // ReLU
            case 1:
                return new int[] {t.zeroPoint(), Math.min(hi, t.zeroPoint() + between(rnd, 1, hi - t.zeroPoint() + 1))};
            default:
                return new int[] {lo, hi};
        }
    }

    private static int bits(Random rnd) {
        return rnd.nextBoolean() ? 8 : 16;
    }

    /** The output width of a layer reading {@code bits}: mostly the same, else a kernel's other width. */
    private static int outBits(Random rnd, int bits, int... others) {
        return others.length == 0 || rnd.nextInt(3) != 0 ? bits : others[rnd.nextInt(others.length)];
    }

    private static Padding padding(Random rnd) {
        return rnd.nextBoolean() ? Padding.SAME : Padding.VALID;
    }

    // ---------------------------------------------------------------------------------------------
    // Families

    /**
     * {@code bits, outBits, in, units, rows, accShift, outZp, actMin, actMax, rescales (count, pairs),
     * weights[in*units], bias[units] (int32, or int64 pairs for bits 16), x[rows*in], y[rows*units]}.
     * {@code bits -> outBits}: 8 -> 8, 16, 32; 16 -> 16, 32 (32: the raw accumulator, zero point 0,
     * identity rescale, full int32 clamp).
     */
    private static void fc(Random rnd, int index, Out out) {
        // every 25th case an int8 row wider than the packed Dense's prepared-input buffer (512 columns,
        // 256 on Cortex-M3) with multiplier-form rescales: the two-phase path sums it chunk by chunk
        boolean wide = index % 25 == 7;
        int bits = wide ? 8 : bits(rnd);
        int outBits = wide ? outBits(rnd, 8, 16) : bits == 8 ? outBits(rnd, 8, 16, 32) : outBits(rnd, 16, 32);
        int in = index % 10 == 0 ? 13 : wide ? between(rnd, 513, 1100) : between(rnd, 1, 40);
        int units = index % 10 == 0 ? 29 : between(rnd, 1, 40);
        int rows = between(rnd, 1, 3);
        int accShift = bits == 16 && rnd.nextBoolean() ? between(rnd, 1, 12) : 0;
        QuantType t = outBits == 32 ? new QuantType(32, -Integer.MAX_VALUE, Integer.MAX_VALUE, 1.0, 0) : type(rnd, outBits);
        int[] act = outBits == 32 ? new int[] {t.qmin(), t.qmax()} : clamp(rnd, t);
        long[] w = weights(rnd, in * units, 127);
        long biasMax = accShift > 0 && rnd.nextBoolean() ? 1L << (30 + accShift - 2) : 1L << (bits == 8 ? 16 : 24);
        long[] b = new long[units];
        for (int o = 0; o < units; o++) {
            b[o] = (long) (rnd.nextDouble() * 2 * biasMax) - biasMax;
        }
        int accBits = log2(Math.sqrt(in) * 80 * (bits == 8 ? 80 : 20000) + biasMax / 4.0) - accShift;
        List<Rescale> rs = outBits == 32 ? List.of(Rescale.IDENTITY) : rescales(rnd, units, outBits - 3 - accBits);
        if (wide) {
            List<Rescale> m = new ArrayList<>();
            for (Rescale r : rs) {
                m.add(multiplierForm(rnd, Math.min(-1, r.shift())));
            }
            rs = m;
        }
        QFullyConnected fc = new QFullyConnected("fc", "x", Shape.of(units), t, in, units,
                IntTensor.of(Shape.of(in, units), 8, w), IntTensor.of(Shape.of(units), accShift > 0 ? 64 : 32, b),
                rs, accShift, act[0], act[1]);
        int[] x = values(rnd, rows * in, bits);
        int[] y = FeedForwardKernels.run(fc, List.of(x));
        out.add(bits);
        out.add(outBits);
        out.add(in);
        out.add(units);
        out.add(rows);
        out.add(accShift);
        out.add(t.zeroPoint());
        out.add(act[0]);
        out.add(act[1]);
        out.rescales(rs);
        for (long v : w) {
            out.add((int) v);
        }
        for (long v : b) {
            if (bits == 8) {
                out.add((int) v);
            } else {
                out.add64(v);
            }
        }
        out.addAll(x);
        out.addAll(y);
    }

    /**
     * {@code bits, outBits, inH, inW, C, F, kh, kw, sh, sw, dh, dw, padding (0 VALID, 1 SAME), padValue,
     * accShift, outZp, actMin, actMax, rescales, weights[kh*kw*C*F], bias[F], x[inH*inW*C],
     * outLength, y[outLength]}. {@code bits -> outBits}: 8 -> 8, 16; 16 -> 16.
     */
    private static void conv(Random rnd, int index, Out out) {
        int bits = bits(rnd);
        int outBits = bits == 8 ? outBits(rnd, 8, 16) : 16;
        boolean oneD = rnd.nextBoolean();
        int h = oneD ? 1 : between(rnd, 1, 9);
        int wd = between(rnd, 1, oneD ? 23 : 9);
        int c = between(rnd, 1, 7);
        int f = index % 10 == 0 ? 13 : between(rnd, 1, 9);
        int kh = oneD ? 1 : between(rnd, 1, 3);
        int kw = between(rnd, 1, oneD ? 5 : 3);
        int sh = oneD ? 1 : between(rnd, 1, 3);
        int sw = between(rnd, 1, 3);
        int dh = oneD ? 1 : between(rnd, 1, 2);
        int dw = between(rnd, 1, 3);
        Padding pad = padding(rnd);
        conv(rnd, out, bits, outBits, oneD, h, wd, c, f, kh, kw, sh, sw, dh, dw, pad);
    }

    /**
     * int8 convolutions of the shapes the im2col-free row path of mcu_conv_packed_s8 takes on
     * DSP_PAIRS weights (channels a multiple of 4, no dilation, not 1x1; mcu_conv_rows_impl.h):
     * strides 1 and 2, both paddings, up to 132 channels (kernel rows up to 396 columns, fields beyond
     * one 512-column chunk), filter counts that are not a multiple of 4.
     */
    private static void convRows(Random rnd, int index, Out out) {
        boolean oneD = index % 5 == 4;
        int c = 4 * (index % 7 == 6 ? 33 : between(rnd, 1, 6));
        int kh = oneD ? 1 : between(rnd, 1, 3);
        int kw = between(rnd, kh == 1 ? 2 : 1, 3);
        int f = between(rnd, 1, 11);
        int h = oneD ? 1 : between(rnd, 1, c > 24 ? 4 : 7);
        int wd = between(rnd, 1, c > 24 ? 4 : 9);
        int s = between(rnd, 1, 2);
        conv(rnd, out, 8, outBits(rnd, 8, 16), oneD, h, wd, c, f, kh, kw, oneD ? 1 : s, s, 1, 1, padding(rnd));
    }

    private static void conv(Random rnd, Out out, int bits, int outBits, boolean oneD, int h, int wd, int c, int f,
                             int kh, int kw, int sh, int sw, int dh, int dw, Padding pad) {
        int oh = FeedForwardKernels.outLength(h, kh, sh, dh, pad);
        int ow = FeedForwardKernels.outLength(wd, kw, sw, dw, pad);
        if (oh == 0 || ow == 0) {
            throw new IllegalArgumentException("empty output");
        }
        int accShift = bits == 16 && rnd.nextBoolean() ? between(rnd, 1, 10) : 0;
        QuantType xt = type(rnd, bits);
        QuantType t = type(rnd, outBits);
        int[] act = clamp(rnd, t);
        int taps = kh * kw * c;
        long[] w = weights(rnd, taps * f, 127);
        long biasMax = accShift > 0 && rnd.nextBoolean() ? 1L << (30 + accShift - 2) : 1L << (bits == 8 ? 16 : 24);
        long[] b = new long[f];
        for (int o = 0; o < f; o++) {
            b[o] = (long) (rnd.nextDouble() * 2 * biasMax) - biasMax;
        }
        int accBits = log2(Math.sqrt(taps) * 80 * (bits == 8 ? 80 : 20000) + biasMax / 4.0) - accShift;
        List<Rescale> rs = rescales(rnd, f, outBits - 3 - accBits);
        Shape inShape = oneD ? Shape.of(wd, c) : Shape.of(h, wd, c);
        Shape outShape = oneD ? Shape.of(ow, f) : Shape.of(oh, ow, f);
        QConv cv = new QConv("conv", "x", inShape, outShape, t, kh, kw, sh, sw, dh, dw, pad, xt.zeroPoint(),
                IntTensor.of(Shape.of(kh, kw, c, f), 8, w), IntTensor.of(Shape.of(f), accShift > 0 ? 64 : 32, b),
                rs, accShift, act[0], act[1]);
        int[] x = values(rnd, h * wd * c, bits);
        int[] y = FeedForwardKernels.run(cv, List.of(x));
        for (int v : new int[] {bits, outBits, h, wd, c, f, kh, kw, sh, sw, dh, dw, pad == Padding.SAME ? 1 : 0,
                xt.zeroPoint(), accShift, t.zeroPoint(), act[0], act[1]}) {
            out.add(v);
        }
        out.rescales(rs);
        for (long v : w) {
            out.add((int) v);
        }
        for (long v : b) {
            if (bits == 8) {
                out.add((int) v);
            } else {
                out.add64(v);
            }
        }
        out.addAll(x);
        out.add(y.length);
        out.addAll(y);
    }

    /**
     * {@code bits, inH, inW, C, m, kh, kw, sh, sw, dh, dw, padding (0 VALID, 1 SAME), padValue, accShift,
     * outZp, actMin, actMax, rescales, weights[kh*kw*C*m], bias[C*m], x[inH*inW*C], outLength,
     * y[outLength]}: a depthwise convolution, int8 or int16 in and out.
     */
    private static void depthwise(Random rnd, int index, Out out) {
        int bits = bits(rnd);
        boolean oneD = rnd.nextBoolean();
        int h = oneD ? 1 : between(rnd, 1, 9);
        int wd = between(rnd, 1, oneD ? 23 : 9);
        int c = index % 10 == 0 ? 13 : between(rnd, 1, 7);
        int m = between(rnd, 1, 3);
        int f = c * m;
        int kh = oneD ? 1 : between(rnd, 1, 3);
        int kw = between(rnd, 1, oneD ? 5 : 3);
        int sh = oneD ? 1 : between(rnd, 1, 3);
        int sw = between(rnd, 1, 3);
        int dh = oneD ? 1 : between(rnd, 1, 2);
        int dw = between(rnd, 1, 3);
        Padding pad = padding(rnd);
        int oh = FeedForwardKernels.outLength(h, kh, sh, dh, pad);
        int ow = FeedForwardKernels.outLength(wd, kw, sw, dw, pad);
        if (oh == 0 || ow == 0) {
            throw new IllegalArgumentException("empty output");
        }
        int accShift = bits == 16 && rnd.nextBoolean() ? between(rnd, 1, 10) : 0;
        QuantType xt = type(rnd, bits);
        QuantType t = type(rnd, bits);
        int[] act = clamp(rnd, t);
        int taps = kh * kw;
        long[] w = weights(rnd, taps * f, 127);
        long biasMax = accShift > 0 && rnd.nextBoolean() ? 1L << (30 + accShift - 2) : 1L << (bits == 8 ? 16 : 24);
        long[] b = new long[f];
        for (int o = 0; o < f; o++) {
            b[o] = (long) (rnd.nextDouble() * 2 * biasMax) - biasMax;
        }
        int accBits = log2(Math.sqrt(taps) * 80 * (bits == 8 ? 80 : 20000) + biasMax / 4.0) - accShift;
        List<Rescale> rs = rescales(rnd, f, bits - 3 - accBits);
        Shape inShape = oneD ? Shape.of(wd, c) : Shape.of(h, wd, c);
        Shape outShape = oneD ? Shape.of(ow, f) : Shape.of(oh, ow, f);
        QDepthwiseConv dc = new QDepthwiseConv("dw", "x", inShape, outShape, t, m, kh, kw, sh, sw, dh, dw, pad,
                xt.zeroPoint(), IntTensor.of(Shape.of(kh, kw, c, m), 8, w),
                IntTensor.of(Shape.of(f), accShift > 0 ? 64 : 32, b), rs, accShift, act[0], act[1]);
        int[] x = values(rnd, h * wd * c, bits);
        int[] y = FeedForwardKernels.run(dc, List.of(x));
        for (int v : new int[] {bits, h, wd, c, m, kh, kw, sh, sw, dh, dw, pad == Padding.SAME ? 1 : 0,
                xt.zeroPoint(), accShift, t.zeroPoint(), act[0], act[1]}) {
            out.add(v);
        }
        out.rescales(rs);
        for (long v : w) {
            out.add((int) v);
        }
        for (long v : b) {
            if (bits == 8) {
                out.add((int) v);
            } else {
                out.add64(v);
            }
        }
        out.addAll(x);
        out.add(y.length);
        out.addAll(y);
    }

    /**
     * {@code bits, kind}, then for kind 0 (max) / 1 (avg): {@code inH, inW, C, kh, kw, sh, sw, padding,
     * x[inH*inW*C], outLength, y}; for kind 2 (global max) / 3 (global avg): {@code positions, C,
     * useRescale, inZp, rescale, outZp, qmin, qmax, x[positions*C], y[C]}.
     */
    private static void pool(Random rnd, int index, Out out) {
        int bits = bits(rnd);
        int kind = index % 4;
        out.add(bits);
        out.add(kind);
        QuantType t = type(rnd, bits);
        if (kind < 2) {
            boolean oneD = rnd.nextBoolean();
            int h = oneD ? 1 : between(rnd, 1, 9);
            int wd = between(rnd, 1, oneD ? 25 : 9);
            int c = between(rnd, 1, 11);
            int kh = oneD ? 1 : between(rnd, 1, 3);
            int kw = between(rnd, 1, 4);
            int sh = oneD ? 1 : between(rnd, 1, 3);
            int sw = between(rnd, 1, 3);
            Padding pad = padding(rnd);
            int oh = FeedForwardKernels.outLength(h, kh, sh, 1, pad);
            int ow = FeedForwardKernels.outLength(wd, kw, sw, 1, pad);
            if (oh == 0 || ow == 0) {
                throw new IllegalArgumentException("empty output");
            }
            Shape inShape = oneD ? Shape.of(wd, c) : Shape.of(h, wd, c);
            Shape outShape = oneD ? Shape.of(ow, c) : Shape.of(oh, ow, c);
            QPool p = new QPool("pool", "x", inShape, outShape, t, kind == 0 ? PoolKind.MAX : PoolKind.AVG,
                    kh, kw, sh, sw, pad);
            int[] x = values(rnd, h * wd * c, bits);
            int[] y = FeedForwardKernels.run(p, List.of(x));
            for (int v : new int[] {h, wd, c, kh, kw, sh, sw, pad == Padding.SAME ? 1 : 0}) {
                out.add(v);
            }
            out.addAll(x);
            out.add(y.length);
            out.addAll(y);
        } else {
            int n = index % 20 == 3 ? 1 : between(rnd, 1, 40);
            int c = between(rnd, 1, 13);
            boolean useRescale = kind == 3 && rnd.nextBoolean();
            QuantType xt = useRescale ? type(rnd, bits) : t;
            Rescale r = useRescale ? rescale(rnd, -log2(n)) : Rescale.IDENTITY;
            QGlobalPool g = new QGlobalPool("gpool", "x", Shape.of(n, c), Shape.of(c), t,
                    kind == 2 ? PoolKind.MAX : PoolKind.AVG, xt.zeroPoint(),
                    useRescale ? Optional.of(r) : Optional.empty());
            int[] x = values(rnd, n * c, bits);
            int[] y = FeedForwardKernels.run(g, List.of(x));
            for (int v : new int[] {n, c, useRescale ? 1 : 0, xt.zeroPoint()}) {
                out.add(v);
            }
            out.rescale(r);
            out.add(t.zeroPoint());
            out.add(t.qmin());
            out.add(t.qmax());
            out.addAll(x);
            out.addAll(y);
        }
    }

    /**
     * {@code bits, outBits, op}, then op 0 (add): {@code n, size, leftShift, zp[n], rescale[n], outRescale,
     * outZp, qmin, qmax, x[n][size], y[size]}; op 1 (requant): {@code size, inZp, gain, rescale,
     * offset, outZp, lo, hi, x, y}; op 2 (channel affine): {@code C, size, rescales, weights[C],
     * bias[C], outZp, lo, hi, x, y}; op 3 (logistic): {@code function (0 sigmoid, 1 tanh), impl
     * (0 lut, 1 poly), size, inZp, inRescale, outRescale, outZp, qmin, qmax, x, y}; op 4 (concat):
     * {@code n, outer, size[n], zp[n], rescale[n], outZp, qmin, qmax, x_k[outer*size_k] for each k,
     * y[outer*sum size]}. {@code outBits} differs from {@code bits} only for requant and logistic
     * (16 -> 8).
     */
    private static void elementwise(Random rnd, int index, Out out) {
        int bits = bits(rnd);
        int op = index % 5;
        int outBits = bits == 16 && (op == 1 || op == 3) ? outBits(rnd, 16, 8) : bits;
        out.add(bits);
        out.add(outBits);
        out.add(op);
        QuantType t = type(rnd, outBits);
        // some requants long enough for mcu_requant_s8's table (512 values and more)
        int size = index % 8 == 1 ? 1 : index % 15 == 6 ? between(rnd, 512, 700) : between(rnd, 1, 70);
        switch (op) {
            case 0 -> {
                // Every other add: two operands and the multiplier form with right shifts only, as TFLite's
                // ADD gives (an input rescale of 1/2 is {2^30, 0}): mcu_add_s8's two-operand loop.
                boolean rightOnly = index % 10 == 0;
                int n = rightOnly ? 2 : between(rnd, 2, 4);
                int leftShift = bits == 8 ? 20 : between(rnd, 12, 15);
                List<Integer> zps = new ArrayList<>();
                List<Rescale> rs = new ArrayList<>();
                List<int[]> xs = new ArrayList<>();
                List<String> names = new ArrayList<>();
                for (int k = 0; k < n; k++) {
                    zps.add(type(rnd, bits).zeroPoint());
                    // (the power-of-two form 2^-e, e >= 1, as mcugen's own quantization gives, in a third of them)
                    rs.add(rightOnly ? (index % 30 == 10 ? Rescale.pot(-between(rnd, 1, 3))
                            : multiplierForm(rnd, between(rnd, -3, 0))) : rescale(rnd, between(rnd, -4, -2)));
                    xs.add(values(rnd, size, bits));
                    names.add("x" + k);
                }
                Rescale outR = rightOnly ? multiplierForm(rnd, 2 - leftShift + between(rnd, -1, 1))
                        : rescale(rnd, 1 + 2 - leftShift);
                QAdd a = new QAdd("add", names, Shape.of(size), t, zps, leftShift, rs, outR);
                int[] y = FeedForwardKernels.run(a, xs);
                out.add(n);
                out.add(size);
                out.add(leftShift);
                zps.forEach(out::add);
                rs.forEach(out::rescale);
                out.rescale(outR);
                out.add(t.zeroPoint());
                out.add(t.qmin());
                out.add(t.qmax());
                xs.forEach(out::addAll);
                out.addAll(y);
            }
            case 1 -> {
                int inZp = type(rnd, bits).zeroPoint();
                int gain = switch (rnd.nextInt(3)) {
                    case 0 -> 1;
                    case 1 -> QRequant.HARD_SIGMOID_GAIN;
                    default -> between(rnd, -32767, 32767);
                };
                Rescale r = gain == 1 && outBits == bits && rnd.nextBoolean() ? Rescale.IDENTITY
                        : rescale(rnd, -log2(Math.abs(gain)) - (bits - outBits));
                int offset = between(rnd, -40, 40);
                int[] act = clamp(rnd, t);
                QRequant q = new QRequant("rq", "x", Shape.of(size), t, inZp, gain, r, offset, act[0], act[1]);
                int[] x = values(rnd, size, bits);
                int[] y = FeedForwardKernels.run(q, List.of(x));
                for (int v : new int[] {size, inZp, gain}) {
                    out.add(v);
                }
                out.rescale(r);
                out.add(offset);
                out.add(t.zeroPoint());
                out.add(act[0]);
                out.add(act[1]);
                out.addAll(x);
                out.addAll(y);
            }
            case 2 -> {
                int c = between(rnd, 1, 13);
                int rowsN = between(rnd, 1, 6);
                int wMax = bits == 8 ? 127 : 32767;
                long[] w = weights(rnd, c, wMax);
                long[] b = new long[c];
                for (int i = 0; i < c; i++) {
                    b[i] = (int) (rnd.nextLong() % ((1L << 30) + 1)) >> rnd.nextInt(20);
                }
                List<Rescale> rs = rescales(rnd, c, bits - 1 - log2(80.0 * wMax * (bits == 8 ? 80 : 20000)));
                int[] act = clamp(rnd, t);
                QChannelAffine a = new QChannelAffine("ca", "x", Shape.of(rowsN, c), t,
                        IntTensor.of(Shape.of(c), bits, w), IntTensor.of(Shape.of(c), 32, b), rs, act[0], act[1]);
                int[] x = values(rnd, rowsN * c, bits);
                int[] y = FeedForwardKernels.run(a, List.of(x));
                out.add(c);
                out.add(rowsN * c);
                out.rescales(rs);
                for (long v : w) {
                    out.add((int) v);
                }
                for (long v : b) {
                    out.add((int) v);
                }
                out.add(t.zeroPoint());
                out.add(act[0]);
                out.add(act[1]);
                out.addAll(x);
                out.addAll(y);
            }
            case 3 -> {
                Activation fn = rnd.nextBoolean() ? Activation.SIGMOID : Activation.TANH;
                QLogistic.Impl impl = rnd.nextBoolean() ? QLogistic.Impl.LUT : QLogistic.Impl.POLY;
                int inZp = type(rnd, bits).zeroPoint();
                Rescale inR = rescale(rnd, bits == 8 ? between(rnd, 2, 7) : between(rnd, -4, 1));
                Rescale outR = outBits == 16 && rnd.nextBoolean() ? Rescale.IDENTITY
                        : rescale(rnd, outBits == 8 ? -8 : -1);
                QLogistic l = new QLogistic("lg", "x", Shape.of(size), t, fn, impl, inZp, inR, outR);
                int[] x = values(rnd, size, bits);
                int[] y = FeedForwardKernels.run(l, List.of(x));
                for (int v : new int[] {fn == Activation.SIGMOID ? 0 : 1, impl == QLogistic.Impl.LUT ? 0 : 1, size, inZp}) {
                    out.add(v);
                }
                out.rescale(inR);
                out.rescale(outR);
                out.add(t.zeroPoint());
                out.add(t.qmin());
                out.add(t.qmax());
                out.addAll(x);
                out.addAll(y);
            }
            default -> {
                int n = between(rnd, 1, 4);
                int outer = between(rnd, 1, 4);
                List<String> names = new ArrayList<>();
                List<Shape> shapes = new ArrayList<>();
                List<Integer> sizes = new ArrayList<>();
                List<Integer> zps = new ArrayList<>();
                List<Rescale> rs = new ArrayList<>();
                List<int[]> xs = new ArrayList<>();
                int total = 0;
                for (int k = 0; k < n; k++) {
                    int sk = between(rnd, 1, 40);
                    boolean copy = rnd.nextBoolean();
                    names.add("x" + k);
                    shapes.add(Shape.of(outer, sk));
                    sizes.add(sk);
                    zps.add(copy ? t.zeroPoint() : type(rnd, bits).zeroPoint());
                    rs.add(copy ? Rescale.IDENTITY : rescale(rnd, between(rnd, -1, 1)));
                    xs.add(values(rnd, outer * sk, bits));
                    total += sk;
                }
                QConcat cc = new QConcat("cc", names, shapes, Shape.of(outer, total), t, 1, zps, rs);
                int[] y = FeedForwardKernels.run(cc, xs);
                out.add(n);
                out.add(outer);
                sizes.forEach(out::add);
                zps.forEach(out::add);
                rs.forEach(out::rescale);
                out.add(t.zeroPoint());
                out.add(t.qmin());
                out.add(t.qmax());
                xs.forEach(out::addAll);
                out.addAll(y);
            }
        }
    }

    /**
     * {@code bits, outBits, depth, rows, beta, diffMin, fracBits, outZp, qmin, qmax, x[rows*depth], y}.
     * {@code bits -> outBits}: 8 -> 8, 16 -> 16, 32 (the raw accumulator of the layer before; spreads
     * up to 2^31, so {@code x - max} needs more than int32) -> 8 or 16.
     */
    private static void softmax(Random rnd, int index, Out out) {
        int bits = rnd.nextInt(4) == 0 ? 32 : bits(rnd);
        int outBits = bits == 32 ? bits(rnd) : bits;
        int depth = index % 10 == 0 ? (outBits == 8 ? 256 : between(rnd, 257, 1000)) : between(rnd, 1, 40);
        int rows = between(rnd, 1, 3);
        int f = outBits == 8 ? 8 : 15;
        QuantType t = new QuantType(outBits, QuantType.fullMin(outBits), QuantType.fullMax(outBits), Math.scalb(1.0, -f),
                outBits == 8 ? -128 : 0);
        int spreadBits = bits == 32 ? between(rnd, 8, 30) : 0;
        Rescale beta = rescale(rnd, bits == 8 ? between(rnd, 18, 27) : bits == 16 ? between(rnd, 9, 19)
                : Math.max(-30, Math.min(29, 29 - spreadBits + between(rnd, -3, 3))));
        int diffMin = QSoftmax.diffMinFor(beta);
        int[] x = new int[rows * depth];
        if (bits == 32) {
            for (int i = 0; i < x.length; i++) {
                x[i] = (int) (rnd.nextDouble() * 2 * (1L << spreadBits)) - (1 << spreadBits);
            }
        } else {
            x = values(rnd, rows * depth, bits);
        }
        int mode = rnd.nextInt(4);
        if (mode == 0) {
            diffMin = (int) (diffMin * rnd.nextDouble());
        } else if (mode == 1) {
            // The boundary: one value of the first row sits exactly at diffMin (kept).
            int max = Integer.MIN_VALUE;
            for (int c = 0; c < depth; c++) {
                max = Math.max(max, x[c]);
            }
            diffMin = (int) Math.max(diffMin, Math.max(Integer.MIN_VALUE, (long) x[rnd.nextInt(depth)] - max));
        }
        QSoftmax s = new QSoftmax("sm", "x", Shape.of(rows, depth), t, beta, diffMin, f);
        int[] y = FeedForwardKernels.run(s, List.of(x));
        for (int v : new int[] {bits, outBits, depth, rows}) {
            out.add(v);
        }
        out.rescale(beta);
        out.add(diffMin);
        out.add(f);
        out.add(t.zeroPoint());
        out.add(t.qmin());
        out.add(t.qmax());
        out.addAll(x);
        out.addAll(y);
    }

    /**
     * {@code bits, outer, n, inner, x[outer*n*inner], y}: a {@link QReverse} of a random rank-1..3 tensor
     * along a random axis (n = that axis' length; outer, inner the products before and after it).
     */
    private static void reverse(Random rnd, int index, Out out) {
        int bits = bits(rnd);
        int rank = between(rnd, 1, 3);
        int[] dims = new int[rank];
        for (int k = 0; k < rank; k++) {
            dims[k] = between(rnd, 1, index % 7 == 0 ? 40 : 9);
        }
        int axis = rnd.nextInt(rank);
        Shape shape = Shape.of(dims);
        QReverse r = new QReverse("rev", "x", shape, type(rnd, bits), axis);
        int[] x = values(rnd, shape.size(), bits);
        int[] y = FeedForwardKernels.run(r, List.of(x));
        int outer = 1;
        int inner = 1;
        for (int k = 0; k < axis; k++) {
            outer *= dims[k];
        }
        for (int k = axis + 1; k < rank; k++) {
            inner *= dims[k];
        }
        for (int v : new int[] {bits, outer, dims[axis], inner}) {
            out.add(v);
        }
        out.addAll(x);
        out.addAll(y);
    }

    public static void main(String[] args) {
        write(Path.of(args.length > 0 ? args[0] : "target/golden-vectors")).forEach(System.out::println);
    }

    /**
     * {@code bits, kind}, then for kind 0 (pad / crop): {@code inH, inW, C, top, bottom, left, right,
     * padValue}; kind 1 (nearest up-sampling): {@code inH, inW, C, factorH, factorW}; kind 2
     * (transpose): {@code rank, inDims[4], perm[4]}; each followed by {@code x, outLength, y}. Kind 3
     * (transposed convolution): {@code outBits, inH, inW, C, F, kh, kw, sh, sw, padTop, padLeft, outH,
     * outW, inZp, accShift, outZp, actMin, actMax, rescales, weights[kh*kw*F*C], bias[F] (int32, or
     * int64 pairs for bits 16), x, outLength, y}.
     */
    private static void shape(Random rnd, int index, Out out) {
        int bits = bits(rnd);
        int kind = index % 4;
        out.add(bits);
        out.add(kind);
        QuantType t = type(rnd, bits);
        int h = between(rnd, 1, 7);
        int wd = between(rnd, 1, 9);
        int c = between(rnd, 1, 6);
        Shape in = Shape.of(h, wd, c);
        QNode node;
        int[] header;
        if (kind == 0) {
            int[] p = {between(rnd, -(h - 1) / 2, 3), between(rnd, -(h - 1) / 2, 2), between(rnd, -(wd - 1) / 2, 3),
                between(rnd, -(wd - 1) / 2, 2)};
            Shape o = Shape.of(h + p[0] + p[1], wd + p[2] + p[3], c);
            node = new QPad("pad", "x", in, o, t, p[0], p[1], p[2], p[3], t.zeroPoint());
            header = new int[] {h, wd, c, p[0], p[1], p[2], p[3], t.zeroPoint()};
        } else if (kind == 1) {
            int fh = between(rnd, 1, 3);
            int fw = between(rnd, 1, 4);
            node = new QUpsample("up", "x", in, Shape.of(h * fh, wd * fw, c), t, fh, fw);
            header = new int[] {h, wd, c, fh, fw};
        } else if (kind == 2) {
            int rank = between(rnd, 1, 4);
            int[] dims = new int[rank];
            List<Integer> perm = new ArrayList<>();
            for (int d = 0; d < rank; d++) {
                dims[d] = between(rnd, 1, 5);
                perm.add(d);
            }
            java.util.Collections.shuffle(perm, rnd);
            int[] od = new int[rank];
            for (int d = 0; d < rank; d++) {
                od[d] = dims[perm.get(d)];
            }
            in = Shape.of(dims);
            node = new QTranspose("tr", "x", in, Shape.of(od), t, perm);
            header = new int[9];
            header[0] = rank;
            for (int d = 0; d < 4; d++) {
                header[1 + d] = d < rank ? dims[d] : 1;
                header[5 + d] = d < rank ? perm.get(d) : d;
            }
        } else {
            transposeConv(rnd, bits, out);
            return;
        }
        int[] x = values(rnd, in.size(), bits);
        int[] y = FeedForwardKernels.run(node, List.of(x));
        out.addAll(header);
        out.addAll(x);
        out.add(y.length);
        out.addAll(y);
    }

    private static void transposeConv(Random rnd, int bits, Out out) {
        int outBits = bits == 8 ? outBits(rnd, 8, 16) : 16;
        boolean oneD = rnd.nextInt(3) == 0;
        int h = oneD ? 1 : between(rnd, 1, 6);
        int wd = between(rnd, 1, oneD ? 12 : 6);
        int c = between(rnd, 1, 6);
        int f = between(rnd, 1, 7);
        int kh = oneD ? 1 : between(rnd, 1, 4);
        int kw = between(rnd, 1, 4);
        int sh = oneD ? 1 : between(rnd, 1, 3);
        int sw = between(rnd, 1, 3);
        Padding pad = padding(rnd);
        int[] gh = oneD ? new int[] {1, 0, 0} : SpatialOps.transposeGeometry(h, kh, sh, pad, rnd.nextBoolean() ? -1 : rnd.nextInt(sh));
        int[] gw = SpatialOps.transposeGeometry(wd, kw, sw, pad, rnd.nextBoolean() ? -1 : rnd.nextInt(sw));
        if (gh[0] < 1 || gw[0] < 1) {
            throw new IllegalArgumentException("empty output");
        }
        int accShift = bits == 16 && rnd.nextBoolean() ? between(rnd, 1, 10) : 0;
        QuantType xt = type(rnd, bits);
        QuantType t = type(rnd, outBits);
        int[] act = clamp(rnd, t);
        int taps = kh * kw * c;
        long[] w = weights(rnd, taps * f, 127);
        long biasMax = 1L << (bits == 8 ? 16 : 24);
        long[] b = new long[f];
        for (int o = 0; o < f; o++) {
            b[o] = (long) (rnd.nextDouble() * 2 * biasMax) - biasMax;
        }
        int accBits = log2(Math.sqrt(taps) * 80 * (bits == 8 ? 80 : 20000) + biasMax / 4.0) - accShift;
        List<Rescale> rs = rescales(rnd, f, outBits - 3 - accBits);
        Shape inShape = oneD ? Shape.of(wd, c) : Shape.of(h, wd, c);
        Shape outShape = oneD ? Shape.of(gw[0], f) : Shape.of(gh[0], gw[0], f);
        QTransposeConv tc = new QTransposeConv("tconv", "x", inShape, outShape, t, kh, kw, sh, sw, gh[1], gw[1], gh[0],
                gw[0], xt.zeroPoint(), IntTensor.of(Shape.of(kh, kw, f, c), 8, w),
                IntTensor.of(Shape.of(f), accShift > 0 ? 64 : 32, b), rs, accShift, act[0], act[1]);
        int[] x = values(rnd, h * wd * c, bits);
        int[] y = FeedForwardKernels.run(tc, List.of(x));
        for (int v : new int[] {outBits, h, wd, c, f, kh, kw, sh, sw, gh[1], gw[1], gh[0], gw[0], xt.zeroPoint(), accShift,
            t.zeroPoint(), act[0], act[1]}) {
            out.add(v);
        }
        out.rescales(rs);
        for (long v : w) {
            out.add((int) v);
        }
        for (long v : b) {
            if (bits == 8) {
                out.add((int) v);
            } else {
                out.add64(v);
            }
        }
        out.addAll(x);
        out.add(y.length);
        out.addAll(y);
    }
}
