package dev.mcugen.ir.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class QuantTypeTest {
    @Test
    void asymmetricCoversTheRangeAndKeepsZeroExact() {
        Random r = new Random(3);
        for (int i = 0; i < 10_000; i++) {
            double a = r.nextGaussian() * Math.pow(10, r.nextInt(6) - 3);
            double b = a + Math.abs(r.nextGaussian()) * Math.pow(10, r.nextInt(6) - 3);
            QuantType t = QuantType.asymmetric(8, a, b);
            assertThat(t.qmin()).isEqualTo(-128);
            assertThat(t.qmax()).isEqualTo(127);
            assertThat(t.dequantize(t.zeroPoint())).isZero();
            // The nudged zero point moves the range by at most half a step.
            assertThat(t.realMin()).isLessThanOrEqualTo(Math.min(a, 0) + t.scale() / 2 + 1e-12);
            assertThat(t.realMax()).isGreaterThanOrEqualTo(Math.max(b, 0) - t.scale() / 2 - 1e-12);
            assertThat(t.scale()).isCloseTo((Math.max(b, 0) - Math.min(a, 0)) / 255, within(1e-15 + t.scale() * 1e-12));
        }
    }

    @Test
    void asymmetricOfAPositiveRangePutsZeroAtQmin() {
        QuantType t = QuantType.asymmetric(8, 0.0, 1.0);
        assertThat(t.zeroPoint()).isEqualTo(-128);
        assertThat(t.scale()).isEqualTo(1.0 / 255);
        assertThat(t.quantize(1.0)).isEqualTo(127);
        assertThat(t.quantize(0.0)).isEqualTo(-128);
        assertThat(t.quantize(2.0)).isEqualTo(127);
    }

    @Test
    void symmetricUsesTheNarrowRange() {
        QuantType w = QuantType.symmetric(8, 0.5);
        assertThat(w.qmin()).isEqualTo(-127);
        assertThat(w.qmax()).isEqualTo(127);
        assertThat(w.zeroPoint()).isZero();
        assertThat(w.scale()).isEqualTo(0.5 / 127);
        assertThat(w.quantize(-0.5)).isEqualTo(-127);
        assertThat(w.quantize(-9)).isEqualTo(-127);
        assertThat(QuantType.symmetric(16, 3.0).qmax()).isEqualTo(32767);
    }

    @Test
    void powerOfTwoIsAQFormat() {
        QuantType q312 = QuantType.powerOfTwo(16, 12);
        assertThat(q312.isPowerOfTwo()).isTrue();
        assertThat(q312.fractionalBits()).isEqualTo(12);
        assertThat(q312.integerBits()).isEqualTo(3);
        assertThat(q312.realMin()).isEqualTo(-8.0);
        assertThat(q312.realMax()).isEqualTo(8.0 - 1.0 / 4096);
        assertThat(q312.toString()).contains("Q3.12");
        assertThat(QuantType.powerOfTwo(16, 15).dequantize(-32768)).isEqualTo(-1.0);
        assertThat(QuantType.symmetric(8, 1.0).isPowerOfTwo()).isFalse();
        assertThatThrownBy(() -> QuantType.symmetric(8, 1.0).fractionalBits()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void quantizeRoundsHalfAwayFromZero() {
        QuantType t = QuantType.powerOfTwo(8, 1);
        assertThat(t.quantize(0.25)).isEqualTo(1);
        assertThat(t.quantize(-0.25)).isEqualTo(-1);
        assertThat(t.quantize(0.75)).isEqualTo(2);
        assertThat(t.quantize(-0.75)).isEqualTo(-2);
    }

    @Test
    void rejectsInvalidTypes() {
        assertThatThrownBy(() -> new QuantType(12, -10, 10, 1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new QuantType(8, -200, 10, 1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new QuantType(8, -128, 127, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new QuantType(8, -128, 127, Double.NaN, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new QuantType(8, 0, 127, 1, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void perChannelGivesOneSymmetricTypePerChannel() {
        PerChannelQuant p = new PerChannelQuant(8, 1, List.of(0.5 / 127, 2.0 / 127));
        assertThat(p.channels()).isEqualTo(2);
        assertThat(p.channel(1).scale()).isCloseTo(2.0 / 127, within(1e-18));
        assertThat(p.channel(1).zeroPoint()).isZero();
        assertThatThrownBy(() -> new PerChannelQuant(8, 0, List.of(0.0))).isInstanceOf(IllegalArgumentException.class);
    }
}
