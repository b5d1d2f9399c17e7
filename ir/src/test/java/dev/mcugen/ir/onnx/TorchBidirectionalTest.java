package dev.mcugen.ir.onnx;

import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.ImportedModel;
import dev.mcugen.ir.Node;
import dev.mcugen.ir.Op;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PyTorch's bidirectional nn.LSTM / nn.GRU / nn.RNN (batch_first) exported by
 * {@code examples/torch-onnx-fixtures.py}: ONNX {@code direction="bidirectional"} becomes a forward
 * layer, a backward layer ({@code go_backwards}) reversed back into time order and a concatenation;
 * the float interpreter gives PyTorch's outputs (rtol 1e-4, atol 1e-5, as every PyTorch fixture).
 */
class TorchBidirectionalTest {

    @ParameterizedTest(name = "{0} opset {1}")
    @CsvSource({"bilstm_seq, 13", "bilstm_seq, 17", "bigru_last, 13", "bigru_last, 17", "birnn_seq, 13", "birnn_seq, 17"})
    void bidirectionalLayersGivePyTorchsOutputs(String name, int opset) {
        ImportedModel m = OnnxImporter.load(TorchFixturesTest.resource(name + "_op" + opset + ".onnx"));
        FloatTensor x = TorchFixturesTest.npy(name + "_x.npy");
        FloatTensor expected = TorchFixturesTest.npy(name + "_y.npy");
        FloatTensor got = TorchFixturesTest.run(m, x);
        assertThat(got.shape()).isEqualTo(expected.shape());
        for (int i = 0; i < got.size(); i++) {
            assertThat((double) Math.abs(got.get(i) - expected.get(i))).as("%s opset %d element %d", name, opset, i)
                    .isLessThanOrEqualTo(1e-5 + 1e-4 * Math.abs(expected.get(i)));
        }
        List<Op.Recurrent> rec = m.graph().nodes().stream().map(Node::op).filter(o -> o instanceof Op.Recurrent)
                .map(o -> (Op.Recurrent) o).toList();
        assertThat(rec).extracting(Op.Recurrent::goBackwards).containsExactly(false, true);
    }

    /**
     * ONNX has no TimeDistributed: what PyTorch writes for it imports as mcugen's own mapping of Keras'
     * TimeDistributed would: nn.Linear on [N, T, F] is a dense over the last axis, and a Conv2d with a
     * (1, k) kernel over [N, C, T, L] (the 1-D convolution of each time slice) a conv2d of kernel height 1.
     */
    @ParameterizedTest(name = "{0} opset {1}")
    @CsvSource({"td_linear, 13", "td_linear, 17", "td_conv, 13", "td_conv, 17"})
    void timeDistributedEquivalentsGivePyTorchsOutputs(String name, int opset) {
        ImportedModel m = OnnxImporter.load(TorchFixturesTest.resource(name + "_op" + opset + ".onnx"));
        FloatTensor expected = TorchFixturesTest.npy(name + "_y.npy");
        FloatTensor got = TorchFixturesTest.run(m, TorchFixturesTest.npy(name + "_x.npy"));
        assertThat(got.shape()).isEqualTo(expected.shape());
        for (int i = 0; i < got.size(); i++) {
            assertThat((double) Math.abs(got.get(i) - expected.get(i))).as("%s opset %d element %d", name, opset, i)
                    .isLessThanOrEqualTo(1e-5 + 1e-4 * Math.abs(expected.get(i)));
        }
        Op op = m.graph().nodes().get(0).op();
        if (name.equals("td_conv")) {
            assertThat(op).isInstanceOfSatisfying(Op.Conv2D.class, c -> assertThat(c.kernelH()).isEqualTo(1));
        } else {
            assertThat(op).isInstanceOf(Op.Dense.class);
        }
    }

    @Test
    void theSequenceIsForwardPlusTheReversedBackwardConcatenated() {
        ImportedModel m = OnnxImporter.load(TorchFixturesTest.resource("bilstm_seq_op17.onnx"));
        List<Node> nodes = m.graph().nodes();
        Node back = nodes.stream().filter(n -> n.op() instanceof Op.Lstm l && l.goBackwards()).findFirst().orElseThrow();
        Node rev = nodes.stream().filter(n -> n.op() instanceof Op.Reverse).findFirst().orElseThrow();
        assertThat(rev.op()).isEqualTo(new Op.Reverse(0));
        assertThat(rev.inputs()).containsExactly(back.name());
        Node cat = nodes.stream().filter(n -> n.op() instanceof Op.Concatenate).findFirst().orElseThrow();
        assertThat(cat.inputs().get(1)).isEqualTo(rev.name());
        assertThat(((Op.Lstm) back.op()).returnSequences()).isTrue();
    }

    @Test
    void finalStatesOfBothDirectionsFeedTheHead() {
        ImportedModel m = OnnxImporter.load(TorchFixturesTest.resource("bigru_last_op17.onnx"));
        // h_n[-2] and h_n[-1]: the forward and the backward layer's last states, no sequence, no reversal.
        assertThat(m.graph().nodes()).noneMatch(n -> n.op() instanceof Op.Reverse);
        assertThat(m.graph().nodes().stream().map(Node::op).filter(o -> o instanceof Op.Gru).toList())
                .allSatisfy(o -> assertThat(((Op.Gru) o).returnSequences()).isFalse()).hasSize(2);
    }
}
