package dev.mcugen.ir.fixed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The integer inverse square root of layer normalization against {@code 2^f / sqrt(d)} in double. */
class InverseSqrtTest {
    @Test
    void multiplierIsTheInverseRootToAboutThirtyBits() {
        Random r = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            long d = i < 64 ? 1L << i % 62 | (i % 3) : 1 + (r.nextLong() >>> (2 + r.nextInt(61)));
            d = Math.max(1, Math.min(d, InverseSqrt.MAX_D));
            int f = r.nextInt(16);
            InverseSqrt inv = InverseSqrt.of(d, f);
            assertThat(inv.multiplier()).isBetween(1 << 30, Integer.MAX_VALUE);
            double real = Math.scalb((double) inv.multiplier(), inv.shift() - 31);
            double exact = Math.scalb(1.0, f) / Math.sqrt((double) d);
            assertThat(Math.abs(real - exact) / exact).as("d %d f %d", d, f).isLessThan(0x1p-29);
        }
    }

    @Test
    void isqrtIsTheFloorRoot() {
        Random r = new Random(9);
        for (int i = 0; i < 20_000; i++) {
            long x = r.nextLong() >>> 2 >>> r.nextInt(62);
            long s = InverseSqrt.isqrt(x);
            assertThat(s * s).isLessThanOrEqualTo(x);
            assertThat((s + 1) * (s + 1)).isGreaterThan(x);
        }
        assertThatThrownBy(() -> InverseSqrt.of(0, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> InverseSqrt.of(1L << 62, 10)).isInstanceOf(IllegalArgumentException.class);
    }
}
