package dev.mcugen.ir.quant;

import dev.mcugen.ir.Shape;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Golden cases of the Dense kernels with weights narrower than 8 bits (mcu_fully_connected_s8w4*,
 * _s8w2*; table {@code nn_fc_sub8}): int8 weights on a 4- or 2-bit grid, symmetric
 * ({@code [-(2^(b-1) - 1), 2^(b-1) - 1]}) or balanced quantization's odd levels ({@code ±1 .. ±(2^b - 1)}),
 * declared so ({@link IntTensor#withDeclaredBits}); the expected outputs are
 * {@link FeedForwardKernels#run} on those int8 weights. The C test packs them as mcu_nn.h's
 * mcu_sub8_matrix_t states. Stream: {@code declaredBits, odd (0/1), outBits, in, units, rows, outZp,
 * actMin, actMax, rescales, weights[in*units] (Dense order [in, units]), bias[units], x[rows*in],
 * y[rows*units]}.
 */
final class Sub8FcCases {
    private Sub8FcCases() {
    }

    static void write(Random rnd, int index, NnGoldenVectors.Out out) {
        int bits = index % 2 == 0 ? 4 : 2;
        boolean odd = index % 4 >= 2;
        int outBits = new int[] {8, 16, 32}[index % 3];
        // odd and even column counts (4 bits: a lone low nibble; 2 bits: 1..3 fields in the last byte)
        int in = index % 10 == 0 ? 13 : NnGoldenVectors.between(rnd, 1, 70);
        int units = NnGoldenVectors.between(rnd, 1, 24);
        int rows = NnGoldenVectors.between(rnd, 1, 3);
        QuantType t = outBits == 32 ? new QuantType(32, -Integer.MAX_VALUE, Integer.MAX_VALUE, 1.0, 0)
                : new QuantType(outBits, QuantType.fullMin(outBits), QuantType.fullMax(outBits), 0.01,
                        outBits == 8 ? NnGoldenVectors.between(rnd, -128, 127) : 0);
        int[] act = outBits == 32 || rnd.nextBoolean() ? new int[] {t.qmin(), t.qmax()}
                : new int[] {t.zeroPoint(), Math.min(t.qmax(), t.zeroPoint() + NnGoldenVectors.between(rnd, 0, 255))};
        int top = odd ? (1 << bits) - 1 : (1 << (bits - 1)) - 1;
        long[] w = new long[in * units];
        for (int i = 0; i < w.length; i++) {
            int v = NnGoldenVectors.between(rnd, -top, top);
            w[i] = odd && (v & 1) == 0 ? (v < top ? v + 1 : v - 1) : v;
        }
        long biasMax = 1L << 16;
        long[] b = new long[units];
        for (int o = 0; o < units; o++) {
            b[o] = (long) (rnd.nextDouble() * 2 * biasMax) - biasMax;
        }
        int accBits = (int) Math.ceil(Math.log(Math.sqrt(in) * 80 * top + biasMax / 4.0) / Math.log(2.0));
        List<Rescale> rs = new ArrayList<>();
        if (outBits == 32) {
            rs.add(Rescale.IDENTITY);
        } else {
            int n = rnd.nextBoolean() ? 1 : units;
            for (int i = 0; i < n; i++) {
                int shift = Math.max(-30, Math.min(-1, outBits - 3 - accBits + NnGoldenVectors.between(rnd, -2, 2)));
                rs.add(rnd.nextInt(4) == 0 ? new Rescale(true, 0, shift)
                        : new Rescale(false, (1 << 30) + rnd.nextInt(1 << 30), shift));
            }
        }
        IntTensor weights = IntTensor.of(Shape.of(in, units), 8, w).withDeclaredBits(bits, odd);
        QFullyConnected fc = new QFullyConnected("fc", "x", Shape.of(units), t, in, units, weights,
                IntTensor.of(Shape.of(units), 32, b), rs, 0, act[0], act[1]);
        int[] x = NnGoldenVectors.values(rnd, rows * in, 8);
        int[] y = FeedForwardKernels.run(fc, List.of(x));
        for (int v : new int[] {bits, odd ? 1 : 0, outBits, in, units, rows, t.zeroPoint(), act[0], act[1]}) {
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
        out.addAll(y);
    }
}
