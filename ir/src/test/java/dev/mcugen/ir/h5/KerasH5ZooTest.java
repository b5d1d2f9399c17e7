package dev.mcugen.ir.h5;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcugen.ir.Activation;
import dev.mcugen.ir.Deviation;
import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.ImportedModel;
import dev.mcugen.ir.ModelLoader;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Padding;
import dev.mcugen.ir.SharedFiles;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.interp.FloatInterpreter;
import dev.mcugen.ir.npy.Npy;
import dev.mcugen.ir.npy.NpyArray;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * MLPerf Tiny's Keras 2 {@code .h5} models ({@code ../shared/zoo}, read in place) through the float
 * interpreter against the outputs their frameworks computed.
 */
class KerasH5ZooTest {
    @Test
    void resnet8MatchesArmNnOnItsTflite() {
        // The .h5 and the float .tflite agree to 2.3e-6 of the range (SOURCE.md), so Arm NN's outputs serve both.
        double err = relativeError("resnet8", "pretrainedResnet.h5", "expected_float.npy");
        assertThat(err).isLessThanOrEqualTo(1e-4);
    }

    /** The .h5 and the .tflite the converter made from it are one model: same outputs, sample for sample. */
    @Test
    void resnet8H5EqualsItsTflite() {
        NpyArray x = Npy.read(SharedFiles.zoo("resnet8", "test.npy"));
        FloatTensor in = FloatTensor.of(shape(x), x.toFloatArray());
        float[] h5 = new FloatInterpreter(ModelLoader.load(SharedFiles.zoo("resnet8", "pretrainedResnet.h5"))).runBatch(in).toArray();
        float[] tfl = new FloatInterpreter(ModelLoader.load(SharedFiles.zoo("resnet8", "pretrainedResnet.tflite"))).runBatch(in).toArray();
        double maxErr = Deviation.of(h5, tfl).maxAbsError();
        System.out.printf("resnet8 .h5 vs .tflite: max abs difference %.3g%n", maxErr);
        // Both are probabilities (softmax outputs): 1e-4 of their range.
        assertThat(maxErr).isLessThanOrEqualTo(1e-4);
    }

    @Test
    void ad01MatchesItsFloat64Reference() {
        // ad01.h5 is another checkpoint than its .tflite: expected_float_h5.npy is its own float64 reference.
        double err = relativeError("ad01", "ad01.h5", "expected_float_h5.npy");
        assertThat(err).isLessThanOrEqualTo(1e-3);
    }

    @Test
    void resnet8Structure() {
        ImportedModel m = ModelLoader.open(SharedFiles.zoo("resnet8", "pretrainedResnet.h5"));
        assertThat(m.format()).isEqualTo(ModelLoader.Format.KERAS_H5);
        Graph g = m.graph();
        assertThat(g.inputs()).hasSize(1);
        assertThat(m.sourceOps()).containsEntry("conv2d", "Conv2D").containsEntry("batch_normalization", "BatchNormalization")
                .containsEntry("add", "Add").containsEntry("dense", "Dense");
        assertThat(g.nodes()).hasSize(29);
    }

    @Test
    void vwwMatchesArmNnOnItsTflite() {
        // MobileNet (depthwise convolutions): the .h5 the float .tflite was converted from, against Arm NN.
        double err = relativeError("vww", "vww_96.h5", "expected_float.npy");
        assertThat(err).isLessThanOrEqualTo(1e-4);
    }

    @Test
    void vwwStructure() {
        ImportedModel m = ModelLoader.open(SharedFiles.zoo("vww", "vww_96.h5"));
        assertThat(m.sourceOps()).containsEntry("depthwise_conv2d", "DepthwiseConv2D");
        Op.DepthwiseConv dw = (Op.DepthwiseConv) m.graph().nodes().stream()
                .filter(n -> n.name().equals("depthwise_conv2d_1")).findFirst().orElseThrow().op();
        assertThat(dw).isEqualTo(new Op.DepthwiseConv(2, 1, 3, 3, 2, 2, 1, 1, Padding.SAME, Activation.LINEAR, true));
    }

    /** max |interpreter - expected| / max |expected| over the zoo's test set. */
    private static double relativeError(String model, String file, String expectedFile) {
        Graph g = ModelLoader.load(SharedFiles.zoo(model, file));
        NpyArray x = Npy.read(SharedFiles.zoo(model, "test.npy"));
        NpyArray y = Npy.read(SharedFiles.zoo(model, expectedFile));
        FloatTensor out = new FloatInterpreter(g).runBatch(FloatTensor.of(shape(x), x.toFloatArray()));
        Deviation d = Deviation.of(out.toArray(), y.toFloatArray());
        double maxErr = d.maxAbsError();
        double maxAbs = d.maxAbsExpected();
        double rel = maxErr / maxAbs;
        System.out.printf("%s/%s vs %s: %d samples, max abs error %.3g, max |expected| %.4g, relative %.3g%n",
                model, file, expectedFile, x.shape().get(0), maxErr, maxAbs, rel);
        return rel;
    }

    private static Shape shape(NpyArray a) {
        return Shape.of(a.shape().stream().mapToInt(Integer::intValue).toArray());
    }
}
