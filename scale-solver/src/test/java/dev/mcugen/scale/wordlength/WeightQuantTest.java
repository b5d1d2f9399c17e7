package dev.mcugen.scale.wordlength;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class WeightQuantTest {
    private static float[] gaussian(long seed, int n) {
        Random r = new Random(seed);
        float[] w = new float[n];
        for (int i = 0; i < n; i++) {
            w[i] = (float) (r.nextGaussian() * 0.1);
        }
        return w;
    }

    @Test
    void minmaxPutsTheLargestWeightOnTheLastLevel() {
        float[] w = {0.5f, -1.5f, 0.25f, 0f};
        assertThat(WeightQuant.step(w, 2, WeightQuant.Method.MINMAX)).isEqualTo(1.5);
        assertThat(WeightQuant.step(w, 3, WeightQuant.Method.MINMAX)).isEqualTo(0.5);
        assertThat(WeightQuant.step(w, 8, WeightQuant.Method.MINMAX)).isEqualTo(1.5 / 127);
        // 3 bits: levels -3..3 of 0.5
        assertThat(WeightQuant.fakeQuantize(w, 3, 0.5)).containsExactly(0.5f, -1.5f, 0.5f, 0f);
        assertThat(WeightQuant.step(new float[4], 4, WeightQuant.Method.L2)).isZero();
        assertThat(WeightQuant.fakeQuantize(new float[] {1f}, 4, 0)).containsExactly(0f);
    }

    @Test
    void theL2StepNeverHasMoreErrorThanMinmaxAndIsAFixedPoint() {
        for (int bits = 2; bits <= 8; bits++) {
            for (long seed = 1; seed <= 5; seed++) {
                float[] w = gaussian(seed * 31 + bits, 2000);
                double mm = WeightQuant.step(w, bits, WeightQuant.Method.MINMAX);
                double l2 = WeightQuant.step(w, bits, WeightQuant.Method.L2);
                assertThat(WeightQuant.squaredError(w, bits, l2)).as("bits %d seed %d", bits, seed)
                        .isLessThanOrEqualTo(WeightQuant.squaredError(w, bits, mm));
                // eq. 4 at the levels of eq. 3: sum w z / sum z^2 gives the step back
                float[] q = WeightQuant.fakeQuantize(w, bits, l2);
                double num = 0;
                double den = 0;
                for (int i = 0; i < w.length; i++) {
                    double z = Math.round(q[i] / l2);
                    num += w[i] * z;
                    den += z * z;
                }
                assertThat(num / den).isCloseTo(l2, org.assertj.core.data.Offset.offset(l2 * 1e-6));
            }
        }
        // Gaussian weights at 2 bits (ternary): the least-error step clips, well below max|w|.
        float[] w = gaussian(7, 5000);
        assertThat(WeightQuant.step(w, 2, WeightQuant.Method.L2)).isLessThan(0.5 * WeightQuant.step(w, 2,
                WeightQuant.Method.MINMAX));
    }

    @Test
    void balancedFillsTheTwoBitLevelsAboutEquallyAndStoresInBBits() {
        float[] w = gaussian(11, 20000);
        float[] q = WeightQuant.quantize(w, 2, WeightQuant.Method.BALANCED);
        double meanAbs = 0;
        for (float v : w) {
            meanAbs += Math.abs(v);
        }
        meanAbs /= w.length;
        double scale = 2.5 * meanAbs;
        java.util.Map<Long, Integer> bins = new java.util.TreeMap<>();
        for (float v : q) {
            // the odd integers -3, -1, 1, 3 of scale / 6
            long k = Math.round(v / (scale / 6));
            assertThat(Math.abs(k) % 2).isEqualTo(1);
            assertThat(Math.abs(k)).isLessThanOrEqualTo(3);
            bins.merge(k, 1, Integer::sum);
        }
        assertThat(bins).hasSize(4);
        // 2.5 mean|w| approximates 3 median|w| for normal weights: each level within a few points of 25 %
        bins.values().forEach(c -> assertThat(c / (double) w.length).isBetween(0.21, 0.29));
        // balanced clips: at 2 bits its error is below min/max's on bell-shaped weights
        double bal = 0;
        for (int i = 0; i < w.length; i++) {
            bal += (q[i] - w[i]) * (double) (q[i] - w[i]);
        }
        assertThat(bal).isLessThan(WeightQuant.squaredError(w, 2, WeightQuant.step(w, 2, WeightQuant.Method.MINMAX)));
        assertThatThrownBy(() -> WeightQuant.step(w, 2, WeightQuant.Method.BALANCED))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesWordLengthsOutsideTwoToSixteen() {
        assertThatThrownBy(() -> WeightQuant.step(new float[] {1f}, 1, WeightQuant.Method.L2))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WeightQuant.step(new float[] {1f}, 17, WeightQuant.Method.MINMAX))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
