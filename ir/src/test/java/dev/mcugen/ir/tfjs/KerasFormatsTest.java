package dev.mcugen.ir.tfjs;

import static dev.mcugen.ir.tfjs.TfjsImportErrorsTest.refused;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcugen.ir.Activation;
import dev.mcugen.ir.Diag;
import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.Node;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Padding;
import dev.mcugen.ir.PoolKind;
import dev.mcugen.ir.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The other spellings of the format (converter wrapping, Keras 3, older Keras) give the same graph as
 * the TF.js fixture they are derived from, and layer options are mapped or refused as documented.
 */
class KerasFormatsTest {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    @TempDir
    Path tmp;

    // --- spellings of the topology --------------------------------------------------------------------

    @Test
    void converterWrapsTheModelInModelConfig() {
        Path dir = variant("dense_relu", json -> {
            ObjectNode wrapper = F.objectNode();
            wrapper.put("keras_version", "2.12.0").put("backend", "tensorflow");
            wrapper.set("model_config", json.get("modelTopology"));
            json.set("modelTopology", wrapper);
        });
        assertThat(load(dir)).isEqualTo(original("dense_relu"));
    }

    @Test
    void oldSequentialConfigIsTheListOfLayers() {
        Path dir = variant("dense_relu", json -> {
            ObjectNode topology = (ObjectNode) json.get("modelTopology");
            topology.set("config", topology.get("config").get("layers"));
        });
        assertThat(load(dir)).isEqualTo(original("dense_relu"));
    }

    @Test
    void sequentialInputShapeFromBuildInputShape() {
        Path dir = variant("dense_relu", json -> {
            ObjectNode first = ModelFiles.layerConfig(json, "dense_1");
            ((ObjectNode) json.get("modelTopology").get("config")).set("build_input_shape", first.remove("batch_input_shape"));
        });
        assertThat(load(dir)).isEqualTo(original("dense_relu"));
    }

    @Test
    void sequentialWithoutAnyInputShape() {
        Path dir = variant("dense_relu", json -> ModelFiles.layerConfig(json, "dense_1").remove("batch_input_shape"));
        assertThat(refused(dir, Diag.MCG_IMPORT_FORMAT).getMessage()).contains("dense_1", "input shape");
    }

    @Test
    void keras3FunctionalForm() {
        // (keras_version stays as it is: in a Keras 3 model the fixture's hard_sigmoid would be refused)
        Path dir = variant("functional_two_inputs_add_seq", json -> {
            for (JsonNode l : ModelFiles.layers(json)) {
                ObjectNode config = (ObjectNode) l.get("config");
                if (config.has("batch_input_shape")) {
                    config.set("batch_shape", config.remove("batch_input_shape"));
                }
                ArrayNode nodes = (ArrayNode) l.get("inbound_nodes");
                if (!nodes.isEmpty()) {
                    ArrayNode tensors = F.arrayNode();
                    nodes.get(0).forEach(ref -> tensors.add(kerasTensor(ref.get(0).asText())));
                    ObjectNode call = F.objectNode();
                    call.putArray("args").add(tensors.size() == 1 ? tensors.get(0) : tensors);
                    call.putObject("kwargs").put("training", false);
                    nodes.removeAll().add(call);
                }
            }
            ObjectNode config = (ObjectNode) json.get("modelTopology").get("config");
            config.set("output_layers", config.get("output_layers").get(0));
        });
        assertThat(load(dir)).isEqualTo(original("functional_two_inputs_add_seq"));
    }

    @Test
    void keras3TensorInKeywordArguments() {
        Path dir = variant("functional_two_inputs_add_seq", json -> {
            for (JsonNode l : ModelFiles.layers(json)) {
                if (l.get("name").asText().equals("gru")) {
                    ObjectNode call = F.objectNode();
                    call.putArray("args").add(kerasTensor("in_b"));
                    call.putObject("kwargs").putArray("initial_state").add(kerasTensor("lstm"));
                    ((ArrayNode) l.get("inbound_nodes")).removeAll().add(call);
                }
            }
        });
        assertThat(refused(dir, Diag.MCG_IMPORT_OPTION_UNSUPPORTED).getMessage()).contains("'gru'", "keyword");
    }

    @Test
    void activationAsKeras3FunctionObjectAndNull() {
        Path dir = variant("dense_relu", json -> {
            ObjectNode fn = ModelFiles.layerConfig(json, "dense_1").putObject("activation");
            fn.put("module", "keras.activations").put("class_name", "function").put("config", "relu")
                    .put("registered_name", "function");
            ModelFiles.layerConfig(json, "dense_2").putNull("activation");
        });
        Graph g = load(dir);
        assertThat(g.nodes().get(0).op()).isEqualTo(original("dense_relu").nodes().get(0).op());
        assertThat(((Op.Dense) g.nodes().get(1).op()).activation()).isEqualTo(Activation.LINEAR);
    }

    @Test
    void keras3HardSigmoidIsRelu6Form() {
        // The same name means relu6(x + 3) / 6 in a file Keras 3 made, clip(0.2 x + 0.5, 0, 1) otherwise.
        assertThat(((Op.Dense) original("dense_hard_sigmoid").nodes().get(0).op()).activation())
                .isEqualTo(Activation.HARD_SIGMOID);
        Path byVersion = variant("dense_hard_sigmoid",
                json -> ((ObjectNode) json.get("modelTopology")).put("keras_version", "3.1.0"));
        assertThat(((Op.Dense) load(byVersion).nodes().get(0).op()).activation()).isEqualTo(Activation.HARD_SIGMOID6);
        Path byGenerator = tmp.resolve("g");
        Path dir = variantIn(byGenerator, "dense_hard_sigmoid", json -> json.put("generatedBy", "keras v3.3.3"));
        assertThat(((Op.Dense) load(dir).nodes().get(1).op()).activation()).isEqualTo(Activation.HARD_SIGMOID6);
    }

    @Test
    void layerNamesThatArePrefixesOfEachOther() {
        Path dir = variant("dense_relu", json -> {
            ModelFiles.layerConfig(json, "dense_1").put("name", "dense");
            ModelFiles.layerConfig(json, "dense_2").put("name", "dense_1");
            for (JsonNode w : json.get("weightsManifest").get(0).get("weights")) {
                String n = w.get("name").asText();
                ((ObjectNode) w).put("name", n.startsWith("dense_1/") ? "dense" + n.substring(7) : "dense_1" + n.substring(7));
            }
        });
        Graph g = load(dir);
        Graph o = original("dense_relu");
        assertThat(g.nodes()).extracting(Node::name).containsExactly("dense", "dense_1");
        assertThat(g.nodes().get(0).weights()).isEqualTo(o.nodes().get(0).weights());
        assertThat(g.nodes().get(1).weights()).isEqualTo(o.nodes().get(1).weights());
    }

    @Test
    void optimizerWeightsAreSkipped() {
        Path dir = tmp.resolve("opt");
        Path model = ModelFiles.copy("dense_relu", dir);
        List<ModelFiles.Stored> w = ModelFiles.list(ModelFiles.readWeights(model));
        w.add(ModelFiles.Stored.float32("Adam/iter", new int[] {}, new float[] {3}));
        ModelFiles.writeWeights(model, ModelFiles.modelJson(model), w);
        ObjectNode json = ModelFiles.modelJson(model);
        ArrayNode entries = (ArrayNode) json.get("weightsManifest").get(0).get("weights");
        ((ObjectNode) entries.get(entries.size() - 1)).put("group", "optimizer");
        ModelFiles.writeModelJson(model, json);
        assertThat(TfjsImporter.load(model)).isEqualTo(original("dense_relu"));
    }

    @Test
    void int32WeightsBecomeFloats() {
        Path dir = ModelFiles.copy("dense_relu", tmp);
        Map<String, ModelFiles.Stored> w = ModelFiles.readWeights(dir);
        ModelFiles.Stored bias = w.get("dense_2/bias");
        int n = bias.shape()[0];
        ByteBuffer b = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
        float[] expected = new float[n];
        for (int i = 0; i < n; i++) {
            b.putInt(i * 1000 - 2000);
            expected[i] = i * 1000 - 2000;
        }
        w.put(bias.name(), new ModelFiles.Stored(bias.name(), bias.shape(), "int32", null, b.array()));
        ModelFiles.writeWeights(dir, ModelFiles.modelJson(dir), ModelFiles.list(w));
        assertThat(TfjsImporter.load(dir).nodes().get(1).weight("bias").toArray()).isEqualTo(expected);
    }

    // --- layer options --------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"stateful", "return_state", "time_major"})
    void recurrentOptionsThatChangeTheOutput(String flag) {
        Path dir = variant("lstm_default_last", json -> ModelFiles.layerConfig(json, "lstm").put(flag, true));
        assertThat(refused(dir, Diag.MCG_IMPORT_OPTION_UNSUPPORTED).getMessage()).contains("layer 'lstm' (LSTM)", flag);
    }

    @Test
    void recurrentOptionsThatDoNot() {
        Path dir = variant("gru_default_last", json -> ModelFiles.layerConfig(json, "gru")
                .put("unroll", true).put("implementation", 1).put("dropout", 0.3).put("recurrent_dropout", 0.2));
        assertThat(load(dir)).isEqualTo(original("gru_default_last"));
    }

    @Test
    void recurrentActivationSoftmax() {
        Path dir = variant("gru_default_last", json -> ModelFiles.layerConfig(json, "gru").put("recurrent_activation", "softmax"));
        refused(dir, Diag.MCG_IMPORT_ACTIVATION_UNSUPPORTED);
    }

    @Test
    void gruResetAfterNeedsItsTwoRowBias() {
        Path dir = variant("gru_reset_after_keras", json -> ModelFiles.layerConfig(json, "gru").put("reset_after", false));
        assertThat(refused(dir, Diag.MCG_IMPORT_WEIGHT_SHAPE).getMessage()).contains("bias");
    }

    @Test
    void channelsFirst() {
        Path dir = variant("conv2d_same_s11", json -> ModelFiles.layerConfig(json, "conv2d").put("data_format", "channels_first"));
        assertThat(refused(dir, Diag.MCG_IMPORT_OPTION_UNSUPPORTED).getMessage()).contains("channels_first");
    }

    @Test
    void groupedConvolution() {
        Path dir = variant("conv1d_valid_s1_relu", json -> ModelFiles.layerConfig(json, "conv1d").put("groups", 2));
        refused(dir, Diag.MCG_IMPORT_OPTION_UNSUPPORTED);
    }

    @Test
    void unknownPadding() {
        Path dir = variant("conv1d_valid_s1_relu", json -> ModelFiles.layerConfig(json, "conv1d").put("padding", "full"));
        refused(dir, Diag.MCG_IMPORT_OPTION_UNSUPPORTED);
    }

    @Test
    void causalPaddingWithAWideKernel() {
        Path dir = variant("conv1d_valid_s1_relu", json -> ModelFiles.layerConfig(json, "conv1d").put("padding", "causal"));
        assertThat(refused(dir, Diag.MCG_IMPORT_OPTION_UNSUPPORTED).getMessage()).contains("causal");
    }

    @Test
    void causalPaddingOfAOneWideKernelIsValidPadding() {
        Path dir = variant("functional_resblock_conv1d", json -> ModelFiles.layerConfig(json, "proj").put("padding", "causal"));
        assertThat(load(dir)).isEqualTo(original("functional_resblock_conv1d"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"max_value=3", "threshold=0.5"})
    void reluOptions(String option) {
        String[] kv = option.split("=");
        Path dir = variant("relu_layer", json -> ModelFiles.layerConfig(json, "re_lu").put(kv[0], Double.parseDouble(kv[1])));
        assertThat(refused(dir, Diag.MCG_IMPORT_OPTION_UNSUPPORTED).getMessage()).contains("re_lu", kv[0]);
    }

    @Test
    void reluWithANegativeSlopeIsLeakyRelu() {
        Path dir = variant("relu_layer", json -> ModelFiles.layerConfig(json, "re_lu").put("negative_slope", 0.125));
        assertThat(load(dir).nodes().get(1).op()).isEqualTo(new Op.LeakyRelu(0.125f));
        Path capped = variantIn(tmp.resolve("capped"), "relu_layer", json -> ModelFiles.layerConfig(json, "re_lu").put("negative_slope", 0.125)
                .put("max_value", 6.0));
        assertThat(refused(capped, Diag.MCG_IMPORT_OPTION_UNSUPPORTED).getMessage()).contains("re_lu", "negative_slope");
    }

    @Test
    void keras3LeakyReluWritesNegativeSlope() {
        Path dir = variant("leaky_relu_layer", json -> {
            ObjectNode c = ModelFiles.layerConfig(json, "leaky_re_lu");
            c.remove("alpha");
            c.put("negative_slope", -0.0625);
        });
        assertThat(load(dir).nodes().get(1).op()).isEqualTo(new Op.LeakyRelu(-0.0625f));
    }

    @Test
    void keras3ActivationNames() {
        Path dir = variant("dense_swish", json -> {
            ModelFiles.layerConfig(json, "dense_1").put("activation", "silu");
            ModelFiles.layerConfig(json, "dense_2").put("activation", "hard_silu");
        });
        Graph g = load(dir);
        assertThat(((Op.Dense) g.nodes().get(0).op()).activation()).isEqualTo(Activation.SWISH);
        assertThat(((Op.Dense) g.nodes().get(1).op()).activation()).isEqualTo(Activation.HARD_SWISH);
        Path leaky = variantIn(tmp.resolve("leaky"), "dense_swish", json -> ModelFiles.layerConfig(json, "dense_1").put("activation", "leaky_relu"));
        assertThat(((Op.Dense) load(leaky).nodes().get(0).op()).activation()).isEqualTo(Activation.LEAKY_RELU);
        // mcugen's own graph JSON name of the relu6 hard sigmoid is no Keras name
        Path own = variantIn(tmp.resolve("own"), "dense_swish", json -> ModelFiles.layerConfig(json, "dense_1").put("activation", "hard_sigmoid6"));
        refused(own, Diag.MCG_IMPORT_ACTIVATION_UNSUPPORTED);
    }

    @Test
    void reluKerasDefaultsAndMaxValueSix() {
        Path dir = variant("relu_layer", json -> ModelFiles.layerConfig(json, "re_lu")
                .put("max_value", 6.0).put("negative_slope", 0.0).put("threshold", 0.0));
        assertThat(load(dir).nodes().get(1).op()).isEqualTo(new Op.Act(Activation.RELU6));
    }

    @Test
    void softmaxLayerAxisCountsTheBatch() {
        // TF.js' Softmax layer defaults to axis 1 (batch counted): the last axis of a rank-1 input
        Path flat = variant("dense_relu", json -> ModelFiles.layers(json).add(softmaxLayer(1)));
        assertThat(load(flat).nodes().get(2).op()).isEqualTo(new Op.Act(Activation.SOFTMAX));
        // ... but the time axis of a [T, F] input
        Path seqDir = tmp.resolve("seq");
        Path seq = variantIn(seqDir, "dense_3d_input", json -> ModelFiles.layers(json).add(softmaxLayer(1)));
        assertThat(refused(seq, Diag.MCG_IMPORT_OPTION_UNSUPPORTED).getMessage()).contains("layer 'sm' (Softmax)", "axis 1");
        Path lastDir = tmp.resolve("last");
        Path last = variantIn(lastDir, "dense_3d_input", json -> ModelFiles.layers(json).add(softmaxLayer(2)));
        assertThat(load(last).nodes().get(2).op()).isEqualTo(new Op.Act(Activation.SOFTMAX));
    }

    @Test
    void concatenateAxisIsNormalizedWithoutTheBatch() {
        Path dir = variant("functional_two_inputs_add_seq", json -> ModelFiles.layerConfig(json, "concat").put("axis", 1));
        assertThat(load(dir)).isEqualTo(original("functional_two_inputs_add_seq"));
        Path conv = variantIn(tmp.resolve("c"), "functional_concat_conv1d",
                json -> ModelFiles.layerConfig(json, "concat").put("axis", 2));
        assertThat(load(conv).node("concat").orElseThrow().op()).isEqualTo(new Op.Concatenate(1));
        Path batch = variantIn(tmp.resolve("b"), "functional_two_inputs_add_seq",
                json -> ModelFiles.layerConfig(json, "concat").put("axis", 0));
        refused(batch, Diag.MCG_IMPORT_OPTION_UNSUPPORTED);
    }

    @Test
    void batchNormAxis() {
        Path three = variant("batchnorm_conv2d", json -> ModelFiles.layerConfig(json, "bn").put("axis", 3));
        assertThat(load(three)).isEqualTo(original("batchnorm_conv2d"));
        Path list = variantIn(tmp.resolve("l"), "batchnorm_conv2d",
                json -> ModelFiles.layerConfig(json, "bn").putArray("axis").add(3));
        assertThat(load(list)).isEqualTo(original("batchnorm_conv2d"));
        Path height = variantIn(tmp.resolve("h"), "batchnorm_conv2d", json -> ModelFiles.layerConfig(json, "bn").put("axis", 1));
        assertThat(refused(height, Diag.MCG_IMPORT_OPTION_UNSUPPORTED).getMessage()).contains("axis 1");
    }

    @Test
    void batchNormWithoutCenterOrScaleGetsNeutralBetaAndGamma() {
        Path dir = ModelFiles.copy("batchnorm_dense", tmp);
        Map<String, ModelFiles.Stored> w = ModelFiles.readWeights(dir);
        w.remove("bn/beta");
        w.remove("bn/gamma");
        ObjectNode json = ModelFiles.modelJson(dir);
        ModelFiles.layerConfig(json, "bn").put("center", false).put("scale", false);
        ModelFiles.writeWeights(dir, json, ModelFiles.list(w));
        Node bn = TfjsImporter.load(dir).node("bn").orElseThrow();
        int c = bn.outputShape().last();
        assertThat(bn.weights().keySet()).containsExactly("gamma", "beta", "moving_mean", "moving_variance");
        assertThat(bn.weight("gamma")).isEqualTo(FloatTensor.filled(Shape.of(c), 1f));
        assertThat(bn.weight("beta")).isEqualTo(FloatTensor.filled(Shape.of(c), 0f));
        assertThat(bn.weight("moving_mean").toArray()).isEqualTo(w.get("bn/moving_mean").floats());
    }

    @Test
    void batchNormWithoutCenterButWithBeta() {
        Path dir = variant("batchnorm_dense", json -> ModelFiles.layerConfig(json, "bn").put("center", false));
        assertThat(refused(dir, Diag.MCG_IMPORT_WEIGHT_UNUSED).getMessage()).contains("bn/beta");
    }

    @Test
    void globalMaxPoolingAndKeepdims() {
        Path max = variant("global_avg_pool1d", json -> layerEntry(json, "gap").put("class_name", "GlobalMaxPooling1D"));
        assertThat(load(max).node("gap").orElseThrow().op()).isEqualTo(new Op.GlobalPool(PoolKind.MAX, 1));
        Path keep = variantIn(tmp.resolve("k"), "global_avg_pool1d", json -> ModelFiles.layerConfig(json, "gap").put("keepdims", true));
        refused(keep, Diag.MCG_IMPORT_OPTION_UNSUPPORTED);
    }

    @Test
    void spatialDropoutIsAnInferenceIdentity() {
        Path dir = variant("dropout_dense", json -> layerEntry(json, "dropout").put("class_name", "SpatialDropout1D"));
        assertThat(load(dir)).isEqualTo(original("dropout_dense"));
    }

    @Test
    void reshapeTargetWithAnInferredDimension() {
        Graph o = original("reshape_dense_conv1d");
        for (JsonNode infer : List.of(F.nullNode(), F.numberNode(-1))) {
            Path dir = variantIn(tmp.resolve("r" + infer), "reshape_dense_conv1d",
                    json -> ((ArrayNode) ModelFiles.layerConfig(json, "reshape").get("target_shape")).set(0, infer));
            Graph g = load(dir);
            assertThat(g.node("reshape").orElseThrow().op()).isEqualTo(new Op.Reshape(Shape.of(Shape.UNKNOWN, o.shapes().get("reshape").last())));
            assertThat(g.shapes()).isEqualTo(o.shapes());
        }
    }

    @Test
    void conv1dWithBareIntegers() {
        Path dir = variant("conv1d_valid_s2", json -> {
            ObjectNode c = ModelFiles.layerConfig(json, "conv1d");
            c.put("kernel_size", c.get("kernel_size").get(0).asInt()).put("strides", 2).put("dilation_rate", 1);
        });
        assertThat(load(dir)).isEqualTo(original("conv1d_valid_s2"));
        Node conv = load(dir).nodes().get(0);
        assertThat(((Op.Conv1D) conv.op()).padding()).isEqualTo(Padding.VALID);
    }

    @Test
    void badConfigValue() {
        Path dir = variant("dense_relu", json -> ModelFiles.layerConfig(json, "dense_2").put("units", "five"));
        assertThat(refused(dir, Diag.MCG_IMPORT_FORMAT).getMessage()).contains("layer 'dense_2' (Dense)", "'units'");
    }

    // --- helpers --------------------------------------------------------------------------------------

    private Path variant(String fixture, Consumer<ObjectNode> edit) {
        return variantIn(tmp, fixture, edit);
    }

    private static Path variantIn(Path where, String fixture, Consumer<ObjectNode> edit) {
        Path dir = ModelFiles.copy(fixture, where);
        ObjectNode json = ModelFiles.modelJson(dir);
        edit.accept(json);
        ModelFiles.writeModelJson(dir, json);
        return dir;
    }

    private static Graph load(Path dir) {
        return TfjsImporter.load(dir.resolve("model.json"));
    }

    private static Graph original(String fixture) {
        return TfjsImporter.load(ModelFiles.fixture(fixture).resolve("model.json"));
    }

    private static ObjectNode kerasTensor(String layer) {
        ObjectNode t = F.objectNode();
        t.put("class_name", "__keras_tensor__");
        t.putObject("config").putArray("keras_history").add(layer).add(0).add(0);
        return t;
    }

    private static ObjectNode softmaxLayer(int axis) {
        ObjectNode l = F.objectNode();
        l.put("class_name", "Softmax");
        l.putObject("config").put("axis", axis).put("name", "sm").put("trainable", true);
        return l;
    }

    private static ObjectNode layerEntry(ObjectNode json, String name) {
        for (JsonNode l : ModelFiles.layers(json)) {
            if (l.get("config").get("name").asText().equals(name)) {
                return (ObjectNode) l;
            }
        }
        throw new AssertionError(name);
    }
}
