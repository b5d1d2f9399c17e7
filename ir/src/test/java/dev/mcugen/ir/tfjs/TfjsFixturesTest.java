package dev.mcugen.ir.tfjs;

import static dev.mcugen.ir.tfjs.ModelFiles.dim;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcugen.ir.Activation;
import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.Node;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Padding;
import dev.mcugen.ir.PoolKind;
import dev.mcugen.ir.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Imports the framework-made fixtures (TF.js model.save and the Keras-converter layout). Every one
 * must import with the input and output shapes fixtures.json records and with weights equal, bit for
 * bit, to the shards read independently; a few are checked layer by layer against their definition
 * in examples/gen-fixtures.js, with sizes from fixtures.json {@code dims} so a seeded run checks too.
 */
class TfjsFixturesTest {

    @TestFactory
    Stream<DynamicTest> everyFixtureImportsWithItsShapesAndWeights() {
        List<Path> folders = ModelFiles.fixtureFolders();
        assertThat(folders).isNotEmpty();
        return folders.stream().map(dir -> dynamicTest(dir.getFileName().toString(), () -> {
            Graph g = TfjsImporter.load(dir.resolve("model.json"));
            JsonNode entry = ModelFiles.indexEntry(dir.getFileName().toString());
            List<Shape> inputs = new ArrayList<>();
            entry.get("inputShapes").forEach(s -> inputs.add(withoutBatch(s)));
            assertThat(g.inputs()).extracting(i -> i.shape()).containsExactlyElementsOf(inputs);
            // one output: expectedShape; several: expectedShapes, in the model's output order
            List<Shape> outputs = new ArrayList<>();
            if (entry.has("expectedShapes")) {
                entry.get("expectedShapes").forEach(s -> outputs.add(withoutBatch(s)));
            } else {
                outputs.add(withoutBatch(entry.get("expectedShape")));
            }
            assertThat(g.outputs()).extracting(o -> g.shapes().get(o)).containsExactlyElementsOf(outputs);
            assertWeightsMatchShards(g, dir);
        }));
    }

    /**
     * Each node weight equals the manifest weight {@code <node>/.../<key>}, and every one is used. A
     * SeparableConv2D layer's two nodes read {@code <layer>/depthwise_kernel} ({@code <layer>/depthwise})
     * and {@code <layer>/pointwise_kernel} (the node's {@code kernel}).
     */
    static void assertWeightsMatchShards(Graph g, Path dir) {
        Map<String, ModelFiles.Stored> raw = ModelFiles.readWeights(dir);
        int used = 0;
        for (Node n : g.nodes()) {
            boolean dwHalf = n.name().endsWith("/depthwise");
            String layer = dwHalf ? n.name().substring(0, n.name().length() - "/depthwise".length()) : n.name();
            for (Map.Entry<String, FloatTensor> w : n.weights().entrySet()) {
                List<String> keys = w.getKey().equals("kernel") ? List.of("kernel", "pointwise_kernel") : List.of(w.getKey());
                List<ModelFiles.Stored> match = raw.values().stream()
                        .filter(s -> s.name().startsWith(layer + "/") && keys.stream().anyMatch(k -> s.name().endsWith("/" + k)))
                        .toList();
                if (match.isEmpty() && implicit(w.getKey(), w.getValue())) {
                    continue; // a normalization without scale / center: ones / zeros the importer supplies
                }
                assertThat(match).as(n.name() + "/" + w.getKey()).hasSize(1);
                int[] shape = w.getValue().shape().toArray();
                if (n.op() instanceof Op.Conv2D c && c.kernelH() == 1 && shape.length == match.get(0).shape().length + 1) {
                    // TimeDistributed(Conv1D) is a Conv2D of kernel height 1: its [k, C, F] kernel read as [1, k, C, F]
                    shape = java.util.Arrays.copyOfRange(shape, 1, shape.length);
                }
                assertThat(shape).isEqualTo(match.get(0).shape());
                assertThat(w.getValue().toArray()).isEqualTo(match.get(0).floats());
                used++;
            }
        }
        assertThat(used).isEqualTo(raw.size());
    }

    private static boolean implicit(String key, FloatTensor w) {
        float fill = key.equals("gamma") ? 1f : key.equals("beta") ? 0f : Float.NaN;
        for (float v : w.toArray()) {
            if (v != fill) {
                return false;
            }
        }
        return true;
    }

    @Test
    void separableConv2dIsADepthwiseNodeAndAPointwiseConvolution() {
        Graph g = load("separable_conv2d_m1_valid_s2");
        int f = dim("c2Filters");
        assertThat(g.nodes()).extracting(Node::name).containsExactly("separable_conv2d/depthwise", "separable_conv2d");
        assertThat(g.nodes().get(0).op()).isEqualTo(
                new Op.DepthwiseConv(2, 1, 3, 3, 2, 2, 1, 1, Padding.VALID, Activation.LINEAR, false));
        assertThat(g.nodes().get(1).op()).isEqualTo(new Op.Conv2D(f, 1, 1, 1, 1, 1, 1, Padding.VALID, Activation.LINEAR, true));
        assertThat(g.nodes().get(1).weight("kernel").shape()).isEqualTo(Shape.of(1, 1, dim("c2C"), f));
        assertThat(g.outputs()).containsExactly("separable_conv2d");
    }

    @Test
    void depthwiseConv2dWithMultiplier2() {
        Node dw = single(load("depthwise_conv2d_m2_valid_s2_nobias"));
        int h = dim("c2H"), w = dim("c2W"), c = dim("c2C"), kh = dim("c2Kh"), kw = dim("c2Kw");
        assertThat(dw.op()).isEqualTo(new Op.DepthwiseConv(2, 2, kh, kw, 2, 2, 1, 1, Padding.VALID, Activation.LINEAR, false));
        assertThat(dw.outputShape()).isEqualTo(Shape.of((h - kh) / 2 + 1, (w - kw) / 2 + 1, 2 * c));
        assertThat(dw.weights().keySet()).containsExactly("depthwise_kernel");
        assertThat(dw.weight("depthwise_kernel").shape()).isEqualTo(Shape.of(kh, kw, c, 2));
    }

    @Test
    void conv1dValidStride2() {
        Graph g = load("conv1d_valid_s2");
        int t = dim("c1T"), c = dim("c1C"), f = dim("c1Filters"), k = dim("c1KOdd");
        assertThat(g.inputs()).singleElement().satisfies(i -> {
            assertThat(i.name()).isEqualTo("conv1d_input");
            assertThat(i.shape()).isEqualTo(Shape.of(t, c));
        });
        Node conv = single(g);
        assertThat(conv.op()).isEqualTo(new Op.Conv1D(f, k, 2, 1, Padding.VALID, Activation.LINEAR, true));
        assertThat(conv.outputShape()).isEqualTo(Shape.of((t - k) / 2 + 1, f));
        assertThat(conv.weights().keySet()).containsExactly("kernel", "bias");
        assertThat(conv.weight("kernel").shape()).isEqualTo(Shape.of(k, c, f));
        assertThat(g.outputs()).containsExactly("conv1d");
    }

    @Test
    void conv2dSameStride2x1WithANonSquareKernel() {
        Graph g = load("conv2d_same_s21_tanh");
        int h = dim("c2H"), w = dim("c2W"), f = dim("c2Filters"), kh = dim("c2Kh"), kw = dim("c2Kw");
        Node conv = single(g);
        // the fixture swaps the kernel: [kw, kh]
        assertThat(conv.op()).isEqualTo(new Op.Conv2D(f, kw, kh, 2, 1, 1, 1, Padding.SAME, Activation.TANH, true));
        assertThat(conv.outputShape()).isEqualTo(Shape.of((h + 1) / 2, w, f));
        assertThat(conv.weight("kernel").shape()).isEqualTo(Shape.of(kw, kh, dim("c2C"), f));
    }

    @Test
    void averagePoolingStrideDefaultsToThePoolSize() {
        Node pool = single(load("avgpool1d_same_p2_default_stride"));
        assertThat(pool.op()).isEqualTo(new Op.Pool(PoolKind.AVG, List.of(2), List.of(2), Padding.SAME));
        assertThat(pool.outputShape()).isEqualTo(Shape.of((dim("p1T") + 1) / 2, dim("p1C")));
    }

    @Test
    void reshapeBetweenDenseAndConv1d() {
        Graph g = load("reshape_dense_conv1d");
        int rsC = Math.max(2, (dim("dHidden") + 3) / 4);
        int filters = dim("c1Filters");
        assertThat(g.nodes()).extracting(Node::name).containsExactly("dense_1", "reshape", "conv1d", "flatten", "dense_2");
        assertThat(g.nodes()).extracting(Node::outputShape).containsExactly(Shape.of(4 * rsC), Shape.of(4, rsC),
                Shape.of(3, filters), Shape.of(3 * filters), Shape.of(dim("dOut")));
        assertThat(g.nodes().get(0).op()).isEqualTo(new Op.Dense(4 * rsC, Activation.RELU, true));
        assertThat(g.nodes().get(1).op()).isEqualTo(new Op.Reshape(Shape.of(4, rsC)));
        assertThat(g.nodes().get(3).op()).isEqualTo(new Op.Flatten());
    }

    @Test
    void batchNormAfterConv1dWithoutBiasAndReluLayer() {
        Graph g = load("batchnorm_conv1d");
        int f = dim("c1Filters");
        assertThat(g.nodes()).extracting(n -> n.op().kind()).containsExactly("conv1d", "batch_norm", "activation");
        assertThat(((Op.Conv1D) g.nodes().get(0).op()).useBias()).isFalse();
        assertThat(g.nodes().get(0).weights().keySet()).containsExactly("kernel");
        assertThat(g.nodes().get(1).op()).isEqualTo(new Op.BatchNorm(0.01f));
        assertThat(g.nodes().get(1).weights().keySet()).containsExactly("gamma", "beta", "moving_mean", "moving_variance");
        assertThat(g.nodes().get(1).weights().values()).allSatisfy(w -> assertThat(w.shape()).isEqualTo(Shape.of(f)));
        assertThat(g.nodes().get(2).op()).isEqualTo(new Op.Act(Activation.RELU));
    }

    @Test
    void dropoutAndRelu6Layers() {
        assertThat(load("dropout_dense").nodes().get(1).op()).isEqualTo(new Op.Dropout(0.5f));
        assertThat(load("relu_layer_max6").nodes().get(1).op()).isEqualTo(new Op.Act(Activation.RELU6));
        assertThat(load("relu_layer").nodes().get(1).op()).isEqualTo(new Op.Act(Activation.RELU));
        assertThat(load("activation_hard_sigmoid").nodes().get(1).op()).isEqualTo(new Op.Act(Activation.HARD_SIGMOID));
    }

    @Test
    void functionalResidualBlock() {
        Graph g = load("functional_resblock_conv1d");
        int t = dim("c1T"), f = dim("c1Filters");
        assertThat(g.inputs()).extracting(i -> i.name()).containsExactly("x");
        assertThat(g.nodes()).hasSize(8);
        Node add = g.node("add").orElseThrow();
        assertThat(add.op()).isEqualTo(new Op.Add());
        assertThat(add.inputs()).containsExactlyInAnyOrder("bn", "proj");
        assertThat(add.outputShape()).isEqualTo(Shape.of(t, f));
        assertThat(g.node("proj").orElseThrow().inputs()).containsExactly("x");
        assertThat(g.node("proj").orElseThrow().op())
                .isEqualTo(new Op.Conv1D(f, 1, 1, 1, Padding.VALID, Activation.LINEAR, true));
        assertThat(g.node("conv_b").orElseThrow().inputs()).containsExactly("conv_a");
        assertThat(g.node("gap").orElseThrow().op()).isEqualTo(new Op.GlobalPool(PoolKind.AVG, 1));
        assertThat(g.outputs()).containsExactly("head");
        assertThat(g.shapes().get("head")).isEqualTo(Shape.of(dim("dOut")));
    }

    @Test
    void functionalTwoSequenceInputs() {
        Graph g = load("functional_two_inputs_add_seq");
        int t = dim("rT"), f = dim("rF"), u1 = dim("rUnits"), u2 = dim("rUnits2");
        assertThat(g.inputs()).extracting(i -> i.name()).containsExactly("in_a", "in_b");
        assertThat(g.inputs()).extracting(i -> i.shape()).containsOnly(Shape.of(t, f));
        assertThat(g.nodes()).extracting(Node::name).containsExactly("add", "lstm", "gru", "concat", "head");
        assertThat(g.node("add").orElseThrow().inputs()).containsExactly("in_a", "in_b");
        assertThat(g.node("lstm").orElseThrow().op()).isEqualTo(new Op.Lstm(u1, Activation.TANH, Activation.HARD_SIGMOID,
                true, false, false, false, false, false, 0));
        assertThat(g.node("gru").orElseThrow().inputs()).containsExactly("in_b");
        assertThat(g.node("gru").orElseThrow().op()).isEqualTo(new Op.Gru(u2, Activation.TANH, Activation.HARD_SIGMOID,
                true, false, false, false));
        assertThat(g.node("concat").orElseThrow().op()).isEqualTo(new Op.Concatenate(0));
        assertThat(g.node("concat").orElseThrow().inputs()).containsExactly("lstm", "gru");
        assertThat(g.shapes().get("concat")).isEqualTo(Shape.of(u1 + u2));
    }

    @Test
    void lstmBackwardsReturningSequences() {
        Node lstm = single(load("lstm_backwards_seq"));
        int t = dim("rT"), f = dim("rF"), u = dim("rUnits");
        assertThat(lstm.op()).isEqualTo(new Op.Lstm(u, Activation.TANH, Activation.HARD_SIGMOID, true, true, true,
                false, false, false, 0));
        assertThat(lstm.outputShape()).isEqualTo(Shape.of(t, u));
        assertThat(lstm.weights().keySet()).containsExactly("kernel", "recurrent_kernel", "bias");
        assertThat(lstm.weight("kernel").shape()).isEqualTo(Shape.of(f, 4 * u));
        assertThat(lstm.weight("recurrent_kernel").shape()).isEqualTo(Shape.of(u, 4 * u));
        assertThat(lstm.weight("bias").shape()).isEqualTo(Shape.of(4 * u));
    }

    @Test
    void simpleRnnReluAndGruVariants() {
        assertThat(single(load("simplernn_relu_seq")).op())
                .isEqualTo(new Op.SimpleRnn(dim("rUnits"), Activation.RELU, true, true, false));
        Op gru = load("gru_sigmoid_relu_seq").nodes().get(0).op();
        assertThat(gru).isEqualTo(new Op.Gru(dim("rUnits"), Activation.RELU, Activation.SIGMOID, true, true, false, false));
        Node noBias = load("gru_no_bias").nodes().get(0);
        assertThat(((Op.Gru) noBias.op()).useBias()).isFalse();
        assertThat(noBias.weights().keySet()).containsExactly("kernel", "recurrent_kernel");
    }

    @Test
    void kerasGruWithResetAfterFromTheConverterLayout() {
        Graph g = load("gru_reset_after_keras");
        JsonNode in = ModelFiles.indexEntry("gru_reset_after_keras").get("inputShapes").get(0);
        int f = in.get(2).asInt();
        assertThat(g.inputs()).singleElement().satisfies(i -> assertThat(i.name()).isEqualTo("input_1"));
        Node gru = g.nodes().get(0);
        Op.Gru op = (Op.Gru) gru.op();
        int u = op.units();
        assertThat(op).isEqualTo(new Op.Gru(u, Activation.TANH, Activation.SIGMOID, true, false, false, true));
        assertThat(gru.weight("kernel").shape()).isEqualTo(Shape.of(f, 3 * u));
        assertThat(gru.weight("bias").shape()).isEqualTo(Shape.of(2, 3 * u));
        assertThat(g.nodes()).extracting(n -> n.op().kind()).containsExactly("gru", "dense");
    }

    private static Graph load(String fixture) {
        return TfjsImporter.load(ModelFiles.fixture(fixture).resolve("model.json"));
    }

    private static Node single(Graph g) {
        assertThat(g.nodes()).hasSize(1);
        return g.nodes().get(0);
    }

    private static Shape withoutBatch(JsonNode shape) {
        int[] d = new int[shape.size() - 1];
        for (int i = 1; i < shape.size(); i++) {
            d[i - 1] = shape.get(i).asInt();
        }
        return Shape.of(d);
    }
}
