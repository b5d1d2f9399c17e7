package dev.mcugen.ir.quant;

import dev.mcugen.ir.fixed.FixedPoint;
import dev.mcugen.ir.fixed.InverseSqrt;

/**
 * The fixed-point simulator's kernels of {@link QLayerNormalization} and {@link QEmbedding}: exactly
 * the integer steps their Javadoc states and {@code mcu_layer_norm_s8/_s16.c},
 * {@code mcu_embedding_s8/_s16.c} perform.
 */
public final class NormKernels {
    private NormKernels() {
    }

    /** {@link QLayerNormalization} on one sample (rows of the last axis). */
    public static int[] layerNorm(QLayerNormalization ln, int[] x) {
        int n = ln.outputShape().last();
        int[] gamma = ln.gamma().toIntArray();
        int[] bias = ln.bias().toIntArray();
        int zp = ln.outputType().zeroPoint();
        int[] y = new int[x.length];
        for (int row = 0; row < x.length; row += n) {
            long s = 0;
            long q = 0;
            for (int i = 0; i < n; i++) {
                s += x[row + i];
                q += (long) x[row + i] * x[row + i];
            }
            long d = n * q - s * s + ln.epsilonTerm(); // n^2 (var + eps'), exact: < 2^60 + 2^61
            InverseSqrt inv = d == 0 ? null : InverseSqrt.of(d, ln.normFracBits());
            for (int i = 0; i < n; i++) {
                int norm = inv == null ? 0 : FixedPoint.satInt16(inv.apply((int) (n * (long) x[row + i] - s)));
                int v = norm * gamma[i] + bias[i]; // exact: |norm gamma| <= 2^30, |bias| <= 2^30
                y[row + i] = FeedForwardKernels.addZeroPointClamp(ln.rescale().apply(v), zp, ln.lo(), ln.hi());
            }
        }
        return y;
    }

    /** {@link QEmbedding} on one sample of token ids. */
    public static int[] embedding(QEmbedding e, int[] ids) {
        int dim = e.dim();
        int rows = e.rows();
        int[] table = e.table().toIntArray();
        int[] y = new int[ids.length * dim];
        for (int i = 0; i < ids.length; i++) {
            int id = ids[i] < 0 ? 0 : ids[i] >= rows ? rows - 1 : ids[i];
            System.arraycopy(table, id * dim, y, i * dim, dim);
        }
        return y;
    }
}
