package dev.mcugen.ir.onnx;

import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.ImportedModel;
import dev.mcugen.ir.Op;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The PyTorch ONNX fixtures of the data-movement ops and transposed convolutions
 * ({@code examples/torch-onnx-fixtures.py}: nn.ZeroPad2d / F.pad, nn.Upsample / F.interpolate
 * nearest, mean / amax over H, W, ConvTranspose2d with padding and output_padding, and PyTorch's
 * {@code padding=1, stride=2} on an even size for Conv, MaxPool and AvgPool): the imported graph
 * gives PyTorch's outputs, through the IR ops named.
 */
class TorchShapeFixturesTest {
    @ParameterizedTest(name = "{0} opset {1}")
    @CsvSource({
        "pad, 13, 'Pad,Conv+Relu,Pad,Conv'",
        "pad, 17, 'Pad,Conv+Relu,Pad,Conv'",
        "upsample, 13, 'Conv+Tanh,Resize,Resize,Conv'",
        "upsample, 17, 'Conv+Tanh,Resize,Resize,Conv'",
        "conv_transpose, 13, 'ConvTranspose,ConvTranspose,Relu,ConvTranspose'",
        "conv_transpose, 17, 'ConvTranspose,ConvTranspose,Relu,ConvTranspose'",
        "strided_pad, 13, 'Pad,Conv+Relu,Pad,MaxPool,Pad,AveragePool,Flatten,Gemm'",
        "strided_pad, 17, 'Pad,Conv+Relu,Pad,MaxPool,Pad,AveragePool,Flatten,Gemm'",
        "mean, 13, 'Conv+Relu,ReduceMean,ReduceMax,Concat,Gemm'",
        "mean, 17, 'Conv+Relu,ReduceMean,ReduceMax,Concat,Gemm'",
    })
    void importedModelGivesPyTorchsOutputs(String name, int opset, String sourceOps) {
        ImportedModel m = OnnxImporter.load(TorchFixturesTest.resource(name + "_op" + opset + ".onnx"));
        FloatTensor x = TorchFixturesTest.npy(name + "_x.npy");
        FloatTensor expected = TorchFixturesTest.npy(name + "_y.npy");
        FloatTensor got = TorchFixturesTest.run(m, x);
        assertThat(got.shape()).isEqualTo(expected.shape());
        double worst = 0;
        for (int i = 0; i < got.size(); i++) {
            double err = Math.abs(got.get(i) - expected.get(i));
            worst = Math.max(worst, err);
            assertThat(err).as("%s opset %d element %d: %s vs %s", name, opset, i, got.get(i), expected.get(i))
                    .isLessThanOrEqualTo(1e-5 + 1e-4 * Math.abs(expected.get(i)));
        }
        System.out.printf("%s opset %d: max abs error %.3g over %d values; ops %s; IR %s%n", name, opset, worst,
                got.size(), m.sourceOps().values(), m.graph().nodes().stream().map(n -> n.op().kind()).toList());
        assertThat(String.join(",", m.graph().nodes().stream().map(n -> m.sourceOps().get(n.name())).toList()))
                .isEqualTo(sourceOps);
        if (name.equals("strided_pad")) {
            assertThat(m.graph().nodes().stream().filter(n -> n.op() instanceof Op.ZeroPadding).count()).isEqualTo(3);
        }
    }
}
