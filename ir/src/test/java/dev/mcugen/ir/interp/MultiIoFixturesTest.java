package dev.mcugen.ir.interp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcugen.ir.Graph;
import dev.mcugen.ir.GraphInput;
import dev.mcugen.ir.ModelLoader;
import dev.mcugen.ir.Shape;
import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The TF.js functional models with several inputs and outputs ({@code examples/lib/multiio.js}): they
 * import with the inputs and outputs in the model's order, and the float interpreter gives TF.js's
 * {@code model.predict} for every output ({@code expected_<k>.npy}).
 */
class MultiIoFixturesTest {
    private static Path fixture(String name) throws URISyntaxException {
        return TfjsGoldenTest.fixtures().resolve(name);
    }

    @Test
    void twoHeadsKeepsTheModelsOrderAndMatchesTfjs() throws URISyntaxException {
        Path dir = fixture("multiio_two_heads");
        Graph g = ModelLoader.load(dir.resolve("model.json"));
        assertThat(g.inputs()).extracting(GraphInput::name).containsExactly("sequence", "side");
        assertThat(g.inputs().get(0).shape().rank()).isEqualTo(2);
        assertThat(g.inputs().get(1).shape().rank()).isEqualTo(1);
        assertThat(g.outputs()).containsExactly("class", "value");
        assertThat(g.shapes().get("value")).isEqualTo(Shape.of(2));
        double worst = FrameworkGoldens.check(dir, "input.npy", "expected.npy");
        assertThat(worst).isLessThanOrEqualTo(FrameworkGoldens.TOLERANCE);
    }

    @Test
    void concatenatedInputsOfOtherRangesMatchTfjs() throws URISyntaxException {
        Path dir = fixture("multiio_concat_ranges");
        Graph g = ModelLoader.load(dir.resolve("model.json"));
        assertThat(g.inputs()).extracting(GraphInput::name).containsExactly("seq_a", "seq_b", "feat_p", "feat_q");
        assertThat(g.outputs()).containsExactly("seq_head", "feat_head");
        double worst = FrameworkGoldens.check(dir, "input.npy", "expected.npy");
        assertThat(worst).isLessThanOrEqualTo(FrameworkGoldens.TOLERANCE);
    }
}
