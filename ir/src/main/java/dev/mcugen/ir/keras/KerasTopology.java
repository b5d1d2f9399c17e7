package dev.mcugen.ir.keras;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcugen.ir.Diag;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.Text;
import java.util.Locale;
import java.util.ArrayList;
import java.util.HashMap;
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
 *       {@code batch_input_shape}, else from {@code build_input_shape} (Keras 3: the model's
 *       {@code build_config.input_shape}). Each layer reads the previous one;
 *       without an InputLayer the input is named {@code <first layer>_input} as Keras does.</li>
 *   <li>{@code Model} (TF.js, Keras &lt; 2.4) / {@code Functional}: {@code config.layers} with
 *       {@code inbound_nodes}, and {@code input_layers} / {@code output_layers} as
 *       {@code [layer, node_index, tensor_index]} triples (Keras 3 writes a bare triple for a single
 *       input or output). An inbound node is Keras 2's list of {@code [layer, node_index, tensor_index,
 *       kwargs]}, or Keras 3's {@code {"args": [...], "kwargs": {...}}} whose {@code __keras_tensor__}
 *       entries carry {@code keras_history: [layer, node_index, tensor_index]}.</li>
 *   <li>A {@code Sequential} / {@code Functional} / {@code Model} entry among the layers is a nested model:
 *       it is inlined, its inputs wired to what the outer model feeds it and its (single) output
 *       standing for it. Inlined layers keep their own names (Keras makes them unique), or become
 *       {@code outer/inner} where they clash with another layer's name.</li>
 * </ul>
 * Supported are graphs where every layer is called once (no shared layers) and produces one tensor.
 * Batch dimensions are dropped; a {@code null} dimension becomes {@link Shape#UNKNOWN}.
 * The same parse serves TF.js {@code model.json}, Keras {@code .h5} ({@code model_config}) and Keras 3
 * {@code .keras} ({@code config.json}): one place decides what a Keras configuration means.
 */
public final class KerasTopology {
    /** A model input: an InputLayer (or the implicit input of a Sequential model). */
    public record Input(String name, Shape shape) {
    }

    /**
     * A computing layer and the names of the layers (or inputs) it reads, in argument order.
     *
     * @param sourcePath the names that lead to the layer in the file: the nested models holding it,
     *                   outermost first, then its own name (Keras 2 HDF5 stores a nested model's weights
     *                   under the outer layer's group, named after the inner layers)
     * @param weightPath where Keras 3's {@code saving_lib} stores its variables in {@code model.weights.h5}:
     *                   {@code layers/<snake_case class>[_<n>]}, nested models adding {@code /layers/...}
     */
    public record Layer(LayerConfig config, List<String> inbound, List<String> sourcePath, String weightPath) {
        public Layer {
            inbound = List.copyOf(inbound);
            sourcePath = List.copyOf(sourcePath);
        }

        public String name() {
            return config.name();
        }

        /** The layer's own name in the file (its node name unless renamed to avoid a clash). */
        public String sourceName() {
            return sourcePath.get(sourcePath.size() - 1);
        }

        Layer rewired(LayerConfig c, List<String> in, List<String> path, String wPath) {
            return new Layer(c, in, path, wPath);
        }
    }

    private static final String INPUT_LAYER = "InputLayer";
    private static final Set<String> MODEL_CLASSES = Set.of("Sequential", "Functional", "Model");
    /** Nested models deeper than this are refused: a guard against configurations built to recurse. */
    private static final int MAX_DEPTH = 16;

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
    public String modelName() {
        return modelName;
    }

    /** {@code keras_version} as written ({@code "2.12.0"}, {@code "tfjs-layers 4.22.0"}), or "". */
    public String kerasVersion() {
        return kerasVersion;
    }

    public List<Input> inputs() {
        return inputs;
    }

    /** The computing layers, each after every layer it reads; nested models inlined. */
    public List<Layer> layers() {
        return layers;
    }

    public List<String> outputs() {
        return outputs;
    }

    /** Reads the {@code modelTopology} object of a layers-model {@code model.json}. */
    public static KerasTopology parse(JsonNode modelTopology) {
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
        return parseModel(model, version);
    }

    /**
     * Reads a model object {@code {"class_name": "Sequential" | "Functional" | "Model", "config": {...}}}:
     * the {@code model_config} attribute of a Keras HDF5 file, the {@code config.json} of a {@code .keras}
     * archive (Keras 3 adds {@code module}, {@code registered_name}, {@code build_config}).
     */
    public static KerasTopology parseModel(JsonNode model, String kerasVersion) {
        if (model == null || !model.isObject()) {
            throw format("model config", "is not a JSON object");
        }
        Parsed p = model(model, "", 0);
        return new KerasTopology(p.name, kerasVersion, p.inputs, p.layers, p.outputs);
    }

    /** A model's parse before it is wrapped or inlined. */
    private record Parsed(String name, List<Input> inputs, List<Layer> layers, List<String> outputs) {
    }

    private static Parsed model(JsonNode model, String weightPrefix, int depth) {
        String className = text(model.get("class_name"));
        JsonNode config = model.get("config");
        if (config == null || config.isNull()) {
            throw format("modelTopology", "has no 'config' for its " + (className.isEmpty() ? "model" : Text.clip(className, 60)));
        }
        switch (className) {
            case "Sequential":
                return sequential(config, model.get("build_config"), weightPrefix, depth);
            case "Model":
            case "Functional":
                return functional(config, weightPrefix, depth);
            default:
                throw format("modelTopology", "has class_name '" + Text.clip(className, 60)
                        + "'; mcugen reads Keras Sequential and functional (Model / Functional) models");
        }
    }

    private static Parsed sequential(JsonNode config, JsonNode buildConfig, String weightPrefix, int depth) {
        JsonNode list = config.isArray() ? config : config.get("layers");
        String name = config.isObject() ? text(config.get("name")) : "";
        if (list == null || !list.isArray()) {
            throw format("modelTopology.config", "of the Sequential model has no 'layers' list");
        }
        List<JsonNode> entries = new ArrayList<>();
        List<LayerConfig> all = new ArrayList<>();
        for (JsonNode l : list) {
            entries.add(l);
            all.add(layerConfig(l));
        }
        if (all.isEmpty() || (all.size() == 1 && all.get(0).className().equals(INPUT_LAYER))) {
            throw new McugenException(Diag.MCG_IMPORT_EMPTY_MODEL, "model '" + Text.clip(name, 80) + "'",
                    "has no layers besides its input; export a model with at least one layer");
        }
        Input input;
        int first = 0;
        if (all.get(0).className().equals(INPUT_LAYER)) {
            input = new Input(all.get(0).name(), inputShape(all.get(0), null));
            first = 1;
        } else {
            JsonNode built = config.isObject() ? config.get("build_input_shape") : null;
            if ((built == null || built.isNull()) && buildConfig != null) {
                built = buildConfig.path("config").isObject() ? buildConfig.get("config").get("input_shape")
                        : buildConfig.get("input_shape");
            }
            if (MODEL_CLASSES.contains(all.get(0).className())) {
                throw new McugenException(Diag.MCG_IMPORT_TOPOLOGY, all.get(0).subject(),
                        "is a nested model as the first layer of a Sequential model without an InputLayer;"
                                + " give the outer model an Input");
            }
            input = new Input(all.get(0).name() + "_input", inputShape(all.get(0), built));
        }
        // Keras 3 stores Sequential.layers, which leaves out the InputLayer, under layers/<snake>[_n].
        WeightNames names = new WeightNames(weightPrefix);
        List<Layer> layers = new ArrayList<>();
        String previous = input.name();
        Set<String> outer = new HashSet<>();
        outer.add(input.name());
        all.subList(first, all.size()).forEach(c -> outer.add(c.name()));
        for (int i = first; i < all.size(); i++) {
            LayerConfig c = all.get(i);
            if (c.className().equals(INPUT_LAYER)) {
                throw new McugenException(Diag.MCG_IMPORT_TOPOLOGY, c.subject(),
                        "an InputLayer may only come first in a Sequential model");
            }
            String path = names.next(c.className());
            if (MODEL_CLASSES.contains(c.className())) {
                previous = inline(c, entries.get(i), List.of(previous), path, depth, outer, layers);
            } else {
                layers.add(new Layer(c, List.of(previous), List.of(c.name()), path));
                previous = c.name();
            }
        }
        checkUniqueNames(input.name(), layers);
        return new Parsed(name, List.of(input), layers, List.of(previous));
    }

    private static Parsed functional(JsonNode config, String weightPrefix, int depth) {
        JsonNode list = config.get("layers");
        if (list == null || !list.isArray()) {
            throw format("modelTopology.config", "of the functional model has no 'layers' list");
        }
        String name = text(config.get("name"));
        Map<String, Input> inputLayers = new LinkedHashMap<>();
        List<Layer> computing = new ArrayList<>();
        List<JsonNode> nestedEntries = new ArrayList<>();
        List<Layer> nestedLayers = new ArrayList<>();
        // Keras 3 stores Functional.layers (InputLayers included) under layers/<snake>[_n].
        WeightNames names = new WeightNames(weightPrefix);
        for (JsonNode l : list) {
            LayerConfig c = layerConfig(l);
            String path = names.next(c.className());
            if (c.className().equals(INPUT_LAYER)) {
                if (inputLayers.put(c.name(), new Input(c.name(), inputShape(c, null))) != null) {
                    throw new McugenException(Diag.MCG_IMPORT_TOPOLOGY, c.subject(), "its name is used by another layer");
                }
            } else {
                Layer layer = new Layer(c, inbound(c, l.get("inbound_nodes")), List.of(c.name()), path);
                computing.add(layer);
                if (MODEL_CLASSES.contains(c.className())) {
                    nestedEntries.add(l);
                    nestedLayers.add(layer);
                }
            }
        }
        List<Input> inputs = new ArrayList<>();
        for (String in : endpoints(config.get("input_layers"), "input_layers")) {
            Input i = inputLayers.get(in);
            if (i == null) {
                throw format("modelTopology.config.input_layers", "names '" + Text.clip(in, 80)
                        + "', which is not an InputLayer of the model");
            }
            inputs.add(i);
        }
        if (inputs.size() != inputLayers.size()) {
            throw format("modelTopology.config.input_layers", "lists " + inputs.size() + " of the model's "
                    + inputLayers.size() + " InputLayers");
        }
        List<String> outputs = endpoints(config.get("output_layers"), "output_layers");
        if (computing.isEmpty()) {
            throw new McugenException(Diag.MCG_IMPORT_EMPTY_MODEL, "model '" + Text.clip(name, 80) + "'",
                    "has no layers besides its inputs; export a model with at least one layer");
        }
        List<Layer> sorted = topologicalOrder(inputLayers.keySet(), computing);
        for (String out : outputs) {
            if (inputLayers.containsKey(out)) {
                throw new McugenException(Diag.MCG_IMPORT_TOPOLOGY, "output '" + Text.clip(out, 80) + "'",
                        "is a model input passed through unchanged; mcugen needs every output computed by a layer");
            }
            if (sorted.stream().noneMatch(l -> l.name().equals(out))) {
                throw format("modelTopology.config.output_layers", "names '" + Text.clip(out, 80)
                        + "', which is not a layer of the model");
            }
        }
        if (nestedLayers.isEmpty()) {
            return new Parsed(name, inputs, sorted, outputs);
        }
        // Inline each nested model where it stands in the order, then point what read it at its output.
        Set<String> outer = new HashSet<>(inputLayers.keySet());
        sorted.forEach(l -> outer.add(l.name()));
        Map<String, String> alias = new HashMap<>();
        List<Layer> flat = new ArrayList<>();
        for (Layer l : sorted) {
            List<String> in = l.inbound().stream().map(n -> alias.getOrDefault(n, n)).toList();
            int k = nestedLayers.indexOf(l);
            if (k >= 0) {
                alias.put(l.name(), inline(l.config(), nestedEntries.get(k), in, l.weightPath(), depth, outer, flat));
            } else {
                flat.add(l.rewired(l.config(), in, l.sourcePath(), l.weightPath()));
            }
        }
        List<String> outs = outputs.stream().map(n -> alias.getOrDefault(n, n)).toList();
        return new Parsed(name, inputs, flat, outs);
    }

    /**
     * Appends the layers of nested model {@code c} (its entry {@code entry}) to {@code out}, fed by
     * {@code feeds}; returns the name of the node that gives the nested model's output.
     */
    private static String inline(LayerConfig c, JsonNode entry, List<String> feeds, String weightPath, int depth,
                                 Set<String> outerNames, List<Layer> out) {
        if (depth >= MAX_DEPTH) {
            throw new McugenException(Diag.MCG_IMPORT_TOPOLOGY, c.subject(), "nests models more than " + MAX_DEPTH
                    + " deep; mcugen refuses such configurations");
        }
        Parsed inner = model(entry, weightPath + "/", depth + 1);
        if (inner.inputs.size() != feeds.size()) {
            throw new McugenException(Diag.MCG_IMPORT_TOPOLOGY, c.subject(), "is a nested model with "
                    + inner.inputs.size() + " input(s) called on " + feeds.size() + " tensor(s)");
        }
        if (inner.outputs.size() != 1) {
            throw new McugenException(Diag.MCG_IMPORT_TOPOLOGY, c.subject(), "is a nested model with "
                    + inner.outputs.size() + " outputs; mcugen inlines nested models that have one output");
        }
        Map<String, String> rename = new HashMap<>();
        for (int i = 0; i < feeds.size(); i++) {
            rename.put(inner.inputs.get(i).name(), feeds.get(i));
        }
        Set<String> taken = new HashSet<>(outerNames);
        out.forEach(l -> taken.add(l.name()));
        for (Layer l : inner.layers) {
            String n = l.name();
            // Keras makes layer names unique across nested models unless the user named them alike.
            String unique = taken.contains(n) ? c.name() + "/" + n : n;
            if (!taken.add(unique)) {
                throw new McugenException(Diag.MCG_IMPORT_TOPOLOGY, l.config().subject(),
                        "its name is used by another layer, also as '" + Text.clip(unique, 80) + "'");
            }
            rename.put(n, unique);
        }
        for (Layer l : inner.layers) {
            List<String> in = l.inbound().stream().map(x -> rename.getOrDefault(x, x)).toList();
            List<String> path = new ArrayList<>();
            path.add(c.name());
            path.addAll(l.sourcePath());
            LayerConfig cfg = rename.get(l.name()).equals(l.name()) ? l.config() : l.config().withName(rename.get(l.name()));
            out.add(l.rewired(cfg, in, path, l.weightPath()));
        }
        String output = inner.outputs.get(0);
        if (!rename.containsKey(output) || inner.inputs.stream().anyMatch(i -> i.name().equals(output))) {
            throw new McugenException(Diag.MCG_IMPORT_TOPOLOGY, c.subject(), "is a nested model whose output '"
                    + Text.clip(output, 80) + "' is not computed by one of its layers");
        }
        return rename.get(output);
    }

    /** Keras 3 {@code saving_lib}: a container's items are named by snake-cased class, counted per name. */
    private static final class WeightNames {
        private final String prefix;
        private final Map<String, Integer> used = new HashMap<>();

        WeightNames(String prefix) {
            this.prefix = prefix;
        }

        String next(String className) {
            String snake = snakeCase(className);
            Integer n = used.get(snake);
            used.put(snake, n == null ? 0 : n + 1);
            return prefix + "layers/" + (n == null ? snake : snake + "_" + (n + 1));
        }
    }

    /** Keras' {@code naming.to_snake_case}: {@code Conv2D} -> {@code conv2d}, {@code SimpleRNN} -> {@code simple_rnn}. */
    static String snakeCase(String name) {
        String s = name.replaceAll("[^\\w]+", "");
        s = s.replaceAll("(.)([A-Z][a-z]+)", "$1_$2");
        s = s.replaceAll("([a-z])([A-Z])", "$1_$2");
        return s.toLowerCase(Locale.ROOT);
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
                            "reads '" + Text.clip(src, 80) + "', which is not a layer of the model");
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
                    + ref.get(2) + " of '" + Text.clip(ref.get(0).textValue(), 80)
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
            throw format("modelTopology", "has a " + Text.clip(className, 60) + " layer without a name");
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
