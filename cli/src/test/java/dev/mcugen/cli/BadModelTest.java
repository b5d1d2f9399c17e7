package dev.mcugen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The foundation issue's bad inputs, end to end through the command line: each broken copy of the
 * har_lstm example is refused with exit 3 and one line naming the file and the layer or tensor.
 */
class BadModelTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    /** A copy of the har_lstm example in a fresh folder. */
    Path copy() throws IOException {
        Path dir = Files.createTempDirectory(tmp, "har");
        try (Stream<Path> files = Files.list(CliTest.HAR)) {
            for (Path f : files.toList()) {
                Files.copy(f, dir.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return dir;
    }

    Path withManifest(Consumer<ObjectNode> edit) throws IOException {
        Path dir = copy();
        ObjectNode model = (ObjectNode) JSON.readTree(dir.resolve("model.json").toFile());
        edit.accept(model);
        JSON.writeValue(dir.resolve("model.json").toFile(), model);
        return dir;
    }

    static ObjectNode weight(ObjectNode model, int index) {
        return (ObjectNode) model.get("weightsManifest").get(0).get("weights").get(index);
    }

    static void assertRejected(Path dir, String... contains) {
        CliTest.Result r = CliTest.run("inspect", dir.resolve("model.json").toString());
        CliTest.assertOneLineError(r, 3, contains);
        assertThat(r.err()).contains(dir.resolve("model.json").toString());
    }

    @Test
    void missingShard() throws IOException {
        Path dir = copy();
        Files.delete(dir.resolve("group1-shard3of5.bin"));
        assertRejected(dir, "group1-shard3of5.bin", "MCG_IMPORT_SHARD_MISSING");
    }

    @Test
    void truncatedShard() throws IOException {
        Path dir = copy();
        Path last = dir.resolve("group1-shard5of5.bin");
        Files.write(last, java.util.Arrays.copyOf(Files.readAllBytes(last), (int) Files.size(last) - 8));
        assertRejected(dir, "MCG_IMPORT_SHARD_SIZE");
    }

    @Test
    void manifestShapeThatDoesNotFitTheLayer() throws IOException {
        // Swap the shapes of kernel [3,128] and ... so the byte count stays right but the layer cannot use it.
        Path dir = withManifest(m -> {
            ArrayNode shape = (ArrayNode) weight(m, 0).get("shape");
            shape.removeAll().add(128).add(3);
        });
        assertRejected(dir, "lstm", "kernel", "MCG_IMPORT_WEIGHT_SHAPE");
    }

    @Test
    void nanAndInfinityWeights() throws IOException {
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY}) {
            Path dir = copy();
            Path first = dir.resolve("group1-shard1of5.bin");
            byte[] b = Files.readAllBytes(first);
            ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putFloat(40, bad);
            Files.write(first, b);
            assertRejected(dir, "lstm", "kernel", "MCG_IMPORT_WEIGHT_NONFINITE");
        }
    }

    @Test
    void shardPathsThatLeaveTheModelFolder() throws IOException {
        for (String path : new String[] {"../group1-shard1of5.bin", "/etc/passwd"}) {
            Path dir = withManifest(m -> ((ArrayNode) m.get("weightsManifest").get(0).get("paths")).set(0, path));
            assertRejected(dir, path, "MCG_IMPORT_SHARD_PATH");
        }
    }

    @Test
    void unknownDtype() throws IOException {
        Path dir = withManifest(m -> weight(m, 2).put("dtype", "complex64"));
        assertRejected(dir, "lstm/bias", "complex64", "MCG_IMPORT_WEIGHT_DTYPE");
    }

    @Test
    void layerWithoutItsWeights() throws IOException {
        // Drop the dense layer's weights from the manifest and the bytes from the shards.
        Path dir = withManifest(m -> {
            ArrayNode w = (ArrayNode) m.get("weightsManifest").get(0).get("weights");
            w.remove(4);
            w.remove(3);
        });
        Path last = dir.resolve("group1-shard5of5.bin");
        byte[] b = Files.readAllBytes(last);
        Files.write(last, java.util.Arrays.copyOf(b, b.length - (32 * 4 + 4) * 4));
        assertRejected(dir, "output", "MCG_IMPORT_WEIGHT_MISSING");
    }

    @Test
    void emptyModel() throws IOException {
        Path dir = withManifest(m -> {
            ((ArrayNode) m.get("modelTopology").get("config").get("layers")).removeAll();
            m.putArray("weightsManifest");
        });
        assertRejected(dir, "MCG_IMPORT_EMPTY_MODEL");
    }

    @Test
    void unsupportedLayerAndActivation() throws IOException {
        Path layer = withManifest(m -> ((ObjectNode) m.get("modelTopology").get("config").get("layers").get(1))
                .put("class_name", "GroupNormalization"));
        assertRejected(layer, "output", "GroupNormalization", "MCG_IMPORT_LAYER_UNSUPPORTED");
        Path act = withManifest(m -> ((ObjectNode) m.get("modelTopology").get("config").get("layers").get(1).get("config"))
                .put("activation", "gelu"));
        assertRejected(act, "output", "gelu", "MCG_IMPORT_ACTIVATION_UNSUPPORTED");
    }

    @Test
    void simulateWithDataThatDoesNotFitTheModel() {
        // [N, 30, 13] keyword frames into the [N, 50, 3] activity model.
        CliTest.Result r = CliTest.run("simulate", CliTest.HAR.toString(), "--data",
                CliTest.ROOT.resolve("examples/kws_gru/test.npy").toString(), "--mode", "float", "--out",
                tmp.resolve("y.npy").toString());
        CliTest.assertOneLineError(r, 3, "kws_gru/test.npy", "[200, 30, 13]", "lstm_input", "[N, 50, 3]", "MCG_DATA_SHAPE");
        assertThat(tmp.resolve("y.npy")).doesNotExist();
    }
}
