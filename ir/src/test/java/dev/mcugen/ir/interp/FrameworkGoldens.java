package dev.mcugen.ir.interp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.ModelLoader;
import dev.mcugen.ir.data.InputData;
import dev.mcugen.ir.npy.Npy;
import dev.mcugen.ir.npy.NpyArray;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Runs a model folder made by TF.js (model.json + shards, an input .npy and TF.js' own
 * {@code model.predict} output) through the importer and the float interpreter and checks the
 * outputs agree within {@link #TOLERANCE} (max abs), the bound the foundation issue sets.
 */
final class FrameworkGoldens {
    static final double TOLERANCE = 1e-5;

    private FrameworkGoldens() {
    }

    /** Folders below {@code root} that hold a model.json, sorted. */
    static List<Path> modelFolders(Path root) {
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(p -> Files.isRegularFile(p.resolve("model.json"))).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Checks one folder; returns the max abs difference found. */
    static double check(Path folder, String inputFile, String expectedFile) {
        Graph g = ModelLoader.load(folder.resolve("model.json"));
        // Multi-input fixtures store one file per input: input_0.npy, input_1.npy, ...
        List<Path> inputs = Files.isRegularFile(folder.resolve(inputFile)) ? List.of(folder.resolve(inputFile))
                : java.util.stream.IntStream.range(0, g.inputs().size())
                        .mapToObj(k -> folder.resolve(inputFile.replace(".npy", "_" + k + ".npy"))).toList();
        Batch in = InputData.read(g, inputs);
        // Multi-output fixtures store one file per output: expected_0.npy, expected_1.npy, ...
        boolean one = Files.isRegularFile(folder.resolve(expectedFile));
        assertThat(one ? 1 : g.outputs().size()).as("%s outputs", folder.getFileName()).isEqualTo(g.outputs().size());
        FloatInterpreter interp = new FloatInterpreter(g);
        List<Map<String, FloatTensor>> outs = new java.util.ArrayList<>();
        for (int i = 0; i < in.size(); i++) {
            outs.add(interp.run(in.sample(i)));
        }
        double maxDiff = 0;
        for (int k = 0; k < g.outputs().size(); k++) {
            String file = one ? expectedFile : expectedFile.replace(".npy", "_" + k + ".npy");
            NpyArray expected = Npy.read(folder.resolve(file));
            float[] want = expected.toFloatArray();
            assertThat(expected.shape().get(0)).as("samples in %s", file).isEqualTo(in.size());
            int per = want.length / in.size();
            for (int i = 0; i < in.size(); i++) {
                FloatTensor y = outs.get(i).get(g.outputs().get(k));
                assertThat(y.size()).as("%s output %s size", folder.getFileName(), g.outputs().get(k)).isEqualTo(per);
                for (int j = 0; j < per; j++) {
                    double d = Math.abs(y.get(j) - want[i * per + j]);
                    if (!(d <= TOLERANCE)) {
                        throw new AssertionError(folder.getFileName() + ": sample " + i + " output " + g.outputs().get(k)
                                + "[" + j + "] = " + y.get(j) + " but TF.js gave " + want[i * per + j] + " (|diff| " + d
                                + " > " + TOLERANCE + ")");
                    }
                    maxDiff = Math.max(maxDiff, d);
                }
            }
        }
        return maxDiff;
    }
}
