package dev.mcugen.scale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcugen.ir.fixed.QuantizedMultiplier;
import dev.mcugen.scale.QuantOptions.ActivationImpl;
import dev.mcugen.scale.QuantOptions.Precision;
import dev.mcugen.scale.QuantOptions.Rescale;
import dev.mcugen.scale.QuantOptions.Target;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EffectiveScaleTest {
    static QuantOptions opts(Rescale r, Target t) {
        return new QuantOptions(Precision.INT8, r, ActivationImpl.LUT, false, t);
    }

    @Test
    void multiplierFormIsTfliteQuantizeMultiplier() {
        EffectiveScale s = EffectiveScale.of(0.0123, opts(Rescale.MULTIPLIER, Target.CORTEX_M4));
        QuantizedMultiplier q = QuantizedMultiplier.of(0.0123);
        assertThat(s.shiftOnly()).isFalse();
        assertThat(s.multiplier()).isEqualTo(q.multiplier());
        assertThat(s.shift()).isEqualTo(q.shift());
        assertThat(s.realized()).isEqualTo(q.real());
        assertThat(s.residual()).isLessThanOrEqualTo(0x1p-31).isEqualTo(Math.abs(q.real() / 0.0123 - 1));
        assertThat(s.apply(1000)).isEqualTo(q.apply(1000)).isEqualTo(12);
    }

    @Test
    void anExactPowerOfTwoIsAShiftInEveryMode() {
        for (Rescale r : Rescale.values()) {
            EffectiveScale s = EffectiveScale.of(0x1p-7, opts(r, Target.CORTEX_M4));
            assertThat(s.shiftOnly()).isTrue();
            assertThat(s.shift()).isEqualTo(-7);
            assertThat(s.residual()).isZero();
            assertThat(s.apply(-192)).isEqualTo(-2); // -1.5 rounds away from zero
            assertThat(s.apply(320)).isEqualTo(3); // 2.5 -> 3
        }
        EffectiveScale up = EffectiveScale.of(8, opts(Rescale.MULTIPLIER, Target.HOST));
        assertThat(up.shiftOnly()).isTrue();
        assertThat(up.apply(-5)).isEqualTo(-40);
    }

    @Test
    void potModeRoundsToTheNearestPowerOfTwoInTheLogDomain() {
        QuantOptions pot = opts(Rescale.POT, Target.CORTEX_M4);
        EffectiveScale below = EffectiveScale.of(1.41, pot); // < sqrt 2 -> 2^0
        EffectiveScale above = EffectiveScale.of(1.42, pot); // > sqrt 2 -> 2^1
        assertThat(below.shift()).isZero();
        assertThat(above.shift()).isEqualTo(1);
        assertThat(below.residual()).isEqualTo(Math.abs(1 / 1.41 - 1));
        assertThat(EffectiveScale.of(1.0 / 3, pot).shift()).isEqualTo(-2);
        // the worst residual is sqrt(2) - 1
        Random rnd = new Random(5);
        for (int i = 0; i < 10000; i++) {
            double real = Math.pow(2, rnd.nextDouble() * 40 - 30);
            EffectiveScale s = EffectiveScale.of(real, pot);
            assertThat(s.shiftOnly()).isTrue();
            assertThat(s.residual()).isLessThanOrEqualTo(Math.sqrt(2) - 1 + 1e-15);
        }
    }

    @Test
    void autoShiftsOnCortexM0UnlessTheErrorBudgetForbids() {
        QuantOptions m0 = QuantOptions.defaults(Target.CORTEX_M0);
        assertThat(EffectiveScale.of(0x1p-12, m0).shiftOnly()).isTrue();
        assertThat(EffectiveScale.of(0x1p-12 * (1 + 0x1p-10), m0).shiftOnly()).isTrue(); // within budget
        EffectiveScale third = EffectiveScale.of(1.0 / 3, m0);
        assertThat(third.shiftOnly()).isFalse();
        assertThat(third.residual()).isLessThan(0x1p-30);
        assertThat(EffectiveScale.of(1.0 / 3, QuantOptions.defaults(Target.CORTEX_M4)).shiftOnly()).isFalse();
    }

    @Test
    void outOfShiftRangeFallsBackToTheMultiplierOrFails() {
        EffectiveScale tiny = EffectiveScale.of(0x1p-40, opts(Rescale.POT, Target.CORTEX_M0));
        assertThat(tiny.shiftOnly()).isFalse();
        assertThat(tiny.multiplier()).isZero(); // QuantizedMultiplier.ZERO: everything maps to 0
        assertThat(tiny.residual()).isEqualTo(1.0);
        assertThatThrownBy(() -> EffectiveScale.shift(0x1p-40)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EffectiveScale.of(0, opts(Rescale.POT, Target.HOST)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EffectiveScale.of(Double.NaN, opts(Rescale.POT, Target.HOST)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void applyingMatchesTheRealFactorToRounding() {
        Random rnd = new Random(11);
        for (int i = 0; i < 2000; i++) {
            double real = Math.pow(2, rnd.nextDouble() * 20 - 18);
            EffectiveScale s = EffectiveScale.multiplier(real);
            int x = rnd.nextInt(1 << 20) - (1 << 19);
            assertThat((double) s.apply(x)).isCloseTo(x * real, org.assertj.core.api.Assertions.within(1.0));
        }
    }
}
