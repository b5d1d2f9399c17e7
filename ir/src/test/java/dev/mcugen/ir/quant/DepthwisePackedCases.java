package dev.mcugen.ir.quant;

import dev.mcugen.ir.Padding;
import dev.mcugen.ir.Shape;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The golden table {@code nn_depthwise_packed}: int8 depthwise convolutions with depth multiplier 1 that
 * meet the preconditions of {@code mcu_depthwise_conv_packed_s8} (every rescale of the multiplier form
 * with a shift in [-22, -1], one per channel, {@code |bias| + 128 sum |w| < 2^30}), mostly 3x3 with channel counts
 * that are and are not multiples of 4, in the record format of {@code nn_depthwise}
 * ({@link NnGoldenVectors}); {@code runtime-c/test/test_nn_depthwise.c} runs both the generic and the
 * packed kernel (both layouts) on them.
 */
final class DepthwisePackedCases {
    private static final int[] CHANNELS = {4, 8, 16, 12, 5, 7, 13, 1, 3, 20};

    private DepthwisePackedCases() {
    }

    static void write(Random rnd, int index, NnGoldenVectors.Out out) {
        int h = NnGoldenVectors.between(rnd, 1, 12);
        int wd = NnGoldenVectors.between(rnd, 1, 12);
        int c = CHANNELS[index % CHANNELS.length];
        boolean k3 = index % 3 != 2;
        int kh = k3 ? 3 : NnGoldenVectors.between(rnd, 1, 4);
        int kw = k3 ? 3 : NnGoldenVectors.between(rnd, 1, 4);
        int sh = NnGoldenVectors.between(rnd, 1, 2);
        int sw = NnGoldenVectors.between(rnd, 1, 2);
        int dh = rnd.nextInt(5) == 0 ? 2 : 1;
        int dw = rnd.nextInt(5) == 0 ? 2 : 1;
        Padding pad = rnd.nextInt(3) == 0 ? Padding.VALID : Padding.SAME;
        int oh = FeedForwardKernels.outLength(h, kh, sh, dh, pad);
        int ow = FeedForwardKernels.outLength(wd, kw, sw, dw, pad);
        if (oh == 0 || ow == 0) {
            throw new IllegalArgumentException("empty output");
        }
        QuantType xt = new QuantType(8, -128, 127, 0.01, NnGoldenVectors.between(rnd, -128, 127));
        QuantType t = new QuantType(8, -128, 127, 0.01, NnGoldenVectors.between(rnd, -128, 127));
        int[] act = rnd.nextBoolean() ? new int[] {-128, 127}
                : new int[] {t.zeroPoint(), Math.min(127, t.zeroPoint() + NnGoldenVectors.between(rnd, 0, 255))};
        int taps = kh * kw;
        long[] w = new long[taps * c];
        for (int i = 0; i < w.length; i++) {
            w[i] = NnGoldenVectors.between(rnd, -127, 127);
        }
        long biasMax = 1L << 16;
        long[] b = new long[c];
        for (int o = 0; o < c; o++) {
            b[o] = (long) (rnd.nextDouble() * 2 * biasMax) - biasMax;
        }
        int accBits = (int) Math.ceil(Math.log(Math.sqrt(taps) * 80 * 80 + biasMax / 4.0) / Math.log(2.0));
        int n = rnd.nextBoolean() ? 1 : c;
        List<Rescale> rs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            // a shift per channel, as per-channel quantization makes them; at times the extremes -1 and -22
            int shift = Math.max(-22, Math.min(-1, 5 - accBits + NnGoldenVectors.between(rnd, -2, 2)));
            shift = rnd.nextInt(20) == 0 ? -1 : rnd.nextInt(20) == 0 ? -22 : shift;
            rs.add(new Rescale(false, (1 << 30) + rnd.nextInt(1 << 30), shift));
        }
        QDepthwiseConv dc = new QDepthwiseConv("dw", "x", Shape.of(h, wd, c), Shape.of(oh, ow, c), t, 1, kh, kw, sh,
                sw, dh, dw, pad, xt.zeroPoint(), IntTensor.of(Shape.of(kh, kw, c, 1), 8, w),
                IntTensor.of(Shape.of(c), 32, b), rs, 0, act[0], act[1]);
        int[] x = NnGoldenVectors.values(rnd, h * wd * c, 8);
        int[] y = FeedForwardKernels.run(dc, List.of(x));
        for (int v : new int[] {8, h, wd, c, 1, kh, kw, sh, sw, dh, dw, pad == Padding.SAME ? 1 : 0,
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
