package dev.mcugen.ir.h5;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.ImportedModel;
import dev.mcugen.ir.ModelLoader;
import dev.mcugen.ir.Node;
import dev.mcugen.ir.data.InputData;
import dev.mcugen.ir.interp.Batch;
import dev.mcugen.ir.interp.FloatInterpreter;
import dev.mcugen.ir.npy.Npy;
import dev.mcugen.ir.tfjs.TfjsImporter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The Keras 3 {@code .keras} archives and Keras 3 legacy {@code .h5} files that
 * {@code examples/keras3-fixtures.py} makes from TF.js fixtures: each gives the graph of its TF.js
 * original (same ops, names and weights, bit for bit) and the outputs TF.js computed.
 */
class KerasFixturesTest {
    private static final Path KERAS = Path.of("src/test/resources/keras");
    private static final Path TFJS = Path.of("src/test/resources/tfjs");
    /** The bound the TF.js goldens are held to (FrameworkGoldens). */
    private static final double TOLERANCE = 1e-5;

    @TestFactory
    Stream<DynamicTest> everyFileGivesTheGraphAndOutputsOfItsTfjsOriginal() {
        List<Path> files = files();
        assertThat(files).hasSizeGreaterThanOrEqualTo(11 + 8);
        return files.stream().map(f -> dynamicTest(f.getFileName().toString(), () -> {
            ImportedModel m = ModelLoader.open(f);
            assertThat(m.format()).isEqualTo(f.toString().endsWith(".keras") ? ModelLoader.Format.KERAS_V3
                    : ModelLoader.Format.KERAS_H5);
            Path original = TFJS.resolve(original(f));
            Graph want = TfjsImporter.load(original);
            assertThat(m.graph()).isEqualTo(want);
            for (Node n : m.graph().nodes()) {
                assertThat(m.sourceOps()).containsKey(n.name());
            }
            double diff = maxDiffToGoldens(m.graph(), original);
            assertThat(diff).isLessThanOrEqualTo(TOLERANCE);
        }));
    }

    @Test
    void severalInputsAndOutputsKeepTheModelsOrderInEveryFormat() {
        for (String f : List.of("multiio_two_heads.keras", "multiio_two_heads.legacy.h5", "multiio_two_heads.legacy_positional.h5")) {
            Graph g = ModelLoader.open(KERAS.resolve(f)).graph();
            assertThat(g.inputs()).as(f).extracting(dev.mcugen.ir.GraphInput::name).containsExactly("sequence", "side");
            assertThat(g.outputs()).as(f).containsExactly("class", "value");
        }
    }

    @Test
    void nestedSequentialIsInlinedUnderItsLayersNames() {
        ImportedModel m = ModelLoader.open(KERAS.resolve("nested_sequential_backbone.keras"));
        assertThat(m.graph().nodes()).extracting(Node::name).containsExactly("conv2d", "flatten", "dense");
        assertThat(m.graph().nodes().get(0).inputs()).containsExactly("conv2d_input");
        assertThat(m.sourceOps()).containsEntry("conv2d", "Conv2D").containsEntry("flatten", "Flatten");
    }

    /** The TF.js fixture a generated file was made from (see FIXTURES in examples/keras3-fixtures.py). */
    private static String original(Path f) {
        String name = f.getFileName().toString().replaceAll("\\.(keras|legacy\\.h5|legacy_positional\\.h5)$", "");
        return name.equals("nested_sequential_backbone") ? "flatten_conv2d_dense" : name;
    }

    private static double maxDiffToGoldens(Graph g, Path folder) {
        List<Path> inputs = Files.isRegularFile(folder.resolve("input.npy")) ? List.of(folder.resolve("input.npy"))
                : IntStream.range(0, g.inputs().size()).mapToObj(k -> folder.resolve("input_" + k + ".npy")).toList();
        Batch in = InputData.read(g, inputs);
        FloatInterpreter interp = new FloatInterpreter(g);
        List<java.util.Map<String, FloatTensor>> outs = IntStream.range(0, in.size()).mapToObj(i -> interp.run(in.sample(i)))
                .toList();
        // one output: expected.npy; several: expected_<k>.npy in the model's output order
        boolean one = g.outputs().size() == 1;
        double max = 0;
        for (int k = 0; k < g.outputs().size(); k++) {
            float[] want = Npy.read(folder.resolve(one ? "expected.npy" : "expected_" + k + ".npy")).toFloatArray();
            int per = want.length / in.size();
            for (int i = 0; i < in.size(); i++) {
                FloatTensor y = outs.get(i).get(g.outputs().get(k));
                assertThat(y.size()).isEqualTo(per);
                for (int j = 0; j < per; j++) {
                    max = Math.max(max, Math.abs(y.get(j) - want[i * per + j]));
                }
            }
        }
        return max;
    }

    private static List<Path> files() {
        try (Stream<Path> s = Files.list(KERAS)) {
            return s.filter(p -> p.toString().endsWith(".keras") || p.toString().endsWith(".h5")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
