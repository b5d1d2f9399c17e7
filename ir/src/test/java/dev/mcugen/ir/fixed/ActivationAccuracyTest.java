package dev.mcugen.ir.fixed;

import dev.mcugen.ir.fixed.ActivationErrors.Function;
import dev.mcugen.ir.fixed.ActivationErrors.Stats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Both activation schemes, over every int16 input and every input format Q0.15 .. Q7.8: error
 * against the true function, monotonicity, fixed points and saturation, output range.
 */
class ActivationAccuracyTest {
    /** The requirement: within 2^-11 of the true value everywhere. */
    private static final double MAX_ERROR_REAL = Math.scalb(1.0, -11);

    private static final Int16Activation[] IMPLEMENTATIONS = {LutActivation.INSTANCE, PolyActivation.INSTANCE};

    static Stream<Arguments> cases() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (Int16Activation impl : IMPLEMENTATIONS) {
            for (Function f : Function.values()) {
                for (int m = 0; m <= Int16Activation.MAX_INTEGER_BITS; m++) {
                    b.add(Arguments.of(impl, f, m));
                }
            }
        }
        return b.build();
    }

    @ParameterizedTest(name = "{0} {1} Q{2}")
    @MethodSource("cases")
    void withinTwoToTheMinus11AndMonotonic(Int16Activation impl, Function f, int m) {
        // the measured maxima in units of 2^-15 (docs/activations.md), pinned with a small margin
        double measuredLsb = impl == LutActivation.INSTANCE ? 2.45 : 1.0;
        Stats s = ActivationErrors.measure(impl, f, m);
        assertThat(s.maxErrorReal()).as("max error at input %d", s.worstInput()).isLessThanOrEqualTo(MAX_ERROR_REAL);
        assertThat(s.maxErrorLsb()).as("max error at input %d", s.worstInput()).isLessThanOrEqualTo(measuredLsb);
        assertThat(s.monotonic()).as("non-decreasing").isTrue();
    }

    @ParameterizedTest(name = "{0} {1} Q{2}")
    @MethodSource("cases")
    void fixedPointsSaturationAndRange(Int16Activation impl, Function f, int m) {
        if (f == Function.SIGMOID) {
            assertThat(impl.sigmoid(0, m)).isEqualTo(16384);
            for (int x = FixedPoint.INT16_MIN; x <= FixedPoint.INT16_MAX; x += 7) {
                assertThat(impl.sigmoid(x, m)).isBetween(0, 32767);
            }
            if (m >= 4) { // |x| up to 16: sigmoid saturates
                assertThat(impl.sigmoid(FixedPoint.INT16_MAX, m)).isEqualTo(32767);
                assertThat(impl.sigmoid(FixedPoint.INT16_MIN, m)).isBetween(0, 1);
            }
        } else {
            assertThat(impl.tanh(0, m)).isZero();
            if (m >= 3) { // |x| up to 8: tanh saturates
                assertThat(impl.tanh(FixedPoint.INT16_MAX, m)).isEqualTo(32767);
                assertThat(impl.tanh(FixedPoint.INT16_MIN, m)).isBetween(-32768, -32767);
            }
        }
    }

    @Test
    void argumentsOutsideTheirDomainsAreRejected() {
        for (Int16Activation impl : IMPLEMENTATIONS) {
            for (Function f : Function.values()) {
                assertThatThrownBy(() -> f.apply(impl, 32768, 3)).isInstanceOf(IllegalArgumentException.class);
                assertThatThrownBy(() -> f.apply(impl, -32769, 3)).isInstanceOf(IllegalArgumentException.class);
                assertThatThrownBy(() -> f.apply(impl, 0, 8)).isInstanceOf(IllegalArgumentException.class);
                assertThatThrownBy(() -> f.apply(impl, 0, -1)).isInstanceOf(IllegalArgumentException.class);
            }
        }
    }

    @Test
    void q312IsTheDefaultFormat() {
        for (Int16Activation impl : IMPLEMENTATIONS) {
            for (int x = FixedPoint.INT16_MIN; x <= FixedPoint.INT16_MAX; x += 13) {
                assertThat(impl.sigmoid(x)).isEqualTo(impl.sigmoid(x, 3));
                assertThat(impl.tanh(x)).isEqualTo(impl.tanh(x, 3));
            }
        }
    }
}
