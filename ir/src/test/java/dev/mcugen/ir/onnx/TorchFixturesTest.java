package dev.mcugen.ir.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcugen.ir.Diag;
import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.ImportedModel;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.ModelLoader;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.data.Layouts;
import dev.mcugen.ir.interp.FloatInterpreter;
import dev.mcugen.ir.npy.Npy;
import dev.mcugen.ir.npy.NpyArray;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * PyTorch models exported by {@code examples/torch-onnx-fixtures.py} ({@code torch.onnx.export}, opset 13
 * with an open batch axis and opset 17 with batch 1): the float interpreter on the imported model gives
 * PyTorch's outputs (rtol 1e-4, atol 1e-5), data in PyTorch's layout converted at the boundary.
 */
class TorchFixturesTest {
    static Path resource(String name) {
        try {
            return Path.of(TorchFixturesTest.class.getResource("/onnx/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new AssertionError(e);
        }
    }

    static FloatTensor npy(String name) {
        NpyArray a = Npy.read(resource(name));
        return FloatTensor.of(Shape.of(a.shape().stream().mapToInt(Integer::intValue).toArray()), a.toFloatArray());
    }

    /** Runs a single-input, single-output model on PyTorch-layout data and returns PyTorch-layout outputs. */
    static FloatTensor run(ImportedModel m, FloatTensor x) {
        Graph g = m.graph();
        String in = g.inputs().get(0).name();
        String out = g.outputs().get(0);
        int[] pin = Layouts.samplePerm(m, in);
        int[] pout = Layouts.samplePerm(m, out);
        FloatTensor y = new FloatInterpreter(g).runBatch(pin == null ? x : Layouts.toIr(x, pin));
        return pout == null ? y : Layouts.toSource(y, pout);
    }

    @ParameterizedTest(name = "{0} opset {1}")
    @CsvSource({
        "mlp, 13, 'Gemm+Relu+Clip,Gemm+Softmax'",
        "mlp, 17, 'Gemm+Relu+Clip,Gemm+Softmax'",
        "cnn, 13, 'Conv+Relu,BatchNormalization,MaxPool,Conv+Tanh,Flatten,Gemm'",
        "cnn, 17, 'Conv+Relu,BatchNormalization,MaxPool,Conv+Tanh,Flatten,Gemm'",
        "conv1d, 13, 'Conv+Relu,Conv+Sigmoid,ReduceMean,Gemm'",
        "conv1d, 17, 'Conv+Relu,Conv+Sigmoid,ReduceMean,Gemm'",
        "lstm, 13, 'LSTM,Gemm'",
        "lstm, 17, 'LSTM,Gemm'",
        "lstm_seqfirst, 13, 'LSTM,Gemm+Tanh'",
        "lstm_seqfirst, 17, 'LSTM,Gemm+Tanh'",
        "gru, 13, 'GRU,Gemm'",
        "gru, 17, 'GRU,Gemm'",
        "rnn, 13, 'RNN,MatMul+Add'",
        "rnn, 17, 'RNN,MatMul+Add'",
        "gap, 13, 'Conv+Relu,AveragePool,GlobalAveragePool,Gemm+Softmax'",
        "gap, 17, 'Conv+Relu,AveragePool,GlobalAveragePool,Gemm+Softmax'",
        "resnet, 13, 'Conv+Relu,Conv+Relu,Conv,Add,Relu,Concat,GlobalAveragePool,Gemm'",
        "resnet, 17, 'Conv+Relu,Conv+Relu,Conv,Add,Relu,Concat,GlobalAveragePool,Gemm'",
        "depthwise, 13, 'Conv+Relu,Conv,Flatten,Gemm'",
        "depthwise, 17, 'Conv+Relu,Conv,Flatten,Gemm'",
        "eltwise, 13, 'Conv+Tanh,Conv,Mul,Max,Sub,Min,Add,Add,Mul,Div,Max,Flatten,Gemm'",
        "eltwise, 17, 'Conv+Tanh,Conv,Mul,Max,Sub,Min,Add,Add,Mul,Div,Max,Flatten,Gemm'",
        "hardsigmoid, 13, 'Gemm,HardSigmoid'",
        "hardsigmoid, 17, 'Gemm,HardSigmoid'",
        "activations, 13, 'Gemm,LeakyRelu,Gemm+Elu,Gemm,Elu,Gemm+Sigmoid+Mul,Gemm+HardSigmoid+Mul,Gemm,HardSigmoid,Gemm,PRelu'",
        "activations, 17, 'Gemm,LeakyRelu,Gemm+Elu,Gemm,Elu,Gemm+Sigmoid+Mul,Gemm+HardSwish,Gemm,HardSigmoid,Gemm,PRelu'",
        "prelu_conv, 13, 'Conv,PRelu,Conv,PRelu,Sigmoid+Mul'",
        "prelu_conv, 17, 'Conv,PRelu,Conv,PRelu,Sigmoid+Mul'",
        "layernorm, 17, 'LayerNormalization,MatMul+Add'",
        "embedding_gru, 13, 'Gather,GRU,Gemm+Softmax'",
        "embedding_gru, 17, 'Gather,GRU,Gemm+Softmax'",
    })
    void importedModelGivesPyTorchsOutputs(String name, int opset, String sourceOps) {
        ImportedModel m = OnnxImporter.load(resource(name + "_op" + opset + ".onnx"));
        assertThat(m.format()).isEqualTo(ModelLoader.Format.ONNX);
        FloatTensor x = npy(name + "_x.npy");
        FloatTensor expected = npy(name + "_y.npy");
        FloatTensor got = run(m, x);
        assertThat(got.shape()).isEqualTo(expected.shape());
        double worst = 0;
        for (int i = 0; i < got.size(); i++) {
            double err = Math.abs(got.get(i) - expected.get(i));
            worst = Math.max(worst, err);
            assertThat(err).as("%s opset %d element %d: %s vs %s", name, opset, i, got.get(i), expected.get(i))
                    .isLessThanOrEqualTo(1e-5 + 1e-4 * Math.abs(expected.get(i)));
        }
        System.out.printf("%s opset %d: max abs error %.3g over %d values; ops %s%n", name, opset, worst, got.size(),
                m.sourceOps().values());
        assertThat(String.join(",", m.graph().nodes().stream().map(n -> m.sourceOps().get(n.name())).toList()))
                .isEqualTo(sourceOps);
    }

    @Test
    void layerNormOfOpset17IsOneOpAndTheDecomposedFormIsRefused() {
        ImportedModel m = OnnxImporter.load(resource("layernorm_op17.onnx"));
        assertThat(m.graph().nodes().get(0).op()).isEqualTo(new Op.LayerNorm(1e-5f));
        assertThatThrownBy(() -> OnnxImporter.load(resource("layernorm_op13.onnx")))
                .isInstanceOfSatisfying(McugenException.class, e -> {
                    assertThat(e.diag()).isEqualTo(Diag.MCG_IMPORT_UNSUPPORTED);
                    assertThat(e.getMessage()).contains("opset_version=17").contains("ReduceMean");
                });
    }

    @Test
    void embeddingIsAGatherOfTheTableByInt64TokenIds() {
        ImportedModel m = OnnxImporter.load(resource("embedding_gru_op17.onnx"));
        assertThat(m.graph().inputs().get(0).shape()).isEqualTo(Shape.of(7));
        assertThat(m.graph().inputs().get(0).isTokenIds()).isTrue();
        assertThat(m.graph().nodes().get(0).op()).isEqualTo(new Op.Embedding(30, 6));
        assertThat(m.graph().nodes().get(0).outputShape()).isEqualTo(Shape.of(7, 6));
    }

    @Test
    void imagesKeepPyTorchsNchwAtTheBoundary() {
        ImportedModel m = OnnxImporter.load(resource("cnn_op17.onnx"));
        String in = m.graph().inputs().get(0).name();
        assertThat(m.graph().inputs().get(0).shape()).isEqualTo(Shape.of(10, 10, 3));
        assertThat(m.sourceLayout()).containsEntry(in, List.of(1, 2, 0));
        assertThat(m.graph().nodes().get(0).op()).isInstanceOf(Op.Conv2D.class);
        assertThat(m.graph().nodes().get(0).name()).isEqualTo("conv1_Conv");
    }

    @Test
    void conv1dAfterTransposeTakesTheSequenceAsStored() {
        ImportedModel m = OnnxImporter.load(resource("conv1d_op17.onnx"));
        assertThat(m.graph().inputs().get(0).shape()).isEqualTo(Shape.of(12, 4));
        assertThat(m.sourceLayout()).isEmpty();
    }

    @Test
    void recurrentLayersBecomeIrRecurrentOps() {
        Op lstm = OnnxImporter.load(resource("lstm_op17.onnx")).graph().nodes().get(0).op();
        assertThat(lstm).isInstanceOfSatisfying(Op.Lstm.class, l -> assertThat(l.returnSequences()).isFalse());
        Op gru = OnnxImporter.load(resource("gru_op17.onnx")).graph().nodes().get(0).op();
        assertThat(gru).isInstanceOfSatisfying(Op.Gru.class, g -> assertThat(g.resetAfter()).isTrue());
        Op rnn = OnnxImporter.load(resource("rnn_op17.onnx")).graph().nodes().get(0).op();
        assertThat(rnn).isInstanceOfSatisfying(Op.SimpleRnn.class, r -> assertThat(r.returnSequences()).isTrue());
    }

    @Test
    void pytorchHardsigmoidKeepsItsAlphaAndBeta() {
        Op op = OnnxImporter.load(resource("hardsigmoid_op17.onnx")).graph().nodes().get(1).op();
        assertThat(op).isInstanceOfSatisfying(Op.HardSigmoid.class, h -> {
            assertThat(h.alpha()).isEqualTo(1f / 6f);
            assertThat(h.beta()).isEqualTo(0.5f);
        });
    }

    @Test
    void siluBecomesSwishAndPreluSlopesFollowTheChannels() {
        Graph g = OnnxImporter.load(resource("prelu_conv_op17.onnx")).graph();
        Op.PRelu p = (Op.PRelu) g.nodes().get(1).op();
        assertThat(p.sharedAxes()).containsExactly(0, 1); // NCHW slope [6, 1, 1] -> IR [1, 1, 6]
        assertThat(g.nodes().get(1).weight("alpha").shape()).isEqualTo(Shape.of(1, 1, 6));
        assertThat(g.nodes().get(g.nodes().size() - 1).op()).isEqualTo(new Op.Act(dev.mcugen.ir.Activation.SWISH));
    }

    @Test
    void modelLoaderDispatchesOnnxByContent() {
        Map<String, String> ops = ModelLoader.open(resource("mlp_op17.onnx")).sourceOps();
        assertThat(ops.values()).contains("Gemm+Relu+Clip");
    }
}
