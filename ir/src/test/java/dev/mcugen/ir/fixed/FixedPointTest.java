package dev.mcugen.ir.fixed;

import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.Random;
import java.util.function.IntSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link FixedPoint} against {@link ExactReference}: every pair of edge values (and every shift),
 * plus seeded random operands, about 4.5 million comparisons in all.
 */
class FixedPointTest {
    private static final int[] EDGES = ExactReference.edgeValues();
    private static final int RANDOM_CASES = 1_000_000;

    /** Random int32 values of every magnitude: a uniform value shifted right by 0..31 bits. */
    private static IntSupplier anyMagnitude(Random rnd) {
        return () -> rnd.nextInt() >> rnd.nextInt(32);
    }

    private static int randomMultiplier(Random rnd) {
        return rnd.nextInt(8) == 0 ? 0 : (1 << 30) + rnd.nextInt(1 << 30);
    }

    @Test
    void edgeValuesCoverExtremesAndPowersOfTwo() {
        assertThat(EDGES).contains(Integer.MIN_VALUE, Integer.MIN_VALUE + 1, -1, 0, 1,
                Integer.MAX_VALUE, Integer.MAX_VALUE - 1, 1 << 30, (1 << 30) - 1, (1 << 30) + 1, -(1 << 30));
    }

    @Test
    void asrIsFloorDivisionByAPowerOfTwo() {
        for (int x : EDGES) {
            for (int e = 0; e <= 31; e++) {
                assertThat(FixedPoint.asr(x, e)).as("asr(%d, %d)", x, e)
                        .isEqualTo(ExactReference.floorPot(BigInteger.valueOf(x), e).intValueExact())
                        .isEqualTo(x >> e);
            }
        }
    }

    @Test
    void srdhmOnAllPairsOfEdgeValues() {
        for (int a : EDGES) {
            for (int b : EDGES) {
                assertThat(FixedPoint.srdhm(a, b)).as("srdhm(%d, %d)", a, b).isEqualTo(ExactReference.srdhm(a, b));
            }
        }
    }

    @Test
    void srdhmOnRandomPairs() {
        Random rnd = new Random(1);
        IntSupplier any = anyMagnitude(rnd);
        for (int i = 0; i < RANDOM_CASES; i++) {
            int a = i % 2 == 0 ? rnd.nextInt() : any.getAsInt();
            int b = any.getAsInt();
            assertThat(FixedPoint.srdhm(a, b)).as("srdhm(%d, %d)", a, b).isEqualTo(ExactReference.srdhm(a, b));
        }
    }

    @Test
    void srdhmKnownValues() {
        assertThat(FixedPoint.srdhm(Integer.MIN_VALUE, Integer.MIN_VALUE)).isEqualTo(Integer.MAX_VALUE);
        assertThat(FixedPoint.srdhm(Integer.MIN_VALUE, Integer.MAX_VALUE)).isEqualTo(-Integer.MAX_VALUE);
        assertThat(FixedPoint.srdhm(1 << 30, 1 << 30)).isEqualTo(1 << 29);
        // ties: +1/2 -> 1, -1/2 -> 0 (toward +infinity), -3/2 -> -1
        assertThat(FixedPoint.srdhm(1 << 15, 1 << 15)).isEqualTo(1);
        assertThat(FixedPoint.srdhm(-(1 << 15), 1 << 15)).isEqualTo(0);
        assertThat(FixedPoint.srdhm(-3 << 15, 1 << 15)).isEqualTo(-1);
    }

    @Test
    void rdivpotOnEdgeValuesAndEveryExponent() {
        for (int x : EDGES) {
            for (int e = 0; e <= 31; e++) {
                assertThat(FixedPoint.rdivpot(x, e)).as("rdivpot(%d, %d)", x, e).isEqualTo(ExactReference.rdivpot(x, e));
            }
        }
    }

    @Test
    void rdivpotOnRandomValues() {
        Random rnd = new Random(2);
        IntSupplier any = anyMagnitude(rnd);
        for (int i = 0; i < RANDOM_CASES; i++) {
            int x = any.getAsInt();
            int e = rnd.nextInt(32);
            assertThat(FixedPoint.rdivpot(x, e)).as("rdivpot(%d, %d)", x, e).isEqualTo(ExactReference.rdivpot(x, e));
        }
    }

    @Test
    void rdivpotRoundsTiesAwayFromZero() {
        assertThat(FixedPoint.rdivpot(1, 1)).isEqualTo(1);
        assertThat(FixedPoint.rdivpot(-1, 1)).isEqualTo(-1);
        assertThat(FixedPoint.rdivpot(3, 1)).isEqualTo(2);
        assertThat(FixedPoint.rdivpot(-3, 1)).isEqualTo(-2);
        assertThat(FixedPoint.rdivpot(-5, 2)).isEqualTo(-1);
        assertThat(FixedPoint.rdivpot(-6, 2)).isEqualTo(-2);
        assertThat(FixedPoint.rdivpot(Integer.MIN_VALUE, 31)).isEqualTo(-1);
        assertThat(FixedPoint.rdivpot(Integer.MAX_VALUE, 31)).isEqualTo(1);
        assertThat(FixedPoint.rdivpot(-(1 << 30), 31)).isEqualTo(-1);
        assertThat(FixedPoint.rdivpot((1 << 30) - 1, 31)).isEqualTo(0);
    }

    @Test
    void shlSatOnEdgeValuesAndEveryShift() {
        for (int x : EDGES) {
            for (int e = 0; e <= 30; e++) {
                assertThat(FixedPoint.shlSat(x, e)).as("shlSat(%d, %d)", x, e).isEqualTo(ExactReference.shlSat(x, e));
            }
        }
    }

    @Test
    void mulPotIsShlSatOrRdivpot() {
        for (int x : EDGES) {
            for (int s = FixedPoint.MIN_SHIFT; s <= FixedPoint.MAX_SHIFT; s++) {
                int expected = s >= 0 ? ExactReference.shlSat(x, s) : ExactReference.rdivpot(x, -s);
                assertThat(FixedPoint.mulPot(x, s)).as("mulPot(%d, %d)", x, s).isEqualTo(expected);
            }
        }
    }

    @Test
    void requantOnEdgeValuesMultipliersAndShifts() {
        int[] multipliers = {0, 1 << 30, (1 << 30) + 1, 1518500250, Integer.MAX_VALUE - 1, Integer.MAX_VALUE};
        for (int x : EDGES) {
            for (int m : multipliers) {
                for (int s = FixedPoint.MIN_SHIFT; s <= FixedPoint.MAX_SHIFT; s++) {
                    assertThat(FixedPoint.requant(x, m, s)).as("requant(%d, %d, %d)", x, m, s)
                            .isEqualTo(ExactReference.requant(x, m, s));
                }
            }
        }
    }

    @Test
    void requantOnRandomValuesIsWithinOneOfTheExactProduct() {
        Random rnd = new Random(3);
        IntSupplier any = anyMagnitude(rnd);
        for (int i = 0; i < RANDOM_CASES; i++) {
            int x = any.getAsInt();
            int m = randomMultiplier(rnd);
            int s = FixedPoint.MIN_SHIFT + rnd.nextInt(FixedPoint.MAX_SHIFT - FixedPoint.MIN_SHIFT + 1);
            int r = FixedPoint.requant(x, m, s);
            assertThat(r).as("requant(%d, %d, %d)", x, m, s).isEqualTo(ExactReference.requant(x, m, s));
            if (s <= 0 || Math.abs((long) x) << s <= Integer.MAX_VALUE) {
                // |r - x m 2^(s-31)| <= 1, scaled by 2^(31 - s) to stay in integers
                BigInteger scaledR = BigInteger.valueOf(r).shiftLeft(31 - s);
                BigInteger exact = BigInteger.valueOf(x).multiply(BigInteger.valueOf(m));
                assertThat(scaledR.subtract(exact).abs()).as("requant(%d, %d, %d) = %d", x, m, s, r)
                        .isLessThanOrEqualTo(BigInteger.ONE.shiftLeft(31 - s));
            }
        }
    }

    @Test
    void requantSaturatesALeftShiftThatWouldOverflow() {
        int m = 1518500250; // about 0.7071 * 2^31
        for (int s = 1; s <= FixedPoint.MAX_SHIFT; s++) {
            int hi = (1 << (31 - s)) - 1;
            int lo = -hi - 1;
            // in range: exactly the shifted value
            assertThat(FixedPoint.requant(hi, m, s)).isEqualTo(FixedPoint.srdhm(hi * (1 << s), m));
            assertThat(FixedPoint.requant(lo, m, s)).isEqualTo(FixedPoint.srdhm(lo * (1 << s), m));
            // one step beyond: TFLite's unchecked shift would wrap; mcugen saturates
            assertThat(FixedPoint.requant(hi + 1, m, s)).as("shift %d", s)
                    .isEqualTo(FixedPoint.srdhm(Integer.MAX_VALUE, m))
                    .isNotEqualTo(FixedPoint.srdhm((hi + 1) * (1 << s), m));
            assertThat(FixedPoint.requant(lo - 1, m, s)).as("shift %d", s)
                    .isEqualTo(FixedPoint.srdhm(Integer.MIN_VALUE, m));
            assertThat(FixedPoint.requant(Integer.MAX_VALUE, m, s)).isEqualTo(FixedPoint.srdhm(Integer.MAX_VALUE, m));
            assertThat(FixedPoint.requant(Integer.MIN_VALUE, m, s)).isEqualTo(FixedPoint.srdhm(Integer.MIN_VALUE, m));
        }
    }

    @Test
    void saturatingCastsAndClamp() {
        for (int x = -70_000; x <= 70_000; x++) {
            assertThat(FixedPoint.satInt8(x)).isEqualTo(Math.max(-128, Math.min(127, x)));
            assertThat(FixedPoint.satInt16(x)).isEqualTo(Math.max(-32768, Math.min(32767, x)));
            assertThat(FixedPoint.clamp(x, -1000, 0)).isEqualTo(Math.max(-1000, Math.min(0, x)));
        }
        for (int x : EDGES) {
            assertThat(FixedPoint.satInt8(x)).isEqualTo(Math.max(-128, Math.min(127, x)));
            assertThat(FixedPoint.satInt16(x)).isEqualTo(Math.max(-32768, Math.min(32767, x)));
        }
        assertThat(FixedPoint.clamp(5, 5, 5)).isEqualTo(5);
        assertThatThrownBy(() -> FixedPoint.clamp(0, 1, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void saturatingInt16AddAndSub() {
        int[] edges = {-32768, -32767, -16384, -1, 0, 1, 16383, 16384, 32766, 32767};
        for (int a : edges) {
            for (int b : edges) {
                assertThat(FixedPoint.addSat16(a, b)).isEqualTo(Math.max(-32768, Math.min(32767, a + b)));
                assertThat(FixedPoint.subSat16(a, b)).isEqualTo(Math.max(-32768, Math.min(32767, a - b)));
            }
        }
        Random rnd = new Random(4);
        for (int i = 0; i < 200_000; i++) {
            int a = rnd.nextInt(65536) - 32768;
            int b = rnd.nextInt(65536) - 32768;
            assertThat(FixedPoint.addSat16(a, b)).isEqualTo(Math.max(-32768, Math.min(32767, a + b)));
            assertThat(FixedPoint.subSat16(a, b)).isEqualTo(Math.max(-32768, Math.min(32767, a - b)));
        }
    }

    @Test
    void argumentsOutsideTheirDomainsAreRejected() {
        assertThatThrownBy(() -> FixedPoint.rdivpot(1, 32)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FixedPoint.rdivpot(1, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FixedPoint.asr(1, 32)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FixedPoint.shlSat(1, 31)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FixedPoint.mulPot(1, 31)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FixedPoint.mulPot(1, -32)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FixedPoint.requant(1, 1 << 29, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FixedPoint.requant(1, -(1 << 30), 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FixedPoint.requant(1, 1 << 30, 31)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FixedPoint.requant(1, 1 << 30, -32)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FixedPoint.addSat16(32768, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FixedPoint.subSat16(0, -32769)).isInstanceOf(IllegalArgumentException.class);
    }
}
