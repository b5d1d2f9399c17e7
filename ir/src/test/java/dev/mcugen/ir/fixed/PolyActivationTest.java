package dev.mcugen.ir.fixed;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class PolyActivationTest {
    private static final PolyActivation POLY = PolyActivation.INSTANCE;

    /**
     * {m, x, sigmoid, tanh} from gemmlowp's own logistic/tanh on FixedPoint<int32_t, m> of x * 2^16,
     * narrowed by satInt16(RoundingDivideByPOT(r, 16)) (built with g++ against gemmlowp's
     * fixedpoint.h; the whole 8 x 65,536 sweep matched when this port was written).
     */
    private static final int[][] GEMMLOWP = {
        {0, -32768, 8813, -24956}, {0, -12345, 13334, -11792}, {0, -1, 16384, -1}, {0, 1, 16384, 1},
        {0, 4096, 17407, 4075}, {0, 20000, 21234, 17838}, {0, 32767, 23955, 24955}, {3, -32768, 11, -32768},
        {3, -12345, 1534, -32610}, {3, -1, 16382, -8}, {3, 1, 16386, 8}, {3, 4096, 23955, 24956},
        {3, 20000, 32522, 32764}, {3, 32767, 32757, 32767}, {4, -32768, 0, -32768}, {4, -12345, 79, -32768},
        {4, -1, 16380, -16}, {4, 1, 16388, 16}, {4, 4096, 28862, 31589}, {4, 20000, 32766, 32767},
        {4, 32767, 32767, 32767}, {7, -32768, 0, -32768}, {7, -12345, 0, -32768}, {7, -1, 16352, -128},
        {7, 1, 16416, 128}, {7, 4096, 32767, 32767}, {7, 20000, 32767, 32767}, {7, 32767, 32767, 32767},
    };

    @Test
    void matchesGemmlowp() {
        for (int[] g : GEMMLOWP) {
            assertThat(POLY.sigmoid(g[1], g[0])).as("sigmoid(%d) Q%d", g[1], g[0]).isEqualTo(g[2]);
            assertThat(POLY.tanh(g[1], g[0])).as("tanh(%d) Q%d", g[1], g[0]).isEqualTo(g[3]);
        }
    }

    @Test
    void symmetricWithinOneUnit() {
        for (int m = 0; m <= Int16Activation.MAX_INTEGER_BITS; m++) {
            for (int x = -FixedPoint.INT16_MAX; x <= FixedPoint.INT16_MAX; x++) {
                assertThat(POLY.sigmoid(x, m) + POLY.sigmoid(-x, m)).isBetween(32767, 32768);
                assertThat(POLY.tanh(x, m) + POLY.tanh(-x, m)).isBetween(-1, 1);
            }
        }
    }

    @Test
    void roundingHalfSumRoundsAwayFromZero() {
        assertThat(PolyActivation.roundingHalfSum(1, 2)).isEqualTo(2);
        assertThat(PolyActivation.roundingHalfSum(-1, -2)).isEqualTo(-2);
        assertThat(PolyActivation.roundingHalfSum(Integer.MAX_VALUE, Integer.MAX_VALUE)).isEqualTo(Integer.MAX_VALUE);
        assertThat(PolyActivation.roundingHalfSum(Integer.MIN_VALUE, Integer.MIN_VALUE)).isEqualTo(Integer.MIN_VALUE);
        Random rnd = new Random(6);
        for (int i = 0; i < 100_000; i++) {
            int a = rnd.nextInt();
            int b = rnd.nextInt();
            long s = (long) a + b;
            long expected = s >= 0 ? (s + 1) / 2 : -((-s + 1) / 2);
            assertThat(PolyActivation.roundingHalfSum(a, b)).isEqualTo(expected);
        }
    }
}
