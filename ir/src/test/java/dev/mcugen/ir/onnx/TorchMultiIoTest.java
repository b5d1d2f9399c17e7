package dev.mcugen.ir.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.GraphInput;
import dev.mcugen.ir.ImportedModel;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.data.InputData;
import dev.mcugen.ir.interp.Batch;
import dev.mcugen.ir.interp.FloatInterpreter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A PyTorch model with two inputs (an NCHW image and a feature vector) and two outputs, exported by
 * {@code examples/torch-onnx-fixtures.py}: the graph keeps the inputs and outputs in the ONNX graph's
 * order, each input's data is read in its own layout (the image as NCHW, moved to channels last; the
 * vector as is), and the float interpreter gives PyTorch's outputs (rtol 1e-4, atol 1e-5).
 */
class TorchMultiIoTest {
    @ParameterizedTest(name = "opset {0}")
    @ValueSource(ints = {13, 17})
    void importedModelGivesPyTorchsOutputsForEveryOutput(int opset) {
        ImportedModel m = OnnxImporter.load(TorchFixturesTest.resource("two_inputs_op" + opset + ".onnx"));
        Graph g = m.graph();
        assertThat(g.inputs()).extracting(GraphInput::name).containsExactly("image", "meta");
        assertThat(g.inputs()).extracting(GraphInput::shape).containsExactly(Shape.of(6, 6, 3), Shape.of(5));
        assertThat(m.sourceLayout()).containsEntry("image", List.of(1, 2, 0)).doesNotContainKey("meta");
        // the outputs are the layers that make them (the class head's Gemm carries its softmax), in the graph's order
        assertThat(g.outputs()).containsExactly("cls_Gemm", "reg_Gemm");
        Batch in = InputData.read(m, List.of(TorchFixturesTest.resource("two_inputs_x0.npy"),
                TorchFixturesTest.resource("two_inputs_x1.npy")));
        Map<String, FloatTensor> got = new FloatInterpreter(g).runBatch(in, dev.mcugen.ir.interp.Progress.NONE);
        for (int k = 0; k < 2; k++) {
            FloatTensor want = TorchFixturesTest.npy("two_inputs_y" + k + ".npy");
            FloatTensor y = got.get(g.outputs().get(k));
            assertThat(y.shape()).isEqualTo(want.shape());
            for (int i = 0; i < y.size(); i++) {
                double err = Math.abs(y.get(i) - want.get(i));
                assertThat(err).as("output %s element %d: %s vs %s", g.outputs().get(k), i, y.get(i), want.get(i))
                        .isLessThanOrEqualTo(1e-5 + 1e-4 * Math.abs(want.get(i)));
            }
        }
    }
}
