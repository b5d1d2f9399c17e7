package dev.mcugen.scale.ff;

import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Shape;
import dev.mcugen.scale.LayerReplay;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sequential rounding fits a layer to the float model's output from the integer model's input: where
 * the layers before changed the input (a gain, an offset), the fitted weights undo it, which nearest
 * and GPTQ rounding of the float weights cannot; on the same grid, deterministically.
 */
class SequentialRoundingTest {
    private static final int D = 16;
    private static final int C = 4;
    private static final int ROWS = 2000;

    /** Correlated, offset inputs as image patches are ({@code [ROWS][D]}). */
    private static double[][] floatInputs(Random rnd) {
        double[][] x = new double[ROWS][D];
        for (int r = 0; r < ROWS; r++) {
            double common = 2 + rnd.nextGaussian();
            for (int j = 0; j < D; j++) {
                x[r][j] = common + 0.5 * rnd.nextGaussian();
            }
        }
        return x;
    }

    /**
     * What an integer model upstream gives instead: each input channel off by its own gain and offset
     * (a rounded kernel upstream), plus a little noise.
     */
    private static double[][] integerInputs(double[][] x, Random rnd) {
        double[][] q = new double[ROWS][D];
        for (int j = 0; j < D; j++) {
            double gain = 1 + 0.03 * rnd.nextGaussian();
            double offset = 0.05 * rnd.nextGaussian();
            for (int r = 0; r < ROWS; r++) {
                q[r][j] = gain * x[r][j] + offset + 0.01 * rnd.nextGaussian();
            }
        }
        return q;
    }

    /** {@code E[p̂' p̂'ᵀ]} and {@code E[p̂' p'ᵀ]} with the constant 1 appended, as {@link LayerReplay} gives them. */
    private static LayerReplay.Fit fit(double[][] q, double[][] x) {
        int n = D + 1;
        double[] h = new double[n * n];
        double[] cross = new double[n * n];
        for (int r = 0; r < ROWS; r++) {
            for (int a = 0; a < n; a++) {
                double pa = a == D ? 1 : q[r][a];
                for (int b = 0; b < n; b++) {
                    h[a * n + b] += pa * (b == D ? 1 : q[r][b]) / ROWS;
                    cross[a * n + b] += pa * (b == D ? 1 : x[r][b]) / ROWS;
                }
            }
        }
        return new LayerReplay.Fit(D, h, cross, ROWS);
    }

    /** Mean squared error of the quantized layer on the integer inputs against the float layer on the float inputs. */
    private static double error(double[][] q, double[][] x, FloatTensor w, float[] b, int[] qw, double s, double[] qb) {
        double e = 0;
        for (int r = 0; r < ROWS; r++) {
            for (int o = 0; o < C; o++) {
                double yf = b[o];
                double yq = qb[o];
                for (int j = 0; j < D; j++) {
                    yf += w.get(j * C + o) * x[r][j];
                    yq += qw[j * C + o] * s * q[r][j];
                }
                e += (yf - yq) * (yf - yq);
            }
        }
        return e / ROWS / C;
    }

    @Test
    void fittedWeightsUndoWhatTheLayersBeforeChangedOnTheSameGrid() {
        Random rnd = new Random(5);
        double[][] x = floatInputs(rnd);
        double[][] q = integerInputs(x, rnd);
        float[] wv = new float[D * C];
        for (int i = 0; i < wv.length; i++) {
            wv[i] = (float) (0.1 * rnd.nextGaussian());
        }
        FloatTensor w = FloatTensor.of(Shape.of(D, C), wv);
        float[] bv = {0.1f, -0.2f, 0.05f, 0f};
        FloatTensor bias = FloatTensor.of(Shape.of(C), bv);
        double maxAbs = 0;
        for (float v : wv) {
            maxAbs = Math.max(maxAbs, Math.abs(v));
        }
        double s = maxAbs / 127;
        double[] scales = WeightQuantizer.uniform(s, C);

        SequentialRounding.Result r = SequentialRounding.round(w, bias, scales, fit(q, x));

        assertThat(r).isNotNull();
        assertThat(Arrays.stream(r.q()).min().orElseThrow()).isGreaterThanOrEqualTo(-127);
        assertThat(Arrays.stream(r.q()).max().orElseThrow()).isLessThanOrEqualTo(127);
        double[] floatBias = {bv[0], bv[1], bv[2], bv[3]};
        double nearest = error(q, x, w, bv, WeightQuantizer.weights(w, scales), s, floatBias);
        double sequential = error(q, x, w, bv, r.q(), s, r.bias());
        // The upstream gains and offsets dominate nearest rounding's error; the fit removes most of it.
        assertThat(sequential).isLessThan(nearest / 4);
        // Deterministic.
        SequentialRounding.Result again = SequentialRounding.round(w, bias, scales, fit(q, x));
        assertThat(again.q()).isEqualTo(r.q());
        assertThat(again.bias()).isEqualTo(r.bias());
    }

    @Test
    void withAnExactInputItIsAtLeastAsGoodAsNearestRounding() {
        Random rnd = new Random(9);
        double[][] x = floatInputs(rnd);
        float[] wv = new float[D * C];
        for (int i = 0; i < wv.length; i++) {
            wv[i] = (float) (0.1 * rnd.nextGaussian());
        }
        FloatTensor w = FloatTensor.of(Shape.of(D, C), wv);
        double maxAbs = 0;
        for (float v : wv) {
            maxAbs = Math.max(maxAbs, Math.abs(v));
        }
        double s = maxAbs / 127;
        double[] scales = WeightQuantizer.uniform(s, C);

        SequentialRounding.Result r = SequentialRounding.round(w, null, scales, fit(x, x));

        float[] zero = new float[C];
        double nearest = error(x, x, w, zero, WeightQuantizer.weights(w, scales), s, new double[C]);
        double sequential = error(x, x, w, zero, r.q(), s, r.bias());
        assertThat(sequential).isLessThan(nearest);
    }
}
