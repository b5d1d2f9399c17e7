package dev.mcugen.scale.ff;

import dev.mcugen.ir.FloatTensor;
import dev.mcugen.scale.LayerReplay;

/**
 * The {@code sequential} weight rounding of a Dense / convolution layer: its int8 weights and real
 * bias chosen so that, on the calibration data, the layer applied to the input the <em>integer</em>
 * model gives it reproduces the <em>float</em> model's output as closely as the grid allows.
 *
 * <p>With {@code p̂} a row of the integer model's input (dequantized), {@code p} the float model's row
 * at the same position, both followed by a constant 1, and {@code W'} the float kernel with the bias
 * as its last row, the layer minimizes {@code E‖Ŵ'ᵀ p̂ - W'ᵀ p‖²}. That is, up to a constant,
 * {@code (Ŵ' - W*)ᵀ H (Ŵ' - W*)} with {@code H = E[p̂ p̂ᵀ]} and {@code W* = H⁻¹ E[p̂ pᵀ] W'} — the
 * real weights that best undo what the layers before changed in the input (the asymmetric
 * reconstruction of Nagel et al., <i>Up or Down? Adaptive Rounding for Post-Training Quantization</i>,
 * ICML 2020). {@code W*} is then rounded to the grid row by row with GPTQ's error compensation
 * ({@link WeightRounding}; Frantar et al., <i>GPTQ</i>, ICLR 2023), the bias row last and never
 * rounded (it is an int32 in the accumulator's scale), so it takes up the mean of every rounding
 * error, which is the empirical bias correction of Nagel et al., <i>Data-Free Quantization Through
 * Weight Equalization and Bias Correction</i>, with the input means of the integer model.
 *
 * <p>{@code H} is damped by 1% of its mean diagonal, which also pulls {@code W*} towards the float
 * weights (ridge regression: {@code W* = (H + λI)⁻¹ (E[p̂ pᵀ] + λI) W'}) so a layer seen on few rows
 * is not over-fitted. The grid — scales, the narrow range [-127, 127] — is the one of every other
 * rounding, so every contract holds as before. Computed in double in a fixed order: deterministic.
 */
final class SequentialRounding {
    /**
     * Rows per unknown (each output has {@code dim + 1}) below which only the bias is fitted: with fewer
     * rows than unknowns (a Dense at the end of a network sees one row per sample) the weights' fit is
     * underdetermined and would only fit the calibration samples themselves.
     */
    static final int MIN_ROWS_PER_UNKNOWN = 1;

    private SequentialRounding() {
    }

    /** The rounded kernel (row-major as {@code w}) and the real bias of each output channel. */
    record Result(int[] q, double[] bias) {
    }

    /**
     * @param w      the float kernel {@code [rows, c]}, rows in the order of the fit
     * @param bias   the float bias, or null (none: 0)
     * @param scales one weight scale, or one per output channel
     * @return null when the fit's moment is not positive definite even after damping
     */
    static Result round(FloatTensor w, FloatTensor bias, double[] scales, LayerReplay.Fit fit) {
        int c = w.shape().last();
        int d = w.size() / c;
        if (fit.dim() != d) {
            throw new IllegalArgumentException("fit of " + fit.dim() + " rows for a kernel of " + d);
        }
        int n = d + 1;
        if (fit.rows() < MIN_ROWS_PER_UNKNOWN * n) {
            return biasOnly(w, bias, scales, fit);
        }
        double meanDiag = 0;
        for (int i = 0; i < d; i++) {
            meanDiag += fit.h()[i * n + i];
        }
        meanDiag /= d;
        if (!(meanDiag > 0) || !Double.isFinite(meanDiag)) {
            return null;
        }
        double lambda = WeightRounding.DAMPING * meanDiag;
        // Rows never non-zero in the integer model's input: their weight stays the float one, nearest.
        boolean[] dead = new boolean[n];
        double[] h = fit.h().clone();
        for (int a = 0; a < n; a++) {
            if (h[a * n + a] == 0) {
                dead[a] = true;
                h[a * n + a] = 1;
            }
            h[a * n + a] += lambda;
        }
        // W' = [W; b] and the right-hand side (E[p̂ pᵀ] + λI) W'.
        double[] wAug = new double[n * c];
        for (int i = 0; i < d * c; i++) {
            wAug[i] = w.get(i);
        }
        for (int o = 0; o < c; o++) {
            wAug[d * c + o] = bias == null ? 0 : bias.get(o);
        }
        double[] rhs = new double[n * c];
        for (int a = 0; a < n; a++) {
            for (int b = 0; b < n; b++) {
                double m = fit.cross()[a * n + b];
                if (m == 0) {
                    continue;
                }
                for (int o = 0; o < c; o++) {
                    rhs[a * c + o] += m * wAug[b * c + o];
                }
            }
            for (int o = 0; o < c; o++) {
                rhs[a * c + o] += lambda * wAug[a * c + o];
            }
        }
        double[] l = WeightRounding.cholesky(h, n);
        if (l == null) {
            return null;
        }
        double[] best = solve(l, n, rhs, c);
        for (int a = 0; a < n; a++) {
            if (dead[a]) {
                System.arraycopy(wAug, a * c, best, a * c, c);
            }
        }
        // GPTQ over the rows in order of decreasing H[i, i] ("act order"), the bias row last.
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        double[] hh = h;
        java.util.Arrays.sort(order, 0, d, (a, b) -> Double.compare(hh[b * n + b], hh[a * n + a]));
        double[] hp = new double[n * n];
        for (int a = 0; a < n; a++) {
            for (int b = 0; b < n; b++) {
                hp[a * n + b] = h[order[a] * n + order[b]];
            }
        }
        double[] u = WeightRounding.upperFactorOfInverse(hp, n);
        if (u == null) {
            return null;
        }
        double[] work = new double[n * c];
        for (int a = 0; a < n; a++) {
            System.arraycopy(best, order[a] * c, work, a * c, c);
        }
        boolean[] deadAt = new boolean[n];
        for (int a = 0; a < n; a++) {
            deadAt[a] = dead[order[a]];
        }
        int[] q = WeightRounding.roundRows(w, scales, order, deadAt, work, u, d, n);
        double[] b = new double[c];
        System.arraycopy(work, d * c, b, 0, c);
        return new Result(q, b);
    }

    /**
     * Fewer rows than the {@code dim + 1} unknowns per output: nearest rounding, and only the bias
     * fitted, to the mean of the float output minus the mean of the quantized layer on the integer input,
     * {@code b + Σ_j (w_j E[p_j] - ŵ_j E[p̂_j])}: empirical bias correction with the integer model's
     * input means.
     */
    private static Result biasOnly(FloatTensor w, FloatTensor bias, double[] scales, LayerReplay.Fit fit) {
        int c = w.shape().last();
        int d = w.size() / c;
        int n = d + 1;
        int[] q = WeightQuantizer.weights(w, scales);
        double[] b = new double[c];
        for (int o = 0; o < c; o++) {
            b[o] = bias == null ? 0 : bias.get(o);
        }
        for (int j = 0; j < d; j++) {
            double meanFloat = fit.cross()[d * n + j];
            double meanInt = fit.h()[d * n + j];
            for (int o = 0; o < c; o++) {
                b[o] += w.get(j * c + o) * meanFloat - q[j * c + o] * scales[o % scales.length] * meanInt;
            }
        }
        return new Result(q, b);
    }

    /** {@code X} with {@code L Lᵀ X = rhs}, {@code rhs} row-major {@code n × c}. */
    private static double[] solve(double[] l, int n, double[] rhs, int c) {
        double[] y = new double[n * c];
        for (int i = 0; i < n; i++) {
            for (int o = 0; o < c; o++) {
                double s = rhs[i * c + o];
                for (int k = 0; k < i; k++) {
                    s -= l[i * n + k] * y[k * c + o];
                }
                y[i * c + o] = s / l[i * n + i];
            }
        }
        double[] x = new double[n * c];
        for (int i = n - 1; i >= 0; i--) {
            for (int o = 0; o < c; o++) {
                double s = y[i * c + o];
                for (int k = i + 1; k < n; k++) {
                    s -= l[k * n + i] * x[k * c + o];
                }
                x[i * c + o] = s / l[i * n + i];
            }
        }
        return x;
    }
}
