package dev.mcugen.ir.tfjs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcugen.ir.Diag;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.Shape;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The layers of a Keras model configuration ({@code modelTopology} of a TF.js {@code model.json}) and
 * how they connect, in a topological order. Format rules (tfjs-layers {@code models.ts},
 * {@code engine/container.ts}; Keras {@code Sequential.get_config} / {@code Functional.get_config}):
 * <ul>
 *   <li>{@code modelTopology} is {@code {"class_name", "config", "keras_version", "backend"}} (TF.js
 *       {@code model.save}), or wraps that object as {@code "model_config"} next to
 *       {@code keras_version} / {@code backend} (tensorflowjs_converter from a Keras HDF5 file).</li>
 *   <li>{@code Sequential}: {@code config} is the list of layers (Keras &lt; 2.2.3) or
 *       {@code {"name", "layers": [...]}}. The input shape comes from a leading {@code InputLayer}
 *       ({@code batch_input_shape}; Keras 3: {@code batch_shape}), else from the first layer's
 *       {@code batch_input_shape}, else from {@code build_input_shape}. Each layer reads the previous one;
 *       without an InputLayer the input is named {@code <first layer>_input} as Keras does.</li>
 *   <li>{@code Model} (TF.js, Keras &lt; 2.4) / {@code Functional}: {@code config.layers} with
 *       {@code inbound_nodes}, and {@code input_layers} / {@code output_layers} as
 *       {@code [layer, node_index, tensor_index]} triples (Keras 3 writes a bare triple for a single
 *       input or output). An inbound node is Keras 2's list of {@code [layer, node_index, tensor_index,
 *       kwargs]}, or Keras 3's {@code {"args": [...], "kwargs": {...}}} whose {@code __keras_tensor__}
 *       entries carry {@code keras_history: [layer, node_index, tensor_index]}.</li>
 * </ul>
 * Supported are graphs where every layer is called once (no shared layers) and produces one tensor.
 * Batch dimensions are dropped; a {@code null} dimension becomes {@link Shape#UNKNOWN}.
 */
final class KerasTopology {
    /** A model input: an InputLayer (or the implicit input of a Sequential model). */
    record Input(String name, Shape shape) {
    }

    /** A computing layer and the names of the layers (or inputs) it reads, in argument order. */
    record Layer(LayerConfig config, List<String> inbound) {
        Layer {
            inbound = List.copyOf(inbound);
        }

        String name() {
            return config.name();
        }
    }

    private static final String INPUT_LAYER = "InputLayer";

    private final String modelName;
    private final String kerasVersion;
    private final List<Input> inputs;
    private final List<Layer> layers;
    private final List<String> outputs;

    private KerasTopology(String modelName, String kerasVersion, List<Input> inputs, List<Layer> layers,
                          List<String> outputs) {
        this.modelName = modelName;
        this.kerasVersion = kerasVersion;
        this.inputs = List.copyOf(inputs);
        this.layers = List.copyOf(layers);
        this.outputs = List.copyOf(outputs);
    }

    /** Model name from the configuration, or "" if it has none. */
    String modelName() {
        return modelName;
    }

    /** {@code keras_version} as written ({@code "2.12.0"}, {@code "tfjs-layers 4.22.0"}), or "". */
    String kerasVersion() {
        return kerasVersion;
    }

    List<Input> inputs() {
        return inputs;
    }

    /** The computing layers, each after every layer it reads. */
    List<Layer> layers() {
        return layers;
    }

    List<String> outputs() {
        return outputs;
    }

    /** Reads the {@code modelTopology} object of a layers-model {@code model.json}. */
    static KerasTopology parse(JsonNode modelTopology) {
        if (modelTopology == null || !modelTopology.isObject()) {
            throw format("modelTopology", "is missing or not an object");
        }
        String version = text(modelTopology.get("keras_version"));
        JsonNode model = modelTopology;
        if (modelTopology.has("model_config")) {
            model = modelTopology.get("model_config");
            if (!model.isObject()) {
                throw format("modelTopology.model_config", "is not an object");
            }
        }
        String className = text(model.get("class_name"));
        JsonNode config = model.get("config");
        if (config == null || config.isNull()) {
            throw format("modelTopology", "has no 'config' for its " + (className.isEmpty() ? "model" : className));
        }
        switch (className) {
            case "Sequential":
                return sequential(config, version);
            case "Model":
            case "Functional":
                return functional(config, version);
            default:
                throw format("modelTopology", "has class_name '" + className
                        + "'; mcugen reads Keras Sequential and functional (Model / Functional) models");
        }
    }

    private static KerasTopology sequential(JsonNode config, String version) {
        JsonNode list = config.isArray() ? config : config.get("layers");
        String name = config.isObject() ? text(config.get("name")) : "";
        if (list == null || !list.isArray()) {
            throw format("modelTopology.config", "of the Sequential model has no 'layers' list");
        }
        List<LayerConfig> all = new ArrayList<>();
        for (JsonNode l : list) {
            all.add(layerConfig(l));
        }
        if (all.isEmpty() || (all.size() == 1 && all.get(0).className().equals(INPUT_LAYER))) {
            throw new McugenException(Diag.MCG_IMPORT_EMPTY_MODEL, "model '" + name + "'",
                    "has no layers besides its input; export a model with at least one layer");
        }
        Input input;
        int first = 0;
        if (all.get(0).className().equals(INPUT_LAYER)) {
            input = new Input(all.get(0).name(), inputShape(all.get(0), null));
            first = 1;
        } else {
            JsonNode built = config.isObject() ? config.get("build_input_shape") : null;
            input = new Input(all.get(0).name() + "_input", inputShape(all.get(0), built));
        }
        List<Layer> layers = new ArrayList<>();
        String previous = input.name();
        for (LayerConfig c : all.subList(first, all.size())) {
            if (c.className().equals(INPUT_LAYER)) {
                throw new McugenException(Diag.MCG_IMPORT_TOPOLOGY, c.subject(),
                        "an InputLayer may only come first in a Sequential model");
            }
            layers.add(new Layer(c, List.of(previous)));
            previous = c.name();
        }
        checkUniqueNames(input.name(), layers);
        return new KerasTopology(name, version, List.of(input), layers, List.of(previous));
    }

    private static KerasTopology functional(JsonNode config, String version) {
        JsonNode list = config.get("layers");
        if (list == null || !list.isArray()) {
            throw format("modelTopology.config", "of the functional model has no 'layers' list");
        }
        String name = text(config.get("name"));
        Map<String, Input> inputLayers = new LinkedHashMap<>();
        List<Layer> computing = new ArrayList<>();
        for (JsonNode l : list) {
            LayerConfig c = layerConfig(l);
            if (c.className().equals(INPUT_LAYER)) {
                if (inputLayers.put(c.name(), new Input(c.name(), inputShape(c, null))) != null) {
                    throw new McugenException(Diag.MCG_IMPORT_TOPOLOGY, c.subject(), "its name is used by another layer");
                }
            } else {
                computing.add(new Layer(c, inbound(c, l.get("inbound_nodes"))));
            }
        }
        List<Input> inputs = new ArrayList<>();
        for (String in : endpoints(config.get("input_layers"), "input_layers")) {
            Input i = inputLayers.get(in);
            if (i == null) {
                throw format("modelTopology.config.input_layers", "names '" + in + "', which is not an InputLayer of the model");
            }
            inputs.add(i);
        }
        if (inputs.size() != inputLayers.size()) {
            throw format("modelTopology.config.input_layers", "lists " + inputs.size() + " of the model's "
                    + inputLayers.size() + " InputLayers");
        }
        List<String> outputs = endpoints(config.get("output_layers"), "output_layers");
        if (computing.isEmpty()) {
            throw new McugenException(Diag.MCG_IMPORT_EMPTY_MODEL, "model '" + name + "'",
                    "has no layers besides its inputs; export a model with at least one layer");
        }
        List<Layer> sorted = topologicalOrder(inputLayers.keySet(), computing);
        for (String out : outputs) {
            if (inputLayers.containsKey(out)) {
                throw new McugenException(Diag.MCG_IMPORT_TOPOLOGY, "output '" + out + "'",
                        "is a model input passed through unchanged; mcugen needs every output computed by a layer");
            }
            if (sorted.stream().noneMatch(l -> l.name().equals(out))) {
                throw format("modelTopology.config.output_layers", "names '" + out + "', which is not a layer of the model");
            }
        }
        return new KerasTopology(name, version, inputs, sorted, outputs);
    }

    /** The layers ordered so that each comes after what it reads, otherwise in the file's order. */
    private static List<Layer> topologicalOrder(Set<String> inputNames, List<Layer> computing) {
        Set<String> all = new HashSet<>(inputNames);
        for (Layer l : computing) {
            if (!all.add(l.name())) {
                throw new McugenException(Diag.MCG_IMPORT_TOPOLOGY, l.config().subject(), "its name is used by another layer");
            }
        }
        for (Layer l : computing) {
            for (String src : l.inbound()) {
                if (!all.contains(src)) {
                    throw new McugenException(Diag.MCG_IMPORT_TOPOLOGY, l.config().subject(),
                            "reads '" + src + "', which is not a layer of the model");
                }
            }
        }
        Set<String> defined = new HashSet<>(inputNames);
        List<Layer> remaining = new ArrayList<>(computing);
        List<Layer> order = new ArrayList<>();
        while (!remaining.isEmpty()) {
            Layer next = remaining.stream().filter(l -> defined.containsAll(l.inbound())).findFirst()
                    .orElseThrow(() -> new McugenException(Diag.MCG_IMPORT_TOPOLOGY, remaining.get(0).config().subject(),
                            "is part of a cycle of layers; the model graph must be acyclic"));
            remaining.remove(next);
            order.add(next);
            defined.add(next.name());
        }
        return order;
    }

    /** The layer names an inbound-node list reads, checking that the layer is called exactly once. */
    private static List<String> inbound(LayerConfig c, JsonNode nodes) {
        if (nodes == null || !nodes.isArray() || nodes.isEmpty()) {
            throw new McugenException(Diag.MCG_IMPORT_TOPOLOGY, c.subject(), "has no inbound node; it is not connected to the model");
        }
        if (nodes.size() > 1) {
            throw new McugenException(Diag.MCG_IMPORT_TOPOLOGY, c.subject(), "is called " + nodes.size()
                    + " times (a shared layer); mcugen needs each layer called once, so give each call its own layer");
        }
        JsonNode node = nodes.get(0);
        List<String> names = new ArrayList<>();
        if (node.isArray()) {
            for (JsonNode ref : node) {
                names.add(reference(c, ref));
            }
        } else if (node.isObject() && node.has("args")) {
            collectKerasTensors(c, node.get("args"), names);
            List<String> inKwargs = new ArrayList<>();
            collectKerasTensors(c, node.get("kwargs"), inKwargs);
            if (!inKwargs.isEmpty()) {
                throw c.unsupported("passes tensors " + inKwargs + " as keyword arguments (initial_state, mask...);"
                        + " mcugen supports plain layer inputs only");
            }
        } else {
            throw c.format("inbound_nodes", "has an entry mcugen cannot read: " + node);
        }
        if (names.isEmpty()) {
            throw new McugenException(Diag.MCG_IMPORT_TOPOLOGY, c.subject(), "has an inbound node without inputs");
        }
        return names;
    }

    /** Keras 3: every {@code __keras_tensor__} object nested in {@code args}, in order. */
    private static void collectKerasTensors(LayerConfig c, JsonNode n, List<String> out) {
        if (n == null) {
            return;
        }
        if (n.isObject() && "__keras_tensor__".equals(text(n.get("class_name")))) {
            JsonNode cfg = n.get("config");
            out.add(reference(c, cfg == null ? null : cfg.get("keras_history")));
            return;
        }
        if (n.isContainerNode()) {
            n.forEach(child -> collectKerasTensors(c, child, out));
        }
    }

    /** A {@code [layer, node_index, tensor_index, ...]} reference: the layer name. */
    private static String reference(LayerConfig c, JsonNode ref) {
        if (ref == null || !ref.isArray() || ref.size() < 3 || !ref.get(0).isTextual()) {
            throw c.format("inbound_nodes", "has a reference mcugen cannot read: " + ref);
        }
        if (ref.get(1).asInt(-1) != 0 || ref.get(2).asInt(-1) != 0) {
            throw new McugenException(Diag.MCG_IMPORT_TOPOLOGY, c.subject(), "reads call " + ref.get(1) + ", output "
                    + ref.get(2) + " of '" + ref.get(0).textValue()
                    + "'; mcugen supports layers called once that produce one tensor");
        }
        return ref.get(0).textValue();
    }

    /** The layer names of {@code input_layers} / {@code output_layers}. */
    private static List<String> endpoints(JsonNode n, String key) {
        String where = "modelTopology.config." + key;
        if (n == null || !n.isArray() || n.isEmpty()) {
            throw format(where, "is missing or empty");
        }
        List<String> names = new ArrayList<>();
        if (n.get(0).isTextual()) {
            names.add(endpoint(where, n));
        } else {
            for (JsonNode e : n) {
                names.add(endpoint(where, e));
            }
        }
        return names;
    }

    private static String endpoint(String where, JsonNode e) {
        if (!e.isArray() || e.size() < 3 || !e.get(0).isTextual()) {
            throw format(where, "has an entry mcugen cannot read: " + e);
        }
        if (e.get(1).asInt(-1) != 0 || e.get(2).asInt(-1) != 0) {
            throw new McugenException(Diag.MCG_IMPORT_TOPOLOGY, where, "refers to " + e
                    + "; mcugen supports layers called once that produce one tensor");
        }
        return e.get(0).textValue();
    }

    private static LayerConfig layerConfig(JsonNode l) {
        if (l == null || !l.isObject()) {
            throw format("modelTopology", "has a layer entry that is not an object: " + l);
        }
        String className = text(l.get("class_name"));
        JsonNode config = l.get("config");
        if (className.isEmpty() || config == null || !config.isObject()) {
            throw format("modelTopology", "has a layer without class_name or config: " + abbreviate(l));
        }
        String name = text(l.get("name"));
        if (name.isEmpty()) {
            name = text(config.get("name"));
        }
        if (name.isEmpty()) {
            throw format("modelTopology", "has a " + className + " layer without a name");
        }
        return new LayerConfig(name, className, config);
    }

    /** The input shape an InputLayer or a Sequential model's first layer declares, batch dropped. */
    private static Shape inputShape(LayerConfig c, JsonNode buildInputShape) {
        JsonNode s = c.raw("batch_input_shape");
        if (s == null) {
            s = c.raw("batch_shape");
        }
        if (s == null && buildInputShape != null && !buildInputShape.isNull()) {
            s = buildInputShape;
        }
        if (s == null) {
            throw c.format("batch_input_shape", "is missing, so the model's input shape is unknown;"
                    + " give the first layer an input shape (inputShape in TF.js, input_shape in Keras)");
        }
        if (!s.isArray() || s.size() < 2) {
            throw c.format("batch_input_shape", "must be [batch, d1, ...], got " + s);
        }
        int[] dims = new int[s.size() - 1];
        for (int i = 1; i < s.size(); i++) {
            JsonNode d = s.get(i);
            if (d.isNull()) {
                dims[i - 1] = Shape.UNKNOWN;
            } else if (d.isIntegralNumber() && d.canConvertToInt() && d.intValue() > 0) {
                dims[i - 1] = d.intValue();
            } else {
                throw c.format("batch_input_shape", "must hold positive integers or null, got " + s);
            }
        }
        return Shape.of(dims);
    }

    private static void checkUniqueNames(String input, List<Layer> layers) {
        Set<String> seen = new HashSet<>();
        seen.add(input);
        for (Layer l : layers) {
            if (!seen.add(l.name())) {
                throw new McugenException(Diag.MCG_IMPORT_TOPOLOGY, l.config().subject(), "its name is used by another layer");
            }
        }
    }

    private static String text(JsonNode n) {
        return n != null && n.isTextual() ? n.textValue() : "";
    }

    private static String abbreviate(JsonNode n) {
        String s = n.toString();
        return s.length() > 120 ? s.substring(0, 117) + "..." : s;
    }

    private static McugenException format(String where, String detail) {
        return new McugenException(Diag.MCG_IMPORT_FORMAT, where, detail);
    }
}
