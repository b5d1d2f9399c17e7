package dev.mcugen.ir.keras;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcugen.ir.Diag;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Keras configuration parse shared by TF.js, .h5 and .keras: nested models, Keras 3 weight paths. */
class KerasTopologyTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String dense(String name, int units, String extra) {
        return "{\"class_name\": \"Dense\", \"config\": {\"name\": \"" + name + "\", \"units\": " + units + extra + "}}";
    }

    private static String input(String name, int width) {
        return "{\"class_name\": \"InputLayer\", \"config\": {\"batch_shape\": [null, " + width + "], \"name\": \"" + name + "\"}}";
    }

    private static String tensor(String layer) {
        return "{\"class_name\": \"__keras_tensor__\", \"config\": {\"keras_history\": [\"" + layer + "\", 0, 0]}}";
    }

    private static String node(String... layers) {
        StringBuilder b = new StringBuilder("[{\"args\": [");
        if (layers.length == 1) {
            b.append(tensor(layers[0]));
        } else {
            b.append('[');
            for (int i = 0; i < layers.length; i++) {
                b.append(i > 0 ? ", " : "").append(tensor(layers[i]));
            }
            b.append(']');
        }
        return b.append("], \"kwargs\": {}}]").toString();
    }

    private static String withCall(String layer, String name, String inbound) {
        return layer.substring(0, layer.length() - 1) + ", \"name\": \"" + name + "\", \"inbound_nodes\": " + inbound + "}";
    }

    private static KerasTopology parse(String json) throws Exception {
        JsonNode n = JSON.readTree(json);
        return KerasTopology.parseModel(n, "3.6.0");
    }

    /** Functional: x -> Sequential 'backbone' [dense, dense_1] -> dense_2, and a Dense of the same name as an inner one. */
    @Test
    void nestedSequentialInFunctionalIsInlined() throws Exception {
        String backbone = "{\"module\": \"keras\", \"class_name\": \"Sequential\", \"config\": {\"name\": \"backbone\", \"layers\": ["
                + input("backbone_input", 4) + ", " + dense("dense", 8, "") + ", " + dense("dense_1", 8, "") + "]}}";
        String json = "{\"class_name\": \"Functional\", \"config\": {\"name\": \"outer\", \"layers\": ["
                + withCall(input("x", 4), "x", "[]") + ", "
                + withCall(backbone, "backbone", node("x")) + ", "
                + withCall(dense("dense_1", 3, ""), "dense_1", node("backbone")) + ", "
                + withCall("{\"class_name\": \"Add\", \"config\": {\"name\": \"add\"}}", "add", node("dense_1", "dense_1")) + "],"
                + " \"input_layers\": [\"x\", 0, 0], \"output_layers\": [\"add\", 0, 0]}}";
        KerasTopology t = parse(json);
        assertThat(t.inputs()).containsExactly(new KerasTopology.Input("x", Shape.of(4)));
        // the inner dense_1 clashes with the outer one: it becomes backbone/dense_1
        assertThat(t.layers()).extracting(KerasTopology.Layer::name)
                .containsExactly("dense", "backbone/dense_1", "dense_1", "add");
        assertThat(t.layers().get(0).inbound()).containsExactly("x");
        assertThat(t.layers().get(1).inbound()).containsExactly("dense");
        assertThat(t.layers().get(2).inbound()).containsExactly("backbone/dense_1");
        assertThat(t.layers().get(1).sourcePath()).containsExactly("backbone", "dense_1");
        assertThat(t.layers().get(1).sourceName()).isEqualTo("dense_1");
        // Keras 3 saving_lib paths: snake-cased classes, counted per container
        assertThat(t.layers()).extracting(KerasTopology.Layer::weightPath).containsExactly(
                "layers/sequential/layers/dense", "layers/sequential/layers/dense_1", "layers/dense", "layers/add");
        assertThat(t.outputs()).containsExactly("add");
    }

    @Test
    void nestedModelAsTheOutput() throws Exception {
        String inner = "{\"class_name\": \"Sequential\", \"config\": {\"name\": \"head\", \"layers\": ["
                + input("head_input", 4) + ", " + dense("d", 2, "") + "]}}";
        String json = "{\"class_name\": \"Functional\", \"config\": {\"name\": \"m\", \"layers\": ["
                + withCall(input("x", 4), "x", "[]") + ", " + withCall(inner, "head", node("x")) + "],"
                + " \"input_layers\": [[\"x\", 0, 0]], \"output_layers\": [[\"head\", 0, 0]]}}";
        KerasTopology t = parse(json);
        assertThat(t.layers()).extracting(KerasTopology.Layer::name).containsExactly("d");
        assertThat(t.outputs()).containsExactly("d");
    }

    @Test
    void nestedModelWithTwoOutputsIsRefused() throws Exception {
        String inner = "{\"class_name\": \"Functional\", \"config\": {\"name\": \"two\", \"layers\": ["
                + withCall(input("i", 4), "i", "[]") + ", " + withCall(dense("a", 2, ""), "a", node("i")) + ", "
                + withCall(dense("b", 2, ""), "b", node("i")) + "], \"input_layers\": [[\"i\", 0, 0]],"
                + " \"output_layers\": [[\"a\", 0, 0], [\"b\", 0, 0]]}}";
        String json = "{\"class_name\": \"Functional\", \"config\": {\"name\": \"m\", \"layers\": ["
                + withCall(input("x", 4), "x", "[]") + ", " + withCall(inner, "two", node("x")) + "],"
                + " \"input_layers\": [[\"x\", 0, 0]], \"output_layers\": [[\"two\", 0, 0]]}}";
        McugenException e = catchThrowableOfType(McugenException.class, () -> parse(json));
        assertThat(e.diag()).isEqualTo(Diag.MCG_IMPORT_TOPOLOGY);
        assertThat(e.getMessage()).contains("layer 'two' (Functional)", "2 outputs");
    }

    @Test
    void sequentialContainerLeavesTheInputLayerOutOfTheCount() throws Exception {
        String json = "{\"class_name\": \"Sequential\", \"config\": {\"name\": \"s\", \"layers\": [" + input("in", 3) + ", "
                + dense("a", 2, "") + ", " + dense("b", 2, "") + ", "
                + "{\"class_name\": \"SimpleRNN\", \"config\": {\"name\": \"r\", \"units\": 2}}]}}";
        assertThat(parse(json).layers()).extracting(KerasTopology.Layer::weightPath)
                .containsExactly("layers/dense", "layers/dense_1", "layers/simple_rnn");
    }

    @Test
    void snakeCaseAsKeras() {
        assertThat(List.of("Conv2D", "BatchNormalization", "SimpleRNN", "LSTM", "GlobalAveragePooling1D", "InputLayer",
                "MaxPooling2D", "ReLU").stream().map(KerasTopology::snakeCase).toList())
                .containsExactly("conv2d", "batch_normalization", "simple_rnn", "lstm", "global_average_pooling1d",
                        "input_layer", "max_pooling2d", "re_lu");
    }

    @Test
    void supportedLayersArePublic() {
        assertThat(LayerMapper.SUPPORTED).contains("Dense", "Conv2D", "DepthwiseConv2D", "SeparableConv2D", "LSTM", "GRU",
                "BatchNormalization", "Sequential", "Conv2DTranspose", "Bidirectional", "TimeDistributed", "LayerNormalization",
                "Embedding", "LeakyReLU", "Multiply").doesNotContain("GroupNormalization", "ConvLSTM2D");
    }
}
