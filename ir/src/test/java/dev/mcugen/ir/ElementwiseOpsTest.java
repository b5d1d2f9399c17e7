package dev.mcugen.ir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcugen.ir.interp.FloatInterpreter;
import dev.mcugen.ir.json.GraphJson;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The element-wise ops in the IR: broadcast rule, constant operands, graph JSON, float semantics, stats. */
class ElementwiseOpsTest {
    private static final float[] A = {1, -2, 3, 4, -5, 6};       // [2, 3]
    private static final float[] B = {0.5f, 2, -3, 8, 1, -6};    // [2, 3]
    private static final float[] V = {10, -1, 2};                // [3]

    private static float[] run(Op op, Map<String, FloatTensor> weights, String... inputs) {
        GraphBuilder b = new GraphBuilder("g").input("a", Shape.of(2, 3)).input("b", Shape.of(2, 3))
                .input("v", Shape.of(3));
        b.add("y", op, List.of(inputs), weights);
        Graph g = b.output("y").build();
        return new FloatInterpreter(g).run(Map.of("a", FloatTensor.of(Shape.of(2, 3), A),
                "b", FloatTensor.of(Shape.of(2, 3), B), "v", FloatTensor.of(Shape.of(3), V))).get("y").toArray();
    }

    @Test
    void floatSemanticsFollowKeras() {
        assertThat(run(new Op.Subtract(), Map.of(), "a", "b")).containsExactly(0.5f, -4, 6, -4, -6, 12);
        assertThat(run(new Op.Multiply(), Map.of(), "a", "b", "v")).containsExactly(5, 4, -18, 320, 5, -72);
        assertThat(run(new Op.Average(), Map.of(), "a", "b")).containsExactly(0.75f, 0, 0, 6, -2, 0);
        assertThat(run(new Op.Maximum(), Map.of(), "a", "v")).containsExactly(10, -1, 3, 10, -1, 6);
        assertThat(run(new Op.Minimum(), Map.of(), "v", "a", "b")).containsExactly(0.5f, -2, -3, 4, -5, -6);
        assertThat(run(new Op.Add(), Map.of(), "v", "a")).containsExactly(11, -3, 5, 14, -6, 8);
    }

    @Test
    void theConstantIsTheOperandAtItsPosition() {
        Map<String, FloatTensor> c = Map.of("constant", FloatTensor.of(Shape.of(3), V));
        assertThat(run(new Op.Subtract(0), c, "a")).containsExactly(9, 1, -1, 6, 4, -4);
        assertThat(run(new Op.Subtract(1), c, "a")).containsExactly(-9, -1, 1, -6, -4, 4);
        assertThat(run(new Op.Average(1), c, "a", "b")).containsExactly(11.5f / 3, -1f / 3, 2f / 3, 22f / 3, -5f / 3,
                2f / 3);
    }

    @Test
    void broadcastRule() {
        assertThat(ElementwiseShapes.outputShape("x", new Op.Add(), List.of(Shape.of(4, 3), Shape.of(1, 3))))
                .isEqualTo(Shape.of(4, 3));
        assertThat(ElementwiseShapes.outputShape("x", new Op.Add(), List.of(Shape.of(3), Shape.of(5, 2, 3))))
                .isEqualTo(Shape.of(5, 2, 3));
        assertThat(ElementwiseShapes.outputShape("x", new Op.Add(), List.of(Shape.of(3), Shape.of(1, 3))))
                .isEqualTo(Shape.of(1, 3));
        shapeFails(new Op.Multiply(), List.of(Shape.of(4, 3), Shape.of(4, 1)), "do not broadcast");
        shapeFails(new Op.Multiply(), List.of(Shape.of(4, 3), Shape.of(1, 1, 3)), "do not broadcast");
        shapeFails(new Op.Subtract(), List.of(Shape.of(3), Shape.of(3), Shape.of(3)), "exactly 2 operands, got 3");
        shapeFails(new Op.Subtract(1), List.of(Shape.of(3), Shape.of(3)), "exactly 2 operands, got 3");
        shapeFails(new Op.Maximum(), List.of(Shape.of(3)), "two or more operands, got 1");
        shapeFails(new Op.Maximum(4), List.of(Shape.of(3)), "constant operand position 4");
    }

    private static void shapeFails(Op op, List<Shape> in, String detail) {
        assertThatThrownBy(() -> ShapeInference.outputShape("y", op, in)).isInstanceOfSatisfying(McugenException.class,
                e -> {
                    assertThat(e.diag()).isEqualTo(Diag.MCG_GRAPH_SHAPE);
                    assertThat(e.getMessage()).contains("layer 'y'", detail);
                });
    }

    @Test
    void graphJsonReadsAndWritesTheConstantOperand() {
        String json = """
                {"format": "mcugen-graph", "version": 1, "name": "m",
                 "inputs": [{"name": "x", "shape": [4, 3]}],
                 "nodes": [{"name": "y", "op": "subtract", "inputs": ["x"], "attrs": {"constant_operand": 0},
                            "weights": {"constant": {"shape": [3], "data": [1, 2, 3]}}},
                           {"name": "z", "op": "maximum", "inputs": ["y", "x"]}],
                 "outputs": ["z"]}""";
        Graph g = GraphJson.fromJson(json);
        assertThat(g.node("y").orElseThrow().op()).isEqualTo(new Op.Subtract(0));
        assertThat(g.node("z").orElseThrow().op()).isEqualTo(new Op.Maximum());
        String back = GraphJson.toJson(g);
        assertThat(back).contains("\"constant_operand\": 0").contains("\"op\": \"maximum\"");
        assertThat(GraphJson.fromJson(back).nodes()).isEqualTo(g.nodes());
        // a constant operand needs its weight
        McugenException e = org.junit.jupiter.api.Assertions.assertThrows(McugenException.class,
                () -> GraphJson.fromJson(json.replace("\"weights\": {\"constant\": {\"shape\": [3], \"data\": [1, 2, 3]}}",
                        "\"comment\": \"no weights\"")));
        assertThat(e.diag()).isEqualTo(Diag.MCG_IMPORT_WEIGHT_MISSING);
        assertThat(e.getMessage()).contains("constant");
        McugenException neg = org.junit.jupiter.api.Assertions.assertThrows(McugenException.class,
                () -> GraphJson.fromJson(json.replace("\"constant_operand\": 0", "\"constant_operand\": -2")));
        assertThat(neg.diag()).isEqualTo(Diag.MCG_GRAPH_ATTR);
    }

    @Test
    void statsCountTheMultipliesAndTheConstant() {
        GraphBuilder b = new GraphBuilder("g").input("a", Shape.of(4, 3));
        b.add("m", new Op.Multiply(1), List.of("a"), Map.of("constant", FloatTensor.of(Shape.of(3), V)));
        b.add("n", new Op.Multiply(), List.of("a", "m", "a"), Map.of());
        ModelStats s = ModelStats.of(b.output("n").build());
        assertThat(s.layers().get(0).parameters()).isEqualTo(3);
        assertThat(s.layers().get(0).macs()).isEqualTo(12);
        assertThat(s.layers().get(1).macs()).isEqualTo(24);
    }
}
