package dev.mcugen.ir.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcugen.ir.Activation;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.fixed.LutActivation;
import dev.mcugen.ir.fixed.QuantizedMultiplier;
import dev.mcugen.ir.quant.IntObserver;
import dev.mcugen.ir.quant.IntTensor;
import dev.mcugen.ir.quant.QLstmTfl;
import dev.mcugen.ir.quant.QuantType;
import dev.mcugen.ir.quant.Rescale;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * TFLite's integer LSTM step on hand-checked cases: the forget product's double rounding (ties away
 * from zero, as gemmlowp's RoundingDivideByPOT), the cell's saturation at -32768 and TFLite's clip to
 * +-32767 (a cell_clip beyond the int16 range still turns -32768 into -32767), and the hidden state's
 * zero point.
 */
class LstmTflCellTest {
    private static Rescale r(double real) {
        return Rescale.of(QuantizedMultiplier.of(real));
    }

    /** A gate of zero weights whose pre-activation is sat16(bias) (input rescale 1, recurrent rescale 1). */
    private static QLstmTfl.Gate gate(int units, int bias) {
        int[] b = new int[units];
        java.util.Arrays.fill(b, bias);
        return new QLstmTfl.Gate(IntTensor.of(Shape.of(units, 1), 8, new int[units]), IntTensor.of(Shape.of(units), 32, b),
                r(1.0), IntTensor.of(Shape.of(units, units), 8, new int[units * units]),
                IntTensor.of(Shape.of(units), 32, new int[units]), r(1.0));
    }

    private static QLstmTfl lstm(int units, int fBias, int iBias, int zBias, int oBias, int cellFracBits, double sh, int zp,
                                 int clip) {
        QuantType h = new QuantType(8, -128, 127, sh, zp);
        double sc = Math.scalb(1.0, -cellFracBits);
        return new QLstmTfl("l", List.of("x"), Shape.of(1, units), h, new QuantType(8, -128, 127, 0.01, 0), units, 1,
                gate(units, fBias), gate(units, iBias), gate(units, zBias), gate(units, oBias), Activation.TANH,
                cellFracBits, r(Math.scalb(1.0, -15) * sc / sc), r(Math.scalb(1.0, -30) / sc), r(Math.scalb(1.0, -30) / sh),
                clip);
    }

    private static int[] step(QLstmTfl l, int[] c0, int[] y) {
        LstmTflCell cell = new LstmTflCell(l);
        RecurrentState s = cell.initialState();
        System.arraycopy(c0, 0, s.c, 0, c0.length);
        cell.step(s, new int[] {0}, 0, y, 0, 0, IntObserver.NONE);
        return s.c;
    }

    @Test
    void zeroGatesHalveTheCellRoundingTiesAwayFromZero() {
        // pre = 0 everywhere: f = i = o = sigmoid(0) = 16384 (one half), z = tanh(0) = 0
        assertThat(LutActivation.INSTANCE.sigmoid(0, 3)).isEqualTo(16384);
        assertThat(LutActivation.INSTANCE.tanh(0, 3)).isZero();
        int[] c0 = {3, -3, -32768, 32767, 1, -1};
        QLstmTfl l = lstm(c0.length, 0, 0, 0, 0, 12, Math.scalb(1.0, -7), 5, 0);
        int[] y = new int[c0.length];
        int[] c = step(l, c0, y);
        // 16384 c * 2^-15 = c / 2: srdhm by 2^30 then a rounding shift by 14, ties away from zero
        assertThat(c).containsExactly(2, -2, -16384, 16384, 1, -1);
        for (int j = 0; j < c.length; j++) {
            // h = zp + round(tanh(c) 16384 2^-30 / 2^-7) = zp + round(tanh(c) / 2^9)
            int t = LutActivation.INSTANCE.tanh(c[j], 3);
            int want = 5 + (int) Math.signum(t) * (int) Math.floor(Math.abs(t) / 512.0 + 0.5);
            assertThat(y[j]).as("h[%d] for tanh %d", j, t).isEqualTo(Math.max(-128, Math.min(127, want)));
        }
    }

    @Test
    void theCellSaturatesAtMinus32768AndTflitesClipMakesItMinus32767() {
        // f, i saturated high, z saturated low: f c + i z is far below -32768
        int[] noClip = step(lstm(1, 40000, 40000, -40000, 0, 15, 0.01, 0, 0), new int[] {-32768}, new int[1]);
        assertThat(noClip).containsExactly(-32768);
        int[] clipped = step(lstm(1, 40000, 40000, -40000, 0, 15, 0.01, 0, 32767), new int[] {-32768}, new int[1]);
        assertThat(clipped).containsExactly(-32767);
        int[] tight = step(lstm(1, 40000, 40000, -40000, 0, 15, 0.01, 0, 1000), new int[] {-32768}, new int[1]);
        assertThat(tight).containsExactly(-1000);
    }

    @Test
    void aGateWhoseInt32SumCouldOverflowIsRejected() {
        // |bias| + 128 |w| = 2^31 - 100 + 128 > 2^31 - 1: some int8 input overflows TFLite's int32 sum
        IntTensor w = IntTensor.of(Shape.of(1, 1), 8, new int[] {1});
        IntTensor ok = IntTensor.of(Shape.of(1), 32, new int[] {0});
        IntTensor big = IntTensor.of(Shape.of(1), 32, new int[] {Integer.MAX_VALUE - 100});
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new QLstmTfl.Gate(w, big, r(1.0), w, ok, r(1.0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("beyond int32");
        assertThat(QLstmTfl.Gate.rowBound(w, IntTensor.of(Shape.of(1), 32, new int[] {Integer.MAX_VALUE - 128})))
                .isEqualTo(Integer.MAX_VALUE);
    }
}
