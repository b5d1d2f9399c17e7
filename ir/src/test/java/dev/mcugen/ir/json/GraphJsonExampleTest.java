package dev.mcugen.ir.json;

import dev.mcugen.ir.Activation;
import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.GraphInput;
import dev.mcugen.ir.Node;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Shape;
import org.junit.jupiter.api.Test;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;

/** The hand-written example of docs/model-format.md §6 reads as the document says. */
class GraphJsonExampleTest {

    private static Path example() throws URISyntaxException {
        return Path.of(Objects.requireNonNull(
                GraphJsonExampleTest.class.getResource("/graphs/peephole_projection_lstm.json")).toURI());
    }

    @Test
    void readsAsDocumented() throws Exception {
        Graph g = GraphJson.read(example());
        assertThat(g.name()).isEqualTo("kws_lstm_pp");
        assertThat(g.inputs()).containsExactly(new GraphInput("frames", Shape.of(Shape.UNKNOWN, 2)));
        assertThat(g.outputs()).containsExactly("classes");

        Node lstm = g.node("lstm").orElseThrow();
        assertThat(lstm.op()).isEqualTo(new Op.Lstm(2, Activation.TANH, Activation.SIGMOID, true, false, false,
                true, false, false, 1));
        assertThat(lstm.outputShape()).isEqualTo(Shape.of(1));
        assertThat(lstm.weights().keySet()).containsExactly("kernel", "recurrent_kernel", "bias", "cell_to_input",
                "cell_to_forget", "cell_to_output", "projection_kernel", "projection_bias");
        // row-major: kernel[1][0] is the 9th value; the forget block of the bias (columns 2-3) is 1
        assertThat(lstm.weight("kernel").shape()).isEqualTo(Shape.of(2, 8));
        assertThat(lstm.weight("kernel").get(8)).isEqualTo(-0.4f);
        assertThat(lstm.weight("bias").toArray()).containsExactly(0, 0, 1, 1, 0, 0, 0, 0);
        assertThat(lstm.weight("recurrent_kernel").shape()).isEqualTo(Shape.of(1, 8));
        assertThat(lstm.weight("projection_kernel")).isEqualTo(FloatTensor.of(Shape.of(2, 1), new float[] {0.8f, -0.6f}));
        assertThat(lstm.weight("projection_bias").get(0)).isEqualTo(0.5f);

        Node classes = g.node("classes").orElseThrow();
        assertThat(classes.op()).isEqualTo(new Op.Dense(2, Activation.SOFTMAX, true));
        assertThat(classes.outputShape()).isEqualTo(Shape.of(2));
        assertThat(g.parameterCount()).isEqualTo(16 + 8 + 8 + 6 + 2 + 1 + 2 + 2);
    }

    @Test
    void writtenBackExplicitlyAndCanonically() throws Exception {
        Graph g = GraphJson.read(example());
        String out = GraphJson.toJson(g);
        assertThat(out).doesNotContain("comment");
        assertThat(out).contains("        \"projection_bias\": {\"shape\": [1], \"data\": [0.5]}\n");
        assertThat(out).contains("\"recurrent_activation\": \"sigmoid\"", "\"layer_norm\": false", "\"cifg\": false",
                "\"output_shape\": [1]", "{\"name\": \"frames\", \"shape\": [null, 2]}");
        assertThat(GraphJson.fromJson(out)).isEqualTo(g);
        List<String> weightLines = out.lines().filter(l -> l.contains("\"shape\": [") && l.contains("\"data\"")).toList();
        assertThat(weightLines).hasSize(10);
    }

    @Test
    void documentEmbedsTheExampleVerbatim() throws Exception {
        Path root = Path.of(System.getProperty("mcugen.root", ".."));
        Path doc = root.resolve("docs/model-format.md");
        if (!Files.exists(doc)) {
            doc = Path.of("..", "docs", "model-format.md");
        }
        String md = Files.readString(doc);
        String file = Files.readString(example());
        assertThat(md).contains("```json\n" + file + "```\n");
        // every op the reader knows is documented under its own heading
        for (String kind : GraphJsonReader.KINDS) {
            assertThat(md).containsPattern("(?m)^### .*`" + kind + "`");
        }
    }
}
