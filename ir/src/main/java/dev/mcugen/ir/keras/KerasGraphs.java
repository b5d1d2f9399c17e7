package dev.mcugen.ir.keras;

import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.GraphBuilder;
import dev.mcugen.ir.ImportedModel;
import dev.mcugen.ir.ModelLoader;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.ShapeInference;
import dev.mcugen.ir.Text;
import dev.mcugen.ir.WeightSpecs;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the IR graph of a parsed Keras configuration: the one assembly shared by TF.js
 * {@code model.json}, Keras {@code .h5} and {@code .keras}, so that the formats differ only in where
 * the weights come from.
 */
public final class KerasGraphs {
    private KerasGraphs() {
    }

    /** Where a format keeps a layer's weights. */
    @FunctionalInterface
    public interface WeightSource {
        /**
         * The stored weights of {@code layer} by key ({@code kernel}, {@code bias}...). {@code stored} lists
         * the keys its configuration stores, in Keras' variable order (kernel, recurrent_kernel, bias;
         * gamma, beta, moving_mean, moving_variance), which is what positional names ({@code vars/0})
         * count in. Missing, extra or misshapen weights are left for the graph builder to refuse.
         */
        Map<String, FloatTensor> weights(KerasTopology.Layer layer, List<String> stored);
    }

    /**
     * The graph of {@code topology}, named after the model (or {@code fallbackName}), with each node's
     * Keras class as its source op.
     *
     * @param keras3 the model was made by Keras 3 (whose {@code hard_sigmoid} differs)
     */
    public static ImportedModel build(KerasTopology topology, String fallbackName, boolean keras3,
                                      ModelLoader.Format format, WeightSource source) {
        String name = topology.modelName().isEmpty() ? fallbackName : topology.modelName();
        GraphBuilder graph = new GraphBuilder(name);
        topology.inputs().forEach(in -> graph.input(in.name(), in.shape()));
        LayerMapper mapper = new LayerMapper(keras3);
        Map<String, String> ops = new LinkedHashMap<>();
        for (KerasTopology.Layer layer : topology.layers()) {
            List<Shape> in = layer.inbound().stream().map(graph::shapeOf).toList();
            if (KerasWrappers.isWrapper(layer.config().className())) {
                List<KerasWrappers.Part> parts = KerasWrappers.expand(layer, in, mapper, source);
                // source op "Bidirectional(LSTM)", "TimeDistributed(Conv1D)" for every node the wrapper becomes
                String wrapped = layer.config().className() + "(" + Text.clip(
                        layer.config().raw("layer").path("class_name").asText(), 40) + ")";
                for (KerasWrappers.Part p : parts) {
                    graph.add(p.name(), p.op(), p.inputs(), p.weights());
                    ops.put(p.name(), wrapped);
                }
                continue;
            }
            if (LayerMapper.isSeparable(layer.config().className())) {
                separable(graph, mapper.separable(layer.config()), layer, in, source, ops);
                continue;
            }
            LayerMapper.Mapped m = mapper.map(layer.config(), in);
            ShapeInference.outputShape(layer.name(), m.op(), in);
            List<String> stored = new ArrayList<>(WeightSpecs.expected(m.op(), in).keySet());
            stored.removeAll(m.implicitWeights().keySet());
            Map<String, FloatTensor> w = new LinkedHashMap<>(source.weights(layer, List.copyOf(stored)));
            w.putAll(m.implicitWeights());
            graph.add(layer.name(), m.op(), layer.inbound(), w);
            ops.put(layer.name(), layer.config().className());
        }
        topology.outputs().forEach(graph::output);
        Graph g = graph.build();
        return ImportedModel.of(g, format, ops);
    }

    /**
     * A SeparableConv layer as two nodes: {@code <layer>/depthwise} (weight {@code depthwise_kernel})
     * and the 1x1 convolution named after the layer itself (its {@code pointwise_kernel} as
     * {@code kernel}, and {@code bias}), so later layers and outputs find it under the layer's name;
     * both report the Keras class as their source op.
     */
    private static void separable(GraphBuilder graph, LayerMapper.Separable sep, KerasTopology.Layer layer,
                                  List<Shape> in, WeightSource source, Map<String, String> ops) {
        String dwName = layer.name() + "/depthwise";
        Shape mid = ShapeInference.outputShape(dwName, sep.depthwise(), in);
        ShapeInference.outputShape(layer.name(), sep.pointwise(), List.of(mid));
        List<String> stored = new ArrayList<>(List.of("depthwise_kernel", "pointwise_kernel"));
        if (WeightSpecs.expected(sep.pointwise(), List.of(mid)).containsKey("bias")) {
            stored.add("bias");
        }
        Map<String, FloatTensor> w = new LinkedHashMap<>(source.weights(layer, List.copyOf(stored)));
        Map<String, FloatTensor> dw = new LinkedHashMap<>();
        Map<String, FloatTensor> pw = new LinkedHashMap<>();
        for (Map.Entry<String, FloatTensor> e : w.entrySet()) {
            switch (e.getKey()) {
                case "depthwise_kernel" -> dw.put(e.getKey(), e.getValue());
                case "pointwise_kernel" -> pw.put("kernel", e.getValue());
                default -> pw.put(e.getKey(), e.getValue());
            }
        }
        graph.add(dwName, sep.depthwise(), layer.inbound(), dw);
        graph.add(layer.name(), sep.pointwise(), List.of(dwName), pw);
        ops.put(dwName, layer.config().className());
        ops.put(layer.name(), layer.config().className());
    }
}
