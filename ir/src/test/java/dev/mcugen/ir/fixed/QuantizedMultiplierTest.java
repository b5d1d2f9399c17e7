package dev.mcugen.ir.fixed;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QuantizedMultiplierTest {

    /** The definition in exact decimal arithmetic: M = round(scale * 2^(31 - shift)), ties away from zero. */
    private static long exactMultiplier(double scale, int shift) {
        BigDecimal scaled = new BigDecimal(scale).multiply(new BigDecimal(2).pow(31 - shift));
        return scaled.setScale(0, RoundingMode.HALF_UP).longValueExact();
    }

    @Test
    void randomScalesMatchTheDefinitionWithinTwoToTheMinus31() {
        Random rnd = new Random(5);
        for (int i = 0; i < 200_000; i++) {
            double scale = Math.scalb(1 + rnd.nextDouble(), rnd.nextInt(61) - 31); // [2^-31, 2^30)
            QuantizedMultiplier q = QuantizedMultiplier.of(scale);
            assertThat(q.multiplier()).isBetween(1 << 30, Integer.MAX_VALUE);
            assertThat(q.shift()).isBetween(FixedPoint.MIN_SHIFT, FixedPoint.MAX_SHIFT);
            // the frexp exponent, or one more when the mantissa rounded up to 2^31
            int shift = Math.getExponent(scale) + 1;
            long m = exactMultiplier(scale, shift);
            if (m == 1L << 31) {
                m = 1L << 30;
                shift++;
            }
            assertThat(q).as("scale %s", scale).isEqualTo(new QuantizedMultiplier((int) m, shift));
            assertThat(Math.abs(q.real() - scale) / scale).as("scale %s", scale).isLessThanOrEqualTo(Math.scalb(1.0, -31));
        }
    }

    @Test
    void powersOfTwoAreExact() {
        for (int e = -31; e <= 29; e++) {
            QuantizedMultiplier q = QuantizedMultiplier.of(Math.scalb(1.0, e));
            assertThat(q).isEqualTo(new QuantizedMultiplier(1 << 30, e + 1));
            assertThat(q.real()).isEqualTo(Math.scalb(1.0, e));
        }
    }

    @Test
    void aMantissaThatRoundsToTwoToThe31CarriesIntoTheShift() {
        double justBelowOne = 1 - Math.scalb(1.0, -33); // q * 2^31 = 2^31 - 1/4 rounds to 2^31
        assertThat(QuantizedMultiplier.of(justBelowOne)).isEqualTo(new QuantizedMultiplier(1 << 30, 1));
        assertThat(QuantizedMultiplier.of(justBelowOne).real()).isEqualTo(1.0);
        double notQuite = 1 - Math.scalb(1.0, -31); // q * 2^31 = 2^31 - 1 exactly
        assertThat(QuantizedMultiplier.of(notQuite)).isEqualTo(new QuantizedMultiplier(Integer.MAX_VALUE, 0));
    }

    @Test
    void tinyScalesFlushToZero() {
        assertThat(QuantizedMultiplier.of(Math.scalb(1.0, -32))).isEqualTo(new QuantizedMultiplier(1 << 30, -31));
        // just below 2^-32 the mantissa carries back up to 2^-32
        assertThat(QuantizedMultiplier.of(Math.nextDown(Math.scalb(1.0, -32))))
                .isEqualTo(new QuantizedMultiplier(1 << 30, -31));
        assertThat(QuantizedMultiplier.of(Math.scalb(1.0, -33))).isEqualTo(QuantizedMultiplier.ZERO);
        assertThat(QuantizedMultiplier.of(1e-300)).isEqualTo(QuantizedMultiplier.ZERO);
        assertThat(QuantizedMultiplier.of(Double.MIN_VALUE)).isEqualTo(QuantizedMultiplier.ZERO);
        assertThat(QuantizedMultiplier.ZERO.real()).isEqualTo(0.0);
        assertThat(QuantizedMultiplier.ZERO.apply(Integer.MAX_VALUE)).isZero();
    }

    @Test
    void invalidScalesAreRejected() {
        for (double bad : new double[] {0.0, -0.0, -1.0, Double.NaN, Double.POSITIVE_INFINITY,
                Double.NEGATIVE_INFINITY, Math.scalb(1.0, 30), Math.nextDown(Math.scalb(1.0, 30))}) {
            assertThatThrownBy(() -> QuantizedMultiplier.of(bad)).as("scale %s", bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(QuantizedMultiplier.of(Math.scalb(1.5, 29))).isEqualTo(new QuantizedMultiplier(3 << 29, 30));
    }

    @Test
    void constructorAcceptsOnlyNormalizedPairsOrZero() {
        assertThatThrownBy(() -> new QuantizedMultiplier(0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new QuantizedMultiplier((1 << 30) - 1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new QuantizedMultiplier(1 << 30, 31)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new QuantizedMultiplier(1 << 30, -32)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void applyIsRequant() {
        QuantizedMultiplier q = QuantizedMultiplier.of(0.0123);
        for (int x : ExactReference.edgeValues()) {
            assertThat(q.apply(x)).isEqualTo(FixedPoint.requant(x, q.multiplier(), q.shift()));
        }
        assertThat(q.apply(100_000)).isEqualTo(1230);
    }
}
