package dev.mcugen.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcugen.ir.Graph;
import dev.mcugen.ir.ModelLoader;
import dev.mcugen.ir.ModelStats;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.npy.Npy;
import dev.mcugen.ir.npy.NpyArray;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The scaling benchmark's models are TF.js layers models mcugen's importer reads as announced. */
class ScalingModelsTest {
    @ParameterizedTest
    @CsvSource({"dense,4,40", "lstm,2,12", "lstm,3,600"})
    void importsWithTheAnnouncedParameters(String family, int layers, int width, @TempDir Path dir) throws Exception {
        ScalingModels.Spec s = new ScalingModels.Spec(family, layers, width, 5, 3, 42);
        ScalingModels.write(s, dir);
        Graph g = ModelLoader.load(dir.resolve("model.json"));
        assertThat(g.name()).isEqualTo(s.name());
        assertThat(g.nodes()).hasSize(layers);
        assertThat(ModelStats.of(g).parameters()).isEqualTo(s.params());
        // Shards of TF.js' size, the last one the remainder.
        long bytes = s.params() * 4;
        try (var files = Files.list(dir)) {
            assertThat(files.filter(p -> p.toString().endsWith(".bin")).count())
                    .isEqualTo((bytes + ScalingModels.SHARD_BYTES - 1) / ScalingModels.SHARD_BYTES);
        }
        NpyArray cal = Npy.read(dir.resolve("calibration.npy"));
        int[] shape = family.equals("dense") ? new int[] {3, width} : new int[] {3, 5, width};
        assertThat(cal.shape()).containsExactlyElementsOf(Arrays.stream(shape).boxed().toList());
        assertThat(g.inputs().get(0).shape()).isEqualTo(Shape.of(Arrays.copyOfRange(shape, 1, shape.length)));
    }

    @Test
    void deterministicFromTheSeed(@TempDir Path dir) throws Exception {
        ScalingModels.Spec s = new ScalingModels.Spec("lstm", 2, 30, 4, 2, 9);
        ScalingModels.write(s, dir.resolve("a"));
        ScalingModels.write(s, dir.resolve("b"));
        ScalingModels.write(new ScalingModels.Spec("lstm", 2, 30, 4, 2, 10), dir.resolve("c"));
        for (String f : new String[] {"model.json", "group1-shard1of1.bin", "calibration.npy"}) {
            assertThat(Files.readAllBytes(dir.resolve("b").resolve(f))).as(f).isEqualTo(Files.readAllBytes(dir.resolve("a").resolve(f)));
        }
        assertThat(Files.readAllBytes(dir.resolve("c/group1-shard1of1.bin")))
                .isNotEqualTo(Files.readAllBytes(dir.resolve("a/group1-shard1of1.bin")));
    }

    @Test
    void widthForHitsTheParameterCount() {
        assertThat(new ScalingModels.Spec("lstm", 10, 2048, 1, 1, 0).params()).isEqualTo(335_626_240L);
        for (long p : new long[] {1_000, 1_000_000, 100_000_000}) {
            for (String f : new String[] {"dense", "lstm"}) {
                int layers = f.equals("dense") ? 4 : 2;
                long got = new ScalingModels.Spec(f, layers, ScalingModels.widthFor(f, layers, p), 1, 1, 0).params();
                assertThat((double) got / p).as("%s %d", f, p).isBetween(0.8, 1.25);
            }
        }
    }
}
