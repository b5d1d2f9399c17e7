package dev.mcugen.scale.ff;

import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.quant.QuantType;

/**
 * Error-compensating rounding of a layer's weights to int8 (the {@code gptq} weight rounding): the
 * method of Frantar et al., "GPTQ: Accurate Post-Training Quantization for Generative Pre-trained
 * Transformers" (ICLR 2023), itself the row-by-row form of "Optimal Brain Compression" (Frantar and
 * Alistarh, NeurIPS 2022).
 *
 * <p>Rounding each weight to its nearest grid point minimizes each weight's own error, not the
 * layer's output error. With {@code H = E[p pᵀ]} the second moment of the rows {@code p} the layer
 * multiplies by its kernel (from the calibration data), the expected squared output error of output
 * channel {@code c} is {@code δ_cᵀ H δ_c} for the weight errors {@code δ_c}. The method quantizes the
 * kernel's rows in order and, after each row, moves the rows not yet quantized by the amount that
 * best cancels the error just made ({@code -δ_i H⁻¹[i, j] / H⁻¹[i, i]}, computed from the upper
 * Cholesky factor of {@code H⁻¹}), so that inputs that move together share the rounding error
 * instead of adding it up. The grid is unchanged — the same scales, the same narrow range
 * {@code [-127, 127]}, {@code real = scale * q} — so every contract on the weights still holds; only
 * which grid point each weight takes changes. Everything is computed in double in a fixed order:
 * deterministic.
 *
 * <p>{@code H} is damped by 1% of its mean diagonal (as the paper does) so that its inverse exists; inputs
 * that calibration never saw non-zero (zero diagonal) keep their weight's nearest rounding and take
 * no part in the compensation. If the factorization still fails the plain nearest rounding is returned.
 */
final class WeightRounding {
    /** Damping, as a fraction of the mean diagonal of {@code H}. */
    static final double DAMPING = 0.01;

    private WeightRounding() {
    }

    /**
     * The kernel {@code w} (row-major {@code [rows, c]}, rows in the order of {@code moment}) rounded to
     * int8 with the scale of each output channel ({@code scales[o % scales.length]}).
     *
     * @param moment {@code E[p pᵀ]}, row-major {@code rows × rows}
     */
    static int[] gptq(FloatTensor w, double[] scales, double[] moment) {
        int c = w.shape().last();
        int d = w.size() / c;
        if (moment.length != (long) d * d) {
            throw new IllegalArgumentException("moment of " + moment.length + " values for " + d + " rows");
        }
        double meanDiag = 0;
        for (int i = 0; i < d; i++) {
            meanDiag += moment[i * d + i];
        }
        meanDiag /= d;
        if (!(meanDiag > 0) || !Double.isFinite(meanDiag)) {
            return WeightQuantizer.weights(w, scales);
        }
        // Rows in order of decreasing H[i, i] (the paper's "act order"): the inputs with the most
        // energy are rounded first, while the most rows remain to absorb their error. Ties keep the
        // kernel's order, so the permutation is deterministic.
        Integer[] order = new Integer[d];
        for (int i = 0; i < d; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Double.compare(moment[b * d + b], moment[a * d + a]));
        double[] h = new double[d * d];
        boolean[] dead = new boolean[d];
        for (int a = 0; a < d; a++) {
            for (int b = 0; b < d; b++) {
                h[a * d + b] = moment[order[a] * d + order[b]];
            }
            if (h[a * d + a] == 0) {
                dead[a] = true;
                h[a * d + a] = 1;
            }
            h[a * d + a] += DAMPING * meanDiag;
        }
        double[] u = upperFactorOfInverse(h, d);
        if (u == null) {
            return WeightQuantizer.weights(w, scales);
        }
        // work holds the kernel's rows in the permuted order.
        double[] work = new double[w.size()];
        for (int a = 0; a < d; a++) {
            for (int o = 0; o < c; o++) {
                work[a * c + o] = w.get(order[a] * c + o);
            }
        }
        return roundRows(w, scales, order, dead, work, u, d, d);
    }

    /**
     * GPTQ's row loop: rounds the first {@code d} of the {@code n} rows of {@code work} (row-major
     * {@code n × c}, rows permuted by {@code order}) in order and, after each, moves the rows after it
     * by the error just made ({@code u} the upper factor of the permuted {@code H⁻¹}, {@code n × n}).
     * A {@code dead} row (by permuted position) takes its float weight's nearest value and moves
     * nothing. Rows {@code d .. n-1} are not rounded; they keep in {@code work} what the compensation
     * left them.
     *
     * @return the rounded kernel in {@code w}'s own row order
     */
    static int[] roundRows(FloatTensor w, double[] scales, Integer[] order, boolean[] dead, double[] work, double[] u,
                           int d, int n) {
        int c = w.shape().last();
        int[] q = new int[d * c];
        double[] err = new double[c];
        for (int i = 0; i < d; i++) {
            int src = order[i] * c;
            for (int o = 0; o < c; o++) {
                QuantType t = WeightQuantizer.weightType(scales[o % scales.length]);
                int idx = i * c + o;
                q[src + o] = t.quantize(dead[i] ? w.get(src + o) : work[idx]);
                err[o] = dead[i] ? 0 : (work[idx] - t.dequantize(q[src + o])) / u[i * n + i];
            }
            for (int j = i + 1; j < n; j++) {
                double f = u[i * n + j];
                if (f == 0) {
                    continue;
                }
                int row = j * c;
                for (int o = 0; o < c; o++) {
                    work[row + o] -= f * err[o];
                }
            }
        }
        return q;
    }

    /**
     * The upper triangular {@code U} with {@code H⁻¹ = Uᵀ U}, row-major {@code d × d}, or null if
     * {@code h} is not positive definite.
     */
    static double[] upperFactorOfInverse(double[] h, int d) {
        double[] l = cholesky(h, d);
        if (l == null) {
            return null;
        }
        // H⁻¹ = L⁻ᵀ L⁻¹: invert the lower factor by forward substitution.
        double[] li = new double[d * d];
        for (int col = 0; col < d; col++) {
            for (int i = col; i < d; i++) {
                double s = i == col ? 1 : 0;
                for (int k = col; k < i; k++) {
                    s -= l[i * d + k] * li[k * d + col];
                }
                li[i * d + col] = s / l[i * d + i];
            }
        }
        double[] inv = new double[d * d];
        for (int a = 0; a < d; a++) {
            for (int b = a; b < d; b++) {
                double s = 0;
                for (int k = b; k < d; k++) {
                    s += li[k * d + a] * li[k * d + b];
                }
                inv[a * d + b] = s;
                inv[b * d + a] = s;
            }
        }
        double[] l2 = cholesky(inv, d);
        if (l2 == null) {
            return null;
        }
        double[] u = new double[d * d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j <= i; j++) {
                u[j * d + i] = l2[i * d + j];
            }
        }
        return u;
    }

    /** The lower Cholesky factor of the symmetric {@code a} ({@code d × d}), or null if not positive definite. */
    static double[] cholesky(double[] a, int d) {
        double[] l = new double[d * d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j <= i; j++) {
                double s = a[i * d + j];
                for (int k = 0; k < j; k++) {
                    s -= l[i * d + k] * l[j * d + k];
                }
                if (i == j) {
                    if (!(s > 0)) {
                        return null;
                    }
                    l[i * d + i] = Math.sqrt(s);
                } else {
                    l[i * d + j] = s / l[j * d + j];
                }
            }
        }
        return l;
    }
}
