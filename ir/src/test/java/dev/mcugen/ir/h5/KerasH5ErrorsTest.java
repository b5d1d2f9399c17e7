package dev.mcugen.ir.h5;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.mcugen.ir.Diag;
import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.ModelLoader;
import dev.mcugen.ir.Shape;
import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Broken and hostile Keras files: each is refused through {@link ModelLoader#open} (which tells the
 * format by content) with its diagnostic key, in one line that names the file.
 */
class KerasH5ErrorsTest {
    private static final Path KERAS = Path.of("src/test/resources/keras");
    /** A Sequential model: input [3] -> Dense(2, relu). */
    private static final String DENSE_CONFIG = "{\"class_name\": \"Sequential\", \"config\": {\"name\": \"tiny\", \"layers\": ["
            + "{\"class_name\": \"InputLayer\", \"config\": {\"batch_input_shape\": [null, 3], \"name\": \"x\"}},"
            + "{\"class_name\": \"Dense\", \"config\": {\"name\": \"dense\", \"units\": 2, \"activation\": \"relu\"}}]}}";

    @TempDir
    Path tmp;

    // --- .h5 -------------------------------------------------------------------------------------------

    @Test
    void aKeras2StyleFileWrittenHereImports() {
        Path f = h5("ok.h5", DENSE_CONFIG, g -> {
            g.putDataset("kernel:0", new float[][] {{1, 2}, {3, 4}, {5, 6}});
            g.putDataset("bias:0", new float[] {0.5f, -0.5f});
        });
        Graph g = ModelLoader.load(f);
        assertThat(g.node("dense").orElseThrow().weight("kernel")).isEqualTo(FloatTensor.of(Shape.of(3, 2),
                new float[] {1, 2, 3, 4, 5, 6}));
    }

    @Test
    void weightNamesSplitIntoChunks() {
        // Keras writes weight_names0, weight_names1... when the list would exceed 64 KiB
        Path f = tmp.resolve("chunks.h5");
        try (WritableHdfFile h = HdfFile.write(f)) {
            h.putAttribute("model_config", DENSE_CONFIG);
            h.putAttribute("keras_version", "2.15.0");
            WritableGroup dense = h.putGroup("model_weights").putGroup("dense");
            WritableGroup inner = dense.putGroup("dense");
            inner.putDataset("kernel:0", new float[][] {{1, 2}, {3, 4}, {5, 6}});
            inner.putDataset("bias:0", new float[] {0.5f, -0.5f});
            dense.putAttribute("weight_names0", new String[] {"dense/kernel:0"});
            dense.putAttribute("weight_names1", new String[] {"dense/bias:0"});
        }
        assertThat(ModelLoader.load(f).node("dense").orElseThrow().weight("bias").toArray()).containsExactly(0.5f, -0.5f);
    }

    @Test
    void float64WeightsAreConverted() {
        Path f = h5("f64.h5", DENSE_CONFIG, g -> {
            g.putDataset("kernel:0", new double[][] {{0.1, 2}, {3, 4}, {5, 6}});
            g.putDataset("bias:0", new double[] {0.5, -0.5});
        });
        assertThat(ModelLoader.load(f).node("dense").orElseThrow().weight("kernel").get(0)).isEqualTo(0.1f);
    }

    @Test
    void truncatedFile() throws IOException {
        Path f = tmp.resolve("truncated.h5");
        byte[] all = Files.readAllBytes(KERAS.resolve("dense_relu.legacy.h5"));
        Files.write(f, Arrays.copyOf(all, all.length / 2));
        assertRefused(f, Diag.MCG_IMPORT_CORRUPT);
    }

    @Test
    void modelConfigThatIsNotJson() {
        Path f = h5("notjson.h5", "{\"class_name\": \"Sequential\", \"config\": [", g -> { });
        assertThat(assertRefused(f, Diag.MCG_IMPORT_JSON).getMessage()).contains("model_config");
    }

    @Test
    void weightsOnlyFile() {
        Path f = h5("weights.h5", null, g -> g.putDataset("kernel:0", new float[][] {{1, 2}, {3, 4}, {5, 6}}));
        assertThat(assertRefused(f, Diag.MCG_IMPORT_FORMAT).getMessage()).contains("weights-only", "save_weights");
    }

    @Test
    void datasetOfTheWrongShape() {
        Path f = h5("shape.h5", DENSE_CONFIG, g -> {
            g.putDataset("kernel:0", new float[][] {{1, 2, 3}, {4, 5, 6}});
            g.putDataset("bias:0", new float[] {0.5f, -0.5f});
        });
        assertThat(assertRefused(f, Diag.MCG_IMPORT_WEIGHT_SHAPE).getMessage()).contains("layer 'dense'", "kernel");
    }

    @Test
    void datasetOfIntegers() {
        Path f = h5("int.h5", DENSE_CONFIG, g -> {
            g.putDataset("kernel:0", new int[][] {{1, 2}, {3, 4}, {5, 6}});
            g.putDataset("bias:0", new float[] {0.5f, -0.5f});
        });
        assertThat(assertRefused(f, Diag.MCG_IMPORT_CORRUPT).getMessage()).contains("layer 'dense'", "kernel:0", "int");
    }

    @Test
    void weightTheLayerDoesNotHave() {
        Path f = h5("extra.h5", DENSE_CONFIG, g -> {
            g.putDataset("kernel:0", new float[][] {{1, 2}, {3, 4}, {5, 6}});
            g.putDataset("bias:0", new float[] {0.5f, -0.5f});
            g.putDataset("gamma:0", new float[] {1, 1});
        });
        assertThat(assertRefused(f, Diag.MCG_IMPORT_WEIGHT_UNUSED).getMessage()).contains("layer 'dense'", "gamma");
    }

    // --- .keras ----------------------------------------------------------------------------------------

    @Test
    void entryEscapingTheArchive() throws IOException {
        Path f = archive("evil.keras", Map.of("../evil", new byte[] {1}));
        assertThat(assertRefused(f, Diag.MCG_IMPORT_ARCHIVE).getMessage()).contains("../evil");
    }

    @Test
    void absoluteAndBackslashEntries() throws IOException {
        assertRefused(archive("abs.keras", Map.of("/etc/passwd", new byte[] {1})), Diag.MCG_IMPORT_ARCHIVE);
        assertRefused(archive("bs.keras", Map.of("assets\\..\\..\\x", new byte[] {1})), Diag.MCG_IMPORT_ARCHIVE);
    }

    @Test
    void duplicateEntries() throws IOException {
        // ZipOutputStream refuses duplicate names, so the second config is renamed in the bytes afterwards.
        Path f = archive("dup.keras", Map.of("config.jsoX", "{}".getBytes(StandardCharsets.UTF_8)));
        byte[] b = Files.readAllBytes(f);
        byte[] from = "config.jsoX".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i + from.length <= b.length; i++) {
            if (Arrays.equals(b, i, i + from.length, from, 0, from.length)) {
                b[i + from.length - 1] = 'n';
            }
        }
        Files.write(f, b);
        assertThat(assertRefused(f, Diag.MCG_IMPORT_ARCHIVE).getMessage()).contains("twice");
    }

    @Test
    void zipBomb() throws IOException {
        // 100 MB of zeros deflate to about 100 KB.
        Path f = tmp.resolve("bomb.keras");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(f))) {
            zip.putNextEntry(new ZipEntry("config.json"));
            zip.write(read("dense_relu.keras", "config.json"));
            zip.putNextEntry(new ZipEntry("model.weights.h5"));
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 100; i++) {
                zip.write(zeros);
            }
        }
        assertThat(Files.size(f)).isLessThan(1 << 20);
        assertThat(assertRefused(f, Diag.MCG_IMPORT_ARCHIVE).getMessage()).contains("zip bomb");
    }

    @Test
    void zipBombWhoseHeadersUnderstateItsSize() throws IOException {
        Path f = tmp.resolve("liar.keras");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(f))) {
            zip.putNextEntry(new ZipEntry("config.json"));
            zip.write(read("dense_relu.keras", "config.json"));
            zip.putNextEntry(new ZipEntry("model.weights.h5"));
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 100; i++) {
                zip.write(zeros);
            }
        }
        // The central directory entry of model.weights.h5 now declares 1000 unpacked bytes.
        byte[] b = Files.readAllBytes(f);
        byte[] name = "model.weights.h5".getBytes(StandardCharsets.US_ASCII);
        int patched = 0;
        for (int i = 0; i + 46 + name.length <= b.length; i++) {
            if (b[i] == 'P' && b[i + 1] == 'K' && b[i + 2] == 1 && b[i + 3] == 2
                    && Arrays.equals(b, i + 46, i + 46 + name.length, name, 0, name.length)) {
                java.nio.ByteBuffer.wrap(b, i + 24, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(1000);
                patched++;
            }
        }
        assertThat(patched).isEqualTo(1);
        Files.write(f, b);
        assertThat(assertRefused(f, Diag.MCG_IMPORT_ARCHIVE).getMessage()).contains("unpacks to more than");
    }

    @Test
    void weightsFileWithoutTheLayersVariables() throws IOException {
        Path h = tmp.resolve("empty.weights.h5");
        try (WritableHdfFile w = HdfFile.write(h)) {
            w.putGroup("vars");
        }
        Path f = archive("novars.keras", Map.of());
        rewrite(f, "model.weights.h5", Files.readAllBytes(h));
        assertThat(assertRefused(f, Diag.MCG_IMPORT_WEIGHT_MISSING).getMessage()).contains("layer 'dense_1'", "layers/dense/vars");
    }

    @Test
    void varsGroupsNamedAfterOtherLayersAreFoundByName() throws IOException {
        // The two Dense layers' state stored the other way round, each vars group naming its layer
        Graph want = dev.mcugen.ir.tfjs.TfjsImporter.load(Path.of("src/test/resources/tfjs/dense_relu"));
        Path h = tmp.resolve("swapped.weights.h5");
        // (no empty root vars group: jhdf 0.9.4 writes an empty group beside others with a broken header)
        try (WritableHdfFile w = HdfFile.write(h)) {
            WritableGroup layers = w.putGroup("layers");
            putVars(layers.putGroup("dense"), "dense_2", want);
            putVars(layers.putGroup("dense_1"), "dense_1", want);
        }
        Path f = archive("swapped.keras", Map.of());
        rewrite(f, "model.weights.h5", Files.readAllBytes(h));
        assertThat(ModelLoader.load(f)).isEqualTo(want);

        Path g = tmp.resolve("stranger.weights.h5");
        try (WritableHdfFile w = HdfFile.write(g)) {
            WritableGroup layers = w.putGroup("layers");
            putVars(layers.putGroup("dense"), "dense_2", want);
            putVars(layers.putGroup("dense_1"), "dense_2", want);
        }
        Path f2 = archive("stranger.keras", Map.of());
        rewrite(f2, "model.weights.h5", Files.readAllBytes(g));
        assertThat(assertRefused(f2, Diag.MCG_IMPORT_WEIGHT_MISSING).getMessage()).contains("layer 'dense_1'", "'dense_2'");
    }

    private static void putVars(WritableGroup layer, String name, Graph g) {
        WritableGroup vars = layer.putGroup("vars");
        FloatTensor k = g.node(name).orElseThrow().weight("kernel");
        int rows = k.shape().dim(0);
        int cols = k.shape().dim(1);
        float[][] kernel = new float[rows][cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                kernel[r][c] = k.get(r * cols + c);
            }
        }
        vars.putDataset("0", kernel);
        vars.putDataset("1", g.node(name).orElseThrow().weight("bias").toArray());
        vars.putAttribute("name", name);
    }

    @Test
    void missingWeights() throws IOException {
        Path f = tmp.resolve("noweights.keras");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(f))) {
            zip.putNextEntry(new ZipEntry("metadata.json"));
            zip.write(read("dense_relu.keras", "metadata.json"));
            zip.putNextEntry(new ZipEntry("config.json"));
            zip.write(read("dense_relu.keras", "config.json"));
        }
        assertThat(assertRefused(f, Diag.MCG_IMPORT_ARCHIVE).getMessage()).contains("model.weights.h5");
    }

    @Test
    void weightsThatAreNotHdf5() throws IOException {
        Path f = archive("garbage.keras", Map.of());
        rewrite(f, "model.weights.h5", "not an HDF5 file".getBytes(StandardCharsets.US_ASCII));
        assertRefused(f, Diag.MCG_IMPORT_CORRUPT);
    }

    @Test
    void configThatIsNotJson() throws IOException {
        Path f = archive("badconfig.keras", Map.of());
        rewrite(f, "config.json", "{\"module\": ".getBytes(StandardCharsets.US_ASCII));
        assertThat(assertRefused(f, Diag.MCG_IMPORT_JSON).getMessage()).contains("config.json");
    }

    // --- helpers ---------------------------------------------------------------------------------------

    private static McugenException assertRefused(Path f, Diag diag) {
        McugenException e = catchThrowableOfType(McugenException.class, () -> ModelLoader.open(f));
        assertThat(e).as("refusal of " + f).isNotNull();
        assertThat(e.diag()).as(e.getMessage()).isEqualTo(diag);
        assertThat(e.getMessage()).contains(f.getFileName().toString()).doesNotContain("\n").doesNotContain("\r");
        System.out.println(e.getMessage());
        return e;
    }

    /** An HDF5 file in Keras 2's layout with one layer group 'dense' (weights added by {@code weights}). */
    private Path h5(String name, String modelConfig, Consumer<WritableGroup> weights) {
        Path f = tmp.resolve(name);
        try (WritableHdfFile h = HdfFile.write(f)) {
            if (modelConfig != null) {
                h.putAttribute("model_config", modelConfig);
            }
            h.putAttribute("keras_version", "2.15.0");
            h.putAttribute("backend", "tensorflow");
            WritableGroup mw = h.putGroup("model_weights");
            mw.putAttribute("layer_names", new String[] {"x", "dense"});
            WritableGroup dense = mw.putGroup("dense");
            WritableGroup inner = dense.putGroup("dense");
            weights.accept(inner);
            String[] names = inner.getChildren().keySet().stream().map(k -> "dense/" + k).toArray(String[]::new);
            if (names.length > 0) {
                dense.putAttribute("weight_names", names);
            }
        }
        return f;
    }

    /** A copy of dense_relu.keras plus {@code extra} entries. */
    private Path archive(String name, Map<String, byte[]> extra) throws IOException {
        Path f = tmp.resolve(name);
        Map<String, byte[]> entries = new LinkedHashMap<>();
        for (String e : new String[] {"metadata.json", "config.json", "model.weights.h5"}) {
            entries.put(e, read("dense_relu.keras", e));
        }
        entries.putAll(extra);
        write(f, entries);
        return f;
    }

    private static void rewrite(Path f, String entry, byte[] bytes) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipFile z = new ZipFile(f.toFile())) {
            for (ZipEntry e : java.util.Collections.list(z.entries())) {
                entries.put(e.getName(), z.getInputStream(e).readAllBytes());
            }
        }
        entries.put(entry, bytes);
        write(f, entries);
    }

    private static void write(Path f, Map<String, byte[]> entries) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue());
            }
        }
        Files.write(f, out.toByteArray());
    }

    private static byte[] read(String archive, String entry) throws IOException {
        try (ZipFile z = new ZipFile(KERAS.resolve(archive).toFile())) {
            return z.getInputStream(z.getEntry(entry)).readAllBytes();
        }
    }
}
