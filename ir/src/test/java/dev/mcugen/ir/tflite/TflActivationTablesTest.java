package dev.mcugen.ir.tflite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * Edge parameters of TFLite's int8 LOGISTIC, TANH and HARD_SWISH tables: the input shift at its ends (0,
 * and below 0, which TFLite cannot run), the input radius, both branches of HARD_SWISH's "reluish"
 * exponent (left shifts that saturate, right shifts that round) and the output exponent TFLite refuses.
 * Expected values come from the functions themselves (TFLite's fixed point is within one unit of them)
 * and from TFLite's parameter formulas written out here.
 */
class TflActivationTablesTest {
    /** TFLite's frexp exponent of a positive double. */
    private static int frexpExponent(double v) {
        return Math.getExponent(v) + 1;
    }

    @Test
    void aShiftOfZeroKeepsEveryInputInsideTheRadius() {
        // 5e-9 * 2^27 = 0.67: frexp exponent 0, radius 15 * 2^27: no input saturates, all are ~ sigmoid(0)
        assertThat(frexpExponent((double) 5e-9f * (1 << 27))).isZero();
        assertThat(TflActivationTables.inputRadius(0)).isEqualTo(15 * (1 << 27));
        int[] y = TflActivationTables.logistic(5e-9f, 0);
        for (int v : y) {
            assertThat(v).isZero();
        }
        int[] t = TflActivationTables.tanh(5e-9f, 0);
        for (int v : t) {
            assertThat(v).isZero();
        }
    }

    @Test
    void aNegativeInputShiftIsRefusedAsTfliteCannotRunIt() {
        // 1e-9 * 2^27 = 0.134: exponent -2, and TFLite's radius computes 1 << -2
        assertThat(frexpExponent((double) 1e-9f * (1 << 27))).isNegative();
        assertThatThrownBy(() -> TflActivationTables.logistic(1e-9f, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("shift");
    }

    @Test
    void beyondTheRadiusTheOutputsSaturate() {
        // scale 0.5: 0.5 * 2^27 = 2^26, exponent 27, radius floor(15 * 2^27 / 2^27) = 15 units of 0.5 (7.5)
        assertThat(TflActivationTables.inputRadius(27)).isEqualTo(15);
        int[] y = TflActivationTables.logistic(0.5f, 10);
        int[] t = TflActivationTables.tanh(0.5f, 10);
        for (int x = -128; x <= 127; x++) {
            int d = x - 10;
            if (d >= 15) {
                assertThat(y[x + 128]).isEqualTo(127);
                assertThat(t[x + 128]).isEqualTo(127);
            } else if (d <= -15) {
                assertThat(y[x + 128]).isEqualTo(-128);
                assertThat(t[x + 128]).isEqualTo(-128);
            } else {
                double s = 1 / (1 + Math.exp(-0.5 * d));
                assertThat((double) y[x + 128]).isCloseTo(Math.min(127, Math.round(256 * s) - 128), Offset.offset(1.0));
                assertThat((double) t[x + 128]).isCloseTo(Math.max(-128, Math.min(127, Math.round(128 * Math.tanh(0.5 * d)))),
                        Offset.offset(1.0));
            }
        }
    }

    private static void hardSwishNear(float sx, int zx, float sy, int zy) {
        int[] y = TflActivationTables.hardSwish(sx, zx, sy, zy);
        for (int x = -128; x <= 127; x++) {
            double v = sx * (x - zx);
            double hs = v * Math.min(6, Math.max(0, v + 3)) / 6;
            double want = Math.max(-128, Math.min(127, Math.round(hs / sy) + zy));
            assertThat((double) y[x + 128]).as("x=%d", x).isCloseTo(want, Offset.offset(1.0));
        }
    }

    @Test
    void hardSwishWithAPositiveReluishExponentSaturatesItsLeftShift() {
        // s_in 0.5: (0.5 / 128) / (3 / 32768) = 42.7, exponent 6 > 0: TFLite shifts left by 5, multiplies, shifts by 1
        assertThat(frexpExponent((0.5f / 128f) / (3f / 32768f))).isEqualTo(6);
        hardSwishNear(0.5f, -3, 0.05f, -128);
    }

    @Test
    void hardSwishWithANegativeReluishExponentRoundsItsRightShift() {
        // s_in 0.001: (0.001 / 128) / (3 / 32768) = 0.085, exponent -3: a rounding right shift by 3
        assertThat(frexpExponent((0.001f / 128f) / (3f / 32768f))).isEqualTo(-3);
        hardSwishNear(0.001f, 127, 0.0005f, 0);
    }

    @Test
    void hardSwishWithAnOutputMultiplierAboveOneIsRefused() {
        // (1.0 / 128) / 0.0001 = 78: exponent 7 > 0, which TFLite's prepare refuses
        assertThatThrownBy(() -> TflActivationTables.hardSwish(1.0f, 0, 0.0001f, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exponent");
    }

    @Test
    void downScaleRoundsToSixteenBitsAndSaturates() {
        assertThat(TflActivationTables.downScale(1 << 30)).isEqualTo(1 << 14);
        assertThat(TflActivationTables.downScale((1 << 30) + (1 << 15))).isEqualTo((1 << 14) + 1); // the tie rounds up
        assertThat(TflActivationTables.downScale((1 << 30) + (1 << 15) - 1)).isEqualTo(1 << 14);
        assertThat(TflActivationTables.downScale(Integer.MAX_VALUE - (1 << 15))).isEqualTo(32767);
    }

    @Test
    void srdhm16RoundsHalfAwayAndSaturatesTheOneOverflow() {
        assertThat(TflActivationTables.srdhm16(-32768, -32768)).isEqualTo(32767);
        // 1 * 16384 = 2^14: (2^14 + 2^14) / 2^15 = 1; -1 * 16384: (-2^14 + 1 - 2^14) / 2^15 truncates to 0
        assertThat(TflActivationTables.srdhm16(1, 16384)).isEqualTo(1);
        assertThat(TflActivationTables.srdhm16(-1, 16384)).isZero();
        assertThat(TflActivationTables.srdhm16(32767, 32767)).isEqualTo(32766);
    }
}
