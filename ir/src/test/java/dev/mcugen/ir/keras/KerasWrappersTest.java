package dev.mcugen.ir.keras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcugen.ir.Diag;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.ModelLoader;
import dev.mcugen.ir.Node;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Padding;
import dev.mcugen.ir.Shape;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Keras {@code Bidirectional} and {@code TimeDistributed} on the TF.js fixtures of
 * {@code examples/lib/rnn-fixtures.js}: the nodes each becomes, and the refusals (fixtures under
 * {@code tfjs/refused/}, each with the key fixtures.json records).
 */
class KerasWrappersTest {
    static final Path FIXTURES = Path.of("src/test/resources/tfjs");

    @TempDir
    Path tmp;

    private static Graph load(String name) {
        return ModelLoader.load(FIXTURES.resolve(name).resolve("model.json"));
    }

    private static Node node(Graph g, String name) {
        return g.node(name).orElseThrow(() -> new AssertionError("no node " + name + " in " + g.nodes()));
    }

    @Test
    void concatWithSequencesIsForwardBackwardReversedAndConcatenate() {
        Graph g = load("bidi_lstm_concat_seq");
        Node f = node(g, "bidi/forward_lstm");
        Node b = node(g, "bidi/backward_lstm");
        Node rev = node(g, "bidi/backward_lstm/reversed");
        Node merge = node(g, "bidi");
        assertThat(((Op.Lstm) f.op()).goBackwards()).isFalse();
        assertThat(((Op.Lstm) b.op()).goBackwards()).isTrue();
        assertThat(((Op.Lstm) b.op()).returnSequences()).isTrue();
        assertThat(f.inputs()).isEqualTo(b.inputs());
        assertThat(rev.op()).isEqualTo(new Op.Reverse(0));
        assertThat(rev.inputs()).containsExactly(b.name());
        assertThat(merge.op()).isEqualTo(new Op.Concatenate(1));
        assertThat(merge.inputs()).containsExactly(f.name(), rev.name());
        assertThat(merge.outputShape().last()).isEqualTo(2 * ((Op.Lstm) f.op()).units());
        // the two directions have weights of their own
        assertThat(f.weight("kernel").toArray()).isNotEqualTo(b.weight("kernel").toArray());
    }

    @Test
    void sumWithoutSequencesAddsTheLastStatesWithoutReversal() {
        Graph g = load("bidi_lstm_sum_last");
        assertThat(g.nodes()).noneMatch(n -> n.op() instanceof Op.Reverse);
        Node merge = node(g, "bidi");
        assertThat(merge.op()).isInstanceOf(Op.Add.class);
        assertThat(merge.inputs()).containsExactly("bidi/forward_lstm", "bidi/backward_lstm");
        assertThat(((Op.Lstm) node(g, "bidi/backward_lstm").op()).returnSequences()).isFalse();
    }

    @Test
    void aveAndMulMergeTheDirectionsByAverageAndProduct() {
        Graph ave = load("bidi_lstm_ave_seq");
        assertThat(node(ave, "bidi").op()).isEqualTo(new Op.Average());
        assertThat(node(ave, "bidi").inputs()).containsExactly("bidi/forward_lstm", "bidi/backward_lstm/reversed");
        Graph mul = load("bidi_lstm_mul_last");
        assertThat(node(mul, "bidi").op()).isEqualTo(new Op.Multiply());
        assertThat(node(mul, "bidi").inputs()).containsExactly("bidi/forward_lstm", "bidi/backward_lstm");
    }

    @Test
    void aWrappedLayerThatRunsBackwardsMakesTheBackwardDirectionRunForwards() {
        Graph g = load("bidi_stacked_go_backwards");
        assertThat(((Op.Lstm) node(g, "bidi_1/forward_lstm").op()).goBackwards()).isTrue();
        assertThat(((Op.Lstm) node(g, "bidi_1/backward_lstm").op()).goBackwards()).isFalse();
        assertThat(node(g, "bidi_1/backward_lstm/reversed").op()).isEqualTo(new Op.Reverse(0));
        assertThat(node(g, "bidi_2").op()).isInstanceOf(Op.Add.class);
        assertThat(((Op.Gru) node(g, "bidi_2/backward_gru").op()).goBackwards()).isTrue();
    }

    @Test
    void timeDistributedConv1dIsAConv2dOfKernelHeightOne() {
        Graph g = load("time_distributed_conv1d");
        Node c = node(g, "td_1");
        assertThat(c.op()).isInstanceOfSatisfying(Op.Conv2D.class, op -> {
            assertThat(op.kernelH()).isEqualTo(1);
            assertThat(op.strideH()).isEqualTo(1);
            assertThat(op.strideW()).isEqualTo(2);
            assertThat(op.padding()).isEqualTo(Padding.SAME);
        });
        Shape k = c.weight("kernel").shape();
        assertThat(k.dim(0)).isEqualTo(1);
        assertThat(k.rank()).isEqualTo(4);
        assertThat(node(g, "td_2").op()).isInstanceOfSatisfying(Op.Conv2D.class,
                op -> assertThat(op.padding()).isEqualTo(Padding.VALID));
        assertThat(load("time_distributed_dense").nodes()).extracting(Node::op)
                .allSatisfy(op -> assertThat(op).isInstanceOf(Op.Dense.class));
    }

    /** Every fixture under refused/ is refused with the key its fixtures.json entry records, naming the layer. */
    @TestFactory
    Stream<DynamicTest> refusedFixturesAreRefusedWithTheirKey() throws IOException {
        JsonNode index = new ObjectMapper().readTree(FIXTURES.resolve("fixtures.json").toFile());
        List<JsonNode> refused = new ArrayList<>();
        index.get("fixtures").forEach(e -> {
            if (e.has("refused")) {
                refused.add(e);
            }
        });
        assertThat(refused).extracting(e -> e.get("name").asText())
                .contains("time_distributed_lstm_refused")
                .doesNotContain("bidi_lstm_ave_seq", "bidi_gru_mul_seq");
        return refused.stream().map(e -> DynamicTest.dynamicTest(e.get("name").asText(), () -> {
            Path model = FIXTURES.resolve("refused").resolve(e.get("name").asText()).resolve("model.json");
            assertThatThrownBy(() -> ModelLoader.load(model)).isInstanceOfSatisfying(McugenException.class, x -> {
                assertThat(x.diag().name()).isEqualTo(e.get("refused").asText());
                assertThat(x.getMessage()).contains("layer '");
            });
        }));
    }

    @Test
    void refusalsSayWhy() {
        Path td = FIXTURES.resolve("refused/time_distributed_lstm_refused/model.json");
        assertThatThrownBy(() -> ModelLoader.load(td)).hasMessageContaining("layer 'td' (TimeDistributed)")
                .hasMessageContaining("wraps LSTM");
    }

    @Test
    void mergeModeNoneIsRefusedAsTwoOutputs() throws IOException {
        Path src = FIXTURES.resolve("bidi_gru_concat_last");
        Path dir = tmp.resolve("none");
        Files.createDirectories(dir);
        try (Stream<Path> files = Files.list(src)) {
            files.forEach(p -> {
                try {
                    Files.copy(p, dir.resolve(p.getFileName()));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        ObjectMapper om = new ObjectMapper();
        JsonNode root = om.readTree(dir.resolve("model.json").toFile());
        JsonNode bidi = root.at("/modelTopology/config/layers/0/config");
        ((ObjectNode) bidi).putNull("merge_mode");
        om.writeValue(dir.resolve("model.json").toFile(), root);
        assertThatThrownBy(() -> ModelLoader.load(dir.resolve("model.json")))
                .isInstanceOfSatisfying(McugenException.class,
                        e -> assertThat(e.diag()).isEqualTo(Diag.MCG_IMPORT_OPTION_UNSUPPORTED))
                .hasMessageContaining("merge_mode None");
    }

    @Test
    void directionSegmentsKeyTheWeights() {
        assertThat(KerasWrappers.key("forward_lstm/lstm_cell/kernel")).isEqualTo("forward/kernel");
        assertThat(KerasWrappers.key("backward_gru/recurrent_kernel")).isEqualTo("backward/recurrent_kernel");
        assertThat(KerasWrappers.key("lstm_cell/bias")).isEqualTo("bias");
        assertThat(KerasWrappers.key("kernel")).isEqualTo("kernel");
    }
}
