package dev.mcugen.ir.calib;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcugen.ir.Activation;
import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.GraphBuilder;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.interp.Progress;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Issue 17 part 6: one extreme calibration value cannot blow up a range, and is reported when it dominates one. */
class RangeClipperTest {
    private static final int N = 20000;

    /** x [4] -> relu: the input keeps both signs, the relu only its positive side. */
    private static CalibrationResult calibrate(float outlier) {
        GraphBuilder b = new GraphBuilder("clip");
        b.input("x", Shape.of(4));
        b.add("relu", new Op.Act(Activation.RELU), List.of("x"), Map.of());
        b.output("relu");
        Graph g = b.build();
        Random rnd = new Random(3);
        float[] v = new float[N * 4];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        v[17] = outlier;
        return new Calibrator(g).calibrate(FloatTensor.of(Shape.of(N, 4), v), Progress.NONE);
    }

    private static RangeClip clip(RangeClipper.Selection s, String tensor) {
        return s.clips().stream().filter(c -> c.tensor().equals(tensor)).findFirst().orElseThrow();
    }

    @Test
    void oneCalibrationValueOf3_4e38DoesNotStretchThePercentileRange() {
        RangeClipper.Selection s = RangeClipper.select(calibrate(3.4e38f), RangeMethod.PERCENTILE, 8);
        RangeClip x = clip(s, "x");
        assertThat(x.seenMax()).isEqualTo(3.4e38f);
        // Gaussian data: the 99.99th percentile is near 4; the range ends within a 1/32 bin above it.
        assertThat(x.max()).isBetween(3f, 5f);
        assertThat(x.min()).isBetween(-5f, -3f);
        assertThat(x.clippedFraction()).isGreaterThan(0).isLessThanOrEqualTo(2.5e-4);
        assertThat(s.ranges().range("x").max()).isEqualTo(x.max());
        assertThat(s.ranges().range("relu").max()).isBetween(3f, 5f);
        assertThat(x.dominated()).isTrue();
    }

    @Test
    void oneCalibrationValueOf3_4e38DoesNotStretchTheMseRange() {
        RangeClipper.Selection s = RangeClipper.select(calibrate(3.4e38f), RangeMethod.MSE, 8);
        RangeClip x = clip(s, "x");
        assertThat(x.max()).isBetween(1f, 5f);
        assertThat(x.min()).isBetween(-5f, -1f);
        assertThat(x.clippedFraction()).isLessThan(0.01);
    }

    @Test
    void minmaxKeepsWhatWasSeenAndFlagsTheDominatedRange() {
        CalibrationResult seen = calibrate(3.4e38f);
        RangeClipper.Selection s = RangeClipper.select(seen, RangeMethod.MINMAX, 8);
        RangeClip x = clip(s, "x");
        assertThat(x.max()).isEqualTo(3.4e38f);
        assertThat(x.clippedFraction()).isZero();
        assertThat(x.dominated()).isTrue();
        assertThat(s.dominated()).extracting(RangeClip::tensor).containsExactly("x", "relu");
        // min/max hands the solver the very ranges calibration measured.
        assertThat(s.ranges().ranges()).isEqualTo(seen.ranges());
    }

    @Test
    void cleanDataIsNotFlaggedAndBarelyClipped() {
        CalibrationResult seen = calibrate(1.5f);
        for (RangeMethod m : RangeMethod.values()) {
            RangeClipper.Selection s = RangeClipper.select(seen, m, 8);
            assertThat(s.dominated()).as("%s", m).isEmpty();
            assertThat(clip(s, "x").clippedFraction()).as("%s", m).isLessThan(0.01);
        }
    }

    @Test
    void int16MseClipsNoMoreThanThePercentile() {
        CalibrationResult seen = calibrate(1e6f);
        RangeClip p = clip(RangeClipper.select(seen, RangeMethod.PERCENTILE, 16), "x");
        RangeClip m = clip(RangeClipper.select(seen, RangeMethod.MSE, 16), "x");
        assertThat(m.max()).isLessThanOrEqualTo(p.max());
        assertThat(m.max()).isGreaterThan(p.max() * 0.5f);
    }

    @Test
    void magnitudeBinsAreExactFloatEdges() {
        for (float v : new float[] {1e-30f, 0.1f, 1f, 2.9f, 3.4e38f, Float.MAX_VALUE}) {
            int b = MagnitudeHistogram.bin(v);
            assertThat(MagnitudeHistogram.lowerEdge(b)).isLessThanOrEqualTo(v);
            assertThat(MagnitudeHistogram.upperEdge(b)).isGreaterThanOrEqualTo(v);
        }
    }
}
