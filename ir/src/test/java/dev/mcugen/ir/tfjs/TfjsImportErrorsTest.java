package dev.mcugen.ir.tfjs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcugen.ir.Diag;
import dev.mcugen.ir.McugenException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Broken copies of real fixtures: each is refused with its own diagnostic, naming file and culprit. */
class TfjsImportErrorsTest {
    @TempDir
    Path tmp;

    /** Loads {@code dir}, expecting {@code diag}; checks the one-line message names the model file. */
    static McugenException refused(Path dir, Diag diag) {
        Path file = dir.resolve("model.json");
        McugenException e = catchThrowableOfType(McugenException.class, () -> TfjsImporter.load(file));
        assertThat(e).as("expected " + diag).isNotNull();
        assertThat(e.diag()).as(e.getMessage()).isEqualTo(diag);
        assertThat(e.getMessage()).startsWith(file.toString()).doesNotContain("\n").endsWith("[" + diag.name() + "]");
        return e;
    }

    // --- files ----------------------------------------------------------------------------------------

    @Test
    void missingModelJson() {
        assertThat(refused(tmp, Diag.MCG_IO_NOT_FOUND).subject()).isEqualTo(tmp.resolve("model.json").toString());
    }

    @Test
    void folderMeansItsModelJson() {
        Path dir = ModelFiles.copy("dense_relu", tmp);
        assertThat(TfjsImporter.load(dir).nodes()).hasSize(2);
    }

    @Test
    void invalidJson() throws IOException {
        Path dir = ModelFiles.copy("dense_relu", tmp);
        String text = Files.readString(dir.resolve("model.json"));
        Files.writeString(dir.resolve("model.json"), text.substring(0, text.length() / 2));
        assertThat(refused(dir, Diag.MCG_IMPORT_JSON).getMessage()).contains("line 1, column");
    }

    @Test
    void emptyFile() throws IOException {
        Path dir = ModelFiles.copy("dense_relu", tmp);
        Files.writeString(dir.resolve("model.json"), "");
        refused(dir, Diag.MCG_IMPORT_JSON);
    }

    @Test
    void graphModelIsNotALayersModel() {
        Path dir = ModelFiles.copy("dense_relu", tmp);
        ObjectNode json = ModelFiles.modelJson(dir);
        json.put("format", "graph-model");
        ModelFiles.writeModelJson(dir, json);
        assertThat(refused(dir, Diag.MCG_IMPORT_FORMAT).getMessage()).contains("graph-model", "tfjs_layers_model");
    }

    @Test
    void jsonWithoutModelTopology() {
        Path dir = ModelFiles.copy("dense_relu", tmp);
        ObjectNode json = ModelFiles.modelJson(dir);
        ModelFiles.writeModelJson(dir, json.get("modelTopology"));
        refused(dir, Diag.MCG_IMPORT_FORMAT);
    }

    @Test
    void topologyOfAnotherClass() {
        Path dir = ModelFiles.copy("dense_relu", tmp);
        ObjectNode json = ModelFiles.modelJson(dir);
        ((ObjectNode) json.get("modelTopology")).put("class_name", "Bidirectional");
        ModelFiles.writeModelJson(dir, json);
        refused(dir, Diag.MCG_IMPORT_FORMAT);
    }

    // --- shards ---------------------------------------------------------------------------------------

    @Test
    void missingShard() throws IOException {
        Path dir = ModelFiles.copy("lstm_default_seq", tmp);
        String shard = lastShard(dir);
        Files.delete(dir.resolve(shard));
        assertThat(refused(dir, Diag.MCG_IMPORT_SHARD_MISSING).getMessage()).contains(shard);
    }

    @Test
    void truncatedShard() throws IOException {
        Path dir = ModelFiles.copy("lstm_default_seq", tmp);
        Path shard = dir.resolve(lastShard(dir));
        byte[] b = Files.readAllBytes(shard);
        Files.write(shard, Arrays.copyOf(b, b.length - 4));
        refused(dir, Diag.MCG_IMPORT_SHARD_SIZE);
    }

    @Test
    void shardWithExtraBytes() throws IOException {
        Path dir = ModelFiles.copy("lstm_default_seq", tmp);
        Files.write(dir.resolve(lastShard(dir)), new byte[] {0, 0, 0, 0}, StandardOpenOption.APPEND);
        refused(dir, Diag.MCG_IMPORT_SHARD_SIZE);
    }

    @Test
    void shardPathLeavingTheFolder() throws IOException {
        Path dir = ModelFiles.copy("dense_relu", tmp);
        Files.copy(dir.resolve(lastShard(dir)), tmp.resolve("x.bin"));
        setLastShard(dir, "../x.bin");
        refused(dir, Diag.MCG_IMPORT_SHARD_PATH);
    }

    @Test
    void absoluteShardPath() {
        Path dir = ModelFiles.copy("dense_relu", tmp);
        setLastShard(dir, "/etc/passwd");
        refused(dir, Diag.MCG_IMPORT_SHARD_PATH);
    }

    @Test
    void symlinkedShardPointingOutside() throws IOException {
        Path dir = ModelFiles.copy("dense_relu", tmp);
        Path shard = dir.resolve(lastShard(dir));
        Path outside = Files.move(shard, tmp.resolve("outside.bin"));
        Files.createSymbolicLink(shard, outside);
        refused(dir, Diag.MCG_IMPORT_SHARD_PATH);
    }

    @Test
    void symlinkedShardInsideTheFolderIsFine() throws IOException {
        Path dir = ModelFiles.copy("dense_relu", tmp);
        Path shard = dir.resolve(lastShard(dir));
        Files.createDirectories(dir.resolve("data"));
        Path moved = Files.move(shard, dir.resolve("data/weights.bin"));
        Files.createSymbolicLink(shard, moved);
        assertThat(TfjsImporter.load(dir).nodes()).hasSize(2);
    }

    // --- manifest entries -----------------------------------------------------------------------------

    @Test
    void unknownDtype() {
        Path dir = ModelFiles.copy("dense_relu", tmp);
        ObjectNode json = ModelFiles.modelJson(dir);
        ((ObjectNode) json.get("weightsManifest").get(0).get("weights").get(0)).put("dtype", "float64");
        ModelFiles.writeModelJson(dir, json);
        assertThat(refused(dir, Diag.MCG_IMPORT_WEIGHT_DTYPE).getMessage()).contains("float64", "dense_1/kernel");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"dtype\": \"int4\", \"scale\": 0.1, \"min\": 0}", "{\"dtype\": \"uint8\", \"min\": 0}",
            "{\"dtype\": \"uint16\", \"scale\": \"x\", \"min\": 0}"})
    void unsupportedQuantization(String quantization) throws IOException {
        Path dir = ModelFiles.copy("dense_relu", tmp);
        ObjectNode json = ModelFiles.modelJson(dir);
        ((ObjectNode) json.get("weightsManifest").get(0).get("weights").get(0))
                .set("quantization", ModelFiles.JSON.readTree(quantization));
        ModelFiles.writeModelJson(dir, json);
        refused(dir, Diag.MCG_IMPORT_QUANTIZATION);
    }

    @Test
    void float16QuantizationOfAnInt32Weight() throws IOException {
        Path dir = ModelFiles.copy("dense_relu", tmp);
        ObjectNode json = ModelFiles.modelJson(dir);
        ObjectNode w = (ObjectNode) json.get("weightsManifest").get(0).get("weights").get(0);
        w.put("dtype", "int32");
        w.set("quantization", ModelFiles.JSON.readTree("{\"dtype\": \"float16\"}"));
        ModelFiles.writeModelJson(dir, json);
        refused(dir, Diag.MCG_IMPORT_QUANTIZATION);
    }

    @Test
    void manifestShapeTransposedKeepsTheSizeButNotTheLayer() {
        Path dir = ModelFiles.copy("dense_relu", tmp);
        ObjectNode json = ModelFiles.modelJson(dir);
        ObjectNode kernel = entry(json, "dense_1/kernel");
        ArrayNode shape = (ArrayNode) kernel.get("shape");
        int a = shape.get(0).asInt();
        int b = shape.get(1).asInt();
        kernel.putArray("shape").add(b).add(a);
        ModelFiles.writeModelJson(dir, json);
        assertThat(refused(dir, Diag.MCG_IMPORT_WEIGHT_SHAPE).getMessage()).contains("dense_1", "kernel");
    }

    @Test
    void manifestAndShardsConsistentButWrongForTheLayer() {
        Path dir = ModelFiles.copy("dense_relu", tmp);
        Map<String, ModelFiles.Stored> w = ModelFiles.readWeights(dir);
        ModelFiles.Stored bias = w.get("dense_2/bias");
        int n = bias.shape()[0];
        w.put("dense_2/bias", ModelFiles.Stored.float32("dense_2/bias", new int[] {n + 1}, new float[n + 1]));
        ModelFiles.writeWeights(dir, ModelFiles.modelJson(dir), ModelFiles.list(w));
        assertThat(refused(dir, Diag.MCG_IMPORT_WEIGHT_SHAPE).getMessage()).contains("dense_2", "bias");
    }

    @ParameterizedTest
    @ValueSource(floats = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY})
    void nonFiniteWeight(float bad) {
        Path dir = ModelFiles.copy("lstm_default_seq", tmp);
        Map<String, ModelFiles.Stored> w = ModelFiles.readWeights(dir);
        ModelFiles.Stored k = w.get("lstm/recurrent_kernel");
        float[] v = k.floats();
        v[7] = bad;
        w.put(k.name(), k.withValues(v));
        ModelFiles.writeWeights(dir, ModelFiles.modelJson(dir), ModelFiles.list(w));
        assertThat(refused(dir, Diag.MCG_IMPORT_WEIGHT_NONFINITE).getMessage()).contains("lstm", "recurrent_kernel", "7");
    }

    @Test
    void layerWeightAbsentFromTheManifest() {
        Path dir = ModelFiles.copy("dense_relu", tmp);
        Map<String, ModelFiles.Stored> w = ModelFiles.readWeights(dir);
        w.remove("dense_2/bias");
        ModelFiles.writeWeights(dir, ModelFiles.modelJson(dir), ModelFiles.list(w));
        assertThat(refused(dir, Diag.MCG_IMPORT_WEIGHT_MISSING).getMessage()).contains("dense_2", "bias");
    }

    @Test
    void weightOfNoLayer() {
        Path dir = ModelFiles.copy("dense_relu", tmp);
        Map<String, ModelFiles.Stored> w = ModelFiles.readWeights(dir);
        w.put("dense/kernel", w.get("dense_1/kernel").withName("dense/kernel"));
        ModelFiles.writeWeights(dir, ModelFiles.modelJson(dir), ModelFiles.list(w));
        assertThat(refused(dir, Diag.MCG_IMPORT_WEIGHT_UNUSED).getMessage()).contains("'dense/kernel'");
    }

    @Test
    void weightTheLayerDoesNotUse() {
        Path dir = ModelFiles.copy("dense_no_bias", tmp);
        Map<String, ModelFiles.Stored> w = ModelFiles.readWeights(dir);
        int units = w.get("dense_2/kernel").shape()[1];
        w.put("dense_2/bias", ModelFiles.Stored.float32("dense_2/bias", new int[] {units}, new float[units]));
        ModelFiles.writeWeights(dir, ModelFiles.modelJson(dir), ModelFiles.list(w));
        assertThat(refused(dir, Diag.MCG_IMPORT_WEIGHT_UNUSED).getMessage()).contains("layer 'dense_2' (Dense)", "dense_2/bias");
    }

    @Test
    void sameWeightTwice() {
        Path dir = ModelFiles.copy("dense_relu", tmp);
        List<ModelFiles.Stored> w = ModelFiles.list(ModelFiles.readWeights(dir));
        w.add(w.get(1));
        ModelFiles.writeWeights(dir, ModelFiles.modelJson(dir), w);
        assertThat(refused(dir, Diag.MCG_IMPORT_WEIGHT_DUPLICATE).getMessage()).contains(w.get(1).name());
    }

    @Test
    void sameWeightUnderTheCellNameAndTheLayerName() {
        Path dir = ModelFiles.copy("lstm_default_seq", tmp);
        List<ModelFiles.Stored> w = ModelFiles.list(ModelFiles.readWeights(dir));
        w.add(w.get(0).withName("lstm/lstm_cell/kernel"));
        ModelFiles.writeWeights(dir, ModelFiles.modelJson(dir), w);
        assertThat(refused(dir, Diag.MCG_IMPORT_WEIGHT_DUPLICATE).getMessage()).contains("lstm/kernel", "lstm/lstm_cell/kernel");
    }

    // --- topology and layers --------------------------------------------------------------------------

    @Test
    void modelWithoutLayers() {
        Path dir = ModelFiles.copy("dense_relu", tmp);
        ObjectNode json = ModelFiles.modelJson(dir);
        ModelFiles.layers(json).removeAll();
        ModelFiles.writeWeights(dir, json, List.of());
        refused(dir, Diag.MCG_IMPORT_EMPTY_MODEL);
    }

    @Test
    void sequentialWithOnlyAnInputLayer() {
        Path dir = ModelFiles.copy("gru_reset_after_keras", tmp);
        ObjectNode json = ModelFiles.modelJson(dir);
        ArrayNode layers = ModelFiles.layers(json);
        while (layers.size() > 1) {
            layers.remove(1);
        }
        ModelFiles.writeWeights(dir, json, List.of());
        refused(dir, Diag.MCG_IMPORT_EMPTY_MODEL);
    }

    @Test
    void functionalWithOnlyInputs() {
        Path dir = ModelFiles.copy("functional_add", tmp);
        ObjectNode json = ModelFiles.modelJson(dir);
        ArrayNode layers = ModelFiles.layers(json);
        while (layers.size() > 1) {
            layers.remove(1);
        }
        ObjectNode config = (ObjectNode) json.get("modelTopology").get("config");
        config.set("output_layers", config.get("input_layers"));
        ModelFiles.writeWeights(dir, json, List.of());
        refused(dir, Diag.MCG_IMPORT_EMPTY_MODEL);
    }

    @ParameterizedTest
    @ValueSource(strings = {"GroupNormalization", "ConvLSTM2D", "Attention", "ThresholdedReLU"})
    void unsupportedLayerClass(String className) {
        Path dir = ModelFiles.copy("dense_relu", tmp);
        ObjectNode json = ModelFiles.modelJson(dir);
        ((ObjectNode) ModelFiles.layers(json).get(1)).put("class_name", className);
        ModelFiles.writeModelJson(dir, json);
        assertThat(refused(dir, Diag.MCG_IMPORT_LAYER_UNSUPPORTED).getMessage())
                .contains("layer 'dense_2' (" + className + ")", "has class " + className);
    }

    @Test
    void nestedModelIsInlined() {
        // dense_2 moved into a nested Sequential 'inner': the same graph (the shared Keras topology inlines it)
        Path dir = ModelFiles.copy("dense_relu", tmp);
        ObjectNode json = ModelFiles.modelJson(dir);
        ArrayNode layers = ModelFiles.layers(json);
        ObjectNode second = (ObjectNode) layers.remove(1);
        ((ObjectNode) second.get("config")).putArray("batch_input_shape").addNull().add(16);
        ObjectNode inner = layers.addObject();
        inner.put("class_name", "Sequential");
        ObjectNode config = inner.putObject("config");
        config.put("name", "inner");
        config.putArray("layers").add(second);
        ModelFiles.writeModelJson(dir, json);
        assertThat(TfjsImporter.load(dir)).isEqualTo(TfjsImporter.load(ModelFiles.fixture("dense_relu")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"mish", "selu", "gelu", "softplus"})
    void unsupportedActivation(String activation) {
        Path dir = ModelFiles.copy("dense_relu", tmp);
        ObjectNode json = ModelFiles.modelJson(dir);
        ModelFiles.layerConfig(json, "dense_2").put("activation", activation);
        ModelFiles.writeModelJson(dir, json);
        assertThat(refused(dir, Diag.MCG_IMPORT_ACTIVATION_UNSUPPORTED).getMessage())
                .contains("layer 'dense_2' (Dense)", "'" + activation + "'");
    }

    @Test
    void sharedLayer() {
        Path dir = ModelFiles.copy("functional_add", tmp);
        ObjectNode json = ModelFiles.modelJson(dir);
        ObjectNode head = layer(json, "head");
        ArrayNode nodes = (ArrayNode) head.get("inbound_nodes");
        nodes.add(nodes.get(0).deepCopy());
        ModelFiles.writeModelJson(dir, json);
        assertThat(refused(dir, Diag.MCG_IMPORT_TOPOLOGY).getMessage()).contains("head", "shared layer");
    }

    @Test
    void inboundLayerThatDoesNotExist() {
        Path dir = ModelFiles.copy("functional_add", tmp);
        ObjectNode json = ModelFiles.modelJson(dir);
        ((ArrayNode) layer(json, "head").get("inbound_nodes").get(0).get(0)).set(0, ModelFiles.JSON.getNodeFactory().textNode("nowhere"));
        ModelFiles.writeModelJson(dir, json);
        assertThat(refused(dir, Diag.MCG_IMPORT_TOPOLOGY).getMessage()).contains("'nowhere'");
    }

    @Test
    void cycle() {
        Path dir = ModelFiles.copy("functional_add", tmp);
        ObjectNode json = ModelFiles.modelJson(dir);
        ((ArrayNode) layer(json, "branch_a").get("inbound_nodes").get(0).get(0)).set(0, ModelFiles.JSON.getNodeFactory().textNode("head"));
        ModelFiles.writeModelJson(dir, json);
        assertThat(refused(dir, Diag.MCG_IMPORT_TOPOLOGY).getMessage()).contains("cycle");
    }

    @Test
    void layerThatDoesNotFitItsInput() {
        Path dir = ModelFiles.copy("dense_relu", tmp);
        ObjectNode json = ModelFiles.modelJson(dir);
        ((ObjectNode) ModelFiles.layers(json).get(1)).put("class_name", "Conv1D");
        ModelFiles.layerConfig(json, "dense_2").put("filters", 3).put("kernel_size", 1);
        ModelFiles.writeModelJson(dir, json);
        assertThat(refused(dir, Diag.MCG_GRAPH_SHAPE).getMessage()).contains("dense_2");
    }

    private static ObjectNode layer(ObjectNode json, String name) {
        for (var l : ModelFiles.layers(json)) {
            if (l.get("name").asText().equals(name)) {
                return (ObjectNode) l;
            }
        }
        throw new AssertionError(name);
    }

    private static ObjectNode entry(ObjectNode json, String weight) {
        for (var g : json.get("weightsManifest")) {
            for (var w : g.get("weights")) {
                if (w.get("name").asText().equals(weight)) {
                    return (ObjectNode) w;
                }
            }
        }
        throw new AssertionError(weight);
    }

    private static String lastShard(Path dir) {
        ArrayNode groups = (ArrayNode) ModelFiles.modelJson(dir).get("weightsManifest");
        ArrayNode paths = (ArrayNode) groups.get(groups.size() - 1).get("paths");
        return paths.get(paths.size() - 1).asText();
    }

    private static void setLastShard(Path dir, String path) {
        ObjectNode json = ModelFiles.modelJson(dir);
        ArrayNode groups = (ArrayNode) json.get("weightsManifest");
        ArrayNode paths = (ArrayNode) groups.get(groups.size() - 1).get("paths");
        paths.set(paths.size() - 1, ModelFiles.JSON.getNodeFactory().textNode(path));
        ModelFiles.writeModelJson(dir, json);
    }
}
