package dev.mcugen.ir.quant;

import dev.mcugen.ir.Padding;
import dev.mcugen.ir.Shape;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The golden table {@code nn_conv_wide}: int8 convolutions with the channel and filter counts of real
 * models (receptive fields of 8 to a few hundred values, pointwise kernels over 8 to 64 channels, 3x3
 * and 1-D kernels, strides 1 and 2), in the record format of {@code nn_conv} ({@link NnGoldenVectors},
 * whose own cases keep the receptive fields small). {@code runtime-c/test/test_nn_conv.c} runs them on
 * every kernel and weight layout as the {@code nn_conv} cases; on AArch64 they exercise the NEON
 * blocks of 4 positions x 4 filters with their 16-, 8- and masked tail columns.
 *
 * <p>Half of the cases rescale every filter in the multiplier form with a right shift (the short
 * output stage of the NEON path), at times at the extremes -1 and -31; the others draw any form
 * ({@link NnGoldenVectors#rescale}: power-of-two forms and left shifts included).
 */
final class ConvWideCases {
    /** Cases in the table (larger than nn_conv's, so fewer). */
    static final int CASES = 120;
    /** Channels: multiples of 16 and 8, and counts that leave 1 to 7 columns of a field. */
    private static final int[] CHANNELS = {16, 8, 32, 3, 24, 9, 64, 17, 5, 40};
    private static final int[] FILTERS = {16, 4, 13, 32, 8, 1, 7, 20};

    private ConvWideCases() {
    }

    static void write(Random rnd, int index, NnGoldenVectors.Out out) {
        int kind = index % 4; // 0 pointwise, 1 3x3, 2 1-D, 3 any small kernel
        boolean oneD = kind == 2;
        int c = CHANNELS[index % CHANNELS.length];
        int f = FILTERS[(index / 3) % FILTERS.length];
        int h = oneD ? 1 : NnGoldenVectors.between(rnd, 1, 7);
        int wd = NnGoldenVectors.between(rnd, 1, oneD ? 24 : 9);
        int kh = switch (kind) {
            case 0, 2 -> 1;
            case 1 -> 3;
            default -> NnGoldenVectors.between(rnd, 1, 3);
        };
        int kw = switch (kind) {
            case 0 -> 1;
            case 1 -> 3;
            case 2 -> NnGoldenVectors.between(rnd, 1, 5);
            default -> NnGoldenVectors.between(rnd, 1, 3);
        };
        int sh = oneD ? 1 : NnGoldenVectors.between(rnd, 1, 2);
        int sw = NnGoldenVectors.between(rnd, 1, 2);
        int dh = oneD || rnd.nextInt(5) != 0 ? 1 : 2;
        int dw = rnd.nextInt(5) != 0 ? 1 : 2;
        Padding pad = rnd.nextBoolean() ? Padding.SAME : Padding.VALID;
        int oh = FeedForwardKernels.outLength(h, kh, sh, dh, pad);
        int ow = FeedForwardKernels.outLength(wd, kw, sw, dw, pad);
        if (oh == 0 || ow == 0) {
            throw new IllegalArgumentException("empty output");
        }
        QuantType xt = new QuantType(8, -128, 127, 0.01, NnGoldenVectors.between(rnd, -128, 127));
        QuantType t = new QuantType(8, -128, 127, 0.01, NnGoldenVectors.between(rnd, -128, 127));
        int[] act = rnd.nextBoolean() ? new int[] {-128, 127}
                : new int[] {t.zeroPoint(), Math.min(127, t.zeroPoint() + NnGoldenVectors.between(rnd, 0, 255))};
        int taps = kh * kw * c;
        long[] w = new long[taps * f];
        for (int i = 0; i < w.length; i++) {
            w[i] = NnGoldenVectors.between(rnd, -127, 127);
        }
        long biasMax = 1L << 18;
        long[] b = new long[f];
        for (int o = 0; o < f; o++) {
            b[o] = (long) (rnd.nextDouble() * 2 * biasMax) - biasMax;
        }
        int accBits = (int) Math.ceil(Math.log(Math.sqrt(taps) * 80 * 80 + biasMax / 4.0) / Math.log(2.0));
        int n = rnd.nextBoolean() ? 1 : f;
        boolean rightShifts = rnd.nextBoolean();
        List<Rescale> rs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (rightShifts) {
                int shift = Math.max(-31, Math.min(-1, 5 - accBits + NnGoldenVectors.between(rnd, -2, 2)));
                shift = rnd.nextInt(20) == 0 ? -1 : rnd.nextInt(20) == 0 ? -31 : shift;
                rs.add(NnGoldenVectors.multiplierForm(rnd, shift));
            } else {
                rs.add(NnGoldenVectors.rescale(rnd, 5 - accBits));
            }
        }
        Shape inShape = oneD ? Shape.of(wd, c) : Shape.of(h, wd, c);
        Shape outShape = oneD ? Shape.of(ow, f) : Shape.of(oh, ow, f);
        QConv cv = new QConv("conv", "x", inShape, outShape, t, kh, kw, sh, sw, dh, dw, pad, xt.zeroPoint(),
                IntTensor.of(Shape.of(kh, kw, c, f), 8, w), IntTensor.of(Shape.of(f), 32, b), rs, 0, act[0], act[1]);
        int[] x = NnGoldenVectors.values(rnd, h * wd * c, 8);
        int[] y = FeedForwardKernels.run(cv, List.of(x));
        for (int v : new int[] {8, 8, h, wd, c, f, kh, kw, sh, sw, dh, dw, pad == Padding.SAME ? 1 : 0,
                xt.zeroPoint(), 0, t.zeroPoint(), act[0], act[1]}) {
            out.add(v);
        }
        out.rescales(rs);
        for (long v : w) {
            out.add((int) v);
        }
        for (long v : b) {
            out.add((int) v);
        }
        out.addAll(x);
        out.add(y.length);
        out.addAll(y);
    }
}
