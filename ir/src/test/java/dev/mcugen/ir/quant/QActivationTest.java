package dev.mcugen.ir.quant;

import dev.mcugen.ir.Activation;
import dev.mcugen.ir.fixed.FixedPoint;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.RoundingMode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QActivationTest {
    /** Hard sigmoid is exact: clamp(16384 + round(x 2^(15-f) / 5), 0, 32767), checked with BigDecimal over all int16. */
    @Test
    void hardSigmoidIsTheExactAffineMapOverEveryInput() {
        for (int f = 0; f <= 15; f++) {
            QActivation a = QActivation.of(Activation.HARD_SIGMOID, QActivation.Impl.LUT, f);
            assertThat(a.outputFracBits()).isEqualTo(15);
            for (int x = -32768; x <= 32767; x++) {
                BigDecimal exact = BigDecimal.valueOf((long) x << (15 - f)).divide(BigDecimal.valueOf(5), 0,
                        RoundingMode.HALF_UP);
                int expected = FixedPoint.clamp(16384 + exact.intValueExact(), 0, 32767);
                assertThat(a.apply(x)).as("f=%d x=%d", f, x).isEqualTo(expected);
            }
        }
    }

    @Test
    void hardSigmoidMatchesFloatWithinHalfAStep() {
        QActivation a = QActivation.of(Activation.HARD_SIGMOID, QActivation.Impl.POLY, 12);
        for (int x = -32768; x <= 32767; x++) {
            double real = Math.max(0, Math.min(1, 0.2 * x / 4096.0 + 0.5));
            assertThat(Math.abs(a.apply(x) / 32768.0 - real)).isLessThanOrEqualTo(0.5 / 32768 + 1e-12
                    + (real == 1.0 ? 1.0 / 32768 : 0)); // 1.0 itself is 32767 / 32768
        }
    }

    @Test
    void sigmoidAndTanhAreTheFixedImplementations() {
        for (QActivation.Impl impl : QActivation.Impl.values()) {
            for (int f = 8; f <= 15; f++) {
                QActivation s = QActivation.of(Activation.SIGMOID, impl, f);
                QActivation t = QActivation.of(Activation.TANH, impl, f);
                for (int x = -32768; x <= 32767; x += 7) {
                    assertThat(s.apply(x)).isEqualTo(impl.functions().sigmoid(x, 15 - f));
                    assertThat(t.apply(x)).isEqualTo(impl.functions().tanh(x, 15 - f));
                }
            }
        }
    }

    /** A cell wider than Q7.8 (|c| >= 128) reaches tanh saturated to Q7.8; tanh is flat there. */
    @Test
    void tanhOfAWideCellIsShiftedToQ7_8() {
        for (QActivation.Impl impl : QActivation.Impl.values()) {
            for (int f = 0; f < 8; f++) {
                QActivation t = QActivation.of(Activation.TANH, impl, f);
                for (int x = -32768; x <= 32767; x += 3) {
                    int q78 = FixedPoint.clamp(x * (1 << (8 - f)), -32768, 32767);
                    assertThat(t.apply(x)).isEqualTo(impl.functions().tanh(q78, 7));
                    double real = Math.tanh(x / Math.scalb(1.0, f));
                    assertThat(Math.abs(t.apply(x) / 32768.0 - real)).isLessThan(Math.scalb(1.0, -9));
                }
            }
        }
    }

    @Test
    void reluAndLinearKeepTheFormat() {
        QActivation relu = QActivation.of(Activation.RELU, QActivation.Impl.LUT, 10);
        QActivation linear = QActivation.of(Activation.LINEAR, QActivation.Impl.LUT, 10);
        assertThat(relu.outputFracBits()).isEqualTo(10);
        assertThat(relu.apply(-5)).isZero();
        assertThat(relu.apply(1234)).isEqualTo(1234);
        assertThat(linear.apply(-1234)).isEqualTo(-1234);
        assertThat(QActivation.saturating(Activation.RELU)).isFalse();
        assertThat(QActivation.saturating(Activation.HARD_SIGMOID)).isTrue();
    }

    @Test
    void rejectsFormatsAndFunctionsWithoutAnIntegerForm() {
        assertThat(QActivation.supported(Activation.RELU6)).isFalse();
        assertThat(QActivation.supported(Activation.SOFTMAX)).isFalse();
        assertThatThrownBy(() -> QActivation.of(Activation.RELU6, QActivation.Impl.LUT, 12))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new QActivation(Activation.TANH, QActivation.Impl.LUT, 12, 12))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> QActivation.of(Activation.TANH, QActivation.Impl.LUT, 16))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
