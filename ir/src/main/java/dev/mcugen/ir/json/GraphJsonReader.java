package dev.mcugen.ir.json;

import dev.mcugen.ir.Activation;
import dev.mcugen.ir.Diag;
import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.GraphBuilder;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.Node;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Padding;
import dev.mcugen.ir.PoolKind;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.Text;
import dev.mcugen.ir.json.JsonTree.JArr;
import dev.mcugen.ir.json.JsonTree.JBool;
import dev.mcugen.ir.json.JsonTree.JFloats;
import dev.mcugen.ir.json.JsonTree.JNull;
import dev.mcugen.ir.json.JsonTree.JNum;
import dev.mcugen.ir.json.JsonTree.JObj;
import dev.mcugen.ir.json.JsonTree.JStr;
import dev.mcugen.ir.json.JsonTree.JVal;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** Turns a parsed mcugen graph JSON document into a {@link Graph}, refusing anything it does not know. */
final class GraphJsonReader implements Closeable {
    private final String source;
    /** Folder that external weight files are resolved in; null when the JSON did not come from a file. */
    private final Path baseDir;
    private final Map<Path, FileChannel> openFiles = new HashMap<>();

    GraphJsonReader(String source, Path baseDir) {
        this.source = source;
        this.baseDir = baseDir;
    }

    @Override
    public void close() throws IOException {
        for (FileChannel c : openFiles.values()) {
            c.close();
        }
        openFiles.clear();
    }

    // --- top level ---------------------------------------------------------------------------

    private Map<String, List<Integer>> sourceLayout = Map.of();

    Graph read(JVal rootVal) throws IOException {
        if (!(rootVal instanceof JObj root)) {
            throw new McugenException(Diag.MCG_IMPORT_FORMAT, source,
                    "is not an mcugen graph: expected a JSON object, got " + JsonTree.describe(rootVal));
        }
        Fields top = new Fields(root, source, "", Diag.MCG_IMPORT_FORMAT);
        checkFormatTag(root, top);
        String name = top.string("name");
        JArr inputs = top.array("inputs");
        JArr nodes = top.array("nodes");
        JArr outputs = top.array("outputs");
        top.optional("comment", JStr.class);
        JVal layout = top.optional("source_layout", JObj.class);
        top.finish();

        GraphBuilder b = new GraphBuilder(name);
        Set<String> nodeNames = new HashSet<>();
        for (JVal n : nodes.items()) {
            if (n instanceof JObj o && o.members().get("name") instanceof JStr s) {
                nodeNames.add(s.value());
            }
        }
        if (inputs.items().isEmpty()) {
            throw top.error("inputs", "lists no model input; a graph needs at least one", inputs);
        }
        for (int i = 0; i < inputs.items().size(); i++) {
            readInput(b, inputs.items().get(i), i);
        }
        if (nodes.items().isEmpty()) {
            throw new McugenException(Diag.MCG_IMPORT_EMPTY_MODEL, source,
                    "\"nodes\" is empty; the model computes nothing");
        }
        for (int i = 0; i < nodes.items().size(); i++) {
            readNode(b, nodes.items().get(i), i, nodeNames);
        }
        if (outputs.items().isEmpty()) {
            throw new McugenException(Diag.MCG_GRAPH_INVALID, source,
                    "\"outputs\" is empty; name at least one tensor the model returns");
        }
        for (int i = 0; i < outputs.items().size(); i++) {
            JVal o = outputs.items().get(i);
            if (!(o instanceof JStr s)) {
                throw top.error("outputs[" + i + "]", "expected a tensor name (string), got " + JsonTree.describe(o), o);
            }
            if (!b.has(s.value())) {
                throw new McugenException(Diag.MCG_IMPORT_TOPOLOGY, source, "outputs[" + i + "] \"" + s.value()
                        + "\" is neither a model input nor a node" + line(o));
            }
            b.output(s.value());
        }
        Graph g;
        try {
            g = b.build();
        } catch (McugenException e) {
            throw e.within(source);
        }
        sourceLayout = layout == null ? Map.of() : sourceLayout((JObj) layout, g);
        return g;
    }

    /** The {@code source_layout} the last {@link #read} found (empty when absent). */
    Map<String, List<Integer>> sourceLayout() {
        return sourceLayout;
    }

    /**
     * {@code "source_layout": {"<input or output>": [perm...]}}: the axis order the source framework
     * gives and takes data in (see ImportedModel#sourceLayout); each perm a permutation of the sample axes.
     */
    private Map<String, List<Integer>> sourceLayout(JObj layout, Graph g) {
        Map<String, Shape> shapes = g.shapes();
        Map<String, List<Integer>> out = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, JVal> e : layout.members().entrySet()) {
            String tensor = e.getKey();
            boolean boundary = g.inputs().stream().anyMatch(i -> i.name().equals(tensor)) || g.outputs().contains(tensor);
            if (!boundary) {
                throw new McugenException(Diag.MCG_GRAPH_ATTR, source, "source_layout names \"" + Text.clip(tensor, 80)
                        + "\", which is neither a model input nor an output" + line(e.getValue()));
            }
            int rank = shapes.get(tensor).rank();
            List<Integer> perm = new java.util.ArrayList<>();
            boolean[] seen = new boolean[rank];
            if (e.getValue() instanceof JArr a && a.items().size() == rank) {
                for (JVal v : a.items()) {
                    Integer x = v instanceof JNum n && n.integral() ? parseInt(n.text()) : null;
                    if (x == null || x < 0 || x >= rank || seen[x]) {
                        perm = null;
                        break;
                    }
                    seen[x] = true;
                    perm.add(x);
                }
            } else {
                perm = null;
            }
            if (perm == null) {
                throw new McugenException(Diag.MCG_GRAPH_ATTR, source, "source_layout of \"" + Text.clip(tensor, 80)
                        + "\" must be a permutation of 0.." + (rank - 1) + " (one entry per axis of " + shapes.get(tensor)
                        + "), got " + JsonTree.describe(e.getValue()) + line(e.getValue()));
            }
            out.put(tensor, List.copyOf(perm));
        }
        return out;
    }

    private void checkFormatTag(JObj root, Fields top) {
        JVal f = root.members().get("format");
        boolean tfjs = root.members().containsKey("modelTopology")
                || f instanceof JStr s && s.value().equals("layers-model");
        String hint = tfjs ? "; it looks like a TF.js layers model.json, which mcugen reads with its TF.js importer"
                : "; an mcugen graph starts with \"format\": \"" + GraphJson.FORMAT + "\"";
        if (f == null) {
            throw new McugenException(Diag.MCG_IMPORT_FORMAT, source, "is not an mcugen graph: no \"format\" key" + hint);
        }
        if (!(f instanceof JStr s) || !s.value().equals(GraphJson.FORMAT)) {
            throw new McugenException(Diag.MCG_IMPORT_FORMAT, source, "is not an mcugen graph: \"format\" is "
                    + JsonTree.describe(f) + ", expected \"" + GraphJson.FORMAT + "\"" + line(f) + hint);
        }
        top.optional("format", JStr.class);
        JVal v = top.required("version");
        if (!(v instanceof JNum n) || !n.integral()) {
            throw top.error("version", "expected an integer, got " + JsonTree.describe(v), v);
        }
        if (!n.text().equals(Integer.toString(GraphJson.VERSION))) {
            throw new McugenException(Diag.MCG_IMPORT_FORMAT, source, "is mcugen graph version " + n.text()
                    + "; this mcugen reads version " + GraphJson.VERSION
                    + (n.text().startsWith("-") || n.text().equals("0") ? "" : " (use a newer mcugen)") + line(v));
        }
    }

    private void readInput(GraphBuilder b, JVal v, int index) {
        String at = "inputs[" + index + "]";
        if (!(v instanceof JObj o)) {
            throw new McugenException(Diag.MCG_IMPORT_FORMAT, source, at + ": expected an object {\"name\", \"shape\"}, got "
                    + JsonTree.describe(v) + line(v));
        }
        Fields f = new Fields(o, source + ": " + at, "", Diag.MCG_IMPORT_FORMAT);
        String name = f.string("name");
        String who = source + ": input '" + name + "'";
        f = new Fields(o, who, "", Diag.MCG_IMPORT_FORMAT);
        f.string("name");
        Shape shape = shape(f, "shape", true, Diag.MCG_GRAPH_SHAPE);
        if (shape.rank() == 0) {
            throw f.error(Diag.MCG_GRAPH_SHAPE, "shape", "is empty; an input has at least one dimension (batch excluded)",
                    o.members().get("shape"));
        }
        f.optional("comment", JStr.class);
        f.finish();
        if (name.isEmpty()) {
            throw new McugenException(Diag.MCG_GRAPH_INVALID, source + ": " + at, "name is empty" + line(o));
        }
        if (b.has(name)) {
            throw new McugenException(Diag.MCG_GRAPH_INVALID, who, "name used twice" + line(o));
        }
        b.input(name, shape);
    }

    // --- nodes -------------------------------------------------------------------------------

    private void readNode(GraphBuilder b, JVal v, int index, Set<String> allNodeNames) throws IOException {
        String at = "nodes[" + index + "]";
        if (!(v instanceof JObj o)) {
            throw new McugenException(Diag.MCG_IMPORT_FORMAT, source, at + ": expected an object, got "
                    + JsonTree.describe(v) + line(v));
        }
        String name = new Fields(o, source + ": " + at, "", Diag.MCG_IMPORT_FORMAT).string("name");
        if (name.isEmpty()) {
            throw new McugenException(Diag.MCG_GRAPH_INVALID, source + ": " + at, "name is empty" + line(o));
        }
        String whoName = source + ": layer '" + name + "'";
        String kind = new Fields(o, whoName, "", Diag.MCG_IMPORT_FORMAT).string("op");
        String who = whoName + " (" + kind + ")";
        Fields f = new Fields(o, who, "", Diag.MCG_IMPORT_FORMAT);
        f.string("name");
        f.string("op");
        if (b.has(name)) {
            throw new McugenException(Diag.MCG_GRAPH_INVALID, who, "name used twice (already an input or an earlier node)"
                    + line(o));
        }
        if (!KINDS.contains(kind)) {
            throw new McugenException(Diag.MCG_IMPORT_LAYER_UNSUPPORTED, who, "op \"" + kind + "\" is not an mcugen op;"
                    + " known ops: " + String.join(", ", KINDS) + line(o.members().get("op")));
        }

        JArr inputsArr = f.array("inputs");
        List<String> inputs = new ArrayList<>();
        for (int i = 0; i < inputsArr.items().size(); i++) {
            JVal iv = inputsArr.items().get(i);
            if (!(iv instanceof JStr s)) {
                throw f.error("inputs[" + i + "]", "expected a tensor name (string), got " + JsonTree.describe(iv), iv);
            }
            if (!b.has(s.value())) {
                String why = allNodeNames.contains(s.value()) && !s.value().equals(name)
                        ? "is a node listed later; list nodes so that each reads only model inputs and earlier nodes"
                        : s.value().equals(name) ? "is this node itself" : "is neither a model input nor a node";
                throw new McugenException(Diag.MCG_IMPORT_TOPOLOGY, who, "inputs[" + i + "] \"" + s.value() + "\" " + why
                        + line(iv));
            }
            inputs.add(s.value());
        }
        List<Shape> inShapes = inputs.stream().map(b::shapeOf).toList();

        JVal attrsVal = f.optional("attrs", JObj.class);
        JObj attrsObj = attrsVal == null ? new JObj(Map.of(), o.line()) : (JObj) attrsVal;
        Fields attrs = new Fields(attrsObj, who, "attrs.", Diag.MCG_GRAPH_ATTR);
        Op op = op(kind, attrs, inShapes);
        attrs.finish();
        try {
            OpRules.check(who, op);
        } catch (McugenException e) {
            throw new McugenException(e.diag(), e.subject(), e.detail() + line(attrsObj));
        }

        JVal weightsVal = f.optional("weights", JObj.class);
        Map<String, FloatTensor> weights = new LinkedHashMap<>();
        if (weightsVal != null) {
            for (Map.Entry<String, JVal> e : ((JObj) weightsVal).members().entrySet()) {
                weights.put(e.getKey(), weight(who, e.getKey(), e.getValue()));
            }
        }
        Shape declaredOut = f.optional("output_shape", JArr.class) != null
                ? shape(f, "output_shape", true, Diag.MCG_GRAPH_SHAPE) : null;
        f.optional("comment", JStr.class);
        f.finish();

        Node node;
        try {
            node = b.add(name, op, inputs, weights);
        } catch (McugenException e) {
            throw e.within(source);
        }
        if (declaredOut != null && !declaredOut.equals(node.outputShape())) {
            throw new McugenException(Diag.MCG_GRAPH_SHAPE, who, "output_shape is " + declaredOut
                    + " but the op computes " + node.outputShape() + " from its inputs " + inShapes
                    + "; fix the attributes or the output_shape" + line(o.members().get("output_shape")));
        }
    }

    /** Every op kind, in the order the documentation lists them. */
    static final List<String> KINDS = List.of("dense", "conv1d", "conv2d", "depthwise_conv1d",
            "depthwise_conv2d", "max_pool", "avg_pool",
            "global_max_pool", "global_avg_pool", "flatten", "reshape", "dropout", "batch_norm", "layer_norm", "embedding", "activation",
            "leaky_relu", "elu", "prelu", "hard_sigmoid",
            "add", "subtract", "multiply", "average", "maximum", "minimum", "concatenate", "reverse", "simple_rnn", "lstm", "gru",
            "zero_padding1d", "zero_padding2d", "cropping1d", "cropping2d", "up_sampling1d", "up_sampling2d", "permute",
            "repeat_vector", "conv1d_transpose", "conv2d_transpose");

    private Op op(String kind, Fields a, List<Shape> in) {
        switch (kind) {
            case "dense":
                return new Op.Dense(a.integer("units"), a.activation("activation", Activation.LINEAR),
                        a.bool("use_bias", true));
            case "conv1d":
                return new Op.Conv1D(a.integer("filters"), a.integer("kernel_size"), a.integerOr("strides", 1),
                        a.integerOr("dilation_rate", 1), a.padding("padding"),
                        a.activation("activation", Activation.LINEAR), a.bool("use_bias", true));
            case "conv2d": {
                int filters = a.integer("filters");
                List<Integer> k = a.intList("kernel_size", 2, 2, null);
                List<Integer> s = a.intList("strides", 2, 2, List.of(1, 1));
                List<Integer> d = a.intList("dilation_rate", 2, 2, List.of(1, 1));
                return new Op.Conv2D(filters, k.get(0), k.get(1), s.get(0), s.get(1), d.get(0), d.get(1),
                        a.padding("padding"), a.activation("activation", Activation.LINEAR), a.bool("use_bias", true));
            }
            case "depthwise_conv1d":
                return Op.DepthwiseConv.of1d(a.integerOr("depth_multiplier", 1), a.integer("kernel_size"),
                        a.integerOr("strides", 1), a.integerOr("dilation_rate", 1), a.padding("padding"),
                        a.activation("activation", Activation.LINEAR), a.bool("use_bias", true));
            case "depthwise_conv2d": {
                List<Integer> k = a.intList("kernel_size", 2, 2, null);
                List<Integer> s = a.intList("strides", 2, 2, List.of(1, 1));
                List<Integer> d = a.intList("dilation_rate", 2, 2, List.of(1, 1));
                return new Op.DepthwiseConv(2, a.integerOr("depth_multiplier", 1), k.get(0), k.get(1), s.get(0),
                        s.get(1), d.get(0), d.get(1), a.padding("padding"), a.activation("activation", Activation.LINEAR),
                        a.bool("use_bias", true));
            }
            case "max_pool":
            case "avg_pool": {
                List<Integer> size = a.intList("pool_size", 1, 2, null);
                List<Integer> strides = a.intList("strides", size.size(), size.size(), size);
                return new Op.Pool(kind.equals("max_pool") ? PoolKind.MAX : PoolKind.AVG, size, strides,
                        a.padding("padding"));
            }
            case "global_max_pool":
            case "global_avg_pool": {
                int rank = a.integerOr("spatial_rank", Math.max(in.get(0).rank() - 1, 0));
                return new Op.GlobalPool(kind.equals("global_max_pool") ? PoolKind.MAX : PoolKind.AVG, rank);
            }
            case "flatten":
                return new Op.Flatten();
            case "reshape": {
                Shape target = shape(a, "target_shape", true, Diag.MCG_GRAPH_ATTR);
                return new Op.Reshape(target);
            }
            case "dropout":
                return new Op.Dropout(a.floatValue("rate", null));
            case "batch_norm":
                return new Op.BatchNorm(a.floatValue("epsilon", 0.001f));
            case "layer_norm":
                return new Op.LayerNorm(a.floatValue("epsilon", 0.001f));
            case "embedding":
                return new Op.Embedding(a.integer("input_dim"), a.integer("output_dim"));
            case "activation":
                return new Op.Act(a.activation("activation", null));
            case "leaky_relu":
                return new Op.LeakyRelu(a.floatValue("alpha", 0.3f));
            case "elu":
                return new Op.Elu(a.floatValue("alpha", 1f));
            case "prelu":
                return new Op.PRelu(a.intList("shared_axes", 0, 8, List.of()));
            case "hard_sigmoid":
                return new Op.HardSigmoid(a.floatValue("alpha", 0.2f), a.floatValue("beta", 0.5f));
            case "add":
                return new Op.Add(a.integerOr("constant_operand", -1));
            case "subtract":
                return new Op.Subtract(a.integerOr("constant_operand", -1));
            case "multiply":
                return new Op.Multiply(a.integerOr("constant_operand", -1));
            case "average":
                return new Op.Average(a.integerOr("constant_operand", -1));
            case "maximum":
                return new Op.Maximum(a.integerOr("constant_operand", -1));
            case "minimum":
                return new Op.Minimum(a.integerOr("constant_operand", -1));
            case "concatenate": {
                int axis = a.integerOr("axis", -1);
                int rank = in.get(0).rank();
                if (axis < -rank || axis >= rank) {
                    throw a.error("axis", "is " + axis + ", out of range for inputs of rank " + rank
                            + " (the axis excludes the batch dimension; -1 is the last)", a.obj.members().get("axis"));
                }
                return new Op.Concatenate(axis < 0 ? axis + rank : axis);
            }
            case "reverse": {
                int axis = a.integerOr("axis", 0);
                int rank = in.get(0).rank();
                if (axis < -rank || axis >= rank) {
                    throw a.error("axis", "is " + axis + ", out of range for an input of rank " + rank
                            + " (the axis excludes the batch dimension; 0 is time for a sequence)", a.obj.members().get("axis"));
                }
                return new Op.Reverse(axis < 0 ? axis + rank : axis);
            }
            case "simple_rnn":
                return new Op.SimpleRnn(a.integer("units"), a.activation("activation", Activation.TANH),
                        a.bool("use_bias", true), a.bool("return_sequences", false), a.bool("go_backwards", false));
            case "lstm":
                return new Op.Lstm(a.integer("units"), a.activation("activation", Activation.TANH),
                        a.activation("recurrent_activation", Activation.SIGMOID), a.bool("use_bias", true),
                        a.bool("return_sequences", false), a.bool("go_backwards", false), a.bool("peephole", false),
                        a.bool("layer_norm", false), a.bool("cifg", false), a.integerOr("projection_units", 0));
            case "gru":
                return new Op.Gru(a.integer("units"), a.activation("activation", Activation.TANH),
                        a.activation("recurrent_activation", Activation.SIGMOID), a.bool("use_bias", true),
                        a.bool("return_sequences", false), a.bool("go_backwards", false), a.boolRequired("reset_after"));
            case "zero_padding1d":
            case "zero_padding2d":
            case "cropping1d":
            case "cropping2d": {
                boolean pad = kind.startsWith("zero");
                int n = kind.endsWith("1d") ? 2 : 4;
                String key = pad ? "padding" : "cropping";
                List<Integer> amounts = a.intList(key, n, n, null);
                if (amounts.stream().anyMatch(v -> v < 0)) {
                    throw a.error(key, "must hold values >= 0 ([before, after] per spatial axis), got " + amounts,
                            a.obj.members().get(key));
                }
                return pad ? new Op.ZeroPadding(amounts) : new Op.Cropping(amounts);
            }
            case "up_sampling1d":
            case "up_sampling2d": {
                int n = kind.endsWith("1d") ? 1 : 2;
                List<Integer> size = a.intList("size", n, n, null);
                if (size.stream().anyMatch(v -> v < 1)) {
                    throw a.error("size", "must hold values >= 1, got " + size, a.obj.members().get("size"));
                }
                return new Op.UpSampling(size);
            }
            case "permute":
                return new Op.Permute(a.intList("dims", 1, 8, null));
            case "repeat_vector":
                return new Op.RepeatVector(a.integer("n"));
            case "conv1d_transpose":
            case "conv2d_transpose": {
                int n = kind.startsWith("conv1d") ? 1 : 2;
                return new Op.ConvTranspose(a.integer("filters"), a.intList("kernel_size", n, n, null),
                        a.intList("strides", n, n, java.util.Collections.nCopies(n, 1)), a.padding("padding"),
                        a.intList("output_padding", n, n, List.of()), a.activation("activation", Activation.LINEAR),
                        a.bool("use_bias", true));
            }
            default:
                throw new McugenException(Diag.MCG_INTERNAL, a.who, "no reader for op " + kind);
        }
    }

    // --- weights -----------------------------------------------------------------------------

    private FloatTensor weight(String who, String wname, JVal v) throws IOException {
        String field = "weights." + wname;
        if (!(v instanceof JObj o)) {
            throw new McugenException(Diag.MCG_IMPORT_WEIGHT_DATA, who, field + ": expected an object {\"shape\", \"data\"},"
                    + " got " + JsonTree.describe(v) + line(v));
        }
        Fields f = new Fields(o, who, field + ".", Diag.MCG_IMPORT_WEIGHT_DATA);
        Shape shape = shape(f, "shape", false, Diag.MCG_IMPORT_WEIGHT_SHAPE);
        long size = 1;
        for (int d : shape.dims()) {
            size *= d;
            if (size > Integer.MAX_VALUE / 4) {
                throw f.error(Diag.MCG_IMPORT_WEIGHT_SHAPE, "shape", shape + " is too large for one tensor",
                        o.members().get("shape"));
            }
        }
        JVal dtype = f.optional("dtype", JStr.class);
        if (dtype != null && !((JStr) dtype).value().equals("float32")) {
            throw f.error(Diag.MCG_IMPORT_WEIGHT_DTYPE, "dtype", "is \"" + ((JStr) dtype).value()
                    + "\"; mcugen graph JSON stores float32 weights only", dtype);
        }
        List<String> sources = new ArrayList<>();
        for (String k : List.of("data", "data_base64", "file")) {
            if (o.members().containsKey(k)) {
                sources.add(k);
            }
        }
        if (sources.size() != 1) {
            throw new McugenException(Diag.MCG_IMPORT_WEIGHT_DATA, who, field + (sources.isEmpty()
                    ? " has no values; give exactly one of \"data\", \"data_base64\", \"file\""
                    : " has " + String.join(" and ", sources) + "; give exactly one of them") + line(o));
        }
        if (!sources.get(0).equals("file") && o.members().containsKey("offset")) {
            throw f.error("offset", "belongs with \"file\" only", o.members().get("offset"));
        }
        float[] values;
        String src = sources.get(0);
        if (src.equals("data")) {
            JVal d = f.required("data");
            if (!(d instanceof JFloats fl)) {
                throw f.error("data", "expected a flat array of numbers (row-major), got " + JsonTree.describe(d), d);
            }
            if (fl.badIndex() >= 0) {
                throw f.error("data[" + fl.badIndex() + "]", "expected a number, got " + fl.badWhat()
                        + "; data is a flat row-major array of numbers", d);
            }
            values = fl.values();
        } else if (src.equals("data_base64")) {
            String s = f.string("data_base64");
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(s);
            } catch (IllegalArgumentException e) {
                throw f.error("data_base64", "is not valid base64 (RFC 4648, no line breaks): " + e.getMessage(),
                        o.members().get("data_base64"));
            }
            if (bytes.length % 4 != 0) {
                throw f.error("data_base64", "decodes to " + bytes.length
                        + " bytes, not a whole number of little-endian float32 values", o.members().get("data_base64"));
            }
            values = new float[bytes.length / 4];
            ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        } else {
            values = external(f, who, field, (int) size);
        }
        f.optional("comment", JStr.class);
        f.finish();
        if (values.length != size) {
            throw new McugenException(Diag.MCG_IMPORT_WEIGHT_SHAPE, who, field + ": shape " + shape + " needs " + size
                    + " values but " + src + " holds " + values.length + line(o));
        }
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                String note = Float.isInfinite(values[i]) && src.equals("data")
                        ? " (a decimal beyond the float32 range reads as infinite)" : "";
                throw new McugenException(Diag.MCG_IMPORT_WEIGHT_NONFINITE, who, field + " holds " + values[i]
                        + " at flat index " + i + note + "; retrain or fix the export" + line(o));
            }
        }
        return FloatTensor.of(shape, values);
    }

    private float[] external(Fields f, String who, String field, int count) throws IOException {
        JVal fileVal = f.required("file");
        String rel = f.string("file");
        long offset = 0;
        JVal off = f.optional("offset", JNum.class);
        if (off != null) {
            JNum n = (JNum) off;
            try {
                offset = n.integral() ? Long.parseLong(n.text()) : -1;
            } catch (NumberFormatException e) {
                offset = -1;
            }
            if (offset < 0) {
                throw f.error("offset", "must be a byte offset (integer >= 0), got " + n.text(), off);
            }
        }
        if (baseDir == null) {
            throw f.error("file", "names an external weight file, but this graph was not read from a file;"
                    + " read it with GraphJson.read(Path)", fileVal);
        }
        Path resolved = guardedPath(who, field + ".file", rel, fileVal);
        FileChannel ch = openFiles.get(resolved);
        if (ch == null) {
            dev.mcugen.ir.InputFiles.requireRegular(resolved);
            ch = FileChannel.open(resolved, StandardOpenOption.READ);
            openFiles.put(resolved, ch);
        }
        long bytes = 4L * count;
        long fileSize = ch.size();
        if (offset + bytes > fileSize) {
            throw new McugenException(Diag.MCG_IMPORT_SHARD_SIZE, who, field + ": needs bytes [" + offset + ", "
                    + (offset + bytes) + ") of \"" + rel + "\", which holds " + fileSize + " bytes" + line(fileVal));
        }
        ByteBuffer buf = ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
        long pos = offset;
        while (buf.hasRemaining()) {
            int r = ch.read(buf, pos);
            if (r < 0) {
                throw new McugenException(Diag.MCG_IMPORT_SHARD_SIZE, who, field + ": \"" + rel + "\" ended early");
            }
            pos += r;
        }
        buf.flip();
        float[] values = new float[count];
        buf.asFloatBuffer().get(values);
        return values;
    }

    /** Resolves an external weight file name inside {@link #baseDir}, refusing anything that leaves it. */
    private Path guardedPath(String who, String field, String rel, JVal at) throws IOException {
        String why = null;
        Path p = null;
        if (rel.isEmpty()) {
            why = "is empty";
        } else if (rel.startsWith("/") || rel.startsWith("\\") || rel.matches("^[A-Za-z]:.*")) {
            why = "is an absolute path";
        } else if (Arrays.asList(rel.split("[/\\\\]")).contains("..")) {
            why = "contains \"..\"";
        } else {
            try {
                Path r = Path.of(rel);
                if (r.isAbsolute()) {
                    why = "is an absolute path";
                } else {
                    p = baseDir.resolve(r).normalize();
                    if (!p.startsWith(baseDir.normalize())) {
                        why = "leaves the model's folder";
                    }
                }
            } catch (InvalidPathException e) {
                why = "is not a valid path";
            }
        }
        if (why != null) {
            throw new McugenException(Diag.MCG_IMPORT_SHARD_PATH, who, field + " \"" + rel + "\" " + why
                    + "; name a file inside the model's folder" + line(at));
        }
        if (!Files.isRegularFile(p)) {
            throw new McugenException(Diag.MCG_IMPORT_SHARD_MISSING, who, field + " \"" + rel + "\" does not exist in "
                    + baseDir + line(at));
        }
        Path real;
        try {
            real = p.toRealPath();
        } catch (NoSuchFileException e) {
            throw new McugenException(Diag.MCG_IMPORT_SHARD_MISSING, who, field + " \"" + rel + "\" does not exist");
        }
        if (!real.startsWith(baseDir.toRealPath())) {
            throw new McugenException(Diag.MCG_IMPORT_SHARD_PATH, who, field + " \"" + rel
                    + "\" leaves the model's folder through a link; copy the file into the folder" + line(at));
        }
        return real;
    }

    // --- shapes and typed fields -------------------------------------------------------------

    /**
     * A shape written as an array of dimensions; {@code null} marks an open dimension where
     * {@code open} allows it.
     */
    private static Shape shape(Fields f, String key, boolean open, Diag diag) {
        JVal v = f.required(key);
        if (!(v instanceof JArr arr)) {
            throw f.error(key, "expected an array of dimensions, got " + JsonTree.describe(v), v);
        }
        int[] dims = new int[arr.items().size()];
        for (int i = 0; i < dims.length; i++) {
            JVal d = arr.items().get(i);
            if (d instanceof JNull && open) {
                dims[i] = Shape.UNKNOWN;
                continue;
            }
            Integer x = d instanceof JNum n && n.integral() ? parseInt(n.text()) : null;
            if (x == null || x < 1) {
                String allowed = open ? "an integer >= 1, or null for an open dimension" : "an integer >= 1";
                String hint = x != null && x == -1 && open ? " (write null, not -1, for an open dimension)" : "";
                throw f.error(diag, key + "[" + i + "]", "expected " + allowed + ", got " + JsonTree.describe(d) + hint, d);
            }
            dims[i] = x;
        }
        return Shape.of(dims);
    }

    private static Integer parseInt(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static String line(JVal v) {
        return v == null ? "" : " (line " + v.line() + ")";
    }

    /** Typed, tracked access to one JSON object's members; {@link #finish()} refuses the keys nobody read. */
    private static final class Fields {
        final JObj obj;
        final String who;
        final String prefix;
        final Diag diag;
        final Set<String> used = new LinkedHashSet<>();

        Fields(JObj obj, String who, String prefix, Diag diag) {
            this.obj = obj;
            this.who = who;
            this.prefix = prefix;
            this.diag = diag;
        }

        McugenException error(String key, String detail, JVal at) {
            return error(diag, key, detail, at);
        }

        McugenException error(Diag d, String key, String detail, JVal at) {
            return new McugenException(d, who, prefix + key + ": " + detail + line(at));
        }

        JVal required(String key) {
            used.add(key);
            JVal v = obj.members().get(key);
            if (v == null) {
                String where = prefix.isEmpty() ? "" : " in " + prefix.substring(0, prefix.length() - 1);
                throw new McugenException(diag, who, "\"" + key + "\" is missing" + where + line(obj));
            }
            return v;
        }

        /** The value of {@code key} if present (and of the given type), else null. */
        JVal optional(String key, Class<? extends JVal> type) {
            used.add(key);
            JVal v = obj.members().get(key);
            if (v != null && !type.isInstance(v)) {
                throw error(key, "expected " + typeName(type) + ", got " + JsonTree.describe(v), v);
            }
            return v;
        }

        String string(String key) {
            JVal v = required(key);
            if (!(v instanceof JStr s)) {
                throw error(key, "expected a string, got " + JsonTree.describe(v), v);
            }
            return s.value();
        }

        JArr array(String key) {
            JVal v = required(key);
            if (!(v instanceof JArr a)) {
                throw error(key, "expected an array, got " + JsonTree.describe(v), v);
            }
            return a;
        }

        int integer(String key) {
            return toInt(key, required(key));
        }

        int integerOr(String key, int def) {
            JVal v = optional(key, JVal.class);
            return v == null ? def : toInt(key, v);
        }

        private int toInt(String key, JVal v) {
            Integer x = v instanceof JNum n && n.integral() ? parseInt(n.text()) : null;
            if (x == null) {
                throw error(key, "expected an integer, got " + JsonTree.describe(v), v);
            }
            return x;
        }

        boolean bool(String key, boolean def) {
            JVal v = optional(key, JVal.class);
            if (v == null) {
                return def;
            }
            if (!(v instanceof JBool b)) {
                throw error(key, "expected true or false, got " + JsonTree.describe(v), v);
            }
            return b.value();
        }

        boolean boolRequired(String key) {
            required(key);
            return bool(key, false);
        }

        /** A float32 attribute; {@code def == null} makes it required. */
        float floatValue(String key, Float def) {
            JVal v = def == null ? required(key) : optional(key, JVal.class);
            if (v == null) {
                return def;
            }
            if (!(v instanceof JNum n)) {
                throw error(key, "expected a number, got " + JsonTree.describe(v), v);
            }
            float x = n.toFloat();
            if (!Float.isFinite(x)) {
                throw error(key, "is " + n.text() + ", not a finite float32", v);
            }
            return x;
        }

        /** An activation name; {@code def == null} makes it required. */
        Activation activation(String key, Activation def) {
            JVal v = def == null ? required(key) : optional(key, JVal.class);
            if (v == null) {
                return def;
            }
            if (!(v instanceof JStr s)) {
                throw error(key, "expected an activation name (string), got " + JsonTree.describe(v), v);
            }
            return Activation.fromKerasName(s.value()).orElseThrow(() -> error(Diag.MCG_IMPORT_ACTIVATION_UNSUPPORTED,
                    key, "\"" + s.value() + "\" is not an activation mcugen supports; use one of "
                            + Arrays.stream(Activation.values()).map(Activation::kerasName)
                            .collect(Collectors.joining(", ")), v));
        }

        Padding padding(String key) {
            JVal v = optional(key, JVal.class);
            if (v == null) {
                return Padding.VALID;
            }
            for (Padding p : Padding.values()) {
                if (v instanceof JStr s && s.value().equals(p.kerasName())) {
                    return p;
                }
            }
            throw error(key, "expected \"valid\" or \"same\", got " + JsonTree.describe(v), v);
        }

        /** An array of {@code min..max} integers; {@code def == null} makes it required. */
        List<Integer> intList(String key, int min, int max, List<Integer> def) {
            JVal v = def == null ? required(key) : optional(key, JVal.class);
            if (v == null) {
                return def;
            }
            String expect = min == max ? "an array of " + min + " integers" : "an array of " + min + " to " + max + " integers";
            if (!(v instanceof JArr a) || a.items().size() < min || a.items().size() > max) {
                throw error(key, "expected " + expect + ", got " + JsonTree.describe(v)
                        + (v instanceof JArr a2 ? " of length " + a2.items().size() : ""), v);
            }
            List<Integer> out = new ArrayList<>();
            for (JVal x : a.items()) {
                out.add(toInt(key, x));
            }
            return out;
        }

        /** Refuses every key that no accessor asked for. */
        void finish() {
            for (String k : obj.members().keySet()) {
                if (!used.contains(k)) {
                    Diag d = diag == Diag.MCG_IMPORT_WEIGHT_DATA ? Diag.MCG_IMPORT_FORMAT : diag;
                    String where = prefix.isEmpty() ? "" : " in " + prefix.substring(0, prefix.length() - 1);
                    throw new McugenException(d, who, "unknown key \"" + k + "\"" + where + "; known keys: "
                            + String.join(", ", used) + line(obj.members().get(k)));
                }
            }
        }

        private static String typeName(Class<? extends JVal> t) {
            if (t == JStr.class) {
                return "a string";
            }
            if (t == JObj.class) {
                return "an object";
            }
            if (t == JNum.class) {
                return "a number";
            }
            if (t == JArr.class) {
                return "an array";
            }
            return "a value";
        }
    }
}
