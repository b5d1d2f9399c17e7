package dev.mcugen.ir.onnx;

import dev.mcugen.ir.Activation;
import dev.mcugen.ir.ActivationFusion;
import dev.mcugen.ir.Diag;
import dev.mcugen.ir.ElementwiseShapes;
import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.GraphBuilder;
import dev.mcugen.ir.ImportedModel;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.ModelLoader;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Padding;
import dev.mcugen.ir.PoolKind;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.ShapeInference;
import dev.mcugen.ir.Text;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * ONNX graph to IR. Every ONNX value is either a {@link Const} (initializers and everything computed
 * from them alone: PyTorch's shape arithmetic is folded here) or an {@link Act}, a tensor the IR
 * computes. An Act records how its ONNX axes sit in the IR tensor ({@code map}: per ONNX axis the IR
 * axis, {@link #BATCH} for the batch axis, {@link #UNIT} for a size-1 axis the IR tensor lacks). So a
 * {@code Transpose}, {@code Squeeze} or {@code Unsqueeze} only relabels axes and costs nothing, and an
 * NCHW tensor is an IR {@code [H, W, C]} tensor with {@code map = [BATCH, 2, 0, 1]}. Ops that depend on
 * the memory order (Conv, Flatten, Reshape, Softmax, ...) check the map they need. Which layout a
 * model input takes in the IR is chosen by trying: as stored first, then channels last.
 */
final class OnnxGraphConverter {
    static final int BATCH = -1;
    static final int UNIT = -2;
    /** A dimension {@code Shape} reports for an axis the model leaves open. */
    static final long SYMBOLIC = Long.MIN_VALUE + 1;

    sealed interface Val permits Const, Act {
    }

    /** A constant: integer types in {@code i}, floating types in {@code f}. */
    record Const(int type, long[] dims, double[] f, long[] i) implements Val {
        static Const ints(long[] dims, long[] values) {
            return new Const(OnnxTensors.INT64, dims, null, values);
        }

        int count() {
            return f != null ? f.length : i.length;
        }

        double get(int k) {
            return f != null ? f[k] : i[k];
        }
    }

    /**
     * A computed tensor: the IR tensor {@code ir}, per ONNX axis its IR axis / {@link #BATCH} /
     * {@link #UNIT}; {@code flatPerm} (a flattened NCHW tensor) gives for each IR index the ONNX
     * index of the same value, {@code null} when they agree; {@code batch} the batch size the file states.
     */
    record Act(String ir, int[] map, int[] flatPerm, long batch) implements Val {
        int rank() {
            return map.length;
        }
    }

    /** An IR node under construction: fusion may still change its op, weights and source ops. */
    static final class PNode {
        String name;
        Op op;
        List<String> inputs;
        Map<String, FloatTensor> weights;
        String src;
        Shape out;
    }

    /** A layout the chosen input layout cannot serve: the caller tries another one. */
    static final class LayoutMismatch extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final McugenException cause;

        LayoutMismatch(McugenException cause) {
            super(cause.getMessage(), null, false, false);
            this.cause = cause;
        }
    }

    final String file;
    /**
     * Elements the importer may create that no stored value backs (folded fills, flatten orders): a
     * legitimate model's are at most as many as its file has bytes (its weights are that large).
     */
    final long budget;
    final Path dir;
    private final OnnxProto.Graph g;
    private final int opset;
    private final boolean[] channelsLast;
    private final Map<String, Val> vals = new HashMap<>();
    private final Map<String, Integer> uses = new HashMap<>();
    private final Map<String, Shape> irShapes = new HashMap<>();
    private final Map<String, PNode> producers = new LinkedHashMap<>();
    /** ONNX uses still to come per IR tensor, summed over all ONNX values aliasing it. */
    private final Map<String, Integer> irUses = new HashMap<>();
    private final Set<String> names = new HashSet<>();
    private final Map<String, List<Integer>> layouts = new LinkedHashMap<>();
    private final Map<String, String> sourceOps = new LinkedHashMap<>();
    private final List<String> inputNames = new ArrayList<>();
    /** Graph inputs of integer type: token ids, which only an embedding ({@code Gather} of a constant table) reads. */
    private final Set<String> tokenInputs = new HashSet<>();
    /** Per recurrent node giving a sequence, its twin giving the last step only. */
    private final Map<String, PNode> lastSteps = new HashMap<>();
    /** A bidirectional layer's Y_h (IR {@code [2, H]}) -> its forward and backward final states. */
    private final Map<String, List<String>> directionStates = new HashMap<>();
    OnnxProto.Node current;
    /** QuantizeLinear / DequantizeLinear: learned weight grids and activation ranges. */
    private final OnnxQdq qdq;

    private OnnxGraphConverter(String file, long fileSize, Path dir, OnnxProto.Graph g, int opset, boolean[] channelsLast) {
        this.file = file;
        this.budget = Math.max(1 << 16, fileSize);
        this.dir = dir;
        this.g = g;
        this.opset = opset;
        this.channelsLast = channelsLast;
        this.qdq = new OnnxQdq(this, g);
    }

    static ImportedModel convert(String file, long fileSize, Path dir, OnnxProto.Model model) {
        return convert(file, fileSize, dir, model, Map.of());
    }

    /**
     * {@link #convert} with some graph inputs bound to constant values: ONNX's conformance tests pass
     * weights as graph inputs, which a model for mcugen holds as initializers.
     */
    static ImportedModel convert(String file, long fileSize, Path dir, OnnxProto.Model model,
                                 Map<String, OnnxTensors.Data> bound) {
        int opset = -1;
        for (OnnxProto.OpsetId id : model.opsets()) {
            if (id.domain().isEmpty() || id.domain().equals("ai.onnx")) {
                opset = (int) Math.max(Math.min(id.version(), Integer.MAX_VALUE), Integer.MIN_VALUE);
            }
        }
        if (opset < OnnxImporter.MIN_OPSET || opset > OnnxImporter.MAX_OPSET) {
            throw new McugenException(Diag.MCG_IMPORT_UNSUPPORTED, file, (opset < 0 ? "no default-domain opset"
                    : "default-domain opset " + opset) + "; mcugen reads opsets " + OnnxImporter.MIN_OPSET + " to "
                    + OnnxImporter.MAX_OPSET + " (re-export with torch.onnx.export(..., opset_version=17))");
        }
        OnnxProto.Graph g = model.graph();
        Set<String> inits = new HashSet<>();
        g.initializers().forEach(t -> inits.add(t.name()));
        // Initializers are decoded once, whatever input layouts are tried below.
        Map<String, Val> constants = new HashMap<>();
        for (OnnxProto.Tensor t : g.initializers()) {
            OnnxTensors.Data d = OnnxTensors.decode(file, dir, t);
            constants.put(t.name(), new Const(d.dataType(), d.dims(), d.f(), d.i()));
        }
        bound.forEach((name, d) -> constants.put(name, new Const(d.dataType(), d.dims(), d.f(), d.i())));
        List<Integer> layoutChoice = new ArrayList<>();
        inits.addAll(bound.keySet());
        for (OnnxProto.ValueInfo vi : g.inputs()) {
            if (!inits.contains(vi.name()) && vi.dims() != null && vi.dims().length >= 3) {
                layoutChoice.add(vi.dims().length);
            }
        }
        int k = Math.min(layoutChoice.size(), 4);
        LayoutMismatch first = null;
        // As stored first (no permutation at the boundary), then all channels last, then mixes.
        List<Integer> masks = new ArrayList<>();
        masks.add(0);
        if (k > 0) {
            masks.add((1 << k) - 1);
            for (int m = 1; m < (1 << k) - 1; m++) {
                masks.add(m);
            }
        }
        for (int mask : masks) {
            boolean[] cl = new boolean[layoutChoice.size()];
            for (int b = 0; b < k; b++) {
                cl[b] = (mask >> b & 1) != 0;
            }
            OnnxGraphConverter c = new OnnxGraphConverter(file, fileSize, dir, g, opset, cl);
            c.vals.putAll(constants);
            try {
                return c.run();
            } catch (IllegalArgumentException | IllegalStateException | ArithmeticException | IndexOutOfBoundsException
                     | ClassCastException | NullPointerException | NegativeArraySizeException e) {
                // A structure the checks above did not foresee: still one line naming the file and node.
                throw new McugenException(Diag.MCG_IMPORT_CORRUPT, file, c.node() + ": unexpected structure ("
                        + e.getClass().getSimpleName() + ": " + Text.clip(String.valueOf(e.getMessage()), 120) + ")", e);
            } catch (LayoutMismatch e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        throw first.cause;
    }

    // --- driver -----------------------------------------------------------------------------

    private ImportedModel run() {
        for (OnnxProto.Node n : g.nodes()) {
            for (String in : n.inputs()) {
                if (!in.isEmpty()) {
                    uses.merge(in, 1, Integer::sum);
                }
            }
        }
        for (OnnxProto.ValueInfo o : g.outputs()) {
            uses.merge(o.name(), 1, Integer::sum);
        }
        GraphBuilder gb = new GraphBuilder(Text.clip(g.name().isEmpty() ? "onnx" : g.name(), 60));
        int layoutIndex = 0;
        for (OnnxProto.ValueInfo vi : g.inputs()) {
            if (vals.containsKey(vi.name())) {
                continue;
            }
            String who = "input '" + Text.clip(vi.name(), 80) + "'";
            boolean ids = vi.elemType() == OnnxTensors.INT64 || vi.elemType() == OnnxTensors.INT32;
            if (vi.elemType() != OnnxTensors.FLOAT && !ids) {
                throw new McugenException(Diag.MCG_IMPORT_UNSUPPORTED, file, who + " is "
                        + (vi.elemType() == 0 ? "not a tensor" : OnnxTensors.typeName(vi.elemType()))
                        + "; mcugen models take float32 inputs, or int64 / int32 token ids of an embedding (Gather)");
            }
            if (vi.dims() == null || vi.dims().length < 2) {
                throw new McugenException(Diag.MCG_IMPORT_UNSUPPORTED, file, who + " has "
                        + (vi.dims() == null ? "no shape" : "rank " + vi.dims().length)
                        + "; mcugen needs a batch axis first and at least one data axis");
            }
            long[] d = vi.dims();
            int r = d.length;
            boolean cl = r >= 3 && channelsLast[layoutIndex++];
            int[] map = new int[r];
            int[] irDims = new int[r - 1];
            map[0] = BATCH;
            for (int a = 1; a < r; a++) {
                map[a] = cl ? (a == 1 ? r - 2 : a - 2) : a - 1;
            }
            for (int a = 1; a < r; a++) {
                if (d[a] > Integer.MAX_VALUE) {
                    throw new McugenException(Diag.MCG_IMPORT_CORRUPT, file, who + " has dimension " + d[a]);
                }
                irDims[map[a]] = d[a] < 0 ? Shape.UNKNOWN : (int) d[a];
            }
            String name = unique(vi.name());
            gb.input(name, Shape.of(irDims));
            irShapes.put(name, Shape.of(irDims));
            inputNames.add(name);
            if (ids) {
                tokenInputs.add(name);
            }
            if (cl) {
                layouts.put(name, permutation(map));
            }
            bind(vi.name(), new Act(name, map, null, d[0]));
        }
        for (OnnxProto.Node n : g.nodes()) {
            current = n;
            if (!n.domain().isEmpty() && !n.domain().equals("ai.onnx")) {
                throw unsupported("op " + Text.clip(n.domain(), 40) + "." + Text.clip(n.opType(), 40)
                        + " (only the default ONNX domain is read)");
            }
            List<Val> ins = new ArrayList<>();
            for (String in : n.inputs()) {
                if (in.isEmpty()) {
                    ins.add(null);
                    continue;
                }
                Val v = vals.get(in);
                if (v == null) {
                    throw new McugenException(Diag.MCG_IMPORT_TOPOLOGY, file, node() + " reads '" + Text.clip(in, 80)
                            + "', which no earlier node, input or initializer defines");
                }
                ins.add(v);
            }
            for (String in : n.inputs()) {
                if (!in.isEmpty() && vals.get(in) instanceof Act a) {
                    irUses.merge(a.ir(), -1, Integer::sum);
                }
            }
            List<Val> outs = convertNode(n, ins);
            for (int o = 0; o < outs.size() && o < n.outputs().size(); o++) {
                if (outs.get(o) != null && !n.outputs().get(o).isEmpty()) {
                    bind(n.outputs().get(o), outs.get(o));
                }
            }
            for (int o = outs.size(); o < n.outputs().size(); o++) {
                String out = n.outputs().get(o);
                if (!out.isEmpty() && uses.getOrDefault(out, 0) > 0) {
                    throw unsupported("output " + (o + 1) + " of " + n.opType());
                }
            }
        }
        current = null;
        return finish(gb);
    }

    private void bind(String onnxName, Val v) {
        vals.put(onnxName, v);
        if (v instanceof Act a) {
            irUses.merge(a.ir(), uses.getOrDefault(onnxName, 0), Integer::sum);
        }
    }

    private ImportedModel finish(GraphBuilder gb) {
        List<String> outs = new ArrayList<>();
        Set<String> claimed = new HashSet<>(inputNames);
        for (OnnxProto.ValueInfo o : g.outputs()) {
            String who = "output '" + Text.clip(o.name(), 80) + "'";
            Val v = vals.get(o.name());
            if (v == null) {
                throw new McugenException(Diag.MCG_IMPORT_TOPOLOGY, file, who + " is computed by no node");
            }
            if (!(v instanceof Act a)) {
                throw new McugenException(Diag.MCG_IMPORT_UNSUPPORTED, file, who
                        + " is a constant; mcugen models compute their outputs from their inputs");
            }
            if (a.rank() < 1 || a.map()[0] != BATCH) {
                throw new McugenException(Diag.MCG_IMPORT_UNSUPPORTED, file, who
                        + " does not have the batch axis first (axes " + Arrays.toString(a.map()) + ")");
            }
            if (a.flatPerm() != null) {
                throw new McugenException(Diag.MCG_IMPORT_UNSUPPORTED, file, who
                        + " is a flattened channels-first tensor; mcugen cannot give it in PyTorch's order");
            }
            Shape s = irShapes.get(a.ir());
            int units = 0;
            for (int m : a.map()) {
                units += m == UNIT ? 1 : 0;
            }
            String ir = a.ir();
            int[] map = a.map().clone();
            if (units > 0 || claimed.contains(ir) || a.rank() == 1) {
                // The IR tensor lacks size-1 axes the source has, or another output or an input is it: a
                // reshape node gives this output its own tensor with every source axis.
                int[] dims = Arrays.copyOf(s.toArray(), s.rank() + units);
                int next = s.rank();
                for (int k = 0; k < map.length; k++) {
                    if (map[k] == UNIT) {
                        dims[next] = 1;
                        map[k] = next++;
                    }
                }
                if (a.rank() == 1) {
                    throw new McugenException(Diag.MCG_IMPORT_UNSUPPORTED, file, who
                            + " holds only a batch axis; mcugen outputs have at least one data axis");
                }
                PNode p = new PNode();
                p.name = unique(o.name());
                p.op = units > 0 ? new Op.Reshape(Shape.of(dims)) : new Op.Dropout(0f);
                p.inputs = List.of(ir);
                p.weights = Map.of();
                p.src = "Identity";
                p.out = ShapeInference.outputShape(p.name, p.op, List.of(s));
                producers.put(p.name, p);
                irShapes.put(p.name, p.out);
                ir = p.name;
            }
            claimed.add(ir);
            outs.add(ir);
            boolean identity = true;
            int[] perm = new int[map.length - 1];
            for (int k = 1; k < map.length; k++) {
                perm[map[k]] = k - 1;
                identity &= map[k] == k - 1;
            }
            if (!identity) {
                layouts.put(ir, Arrays.stream(perm).boxed().toList());
            }
        }
        // Nodes no output needs (the sequence variant of a recurrent layer whose last step alone is used).
        Set<String> live = new HashSet<>(outs);
        List<PNode> order = new ArrayList<>(producers.values());
        for (int k = order.size() - 1; k >= 0; k--) {
            if (live.contains(order.get(k).name)) {
                live.addAll(order.get(k).inputs);
            }
        }
        for (PNode p : order) {
            if (!live.contains(p.name)) {
                continue;
            }
            String name = p.name;
            try {
                gb.add(name, p.op, p.inputs, p.weights);
            } catch (McugenException e) {
                throw new McugenException(e.diag(), file, e.subject() + ": " + e.detail());
            }
            sourceOps.put(name, p.src);
        }
        for (String o : outs) {
            gb.output(o);
        }
        if (gb.nodes().isEmpty()) {
            throw new McugenException(Diag.MCG_IMPORT_EMPTY_MODEL, file, "the graph computes nothing");
        }
        Map<String, String> src = new LinkedHashMap<>();
        sourceOps.forEach(src::put);
        dev.mcugen.ir.Graph graph = gb.build();
        return new ImportedModel(graph, ModelLoader.Format.ONNX, src, layouts, qdq.grids(graph));
    }

    /** {@code perm} with ir = transpose(source, perm), batch excluded, for a map without UNIT axes. */
    private static List<Integer> permutation(int[] map) {
        int[] perm = new int[map.length - 1];
        for (int k = 1; k < map.length; k++) {
            perm[map[k]] = k - 1;
        }
        return Arrays.stream(perm).boxed().toList();
    }

    // --- names and messages -----------------------------------------------------------------

    /** {@code /conv1/Conv} becomes {@code conv1_Conv}: letters, digits and underscores, not starting with a digit. */
    static String sanitize(String s) {
        StringBuilder b = new StringBuilder();
        for (int k = 0; k < s.length() && b.length() < 64; k++) {
            char c = s.charAt(k);
            boolean ok = c < 128 && (Character.isLetterOrDigit(c) || c == '_');
            if (ok) {
                b.append(c);
            } else if (b.length() > 0 && b.charAt(b.length() - 1) != '_') {
                b.append('_');
            }
        }
        while (b.length() > 0 && b.charAt(b.length() - 1) == '_') {
            b.setLength(b.length() - 1);
        }
        if (b.length() == 0 || Character.isDigit(b.charAt(0))) {
            b.insert(0, "t_");
        }
        return b.toString();
    }

    private String unique(String raw) {
        String base = sanitize(raw);
        String name = base;
        for (int k = 2; names.contains(name); k++) {
            name = base + "_" + k;
        }
        names.add(name);
        return name;
    }

    String node() {
        if (current == null) {
            return "the graph";
        }
        return "node '" + Text.clip(rawName(), 80) + "' (" + Text.clip(current.opType(), 40) + ")";
    }

    /** The node's name, or its first named output when it has none (ONNX names are optional). */
    private String rawName() {
        if (!current.name().isEmpty()) {
            return current.name();
        }
        return current.outputs().stream().filter(o -> !o.isEmpty()).findFirst().orElse(current.opType());
    }

    McugenException unsupported(String what) {
        return new McugenException(Diag.MCG_IMPORT_UNSUPPORTED, file, node() + ": " + what + " is not supported");
    }

    McugenException bad(String what) {
        return new McugenException(Diag.MCG_IMPORT_UNSUPPORTED, file, node() + ": " + what);
    }

    private LayoutMismatch layout(String what) {
        return new LayoutMismatch(new McugenException(Diag.MCG_IMPORT_UNSUPPORTED, file, node() + ": " + what));
    }

    // --- attributes -------------------------------------------------------------------------

    OnnxProto.Attribute attr(String name) {
        for (OnnxProto.Attribute a : current.attributes()) {
            if (a.name().equals(name)) {
                return a;
            }
        }
        return null;
    }

    long attrI(String name, long dflt) {
        OnnxProto.Attribute a = attr(name);
        return a == null ? dflt : a.i();
    }

    float attrF(String name, float dflt) {
        OnnxProto.Attribute a = attr(name);
        return a == null ? dflt : a.f();
    }

    long[] attrInts(String name) {
        OnnxProto.Attribute a = attr(name);
        return a == null ? null : a.ints();
    }

    private String attrS(String name, String dflt) {
        OnnxProto.Attribute a = attr(name);
        return a == null ? dflt : a.s().toStringUtf8();
    }

    // --- node conversion --------------------------------------------------------------------

    /** Inputs each op needs at least (the optional ones after them may be absent). */
    private static final Map<String, Integer> MIN_INPUTS = Map.ofEntries(Map.entry("Gemm", 2), Map.entry("MatMul", 2),
            Map.entry("Add", 2), Map.entry("Sub", 2), Map.entry("Mul", 2), Map.entry("Div", 2), Map.entry("Conv", 2), Map.entry("ConvTranspose", 2),
            Map.entry("Gather", 2), Map.entry("Reshape", 2), Map.entry("Expand", 2), Map.entry("Slice", 3),
            Map.entry("LSTM", 3), Map.entry("GRU", 3), Map.entry("RNN", 3), Map.entry("BatchNormalization", 5),
            Map.entry("Constant", 0), Map.entry("Concat", 1));

    private List<Val> convertNode(OnnxProto.Node n, List<Val> in) {
        String op = n.opType();
        int need = MIN_INPUTS.getOrDefault(op, 1);
        for (int k = 0; k < need; k++) {
            if (k >= in.size() || in.get(k) == null && !(op.equals("Slice") && k > 2)) {
                throw bad(Text.clip(op, 40) + " needs " + need + " inputs, input " + (k + 1) + " is missing");
            }
        }
        if (n.outputs().isEmpty()) {
            throw bad("has no outputs");
        }
        boolean allConst = in.stream().allMatch(v -> v == null || v instanceof Const);
        if (allConst && !in.isEmpty() || op.equals("Constant")) {
            Const c = new ConstantFolder(this).fold(op, in);
            if (c != null) {
                return List.of(c);
            }
        }
        if (op.equals("Shape") && in.get(0) instanceof Act a) {
            return List.of(shapeOf(a));
        }
        return switch (op) {
            case "Identity" -> List.of(in.get(0));
            case "Pad" -> List.of(pad(in));
            case "Dropout" -> dropout(in);
            case "Relu", "Sigmoid", "Tanh", "Clip", "Softmax", "HardSwish" -> List.of(activation(op, in));
            case "HardSigmoid" -> List.of(attrF("alpha", 0.2f) == 0.2f && attrF("beta", 0.5f) == 0.5f
                    ? activation(op, in) : pointwise(op, in));
            case "Elu" -> List.of(attrF("alpha", 1f) == 1f ? activation(op, in) : pointwise(op, in));
            case "LeakyRelu", "PRelu" -> List.of(pointwise(op, in));
            case "Mul" -> List.of(mul(in));
            case "Gemm" -> List.of(gemm(in));
            case "MatMul" -> List.of(matmul(in));
            case "Add" -> List.of(add(in));
            case "Sub" -> List.of(elementwise("Sub", new Op.Subtract(), in));
            case "Div" -> List.of(divide(in));
            case "Max" -> List.of(elementwise("Max", new Op.Maximum(), in));
            case "Min" -> List.of(elementwise("Min", new Op.Minimum(), in));
            case "Mean" -> List.of(elementwise("Mean", new Op.Average(), in));
            case "Conv" -> List.of(conv(in));
            case "MaxPool", "AveragePool" -> List.of(pool(op, in));
            case "GlobalAveragePool", "GlobalMaxPool" -> List.of(globalPool(op, act(in, 0), null, true));
            case "ReduceMean", "ReduceMax" -> List.of(reduce(op, in));
            case "BatchNormalization" -> List.of(batchNorm(in));
            case "Concat" -> List.of(concat(in));
            case "Flatten" -> List.of(flatten(act(in, 0), (int) attrI("axis", 1)));
            case "Reshape" -> List.of(reshape(act(in, 0), ints(in, 1, "shape")));
            case "Transpose" -> List.of(transpose(act(in, 0)));
            case "Squeeze" -> List.of(squeeze(act(in, 0), axesOf(in, 1)));
            case "Unsqueeze" -> List.of(unsqueeze(act(in, 0), axesOf(in, 1)));
            case "Gather" -> List.of(in.get(0) instanceof Const table && in.get(1) instanceof Act ids
                    ? embedding(table, ids) : lastStep(act(in, 0), in.get(1), true));
            case "LayerNormalization" -> List.of(layerNorm(in));
            case "Slice" -> List.of(slice(act(in, 0), in));
            case "LSTM", "GRU", "RNN" -> recurrent(op, in);
            case "Resize", "Upsample" -> List.of(resize(op, in));
            case "ConvTranspose" -> List.of(convTranspose(in));
            case "QuantizeLinear", "DequantizeLinear" -> List.of(qdq.convert(op, in));
            case "Conv1D" -> throw unsupported("op " + op);
            default -> throw unsupported("op " + Text.clip(op, 40));
        };
    }

    private Act act(List<Val> in, int k) {
        if (k >= in.size() || in.get(k) == null) {
            throw bad("input " + (k + 1) + " is missing");
        }
        if (in.get(k) instanceof Act a) {
            return a;
        }
        throw bad("input " + (k + 1) + " is a constant where mcugen needs a computed tensor");
    }

    private Const konst(List<Val> in, int k, String what) {
        if (k >= in.size() || in.get(k) == null) {
            return null;
        }
        if (in.get(k) instanceof Const c) {
            return c;
        }
        throw bad(what + " (input " + (k + 1) + ") is computed at run time; mcugen needs it constant"
                + " (an initializer, as torch.onnx.export writes weights)");
    }

    long[] ints(List<Val> in, int k, String what) {
        Const c = konst(in, k, what);
        if (c == null) {
            throw bad(what + " (input " + (k + 1) + ") is missing");
        }
        if (c.i() == null) {
            throw bad(what + " is not an integer tensor");
        }
        return c.i();
    }

    /** Axes from the attribute (opset < 13) or the second input (opset 13+). */
    long[] axesOf(List<Val> in, int k) {
        long[] a = attrInts("axes");
        if (a != null) {
            return a;
        }
        if (in.size() > k && in.get(k) != null) {
            return ints(in, k, "axes");
        }
        return null;
    }

    private Shape irShape(Act a) {
        return irShapes.get(a.ir());
    }

    /** ONNX dims of an Act (-1 unknown). */
    private long[] dims(Act a) {
        Shape s = irShape(a);
        long[] d = new long[a.rank()];
        for (int k = 0; k < d.length; k++) {
            int m = a.map()[k];
            if (m == BATCH) {
                d[k] = a.batch();
            } else if (m == UNIT) {
                d[k] = 1;
            } else if (a.flatPerm() != null) {
                d[k] = s.dim(0);
            } else {
                d[k] = s.dim(m) == Shape.UNKNOWN ? -1 : s.dim(m);
            }
        }
        return d;
    }

    static int norm(long axis, int rank, OnnxGraphConverter c) {
        long a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw c.bad("axis " + axis + " is out of range for rank " + rank);
        }
        return (int) a;
    }

    private PNode emit(String op, Op irOp, List<String> inputs, Map<String, FloatTensor> weights) {
        return emit(rawName(), op, irOp, inputs, weights);
    }

    /** {@link #emit} under the raw name {@code raw} (made unique). */
    private PNode emit(String raw, String op, Op irOp, List<String> inputs, Map<String, FloatTensor> weights) {
        PNode p = new PNode();
        p.name = unique(raw);
        p.op = irOp;
        p.inputs = inputs;
        p.weights = new LinkedHashMap<>(weights);
        p.src = op;
        List<Shape> shapes = inputs.stream().map(irShapes::get).toList();
        try {
            p.out = ShapeInference.outputShape(p.name, irOp, shapes);
        } catch (McugenException e) {
            throw new McugenException(e.diag(), file, node() + ": " + e.detail());
        }
        producers.put(p.name, p);
        irShapes.put(p.name, p.out);
        return p;
    }

    /** The IR op of the node computing IR tensor {@code ir} so far; null for a model input. */
    Op producerOp(String ir) {
        PNode p = producers.get(ir);
        return p == null ? null : p.op;
    }

    /** The node producing {@code a} if this node is its only consumer (so its op may still change). */
    private PNode soleProducer(Act a) {
        PNode p = producers.get(a.ir());
        if (p == null || irUses.getOrDefault(a.ir(), 0) != 0) {
            return null;
        }
        for (PNode q : producers.values()) {
            if (q.inputs.contains(a.ir())) {
                return null;
            }
        }
        return p;
    }

    // --- element-wise and activations ---------------------------------------------------------

    private List<Val> dropout(List<Val> in) {
        if (in.size() > 2 && in.get(2) != null) {
            Const t = konst(in, 2, "training_mode");
            if (t != null && t.count() == 1 && t.get(0) != 0) {
                throw unsupported("training_mode true");
            }
        }
        return List.of(act(in, 0));
    }

    private Val activation(String op, List<Val> in) {
        Act x = act(in, 0);
        Activation a = switch (op) {
            case "Relu" -> Activation.RELU;
            case "Sigmoid" -> Activation.SIGMOID;
            case "Tanh" -> Activation.TANH;
            case "HardSigmoid" -> Activation.HARD_SIGMOID; // alpha 0.2, beta 0.5; others are pointwise()
            case "Elu" -> Activation.ELU; // alpha 1; others are pointwise()
            case "HardSwish" -> Activation.HARD_SWISH;
            case "Clip" -> clip(in);
            default -> softmax(x);
        };
        PNode p = soleProducer(x);
        Activation before = p == null ? null : activationOf(p.op);
        Activation merged = before == null ? null : compose(before, a);
        if (merged != null) {
            // relu6(relu(x)) = relu6(x): PyTorch writes F.relu6 as Relu then Clip(0, 6).
            p.op = p.op instanceof Op.Act ? new Op.Act(merged) : ActivationFusion.withActivation(p.op, merged);
            p.src = p.src + "+" + op;
            return x;
        }
        if (p != null && a.isElementwise() && x.flatPerm() == null && fusable(p)) {
            p.op = ActivationFusion.withActivation(p.op, a);
            p.src = p.src + "+" + op;
            return x;
        }
        if (p != null && a == Activation.SOFTMAX && fusable(p) && !(p.op instanceof Op.Conv1D || p.op instanceof Op.Conv2D)) {
            p.op = ActivationFusion.withActivation(p.op, a);
            p.src = p.src + "+" + op;
            return x;
        }
        PNode q = emit(op, new Op.Act(a), List.of(x.ir()), Map.of());
        return new Act(q.name, x.map(), x.flatPerm(), x.batch());
    }

    /**
     * LeakyRelu (alpha, default 0.01), Elu with alpha other than 1, HardSigmoid with alpha / beta other
     * than 0.2 / 0.5 (PyTorch's Hardsigmoid writes 1/6, 0.5) and PRelu (a constant slope broadcast to
     * the input from the last axis, as ONNX broadcasts): stand-alone IR nodes with their parameters.
     */
    private Val pointwise(String op, List<Val> in) {
        Act x = act(in, 0);
        Op irOp;
        Map<String, FloatTensor> weights = Map.of();
        switch (op) {
            case "LeakyRelu" -> irOp = new Op.LeakyRelu(finiteAttr("alpha", 0.01f));
            case "Elu" -> irOp = new Op.Elu(finiteAttr("alpha", 1f));
            case "HardSigmoid" -> irOp = new Op.HardSigmoid(finiteAttr("alpha", 0.2f), finiteAttr("beta", 0.5f));
            default -> {
                Const slope = konst(in, 1, "slope");
                if (slope == null || slope.f() == null) {
                    throw bad("PRelu needs a constant float slope (input 2)");
                }
                FloatTensor alpha = preluSlope(x, slope);
                List<Integer> shared = new ArrayList<>();
                Shape xs = irShape(x);
                for (int k = 0; k < xs.rank(); k++) {
                    if (alpha.shape().dim(k) == 1 && xs.dim(k) != 1) {
                        shared.add(k);
                    }
                }
                irOp = new Op.PRelu(shared);
                weights = Map.of("alpha", alpha);
            }
        }
        PNode q = emit(op, irOp, List.of(x.ir()), weights);
        return new Act(q.name, x.map(), x.flatPerm(), x.batch());
    }

    private float finiteAttr(String name, float dflt) {
        float v = attrF(name, dflt);
        if (!Float.isFinite(v)) {
            throw bad("attribute " + name + " is " + v);
        }
        return v;
    }

    /**
     * PRelu's slope in the IR layout: the IR input shape with size 1 where the slope (aligned at the
     * last ONNX axis) has size 1; each value read through the Act's map from IR axes to ONNX axes.
     */
    private FloatTensor preluSlope(Act x, Const slope) {
        long[] xd = dims(x);
        long[] sd = slope.dims();
        if (sd.length > xd.length) {
            throw unsupported("PRelu slope of shape " + Arrays.toString(sd) + " on an input of rank " + xd.length);
        }
        int off = xd.length - sd.length;
        Shape xs = irShape(x);
        int[] full = new int[xs.rank()];
        Arrays.fill(full, 1);
        int[] onnxOfIr = new int[xs.rank()];
        Arrays.fill(onnxOfIr, -1);
        for (int k = 0; k < xd.length; k++) {
            long sdim = k < off ? 1 : sd[k - off];
            if (sdim != 1 && sdim != xd[k]) {
                throw unsupported("PRelu slope of shape " + Arrays.toString(sd) + " that does not broadcast to "
                        + Arrays.toString(xd));
            }
            int m = x.map()[k];
            if (m >= 0) {
                if (x.flatPerm() != null && sdim != 1) {
                    throw unsupported("PRelu with a per-element slope on a flattened tensor");
                }
                onnxOfIr[m] = k;
                full[m] = (int) sdim;
            } else if (sdim != 1) {
                throw unsupported("PRelu slope varying along the batch axis");
            }
        }
        Shape as = Shape.of(full);
        float[] v = new float[as.size()];
        int[] idx = new int[full.length];
        for (int i = 0; i < v.length; i++) {
            int rest = i;
            for (int m = full.length - 1; m >= 0; m--) {
                idx[m] = rest % full[m];
                rest /= full[m];
            }
            long flat = 0;
            for (int k = off; k < xd.length; k++) {
                int m = x.map()[k];
                int c = m >= 0 && onnxOfIr[m] == k ? idx[m] : 0;
                flat = flat * sd[k - off] + (sd[k - off] == 1 ? 0 : c);
            }
            v[i] = (float) slope.get((int) flat);
        }
        return FloatTensor.of(as, v);
    }

    /**
     * Mul: PyTorch writes SiLU ({@code nn.SiLU}) as {@code x * Sigmoid(x)} and, before opset 14,
     * Hardswish as {@code x * HardSigmoid(x)} with alpha 1/6, beta 0.5; each pattern becomes one swish /
     * hard swish (fused into the layer producing x where it can be). Other products are element-wise
     * multiplies.
     */
    private Val mul(List<Val> in) {
        if (in.get(0) instanceof Act a && in.get(1) instanceof Act b) {
            Activation gated = gateOf(b, a);
            Act x = gated != null ? a : (gated = gateOf(a, b)) != null ? b : null;
            if (x != null) {
                Act s = x == a ? b : a;
                PNode gate = producers.get(s.ir());
                String src = gate.src + "+Mul";
                PNode q = producers.get(x.ir());
                boolean onlyGate = irUses.getOrDefault(x.ir(), 0) == 0
                        && producers.values().stream().filter(n -> n.inputs.contains(x.ir())).count() == 1;
                if (q != null && onlyGate && x.flatPerm() == null && fusable(q)) {
                    q.op = ActivationFusion.withActivation(q.op, gated);
                    q.src = q.src + "+" + src;
                    producers.remove(gate.name); // no longer read
                    return x;
                }
                gate.op = new Op.Act(gated);
                gate.src = src;
                return s;
            }
        }
        return elementwise("Mul", new Op.Multiply(), in);
    }

    /**
     * SWISH if {@code s} is {@code Sigmoid(x)}, HARD_SWISH if it is {@code HardSigmoid(x)} with alpha
     * 1/6 and beta 0.5, each computed by a node only this Mul reads; else null.
     */
    private Activation gateOf(Act s, Act x) {
        PNode p = producers.get(s.ir());
        if (p == null || !p.inputs.equals(List.of(x.ir())) || !Arrays.equals(s.map(), x.map())
                || !Arrays.equals(s.flatPerm(), x.flatPerm()) || irUses.getOrDefault(s.ir(), 0) != 0
                || producers.values().stream().anyMatch(n -> n.inputs.contains(s.ir()))) {
            return null;
        }
        if (p.op.equals(new Op.Act(Activation.SIGMOID))) {
            return Activation.SWISH;
        }
        return p.op.equals(new Op.HardSigmoid(1f / 6f, 0.5f)) ? Activation.HARD_SWISH : null;
    }

    private static Activation activationOf(Op op) {
        return op instanceof Op.Act a ? a.activation() : ActivationFusion.fusedActivation(op);
    }

    /** {@code outer(inner(x))} as one activation where that is an identity, else null. */
    private static Activation compose(Activation inner, Activation outer) {
        boolean relus = (inner == Activation.RELU || inner == Activation.RELU6)
                && (outer == Activation.RELU || outer == Activation.RELU6);
        if (!relus) {
            return null;
        }
        return inner == Activation.RELU6 || outer == Activation.RELU6 ? Activation.RELU6 : Activation.RELU;
    }

    private static boolean fusable(PNode p) {
        return ActivationFusion.takesActivation(p.op);
    }

    private double scalar(Const c, String what) {
        if (c.count() != 1) {
            throw bad(what + " holds " + c.count() + " values where one is needed");
        }
        return c.get(0);
    }

    /**
     * Pad: zero width (PyTorch's avg_pool2d writes one before AveragePool) is the identity; constant
     * zero padding of the spatial axes of [N, C, spatial...] is a {@link Op.ZeroPadding}. Other
     * modes, a nonzero constant and padding of the batch or channel axis are refused by name.
     */
    private Val pad(List<Val> in) {
        Act x = act(in, 0);
        long[] pads = attrInts("pads");
        if (pads == null && in.size() > 1 && in.get(1) != null) {
            pads = ints(in, 1, "pads");
        }
        boolean zero = true;
        if (pads != null) {
            for (long p : pads) {
                zero &= p == 0;
            }
        }
        if (zero) {
            return x;
        }
        String mode = attrS("mode", "constant");
        if (!mode.equals("constant")) {
            throw unsupported("Pad mode '" + Text.clip(mode, 20) + "' (mcugen pads with zeros only: mode constant,"
                    + " value 0)");
        }
        double value = opset < 11 ? attrF("value", 0f) : 0;
        Const cv = in.size() > 2 ? konst(in, 2, "constant_value") : null;
        if (cv != null && cv.count() > 0) {
            value = scalar(cv, "constant_value");
        }
        if (value != 0) {
            throw unsupported("Pad with the constant " + value + " (mcugen pads with real 0, the value whose integer"
                    + " the zero point holds exactly)");
        }
        if (in.size() > 3 && in.get(3) != null) {
            throw unsupported("Pad with an axes input");
        }
        int r = x.rank() - 2;
        if (r < 1 || r > 2 || pads.length != 2 * x.rank()) {
            throw unsupported("Pad with pads " + Arrays.toString(pads) + " on a rank-" + x.rank() + " tensor");
        }
        channelsFirst(x, "Pad");
        int rank = x.rank();
        if (pads[0] != 0 || pads[1] != 0 || pads[rank] != 0 || pads[rank + 1] != 0) {
            throw unsupported("Pad of the batch or channel axis (pads " + Arrays.toString(pads) + ")");
        }
        long[] spatial = new long[2 * r];
        for (int a = 0; a < r; a++) {
            spatial[a] = pads[2 + a];
            spatial[a + r] = pads[rank + 2 + a];
            if (spatial[a] < 0 || spatial[a + r] < 0 || spatial[a] > 1 << 16 || spatial[a + r] > 1 << 16) {
                throw unsupported("Pad with negative or huge pads " + Arrays.toString(pads));
            }
        }
        return zeroPad(x, spatial, r, "");
    }

    private Activation clip(List<Val> in) {
        double lo = Double.NEGATIVE_INFINITY;
        double hi = Double.POSITIVE_INFINITY;
        if (opset < 11 || attr("min") != null || attr("max") != null) {
            lo = attrF("min", Float.NEGATIVE_INFINITY);
            hi = attrF("max", Float.POSITIVE_INFINITY);
        }
        Const cmin = konst(in, 1, "min");
        Const cmax = konst(in, 2, "max");
        if (cmin != null) {
            lo = scalar(cmin, "min");
        }
        if (cmax != null) {
            hi = scalar(cmax, "max");
        }
        if (lo == 0 && hi == 6) {
            return Activation.RELU6;
        }
        if (lo == 0 && hi == Double.POSITIVE_INFINITY) {
            return Activation.RELU;
        }
        throw unsupported("Clip to [" + lo + ", " + hi + "] (mcugen has relu6 = [0, 6] and relu = [0, inf))");
    }

    private Activation softmax(Act x) {
        int r = x.rank();
        int axis = norm(attrI("axis", opset >= 13 ? -1 : 1), r, this);
        if (opset < 13 && axis != r - 1) {
            // Before opset 13 Softmax flattens all axes from `axis` on into one.
            throw unsupported("Softmax (opset " + opset + ") over axes " + axis + ".." + (r - 1) + " together");
        }
        int m = x.map()[axis];
        if (m == BATCH) {
            throw unsupported("Softmax over the batch axis");
        }
        Shape s = irShape(x);
        if (m != s.rank() - 1 || x.flatPerm() != null) {
            throw layout("Softmax over axis " + axis + ", which is not the IR tensor's last (mcugen's softmax is over the last axis)");
        }
        return Activation.SOFTMAX;
    }

    private Val add(List<Val> in) {
        Val a = in.get(0);
        Val b = in.get(1);
        if (a instanceof Act x && b instanceof Act y) {
            // equal shapes, or a per-channel vector broadcast (elementwise checks which)
            return elementwise("Add", new Op.Add(), in);
        }
        Act x = a instanceof Act ax ? ax : (Act) b;
        Const c = (Const) (a instanceof Act ? b : a);
        PNode p = soleProducer(x);
        if (p == null || !fusable(p) || c.f() == null) {
            // not a bias of the layer before: a per-channel constant added element-wise
            return elementwise("Add", new Op.Add(), in);
        }
        int ch = channelAxisOfBias(p, x);
        long[] xd = dims(x);
        long[] cd = c.dims();
        if (cd.length > xd.length) {
            throw unsupported("Add of a constant of higher rank");
        }
        int units = irShape(x).last();
        for (int k = 0; k < cd.length; k++) {
            int ax = xd.length - cd.length + k;
            if (cd[k] != 1 && !(ax == ch && cd[k] == units)) {
                throw unsupported("Add of a constant of shape " + Arrays.toString(cd) + " that is not a per-channel bias");
            }
        }
        float[] bias = p.weights.containsKey("bias") ? p.weights.get("bias").toArray() : new float[units];
        for (int u = 0; u < units; u++) {
            bias[u] = (float) (bias[u] + c.get(c.count() == 1 ? 0 : u));
        }
        p.weights.put("bias", FloatTensor.of(Shape.of(units), bias));
        p.op = withBias(p.op);
        p.src = p.src + "+Add";
        return x;
    }

    /**
     * Sub, Mul, Max, Min, Mean, and Add that is not a bias: tensors of one layout whose IR shapes are
     * equal or per-channel vectors of each other, or one tensor and a constant that is a scalar or a
     * per-channel vector (after the layout change: a {@code [C, 1, 1]} constant against NCHW is one value
     * per channel), which becomes the node's {@code constant} weight.
     */
    private Val elementwise(String op, Op.Elementwise kind, List<Val> in) {
        List<Act> acts = new ArrayList<>();
        int constAt = -1;
        Const c = null;
        for (int k = 0; k < in.size(); k++) {
            Val v = in.get(k);
            if (v == null) {
                throw bad("input " + (k + 1) + " is missing");
            }
            if (v instanceof Act a) {
                acts.add(a);
            } else if (c != null) {
                throw unsupported(op + " of more than one constant");
            } else {
                c = (Const) v;
                constAt = k;
            }
        }
        if (acts.isEmpty()) {
            throw unsupported(op + " of constants only");
        }
        Act full = acts.get(0);
        for (Act a : acts) {
            if (irShape(a).size() > irShape(full).size()) {
                full = a;
            }
        }
        for (Act a : acts) {
            boolean sameShape = Arrays.equals(dims(a), dims(full));
            if (sameShape && (!Arrays.equals(a.map(), full.map()) || !Arrays.equals(a.flatPerm(), full.flatPerm())
                    || !irShape(a).equals(irShape(full)))) {
                throw layout(op + " of tensors laid out differently");
            }
            // ONNX broadcasts right-aligned: a vector is per channel only when its one non-1 axis lines up
            // with the channel axis of the full operand
            if (!sameShape && !(a.flatPerm() == null && perChannel(dims(a), full)
                    && ElementwiseShapes.isChannelwise(irShape(a), irShape(full)))) {
                throw unsupported(op + " with broadcasting (shapes " + Arrays.toString(dims(a)) + " and "
                        + Arrays.toString(dims(full)) + "); mcugen broadcasts only per-channel vectors");
            }
        }
        Map<String, FloatTensor> weights = Map.of();
        if (c != null) {
            weights = Map.of("constant", FloatTensor.of(Shape.of(irShape(full).last()), channelConstant(op, full, c)));
        }
        PNode p = emit(op, ElementwiseShapes.withConstant(kind, constAt), acts.stream().map(Act::ir).toList(), weights);
        return new Act(p.name, full.map(), full.flatPerm(), full.batch());
    }

    /** Div by a constant: Mul by its reciprocal. */
    private Val divide(List<Val> in) {
        if (!(in.get(0) instanceof Act) || !(in.get(1) instanceof Const c) || c.f() == null) {
            throw unsupported("Div by a computed tensor or of a constant (mcugen divides a tensor by a float constant only)");
        }
        double[] r = new double[c.count()];
        for (int k = 0; k < r.length; k++) {
            if (c.get(k) == 0) {
                throw unsupported("Div by a constant holding 0");
            }
            r[k] = 1.0 / c.get(k);
        }
        return elementwise("Div", new Op.Multiply(), List.of(in.get(0), new Const(c.type(), c.dims(), r, null)));
    }

    /** A scalar or per-channel constant against {@code x} as the IR's {@code [C]} vector. */
    private float[] channelConstant(String op, Act x, Const c) {
        if (c.f() == null) {
            throw unsupported(op + " of an integer constant");
        }
        int units = irShape(x).last();
        float[] v = new float[units];
        if (c.count() == 1) {
            Arrays.fill(v, (float) c.get(0));
            return v;
        }
        long[] xd = dims(x);
        long[] cd = c.dims();
        if (!perChannel(cd, x) || c.count() != units) {
            throw unsupported(op + " of a constant of shape " + Arrays.toString(cd) + " against "
                    + Arrays.toString(xd) + "; mcugen takes scalars and per-channel vectors");
        }
        for (int u = 0; u < units; u++) {
            v[u] = (float) c.get(u);
        }
        return v;
    }

    /**
     * Whether ONNX dims {@code vd}, broadcast right-aligned against {@code x}, are 1 everywhere but on the
     * axis of {@code x} that holds the IR's channels (the IR tensor's last axis), where they equal C.
     */
    private boolean perChannel(long[] vd, Act x) {
        long[] xd = dims(x);
        int units = irShape(x).last();
        int ch = -1;
        for (int k = 0; k < x.rank(); k++) {
            if (x.map()[k] == irShape(x).rank() - 1) {
                ch = k;
            }
        }
        boolean ok = x.flatPerm() == null && ch >= 0 && vd.length <= xd.length;
        for (int k = 0; ok && k < vd.length; k++) {
            int ax = xd.length - vd.length + k;
            ok = vd[k] == 1 || ax == ch && vd[k] == units || x.map()[ax] == BATCH && vd[k] == xd[ax];
        }
        return ok;
    }

    /** The ONNX axis of {@code x} holding the channels / units the IR node writes last. */
    private int channelAxisOfBias(PNode p, Act x) {
        int last = irShape(x).rank() - 1;
        if (x.flatPerm() != null) {
            throw unsupported("Add after a flattened channels-first tensor");
        }
        for (int k = 0; k < x.rank(); k++) {
            if (x.map()[k] == last) {
                return k;
            }
        }
        throw layout("bias axis not found");
    }

    private static Op withBias(Op op) {
        if (op instanceof Op.Dense d) {
            return new Op.Dense(d.units(), d.activation(), true);
        }
        if (op instanceof Op.Conv2D c) {
            return new Op.Conv2D(c.filters(), c.kernelH(), c.kernelW(), c.strideH(), c.strideW(), c.dilationH(),
                    c.dilationW(), c.padding(), c.activation(), true);
        }
        Op.Conv1D c = (Op.Conv1D) op;
        return new Op.Conv1D(c.filters(), c.kernelSize(), c.stride(), c.dilation(), c.padding(), c.activation(), true);
    }

    // --- dense ------------------------------------------------------------------------------

    private Val gemm(List<Val> in) {
        Act x = act(in, 0);
        Const w = konst(in, 1, "B");
        if (w == null) {
            throw bad("B is missing");
        }
        if (attrI("transA", 0) != 0) {
            throw unsupported("Gemm with transA");
        }
        float alpha = attrF("alpha", 1f);
        float beta = attrF("beta", 1f);
        if (x.rank() != 2 || x.map()[0] != BATCH || irShape(x).rank() != 1) {
            throw layout("Gemm on a tensor that is not [batch, features]");
        }
        if (w.dims().length != 2 || w.f() == null) {
            throw bad("B must be a 2-D float matrix");
        }
        boolean transB = attrI("transB", 0) != 0;
        int k = (int) (transB ? w.dims()[1] : w.dims()[0]);
        int units = (int) (transB ? w.dims()[0] : w.dims()[1]);
        int inSize = irShape(x).dim(0);
        if (k != inSize) {
            throw bad("B has " + k + " rows for " + inSize + " input features");
        }
        float[] kernel = new float[k * units];
        int[] perm = x.flatPerm();
        for (int r = 0; r < k; r++) {
            int src = perm == null ? r : perm[r];
            for (int u = 0; u < units; u++) {
                double v = transB ? w.f()[u * k + src] : w.f()[src * units + u];
                kernel[r * units + u] = (float) (alpha * v);
            }
        }
        Map<String, FloatTensor> weights = new LinkedHashMap<>();
        weights.put("kernel", FloatTensor.of(Shape.of(k, units), kernel));
        Const c = konst(in, 2, "C");
        if (c != null) {
            if (c.f() == null || !(c.count() == units || c.count() == 1)
                    || c.dims().length == 2 && c.dims()[0] != 1) {
                throw unsupported("Gemm with C of shape " + Arrays.toString(c.dims()) + " (a bias [" + units + "] is)");
            }
            float[] bias = new float[units];
            for (int u = 0; u < units; u++) {
                bias[u] = (float) (beta * c.get(c.count() == 1 ? 0 : u));
            }
            weights.put("bias", FloatTensor.of(Shape.of(units), bias));
        }
        PNode p = emit("Gemm", new Op.Dense(units, Activation.LINEAR, c != null), List.of(x.ir()), weights);
        return new Act(p.name, new int[] {BATCH, 0}, null, x.batch());
    }

    private Val matmul(List<Val> in) {
        Act x = act(in, 0);
        Const w = konst(in, 1, "B");
        if (w == null || w.dims().length != 2 || w.f() == null) {
            throw unsupported("MatMul whose B is not a constant 2-D float matrix");
        }
        Shape s = irShape(x);
        int lastAxis = x.rank() - 1;
        if (x.rank() < 2 || x.map()[lastAxis] != s.rank() - 1 || x.flatPerm() != null && s.rank() != 1) {
            throw layout("MatMul over an axis that is not the IR tensor's last");
        }
        int k = (int) w.dims()[0];
        int units = (int) w.dims()[1];
        if (k != s.last()) {
            throw bad("B has " + k + " rows for " + s.last() + " input features");
        }
        float[] kernel = new float[k * units];
        int[] perm = x.flatPerm();
        for (int r = 0; r < k; r++) {
            int src = perm == null ? r : perm[r];
            for (int u = 0; u < units; u++) {
                kernel[r * units + u] = (float) w.f()[src * units + u];
            }
        }
        PNode p = emit("MatMul", new Op.Dense(units, Activation.LINEAR, false), List.of(x.ir()),
                Map.of("kernel", FloatTensor.of(Shape.of(k, units), kernel)));
        return new Act(p.name, x.map(), null, x.batch());
    }

    // --- convolution and pooling --------------------------------------------------------------

    /** Checks that {@code x} is [N, C, spatial...] held channels last, returns the spatial rank. */
    private int channelsFirst(Act x, String what) {
        int r = x.rank() - 2;
        if (r < 1 || r > 2) {
            throw unsupported(what + " over " + Math.max(r, 0) + " spatial axes (mcugen has 1-D and 2-D)");
        }
        int[] m = x.map();
        boolean ok = m[0] == BATCH && m[1] == r && x.flatPerm() == null && irShape(x).rank() == r + 1;
        for (int k = 0; k < r && ok; k++) {
            ok = m[2 + k] == k;
        }
        if (!ok) {
            throw layout(what + " on a tensor whose channels are not on axis 1 of [N, C, spatial...]");
        }
        return r;
    }

    /** TF's SAME or VALID padding matching ONNX pads / auto_pad, or a refusal. */
    private Padding padding(int[] n, int[] k, int[] s, int[] d, long[] pads, String what) {
        String auto = attrS("auto_pad", "NOTSET");
        int r = n.length;
        if (!List.of("NOTSET", "VALID", "SAME_UPPER", "SAME_LOWER").contains(auto)) {
            throw bad("auto_pad '" + Text.clip(auto, 20) + "' is not an ONNX padding");
        }
        if (auto.equals("VALID")) {
            return Padding.VALID;
        }
        boolean zero = true;
        if (pads != null) {
            if (pads.length != 2 * r) {
                throw bad("pads " + Arrays.toString(pads) + " for " + r + " spatial axes");
            }
            for (long p : pads) {
                zero &= p == 0;
            }
        }
        if (auto.equals("NOTSET") && zero) {
            return Padding.VALID;
        }
        if (auto.equals("SAME_UPPER")) {
            return Padding.SAME;
        }
        // TensorFlow's 'same' pads total = (out - 1) * stride + span - n, the odd one at the end.
        boolean same = true;
        long[] tf = new long[2 * r];
        for (int a = 0; a < r; a++) {
            if (n[a] < 0) {
                same = false;
                continue;
            }
            int out = (n[a] + s[a] - 1) / s[a];
            int span = (k[a] - 1) * d[a] + 1;
            int total = Math.max((out - 1) * s[a] + span - n[a], 0);
            tf[a] = total / 2;
            tf[a + r] = total - total / 2;
            if (auto.equals("SAME_LOWER")) {
                same &= total % 2 == 0;
            } else {
                same &= pads[a] == tf[a] && pads[a + r] == tf[a + r];
            }
        }
        if (same && (auto.equals("NOTSET") || auto.equals("SAME_LOWER"))) {
            return Padding.SAME;
        }
        throw unsupported(what + " with pads " + Arrays.toString(pads) + (auto.equals("NOTSET") ? "" : ", auto_pad "
                + Text.clip(auto, 20)) + " on input " + Arrays.toString(n) + " (mcugen pads as TensorFlow's 'same', here "
                + Arrays.toString(tf) + ", or 'valid')");
    }

    /**
     * ONNX pads (auto_pad NOTSET, >= 0) that {@link #padding} cannot express as VALID or TensorFlow's
     * SAME split (e.g. PyTorch's {@code padding=1, stride=2} on an even length), or, with
     * {@code always}, any nonzero pads: they are imported as a {@link Op.ZeroPadding} before a VALID
     * window. Null when the window keeps its own padding.
     */
    private long[] explicitPads(int[] n, int[] k, int[] s, int[] d, long[] pads, boolean always) {
        int r = n.length;
        if (!attrS("auto_pad", "NOTSET").equals("NOTSET") || pads == null || pads.length != 2 * r) {
            return null;
        }
        boolean zero = true;
        for (long p : pads) {
            if (p < 0 || p > 1 << 16) {
                return null;
            }
            zero &= p == 0;
        }
        if (zero) {
            return null;
        }
        if (always) {
            return pads;
        }
        for (int a = 0; a < r; a++) {
            if (n[a] < 0) {
                return null;
            }
            int out = (n[a] + s[a] - 1) / s[a];
            int span = (k[a] - 1) * d[a] + 1;
            int total = Math.max((out - 1) * s[a] + span - n[a], 0);
            if (pads[a] != total / 2 || pads[a + r] != total - total / 2) {
                return pads;
            }
        }
        return null;
    }

    /**
     * {@code x} zero-padded by ONNX pads {@code [x1_begin, (x2_begin,) x1_end, (x2_end)]} over its
     * {@code r} spatial axes, in a node named after the current one, with {@code suffix} (a Conv's or
     * pool's padding, so that the window keeps the node's own name).
     */
    private Act zeroPad(Act x, long[] pads, int r, String suffix) {
        List<Integer> amounts = new ArrayList<>();
        for (int a = 0; a < r; a++) {
            amounts.add((int) pads[a]);
            amounts.add((int) pads[a + r]);
        }
        PNode p = emit(rawName() + suffix, "Pad", new Op.ZeroPadding(amounts), List.of(x.ir()), Map.of());
        return new Act(p.name, x.map(), null, x.batch());
    }

    /** True when the IR tensor of {@code x} cannot be negative: it leaves a ReLU / ReLU6 (stand-alone or fused). */
    private boolean nonNegative(Act x) {
        PNode p = producers.get(x.ir());
        if (p == null) {
            return false;
        }
        Activation a = p.op instanceof Op.Act act ? act.activation() : p.op instanceof Op.Conv2D c ? c.activation()
                : p.op instanceof Op.Conv1D c ? c.activation() : p.op instanceof Op.Dense dn ? dn.activation() : null;
        return a == Activation.RELU || a == Activation.RELU6;
    }

    /** An attribute list of one value per spatial axis, each in 1..2^16 (kernels, strides, dilations). */
    private int[] ints(long[] v, int r, int dflt) {
        if (v != null && v.length != r) {
            throw bad("has " + v.length + " values where " + r + " spatial axes need " + r);
        }
        int[] a = new int[r];
        for (int k = 0; k < r; k++) {
            long x = v == null ? dflt : v[k];
            if (x < 1 || x > 1 << 16) {
                throw bad("has a window, stride or dilation of " + x);
            }
            a[k] = (int) x;
        }
        return a;
    }

    private Val conv(List<Val> in) {
        Act x = act(in, 0);
        Const w = konst(in, 1, "W");
        if (w == null || w.f() == null) {
            throw bad("W is missing or not float");
        }
        int r = channelsFirst(x, "Conv");
        long[] wd = w.dims();
        Shape s = irShape(x);
        int cin = s.last();
        long group = attrI("group", 1);
        if (wd.length != r + 2) {
            throw bad("W has rank " + wd.length + " for a " + r + "-D convolution");
        }
        boolean depthwise = group != 1 && group == cin && wd[1] == 1 && wd[0] % cin == 0;
        if (group != 1 && !depthwise) {
            throw unsupported("grouped Conv (group " + group + " on " + cin + " input channels, W " + Arrays.toString(wd)
                    + "); mcugen supports group 1 and depthwise convolutions (group = input channels, W [C*m, 1, k...])");
        }
        if (depthwise) {
            return depthwiseConv(x, w, in, r, s, cin);
        }
        if (wd[1] != cin) {
            throw bad("W has " + wd[1] + " input channels for " + cin);
        }
        int cout = (int) wd[0];
        int[] k = new int[r];
        int[] n = new int[r];
        for (int a = 0; a < r; a++) {
            k[a] = (int) wd[2 + a];
            n[a] = s.dim(a);
        }
        long[] ks = attrInts("kernel_shape");
        if (ks != null && !Arrays.equals(ks, Arrays.copyOfRange(wd, 2, wd.length))) {
            throw bad("kernel_shape " + Arrays.toString(ks) + " differs from W's " + Arrays.toString(wd));
        }
        int[] st = ints(attrInts("strides"), r, 1);
        int[] dl = ints(attrInts("dilations"), r, 1);
        long[] explicit = explicitPads(n, k, st, dl, attrInts("pads"), false);
        Padding pad = explicit != null ? Padding.VALID : padding(n, k, st, dl, attrInts("pads"), "Conv");
        if (explicit != null) {
            x = zeroPad(x, explicit, r, "_pad");
        }
        // ONNX [out, in, k...] -> Keras [k..., in, out].
        int spatial = r == 1 ? k[0] : k[0] * k[1];
        float[] kernel = new float[spatial * cin * cout];
        for (int o = 0; o < cout; o++) {
            for (int i = 0; i < cin; i++) {
                for (int p = 0; p < spatial; p++) {
                    kernel[(p * cin + i) * cout + o] = (float) w.f()[(o * cin + i) * spatial + p];
                }
            }
        }
        Map<String, FloatTensor> weights = new LinkedHashMap<>();
        weights.put("kernel", FloatTensor.of(r == 1 ? Shape.of(k[0], cin, cout) : Shape.of(k[0], k[1], cin, cout), kernel));
        Const b = konst(in, 2, "B");
        if (b != null) {
            float[] bias = new float[cout];
            if (b.count() != cout || b.f() == null) {
                throw bad("B has " + b.count() + " values for " + cout + " filters");
            }
            for (int o = 0; o < cout; o++) {
                bias[o] = (float) b.f()[o];
            }
            weights.put("bias", FloatTensor.of(Shape.of(cout), bias));
        }
        Op op = r == 1 ? new Op.Conv1D(cout, k[0], st[0], dl[0], pad, Activation.LINEAR, b != null)
                : new Op.Conv2D(cout, k[0], k[1], st[0], st[1], dl[0], dl[1], pad, Activation.LINEAR, b != null);
        PNode p = emit("Conv", op, List.of(x.ir()), weights);
        return new Act(p.name, x.map(), null, x.batch());
    }

    /**
     * A Conv with {@code group} = input channels C: W {@code [C·m, 1, k...]}, output channel
     * {@code c·m + j} reading input channel c, as Keras' depthwise kernel {@code [k..., C, m]}.
     */
    private Val depthwiseConv(Act x, Const w, List<Val> in, int r, Shape s, int cin) {
        long[] wd = w.dims();
        int cout = (int) wd[0];
        int m = cout / cin;
        int[] k = new int[r];
        int[] n = new int[r];
        for (int a = 0; a < r; a++) {
            k[a] = (int) wd[2 + a];
            n[a] = s.dim(a);
        }
        long[] ks = attrInts("kernel_shape");
        if (ks != null && !Arrays.equals(ks, Arrays.copyOfRange(wd, 2, wd.length))) {
            throw bad("kernel_shape " + Arrays.toString(ks) + " differs from W's " + Arrays.toString(wd));
        }
        int[] st = ints(attrInts("strides"), r, 1);
        int[] dl = ints(attrInts("dilations"), r, 1);
        Padding pad = padding(n, k, st, dl, attrInts("pads"), "Conv");
        // ONNX [C·m, 1, k...] -> Keras [k..., C, m], flat [spatial, C·m].
        int spatial = r == 1 ? k[0] : k[0] * k[1];
        float[] kernel = new float[spatial * cout];
        for (int o = 0; o < cout; o++) {
            for (int p = 0; p < spatial; p++) {
                kernel[p * cout + o] = (float) w.f()[o * spatial + p];
            }
        }
        Map<String, FloatTensor> weights = new LinkedHashMap<>();
        weights.put("depthwise_kernel", FloatTensor.of(r == 1 ? Shape.of(k[0], cin, m) : Shape.of(k[0], k[1], cin, m),
                kernel));
        Const b = konst(in, 2, "B");
        if (b != null) {
            if (b.count() != cout || b.f() == null) {
                throw bad("B has " + b.count() + " values for " + cout + " output channels");
            }
            float[] bias = new float[cout];
            for (int o = 0; o < cout; o++) {
                bias[o] = (float) b.f()[o];
            }
            weights.put("bias", FloatTensor.of(Shape.of(cout), bias));
        }
        Op op = r == 1 ? Op.DepthwiseConv.of1d(m, k[0], st[0], dl[0], pad, Activation.LINEAR, b != null)
                : new Op.DepthwiseConv(2, m, k[0], k[1], st[0], st[1], dl[0], dl[1], pad, Activation.LINEAR, b != null);
        PNode p = emit("Conv", op, List.of(x.ir()), weights);
        return new Act(p.name, x.map(), null, x.batch());
    }

    private Val pool(String opName, List<Val> in) {
        Act x = act(in, 0);
        int r = channelsFirst(x, opName);
        Shape s = irShape(x);
        int[] k = ints(attrInts("kernel_shape"), r, 1);
        if (attrInts("kernel_shape") == null) {
            throw bad("kernel_shape is missing");
        }
        int[] st = ints(attrInts("strides"), r, 1);
        int[] dl = ints(attrInts("dilations"), r, 1);
        for (int a = 0; a < r; a++) {
            if (dl[a] != 1) {
                throw unsupported(opName + " with dilations");
            }
        }
        if (attrI("storage_order", 0) != 0) {
            throw unsupported(opName + " with storage_order 1");
        }
        int[] n = new int[r];
        for (int a = 0; a < r; a++) {
            n[a] = s.dim(a);
        }
        long[] pads = attrInts("pads");
        // Explicit pads: average pooling counting the padding (count_include_pad 1) is exactly a zero
        // padding before a VALID pool; max pooling ignores padding, which zero padding matches only on
        // an input that cannot be negative (after ReLU / ReLU6).
        boolean countPad = opName.equals("AveragePool") && attrI("count_include_pad", 0) != 0;
        long[] explicit = explicitPads(n, k, st, dl, pads, countPad);
        if (explicit != null && opName.equals("MaxPool") && !nonNegative(x)) {
            throw unsupported("MaxPool with pads " + Arrays.toString(pads) + " on an input that may be negative (ONNX"
                    + " ignores padded positions, mcugen can pad with zeros only, which equals that after a ReLU;"
                    + " pads as TensorFlow's 'same' are imported anyway)");
        }
        if (explicit != null && opName.equals("AveragePool") && !countPad) {
            throw unsupported("AveragePool with count_include_pad 0 and pads " + Arrays.toString(pads) + " (mcugen"
                    + " averages over the input positions only for TensorFlow's 'same' split, here not matched)");
        }
        if (explicit != null && attrI("ceil_mode", 0) != 0) {
            throw unsupported(opName + " with ceil_mode 1 and explicit pads");
        }
        Padding pad = explicit != null ? Padding.VALID : padding(n, k, st, dl, pads, opName);
        if (explicit != null) {
            x = zeroPad(x, explicit, r, "_pad");
            pads = null;
        }
        if (attrI("ceil_mode", 0) != 0) {
            // ceil_mode only matters where the last window would start inside the padding-extended end.
            for (int a = 0; a < r; a++) {
                long pb = pads == null ? 0 : pads[a];
                long pe = pads == null ? 0 : pads[a + r];
                long span = n[a] + pb + pe - k[a];
                if (n[a] < 0 || span % st[a] != 0) {
                    throw unsupported(opName + " with ceil_mode 1 where it changes the output size");
                }
            }
        }
        if (opName.equals("AveragePool") && pad == Padding.SAME && attrI("count_include_pad", 0) != 0) {
            boolean padded = false;
            if (pads != null) {
                for (long p : pads) {
                    padded |= p != 0;
                }
            }
            if (padded || !attrS("auto_pad", "NOTSET").equals("NOTSET")) {
                throw unsupported("AveragePool with count_include_pad 1 over padding (mcugen does not count padding)");
            }
        }
        Op op = new Op.Pool(opName.equals("MaxPool") ? PoolKind.MAX : PoolKind.AVG,
                Arrays.stream(k).boxed().toList(), Arrays.stream(st).boxed().toList(), pad);
        PNode p = emit(opName, op, List.of(x.ir()), Map.of());
        return new Act(p.name, x.map(), null, x.batch());
    }

    /** Pooling over every spatial axis of {@code x}: {@code axes} null means all but batch and channels. */
    private Val globalPool(String opName, Act x, long[] axes, boolean keep) {
        Shape s = irShape(x);
        int r = s.rank() - 1;
        if (r < 1 || r > 2 || x.flatPerm() != null) {
            throw layout(opName + " on a tensor that is not [N, C, spatial...]");
        }
        Set<Integer> reduced = new HashSet<>();
        if (axes == null) {
            for (int k = 2; k < x.rank(); k++) {
                reduced.add(k);
            }
        } else {
            for (long a : axes) {
                reduced.add(norm(a, x.rank(), this));
            }
        }
        int[] map = new int[keep ? x.rank() : x.rank() - reduced.size()];
        int j = 0;
        Set<Integer> irReduced = new HashSet<>();
        for (int k = 0; k < x.rank(); k++) {
            int m = x.map()[k];
            if (reduced.contains(k)) {
                if (m == BATCH) {
                    throw unsupported(opName + " over the batch axis");
                }
                if (m >= 0) {
                    irReduced.add(m);
                }
                if (keep) {
                    map[j++] = UNIT;
                }
            } else {
                map[j++] = m == r ? 0 : m;
                if (m >= 0 && m != r) {
                    throw layout(opName + " keeping a spatial axis");
                }
            }
        }
        for (int a = 0; a < r; a++) {
            if (!irReduced.contains(a)) {
                throw layout(opName + " not over every spatial axis");
            }
        }
        PoolKind kind = opName.contains("Max") ? PoolKind.MAX : PoolKind.AVG;
        PNode p = emit(opName, new Op.GlobalPool(kind, r), List.of(x.ir()), Map.of());
        return new Act(p.name, map, null, x.batch());
    }

    private Val reduce(String op, List<Val> in) {
        Act x = act(in, 0);
        long[] axes = attrInts("axes");
        if (axes == null && in.size() > 1 && in.get(1) != null) {
            axes = ints(in, 1, "axes");
        }
        if (axes == null) {
            throw unsupported(op + " over all axes, the batch axis too,");
        }
        if (op.equals("ReduceMean") && attrI("keepdims", 1) != 0 && axes.length == 1
                && norm(axes[0], x.rank(), this) == x.rank() - 1 && readBy("Sub")) {
            // Not a pooling: the mean of x - mean(x), the decomposed layer normalization of opsets < 17.
            throw unsupported("ReduceMean over the last axis read by a Sub (the layer normalization that opsets before"
                    + " 17 decompose into ReduceMean, Sub, Pow, ReduceMean, Add, Sqrt, Div, Mul, Add; export with"
                    + " torch.onnx.export(..., opset_version=17), which writes one LayerNormalization)");
        }
        return globalPool(op, x, axes, attrI("keepdims", 1) != 0);
    }

    /** Whether an op of type {@code opType} reads an output of the node being converted. */
    private boolean readBy(String opType) {
        for (OnnxProto.Node n : g.nodes()) {
            if (n.opType().equals(opType) && n.inputs().stream().anyMatch(current.outputs()::contains)) {
                return true;
            }
        }
        return false;
    }

    private Val batchNorm(List<Val> in) {
        Act x = act(in, 0);
        if (attrI("training_mode", 0) != 0) {
            throw unsupported("BatchNormalization in training mode");
        }
        Shape s = irShape(x);
        if (x.rank() < 2 || x.map()[0] != BATCH || x.map()[1] != s.rank() - 1 || x.flatPerm() != null) {
            throw layout("BatchNormalization whose channel axis is not the IR tensor's last");
        }
        int c = s.last();
        String[] keys = {"gamma", "beta", "moving_mean", "moving_variance"};
        String[] onnx = {"scale", "B", "input_mean", "input_var"};
        Map<String, FloatTensor> w = new LinkedHashMap<>();
        for (int k = 0; k < 4; k++) {
            Const v = konst(in, k + 1, onnx[k]);
            if (v == null || v.f() == null || v.count() != c) {
                throw bad(onnx[k] + " must be " + c + " constant floats");
            }
            float[] f = new float[c];
            for (int u = 0; u < c; u++) {
                f[u] = (float) v.f()[u];
            }
            w.put(keys[k], FloatTensor.of(Shape.of(c), f));
        }
        PNode p = emit("BatchNormalization", new Op.BatchNorm(attrF("epsilon", 1e-5f)), List.of(x.ir()), w);
        return new Act(p.name, x.map(), null, x.batch());
    }

    // --- nearest resize and transposed convolution ------------------------------------------

    /**
     * Resize / Upsample with mode nearest and integer scale factors on the spatial axes of
     * [N, C, spatial...]: a nearest {@link Op.UpSampling} ({@code y[o] = x[o / s]}) when the node's
     * coordinate transformation and rounding pick exactly that input for every output position
     * (checked position by position: PyTorch's asymmetric + floor, half_pixel with rounding,
     * tf_half_pixel_for_nn + floor); align_corners and linear / cubic modes are refused.
     */
    private Val resize(String op, List<Val> in) {
        Act x = act(in, 0);
        String mode = attrS("mode", "nearest");
        if (!mode.equals("nearest")) {
            throw unsupported(op + " mode '" + Text.clip(mode, 20) + "' (mcugen up-samples by nearest neighbour only)");
        }
        int r = channelsFirst(x, op);
        Shape s = irShape(x);
        double[] scales = null;
        if (op.equals("Upsample")) {
            OnnxProto.Attribute a = attr("scales");
            if (a != null && a.floats() != null) {
                scales = new double[a.floats().length];
                for (int k = 0; k < scales.length; k++) {
                    scales[k] = a.floats()[k];
                }
            } else {
                Const c = konst(in, 1, "scales");
                scales = c == null ? null : c.f();
            }
        } else {
            Const c = in.size() > 2 ? konst(in, 2, "scales") : null;
            if (c != null && c.count() > 0) {
                scales = c.f();
            }
            Const sizes = in.size() > 3 ? konst(in, 3, "sizes") : null;
            if (scales == null && sizes != null && sizes.i() != null && sizes.count() == r + 2) {
                scales = new double[r + 2];
                long[] d = dims(x);
                for (int k = 0; k < r + 2; k++) {
                    scales[k] = d[k] > 0 ? (double) sizes.i()[k] / d[k] : -1;
                }
            }
        }
        if (scales == null || scales.length != r + 2 || scales[0] != 1 || scales[1] != 1) {
            throw unsupported(op + " without constant scales of 1 on the batch and channel axes");
        }
        String ctm = attrS("coordinate_transformation_mode", op.equals("Upsample") ? "asymmetric" : "half_pixel");
        String nm = attrS("nearest_mode", op.equals("Upsample") ? "floor" : "round_prefer_floor");
        List<Integer> size = new ArrayList<>();
        for (int a = 0; a < r; a++) {
            double f = scales[2 + a];
            if (!(f >= 1 && f == Math.rint(f) && f <= 1 << 16)) {
                throw unsupported(op + " by the factor " + f + " (mcugen up-samples by whole factors >= 1)");
            }
            int fi = (int) f;
            int n = s.dim(a);
            for (int o = 0; n > 0 && o < n * fi; o++) {
                if (nearestSource(o, fi, n, ctm, nm) != o / fi) {
                    throw unsupported(op + " with coordinate_transformation_mode '" + Text.clip(ctm, 30) + "' and"
                            + " nearest_mode '" + Text.clip(nm, 30) + "' (output " + o + " reads input "
                            + nearestSource(o, fi, n, ctm, nm) + ", not " + o / fi + " as a nearest up-sampling does)");
                }
            }
            size.add(fi);
        }
        PNode p = emit(op, new Op.UpSampling(size), List.of(x.ir()), Map.of());
        return new Act(p.name, x.map(), null, x.batch());
    }

    /** The input index ONNX Resize (mode nearest) reads for output {@code o} at the integer scale {@code s}. */
    private int nearestSource(int o, int s, int n, String ctm, String nm) {
        double out = (double) n * s;
        double xo;
        switch (ctm) {
            case "half_pixel", "pytorch_half_pixel" -> xo = (o + 0.5) / s - 0.5;
            case "asymmetric" -> xo = (double) o / s;
            case "tf_half_pixel_for_nn" -> xo = (o + 0.5) / s;
            case "align_corners" -> xo = out == 1 ? 0 : o * (n - 1.0) / (out - 1);
            default -> throw unsupported("Resize with coordinate_transformation_mode '" + Text.clip(ctm, 30) + "'");
        }
        double v = switch (nm) {
            case "floor" -> Math.floor(xo);
            case "ceil" -> Math.ceil(xo);
            case "round_prefer_ceil" -> Math.floor(xo + 0.5);
            case "round_prefer_floor" -> Math.ceil(xo - 0.5);
            default -> throw unsupported("Resize with nearest_mode '" + Text.clip(nm, 30) + "'");
        };
        return (int) Math.max(0, Math.min(n - 1, v));
    }

    /**
     * ConvTranspose (group 1, dilation 1): a VALID {@link Op.ConvTranspose} with the node's
     * output_padding (output length {@code (n - 1)·s + k + output_padding}) followed, when the node has
     * pads, by a {@link Op.Cropping} of them: ONNX's {@code y[o] = Σ x[i]·w[o + pad_begin - i·s]} is
     * that full result with {@code pad_begin} positions cut at the start and {@code pad_end} at the end.
     */
    private Val convTranspose(List<Val> in) {
        Act x = act(in, 0);
        Const w = konst(in, 1, "W");
        if (w == null || w.f() == null) {
            throw bad("W is missing or not float");
        }
        int r = channelsFirst(x, "ConvTranspose");
        long[] wd = w.dims();
        Shape s = irShape(x);
        int cin = s.last();
        if (attrI("group", 1) != 1) {
            throw unsupported("grouped ConvTranspose (group " + attrI("group", 1) + ")");
        }
        if (wd.length != r + 2 || wd[0] != cin) {
            throw bad("W " + Arrays.toString(wd) + " does not fit " + cin + " input channels of a " + r + "-D ConvTranspose");
        }
        if (attrInts("output_shape") != null) {
            throw unsupported("ConvTranspose with output_shape (give pads and output_padding, as torch.onnx.export"
                    + " writes them)");
        }
        String auto = attrS("auto_pad", "NOTSET");
        if (!auto.equals("NOTSET") && !auto.equals("VALID")) {
            throw unsupported("ConvTranspose with auto_pad " + Text.clip(auto, 20));
        }
        int cout = (int) wd[1];
        int[] k = new int[r];
        for (int a = 0; a < r; a++) {
            k[a] = (int) wd[2 + a];
        }
        int[] st = ints(attrInts("strides"), r, 1);
        int[] dl = ints(attrInts("dilations"), r, 1);
        long[] pads = attrInts("pads");
        long[] op = attrInts("output_padding");
        if (pads != null && pads.length != 2 * r || op != null && op.length != r) {
            throw bad("pads " + Arrays.toString(pads) + " / output_padding " + Arrays.toString(op) + " for " + r + " axes");
        }
        List<Integer> outputPadding = new ArrayList<>();
        List<Integer> crop = new ArrayList<>();
        boolean cropping = false;
        for (int a = 0; a < r; a++) {
            if (dl[a] != 1) {
                throw unsupported("ConvTranspose with dilations " + Arrays.toString(attrInts("dilations")));
            }
            long o = op == null ? 0 : op[a];
            if (o < 0 || o >= st[a]) {
                throw bad("output_padding " + o + " must be in [0, stride " + st[a] + ")");
            }
            outputPadding.add((int) o);
            long pb = pads == null || auto.equals("VALID") ? 0 : pads[a];
            long pe = pads == null || auto.equals("VALID") ? 0 : pads[a + r];
            if (pb < 0 || pe < 0 || pb > 1 << 16 || pe > 1 << 16) {
                throw unsupported("ConvTranspose with pads " + Arrays.toString(pads));
            }
            crop.add((int) pb);
            crop.add((int) pe);
            cropping |= pb != 0 || pe != 0;
        }
        // ONNX [C, F, k...] -> Keras [k..., F, C].
        int spatial = r == 1 ? k[0] : k[0] * k[1];
        float[] kernel = new float[spatial * cin * cout];
        for (int i = 0; i < cin; i++) {
            for (int o = 0; o < cout; o++) {
                for (int p = 0; p < spatial; p++) {
                    kernel[(p * cout + o) * cin + i] = (float) w.f()[(i * cout + o) * spatial + p];
                }
            }
        }
        Map<String, FloatTensor> weights = new LinkedHashMap<>();
        weights.put("kernel", FloatTensor.of(r == 1 ? Shape.of(k[0], cout, cin) : Shape.of(k[0], k[1], cout, cin), kernel));
        Const b = konst(in, 2, "B");
        if (b != null) {
            if (b.count() != cout || b.f() == null) {
                throw bad("B has " + b.count() + " values for " + cout + " filters");
            }
            float[] bias = new float[cout];
            for (int o = 0; o < cout; o++) {
                bias[o] = (float) b.f()[o];
            }
            weights.put("bias", FloatTensor.of(Shape.of(cout), bias));
        }
        Op irOp = new Op.ConvTranspose(cout, Arrays.stream(k).boxed().toList(), Arrays.stream(st).boxed().toList(),
                Padding.VALID, outputPadding, Activation.LINEAR, b != null);
        PNode p = emit("ConvTranspose", irOp, List.of(x.ir()), weights);
        if (cropping) {
            p = emit("ConvTranspose", new Op.Cropping(crop), List.of(p.name), Map.of());
        }
        return new Act(p.name, x.map(), null, x.batch());
    }

    /**
     * {@code Gather(table, ids)} on axis 0 of a constant float table {@code [V, D]} with the token ids
     * of an integer graph input, as {@code torch.onnx.export} writes {@code nn.Embedding}: an embedding.
     */
    private Val embedding(Const table, Act ids) {
        if (attrI("axis", 0) != 0) {
            throw unsupported("Gather of a constant table along axis " + attrI("axis", 0)
                    + " (an embedding gathers rows, axis 0)");
        }
        if (table.f() == null || table.dims().length != 2 || table.dims()[0] > Integer.MAX_VALUE
                || table.dims()[1] > Integer.MAX_VALUE) {
            throw unsupported("Gather of a constant that is not a float table [rows, width] (an embedding)");
        }
        if (!tokenInputs.contains(ids.ir()) || ids.flatPerm() != null) {
            throw unsupported("Gather of a constant table by indices computed in the model; an embedding reads the"
                    + " token ids of a model input (int64 or int32) straight away");
        }
        int rows = (int) table.dims()[0];
        int dim = (int) table.dims()[1];
        float[] f = new float[rows * dim];
        for (int k = 0; k < f.length; k++) {
            f[k] = (float) table.f()[k];
        }
        PNode p = emit("Gather", new Op.Embedding(rows, dim), List.of(ids.ir()),
                Map.of("embeddings", FloatTensor.of(Shape.of(rows, dim), f)));
        int[] map = java.util.Arrays.copyOf(ids.map(), ids.rank() + 1);
        map[ids.rank()] = irShape(ids).rank();
        return new Act(p.name, map, null, ids.batch());
    }

    /** ONNX {@code LayerNormalization} (opset 17) over the last axis: scale and bias constant. */
    private Val layerNorm(List<Val> in) {
        Act x = act(in, 0);
        int axis = norm(attrI("axis", -1), x.rank(), this);
        if (axis != x.rank() - 1) {
            throw unsupported("LayerNormalization over the axes from " + axis + " on; mcugen normalizes over the"
                    + " last axis only (PyTorch's nn.LayerNorm with one normalized dimension)");
        }
        Shape s = irShape(x);
        if (x.map()[x.rank() - 1] != s.rank() - 1 || x.flatPerm() != null) {
            throw layout("LayerNormalization whose axis is not the IR tensor's last");
        }
        int c = s.last();
        Map<String, FloatTensor> w = new LinkedHashMap<>();
        String[] keys = {"gamma", "beta"};
        String[] onnx = {"Scale", "B"};
        for (int k = 0; k < 2; k++) {
            Const v = konst(in, k + 1, onnx[k]);
            float[] f = new float[c];
            if (v == null && k == 1) {
                w.put(keys[k], FloatTensor.of(Shape.of(c), f)); // no B: zeros
                continue;
            }
            if (v == null || v.f() == null || v.count() != c) {
                throw bad(onnx[k] + " must be " + c + " constant floats");
            }
            for (int u = 0; u < c; u++) {
                f[u] = (float) v.f()[u];
            }
            w.put(keys[k], FloatTensor.of(Shape.of(c), f));
        }
        PNode p = emit("LayerNormalization", new Op.LayerNorm(attrF("epsilon", 1e-5f)), List.of(x.ir()), w);
        return new Act(p.name, x.map(), null, x.batch());
    }

    // --- shape ops on computed tensors --------------------------------------------------------

    private Val concat(List<Val> in) {
        List<Act> xs = new ArrayList<>();
        for (int k = 0; k < in.size(); k++) {
            xs.add(act(in, k));
        }
        Act x = xs.get(0);
        int axis = norm(attrI("axis", 0), x.rank(), this);
        for (Act y : xs) {
            if (!Arrays.equals(y.map(), x.map()) || y.flatPerm() != null) {
                throw layout("Concat of tensors laid out differently");
            }
        }
        int m = x.map()[axis];
        if (m == BATCH) {
            throw unsupported("Concat along the batch axis");
        }
        if (m == UNIT) {
            throw unsupported("Concat along a size-1 axis the IR tensor lacks");
        }
        if (xs.size() == 1) {
            return x;
        }
        PNode p = emit("Concat", new Op.Concatenate(m), xs.stream().map(Act::ir).toList(), Map.of());
        return new Act(p.name, x.map(), null, x.batch());
    }

    /** Whether the IR holds x's ONNX axes in ONNX order with the batch first (row-major alike). */
    private static boolean rowMajor(Act x) {
        if (x.flatPerm() != null || x.map()[0] != BATCH) {
            return false;
        }
        int last = -1;
        for (int k = 1; k < x.rank(); k++) {
            int m = x.map()[k];
            if (m == BATCH) {
                return false;
            }
            if (m >= 0) {
                if (m != last + 1) {
                    return false;
                }
                last = m;
            }
        }
        return true;
    }

    private Val flatten(Act x, int axisAttr) {
        int axis = axisAttr < 0 ? axisAttr + x.rank() : axisAttr;
        if (axis != 1 || x.map()[0] != BATCH) {
            throw unsupported("Flatten at axis " + axisAttr + " (mcugen keeps the batch axis alone: axis 1)");
        }
        Shape s = irShape(x);
        if (s.rank() == 1) {
            return new Act(x.ir(), new int[] {BATCH, 0}, x.flatPerm(), x.batch());
        }
        if (!s.isFullyKnown()) {
            throw unsupported("Flatten of a tensor with open dimensions " + s);
        }
        int[] perm = null;
        if (!rowMajor(x)) {
            // The IR flattens channels last (H, W, C); ONNX flattens C, H, W. Record which ONNX element each
            // IR element holds: a following Gemm / MatMul permutes its weight rows to match.
            if (s.size() > budget) {
                // The Gemm this feeds would need more weights than the file holds.
                throw new McugenException(Diag.MCG_IMPORT_CORRUPT, file, node() + ": flattens " + s.size()
                        + " values, more than a model of this file's size can weigh");
            }
            perm = new int[s.size()];
            long[] od = dims(x);
            int[] irIdx = new int[s.rank()];
            for (int f = 0; f < perm.length; f++) {
                int rem = f;
                for (int a = s.rank() - 1; a >= 0; a--) {
                    irIdx[a] = rem % s.dim(a);
                    rem /= s.dim(a);
                }
                int onnxFlat = 0;
                for (int k = 1; k < x.rank(); k++) {
                    int m = x.map()[k];
                    int idx = m >= 0 ? irIdx[m] : 0;
                    onnxFlat = (int) (onnxFlat * od[k] + idx);
                }
                perm[f] = onnxFlat;
            }
        }
        PNode p = emit("Flatten", new Op.Flatten(), List.of(x.ir()), Map.of());
        return new Act(p.name, new int[] {BATCH, 0}, perm, x.batch());
    }

    private Val reshape(Act x, long[] target) {
        long[] d = dims(x);
        long[] t = target.clone();
        if (attrI("allowzero", 0) != 0) {
            for (long v : t) {
                if (v == 0) {
                    throw unsupported("Reshape with allowzero and a zero dimension");
                }
            }
        }
        int batchAxis = -1;
        for (int k = 0; k < x.rank(); k++) {
            if (x.map()[k] == BATCH) {
                batchAxis = k;
            }
        }
        for (int k = 0; k < t.length; k++) {
            if (t[k] == 0) {
                if (k >= d.length) {
                    throw bad("shape copies dimension " + k + " of a rank-" + d.length + " tensor");
                }
                t[k] = k == batchAxis ? SYMBOLIC : d[k];
            }
        }
        // Flatten spelled as Reshape [N, -1], [-1, C*H*W] or [N, C*H*W].
        long rest = irShape(x).isFullyKnown() ? irShape(x).size() : -2;
        boolean keepsBatch = t.length == 2 && batchAxis == 0 && (t[0] == d[0] || t[0] == SYMBOLIC);
        if (keepsBatch && (t[1] == -1 || t[1] == rest) || t.length == 2 && batchAxis == 0 && t[0] == -1 && t[1] == rest) {
            return flatten(x, 1);
        }
        // Only size-1 axes come or go: a relabelling.
        Act relabelled = relabelUnits(x, d, t);
        if (relabelled != null) {
            return relabelled;
        }
        Act merged = mergeAdjacent(x, d, t);
        if (merged != null) {
            return merged;
        }
        if (!rowMajor(x)) {
            throw layout("Reshape of a tensor the IR holds in another axis order");
        }
        if (t.length < 1 || !(t[0] == d[0] || t[0] == SYMBOLIC || t[0] == -1 && d[0] == 1)) {
            throw unsupported("Reshape to " + Arrays.toString(target) + ", which changes the batch axis of "
                    + Arrays.toString(d));
        }
        int[] irT = new int[t.length - 1];
        for (int k = 1; k < t.length; k++) {
            if (t[k] == SYMBOLIC || t[k] < -1 || t[k] > Integer.MAX_VALUE) {
                throw unsupported("Reshape to " + Arrays.toString(target));
            }
            irT[k - 1] = t[k] == -1 ? Shape.UNKNOWN : (int) t[k];
        }
        if (irT.length == 0) {
            throw unsupported("Reshape to the batch axis alone");
        }
        PNode p = emit("Reshape", new Op.Reshape(Shape.of(irT)), List.of(x.ir()), Map.of());
        int[] map = new int[t.length];
        map[0] = BATCH;
        for (int k = 1; k < t.length; k++) {
            map[k] = k - 1;
        }
        return new Act(p.name, map, null, x.batch());
    }

    /**
     * {@code x} under target dims that only drop or add size-1 axes (the non-unit dims and the batch
     * keep their order), or null. The batch axis keeps its place among the other axes.
     */
    private Act relabelUnits(Act x, long[] d, long[] t) {
        if (Arrays.equals(d, t)) {
            return x;
        }
        for (long v : t) {
            if (v == -1) {
                return null;
            }
        }
        // Every axis the IR holds (and the batch) must reappear in order with its size; only 1s come
        // between. A batch of 1 is told from new size-1 axes by its place alone.
        int[] map = new int[t.length];
        Arrays.fill(map, UNIT);
        int tk = 0;
        for (int k = 0; k < d.length; k++) {
            int m = x.map()[k];
            if (m == UNIT) {
                continue;
            }
            long want = d[k];
            while (tk < t.length && !(t[tk] == want || m == BATCH && t[tk] == SYMBOLIC)) {
                if (t[tk] != 1) {
                    return null;
                }
                tk++;
            }
            if (tk == t.length) {
                return null;
            }
            map[tk++] = m;
        }
        for (; tk < t.length; tk++) {
            if (t[tk] != 1) {
                return null;
            }
        }
        return new Act(x.ir(), map, x.flatPerm(), x.batch());
    }

    private Val transpose(Act x) {
        long[] perm = attrInts("perm");
        int r = x.rank();
        if (perm != null) {
            boolean[] seen = new boolean[r];
            if (perm.length != r) {
                throw bad("perm " + Arrays.toString(perm) + " is not a permutation of " + r + " axes");
            }
            for (long p : perm) {
                if (p < 0 || p >= r || seen[(int) p]) {
                    throw bad("perm " + Arrays.toString(perm) + " is not a permutation of " + r + " axes");
                }
                seen[(int) p] = true;
            }
        }
        int[] map = new int[r];
        for (int k = 0; k < r; k++) {
            int p = perm == null ? r - 1 - k : norm(perm[k], r, this);
            map[k] = x.map()[p];
        }
        return new Act(x.ir(), map, x.flatPerm(), x.batch());
    }

    private Val squeeze(Act x, long[] axes) {
        long[] d = dims(x);
        Set<Integer> drop = new HashSet<>();
        if (axes == null) {
            for (int k = 0; k < d.length; k++) {
                if (d[k] == 1 && x.map()[k] != BATCH) {
                    drop.add(k);
                }
            }
        } else {
            for (long a : axes) {
                drop.add(norm(a, x.rank(), this));
            }
        }
        List<Integer> irDrop = new ArrayList<>();
        int[] map = new int[x.rank() - drop.size()];
        int j = 0;
        for (int k = 0; k < x.rank(); k++) {
            int m = x.map()[k];
            if (drop.contains(k)) {
                if (d[k] != 1) {
                    throw bad("squeezes axis " + k + " of size " + d[k]);
                }
                if (m == BATCH) {
                    throw unsupported("Squeeze of the batch axis");
                }
                if (m >= 0) {
                    irDrop.add(m);
                }
            } else {
                map[j++] = m;
            }
        }
        if (irDrop.isEmpty()) {
            return new Act(x.ir(), map, x.flatPerm(), x.batch());
        }
        if (x.flatPerm() != null) {
            throw unsupported("Squeeze of a flattened channels-first tensor");
        }
        Shape s = irShape(x);
        List<Integer> keep = new ArrayList<>();
        for (int a = 0; a < s.rank(); a++) {
            if (!irDrop.contains(a)) {
                keep.add(s.dim(a));
            }
        }
        if (keep.isEmpty()) {
            throw unsupported("Squeeze to the batch axis alone");
        }
        for (int k = 0; k < map.length; k++) {
            if (map[k] >= 0) {
                int m = map[k];
                int shift = 0;
                for (int q : irDrop) {
                    shift += q < m ? 1 : 0;
                }
                map[k] = m - shift;
            }
        }
        PNode p = emit("Squeeze", new Op.Reshape(new Shape(keep)), List.of(x.ir()), Map.of());
        return new Act(p.name, map, null, x.batch());
    }

    private Val unsqueeze(Act x, long[] axes) {
        if (axes == null) {
            throw bad("axes are missing");
        }
        int r = x.rank() + axes.length;
        Set<Integer> add = new HashSet<>();
        for (long a : axes) {
            add.add(norm(a, r, this));
        }
        int[] map = new int[r];
        int j = 0;
        for (int k = 0; k < r; k++) {
            map[k] = add.contains(k) ? UNIT : x.map()[j++];
        }
        return new Act(x.ir(), map, x.flatPerm(), x.batch());
    }

    private Const shapeOf(Act a) {
        long[] d = dims(a);
        long[] v = new long[d.length];
        for (int k = 0; k < d.length; k++) {
            v[k] = d[k] < 0 ? SYMBOLIC : d[k];
        }
        long start = attrI("start", 0);
        long end = attrI("end", d.length);
        int s = (int) Math.max(0, Math.min(d.length, start < 0 ? start + d.length : start));
        int e = (int) Math.max(s, Math.min(d.length, end < 0 ? end + d.length : end));
        long[] out = Arrays.copyOfRange(v, s, e);
        return Const.ints(new long[] {out.length}, out);
    }

    // --- recurrent layers ----------------------------------------------------------------------

    /** {@code Gather} / {@code Slice} taking the last step of a recurrent layer's sequence output. */
    private Val lastStep(Act x, Val index, boolean gather) {
        long[] idx;
        int axis = norm(attrI("axis", 0), x.rank(), this);
        if (!(index instanceof Const c) || c.i() == null || c.count() != 1) {
            throw unsupported("Gather on a computed tensor other than taking a recurrent layer's last step");
        }
        idx = c.i();
        List<String> states = directionStates.get(x.ir());
        if (states != null && x.map()[axis] == 0 && c.dims().length == 0 && idx[0] >= -2 && idx[0] <= 1) {
            // One direction of a bidirectional layer's Y_h [2, N, H] (h_n[-2], h_n[-1] in PyTorch).
            int[] map = new int[x.rank() - 1];
            for (int k = 0, j = 0; k < x.rank(); k++) {
                if (k != axis) {
                    int m = x.map()[k];
                    map[j++] = m > 0 ? m - 1 : m;
                }
            }
            return new Act(states.get((int) Math.floorMod(idx[0], 2L)), map, null, x.batch());
        }
        if (x.map()[axis] == UNIT && (idx[0] == 0 || idx[0] == -1)) {
            // The only element of a size-1 axis (h_n[-1] over a one-direction, one-layer RNN's state).
            int[] map = new int[c.dims().length == 0 ? x.rank() - 1 : x.rank()];
            for (int k = 0, j = 0; k < x.rank(); k++) {
                if (k != axis || c.dims().length != 0) {
                    map[j++] = x.map()[k];
                }
            }
            return new Act(x.ir(), map, x.flatPerm(), x.batch());
        }
        return takeLast(x, axis, idx[0], c.dims().length == 0);
    }

    private Val takeLast(Act x, int axis, long index, boolean dropAxis) {
        PNode p = producers.get(x.ir());
        Shape s = irShape(x);
        int m = x.map()[axis];
        if (p == null || !(p.op instanceof Op.Recurrent rec) || !rec.returnSequences() || m != 0 || s.rank() != 2
                || x.flatPerm() != null) {
            throw unsupported(current.opType() + " on a computed tensor other than taking a recurrent layer's last step");
        }
        long t = s.dim(0);
        if (!(index == -1 || t >= 0 && index == t - 1)) {
            throw unsupported(current.opType() + " of step " + index + " of a recurrent output (mcugen gives the last step)");
        }
        PNode q = lastSteps.get(p.name);
        if (q == null) {
            q = new PNode();
            q.name = unique(p.name + "_last");
            lastSteps.put(p.name, q);
            q.op = withSequences(rec, false);
            q.inputs = p.inputs;
            q.weights = p.weights;
            q.src = p.src;
            q.out = ShapeInference.outputShape(q.name, q.op, p.inputs.stream().map(irShapes::get).toList());
            producers.put(q.name, q);
            irShapes.put(q.name, q.out);
        }
        int[] map = new int[dropAxis ? x.rank() - 1 : x.rank()];
        int j = 0;
        for (int k = 0; k < x.rank(); k++) {
            int mk = x.map()[k];
            if (k == axis) {
                if (!dropAxis) {
                    map[j++] = UNIT;
                }
            } else {
                map[j++] = mk >= 0 ? mk - 1 : mk;
            }
        }
        return new Act(q.name, map, null, x.batch());
    }

    private static Op withSequences(Op.Recurrent r, boolean seq) {
        if (r instanceof Op.Lstm l) {
            return new Op.Lstm(l.units(), l.activation(), l.recurrentActivation(), l.useBias(), seq, l.goBackwards(),
                    l.peephole(), l.layerNorm(), l.cifg(), l.projectionUnits());
        }
        if (r instanceof Op.Gru g) {
            return new Op.Gru(g.units(), g.activation(), g.recurrentActivation(), g.useBias(), seq, g.goBackwards(),
                    g.resetAfter());
        }
        Op.SimpleRnn s = (Op.SimpleRnn) r;
        return new Op.SimpleRnn(s.units(), s.activation(), s.useBias(), seq, s.goBackwards());
    }

    private Val slice(Act x, List<Val> in) {
        long[] starts = ints(in, 1, "starts");
        long[] ends = ints(in, 2, "ends");
        long[] axes = in.size() > 3 && in.get(3) != null ? ints(in, 3, "axes") : null;
        long[] steps = in.size() > 4 && in.get(4) != null ? ints(in, 4, "steps") : null;
        long[] d = dims(x);
        List<Integer> real = new ArrayList<>();
        for (int k = 0; k < starts.length; k++) {
            int axis = norm(axes == null ? k : axes[k], x.rank(), this);
            long step = steps == null ? 1 : steps[k];
            long n = d[axis];
            long s = starts[k] < 0 ? starts[k] + n : starts[k];
            long e = ends[k] < 0 ? ends[k] + n : ends[k];
            boolean whole = step == 1 && s <= 0 && n >= 0 && e >= n;
            if (!whole) {
                real.add(k);
            }
        }
        if (real.isEmpty()) {
            return x;
        }
        if (real.size() == 1) {
            int k = real.get(0);
            int axis = norm(axes == null ? k : axes[k], x.rank(), this);
            long n = d[axis];
            long step = steps == null ? 1 : steps[k];
            boolean toEnd = ends[k] >= Integer.MAX_VALUE || n >= 0 && ends[k] >= n;
            if (step == 1 && toEnd && (starts[k] == -1 || n >= 0 && starts[k] == n - 1)) {
                return takeLast(x, axis, -1, false);
            }
        }
        throw unsupported("Slice on a computed tensor other than taking a recurrent layer's last step");
    }

    private List<Val> recurrent(String op, List<Val> in) {
        Act x = act(in, 0);
        Const w = konst(in, 1, "W");
        Const r = konst(in, 2, "R");
        if (w == null || r == null || w.f() == null || r.f() == null) {
            throw bad("W and R must be constant floats");
        }
        String dirn = attrS("direction", "forward");
        boolean bidi = dirn.equals("bidirectional");
        int dirs = bidi ? 2 : 1;
        if (!bidi && !dirn.equals("forward") && !dirn.equals("reverse")) {
            throw unsupported(op + " direction '" + Text.clip(dirn, 20) + "'");
        }
        boolean reverse = dirn.equals("reverse");
        long layout = attrI("layout", 0);
        if (attr("clip") != null) {
            throw unsupported(op + " with clip");
        }
        if (attr("activation_alpha") != null || attr("activation_beta") != null) {
            throw unsupported(op + " with activation_alpha / activation_beta");
        }
        if (attrI("input_forget", 0) != 0) {
            throw unsupported("LSTM with input_forget");
        }
        int gates = op.equals("LSTM") ? 4 : op.equals("GRU") ? 3 : 1;
        long hidden = attrI("hidden_size", w.dims().length == 3 ? w.dims()[1] / gates : -1);
        Shape s = irShape(x);
        int[] need = layout == 0 ? new int[] {0, BATCH, 1} : new int[] {BATCH, 0, 1};
        if (x.rank() != 3 || !Arrays.equals(x.map(), need) || x.flatPerm() != null || s.rank() != 2) {
            if (layout == 0 && Arrays.equals(x.map(), new int[] {BATCH, 0, 1})) {
                // A model input fed straight into a seq-first layer: its batch is axis 1, mcugen's is axis 0.
                throw layout(op + " reads its input seq-first [T, N, F], but mcugen takes the batch as the first axis"
                        + " of the model's data: export with batch_first=True (or x.transpose(0, 1) inside the model)");
            }
            throw layout(op + " on a tensor that is not a sequence " + (layout == 0 ? "[T, N, F]" : "[N, T, F]"));
        }
        int f = s.last();
        int h = (int) hidden;
        if (hidden <= 0 || w.dims().length != 3 || w.dims()[0] != dirs || w.dims()[1] != (long) gates * h || w.dims()[2] != f
                || r.dims().length != 3 || r.dims()[0] != dirs || r.dims()[1] != (long) gates * h || r.dims()[2] != h) {
            throw bad("W " + Arrays.toString(w.dims()) + " / R " + Arrays.toString(r.dims()) + " do not fit hidden_size "
                    + hidden + ", " + f + " input features and " + dirs + " direction" + (dirs == 1 ? "" : "s"));
        }
        if (in.size() > 4 && in.get(4) != null) {
            throw unsupported(op + " with sequence_lens");
        }
        for (int k = 5; k < in.size(); k++) {
            if (in.get(k) == null) {
                continue;
            }
            String what = k == 5 ? "initial_h" : k == 6 ? "initial_c" : "P (peepholes)";
            Const c = konst(in, k, what);
            if (c.f() == null) {
                throw bad(what + " is not float");
            }
            for (double v : c.f()) {
                if (v != 0) {
                    throw unsupported(op + " with a non-zero " + what);
                }
            }
        }
        // Activations: defaults only (RNN may also use Relu or Sigmoid).
        Activation act = Activation.TANH;
        OnnxProto.Attribute acts = attr("activations");
        if (acts != null) {
            List<String> a = acts.strings().stream().map(b -> b.toStringUtf8()).toList();
            List<String> one = op.equals("LSTM") ? List.of("Sigmoid", "Tanh", "Tanh")
                    : op.equals("GRU") ? List.of("Sigmoid", "Tanh") : List.of("Tanh");
            // One list per direction: a bidirectional layer's two must agree (one Activation per op).
            List<String> dflt = new ArrayList<>(one);
            if (bidi) {
                dflt.addAll(one);
            }
            boolean sameTwice = bidi && a.size() == 2 && a.get(0).equals(a.get(1));
            if (op.equals("RNN") && (a.size() == 1 || sameTwice) && (a.get(0).equals("Relu") || a.get(0).equals("Sigmoid"))) {
                act = a.get(0).equals("Relu") ? Activation.RELU : Activation.SIGMOID;
            } else if (!a.equals(dflt)) {
                throw unsupported(op + " with activations " + a.stream().map(v -> Text.clip(v, 20)).toList());
            }
        }
        Const b = konst(in, 3, "B");
        boolean resetAfter = op.equals("GRU") && attrI("linear_before_reset", 0) != 0;
        if (b != null && (b.f() == null || b.count() != 2L * dirs * gates * h)) {
            throw bad("B has " + b.count() + " values; " + op + " needs " + 2L * dirs * gates * h);
        }
        Map<String, FloatTensor> weights = directionWeights(op, w, r, b, 0, f, h, resetAfter);
        boolean useBias = weights.containsKey("bias");
        String yName = current.outputs().isEmpty() ? "" : current.outputs().get(0);
        boolean yUsed = !yName.isEmpty() && uses.getOrDefault(yName, 0) > 0;
        if (op.equals("LSTM") && current.outputs().size() > 2 && !current.outputs().get(2).isEmpty()
                && uses.getOrDefault(current.outputs().get(2), 0) > 0) {
            throw unsupported("LSTM's cell state output Y_c");
        }
        if (bidi) {
            return bidirectional(op, x, layout, h, act, useBias, resetAfter, weights,
                    directionWeights(op, w, r, b, 1, f, h, resetAfter));
        }
        if (reverse && yUsed) {
            // ONNX gives a reverse layer's sequence in input order; Keras's go_backwards in processing order.
            throw unsupported(op + " direction 'reverse' with its sequence output Y used (only Y_h is)");
        }
        Op seqOp = switch (op) {
            case "LSTM" -> new Op.Lstm(h, Activation.TANH, Activation.SIGMOID, useBias, true, reverse, false, false, false, 0);
            case "GRU" -> new Op.Gru(h, Activation.TANH, Activation.SIGMOID, useBias, true, reverse, resetAfter);
            default -> new Op.SimpleRnn(h, act, useBias, true, reverse);
        };
        PNode seq = emit(op, seqOp, List.of(x.ir()), weights);
        Act y = new Act(seq.name, layout == 0 ? new int[] {0, UNIT, BATCH, 1} : new int[] {BATCH, 0, UNIT, 1}, null, x.batch());
        List<Val> outs = new ArrayList<>();
        outs.add(y);
        if (current.outputs().size() > 1) {
            Act last = (Act) takeLast(y, layout == 0 ? 0 : 1, -1, true);
            int[] map = layout == 0 ? new int[] {UNIT, BATCH, 0} : new int[] {BATCH, UNIT, 0};
            outs.add(new Act(last.ir(), map, null, x.batch()));
        }
        return outs;
    }


    /**
     * The Keras-layout weights of direction {@code dir} (0 forward, 1 backward of a bidirectional layer)
     * of an ONNX LSTM / GRU / RNN: W, R and B hold the directions one after the other.
     */
    private static Map<String, FloatTensor> directionWeights(String op, Const w, Const r, Const b, int dir, int f, int h,
                                                             boolean resetAfter) {
        int gates = op.equals("LSTM") ? 4 : op.equals("GRU") ? 3 : 1;
        // ONNX gate blocks -> Keras order: LSTM i,o,f,c -> i,f,c,o; GRU z,r,h as Keras.
        int[] order = op.equals("LSTM") ? new int[] {0, 2, 3, 1} : op.equals("GRU") ? new int[] {0, 1, 2} : new int[] {0};
        int gh = gates * h;
        float[] kernel = new float[f * gh];
        float[] rec = new float[h * gh];
        for (int kg = 0; kg < gates; kg++) {
            int og = order[kg];
            for (int u = 0; u < h; u++) {
                for (int i = 0; i < f; i++) {
                    kernel[i * gh + kg * h + u] = (float) w.f()[(dir * gh + og * h + u) * f + i];
                }
                for (int i = 0; i < h; i++) {
                    rec[i * gh + kg * h + u] = (float) r.f()[(dir * gh + og * h + u) * h + i];
                }
            }
        }
        Map<String, FloatTensor> weights = new LinkedHashMap<>();
        weights.put("kernel", FloatTensor.of(Shape.of(f, gh), kernel));
        weights.put("recurrent_kernel", FloatTensor.of(Shape.of(h, gh), rec));
        if (b != null) {
            float[] wb = new float[gh];
            float[] rb = new float[gh];
            for (int kg = 0; kg < gates; kg++) {
                int og = order[kg];
                for (int u = 0; u < h; u++) {
                    wb[kg * h + u] = (float) b.f()[2 * dir * gh + og * h + u];
                    rb[kg * h + u] = (float) b.f()[2 * dir * gh + gh + og * h + u];
                }
            }
            if (resetAfter) {
                // Keras reset_after: row 0 the input bias, row 1 the recurrent bias (inside r ⊙ (...)).
                float[] both = Arrays.copyOf(wb, 2 * gh);
                System.arraycopy(rb, 0, both, gh, gh);
                weights.put("bias", FloatTensor.of(Shape.of(2, gh), both));
            } else {
                // Without reset_after every recurrent bias (h's too, ONNX adds Rbh outside r ⊙ ...) adds
                // to its input bias: the sum is exact up to float rounding.
                float[] sum = new float[gh];
                for (int k = 0; k < gh; k++) {
                    sum[k] = wb[k] + rb[k];
                }
                weights.put("bias", FloatTensor.of(Shape.of(gh), sum));
            }
        } else if (resetAfter) {
            weights.put("bias", FloatTensor.of(Shape.of(2, gh), new float[2 * gh]));
        }
        return weights;
    }


    /**
     * A bidirectional ONNX LSTM / GRU / RNN as Keras' Bidirectional: a forward layer, a backward layer
     * ({@code goBackwards}) whose sequence a {@link Op.Reverse} puts back into time order, the two
     * concatenated on the feature axis and viewed as {@code [T, 2, H]}: Y {@code [T, 2, N, H]}
     * ({@code [N, T, 2, H]} for layout 1). Y_h {@code [2, N, H]} is the two final states (the backward
     * one after its step over the first input row) side by side; a Gather of one direction reads that
     * direction's state.
     */
    private List<Val> bidirectional(String op, Act x, long layout, int h, Activation act, boolean useBias,
                                    boolean resetAfter, Map<String, FloatTensor> fw, Map<String, FloatTensor> bw) {
        Op[] seqOps = new Op[2];
        String[] seq = new String[2];
        for (int d = 0; d < 2; d++) {
            boolean back = d == 1;
            seqOps[d] = switch (op) {
                case "LSTM" -> new Op.Lstm(h, Activation.TANH, Activation.SIGMOID, useBias, true, back, false, false, false, 0);
                case "GRU" -> new Op.Gru(h, Activation.TANH, Activation.SIGMOID, useBias, true, back, resetAfter);
                default -> new Op.SimpleRnn(h, act, useBias, true, back);
            };
            seq[d] = emit(op, seqOps[d], List.of(x.ir()), back ? bw : fw).name;
        }
        String reversed = emit(op, new Op.Reverse(0), List.of(seq[1]), Map.of()).name;
        String both = emit(op, new Op.Concatenate(1), List.of(seq[0], reversed), Map.of()).name;
        Shape bs = irShapes.get(both);
        String y = emit(op, new Op.Reshape(Shape.of(bs.dim(0), 2, h)), List.of(both), Map.of()).name;
        List<Val> outs = new ArrayList<>();
        outs.add(new Act(y, layout == 0 ? new int[] {0, 1, BATCH, 2} : new int[] {BATCH, 0, 1, 2}, null, x.batch()));
        if (current.outputs().size() > 1) {
            String[] last = new String[2];
            for (int d = 0; d < 2; d++) {
                last[d] = emit(op, withSequences((Op.Recurrent) seqOps[d], false), List.of(x.ir()), d == 1 ? bw : fw).name;
            }
            String states = emit(op, new Op.Concatenate(0), List.of(last[0], last[1]), Map.of()).name;
            String yh = emit(op, new Op.Reshape(Shape.of(2, h)), List.of(states), Map.of()).name;
            directionStates.put(yh, List.of(last[0], last[1]));
            outs.add(new Act(yh, layout == 0 ? new int[] {0, BATCH, 1} : new int[] {BATCH, 0, 1}, null, x.batch()));
        }
        return outs;
    }

    /**
     * {@code x} under target dims that merge two adjacent axes held by consecutive IR axes (in order)
     * and keep every other axis, or null: an IR reshape joining those two IR axes, whatever the order
     * of the others (a bidirectional layer's {@code [T, N, 2, H]} to {@code [T, N, 2H]}).
     */
    private Act mergeAdjacent(Act x, long[] d, long[] t) {
        if (x.flatPerm() != null || t.length != d.length - 1 || d.length < 3) {
            return null;
        }
        for (int k = 0; k + 1 < d.length; k++) {
            int a = x.map()[k];
            if (a < 0 || x.map()[k + 1] != a + 1 || d[k] < 1 || d[k + 1] < 1) {
                continue;
            }
            boolean same = true;
            int open = 0;
            for (int j = 0; j < t.length && same; j++) {
                int src = j < k ? j : j + 1;
                if (j == k) {
                    open += t[j] == -1 ? 1 : 0;
                    same = t[j] == -1 || t[j] == d[k] * d[k + 1];
                } else {
                    open += t[j] == -1 ? 1 : 0;
                    same = t[j] == d[src] || t[j] == -1 || x.map()[src] == BATCH && t[j] == SYMBOLIC;
                }
            }
            if (!same || open > 1 || open == 1 && t[k] != -1) {
                continue;
            }
            Shape s = irShape(x);
            int[] dims = new int[s.rank() - 1];
            for (int i = 0, j = 0; i < s.rank(); i++) {
                if (i == a + 1) {
                    dims[j - 1] *= s.dim(i);
                } else {
                    dims[j++] = s.dim(i);
                }
            }
            PNode p = emit("Reshape", new Op.Reshape(Shape.of(dims)), List.of(x.ir()), Map.of());
            int[] map = new int[t.length];
            for (int j = 0; j < t.length; j++) {
                int m = j == k ? a : x.map()[j < k ? j : j + 1];
                map[j] = m > a + 1 ? m - 1 : m;
            }
            return new Act(p.name, map, null, x.batch());
        }
        return null;
    }
}
