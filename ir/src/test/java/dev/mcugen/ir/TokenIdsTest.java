package dev.mcugen.ir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Token-id inputs: derived from the embeddings that read them, read by embeddings only. */
class TokenIdsTest {
    private static Map<String, FloatTensor> table(int rows, int dim) {
        return Map.of("embeddings", FloatTensor.filled(Shape.of(rows, dim), 0.5f));
    }

    @Test
    void anInputAnEmbeddingReadsHoldsTokenIdsLimitedByTheSmallestTable() {
        GraphBuilder b = new GraphBuilder("g");
        b.input("ids", Shape.of(4)).input("x", Shape.of(3));
        b.add("e1", new Op.Embedding(10, 2), List.of("ids"), table(10, 2));
        b.add("e2", new Op.Embedding(7, 2), List.of("ids"), table(7, 2));
        b.output("e1").output("e2").output("x");
        Graph g = b.build();
        assertThat(g.inputs().get(0).dtype()).isEqualTo(GraphInput.Dtype.TOKEN_IDS);
        assertThat(g.inputs().get(1).dtype()).isEqualTo(GraphInput.Dtype.FLOAT32);
        assertThat(TokenIds.limit(g, "ids")).hasValue(7);
        assertThat(TokenIds.limit(g, "x")).isEmpty();
        assertThat(g.node("e1").orElseThrow().outputShape()).isEqualTo(Shape.of(4, 2));
    }

    @Test
    void tokenIdsFeedEmbeddingsOnlyAndEmbeddingsReadModelInputs() {
        GraphBuilder mixed = new GraphBuilder("g");
        mixed.input("ids", Shape.of(4));
        mixed.add("e", new Op.Embedding(10, 2), List.of("ids"), table(10, 2));
        mixed.add("d", new Op.Dense(2, Activation.LINEAR, false), List.of("ids"),
                Map.of("kernel", FloatTensor.filled(Shape.of(4, 2), 1f)));
        mixed.output("e").output("d");
        assertThatThrownBy(mixed::build).isInstanceOfSatisfying(McugenException.class, e -> {
            assertThat(e.diag()).isEqualTo(Diag.MCG_GRAPH_INVALID);
            assertThat(e.getMessage()).contains("token ids").contains("'d'");
        });
        GraphBuilder computed = new GraphBuilder("g");
        computed.input("x", Shape.of(4));
        computed.add("drop", new Op.Dropout(0.1f), List.of("x"), Map.of());
        computed.add("e", new Op.Embedding(10, 2), List.of("drop"), table(10, 2));
        computed.output("e");
        assertThatThrownBy(computed::build).isInstanceOfSatisfying(McugenException.class, e -> {
            assertThat(e.diag()).isEqualTo(Diag.MCG_GRAPH_INVALID);
            assertThat(e.getMessage()).contains("computed tensor");
        });
    }
}
