package dev.mcugen.ir.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ErrorMetricsTest {
    @Test
    void identicalOutputsHaveInfiniteSqnr() {
        float[] a = {0.1f, 0.9f, 0.7f, 0.3f};
        ErrorMetrics m = ErrorMetrics.compare(a, a.clone(), 2, 2);
        assertThat(m.maxAbsError()).isZero();
        assertThat(m.rmse()).isZero();
        assertThat(m.sqnrDb()).isInfinite();
        assertThat(m.cosine()).isCloseTo(1.0, within(1e-12));
        assertThat(m.top1Agreement()).isEqualTo(1.0);
        assertThat(m.correlation()).isCloseTo(1.0, within(1e-12));
    }

    @Test
    void handComputedFigures() {
        float[] ref = {1f, 0f, 0f, 2f};
        float[] test = {0f, 1f, 0f, 2f};
        ErrorMetrics m = ErrorMetrics.compare(ref, test, 2, 2);
        assertThat(m.maxAbsError()).isEqualTo(1.0);
        assertThat(m.rmse()).isCloseTo(Math.sqrt(2.0 / 4), within(1e-12));
        // signal 1 + 4 = 5, noise 2: 10 log10(2.5)
        assertThat(m.sqnrDb()).isCloseTo(10 * Math.log10(2.5), within(1e-12));
        assertThat(m.cosine()).isCloseTo(4 / (Math.sqrt(5) * Math.sqrt(5)), within(1e-12));
        // sample 0: argmax 0 vs 1 (disagree); sample 1: 1 vs 1.
        assertThat(m.top1Agreement()).isEqualTo(0.5);
        // means 0.75 and 0.75: Σ dr·dt = 1.75, Σ dr² = Σ dt² = 2.75
        assertThat(m.correlation()).isCloseTo(7.0 / 11, within(1e-12));
    }

    @Test
    void correlationOfConstantOutputs() {
        assertThat(ErrorMetrics.correlation(new float[] {2, 2}, new float[] {2, 2})).isEqualTo(1.0);
        assertThat(ErrorMetrics.correlation(new float[] {2, 2}, new float[] {1, 3})).isEqualTo(0.0);
    }

    @Test
    void tiesTakeTheFirstIndexOnBothSides() {
        assertThat(ErrorMetrics.argmax(new float[] {3, 5, 5}, 0, 3)).isEqualTo(1);
    }

    @Test
    void rejectsMismatchedShapes() {
        assertThatThrownBy(() -> ErrorMetrics.compare(new float[4], new float[3], 1, 4)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ErrorMetrics.compare(new float[6], new float[6], 2, 4)).isInstanceOf(IllegalArgumentException.class);
    }
}
