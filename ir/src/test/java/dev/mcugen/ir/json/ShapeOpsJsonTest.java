package dev.mcugen.ir.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcugen.ir.Activation;
import dev.mcugen.ir.Diag;
import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.GraphBuilder;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Padding;
import dev.mcugen.ir.Shape;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Graph JSON of the data-movement ops and the transposed convolutions: written, read back equal; bad attributes refused. */
class ShapeOpsJsonTest {
    @Test
    void everyNewOpRoundTrips() {
        GraphBuilder b = new GraphBuilder("g").input("x", Shape.of(4, 5, 2));
        b.add("pad", new Op.ZeroPadding(List.of(1, 0, 2, 3)), List.of("x"), Map.of());
        b.add("crop", new Op.Cropping(List.of(0, 1, 1, 0)), List.of("pad"), Map.of());
        b.add("up", new Op.UpSampling(List.of(2, 1)), List.of("crop"), Map.of());
        b.add("t", new Op.ConvTranspose(3, List.of(2, 3), List.of(2, 1), Padding.SAME, List.of(1, 0), Activation.RELU, true),
                List.of("up"), Map.of("kernel", FloatTensor.filled(Shape.of(2, 3, 3, 2), 0.25f),
                        "bias", FloatTensor.filled(Shape.of(3), 0.5f)));
        b.add("perm", new Op.Permute(List.of(3, 1, 2)), List.of("t"), Map.of());
        b.add("flat", new Op.Flatten(), List.of("perm"), Map.of());
        b.add("rep", new Op.RepeatVector(2), List.of("flat"), Map.of());
        b.add("t1", new Op.ConvTranspose(2, List.of(3), List.of(2), Padding.VALID, List.of(), Activation.LINEAR, false),
                List.of("rep"), Map.of("kernel", FloatTensor.filled(Shape.of(3, 2, b.shapeOf("rep").last()), 0.1f)));
        b.add("p1", new Op.ZeroPadding(List.of(2, 0)), List.of("t1"), Map.of());
        b.add("c1", new Op.Cropping(List.of(0, 1)), List.of("p1"), Map.of());
        b.add("u1", new Op.UpSampling(List.of(3)), List.of("c1"), Map.of());
        Graph g = b.output("u1").build();
        String json = GraphJson.toJson(g);
        Graph back = GraphJson.fromJson(json);
        assertThat(back.nodes()).extracting(n -> n.op()).containsExactlyElementsOf(g.nodes().stream().map(n -> n.op()).toList());
        assertThat(back.shapes()).isEqualTo(g.shapes());
        assertThat(GraphJson.toJson(back)).isEqualTo(json);
        assertThat(g.node("t").orElseThrow().outputShape()).isEqualTo(Shape.of(15, 9, 3));
    }

    @Test
    void badAttributesAreRefusedNamingThem() {
        String head = "{\"format\": \"mcugen-graph\", \"version\": 1, \"name\": \"g\", \"inputs\": [{\"name\": \"x\","
                + " \"shape\": [4, 4, 2]}], \"outputs\": [\"n\"], \"nodes\": [{\"name\": \"n\", \"inputs\": [\"x\"], ";
        assertThatThrownBy(() -> GraphJson.fromJson(head + "\"op\": \"zero_padding2d\", \"attrs\": {\"padding\": [1, -1, 0, 0]}}]}"))
                .isInstanceOfSatisfying(McugenException.class, e -> {
                    assertThat(e.diag()).isEqualTo(Diag.MCG_GRAPH_ATTR);
                    assertThat(e.getMessage()).contains("attrs.padding");
                });
        assertThatThrownBy(() -> GraphJson.fromJson(head + "\"op\": \"cropping2d\", \"attrs\": {\"cropping\": [2, 2, 0, 0]}}]}"))
                .isInstanceOfSatisfying(McugenException.class, e -> assertThat(e.diag()).isEqualTo(Diag.MCG_GRAPH_SHAPE));
        assertThatThrownBy(() -> GraphJson.fromJson(head + "\"op\": \"permute\", \"attrs\": {\"dims\": [1, 1, 2]}}]}"))
                .isInstanceOfSatisfying(McugenException.class, e -> {
                    assertThat(e.diag()).isEqualTo(Diag.MCG_GRAPH_SHAPE);
                    assertThat(e.getMessage()).contains("not a permutation");
                });
        assertThatThrownBy(() -> GraphJson.fromJson(head + "\"op\": \"up_sampling2d\", \"attrs\": {\"size\": [0, 2]}}]}"))
                .isInstanceOfSatisfying(McugenException.class, e -> assertThat(e.diag()).isEqualTo(Diag.MCG_GRAPH_ATTR));
    }
}
