package dev.mcugen.gen;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcugen.ir.Padding;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.quant.IntObserver;
import dev.mcugen.ir.quant.IntTensor;
import dev.mcugen.ir.quant.QConv;
import dev.mcugen.ir.quant.QGraph;
import dev.mcugen.ir.quant.QInput;
import dev.mcugen.ir.quant.QNode;
import dev.mcugen.ir.quant.QuantType;
import dev.mcugen.ir.sim.FixedPointSimulator;
import dev.mcugen.scale.QuantOptions.Target;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Int8 convolutions with the weights in the target's packed Dense layout (mcu_conv_packed_s8): which
 * convolutions the generator packs, and the generated C for each packed target, run on the host,
 * bit-exact with the simulator (padded, strided, dilated, pointwise and in-place Conv1D rows).
 */
class ConvPackedLayoutTest {
    private static final QuantType TX = new QuantType(8, -128, 127, 0.02, 3);
    private static final QuantType TY = new QuantType(8, -128, 127, 0.5, -7);

    @Test
    void packsEveryReceptiveFieldWithAnArenaIm2colBufferWhereRowsAreCopied() {
        Random r = new Random(15);
        QConv small = conv(r, Shape.of(6, 5, 8), 3, 3, 1, 1, 1, 1, Padding.SAME, 6); // 72 columns
        QConv wide = conv(r, Shape.of(4, 4, 64), 3, 3, 1, 1, 1, 1, Padding.SAME, 4); // 576 columns > 512
        QConv pointwise = conv(r, Shape.of(2, 2, 600), 1, 1, 1, 1, 1, 1, Padding.VALID, 4); // 600 columns, 1x1
        QConv stridedPointwise = conv(r, Shape.of(4, 4, 600), 1, 1, 2, 2, 1, 1, Padding.VALID, 4);
        QConv validConv1d = conv(r, Shape.of(30, 8), 1, 5, 1, 1, 1, 1, Padding.VALID, 4);
        for (Target t : List.of(Target.CORTEX_M4, Target.CORTEX_M3, Target.CORTEX_M0, Target.NEON)) {
            for (QConv c : List.of(small, wide, pointwise, stridedPointwise, validConv1d)) {
                assertThat(WeightLayout.forConv(t, c)).as("%s", t).isEqualTo(WeightLayout.forTarget(t));
            }
            WeightLayout l = WeightLayout.forTarget(t);
            // As many receptive fields as fit 512 bytes, at least one; none where rows are read in place.
            assertThat(WeightLayout.im2colBytes(l, small)).isEqualTo(7 * 72);
            // DSP_PAIRS: the im2col-free row path's prepared rows where larger (3 rows x 6 positions x
            // (64 int16 + an int32 sum)); the small layer's 420 bytes of rows fit its 504-byte buffer.
            assertThat(WeightLayout.rowsBytes(l, small)).isEqualTo(l == WeightLayout.DSP_PAIRS ? 3 * 7 * 20 : 0);
            assertThat(WeightLayout.im2colBytes(l, wide)).isEqualTo(l == WeightLayout.DSP_PAIRS ? 3 * 6 * 132 : 576);
            assertThat(WeightLayout.rowsBytes(l, stridedPointwise)).isZero();
            assertThat(WeightLayout.im2colBytes(l, pointwise)).isZero();
            assertThat(WeightLayout.im2colBytes(l, stridedPointwise)).isZero(); // one pixel's channels: contiguous
            assertThat(WeightLayout.im2colBytes(l, validConv1d)).isZero();
        }
        assertThat(WeightLayout.forConv(Target.HOST, small)).isEqualTo(WeightLayout.PLAIN);
        assertThat(WeightLayout.im2colBytes(WeightLayout.PLAIN, small)).isZero();
        // NEON computes 4 positions per block: at least 4 fields; the other targets as above
        WeightLayout rowMajor = WeightLayout.forTarget(Target.NEON);
        assertThat(WeightLayout.im2colBytes(Target.NEON, rowMajor, small)).isEqualTo(7 * 72);
        assertThat(WeightLayout.im2colBytes(Target.NEON, rowMajor, wide)).isEqualTo(4 * 576);
        assertThat(WeightLayout.im2colBytes(Target.NEON, rowMajor, pointwise)).isZero();
        assertThat(WeightLayout.im2colBytes(Target.NEON, rowMajor, validConv1d)).isZero();
        assertThat(WeightLayout.im2colBytes(Target.CORTEX_M0, rowMajor, wide)).isEqualTo(576);
        assertThat(WeightLayout.im2colBytes(Target.CORTEX_M4, WeightLayout.DSP_PAIRS, wide)).isEqualTo(3 * 6 * 132);
    }

    @Test
    void aWeightOfMinus128KeepsThePlainLoop() {
        Random r = new Random(16);
        QConv c = conv(r, Shape.of(6, 5, 8), 3, 3, 1, 1, 1, 1, Padding.SAME, 6);
        long[] w = new long[c.weights().size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = c.weights().get(i);
        }
        w[5] = -128;
        QConv minus128 = new QConv(c.name(), c.input(), c.inputShape(), c.outputShape(), c.outputType(), c.kernelH(),
                c.kernelW(), c.strideH(), c.strideW(), c.dilationH(), c.dilationW(), c.padding(), c.padValue(),
                IntTensor.of(c.weights().shape(), 8, w), c.bias(), c.rescale(), c.accShift(), c.actMin(), c.actMax());
        assertThat(WeightLayout.forConv(Target.CORTEX_M4, minus128)).isEqualTo(WeightLayout.PLAIN);
    }

    @ParameterizedTest
    @CsvSource({"CORTEX_M4", "CORTEX_M3", "CORTEX_M0", "NEON"})
    void packedConvolutionsBitExactOnHost(Target target, @TempDir Path dir) throws Exception {
        HostC.requireGcc();
        Random r = new Random(17 + target.ordinal());
        List<QConv> convs = new ArrayList<>(List.of(
                conv(r, Shape.of(7, 6, 5), 3, 3, 2, 1, 1, 2, Padding.SAME, 9),   // padded, strided, dilated im2col
                conv(r, Shape.of(11, 10, 1), 10, 4, 2, 2, 1, 1, Padding.SAME, 8), // keyword-spotting-like kernel
                conv(r, Shape.of(30, 8), 1, 5, 1, 1, 1, 1, Padding.VALID, 16),    // Conv1D, rows in place
                conv(r, Shape.of(30, 8), 1, 5, 1, 2, 1, 1, Padding.SAME, 7),      // Conv1D, borders copied
                conv(r, Shape.of(5, 4, 12), 1, 1, 1, 1, 1, 1, Padding.SAME, 10), // pointwise
                conv(r, Shape.of(5, 4, 64), 3, 3, 1, 1, 1, 1, Padding.SAME, 6), // 576 columns: one per Dense call
                conv(r, Shape.of(6, 6, 600), 1, 1, 2, 2, 1, 1, Padding.VALID, 5), // strided pointwise, rows in place
                conv(r, Shape.of(6, 6, 600), 1, 1, 2, 2, 1, 1, Padding.SAME, 5))); // the same, SAME: 600 columns copied
        if (WeightLayout.forTarget(target) == WeightLayout.DSP_PAIRS) {
            // the im2col-free row path (one 512-column chunk; strided with padding): the 576-column case
            // above takes it too, in two chunks
            convs.add(conv(r, Shape.of(7, 9, 16), 3, 3, 1, 1, 1, 1, Padding.SAME, 10));
            convs.add(conv(r, Shape.of(7, 9, 8), 3, 3, 2, 2, 1, 1, Padding.VALID, 7));
        }
        for (int k = 0; k < convs.size(); k++) {
            QConv c = convs.get(k);
            QGraph g = new QGraph("c", List.of(new QInput("x", c.inputShape(), TX)), List.<QNode>of(c), List.of("conv"));
            Map<String, byte[]> files = new CGenerator().generate(g, new GenOptions("cv", List.of(), null, target));
            String src = new String(files.get("cv.c"), StandardCharsets.UTF_8);
            assertThat(src).as("case %d", k).contains("mcu_conv_packed_s8(&",
                    ".weight_layout = " + WeightLayout.forTarget(target).cName());
            assertThat(files).containsKeys("runtime/src/mcu_conv_packed_s8.c", "runtime/src/mcu_fully_connected_s8.c");
            FixedPointSimulator sim = new FixedPointSimulator(g);
            List<int[]> xs = new ArrayList<>();
            List<int[]> want = new ArrayList<>();
            for (int s = 0; s < 4; s++) {
                int[] x = new int[c.inputShape().size()];
                for (int i = 0; i < x.length; i++) {
                    x[i] = s == 0 ? -128 : s == 1 ? 127 : r.nextInt(256) - 128; // the extremes too
                }
                xs.add(x);
                want.add(sim.run(Map.of("x", x), IntObserver.NONE).get("conv"));
            }
            List<int[]> got = HostC.run(dir.resolve("case" + k), "cv", files, xs);
            for (int s = 0; s < xs.size(); s++) {
                assertThat(got.get(s)).as("%s case %d sample %d", target, k, s).containsExactly(want.get(s));
            }
        }
    }

    /** An int8 convolution named "conv" over input x, weights at +-127 half the time, pad value the input zero point. */
    private static QConv conv(Random r, Shape in, int kh, int kw, int sh, int sw, int dh, int dw, Padding pad, int filters) {
        boolean oneD = in.rank() == 2;
        int h = oneD ? 1 : in.dim(0);
        int wd = oneD ? in.dim(0) : in.dim(1);
        int c = in.last();
        int oh = outLength(h, kh, sh, dh, pad);
        int ow = outLength(wd, kw, sw, dw, pad);
        Shape out = oneD ? Shape.of(ow, filters) : Shape.of(oh, ow, filters);
        int[] w = new int[kh * kw * c * filters];
        for (int i = 0; i < w.length; i++) {
            w[i] = r.nextBoolean() ? (r.nextBoolean() ? 127 : -127) : r.nextInt(255) - 127;
        }
        return new QConv("conv", "x", in, out, TY, kh, kw, sh, sw, dh, dw, pad, TX.zeroPoint(),
                IntTensor.of(Shape.of(kh, kw, c, filters), 8, w), RandomGraphTest.ints(r, Shape.of(filters), 32, 3000),
                List.of(RandomGraphTest.rescale(r, 1.0 / (40000.0 * Math.sqrt(kh * kw * c)))), 0, TY.qmin(), TY.qmax());
    }

    /** TensorFlow's output length: ceil(n / s) for SAME, ceil((n - d (k - 1)) / s) for VALID. */
    private static int outLength(int n, int k, int s, int d, Padding pad) {
        int span = pad == Padding.SAME ? n : n - d * (k - 1);
        return (span + s - 1) / s;
    }
}
