package dev.mcugen.scale.ff;

import dev.mcugen.ir.Activation;
import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.GraphBuilder;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Padding;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.interp.FloatInterpreter;
import dev.mcugen.ir.quant.QConv;
import dev.mcugen.ir.quant.QFullyConnected;
import dev.mcugen.ir.quant.QLogistic;
import dev.mcugen.ir.quant.QSoftmax;
import dev.mcugen.ir.quant.QuantType;
import dev.mcugen.ir.quant.Rescale;
import dev.mcugen.scale.AccumulatorBound;
import dev.mcugen.scale.Contract;
import dev.mcugen.scale.ContractResult;
import dev.mcugen.scale.QuantOptions;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Hand-checked parameters of the Dense/Conv recipe: weights, folded biases, bounds, contracts, int16 — with
 * nearest weight rounding, whose every value can be computed by hand (the default error-compensating
 * rounding has its own test, {@link WeightRoundingTest}).
 */
class DenseConvRecipeTest {
    private static final QuantOptions INT8 = new QuantOptions(QuantOptions.Precision.INT8, QuantOptions.Rescale.MULTIPLIER,
            QuantOptions.ActivationImpl.LUT, false, QuantOptions.Target.CORTEX_M4, false,
            QuantOptions.WeightRounding.NEAREST);
    private static final QuantOptions INT16 = new QuantOptions(QuantOptions.Precision.INT16,
            QuantOptions.Rescale.MULTIPLIER, QuantOptions.ActivationImpl.LUT, false, QuantOptions.Target.CORTEX_M4, false,
            QuantOptions.WeightRounding.NEAREST);

    /** x[2] -> Dense(2, relu) with kernel [[1, -0.5], [0.25, 0.0039]] and bias [0.5, -1]. */
    private static Graph smallDense(Activation act) {
        GraphBuilder b = new GraphBuilder("t");
        b.input("x", Shape.of(2));
        b.add("d", new Op.Dense(2, act, true), List.of("x"), Map.of(
                "kernel", FloatTensor.of(Shape.of(2, 2), new float[] {1f, -0.5f, 0.25f, 0.0039f}),
                "bias", FloatTensor.of(Shape.of(2), new float[] {0.5f, -1f})));
        b.output("d");
        return b.build();
    }

    /** Calibration data making x cover [-1, 3] (so zp_x != 0). */
    private static FloatTensor calib() {
        return FloatTensor.of(Shape.of(2, 2), new float[] {-1f, 3f, 3f, -1f});
    }

    @Test
    void weightsAreSymmetricNarrowRangeRoundedHalfAwayFromZero() {
        FfPipeline p = FfPipeline.calibrated(smallDense(Activation.RELU), calib(), INT8);
        QFullyConnected fc = (QFullyConnected) p.node("d");
        // s_w = 1 / 127: 1 -> 127, -0.5 -> -63.5 -> -64, 0.25 -> 31.75 -> 32, 0.0039 -> 0.4953 -> 0
        assertThat(p.solution.type("d/kernel").scale()).isEqualTo(1.0 / 127);
        assertThat(fc.weights().toArray()).containsExactly(127, -64, 32, 0);
        assertThat(fc.weights().bits()).isEqualTo(8);
    }

    @Test
    void biasIsInTheAccumulatorScaleWithTheInputZeroPointFoldedIn() {
        FfPipeline p = FfPipeline.calibrated(smallDense(Activation.RELU), calib(), INT8);
        QFullyConnected fc = (QFullyConnected) p.node("d");
        QuantType x = p.solution.type("x");
        assertThat(x).isEqualTo(QuantType.asymmetric(8, -1, 3));
        double acc = (1.0 / 127) * x.scale();
        long b0 = Math.round(0.5 / acc) - (long) x.zeroPoint() * (127 + 32);
        long b1 = -Math.round(1.0 / acc) - (long) x.zeroPoint() * (-64 + 0);
        assertThat(fc.bias().toArray()).containsExactly(b0, b1);
        // The product contract on the bias holds (its scale is s_w * s_x).
        assertThat(p.solution.type("d/bias").scale()).isCloseTo(acc, within(acc * 1e-12));
    }

    @Test
    void accumulatorBoundIsBiasPlusSumOfAbsWeightsTimes128() {
        FfPipeline p = FfPipeline.calibrated(smallDense(Activation.RELU), calib(), INT8);
        QFullyConnected fc = (QFullyConnected) p.node("d");
        long[] b = fc.bias().toArray();
        long row0 = Math.abs(b[0]) + (127 + 32) * 128L;
        long row1 = Math.abs(b[1]) + (64 + 0) * 128L;
        assertThat(p.model.bounds()).singleElement().satisfies(bound -> {
            assertThat(bound.layer()).isEqualTo("d");
            assertThat(bound.bound()).isEqualTo(Math.max(row0, row1));
            assertThat(bound.row()).isEqualTo(row0 >= row1 ? 0 : 1);
            assertThat(bound.limit()).isEqualTo(Integer.MAX_VALUE);
            assertThat(bound.safe()).isTrue();
        });
        assertThat(fc.accShift()).isZero();
        assertThat(fc.bias().bits()).isEqualTo(32);
    }

    @Test
    void reluClampsAtTheOutputZeroPointAndDeclaresItsContracts() {
        FfPipeline p = FfPipeline.calibrated(smallDense(Activation.RELU), calib(), INT8);
        QFullyConnected fc = (QFullyConnected) p.node("d");
        assertThat(fc.actMin()).isEqualTo(Math.max(-128, fc.outputType().zeroPoint()));
        assertThat(fc.actMax()).isEqualTo(127);
        assertThat(p.contracts()).contains(new Contract.Product("d/bias", "d/kernel", "x"),
                new Contract.ExactZero("d"));
        assertThat(p.solution.results()).allSatisfy(r -> assertThat(r.status()).isEqualTo(ContractResult.Status.HELD));
    }

    @Test
    void samePaddingAsksForAnExactInputZero() {
        GraphBuilder b = new GraphBuilder("t");
        b.input("x", Shape.of(8, 2));
        FfTestGraphs.add(b, "c", new Op.Conv1D(3, 3, 1, 1, Padding.SAME, Activation.LINEAR, true), List.of("x"),
                new Random(1), 1f);
        b.output("c");
        FfPipeline p = FfPipeline.calibrated(b.build(), FfTestGraphs.batch(Shape.of(8, 2), 4, new Random(2), 0.5f, 3f), INT8);
        assertThat(p.contracts()).contains(new Contract.ExactZero("x"));
        QConv cv = (QConv) p.node("c");
        assertThat(cv.padValue()).isEqualTo(p.solution.type("x").zeroPoint()).isNotZero();
    }

    @Test
    void sigmoidWritesTheAccumulatorToQ312ThenRunsTheInt16Primitive() {
        QuantOptions poly = new QuantOptions(QuantOptions.Precision.INT8, QuantOptions.Rescale.MULTIPLIER,
                QuantOptions.ActivationImpl.POLY, false, QuantOptions.Target.CORTEX_M4, false, QuantOptions.WeightRounding.NEAREST);
        FfPipeline p = FfPipeline.calibrated(smallDense(Activation.SIGMOID), calib(), poly);
        assertThat(p.qgraph.nodes()).extracting(n -> n.name()).containsExactly("d/preact", "d");
        assertThat(p.node("d/preact").outputType()).isEqualTo(QuantType.powerOfTwo(16, 12));
        QLogistic l = (QLogistic) p.node("d");
        assertThat(l.impl()).isEqualTo(QLogistic.Impl.POLY);
        assertThat(l.inputRescale()).isEqualTo(Rescale.IDENTITY);
        assertThat(p.contracts()).contains(new Contract.FixedFormat("d/preact", 16, 12));
    }

    @Test
    void softmaxReadsTheRawInt32Logits() {
        FfPipeline p = FfPipeline.calibrated(smallDense(Activation.SOFTMAX), calib(), INT8);
        QFullyConnected fc = (QFullyConnected) p.node("d/logits");
        assertThat(fc.outputType().bits()).isEqualTo(32);
        assertThat(fc.outputType().scale()).isEqualTo(p.solution.type("d/kernel").scale() * p.solution.type("x").scale());
        assertThat(fc.rescale()).containsExactly(Rescale.IDENTITY);
        QSoftmax s = (QSoftmax) p.node("d");
        assertThat(s.outputType()).isEqualTo(new QuantType(8, -128, 127, 1.0 / 256, -128));
        assertThat(p.solution.type("d")).isEqualTo(s.outputType());
    }

    @Test
    void dropSoftmaxOutputsTheLogitsUnderTheLayersName() {
        QuantOptions drop = new QuantOptions(QuantOptions.Precision.INT8, QuantOptions.Rescale.MULTIPLIER,
                QuantOptions.ActivationImpl.LUT, false, QuantOptions.Target.CORTEX_M4, true, QuantOptions.WeightRounding.NEAREST);
        FfPipeline p = FfPipeline.calibrated(smallDense(Activation.SOFTMAX), calib(), drop);
        assertThat(p.qgraph.nodes()).singleElement().isInstanceOf(QFullyConnected.class);
        QFullyConnected fc = (QFullyConnected) p.node("d");
        assertThat(fc.outputType().bits()).isEqualTo(32);
        FfPipeline full = FfPipeline.calibrated(smallDense(Activation.SOFTMAX), calib(), INT8);
        Random rnd = new Random(5);
        for (int i = 0; i < 200; i++) {
            float[] x = FfTestGraphs.random(2, rnd, 1f);
            double[] logits = p.run(x);
            double[] probs = full.run(x);
            if (probs[0] != probs[1]) {   // the same argmax wherever the int8 probabilities do not tie
                assertThat(logits[0] > logits[1]).isEqualTo(probs[0] > probs[1]);
            }
        }
    }

    @Test
    void int16ActivationsNeedNoZeroPointAndKeepInt32WhenTheBoundAllows() {
        FfPipeline p = FfPipeline.calibrated(smallDense(Activation.LINEAR), calib(), INT16);
        QFullyConnected fc = (QFullyConnected) p.node("d");
        QuantType x = p.solution.type("x");
        assertThat(x.bits()).isEqualTo(16);
        assertThat(x.zeroPoint()).isZero();
        assertThat(fc.outputType().bits()).isEqualTo(16);
        assertThat(fc.accShift()).isZero();
    }

    @Test
    void int16WidensToInt64WhereInt32CannotBeProven() {
        int in = 1000;
        float[] k = new float[in];
        Arrays.fill(k, 0.01f);
        GraphBuilder b = new GraphBuilder("t");
        b.input("x", Shape.of(in));
        b.add("d", new Op.Dense(1, Activation.LINEAR, true), List.of("x"), Map.of(
                "kernel", FloatTensor.of(Shape.of(in, 1), k), "bias", FloatTensor.of(Shape.of(1), new float[] {0.3f})));
        b.output("d");
        Graph g = b.build();
        FloatTensor data = FfTestGraphs.batch(Shape.of(in), 20, new Random(3), -1f, 1f);
        FfPipeline p = FfPipeline.calibrated(g, data, INT16);
        QFullyConnected fc = (QFullyConnected) p.node("d");
        // Σ|w| max|x| = 1000 * 127 * 32767 = 4.16e9 > 2^31 - 1: int64, and a 2-bit pre-shift brings the
        // bound (< 2^32) below 2^30.
        AccumulatorBound bound = p.model.bounds().get(0);
        assertThat(bound.bound()).isEqualTo(1000L * 127 * 32767 + Math.abs(fc.bias().get(0)));
        assertThat(bound.safe()).isFalse();
        assertThat(bound.action()).contains("int64");
        assertThat(fc.accShift()).isEqualTo(2);
        assertThat(fc.bias().bits()).isEqualTo(64);
        // Still right: against float on every sample, within a few output steps.
        FloatInterpreter f = new FloatInterpreter(g);
        QuantType out = fc.outputType();
        float[] all = data.toArray();
        for (int s = 0; s < 20; s++) {
            float[] x = Arrays.copyOfRange(all, s * in, (s + 1) * in);
            double q = p.run(x)[0];
            double r = f.run(FloatTensor.of(Shape.of(in), x)).get(0);
            assertThat(q).isCloseTo(r, within(0.01 + 4 * out.scale()));
        }
    }

    @Test
    void perChannelWeightsFollowEachColumnsRange() {
        GraphBuilder b = new GraphBuilder("t");
        b.input("x", Shape.of(3));
        b.add("d", new Op.Dense(2, Activation.LINEAR, false), List.of("x"), Map.of("kernel", FloatTensor.of(Shape.of(3, 2),
                new float[] {1f, 0.01f, -0.5f, 0.005f, 0.25f, -0.0025f})));
        b.output("d");
        QuantOptions pc = new QuantOptions(QuantOptions.Precision.INT8, QuantOptions.Rescale.MULTIPLIER,
                QuantOptions.ActivationImpl.LUT, true, QuantOptions.Target.CORTEX_M4, false, QuantOptions.WeightRounding.NEAREST);
        FfPipeline p = FfPipeline.calibrated(b.build(), FfTestGraphs.batch(Shape.of(3), 8, new Random(4), -1f, 1f), pc);
        QFullyConnected fc = (QFullyConnected) p.node("d");
        // column 0: s = 1/127 -> 127, -64, 32; column 1: s = 0.01/127 -> 127, 64 (63.5), -32 (-31.75)
        assertThat(fc.weights().toArray()).containsExactly(127, 127, -64, 64, 32, -32);
        assertThat(fc.rescale()).hasSize(2);
        assertThat(fc.rescale().get(0).real() / fc.rescale().get(1).real()).isCloseTo(100.0, within(1e-4));   // 0.01f is not 0.01
    }

    @Test
    void powerOfTwoRescaleGivesShiftsOnly() {
        QuantOptions pot = new QuantOptions(QuantOptions.Precision.INT8, QuantOptions.Rescale.AUTO,
                QuantOptions.ActivationImpl.LUT, false, QuantOptions.Target.CORTEX_M0, false, QuantOptions.WeightRounding.NEAREST);
        FfPipeline p = FfPipeline.calibrated(smallDense(Activation.RELU), calib(), pot);
        QFullyConnected fc = (QFullyConnected) p.node("d");
        assertThat(fc.rescale()).allSatisfy(r -> assertThat(r.powerOfTwo()).isTrue());
    }

    @Test
    void recurrentOpsAreNotFeedForward() {
        assertThatThrownBy(() -> FeedForwardRecipes.of(new Op.SimpleRnn(4, Activation.TANH, true, false, false)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("simple_rnn");
    }
}
