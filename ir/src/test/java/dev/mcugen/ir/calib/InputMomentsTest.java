package dev.mcugen.ir.calib;

import dev.mcugen.ir.Activation;
import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.GraphBuilder;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Padding;
import dev.mcugen.ir.Shape;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** What calibration records for bias correction and weight rounding: channel means and input moments. */
class InputMomentsTest {
    private static FloatTensor random(Shape s, Random rnd) {
        float[] v = new float[s.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rnd.nextGaussian() + 0.5f;
        }
        return FloatTensor.of(s, v);
    }

    @Test
    void convMomentIsTheSecondMomentOfItsZeroPaddedPatches() {
        Random rnd = new Random(3);
        int h = 5;
        int w = 4;
        int c = 2;
        GraphBuilder b = new GraphBuilder("m").input("x", Shape.of(h, w, c));
        b.add("conv", new Op.Conv2D(3, 3, 2, 2, 1, 1, 1, Padding.SAME, Activation.LINEAR, false), List.of("x"),
                Map.of("kernel", random(Shape.of(3, 2, c, 3), rnd)));
        b.add("dense", new Op.Dense(2, Activation.LINEAR, true), List.of("conv"),
                Map.of("kernel", random(Shape.of(3, 2), rnd), "bias", random(Shape.of(2), rnd)));
        Graph g = b.output("dense").build();
        int n = 3;
        FloatTensor batch = random(Shape.of(n, h, w, c), rnd);
        CalibrationResult r = new Calibrator(g).calibrate(batch);

        // SAME, stride 2 / 1, kernel 3x2: out 3x4, TensorFlow pads 1 before (rows) and 0 before (columns).
        int d = 3 * 2 * c;
        double[] want = new double[d * d];
        int rows = 0;
        float[] all = batch.toArray();
        for (int s = 0; s < n; s++) {
            for (int oy = 0; oy < 3; oy++) {
                for (int ox = 0; ox < 4; ox++) {
                    double[] p = new double[d];
                    int k = 0;
                    for (int i = 0; i < 3; i++) {
                        for (int j = 0; j < 2; j++) {
                            int y = oy * 2 + i - 1;
                            int xx = ox + j;
                            for (int ch = 0; ch < c; ch++) {
                                boolean in = y >= 0 && y < h && xx >= 0 && xx < w;
                                p[k++] = in ? all[((s * h + y) * w + xx) * c + ch] : 0;
                            }
                        }
                    }
                    for (int a = 0; a < d; a++) {
                        for (int bb = 0; bb < d; bb++) {
                            want[a * d + bb] += p[a] * p[bb];
                        }
                    }
                    rows++;
                }
            }
        }
        double[] got = r.inputMoment("conv").orElseThrow();
        for (int i = 0; i < want.length; i++) {
            assertThat(got[i]).isCloseTo(want[i] / rows, within(1e-5));
        }
        // The Dense reads the conv's [3, 4, 3] output as 12 rows of 3.
        assertThat(r.inputMoment("dense").orElseThrow()).hasSize(9);

        double[] mean = r.channelMean("x").orElseThrow();
        for (int ch = 0; ch < c; ch++) {
            double m = 0;
            for (int i = ch; i < all.length; i += c) {
                m += all[i];
            }
            assertThat(mean[ch]).isCloseTo(m / (n * h * w), within(1e-6));
        }
    }

    @Test
    void rowsPerLayerAreBoundedAndCoverEveryColumn() {
        Random rnd = new Random(4);
        GraphBuilder b = new GraphBuilder("m").input("x", Shape.of(64, 64, 1));
        b.add("conv", new Op.Conv2D(1, 1, 1, 1, 1, 1, 1, Padding.VALID, Activation.LINEAR, false), List.of("x"),
                Map.of("kernel", random(Shape.of(1, 1, 1, 1), rnd)));
        Graph g = b.output("conv").build();
        // 4096 positions per sample, 200 samples: far more rows than tracked.
        int n = 200;
        float[] v = new float[n * 64 * 64];
        for (int s = 0; s < n; s++) {
            for (int i = 0; i < 64 * 64; i++) {
                // Column 0 holds 1, every other column 0: only rows from column 0 add to the moment.
                v[s * 64 * 64 + i] = i % 64 == 0 ? 1 : 0;
            }
        }
        CalibrationResult r = new Calibrator(g).calibrate(FloatTensor.of(Shape.of(n, 64, 64, 1), v));
        double m = r.inputMoment("conv").orElseThrow()[0];
        // A fixed stride of 4096 / 20 positions would hit column 0 in a fixed pattern; the per-sample
        // shift makes the share of column-0 rows close to 1/64.
        assertThat(m).isBetween(0.5 / 64, 2.0 / 64);
    }
}
