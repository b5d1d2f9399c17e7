package dev.mcugen.ir.interp;

import dev.mcugen.ir.Activation;
import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.GraphBuilder;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Padding;
import dev.mcugen.ir.PoolKind;
import dev.mcugen.ir.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;
import java.util.Random;

import static dev.mcugen.ir.interp.TestGraphs.dims;
import static dev.mcugen.ir.interp.TestGraphs.run;
import static dev.mcugen.ir.interp.TestGraphs.single;
import static dev.mcugen.ir.interp.TestGraphs.t;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Hand-computed cases for the non-recurrent ops. */
class OpKernelsTest {

    @Test
    void denseIsXTimesKernelPlusBiasThenActivation() {
        // kernel [in=2, units=3]
        Graph g = single(new Op.Dense(3, Activation.RELU, true), Shape.of(2), Map.of(
                "kernel", t(dims(2, 3), 1, 2, 3, 4, 5, 6),
                "bias", t(dims(3), 0.5f, -100, 0)));
        // [1, 2] · K = [1+8, 2+10, 3+12] = [9, 12, 15]; + b = [9.5, -88, 15]; relu
        assertThat(run(g, new float[] {1, 2}, 2)).containsExactly(9.5f, 0f, 15f);
    }

    @Test
    void denseAppliesToTheLastAxisOfAnyRank() {
        Graph g = single(new Op.Dense(1, Activation.LINEAR, false), Shape.of(2, 2, 2),
                Map.of("kernel", t(dims(2, 1), 1, 10)));
        assertThat(run(g, new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 2, 2, 2)).containsExactly(21, 43, 65, 87);
        assertThat(g.nodes().get(0).outputShape()).isEqualTo(Shape.of(2, 2, 1));
    }

    @Test
    void conv1dSameStride2PadsOneBeforeAndTheRestAfter() {
        // T=5, k=3, stride 2: out 3, total padding (3-1)*2+3-5 = 2 -> 1 before, 1 after.
        Graph g = single(new Op.Conv1D(1, 3, 2, 1, Padding.SAME, Activation.LINEAR, true), Shape.of(5, 1),
                Map.of("kernel", t(dims(3, 1, 1), 1, 2, 3), "bias", t(dims(1), 0.25f)));
        // out[0] = 0*1 + 1*2 + 2*3; out[1] = 2*1 + 3*2 + 4*3; out[2] = 4*1 + 5*2 + 0*3
        assertThat(run(g, new float[] {1, 2, 3, 4, 5}, 5, 1)).containsExactly(8.25f, 20.25f, 14.25f);
    }

    @Test
    void conv1dSameEvenKernelPutsThePaddingAfter() {
        // k=2, stride 1: total padding 1 -> 0 before, 1 after.
        Graph g = single(new Op.Conv1D(1, 2, 1, 1, Padding.SAME, Activation.LINEAR, false), Shape.of(4, 1),
                Map.of("kernel", t(dims(2, 1, 1), 1, 10)));
        assertThat(run(g, new float[] {1, 2, 3, 4}, 4, 1)).containsExactly(21, 32, 43, 4);
    }

    @Test
    void conv1dValidDilation() {
        // k=2, dilation 2: out[t] = x[t]*1 + x[t+2]*100, length 5 - 2 = 3.
        Graph g = single(new Op.Conv1D(1, 2, 1, 2, Padding.VALID, Activation.LINEAR, false), Shape.of(5, 1),
                Map.of("kernel", t(dims(2, 1, 1), 1, 100)));
        assertThat(run(g, new float[] {1, 2, 3, 4, 5}, 5, 1)).containsExactly(301, 402, 503);
    }

    @Test
    void conv1dMixesChannelsIntoFilters() {
        // C=2, F=2, k=1: y[t][f] = Σ_c x[t][c] k[0][c][f]
        Graph g = single(new Op.Conv1D(2, 1, 1, 1, Padding.VALID, Activation.LINEAR, true), Shape.of(2, 2),
                Map.of("kernel", t(dims(1, 2, 2), 1, 2, 3, 4), "bias", t(dims(2), 100, 200)));
        // t0: x=(1,2): f0 = 1*1 + 2*3 = 7, f1 = 1*2 + 2*4 = 10
        assertThat(run(g, new float[] {1, 2, 0, 1}, 2, 2)).containsExactly(107, 210, 103, 204);
    }

    @Test
    void conv2dSameWithOnesKernelSumsTheValidWindow() {
        // 3x3 input 1..9, 2x2 ones kernel, SAME stride 1: pad 0 before, 1 after in each axis.
        Graph g = single(new Op.Conv2D(1, 2, 2, 1, 1, 1, 1, Padding.SAME, Activation.LINEAR, false),
                Shape.of(3, 3, 1), Map.of("kernel", t(dims(2, 2, 1, 1), 1, 1, 1, 1)));
        assertThat(run(g, new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 3, 3, 1))
                .containsExactly(12, 16, 9, 24, 28, 15, 15, 17, 9);
    }

    @Test
    void conv2dSameStride2Dilation1() {
        // 4x4 input, 3x3 kernel picking the centre, stride 2: out 2x2, total pad (2-1)*2+3-4 = 1 -> 0 before.
        float[] k = new float[9];
        k[4] = 1;
        Graph g = single(new Op.Conv2D(1, 3, 3, 2, 2, 1, 1, Padding.SAME, Activation.LINEAR, false),
                Shape.of(4, 4, 1), Map.of("kernel", t(dims(3, 3, 1, 1), k)));
        float[] x = new float[16];
        for (int i = 0; i < 16; i++) {
            x[i] = i;
        }
        // centre of window at (2*oy + 1, 2*ox + 1)
        assertThat(run(g, x, 4, 4, 1)).containsExactly(5, 7, 13, 15);
    }

    @Test
    void conv2dMatchesANaiveReferenceWithStridesDilationAndPadding() {
        Random rnd = new Random(7);
        int h = 6;
        int w = 7;
        int c = 3;
        int f = 4;
        for (Padding pad : Padding.values()) {
            for (int[] cfg : new int[][] {{3, 2, 1, 1, 1, 1}, {3, 3, 2, 2, 1, 1}, {2, 3, 1, 1, 2, 2}, {3, 2, 1, 2, 2, 1}}) {
                Op.Conv2D op = new Op.Conv2D(f, cfg[0], cfg[1], cfg[2], cfg[3], cfg[4], cfg[5], pad, Activation.LINEAR, true);
                Graph g = TestGraphs.randomSingle(op, Shape.of(h, w, c), rnd, 1f);
                float[] x = TestGraphs.random(h * w * c, rnd, 2f);
                float[] got = run(g, x, h, w, c);
                float[] kernel = g.nodes().get(0).weight("kernel").toArray();
                float[] bias = g.nodes().get(0).weight("bias").toArray();
                Shape out = g.nodes().get(0).outputShape();
                double[] want = naiveConv2d(x, h, w, c, kernel, bias, op, out.dim(0), out.dim(1));
                assertThat(got).hasSize(want.length);
                for (int i = 0; i < want.length; i++) {
                    assertThat((double) got[i]).as("%s %s at %d", pad, java.util.Arrays.toString(cfg), i)
                            .isCloseTo(want[i], within(1e-5));
                }
            }
        }
    }

    /** Explicitly zero-padded input, TF SAME split (before = total / 2). */
    private static double[] naiveConv2d(float[] x, int h, int w, int c, float[] k, float[] b, Op.Conv2D op, int oh, int ow) {
        int spanH = (op.kernelH() - 1) * op.dilationH() + 1;
        int spanW = (op.kernelW() - 1) * op.dilationW() + 1;
        int padH = op.padding() == Padding.SAME ? Math.max((oh - 1) * op.strideH() + spanH - h, 0) / 2 : 0;
        int padW = op.padding() == Padding.SAME ? Math.max((ow - 1) * op.strideW() + spanW - w, 0) / 2 : 0;
        int f = op.filters();
        double[] y = new double[oh * ow * f];
        for (int oy = 0; oy < oh; oy++) {
            for (int ox = 0; ox < ow; ox++) {
                for (int fi = 0; fi < f; fi++) {
                    double s = b[fi];
                    for (int r = 0; r < op.kernelH(); r++) {
                        for (int q = 0; q < op.kernelW(); q++) {
                            int iy = oy * op.strideH() + r * op.dilationH() - padH;
                            int ix = ox * op.strideW() + q * op.dilationW() - padW;
                            for (int ci = 0; ci < c; ci++) {
                                double xv = iy >= 0 && iy < h && ix >= 0 && ix < w ? x[(iy * w + ix) * c + ci] : 0;
                                s += xv * k[((r * op.kernelW() + q) * c + ci) * f + fi];
                            }
                        }
                    }
                    y[(oy * ow + ox) * f + fi] = s;
                }
            }
        }
        return y;
    }

    @Test
    void avgPoolSameDividesByTheValidPositionsOnly() {
        // size 3, stride 2 over 5: windows [-1..1], [1..3], [3..5]
        Graph avg = single(new Op.Pool(PoolKind.AVG, List.of(3), List.of(2), Padding.SAME), Shape.of(5, 1), Map.of());
        assertThat(run(avg, new float[] {1, 2, 3, 4, 5}, 5, 1)).containsExactly(1.5f, 3f, 4.5f);
        Graph max = single(new Op.Pool(PoolKind.MAX, List.of(3), List.of(2), Padding.SAME), Shape.of(5, 1), Map.of());
        assertThat(run(max, new float[] {1, 2, 3, 4, 5}, 5, 1)).containsExactly(2, 4, 5);
        // max ignores padding: all negative values never give 0
        assertThat(run(max, new float[] {-1, -2, -3, -4, -5}, 5, 1)).containsExactly(-1, -2, -4);
    }

    @Test
    void avgPool2dSameCountsValidPositionsPerCorner() {
        // 3x3 input, 2x2 window stride 1 SAME: padding after; the last row/column windows hold 2 or 1 values.
        Graph g = single(new Op.Pool(PoolKind.AVG, List.of(2, 2), List.of(1, 1), Padding.SAME), Shape.of(3, 3, 1), Map.of());
        assertThat(run(g, new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 3, 3, 1))
                .containsExactly(3, 4, 4.5f, 6, 7, 7.5f, 7.5f, 8.5f, 9);
    }

    @Test
    void poolValidAndChannels() {
        Graph g = single(new Op.Pool(PoolKind.MAX, List.of(2), List.of(2), Padding.VALID), Shape.of(5, 2), Map.of());
        // channels interleaved: (1,10) (2,-1) (3,30) (4,-3) (5,50): windows {0,1}, {2,3}
        assertThat(run(g, new float[] {1, 10, 2, -1, 3, 30, 4, -3, 5, 50}, 5, 2)).containsExactly(2, 10, 4, 30);
    }

    @Test
    void globalPools() {
        Graph avg = single(new Op.GlobalPool(PoolKind.AVG, 1), Shape.of(4, 2), Map.of());
        assertThat(run(avg, new float[] {1, -1, 2, -2, 3, -3, 6, -6}, 4, 2)).containsExactly(3, -3);
        Graph max = single(new Op.GlobalPool(PoolKind.MAX, 2), Shape.of(2, 2, 1), Map.of());
        assertThat(run(max, new float[] {-4, -2, -3, -5}, 2, 2, 1)).containsExactly(-2);
    }

    @Test
    void batchNormPerLastAxisChannel() {
        float eps = 0.001f;
        Graph g = single(new Op.BatchNorm(eps), Shape.of(2, 2), Map.of(
                "gamma", t(dims(2), 2, 0.5f),
                "beta", t(dims(2), 1, -1),
                "moving_mean", t(dims(2), 3, 0),
                "moving_variance", t(dims(2), 4, 1)));
        float[] y = run(g, new float[] {5, 2, 3, -2}, 2, 2);
        assertThat((double) y[0]).isCloseTo(1 + 2 * 2 / Math.sqrt(4.001), within(1e-6));
        assertThat((double) y[1]).isCloseTo(-1 + 0.5 * 2 / Math.sqrt(1.001), within(1e-6));
        assertThat(y[2]).isEqualTo(1f);
        assertThat((double) y[3]).isCloseTo(-1 + 0.5 * -2 / Math.sqrt(1.001), within(1e-6));
    }

    @ParameterizedTest
    @CsvSource({
        "relu, -1.5, 0", "relu, 2.5, 2.5",
        "relu6, -1, 0", "relu6, 5.5, 5.5", "relu6, 7, 6",
        "hard_sigmoid, 1, 0.7", "hard_sigmoid, -1, 0.3", "hard_sigmoid, 2.5, 1", "hard_sigmoid, 3, 1",
        "hard_sigmoid, -2.5, 0", "hard_sigmoid, -7, 0", "hard_sigmoid, 0, 0.5",
        "sigmoid, 0, 0.5", "sigmoid, 2, 0.8807970779778823", "sigmoid, -30, 9.357622968840175e-14",
        "tanh, 0.5, 0.46211715726000974", "tanh, -20, -1",
        "linear, -3.25, -3.25",
    })
    void elementwiseActivations(String name, float x, double want) {
        Activation a = Activation.fromKerasName(name).orElseThrow();
        Graph g = single(new Op.Act(a), Shape.of(1), Map.of());
        assertThat((double) run(g, new float[] {x}, 1)[0]).isCloseTo(want, within(1e-7 + Math.abs(want) * 1e-6));
    }

    @Test
    void hardSigmoidIsTheTfjsFloat32Form() {
        // clip(0.2x + 0.5) in float32 ops: 0.2f * x, then + 0.5f
        for (float x : new float[] {0.1f, 1.3f, -2.2f, 2.4999f, 0.7f}) {
            float want = Math.min(1f, Math.max(0f, 0.2f * x + 0.5f));
            assertThat(Kernels.hardSigmoid(x)).isEqualTo(want);
        }
        assertThat(Kernels.hardSigmoid(1f)).isEqualTo(0.7f);
    }

    @Test
    void softmaxOverTheLastAxisSubtractsTheMax() {
        Graph g = single(new Op.Act(Activation.SOFTMAX), Shape.of(2, 3), Map.of());
        float[] y = run(g, new float[] {1, 2, 3, 1000, 1000, 1000}, 2, 3);
        double s = Math.exp(1) + Math.exp(2) + Math.exp(3);
        assertThat((double) y[0]).isCloseTo(Math.exp(1) / s, within(1e-7));
        assertThat((double) y[1]).isCloseTo(Math.exp(2) / s, within(1e-7));
        assertThat((double) y[2]).isCloseTo(Math.exp(3) / s, within(1e-7));
        assertThat(y[3]).isCloseTo(1f / 3, within(1e-7f));
        assertThat(y[5]).isCloseTo(1f / 3, within(1e-7f));
    }

    @Test
    void denseSoftmaxNormalizesEachRow() {
        Graph g = single(new Op.Dense(2, Activation.SOFTMAX, false), Shape.of(3, 1),
                Map.of("kernel", t(dims(1, 2), 1, -1)));
        float[] y = run(g, new float[] {0, 1, -2}, 3, 1);
        assertThat(y[0]).isEqualTo(0.5f);
        assertThat(y[2] + y[3]).isCloseTo(1f, within(1e-6f));
        assertThat((double) y[2]).isCloseTo(1 / (1 + Math.exp(-2)), within(1e-7));
    }

    @Test
    void addConcatReshapeFlattenDropout() {
        GraphBuilder b = new GraphBuilder("m");
        b.input("a", Shape.of(2, 2));
        b.input("b", Shape.of(2, 2));
        b.add("sum", new Op.Add(), List.of("a", "b", "b"), Map.of());
        b.add("cat0", new Op.Concatenate(0), List.of("a", "sum"), Map.of());
        b.add("cat1", new Op.Concatenate(1), List.of("a", "sum"), Map.of());
        b.add("flat", new Op.Flatten(), List.of("cat1"), Map.of());
        b.add("drop", new Op.Dropout(0.5f), List.of("flat"), Map.of());
        b.add("re", new Op.Reshape(Shape.of(Shape.UNKNOWN, 2)), List.of("drop"), Map.of());
        b.output("cat0").output("re");
        Map<String, FloatTensor> out = new FloatInterpreter(b.build()).run(Map.of(
                "a", t(dims(2, 2), 1, 2, 3, 4),
                "b", t(dims(2, 2), 10, 20, 30, 40)));
        assertThat(out.get("cat0").shape()).isEqualTo(Shape.of(4, 2));
        assertThat(out.get("cat0").toArray()).containsExactly(1, 2, 3, 4, 21, 42, 63, 84);
        assertThat(out.get("re").shape()).isEqualTo(Shape.of(4, 2));
        assertThat(out.get("re").toArray()).containsExactly(1, 2, 21, 42, 3, 4, 63, 84);
    }
}
