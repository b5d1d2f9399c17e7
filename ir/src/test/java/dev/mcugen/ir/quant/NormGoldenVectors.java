package dev.mcugen.ir.quant;

import dev.mcugen.ir.Shape;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The {@code nn_norm} golden table of {@link NnGoldenVectors}: random valid {@link QLayerNormalization}
 * and {@link QEmbedding} records run through {@link FeedForwardKernels#run}, for
 * {@code runtime-c/test/test_nn_norm.c}. Layer norm cases cover rows of one value, constant rows (variance 0,
 * only epsilon left), epsilon terms from 0 to 2^61 and full-range inputs; embedding cases include ids below 0
 * and at or above the row count (the C clamps them as the simulator does).
 *
 * <p>Per case: {@code bits, op}; op 0 (layer norm): {@code row, rows, norm_frac_bits, epsilon_term (int64),
 * gamma[row], bias[row], rescale, output_zp, lo, hi, x[rows * row], y[rows * row]}; op 1 (embedding):
 * {@code table_rows, dim, count, table[table_rows * dim], ids[count], y[count * dim]}.
 */
final class NormGoldenVectors {
    private NormGoldenVectors() {
    }

    static void norm(Random rnd, int index, NnGoldenVectors.Out out) {
        int bits = rnd.nextBoolean() ? 8 : 16;
        out.add(bits);
        if (index % 3 != 2) {
            layerNorm(rnd, bits, out);
        } else {
            embedding(rnd, bits, out);
        }
    }

    private static void layerNorm(Random rnd, int bits, NnGoldenVectors.Out out) {
        int n = rnd.nextInt(8) == 0 ? 1 : NnGoldenVectors.between(rnd, 2, 48);
        int rows = NnGoldenVectors.between(rnd, 1, 5);
        int f = QLayerNormalization.normFracBits(n);
        long e = switch (rnd.nextInt(4)) {
            case 0 -> 0;
            case 1 -> rnd.nextInt(1000);
            case 2 -> (long) (rnd.nextDouble() * (1L << 40));
            default -> rnd.nextBoolean() ? QLayerNormalization.MAX_EPSILON_TERM : (long) (rnd.nextDouble() * (1L << 61));
        };
        long[] gamma = new long[n];
        long[] bias = new long[n];
        for (int i = 0; i < n; i++) {
            gamma[i] = NnGoldenVectors.between(rnd, -32767, 32767);
            bias[i] = (long) ((rnd.nextDouble() * 2 - 1) * (rnd.nextBoolean() ? 1 << 30 : 1 << 20));
        }
        // v = x' gamma + bias reaches ~2^30; the output ~2^(bits - 1)
        Rescale r = NnGoldenVectors.rescale(rnd, bits - 1 - 30 + NnGoldenVectors.between(rnd, 0, 8));
        QuantType t = bits == 8 ? new QuantType(8, -128, 127, 0.01, NnGoldenVectors.between(rnd, -128, 127))
                : new QuantType(16, -32767, 32767, 0.01, 0);
        int lo = t.qmin();
        int hi = rnd.nextInt(4) == 0 ? Math.max(lo + 1, t.zeroPoint()) : t.qmax();
        QLayerNormalization ln = new QLayerNormalization("ln", "x", Shape.of(rows, n), t, f, e,
                IntTensor.of(Shape.of(n), 16, gamma), IntTensor.of(Shape.of(n), 32, bias), r, lo, hi);
        int[] x = NnGoldenVectors.values(rnd, rows * n, bits);
        if (rnd.nextInt(3) == 0) {
            Arrays.fill(x, 0, n, x[0]); // a constant row: variance 0
        }
        int[] y = FeedForwardKernels.run(ln, List.of(x));
        out.add(0);
        out.add(n);
        out.add(rows);
        out.add(f);
        out.add64(e);
        for (long g : gamma) {
            out.add((int) g);
        }
        for (long b : bias) {
            out.add((int) b);
        }
        out.rescale(r);
        out.add(t.zeroPoint());
        out.add(lo);
        out.add(hi);
        out.addAll(x);
        out.addAll(y);
    }

    private static void embedding(Random rnd, int bits, NnGoldenVectors.Out out) {
        int tableRows = NnGoldenVectors.between(rnd, 2, 60);
        int dim = NnGoldenVectors.between(rnd, 1, 17);
        int count = NnGoldenVectors.between(rnd, 1, 20);
        int[] table = NnGoldenVectors.values(rnd, tableRows * dim, bits);
        int[] ids = new int[count];
        for (int i = 0; i < count; i++) {
            ids[i] = switch (rnd.nextInt(8)) {
                case 0 -> 0;
                case 1 -> tableRows - 1;
                case 2 -> rnd.nextBoolean() ? -1 - rnd.nextInt(1000) : Integer.MIN_VALUE; // clamped to row 0
                case 3 -> rnd.nextBoolean() ? tableRows + rnd.nextInt(1000) : Integer.MAX_VALUE; // to the last row
                default -> rnd.nextInt(tableRows);
            };
        }
        QuantType t = bits == 8 ? new QuantType(8, -128, 127, 0.01, 3) : new QuantType(16, -32767, 32767, 0.01, 0);
        QEmbedding em = new QEmbedding("em", "ids", Shape.of(count, dim), t,
                IntTensor.of(Shape.of(tableRows, dim), bits, table));
        int[] y = FeedForwardKernels.run(em, List.of(ids));
        out.add(1);
        out.add(tableRows);
        out.add(dim);
        out.add(count);
        out.addAll(table);
        out.addAll(ids);
        out.addAll(y);
    }
}
