package dev.mcugen.ir.tflite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcugen.ir.Deviation;
import dev.mcugen.ir.Activation;
import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.ImportedModel;
import dev.mcugen.ir.Node;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Padding;
import dev.mcugen.ir.PoolKind;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.interp.FloatInterpreter;
import dev.mcugen.ir.npy.Npy;
import dev.mcugen.ir.npy.NpyArray;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fixtures of {@code src/test/resources/tflite/} (made by {@link TfliteFixtures}, outputs by Arm NN's
 * CpuRef through {@code armnn_expected.py}): imported, run by the float interpreter and compared with
 * Arm NN; and their IR checked for the folding the importer promises (Conv1D, 1-D pooling, fused
 * stand-alone activations, float16 weights).
 */
class TfliteFixturesTest {
    private static final Path DIR = Path.of("src/test/resources/tflite");

    @TempDir
    Path tmp;

    private static ImportedModel fixture(String name) {
        return TfliteImporter.load(DIR.resolve(name).resolve("model.tflite"));
    }

    private ImportedModel written(String name, byte[] bytes) throws IOException {
        Path p = tmp.resolve(name + ".tflite");
        Files.write(p, bytes);
        return TfliteImporter.load(p);
    }

    @ParameterizedTest
    @ValueSource(strings = {"conv1d_pool1d", "conv_concat_mean", "fc_reshape_softmax", "mul_sub_max_min", "mobilenet_block",
        "pad_transpose_conv_resize"})
    void floatInterpreterMatchesArmNn(String name) {
        ImportedModel im = fixture(name);
        NpyArray in = Npy.read(DIR.resolve(name).resolve("input.npy"));
        NpyArray exp = Npy.read(DIR.resolve(name).resolve("expected.npy"));
        FloatTensor out = new FloatInterpreter(im.graph())
                .runBatch(FloatTensor.of(new Shape(in.shape()), in.toFloatArray()));
        assertThat(out.shape().dims()).isEqualTo(exp.shape());
        Deviation d = Deviation.of(out.toArray(), exp.toFloatArray());
        double maxErr = d.maxAbsError();
        double maxExp = d.maxAbsExpected();
        System.out.printf("tflite fixture %s vs Arm NN: max abs error %.3g, max|expected| %.4g%n", name, maxErr, maxExp);
        assertThat(maxErr).isLessThanOrEqualTo(1e-4 * maxExp);
    }

    @ParameterizedTest
    @ValueSource(strings = {"conv1d_pool1d", "conv_concat_mean", "fc_reshape_softmax", "mul_sub_max_min", "mobilenet_block",
        "pad_transpose_conv_resize"})
    void committedFilesAreWhatTheFixtureWriterMakes(String name) throws IOException {
        assertThat(Files.readAllBytes(DIR.resolve(name).resolve("model.tflite")))
                .isEqualTo(TfliteFixtures.all().get(name).get());
    }

    @Test
    void depthwiseConvolutionsKeepMultiplierPaddingAndFusedActivation() {
        List<Node> nodes = fixture("mobilenet_block").graph().nodes();
        assertThat(nodes).extracting(Node::op).containsExactly(
                new Op.DepthwiseConv(2, 2, 3, 3, 1, 1, 1, 1, Padding.SAME, Activation.RELU6, true),
                new Op.DepthwiseConv(2, 1, 3, 3, 2, 2, 1, 1, Padding.VALID, Activation.LINEAR, true));
        assertThat(nodes.get(0).weight("depthwise_kernel").shape()).isEqualTo(Shape.of(3, 3, 3, 2));
    }

    @Test
    void conv1dAndPool1dFoldTheirReshapes() throws IOException {
        ImportedModel im = fixture("conv1d_pool1d");
        List<Node> nodes = im.graph().nodes();
        assertThat(nodes).extracting(Node::name).containsExactly("conv1d", "max_pooling1d");
        assertThat(nodes.get(0).op()).isEqualTo(new Op.Conv1D(4, 3, 1, 1, Padding.SAME, Activation.RELU, true));
        assertThat(nodes.get(0).weight("kernel").shape()).isEqualTo(Shape.of(3, 3, 4));
        assertThat(nodes.get(1).op()).isEqualTo(new Op.Pool(PoolKind.MAX, List.of(2), List.of(2), Padding.VALID));
        assertThat(im.graph().inputs().get(0).name()).isEqualTo("conv1d_input");
        assertThat(im.sourceOps()).containsEntry("conv1d", "RESHAPE+CONV_2D+SQUEEZE")
                .containsEntry("max_pooling1d", "RESHAPE+MAX_POOL_2D+SQUEEZE");

        ImportedModel expand = written("expand", TfliteFixtures.conv1dPool1d(Builtin.EXPAND_DIMS));
        assertThat(expand.graph().nodes()).isEqualTo(nodes);
        assertThat(expand.sourceOps()).containsEntry("conv1d", "EXPAND_DIMS+CONV_2D+SQUEEZE");
    }

    @Test
    void standAloneActivationsFuseWhereTheyAreTheOnlyReader() {
        ImportedModel im = fixture("conv_concat_mean");
        System.out.println("conv_concat_mean: " + im.graph().nodes().stream().map(n -> n.name() + "=" + n.op()).toList()
                + " " + im.sourceOps());
        List<Node> nodes = im.graph().nodes();
        assertThat(nodes).extracting(Node::name).containsExactly("conv2d", "max_pooling2d", "conv2d_1", "add",
                "add_relu", "concatenate", "average_pooling2d", "global_average_pooling2d", "dense");
        assertThat(((Op.Conv2D) nodes.get(0).op()).activation()).isEqualTo(Activation.RELU6);
        assertThat(im.sourceOps()).containsEntry("conv2d", "CONV_2D+RELU6").containsEntry("dense", "FULLY_CONNECTED+LOGISTIC");
        assertThat(nodes.get(2).op()).isEqualTo(new Op.Conv2D(2, 3, 3, 1, 1, 2, 2, Padding.VALID, Activation.TANH, true));
        assertThat(nodes.get(4).op()).isEqualTo(new Op.Act(Activation.RELU));
        assertThat(nodes.get(5).op()).isEqualTo(new Op.Concatenate(2));
        assertThat(nodes.get(7).op()).isEqualTo(new Op.GlobalPool(PoolKind.AVG, 2));
        assertThat(((Op.Dense) nodes.get(8).op()).activation()).isEqualTo(Activation.SIGMOID);
    }

    @Test
    void reshapesBecomeNodesOnlyWhereAConsumerNeedsTheShape() {
        ImportedModel im = fixture("fc_reshape_softmax");
        System.out.println("fc_reshape_softmax: " + im.graph().nodes().stream().map(n -> n.name() + "=" + n.op()).toList()
                + " " + im.sourceOps());
        assertThat(im.graph().nodes()).extracting(n -> n.op().kind())
                .containsExactly("dense", "reshape", "conv2d", "activation", "flatten");
        assertThat(im.graph().nodes().get(1).op()).isEqualTo(new Op.Reshape(Shape.of(2, 2, 1)));
        assertThat(im.graph().outputs()).containsExactly("flatten");
        assertThat(im.graph().shapes().get("flatten")).isEqualTo(Shape.of(3));
    }

    @Test
    void float16WeightsBehindDequantizeAreWidenedExactly() throws IOException {
        ImportedModel half = written("half", TfliteFixtures.fcReshapeSoftmax(true));
        ImportedModel full = fixture("fc_reshape_softmax");
        assertThat(half.graph().nodes()).isEqualTo(full.graph().nodes());
    }

    @Test
    void halfToFloatIsExact() {
        assertThat(Flat.halfToFloat((short) 0x3c00)).isEqualTo(1f);
        assertThat(Flat.halfToFloat((short) 0xc000)).isEqualTo(-2f);
        assertThat(Flat.halfToFloat((short) 0x7bff)).isEqualTo(65504f);
        assertThat(Flat.halfToFloat((short) 0x0001)).isEqualTo(0x1p-24f);
        assertThat(Flat.halfToFloat((short) 0x8000)).isEqualTo(-0f);
        assertThat(Flat.halfToFloat((short) 0x7c00)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(Float.isNaN(Flat.halfToFloat((short) 0x7e00))).isTrue();
        for (int h = 0x0400; h < 0x7c00; h += 7) {
            assertThat(TfliteFixtures.toHalf(Flat.halfToFloat((short) h))).isEqualTo((short) h);
        }
    }
}
