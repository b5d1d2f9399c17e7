package dev.mcugen.scale.ff;

import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Shape;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Error-compensating weight rounding: on correlated inputs it leaves a smaller output error than nearest
 * rounding, on the same grid, deterministically; and the bias correction removes the error's mean.
 */
class WeightRoundingTest {
    private static final int D = 24;
    private static final int C = 5;
    private static final int ROWS = 3000;

    /** Inputs with a large common mean and strongly correlated neighbours, as image patches have. */
    private static double[][] inputs(Random rnd) {
        double[][] x = new double[ROWS][D];
        for (int r = 0; r < ROWS; r++) {
            double common = 100 + 20 * rnd.nextGaussian();
            for (int j = 0; j < D; j++) {
                x[r][j] = common + 5 * rnd.nextGaussian() + (j > 0 ? 0.5 * x[r][j - 1] - 0.5 * common : 0);
            }
        }
        return x;
    }

    private static double[] moment(double[][] x) {
        double[] h = new double[D * D];
        for (double[] row : x) {
            for (int a = 0; a < D; a++) {
                for (int b = 0; b < D; b++) {
                    h[a * D + b] += row[a] * row[b] / x.length;
                }
            }
        }
        return h;
    }

    private static FloatTensor kernel(Random rnd) {
        float[] w = new float[D * C];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (0.05 * rnd.nextGaussian());
        }
        return FloatTensor.of(Shape.of(D, C), w);
    }

    /** Mean squared output error of the quantized kernel {@code q} (scale {@code s}) against {@code w}. */
    private static double outputError(double[][] x, FloatTensor w, int[] q, double s, double[] biasShift) {
        double e = 0;
        for (double[] row : x) {
            for (int o = 0; o < C; o++) {
                double d = biasShift == null ? 0 : biasShift[o];
                for (int j = 0; j < D; j++) {
                    d += (q[j * C + o] * s - w.get(j * C + o)) * row[j];
                }
                e += d * d;
            }
        }
        return e / x.length / C;
    }

    @Test
    void compensatedRoundingLeavesLessOutputErrorOnTheSameGrid() {
        Random rnd = new Random(11);
        double[][] x = inputs(rnd);
        FloatTensor w = kernel(rnd);
        double maxAbs = 0;
        for (int i = 0; i < w.size(); i++) {
            maxAbs = Math.max(maxAbs, Math.abs(w.get(i)));
        }
        double[] scales = WeightQuantizer.uniform(maxAbs / 127, C);
        int[] nearest = WeightQuantizer.weights(w, scales);
        int[] gptq = WeightRounding.gptq(w, scales, moment(x));

        assertThat(java.util.Arrays.stream(gptq).min().orElseThrow()).isGreaterThanOrEqualTo(-127);
        assertThat(java.util.Arrays.stream(gptq).max().orElseThrow()).isLessThanOrEqualTo(127);
        assertThat(gptq).isNotEqualTo(nearest);
        double en = outputError(x, w, nearest, scales[0], null);
        double eg = outputError(x, w, gptq, scales[0], null);
        // Correlated inputs with a large mean: nearest rounding's errors add up, compensation cancels them.
        assertThat(eg).isLessThan(en / 4);
        // Same inputs, same result.
        assertThat(WeightRounding.gptq(w, scales, moment(x))).containsExactly(gptq);
    }

    @Test
    void inputsNeverSeenKeepTheirNearestRounding() {
        Random rnd = new Random(12);
        double[][] x = inputs(rnd);
        for (double[] row : x) {
            row[3] = 0;
        }
        FloatTensor w = kernel(rnd);
        double[] scales = WeightQuantizer.uniform(0.2 / 127, C);
        int[] nearest = WeightQuantizer.weights(w, scales);
        int[] gptq = WeightRounding.gptq(w, scales, moment(x));
        for (int o = 0; o < C; o++) {
            assertThat(gptq[3 * C + o]).isEqualTo(nearest[3 * C + o]);
        }
    }

    @Test
    void biasCorrectionRemovesTheMeanOfTheRoundingError() {
        Random rnd = new Random(13);
        double[][] x = inputs(rnd);
        FloatTensor w = kernel(rnd);
        double[] scales = WeightQuantizer.channelScales(w, false);
        int[] q = WeightQuantizer.weights(w, scales);
        double[] means = new double[D];
        for (double[] row : x) {
            for (int j = 0; j < D; j++) {
                means[j] += row[j] / x.length;
            }
        }
        double[] corrected = WeightQuantizer.correctedBias(null, w, scales, q, means);
        for (int o = 0; o < C; o++) {
            double meanErr = 0;
            for (double[] row : x) {
                double d = corrected[o];
                for (int j = 0; j < D; j++) {
                    d += (q[j * C + o] * scales[o] - w.get(j * C + o)) * row[j];
                }
                meanErr += d / x.length;
            }
            assertThat(Math.abs(meanErr)).as("channel %d", o).isLessThan(1e-9);
        }
        // No statistics: the bias is the float bias.
        assertThat(WeightQuantizer.correctedBias(null, w, scales, q, null)).containsOnly(0.0);
    }

    @Test
    void choleskyRefusesWhatIsNotPositiveDefinite() {
        assertThat(WeightRounding.cholesky(new double[] {1, 2, 2, 1}, 2)).isNull();
        double[] u = WeightRounding.upperFactorOfInverse(new double[] {4, 2, 2, 3}, 2);
        // H⁻¹ = [[3, -2], [-2, 4]] / 8 = Uᵀ U
        double[] inv = {3 / 8.0, -2 / 8.0, -2 / 8.0, 4 / 8.0};
        for (int a = 0; a < 2; a++) {
            for (int b = 0; b < 2; b++) {
                double s = 0;
                for (int k = 0; k < 2; k++) {
                    s += u[k * 2 + a] * u[k * 2 + b];
                }
                assertThat(s).isCloseTo(inv[a * 2 + b], org.assertj.core.api.Assertions.within(1e-12));
            }
        }
        assertThat(u[2]).isZero();
    }
}
