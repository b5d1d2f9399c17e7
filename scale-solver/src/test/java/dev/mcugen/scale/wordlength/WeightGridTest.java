package dev.mcugen.scale.wordlength;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcugen.scale.QuantOptions;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WeightGridTest {
    private static float[] normal(int n, long seed) {
        Random rnd = new Random(seed);
        float[] w = new float[n];
        for (int i = 0; i < n; i++) {
            w[i] = (float) (0.3 * rnd.nextGaussian());
        }
        return w;
    }

    private static QuantOptions options(int bits, WeightQuant.Method m, QuantOptions.Rescale rescale) {
        return new QuantOptions(QuantOptions.Precision.INT8, rescale, QuantOptions.ActivationImpl.LUT, false,
                QuantOptions.Target.HOST).withWeightBits(new QuantOptions.WeightBits(Map.of("d/kernel", bits), 8, m));
    }

    @Test
    void eightBitGroupsKeepTheRecipesInt8Grid() {
        float[] w = normal(100, 1);
        assertThat(WeightGrid.choose("d/kernel", w, QuantOptions.defaults(QuantOptions.Target.HOST))).isNull();
        assertThat(WeightGrid.choose("d/kernel", w, options(8, WeightQuant.Method.L2, QuantOptions.Rescale.AUTO))).isNull();
        // a group the map does not name takes otherBits (8)
        assertThat(WeightGrid.choose("other/kernel", w, options(4, WeightQuant.Method.L2, QuantOptions.Rescale.AUTO)))
                .isNull();
    }

    @Test
    void symmetricLevelsAreWeightQuantsOnTheNarrowRange() {
        float[] w = normal(500, 2);
        for (WeightQuant.Method m : new WeightQuant.Method[] {WeightQuant.Method.MINMAX, WeightQuant.Method.L2}) {
            for (int bits = 2; bits <= 7; bits++) {
                WeightGrid g = WeightGrid.choose("d/kernel", w, options(bits, m, QuantOptions.Rescale.MULTIPLIER));
                assertThat(g.step()).isEqualTo(WeightQuant.step(w, bits, m));
                assertThat(g.maxLevel()).isEqualTo((1 << (bits - 1)) - 1);
                float[] reals = WeightQuant.fakeQuantize(w, bits, g.step());
                int[] z = g.levels(w);
                for (int i = 0; i < w.length; i++) {
                    assertThat(Math.abs(z[i])).isLessThanOrEqualTo(g.maxLevel());
                    assertThat((float) (z[i] * g.step())).as("%s %d bits, weight %d", m, bits, i).isEqualTo(reals[i]);
                }
            }
        }
        // min/max puts the largest weight on the last level
        WeightGrid g = WeightGrid.choose("d/kernel", w, options(4, WeightQuant.Method.MINMAX, QuantOptions.Rescale.MULTIPLIER));
        assertThat(java.util.Arrays.stream(g.levels(w)).map(Math::abs).max().getAsInt()).isEqualTo(7);
    }

    @Test
    void balancedLevelsAreOddAndMatchTheBalancedQuantizer() {
        float[] w = normal(800, 3);
        for (int bits = 2; bits <= 7; bits++) {
            WeightGrid g = WeightGrid.choose("d/kernel", w, options(bits, WeightQuant.Method.BALANCED,
                    QuantOptions.Rescale.MULTIPLIER));
            assertThat(g.odd()).isTrue();
            assertThat(g.maxLevel()).isEqualTo((1 << bits) - 1);
            float[] reals = WeightQuant.quantize(w, bits, WeightQuant.Method.BALANCED);
            int[] z = g.levels(w);
            int[] count = new int[2 * g.maxLevel() + 1];
            for (int i = 0; i < w.length; i++) {
                assertThat(z[i] & 1).as("odd level").isEqualTo(1);
                assertThat(Math.abs(z[i])).isLessThanOrEqualTo(g.maxLevel());
                assertThat(z[i] * g.step()).as("%d bits, weight %d", bits, i).isCloseTo(reals[i], org.assertj.core.data.Offset.offset(1e-6));
                count[z[i] + g.maxLevel()]++;
            }
            if (bits == 2) {
                // bell-shaped weights fill the four 2-bit levels (+-1, +-3) about equally
                for (int level : new int[] {-3, -1, 1, 3}) {
                    assertThat(count[level + 3]).as("level %d", level).isBetween(120, 280);
                }
            }
        }
    }

    @Test
    void powerOfTwoRescalesGetAPowerOfTwoStepThatCoversTheGrid() {
        float[] w = normal(300, 4);
        for (WeightQuant.Method m : WeightQuant.Method.values()) {
            WeightGrid exact = WeightGrid.choose("d/kernel", w, options(4, m, QuantOptions.Rescale.MULTIPLIER));
            WeightGrid pot = WeightGrid.choose("d/kernel", w, options(4, m, QuantOptions.Rescale.POT));
            assertThat(pot.step()).isEqualTo(Math.scalb(1.0, Math.getExponent(pot.step())));
            assertThat(pot.step()).isGreaterThanOrEqualTo(exact.step()).isLessThan(2 * exact.step() + 1e-12);
        }
    }

    @Test
    void aTensorOfZerosAndBadWidthsAreHandled() {
        WeightGrid g = WeightGrid.choose("d/kernel", new float[4], options(3, WeightQuant.Method.L2,
                QuantOptions.Rescale.AUTO));
        assertThat(g.step()).isEqualTo(1.0);
        assertThat(g.levels(new float[4])).containsOnly(0);
        assertThatThrownBy(() -> new WeightGrid(8, WeightQuant.Method.L2, 1.0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new QuantOptions.WeightBits(Map.of("a/kernel", 1), 8, WeightQuant.Method.L2))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
