package dev.mcugen.ir.tfjs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.mcugen.ir.Activation;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.Node;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The trained example models (examples/train.js writes examples/NAME/model.json) import, and the four
 * the script defines have the layers it builds. Skipped where no example has been trained.
 */
class ExamplesImportTest {
    /** Per example: input shape, then each layer's op kind and output shape, from examples/train.js. */
    private static final Map<String, List<Object>> EXPECTED = Map.of(
            "har_lstm", List.of(Shape.of(50, 3), "lstm", Shape.of(32), "dense", Shape.of(4)),
            "kws_gru", List.of(Shape.of(30, 13), "gru", Shape.of(32), "dense", Shape.of(5)),
            "gesture_conv1d", List.of(Shape.of(64, 6), "conv1d", Shape.of(60, 16), "max_pool", Shape.of(30, 16),
                    "conv1d", Shape.of(30, 32), "global_avg_pool", Shape.of(32), "dense", Shape.of(16),
                    "dropout", Shape.of(16), "dense", Shape.of(5)),
            "stacked_rnn", List.of(Shape.of(40, 4), "lstm", Shape.of(40, 24), "gru", Shape.of(16), "dense", Shape.of(4)));

    /** {@code mcugen.examples}, else {@code <mcugen.root>/examples} (set by the build), else ../examples. */
    static Path examplesRoot() {
        String explicit = System.getProperty("mcugen.examples");
        if (explicit != null) {
            return Path.of(explicit);
        }
        return Path.of(System.getProperty("mcugen.root", ".."), "examples");
    }

    @TestFactory
    Stream<DynamicTest> everyTrainedExampleImports() throws IOException {
        Path root = examplesRoot();
        List<Path> models = List.of();
        if (Files.isDirectory(root)) {
            try (Stream<Path> s = Files.list(root)) {
                models = s.filter(d -> Files.isRegularFile(d.resolve("model.json"))).sorted().toList();
            }
        }
        assumeFalse(models.isEmpty(), "no trained examples under " + root + "; run node examples/train.js");
        return models.stream().map(dir -> dynamicTest(dir.getFileName().toString(), () -> {
            Graph g = TfjsImporter.load(dir.resolve("model.json"));
            assertThat(g.nodes()).isNotEmpty();
            List<Object> expected = EXPECTED.get(dir.getFileName().toString());
            if (expected != null) {
                assertThat(g.inputs()).singleElement().satisfies(i -> assertThat(i.shape()).isEqualTo(expected.get(0)));
                assertThat(g.nodes()).hasSize((expected.size() - 1) / 2);
                for (int i = 0; i < g.nodes().size(); i++) {
                    Node n = g.nodes().get(i);
                    assertThat(n.op().kind()).as(n.name()).isEqualTo(expected.get(1 + 2 * i));
                    assertThat(n.outputShape()).as(n.name()).isEqualTo(expected.get(2 + 2 * i));
                }
                Node last = g.nodes().get(g.nodes().size() - 1);
                assertThat(((Op.Dense) last.op()).activation()).isEqualTo(Activation.SOFTMAX);
                assertThat(g.outputs()).containsExactly(last.name());
            }
        }));
    }
}
