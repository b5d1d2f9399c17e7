package dev.mcugen.scale.ff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.mcugen.ir.Activation;
import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.GraphBuilder;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Padding;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.interp.Batch;
import dev.mcugen.scale.QuantOptions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BiasCorrectionTest {
    private static final QuantOptions DEFAULTS = QuantOptions.defaults(QuantOptions.Target.HOST);
    private static final QuantOptions OPTIONS = new QuantOptions(DEFAULTS.precision(), DEFAULTS.rescale(),
            DEFAULTS.activation(), false, DEFAULTS.target(), false, QuantOptions.WeightRounding.GPTQ);
    /** Nearest rounding: the pass corrects Dense and convolution layers too. */
    private static final QuantOptions NEAREST = DEFAULTS;

    @Test
    void denseBiasLosesTheExpectedShiftOfItsRoundedWeights() {
        // kernel [2, 1]: max |w| = 1.27 gives the scale 0.01; 0.504 rounds to 0.50 (error -0.004)
        GraphBuilder b = new GraphBuilder("t").input("x", Shape.of(2));
        b.add("d", new Op.Dense(1, Activation.LINEAR, true), List.of("x"), Map.of(
                "kernel", FloatTensor.of(Shape.of(2, 1), new float[] {1.27f, 0.504f}),
                "bias", FloatTensor.of(Shape.of(1), new float[] {0.1f})));
        Graph g = b.output("d").build();
        // two samples: input means 2 and 10
        Batch cal = Batch.of(g, FloatTensor.of(Shape.of(2, 2), new float[] {1f, 5f, 3f, 15f}));
        Graph c = BiasCorrection.correct(g, cal, NEAREST);
        double s = 1.27f / 127.0;
        double eps0 = Math.round(1.27f / s) * s - 1.27f;
        double eps1 = Math.round(0.504f / s) * s - 0.504f;
        double want = 0.1f - (eps0 * 2 + eps1 * 10);
        assertThat(c.node("d").orElseThrow().weight("bias").get(0)).isCloseTo((float) want, within(1e-7f));
        assertThat(c.node("d").orElseThrow().weight("kernel").toArray()).containsExactly(1.27f, 0.504f);
    }

    @Test
    void underGptqRoundingDenseLayersAreLeftToTheirRecipe() {
        GraphBuilder b = new GraphBuilder("t").input("x", Shape.of(2));
        b.add("d", new Op.Dense(1, Activation.LINEAR, true), List.of("x"), Map.of(
                "kernel", FloatTensor.of(Shape.of(2, 1), new float[] {1.27f, 0.504f}),
                "bias", FloatTensor.of(Shape.of(1), new float[] {0.1f})));
        Graph g = b.output("d").build();
        Batch cal = Batch.of(g, FloatTensor.of(Shape.of(2, 2), new float[] {1f, 5f, 3f, 15f}));
        assertThat(OPTIONS.weightRounding()).isEqualTo(QuantOptions.WeightRounding.GPTQ);
        // the recipe corrects the bias from the weights GPTQ chose (WeightQuantizer.correctedBias): once only
        assertThat(BiasCorrection.correct(g, cal, OPTIONS).node("d").orElseThrow().weight("bias").toArray())
                .containsExactly(0.1f);
    }

    @Test
    void depthwiseChannelsAreCorrectedWithTheirOwnInputMeanAndScale() {
        GraphBuilder b = new GraphBuilder("t").input("x", Shape.of(1, 2, 2));
        // kernel [1, 2, 2, 1]: channel 0 taps (1.0, 0.333), channel 1 taps (0.2, 0.0013); no bias
        b.add("dw", new Op.DepthwiseConv(2, 1, 1, 2, 1, 1, 1, 1, Padding.VALID, Activation.LINEAR, false), List.of("x"),
                Map.of("depthwise_kernel", FloatTensor.of(Shape.of(1, 2, 2, 1), new float[] {1.0f, 0.2f, 0.333f, 0.0013f})));
        Graph g = b.output("dw").build();
        Batch cal = Batch.of(g, FloatTensor.of(Shape.of(1, 1, 2, 2), new float[] {3f, -1f, 5f, -3f}));
        Graph c = BiasCorrection.correct(g, cal, OPTIONS);
        assertThat(((Op.DepthwiseConv) c.node("dw").orElseThrow().op()).useBias()).isTrue();
        float[] bias = c.node("dw").orElseThrow().weight("bias").toArray();
        double s0 = 1.0 / 127;
        double s1 = 0.2f / 127.0;
        double shift0 = (Math.round(1.0f / s0) * s0 - 1.0f + Math.round(0.333f / s0) * s0 - 0.333f) * 4;
        double shift1 = (Math.round(0.2f / s1) * s1 - 0.2f + Math.round(0.0013f / s1) * s1 - 0.0013f) * -2;
        assertThat(bias[0]).isCloseTo((float) -shift0, within(1e-7f));
        assertThat(bias[1]).isCloseTo((float) -shift1, within(1e-7f));
    }
}
