package dev.mcugen.ir.quant;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The gemmlowp fixed-point functions against the real functions they approximate. */
class SoftmaxMathTest {
    private static final double Q31 = 0x1p31;
    private static final double Q26 = 0x1p26;

    @Test
    void expOfZeroIsQ031One() {
        assertThat(SoftmaxMath.expOnNegativeValues(0)).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void expOnNegativeValuesIsWithinTheTaylorErrorOverTheWholeQ526Range() {
        Random rnd = new Random(1);
        double worst = 0;
        for (int i = 0; i < 200_000; i++) {
            int a = -(int) (rnd.nextDouble() * 32 * Q26);   // [-32, 0]
            double got = SoftmaxMath.expOnNegativeValues(a) / Q31;
            worst = Math.max(worst, Math.abs(got - Math.exp(a / Q26)));
        }
        // gemmlowp's 4th-order Taylor step around -1/8 is off by at most e^(-1/8) (1/8)^5 / 120 = 2.2e-7.
        assertThat(worst).isLessThan(2.5e-7);
    }

    @Test
    void expBarrelShifterHandlesEachPowerOfTwo() {
        for (int k = -2; k <= 4; k++) {
            int a = -(int) Math.scalb(Q26, k);
            assertThat(SoftmaxMath.expOnNegativeValues(a) / Q31).isCloseTo(Math.exp(-Math.scalb(1.0, k)), within(2.5e-7));
        }
    }

    @Test
    void expOnTheQuarterIntervalMatchesTaylor() {
        for (double v = -0.25; v < 0; v += 1.0 / 1024) {
            int a = (int) Math.round(v * Q31);
            assertThat(SoftmaxMath.expOnIntervalNegativeQuarterTo0(a) / Q31).isCloseTo(Math.exp(v), within(2.5e-7));
        }
    }

    @Test
    void oneOverOnePlusXConvergesOnZeroToOne() {
        Random rnd = new Random(2);
        for (int i = 0; i < 100_000; i++) {
            int a = rnd.nextInt(Integer.MAX_VALUE);
            double got = SoftmaxMath.oneOverOnePlusX(a) / Q31;
            assertThat(got).isCloseTo(1.0 / (1.0 + a / Q31), within(1e-8));
        }
    }

    @Test
    void reciprocalSplitsThePowerOfTwo() {
        int[] k = new int[1];
        // 1.0 in Q12.19
        int r = SoftmaxMath.reciprocal(1 << 19, k);
        assertThat(k[0]).isZero();
        assertThat(r / Q31).isCloseTo(1.0, within(1e-8));
        // 5.0 in Q12.19: 5 = 2^2 * (1 + 0.25) -> k = 2, r = 1 / 1.25 = 0.8
        r = SoftmaxMath.reciprocal(5 << 19, k);
        assertThat(k[0]).isEqualTo(2);
        assertThat(r / Q31).isCloseTo(0.8, within(1e-8));
    }
}
