package dev.mcugen.ir.json;

import dev.mcugen.ir.Activation;
import dev.mcugen.ir.Diag;
import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.GraphBuilder;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class GraphJsonErrorTest {

    /** A small valid graph: a peephole LSTM and a dense layer. */
    static String base() {
        return """
                {
                  "format": "mcugen-graph",
                  "version": 1,
                  "name": "base",
                  "inputs": [{"name": "x", "shape": [4, 2]}],
                  "nodes": [
                    {"name": "lstm", "op": "lstm", "inputs": ["x"],
                     "attrs": {"units": 1, "peephole": true},
                     "weights": {
                       "kernel": {"shape": [2, 4], "data": [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]},
                       "recurrent_kernel": {"shape": [1, 4], "data": [1, 2, 3, 4]},
                       "bias": {"shape": [4], "data": [0, 1, 0, 0]},
                       "cell_to_input": {"shape": [1], "data": [0.1]},
                       "cell_to_forget": {"shape": [1], "data": [0.2]},
                       "cell_to_output": {"shape": [1], "data": [0.3]}
                     }},
                    {"name": "dense", "op": "dense", "inputs": ["lstm"], "attrs": {"units": 3},
                     "weights": {"kernel": {"shape": [1, 3], "data": [1, 2, 3]},
                                 "bias": {"shape": [3], "data": [0.25, -0.5, 1.5]}}}
                  ],
                  "outputs": ["dense"]
                }
                """;
    }

    private static McugenException fails(String json) {
        McugenException e = catchThrowableOfType(McugenException.class, () -> GraphJson.fromJson(json, "model.json"));
        assertThat(e).as("expected a McugenException").isNotNull();
        assertThat(e.getMessage()).as("one line").doesNotContain("\n");
        assertThat(e.getMessage()).startsWith("model.json");
        return e;
    }

    private static McugenException fails(String json, Diag diag, String... mentions) {
        McugenException e = fails(json);
        assertThat(e.diag()).as(e.getMessage()).isEqualTo(diag);
        if (mentions.length > 0) {
            assertThat(e.getMessage()).contains(mentions);
        }
        return e;
    }

    private static String replace(String from, String to) {
        String b = base();
        assertThat(b).contains(from);
        return b.replace(from, to);
    }

    @Test
    void baseIsValid() {
        Graph g = GraphJson.fromJson(base());
        Op.Lstm l = (Op.Lstm) g.node("lstm").orElseThrow().op();
        assertThat(l).isEqualTo(new Op.Lstm(1, Activation.TANH, Activation.SIGMOID, true, false, false, true, false,
                false, 0));
        assertThat(g.node("dense").orElseThrow().op()).isEqualTo(new Op.Dense(3, Activation.LINEAR, true));
    }

    // --- syntax and format --------------------------------------------------------------------

    @Test
    void syntaxErrors() {
        fails("{\"format\": ", Diag.MCG_IMPORT_JSON, "not valid JSON", "line 1");
        fails(replace("\"version\": 1,", "\"version\": 1"), Diag.MCG_IMPORT_JSON, "line 4");
        fails("", Diag.MCG_IMPORT_JSON, "empty");
        fails(base() + "{}", Diag.MCG_IMPORT_JSON, "more content");
        fails(replace("\"name\": \"base\",", "\"name\": \"base\", \"name\": \"again\","), Diag.MCG_IMPORT_JSON,
                "key \"name\" twice");
        fails(replace("\"data\": [0.1]", "\"data\": [0.1,]"), Diag.MCG_IMPORT_JSON);
    }

    @Test
    void formatTagAndVersion() {
        fails("[1, 2]", Diag.MCG_IMPORT_FORMAT, "expected a JSON object");
        fails(replace("\"format\": \"mcugen-graph\",", ""), Diag.MCG_IMPORT_FORMAT, "no \"format\" key");
        fails("{\"modelTopology\": {}, \"weightsManifest\": []}", Diag.MCG_IMPORT_FORMAT, "TF.js");
        fails("{\"format\": \"layers-model\", \"modelTopology\": {}}", Diag.MCG_IMPORT_FORMAT, "\"layers-model\"",
                "TF.js importer");
        fails(replace("\"mcugen-graph\"", "\"onnx\""), Diag.MCG_IMPORT_FORMAT, "\"onnx\"");
        fails(replace("\"version\": 1", "\"version\": 2"), Diag.MCG_IMPORT_FORMAT, "version 2", "newer");
        fails(replace("\"version\": 1", "\"version\": \"1\""), Diag.MCG_IMPORT_FORMAT, "version");
        fails(replace("\"version\": 1,", ""), Diag.MCG_IMPORT_FORMAT, "\"version\" is missing");
    }

    @Test
    void unknownKeysAreRefused() {
        fails(replace("\"name\": \"base\",", "\"name\": \"base\", \"author\": \"me\","), Diag.MCG_IMPORT_FORMAT,
                "unknown key \"author\"");
        fails(replace("\"op\": \"dense\",", "\"op\": \"dense\", \"trainable\": true,"), Diag.MCG_IMPORT_FORMAT,
                "layer 'dense' (dense)", "unknown key \"trainable\"");
        fails(replace("{\"name\": \"x\", \"shape\": [4, 2]}", "{\"name\": \"x\", \"shape\": [4, 2], \"dtype\": 1}"),
                Diag.MCG_IMPORT_FORMAT, "input 'x'", "unknown key \"dtype\"");
        fails(replace("\"data\": [0.3]}", "\"data\": [0.3], \"scale\": 2}"), Diag.MCG_IMPORT_FORMAT,
                "layer 'lstm' (lstm)", "unknown key \"scale\" in weights.cell_to_output");
        // comments are allowed where documented
        GraphJson.fromJson(replace("\"name\": \"base\",", "\"name\": \"base\", \"comment\": \"hi\","));
    }

    @Test
    void structuralTypes() {
        fails(replace("\"inputs\": [\"lstm\"]", "\"inputs\": \"lstm\""), Diag.MCG_IMPORT_FORMAT,
                "layer 'dense' (dense)", "inputs: expected an array");
        fails(replace("\"inputs\": [{\"name\": \"x\", \"shape\": [4, 2]}]", "\"inputs\": []"), Diag.MCG_IMPORT_FORMAT,
                "no model input");
        fails(replace("\"outputs\": [\"dense\"]", "\"outputs\": []"), Diag.MCG_GRAPH_INVALID, "outputs");
        fails(replace("\"outputs\": [\"dense\"]", "\"outputs\": [3]"), Diag.MCG_IMPORT_FORMAT, "outputs[0]");
        fails(replace("\"name\": \"dense\", ", ""), Diag.MCG_IMPORT_FORMAT, "nodes[1]", "\"name\" is missing");
        fails(replace("\"op\": \"dense\", ", ""), Diag.MCG_IMPORT_FORMAT, "layer 'dense'", "\"op\" is missing");
        fails(replace("\"name\": \"dense\"", "\"name\": \"\""), Diag.MCG_GRAPH_INVALID, "nodes[1]", "empty");
    }

    @Test
    void emptyModel() {
        String json = base();
        json = json.substring(0, json.indexOf("\"nodes\": [") + 10) + "],\n  \"outputs\": [\"x\"]\n}\n";
        fails(json, Diag.MCG_IMPORT_EMPTY_MODEL, "\"nodes\" is empty");
    }

    // --- names and references -------------------------------------------------------------

    @Test
    void duplicateNames() {
        fails(replace("\"name\": \"dense\"", "\"name\": \"lstm\""), Diag.MCG_GRAPH_INVALID, "layer 'lstm'", "twice");
        fails(replace("\"name\": \"lstm\"", "\"name\": \"x\""), Diag.MCG_GRAPH_INVALID, "layer 'x'", "twice");
        fails(replace("[{\"name\": \"x\", \"shape\": [4, 2]}]",
                "[{\"name\": \"x\", \"shape\": [4, 2]}, {\"name\": \"x\", \"shape\": [1]}]"),
                Diag.MCG_GRAPH_INVALID, "input 'x'", "twice");
    }

    @Test
    void unknownReferences() {
        fails(replace("\"inputs\": [\"lstm\"]", "\"inputs\": [\"lstm2\"]"), Diag.MCG_IMPORT_TOPOLOGY,
                "layer 'dense' (dense)", "inputs[0] \"lstm2\"", "neither");
        fails(replace("\"inputs\": [\"x\"]", "\"inputs\": [\"dense\"]"), Diag.MCG_IMPORT_TOPOLOGY,
                "layer 'lstm' (lstm)", "listed later");
        fails(replace("\"inputs\": [\"lstm\"]", "\"inputs\": [\"dense\"]"), Diag.MCG_IMPORT_TOPOLOGY,
                "this node itself");
        fails(replace("\"outputs\": [\"dense\"]", "\"outputs\": [\"dens\"]"), Diag.MCG_IMPORT_TOPOLOGY,
                "outputs[0] \"dens\"");
        fails(replace("\"inputs\": [\"lstm\"]", "\"inputs\": [\"lstm\", \"x\"]"), Diag.MCG_GRAPH_SHAPE,
                "layer 'dense' (dense)", "one input");
    }

    // --- ops and attributes ------------------------------------------------------------------

    @Test
    void unknownOp() {
        fails(replace("\"op\": \"dense\"", "\"op\": \"Dense\""), Diag.MCG_IMPORT_LAYER_UNSUPPORTED,
                "layer 'dense' (Dense)", "\"Dense\" is not an mcugen op", "dense, conv1d");
    }

    @Test
    void attributeErrors() {
        fails(replace("\"units\": 3}", "\"units\": 3, \"kernel_initializer\": \"zeros\"}"), Diag.MCG_GRAPH_ATTR,
                "layer 'dense' (dense)", "unknown key \"kernel_initializer\" in attrs", "units, activation, use_bias");
        fails(replace("\"units\": 3}", "\"units\": \"3\"}"), Diag.MCG_GRAPH_ATTR,
                "layer 'dense' (dense)", "attrs.units: expected an integer, got the string \"3\"");
        fails(replace("\"units\": 3}", "\"units\": 3.0}"), Diag.MCG_GRAPH_ATTR, "attrs.units", "expected an integer");
        fails(replace("\"units\": 3}", "\"units\": 3000000000}"), Diag.MCG_GRAPH_ATTR, "attrs.units");
        fails(replace("\"attrs\": {\"units\": 3}", "\"attrs\": {}"), Diag.MCG_GRAPH_ATTR,
                "layer 'dense' (dense)", "\"units\" is missing in attrs");
        fails(replace("\"attrs\": {\"units\": 3}", "\"attrs\": []"), Diag.MCG_IMPORT_FORMAT, "attrs: expected an object");
        fails(replace("\"units\": 3}", "\"units\": 0}"), Diag.MCG_GRAPH_ATTR, "attrs.units must be >= 1, got 0");
        fails(replace("\"peephole\": true", "\"peephole\": 1"), Diag.MCG_GRAPH_ATTR,
                "layer 'lstm' (lstm)", "attrs.peephole: expected true or false");
        fails(replace("\"peephole\": true", "\"peephole\": true, \"projection_units\": -1"), Diag.MCG_GRAPH_ATTR,
                "attrs.projection_units must be >= 0");
        fails(replace("\"units\": 3}", "\"units\": 3, \"use_bias\": null}"), Diag.MCG_GRAPH_ATTR,
                "attrs.use_bias: expected true or false, got null");
        fails(replace("\"units\": 3}", "\"units\": 3, \"activation\": \"gelu\"}"), Diag.MCG_IMPORT_ACTIVATION_UNSUPPORTED,
                "layer 'dense' (dense)", "attrs.activation", "\"gelu\"", "hard_sigmoid");
        fails(replace("\"peephole\": true", "\"peephole\": true, \"recurrent_activation\": \"softmax\""),
                Diag.MCG_IMPORT_ACTIVATION_UNSUPPORTED, "attrs.recurrent_activation", "not element-wise");
    }

    private static String single(String nodeJson, String inputShape) {
        return """
                {"format": "mcugen-graph", "version": 1, "name": "t",
                 "inputs": [{"name": "x", "shape": %s}],
                 "nodes": [%s],
                 "outputs": ["n"]}
                """.formatted(inputShape, nodeJson);
    }

    @Test
    void attributeRangesAndSpellings() {
        fails(single("{\"name\": \"n\", \"op\": \"dropout\", \"inputs\": [\"x\"], \"attrs\": {\"rate\": 1.5}}", "[3]"),
                Diag.MCG_GRAPH_ATTR, "attrs.rate must be in [0, 1)");
        fails(single("{\"name\": \"n\", \"op\": \"dropout\", \"inputs\": [\"x\"]}", "[3]"),
                Diag.MCG_GRAPH_ATTR, "\"rate\" is missing");
        fails(single("{\"name\": \"n\", \"op\": \"batch_norm\", \"inputs\": [\"x\"], \"attrs\": {\"epsilon\": NaN}}", "[3]"),
                Diag.MCG_GRAPH_ATTR, "attrs.epsilon", "NaN");
        fails(single("{\"name\": \"n\", \"op\": \"max_pool\", \"inputs\": [\"x\"], \"attrs\": {\"pool_size\": [2, 2, 2]}}",
                "[4, 4, 1]"), Diag.MCG_GRAPH_ATTR, "attrs.pool_size: expected an array of 1 to 2 integers");
        fails(single("{\"name\": \"n\", \"op\": \"max_pool\", \"inputs\": [\"x\"], \"attrs\": {\"pool_size\": [2], "
                + "\"padding\": \"SAME\"}}", "[4, 1]"), Diag.MCG_GRAPH_ATTR, "attrs.padding: expected \"valid\" or \"same\"");
        fails(single("{\"name\": \"n\", \"op\": \"conv2d\", \"inputs\": [\"x\"], \"attrs\": {\"filters\": 1, "
                + "\"kernel_size\": 3}}", "[4, 4, 1]"), Diag.MCG_GRAPH_ATTR, "attrs.kernel_size: expected an array of 2");
        fails(single("{\"name\": \"n\", \"op\": \"gru\", \"inputs\": [\"x\"], \"attrs\": {\"units\": 2}}", "[4, 1]"),
                Diag.MCG_GRAPH_ATTR, "\"reset_after\" is missing");
        fails(single("{\"name\": \"n\", \"op\": \"concatenate\", \"inputs\": [\"x\", \"x\"], \"attrs\": {\"axis\": 2}}",
                "[4, 1]"), Diag.MCG_GRAPH_ATTR, "attrs.axis: is 2, out of range");
        fails(single("{\"name\": \"n\", \"op\": \"reshape\", \"inputs\": [\"x\"], \"attrs\": {\"target_shape\": [-1, 2]}}",
                "[4, 1]"), Diag.MCG_GRAPH_ATTR, "target_shape[0]", "write null, not -1");
        fails(single("{\"name\": \"n\", \"op\": \"global_avg_pool\", \"inputs\": [\"x\"], \"attrs\": {\"spatial_rank\": 3}}",
                "[4, 1]"), Diag.MCG_GRAPH_ATTR, "attrs.spatial_rank");
    }

    @Test
    void defaultsApplyWhereDocumented() {
        Graph g = GraphJson.fromJson(single(
                "{\"name\": \"c\", \"op\": \"concatenate\", \"inputs\": [\"x\", \"x\"]},"
                        + "{\"name\": \"p\", \"op\": \"avg_pool\", \"inputs\": [\"c\"], \"attrs\": {\"pool_size\": [2]}},"
                        + "{\"name\": \"g\", \"op\": \"global_max_pool\", \"inputs\": [\"p\"]},"
                        + "{\"name\": \"n\", \"op\": \"batch_norm\", \"inputs\": [\"g\"], \"weights\": {"
                        + "\"gamma\": {\"shape\": [2], \"data\": [1, 1]}, \"beta\": {\"shape\": [2], \"data\": [0, 0]},"
                        + "\"moving_mean\": {\"shape\": [2], \"data\": [0, 0]},"
                        + "\"moving_variance\": {\"shape\": [2], \"data\": [1, 1]}}}", "[null, 1]"));
        assertThat(g.node("c").orElseThrow().op()).isEqualTo(new Op.Concatenate(1));
        assertThat(g.node("p").orElseThrow().op()).isEqualTo(new Op.Pool(dev.mcugen.ir.PoolKind.AVG, List.of(2),
                List.of(2), dev.mcugen.ir.Padding.VALID));
        assertThat(g.node("g").orElseThrow().op()).isEqualTo(new Op.GlobalPool(dev.mcugen.ir.PoolKind.MAX, 1));
        assertThat(g.node("n").orElseThrow().op()).isEqualTo(new Op.BatchNorm(0.001f));
        assertThat(g.inputs().get(0).shape()).isEqualTo(Shape.of(Shape.UNKNOWN, 1));
    }

    // --- shapes --------------------------------------------------------------------------------

    @Test
    void shapeErrors() {
        fails(replace("\"shape\": [4, 2]}]", "\"shape\": [-1, 2]}]"), Diag.MCG_GRAPH_SHAPE, "input 'x'",
                "shape[0]", "write null, not -1");
        fails(replace("\"shape\": [4, 2]}]", "\"shape\": [0, 2]}]"), Diag.MCG_GRAPH_SHAPE, "shape[0]");
        fails(replace("\"shape\": [4, 2]}]", "\"shape\": []}]"), Diag.MCG_GRAPH_SHAPE, "shape: is empty");
        fails(replace("\"units\": 3}", "\"units\": 3}, \"output_shape\": [4]"), Diag.MCG_GRAPH_SHAPE,
                "layer 'dense' (dense)", "output_shape is [4] but the op computes [3]");
        fails(replace("\"units\": 3}", "\"units\": 3}, \"output_shape\": \"3\""), Diag.MCG_IMPORT_FORMAT,
                "output_shape: expected an array");
        GraphJson.fromJson(replace("\"units\": 3}", "\"units\": 3}, \"output_shape\": [3]"));
        fails(replace("\"shape\": [4, 2]}]", "\"shape\": [4, 3]}]"), Diag.MCG_IMPORT_WEIGHT_SHAPE,
                "layer 'lstm' (lstm)", "'kernel' has shape [2, 4] but the layer needs [3, 4]");
    }

    // --- weights --------------------------------------------------------------------------------

    @Test
    void weightShapeAndCount() {
        fails(replace("\"kernel\": {\"shape\": [1, 3], \"data\": [1, 2, 3]}", "\"kernel\": {\"shape\": [3, 1], "
                        + "\"data\": [1, 2, 3]}"), Diag.MCG_IMPORT_WEIGHT_SHAPE, "model.json: layer 'dense' (dense)",
                "weight 'kernel' has shape [3, 1] but the layer needs [1, 3]");
        fails(replace("\"data\": [1, 2, 3]}", "\"data\": [1, 2]}"), Diag.MCG_IMPORT_WEIGHT_SHAPE,
                "layer 'dense' (dense)", "weights.kernel: shape [1, 3] needs 3 values but data holds 2");
        fails(replace("\"cell_to_output\": {\"shape\": [1], \"data\": [0.3]}",
                "\"cell_to_output\": {\"shape\": [1], \"data\": [0.3]}, \"cell_to_cell\": {\"shape\": [1], \"data\": [0]}"),
                Diag.MCG_IMPORT_WEIGHT_SHAPE, "unexpected weight 'cell_to_cell'");
        fails(replace("\"peephole\": true", "\"peephole\": false"), Diag.MCG_IMPORT_WEIGHT_SHAPE,
                "unexpected weight 'cell_to_input'");
        fails(base().replaceAll(",\\s*\"cell_to_output\": \\{[^}]*}", ""),
                Diag.MCG_IMPORT_WEIGHT_MISSING, "layer 'lstm' (lstm)", "needs weight 'cell_to_output'");
        fails(replace("\"shape\": [3], \"data\": [0.25", "\"shape\": [3, null], \"data\": [0.25"),
                Diag.MCG_IMPORT_WEIGHT_SHAPE, "weights.bias.shape[1]");
        fails(replace("\"shape\": [3], \"data\": [0.25", "\"data\": [0.25"), Diag.MCG_IMPORT_WEIGHT_DATA,
                "\"shape\" is missing in weights.bias");
    }

    @Test
    void weightDataErrors() {
        fails(replace("\"data\": [0.1]", "\"data\": [\"0.1\"]"), Diag.MCG_IMPORT_WEIGHT_DATA,
                "layer 'lstm' (lstm)", "weights.cell_to_input.data[0]: expected a number, got the string \"0.1\"");
        fails(replace("\"data\": [1, 2, 3]", "\"data\": [[1, 2, 3]]"), Diag.MCG_IMPORT_WEIGHT_DATA,
                "weights.kernel.data[0]", "flat");
        fails(replace("\"data\": [0.1]", "\"data\": 0.1"), Diag.MCG_IMPORT_WEIGHT_DATA,
                "weights.cell_to_input.data: expected a flat array");
        fails(replace("\"data\": [0.1]", "\"data\": [0.1], \"data_base64\": \"AAAAAA==\""), Diag.MCG_IMPORT_WEIGHT_DATA,
                "weights.cell_to_input has data and data_base64");
        fails(replace("\"shape\": [1], \"data\": [0.1]", "\"shape\": [1]"), Diag.MCG_IMPORT_WEIGHT_DATA,
                "weights.cell_to_input has no values");
        fails(replace("\"data\": [0.1]", "\"data_base64\": \"not base64!\""), Diag.MCG_IMPORT_WEIGHT_DATA,
                "weights.cell_to_input.data_base64: is not valid base64");
        fails(replace("\"data\": [0.1]", "\"data_base64\": \"AAAA\""), Diag.MCG_IMPORT_WEIGHT_DATA,
                "decodes to 3 bytes");
        fails(replace("\"data\": [0.1]", "\"data_base64\": \"AAAAAAAAAAA=\""), Diag.MCG_IMPORT_WEIGHT_SHAPE,
                "shape [1] needs 1 values but data_base64 holds 2");
        fails(replace("\"data\": [0.1]", "\"data\": [0.1], \"dtype\": \"int8\""), Diag.MCG_IMPORT_WEIGHT_DTYPE,
                "weights.cell_to_input.dtype", "float32 weights only");
        GraphJson.fromJson(replace("\"data\": [0.1]", "\"data\": [0.1], \"dtype\": \"float32\""));
        fails(replace("\"data\": [0.1]", "\"data\": [0.1], \"offset\": 0"), Diag.MCG_IMPORT_WEIGHT_DATA,
                "offset: belongs with \"file\"");
        fails(replace("\"data\": [0.1]", "\"file\": \"w.bin\""), Diag.MCG_IMPORT_WEIGHT_DATA,
                "not read from a file");
    }

    @Test
    void base64Weights() {
        ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(-0.0f);
        Graph g = GraphJson.fromJson(replace("\"data\": [0.1]", "\"data_base64\": \""
                + Base64.getEncoder().encodeToString(b.array()) + "\""));
        float v = g.node("lstm").orElseThrow().weight("cell_to_input").get(0);
        assertThat(Float.floatToRawIntBits(v)).isEqualTo(0x80000000);
    }

    @Test
    void nonFiniteWeights() {
        fails(replace("\"data\": [0.1]", "\"data\": [NaN]"), Diag.MCG_IMPORT_WEIGHT_NONFINITE,
                "layer 'lstm' (lstm)", "weights.cell_to_input holds NaN at flat index 0");
        fails(replace("\"data\": [1, 2, 3]", "\"data\": [1, -Infinity, 3]"), Diag.MCG_IMPORT_WEIGHT_NONFINITE,
                "weights.kernel holds -Infinity at flat index 1");
        fails(replace("\"data\": [1, 2, 3]", "\"data\": [1, 2, 1e39]"), Diag.MCG_IMPORT_WEIGHT_NONFINITE,
                "weights.kernel holds Infinity at flat index 2", "beyond the float32 range");
        ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(Float.NaN);
        fails(replace("\"data\": [0.1]", "\"data_base64\": \"" + Base64.getEncoder().encodeToString(b.array()) + "\""),
                Diag.MCG_IMPORT_WEIGHT_NONFINITE, "weights.cell_to_input holds NaN");
    }

    // --- external weight files ---------------------------------------------------------------------

    private static Path model(Path dir, String fileRef, int offset) throws Exception {
        Files.createDirectories(dir);
        Path json = dir.resolve("model.json");
        Files.writeString(json, replace("\"data\": [0.25, -0.5, 1.5]",
                "\"file\": \"" + fileRef + "\", \"offset\": " + offset));
        return json;
    }

    private static byte[] floats(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        return b.array();
    }

    @Test
    void externalWeights(@TempDir Path dir) throws Exception {
        Path m = dir.resolve("m");
        Files.createDirectories(m.resolve("w"));
        Files.write(m.resolve("w/bias.bin"), floats(9f, 0.25f, -0.5f, 1.5f));
        Graph g = GraphJson.read(model(m, "w/bias.bin", 4));
        assertThat(g.node("dense").orElseThrow().weight("bias"))
                .isEqualTo(FloatTensor.of(Shape.of(3), new float[] {0.25f, -0.5f, 1.5f}));

        McugenException e = catchThrowableOfType(McugenException.class, () -> GraphJson.read(model(m, "w/bias.bin", 8)));
        assertThat(e.diag()).isEqualTo(Diag.MCG_IMPORT_SHARD_SIZE);
        assertThat(e.getMessage()).contains("model.json", "layer 'dense' (dense)", "weights.bias", "holds 16 bytes");

        e = catchThrowableOfType(McugenException.class, () -> GraphJson.read(model(m, "w/none.bin", 0)));
        assertThat(e.diag()).isEqualTo(Diag.MCG_IMPORT_SHARD_MISSING);

        for (String bad : List.of("../secret.bin", "w/../../secret.bin", "/etc/passwd", "C:\\x.bin", "w\\..\\..\\x")) {
            e = catchThrowableOfType(McugenException.class, () -> GraphJson.read(model(m, bad.replace("\\", "\\\\"), 0)));
            assertThat(e).as(bad).isNotNull();
            assertThat(e.diag()).as(bad).isEqualTo(Diag.MCG_IMPORT_SHARD_PATH);
            assertThat(e.getMessage()).contains("weights.bias.file");
        }

        Files.write(dir.resolve("outside.bin"), floats(1, 2, 3));
        Files.createSymbolicLink(m.resolve("link.bin"), dir.resolve("outside.bin"));
        e = catchThrowableOfType(McugenException.class, () -> GraphJson.read(model(m, "link.bin", 0)));
        assertThat(e.diag()).isEqualTo(Diag.MCG_IMPORT_SHARD_PATH);
        assertThat(e.getMessage()).contains("through a link");

        e = catchThrowableOfType(McugenException.class, () -> GraphJson.read(model(m, "w/bias.bin", -4)));
        assertThat(e.diag()).isEqualTo(Diag.MCG_IMPORT_WEIGHT_DATA);
        assertThat(e.getMessage()).contains("offset");
    }

    @Test
    void missingFile(@TempDir Path dir) {
        assertThatThrownBy(() -> GraphJson.read(dir.resolve("nope.json")))
                .isInstanceOfSatisfying(McugenException.class, e -> assertThat(e.diag()).isEqualTo(Diag.MCG_IO_NOT_FOUND));
    }

    @Test
    void fileErrorsNameTheFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("bad.json");
        Files.writeString(f, replace("\"units\": 3}", "\"units\": -3}"));
        assertThatThrownBy(() -> GraphJson.read(f)).hasMessageStartingWith(f + ": layer 'dense' (dense): attrs.units")
                .hasMessageEndingWith("[MCG_GRAPH_ATTR]");
    }

    // --- writer -----------------------------------------------------------------------------------

    @Test
    void writerRefusesWhatTheReaderWouldRefuse() {
        GraphBuilder b = new GraphBuilder("w");
        b.input("x", Shape.of(3));
        b.add("d", new Op.Dropout(1.5f), List.of("x"), Map.of());
        b.output("d");
        Graph g = b.build();
        assertThatThrownBy(() -> GraphJson.toJson(g)).isInstanceOfSatisfying(McugenException.class,
                e -> assertThat(e.diag()).isEqualTo(Diag.MCG_GRAPH_ATTR));
        assertThatThrownBy(() -> GraphJson.toJson(g, GraphJson.WeightEncoding.EXTERNAL))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
