package dev.mcugen.ir.sim;

import dev.mcugen.ir.fixed.FixedPoint;
import dev.mcugen.ir.fixed.InverseSqrt;
import dev.mcugen.ir.quant.QLayerNorm;
import dev.mcugen.ir.quant.QMatVec;
import dev.mcugen.ir.quant.QPeephole;
import dev.mcugen.ir.quant.QuantType;

/**
 * The integer building blocks of the recurrent kernels, each the exact operation the C runtime
 * performs (DESIGN §3). Sums are exact (in {@code long} here; in C int32 where a static bound proves
 * it enough, int64 otherwise) and saturate only where stated.
 */
public final class RecurrentMath {
    private RecurrentMath() {
    }

    /** {@code clamp(x, INT32_MIN, INT32_MAX)}. */
    public static int sat32(long x) {
        return x < Integer.MIN_VALUE ? Integer.MIN_VALUE : x > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) x;
    }

    /** {@code clamp(x, type.qmin, type.qmax)}. */
    public static int saturate(long x, QuantType type) {
        return x < type.qmin() ? type.qmin() : x > type.qmax() ? type.qmax() : (int) x;
    }

    /**
     * {@link QMatVec}: {@code out[r] = rescale(sat32(bias[r] + Σ_c w[r][c] * x[xOff + c]))} for every row.
     *
     * @param w    the matrix's weights ({@code m.weights().toIntArray()})
     * @param bias the matrix's effective biases
     */
    public static void matVec(QMatVec m, int[] w, int[] bias, int[] x, int xOff, int[] out) {
        int cols = m.cols();
        for (int r = 0, row = 0; r < m.rows(); r++, row += cols) {
            long acc = bias[r];
            for (int c = 0; c < cols; c++) {
                acc += (long) w[row + c] * x[xOff + c];
            }
            out[r] = m.rescale().apply(sat32(acc));
        }
    }

    /** {@link QPeephole}: {@code out[j] = rescale(p[j] * c[j])}, the int16 x int16 product exact in int32. */
    public static void peephole(QPeephole p, int[] weights, int[] c, int[] out) {
        for (int j = 0; j < weights.length; j++) {
            out[j] = p.rescale().apply(weights[j] * c[j]);
        }
    }

    /**
     * {@link QLayerNorm}: normalizes the int16 accumulator {@code acc[0..n)} into {@code norm} (Q5.10)
     * and applies coefficients, bias and the rescale into {@code pre} (int16).
     */
    public static void layerNorm(QLayerNorm ln, int[] coefficients, int[] bias, int[] acc, int n, int[] norm, int[] pre) {
        long s = 0;
        long q = 0;
        for (int i = 0; i < n; i++) {
            s += acc[i];
            q += (long) acc[i] * acc[i];
        }
        long d = n * q - s * s; // n^2 var(acc) >= 0, exact: |n q| <= n^2 2^30 < 2^62 for n < 2^16
        if (d == 0) {
            java.util.Arrays.fill(norm, 0, n, 0);
        } else {
            // 2^10 / sqrt(d) in integers (InverseSqrt: the root to about 31 significant bits)
            InverseSqrt inv = InverseSqrt.of(d, QLayerNorm.NORM_FRAC_BITS);
            for (int i = 0; i < n; i++) {
                int centred = (int) (n * (long) acc[i] - s); // |n acc - S| <= 2^16 n < 2^31
                norm[i] = FixedPoint.satInt16(inv.apply(centred));
            }
        }
        for (int i = 0; i < n; i++) {
            int v = sat32((long) norm[i] * coefficients[i] + bias[i]);
            pre[i] = FixedPoint.satInt16(ln.rescale().apply(v));
        }
    }

    /** {@code floor(sqrt(x))}: {@link InverseSqrt#isqrt}. */
    public static long isqrt(long x) {
        return InverseSqrt.isqrt(x);
    }

    /** {@code rdivpot(a * b, shift)}: a rounded product of two int16 values (exact in int32). */
    public static int mulShift(int a, int b, int shift) {
        return FixedPoint.rdivpot(a * b, shift);
    }
}
