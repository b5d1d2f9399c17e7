package dev.mcugen.compiler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcugen.ir.Activation;
import dev.mcugen.ir.Diag;
import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.GraphBuilder;
import dev.mcugen.ir.ImportedModel;
import dev.mcugen.ir.LearnedGrids;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.ModelLoader;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.calib.RangeMethod;
import dev.mcugen.ir.interp.Batch;
import dev.mcugen.ir.interp.Progress;
import dev.mcugen.ir.quant.QFullyConnected;
import dev.mcugen.scale.QuantOptions;
import dev.mcugen.scale.QuantizedModel;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Learned weight grids through the compile pipeline: the weights are quantized with the file's steps (the
 * integers are the trained ones, where mcugen's own step would give others), the bias is left uncorrected,
 * a fold that renames the layer keeps the grid, a learned activation range replaces the calibrated one, and
 * grids the build cannot keep are refused with {@link Diag#MCG_QUANT_LEARNED_GRID}.
 */
class LearnedGridPlacementTest {
    /** Integers in -5..5 on a [6, 4] kernel: the largest is 5, so mcugen's own step would be max|w| / 127. */
    private static final int[] Q = {1, -2, 3, -4, 5, 0, -1, 2, -3, 4, -5, 1, 2, 2, -2, 0, 1, 3, -3, 4, 5, -5, 0, 1};

    private static Graph graph(float step, boolean separateRelu) {
        float[] k = new float[Q.length];
        for (int i = 0; i < k.length; i++) {
            k[i] = (float) Q[i] * step;
        }
        GraphBuilder b = new GraphBuilder("m").input("x", Shape.of(6));
        b.add("fc", new Op.Dense(4, separateRelu ? Activation.LINEAR : Activation.RELU, true), List.of("x"),
                Map.of("kernel", FloatTensor.of(Shape.of(6, 4), k), "bias",
                        FloatTensor.of(Shape.of(4), new float[] {0.1f, -0.2f, 0.3f, 0f})));
        if (separateRelu) {
            b.add("relu", new Op.Act(Activation.RELU), List.of("fc"), Map.of());
            return b.output("relu").build();
        }
        return b.output("fc").build();
    }

    private static Batch data(Graph g) {
        Random r = new Random(5);
        float[] v = new float[40 * 6];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian() + 0.5f;
        }
        return Batch.of(g, FloatTensor.of(Shape.of(40, 6), v));
    }

    private static QuantizedModel quantize(Graph g, LearnedGrids grids, QuantOptions.Rescale rescale, boolean perChannel) {
        ImportedModel m = new ImportedModel(g, ModelLoader.Format.ONNX, Map.of(), Map.of(), grids);
        QuantOptions o = new QuantOptions(QuantOptions.Precision.INT8, rescale, QuantOptions.ActivationImpl.LUT, perChannel,
                QuantOptions.Target.HOST);
        return CompilePipeline.quantize(m, data(g), o, RangeMethod.MINMAX, Progress.NONE).model();
    }

    private static QFullyConnected dense(QuantizedModel q) {
        return q.graph().nodes().stream().filter(QFullyConnected.class::isInstance).map(QFullyConnected.class::cast)
                .findFirst().orElseThrow();
    }

    private static LearnedGrids grid(String layer, double... scales) {
        return new LearnedGrids(List.of(new LearnedGrids.WeightGrid(layer, "kernel", 4,
                java.util.Arrays.stream(scales).boxed().toList(), "/fc/DequantizeLinear")), List.of());
    }

    @Test
    void theTrainedIntegersAreKeptPerTensorAndPerChannel() {
        Graph g = graph(0.1f, false);
        for (boolean perChannel : new boolean[] {false, true}) {
            QFullyConnected fc = dense(quantize(g, grid("fc", (double) 0.1f), QuantOptions.Rescale.MULTIPLIER, perChannel));
            assertThat(fc.weights().toIntArray()).as("per channel %s", perChannel).containsExactly(Q);
        }
        // Without the grid mcugen chooses its own step (max|w| / 127): other integers.
        assertThat(dense(quantize(g, LearnedGrids.NONE, QuantOptions.Rescale.MULTIPLIER, false)).weights().toIntArray())
                .isNotEqualTo(Q);
        // Per-channel steps (each channel its own) under --per-channel.
        float[] s = {0.1f, 0.2f, 0.05f, 0.4f};
        float[] k = new float[Q.length];
        for (int i = 0; i < k.length; i++) {
            k[i] = (float) Q[i] * s[i % 4];
        }
        GraphBuilder b = new GraphBuilder("m").input("x", Shape.of(6));
        b.add("fc", new Op.Dense(4, Activation.RELU, true), List.of("x"), Map.of("kernel",
                FloatTensor.of(Shape.of(6, 4), k), "bias", FloatTensor.of(Shape.of(4), new float[4])));
        Graph pc = b.output("fc").build();
        QFullyConnected fc = dense(quantize(pc, grid("fc", s[0], s[1], s[2], s[3]), QuantOptions.Rescale.MULTIPLIER, true));
        assertThat(fc.weights().toIntArray()).containsExactly(Q);
    }

    @Test
    void aFoldThatRenamesTheLayerKeepsItsGrid() {
        // Dense + a separate ReLU fold into one layer named "relu": the grid on "fc" follows its weights.
        QFullyConnected fc = dense(quantize(graph(0.1f, true), grid("fc", (double) 0.1f), QuantOptions.Rescale.MULTIPLIER,
                false));
        assertThat(fc.weights().toIntArray()).containsExactly(Q);
    }

    @Test
    void aPowerOfTwoStepIsKeptUnderPotAndAnyOtherRefused() {
        QFullyConnected fc = dense(quantize(graph(0.125f, false), grid("fc", 0.125), QuantOptions.Rescale.POT, false));
        assertThat(fc.weights().toIntArray()).containsExactly(Q);
        assertThatThrownBy(() -> quantize(graph(0.1f, false), grid("fc", (double) 0.1f), QuantOptions.Rescale.POT, false))
                .isInstanceOfSatisfying(McugenException.class, e -> {
                    assertThat(e.diag()).isEqualTo(Diag.MCG_QUANT_LEARNED_GRID);
                    assertThat(e.getMessage()).contains("'fc'").contains("--rescale multiplier").doesNotContain("\n");
                });
        // Per-channel steps on a layer quantized per tensor.
        assertThatThrownBy(() -> quantize(graph(0.1f, false), grid("fc", 0.1, 0.1, 0.1, 0.1), QuantOptions.Rescale.MULTIPLIER,
                false)).isInstanceOfSatisfying(McugenException.class, e -> {
                    assertThat(e.diag()).isEqualTo(Diag.MCG_QUANT_LEARNED_GRID);
                    assertThat(e.getMessage()).contains("--per-channel");
                });
    }

    @Test
    void aLearnedActivationRangeReplacesTheCalibratedOne() {
        Graph g = graph(0.1f, false);
        LearnedGrids ranges = new LearnedGrids(List.of(), List.of(new LearnedGrids.RangeHint("fc", 0, 2.55, "/q")));
        QuantizedModel q = quantize(g, ranges, QuantOptions.Rescale.MULTIPLIER, false);
        assertThat(q.solution().type("fc").scale()).isCloseTo(0.01, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(quantize(g, LearnedGrids.NONE, QuantOptions.Rescale.MULTIPLIER, false).solution().type("fc").scale())
                .isNotCloseTo(0.01, org.assertj.core.data.Offset.offset(1e-4));
    }
}
