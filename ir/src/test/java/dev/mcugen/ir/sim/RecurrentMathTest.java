package dev.mcugen.ir.sim;

import dev.mcugen.ir.Shape;
import dev.mcugen.ir.fixed.QuantizedMultiplier;
import dev.mcugen.ir.quant.IntTensor;
import dev.mcugen.ir.quant.QLayerNorm;
import dev.mcugen.ir.quant.QMatVec;
import dev.mcugen.ir.quant.QuantType;
import dev.mcugen.ir.quant.Rescale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RecurrentMathTest {
    @Test
    void isqrtIsTheFloorSquareRoot() {
        for (long x = 0; x < 1 << 20; x++) {
            long r = RecurrentMath.isqrt(x);
            assertThat(r * r <= x && (r + 1) * (r + 1) > x).as("isqrt(%d) = %d", x, r).isTrue();
        }
        Random rnd = new Random(1);
        for (int i = 0; i < 200_000; i++) {
            long x = rnd.nextLong() >>> 2; // [0, 2^62)
            check(x);
        }
        for (long r = (1L << 31) - 3; r < (1L << 31); r++) {
            check(r * r - 1);
            check(r * r);
            check(Math.min(r * r + 1, (1L << 62) - 1));
        }
        check((1L << 62) - 1);
        assertThatThrownBy(() -> RecurrentMath.isqrt(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    private static void check(long x) {
        long r = RecurrentMath.isqrt(x);
        assertThat(Math.multiplyHigh(r, r) == 0 && r * r <= x).as("isqrt(%d) = %d too big", x, r).isTrue();
        long next = r + 1;
        assertThat(next * next > x || Math.multiplyHigh(next, next) != 0).as("isqrt(%d) = %d too small", x, r).isTrue();
    }

    private static QLayerNorm layerNorm(int n, int[] coefficients, int[] bias, double rescale) {
        return new QLayerNorm(QuantType.symmetric(16, 1.0), IntTensor.of(Shape.of(n), 16, coefficients),
                IntTensor.of(Shape.of(n), 32, bias), Rescale.of(QuantizedMultiplier.of(rescale)));
    }

    /**
     * The normalized values are round(2^10 (q - mean) / stddev) within one step, for any n (TFLite's
     * {@code 2^20 / n} is exact only for powers of two), and the output follows L and b.
     */
    @ParameterizedTest
    @ValueSource(ints = {2, 3, 5, 7, 32, 37, 100, 255, 1000, 1024})
    void layerNormMatchesTheRealFormula(int n) {
        Random rnd = new Random(n);
        int[] coefficients = new int[n];
        int[] bias = new int[n];
        Arrays.fill(coefficients, 32767); // L = 1 at s_L = 1/32767
        double sL = 1.0 / 32767;
        for (int trial = 0; trial < 50; trial++) {
            int[] acc = new int[n];
            double spread = Math.exp(rnd.nextDouble() * Math.log(30000));
            double offset = (rnd.nextDouble() * 2 - 1) * (32767 - spread);
            for (int i = 0; i < n; i++) {
                acc[i] = (int) Math.round(Math.max(-32768, Math.min(32767, offset + spread * rnd.nextGaussian())));
            }
            for (int i = 0; i < n; i++) {
                bias[i] = (int) Math.round((rnd.nextDouble() - 0.5) / (sL * Math.scalb(1.0, -10)));
            }
            QLayerNorm ln = layerNorm(n, coefficients, bias, sL * Math.scalb(1.0, -10) / Math.scalb(1.0, -12));
            int[] norm = new int[n];
            int[] pre = new int[n];
            RecurrentMath.layerNorm(ln, coefficients, bias, acc, n, norm, pre);
            double mean = Arrays.stream(acc).average().orElse(0);
            double var = Arrays.stream(acc).mapToDouble(a -> (a - mean) * (a - mean)).sum() / n;
            for (int i = 0; i < n; i++) {
                double expected = var == 0 ? 0 : (acc[i] - mean) / Math.sqrt(var) * 1024;
                assertThat((double) norm[i]).as("n %d value %d", n, i).isCloseTo(
                        Math.max(-32768, Math.min(32767, expected)), org.assertj.core.data.Offset.offset(1.0001));
                double real = norm[i] / 1024.0 * coefficients[i] * sL + bias[i] * sL * Math.scalb(1.0, -10);
                double q312 = Math.max(-32768, Math.min(32767, real * 4096));
                assertThat((double) pre[i]).isCloseTo(q312, org.assertj.core.data.Offset.offset(1.0));
            }
        }
    }

    @Test
    void layerNormOfEqualValuesIsZero() {
        int n = 9;
        int[] acc = new int[n];
        Arrays.fill(acc, -1234);
        int[] coefficients = new int[n];
        Arrays.fill(coefficients, 20000);
        int[] bias = new int[n];
        Arrays.fill(bias, 1 << 20);
        int[] norm = new int[n];
        int[] pre = new int[n];
        RecurrentMath.layerNorm(layerNorm(n, coefficients, bias, 0.001), coefficients, bias, acc, n, norm, pre);
        assertThat(norm).containsOnly(0);
        assertThat(pre).containsOnly(Rescale.of(QuantizedMultiplier.of(0.001)).apply(1 << 20));
    }

    @Test
    void matVecFoldsNothingAndSaturatesTheSum() {
        int[] w = {127, 127, -127, 1};
        QMatVec m = new QMatVec(2, 2, IntTensor.of(Shape.of(2, 2), 8, w),
                IntTensor.of(Shape.of(2), 32, new int[] {Integer.MAX_VALUE - 10, 5}), Rescale.pot(0), true);
        int[] out = new int[2];
        RecurrentMath.matVec(m, w, new int[] {Integer.MAX_VALUE - 10, 5}, new int[] {0, 100, 100, 0}, 1, out);
        assertThat(out[0]).isEqualTo(Integer.MAX_VALUE); // saturated, not wrapped
        assertThat(out[1]).isEqualTo(5 - 127 * 100 + 100);
    }

    @Test
    void mulShiftRoundsHalfAwayFromZero() {
        assertThat(RecurrentMath.mulShift(3, 1, 1)).isEqualTo(2);
        assertThat(RecurrentMath.mulShift(-3, 1, 1)).isEqualTo(-2);
        assertThat(RecurrentMath.mulShift(32767, -32768, 15)).isEqualTo(-32767);
        assertThat(RecurrentMath.sat32(1L << 40)).isEqualTo(Integer.MAX_VALUE);
        assertThat(RecurrentMath.saturate(-200, QuantType.asymmetric(8, -1, 1))).isEqualTo(-128);
    }
}
