package dev.mcugen.gen;

import dev.mcugen.ir.Diag;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.Names;
import dev.mcugen.ir.Padding;
import dev.mcugen.ir.PoolKind;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.Activation;
import dev.mcugen.ir.quant.IntTensor;
import dev.mcugen.ir.quant.QActivation;
import dev.mcugen.ir.quant.QAdd;
import dev.mcugen.ir.quant.QElementwise;
import dev.mcugen.ir.quant.QChannelAffine;
import dev.mcugen.ir.quant.QConcat;
import dev.mcugen.ir.quant.QConv;
import dev.mcugen.ir.quant.QDepthwiseConv;
import dev.mcugen.ir.quant.QFeedForward;
import dev.mcugen.ir.quant.QFullyConnected;
import dev.mcugen.ir.quant.QGate;
import dev.mcugen.ir.quant.QGlobalPool;
import dev.mcugen.ir.quant.QGraph;
import dev.mcugen.ir.quant.QGru;
import dev.mcugen.ir.quant.QInput;
import dev.mcugen.ir.quant.QLayerNorm;
import dev.mcugen.ir.quant.QLayerNormalization;
import dev.mcugen.ir.quant.QEmbedding;
import dev.mcugen.ir.quant.QLogistic;
import dev.mcugen.ir.quant.QLstm;
import dev.mcugen.ir.quant.QLut;
import dev.mcugen.ir.quant.QMatVec;
import dev.mcugen.ir.quant.QNode;
import dev.mcugen.ir.quant.QPRelu;
import dev.mcugen.ir.quant.QPad;
import dev.mcugen.ir.quant.QPool;
import dev.mcugen.ir.quant.QTranspose;
import dev.mcugen.ir.quant.QTransposeConv;
import dev.mcugen.ir.quant.QUpsample;
import dev.mcugen.ir.quant.QRecurrent;
import dev.mcugen.ir.quant.QRequant;
import dev.mcugen.ir.quant.QReshape;
import dev.mcugen.ir.quant.QReverse;
import dev.mcugen.ir.quant.QSimpleRnn;
import dev.mcugen.ir.quant.QSoftmax;
import dev.mcugen.ir.quant.QuantType;
import dev.mcugen.ir.quant.Rescale;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.IntToLongFunction;
import java.util.function.LongFunction;

/**
 * Lowers a {@link QGraph} to the C {@link View.Model}: one kernel call per node (reshape / flatten /
 * dropout alias their input), parameters as const arrays and params structs, intermediate tensors
 * placed in one arena by {@link MemoryPlanner}, recurrent state in the context beside the arena (it
 * persists between calls). Refuses, with {@link Diag#MCG_GEN_UNSUPPORTED}, what the C runtime
 * cannot run.
 *
 * <p>A model with recurrent layers streams when every layer that reads a sequence works one time
 * step at a time (recurrent layers running forwards, and dense / element-wise / softmax layers on
 * the last axis): then tensors with a time axis are planned as one row, {@code _step} runs one row
 * and {@code _invoke} is {@code _reset} plus {@code _step}'s per-row part T times (the same code,
 * so streaming equals {@code _invoke} by construction; the verify harness still checks it). Other
 * recurrent models (a convolution over time before the recurrent layer, {@code go_backwards})
 * run whole tensors, each recurrent layer as a loop over its steps, and have no {@code _step}.
 */
final class Lowering {
    private final QGraph g;
    private final GenOptions opts;
    private final String id;
    private final List<View.Array> arrays = new ArrayList<>();
    /** The layer each of {@link #arrays} belongs to (the node being lowered when it was made). */
    private final List<String> arrayLayers = new ArrayList<>();
    /** The node {@link #lowerNode} is lowering, for {@link #arrayLayers}. */
    private String currentLayer = "";
    private final List<View.Params> params = new ArrayList<>();
    private final List<View.StateArray> state = new ArrayList<>();
    private final List<View.Reset> resets = new ArrayList<>();
    /**
     * Every C name a node took ({@link #name}) and the template's own {@code <id>_...} names: kept
     * prefix-free at '_' so no node's derived names ({@code <n>_w}, {@code <n>_params}, ...) can equal
     * another node's or the template's.
     */
    private final TreeSet<String> usedNames = new TreeSet<>();
    private final Map<String, Shape> shapes = new HashMap<>();
    private final Map<String, QuantType> types = new HashMap<>();
    /** Tensor name -> the tensor whose storage it uses (itself, or the root of a reshape chain). */
    private final Map<String, String> root = new HashMap<>();
    /** Root tensor (or scratch buffer) -> C pointer expression. */
    private final Map<String, String> pointer = new HashMap<>();
    /** Tensors with a leading time axis that the streaming form handles one row at a time. */
    private final Set<String> rows = new HashSet<>();
    private boolean streaming;
    private boolean needsString;
    /** While lowering an LSTM / GRU with packed matrices: its matrices are emitted for the _sub8_ step kernel. */
    private boolean sub8Layer;
    private boolean needsLoop;
    /** The per-row recurrent layer whose input products _invoke computes two steps at a time (or null). */
    private PairPlan pairPlan;

    /** {@link View.Pair} while lowering: the layer's step index in seqSteps and its step reading {@code pre}. */
    private record PairPlan(int index, View.Step preStep, String input2, String params, int half, String layer) {
    }
    /**
     * Scratch buffers share the arena's key space with tensor names, which come from the model and
     * can be anything: "#scratch" with as many leading '#' as it takes to appear in no tensor name,
     * so a layer named "lstm#scratch16" beside "lstm" cannot take the LSTM's scratch.
     */
    private String scratchTag = "#scratch";
    /** Where {@link #lowerNode} appends. */
    private List<View.Step> out;
    /** The model's inputs and outputs as the C API takes them, in the model's order. */
    private List<View.Port> inPorts;
    private List<View.Port> outPorts;

    private Lowering(QGraph g, GenOptions opts) {
        this.g = g;
        this.opts = opts;
        this.id = opts.id();
    }

    static View.Model lower(QGraph g, GenOptions opts) {
        return new Lowering(g, opts).run();
    }

    private static McugenException unsupported(String subject, String what) {
        return new McugenException(Diag.MCG_GEN_UNSUPPORTED, subject, what);
    }

    private View.Model run() {
        List<String> tensors = new ArrayList<>();
        g.inputs().forEach(i -> tensors.add(i.name()));
        g.nodes().forEach(n -> tensors.add(n.name()));
        while (true) {
            String tag = scratchTag;
            if (tensors.stream().noneMatch(t -> t.contains(tag))) {
                break;
            }
            scratchTag = "#" + scratchTag;
        }
        boolean single = g.inputs().size() == 1 && g.outputs().size() == 1;
        ports();
        for (QInput in : g.inputs()) {
            check(in.name(), in.shape(), in.type());
            shapes.put(in.name(), in.shape());
            types.put(in.name(), in.type());
            root.put(in.name(), in.name());
        }
        for (QNode n : g.nodes()) {
            checkNode(n);
            shapes.put(n.name(), n.outputShape());
            types.put(n.name(), n.outputType());
            root.put(n.name(), n instanceof QReshape r ? root.get(r.input()) : n.name());
        }
        QInput in = g.inputs().get(0);
        String outName = g.outputs().get(0);
        // _step takes one input row and writes one output: a model with several inputs or outputs
        // runs whole tensors (each recurrent layer a loop over its steps).
        String noStep = single ? classify(in)
                : "the model has " + g.inputs().size() + " input(s) and " + g.outputs().size()
                + " output(s); streaming takes one input row and writes one output, so this model runs whole tensors";

        // The schedule: streaming runs the per-row nodes, then the rest; otherwise graph order.
        List<QNode> seqNodes = new ArrayList<>();
        List<QNode> tailNodes = new ArrayList<>();
        for (QNode n : g.nodes()) {
            (streaming && n.inputs().stream().anyMatch(rows::contains) ? seqNodes : tailNodes).add(n);
        }
        List<QNode> order = new ArrayList<>(seqNodes);
        order.addAll(tailNodes);

        // Lifetimes: step i is order[i]; the trailing copies into the outputs are step order.size().
        int count = order.size();
        Map<String, Integer> first = new HashMap<>();
        Map<String, Integer> last = new HashMap<>();
        List<MemoryPlanner.Buffer> buffers = new ArrayList<>();
        Map<String, Integer> bufferBits = new HashMap<>();
        for (int i = 0; i < count; i++) {
            QNode n = order.get(i);
            for (String src : n.inputs()) {
                last.merge(root.get(src), i, Math::max);
            }
            if (!(n instanceof QReshape)) {
                first.put(n.name(), i);
                last.merge(n.name(), i, Math::max);
            }
            if (n instanceof QRecurrent r) {
                for (Map.Entry<String, int[]> e : scratch(r).entrySet()) {
                    buffers.add(new MemoryPlanner.Buffer(e.getKey(), e.getValue()[0] * e.getValue()[1] / 8, i, i));
                    bufferBits.put(e.getKey(), e.getValue()[1]);
                }
            }
            int im2col = n instanceof QConv c ? im2colBytes(c) : 0;
            if (im2col > 0) {
                // The packed convolution's im2col rows, live during its own step only.
                buffers.add(new MemoryPlanner.Buffer(n.name() + scratchTag + "col", im2col, i, i));
                bufferBits.put(n.name() + scratchTag + "col", 8);
            }
        }
        // An output the last layer writing it can put straight into the caller's buffer (its own
        // tensor, read by no later layer, not a model input, not another output's); the others are
        // copied out of the arena (or from an input) after the last layer.
        Set<String> inputNames = new HashSet<>();
        g.inputs().forEach(i -> inputNames.add(i.name()));
        Map<String, String> directRoots = new LinkedHashMap<>();
        List<Integer> copied = new ArrayList<>();
        for (int k = 0; k < g.outputs().size(); k++) {
            String o = g.outputs().get(k);
            String oRoot = root.get(o);
            boolean readLater = g.nodes().stream().anyMatch(n -> n.inputs().stream().anyMatch(s -> root.get(s).equals(oRoot)));
            boolean direct = !inputNames.contains(oRoot) && oRoot.equals(o) && !readLater && !directRoots.containsKey(oRoot);
            if (direct) {
                directRoots.put(oRoot, outPorts.get(k).param());
            } else {
                copied.add(k);
                if (!inputNames.contains(oRoot)) {
                    last.merge(oRoot, count, Math::max);
                }
            }
        }
        for (QNode n : order) {
            if (first.containsKey(n.name()) && !directRoots.containsKey(n.name())) {
                buffers.add(new MemoryPlanner.Buffer(n.name(), shape(n.name()).size() * n.outputType().bits() / 8,
                        first.get(n.name()), last.get(n.name())));
                bufferBits.put(n.name(), n.outputType().bits());
            }
        }
        MemoryPlanner.Plan plan = MemoryPlanner.plan(buffers);
        List<String> arenaComment = new ArrayList<>();
        List<View.ArenaBuffer> arenaMap = new ArrayList<>();
        for (int k = 0; k < g.inputs().size(); k++) {
            pointer.put(g.inputs().get(k).name(), inPorts.get(k).param());
        }
        for (MemoryPlanner.Buffer b : buffers) {
            int off = plan.offsets().get(b.name());
            int tb = bufferBits.get(b.name());
            String member = "ctx->arena." + sfx(tb);
            int index = off / (tb / 8);
            pointer.put(b.name(), index == 0 ? member : member + " + " + index);
            arenaComment.add(CLit.comment(String.format(Locale.ROOT, "%-24s bytes %6d..%6d  steps %d..%d",
                    b.name(), off, off + b.bytes() - 1, b.first(), b.last())));
            arenaMap.add(new View.ArenaBuffer(b.name(), off, b.bytes(), b.first(), b.last()));
        }
        pointer.putAll(directRoots);

        List<View.Step> steps = new ArrayList<>();
        List<View.Step> seqSteps = new ArrayList<>();
        List<View.Step> tailSteps = new ArrayList<>();
        out = streaming ? seqSteps : steps;
        for (QNode n : seqNodes) {
            lowerNode(n);
        }
        out = streaming ? tailSteps : steps;
        for (QNode n : tailNodes) {
            lowerNode(n);
        }
        boolean seqOutput = rows.contains(outName);
        for (int k = 0; k < g.inputs().size(); k++) {
            String i = g.inputs().get(k).name();
            if (!single && g.nodes().stream().noneMatch(n -> n.inputs().contains(i)) && !g.outputs().contains(i)) {
                steps.add(new View.Step("input '" + CLit.comment(i) + "' is read by no layer", List.of(),
                        List.of(new View.Call("(void)", List.of(inPorts.get(k).param()))), false, ""));
            }
        }
        for (int k : copied) {
            String o = g.outputs().get(k);
            if (streaming && seqOutput) {
                out = seqSteps;
            }
            needsString = true;
            View.Port p = outPorts.get(k);
            out.add(new View.Step("output '" + CLit.comment(o) + "' -> " + p.param(), List.of(), List.of(new View.Call("memcpy",
                    List.of(p.param(), ptr(o), "sizeof(" + ctype(types.get(o).bits()) + ") * "
                            + shape(o).size() + "u"))), false, ""));
        }

        View.Stream stream = null;
        if (streaming) {
            int rowIn = shape(in.name()).size();
            int rowOut = shape(outName).size();
            View.Pair pair = null;
            if (pairPlan != null) {
                List<View.Step> pre = new ArrayList<>(seqSteps);
                pre.set(pairPlan.index(), pairPlan.preStep());
                // _row_pre has no x: another step reading the input row keeps _invoke step by step
                if (pre.stream().flatMap(st -> st.calls().stream()).flatMap(c -> c.args().stream())
                        .anyMatch(a -> a.matches(".*\\bx\\b.*"))) {
                    pairPlan = null;
                }
            }
            if (pairPlan != null) {
                List<View.Step> pre = new ArrayList<>(seqSteps);
                pre.set(pairPlan.index(), pairPlan.preStep());
                pair = new View.Pair("input2", Integer.toString(2 * pairPlan.half()), Integer.toString(pairPlan.half()),
                        CLit.comment("_invoke: the input products of " + pairPlan.layer() + " for two time steps"),
                        new View.Call(pairPlan.input2(), List.of(pairPlan.params(), "x + " + rowIn + " * t", "x1",
                                "ctx->input2")),
                        "x + " + rowIn + " * (t + 1)", seqOutput ? "y + " + rowOut + " * (t + 1)" : "y", List.copyOf(pre));
            }
            stream = new View.Stream(Integer.toString(in.shape().dim(0)), Integer.toString(rowIn),
                    Integer.toString(rowOut), seqOutput, "x + " + rowIn + " * t", seqOutput ? "y + " + rowOut + " * t" : "y",
                    List.copyOf(seqSteps), List.copyOf(tailSteps), pair);
        }
        checkDerivedNames();
        String macro = id.toUpperCase(Locale.ROOT);
        List<String> banner = new ArrayList<>();
        banner.add("Generated by mcugen. Do not edit: rebuild from the model instead.");
        banner.add("model: " + CLit.comment(g.name()));
        banner.add("integer program sha256: " + programHash(steps, seqSteps, tailSteps));
        for (String line : opts.banner()) {
            banner.add(CLit.comment(line));
        }
        if (g.nodes().stream().anyMatch(n -> n instanceof QEmbedding && n.inputs().contains(in.name()))) {
            banner.add("Input: token ids, int32_t in [" + in.type().qmin() + ", " + in.type().qmax()
                    + "] (INPUT_QMIN..INPUT_QMAX, scale 1, zero point 0); an id outside is clamped to the nearest row.");
        }
        banner.add("API: " + id + "_reset, " + id + "_invoke" + (streaming ? ", " + id + "_step" : " (no " + id + "_step: "
                + CLit.comment(noStep) + ")"));
        // The runtime .c files come from the calls made, each file's own uses, and the target.
        List<String> runtime = RuntimeFiles.select(RuntimeFiles.calledFunctions(steps, stream), opts.target()).sources();
        // The caller-format helpers (--input-format / --output-format): not for token-id inputs.
        Set<String> tokenInputs = new HashSet<>();
        g.nodes().stream().filter(n -> n instanceof QEmbedding).forEach(n -> tokenInputs.addAll(n.inputs()));
        List<View.Conversion> conversions = IoHelpers.of(id, inPorts, outPorts, tokenInputs, opts);
        return new View.Model(id, macro, macro + "_H", banner, single, inPorts, outPorts, Integer.toString(plan.arenaBytes()),
                arenaComment, List.copyOf(arrays), List.copyOf(params), List.copyOf(steps), needsString, needsLoop,
                List.copyOf(state), List.copyOf(resets), streaming, stream, streaming ? "" : CLit.comment(noStep), runtime,
                new View.Footprint(constBytes(), plan.arenaBytes(), stateBytes(), constByLayer(), List.copyOf(arenaMap)),
                conversions);
    }

    private List<View.LayerConst> constByLayer() {
        Map<String, long[]> by = new LinkedHashMap<>();
        for (int i = 0; i < arrays.size(); i++) {
            View.Array a = arrays.get(i);
            long[] v = by.computeIfAbsent(arrayLayers.get(i), k -> new long[2]);
            v[0] += Long.parseLong(a.length()) * bytesOf(a.ctype());
            v[1]++;
        }
        List<View.LayerConst> list = new ArrayList<>();
        by.forEach((k, v) -> list.add(new View.LayerConst(k, v[0], (int) v[1])));
        return List.copyOf(list);
    }

    private long constBytes() {
        long n = 0;
        for (View.Array a : arrays) {
            n += Long.parseLong(a.length()) * bytesOf(a.ctype());
        }
        return n;
    }

    /** The context besides the arena: the state arrays and _invoke's paired input products. */
    private long stateBytes() {
        long n = 0;
        for (View.StateArray a : state) {
            n += MemoryPlanner.align((int) (Long.parseLong(a.length()) * bytesOf(a.ctype())));
        }
        if (pairPlan != null) {
            n += 8L * pairPlan.half();
        }
        return n;
    }

    private static int bytesOf(String ctype) {
        switch (ctype) {
            case "int8_t":
            case "uint8_t":
                return 1;
            case "int16_t":
                return 2;
            case "int32_t":
                return 4;
            case "int64_t":
            case "mcu_rescale_t":
                return 8;
            default:
                throw new IllegalStateException("size of " + ctype);
        }
    }

    private void checkNode(QNode n) {
        if (!(n instanceof QFullyConnected || n instanceof QConv || n instanceof QDepthwiseConv || n instanceof QPool
                || n instanceof QGlobalPool || n instanceof QAdd || n instanceof QElementwise || n instanceof QConcat
                || n instanceof QReshape || n instanceof QRequant
                || n instanceof QChannelAffine || n instanceof QLogistic || n instanceof QSoftmax || n instanceof QRecurrent
                || n instanceof QLut || n instanceof QPRelu
                || n instanceof QPad || n instanceof QUpsample || n instanceof QTranspose || n instanceof QTransposeConv
                || n instanceof QReverse || n instanceof QLayerNormalization || n instanceof QEmbedding
                || n instanceof dev.mcugen.ir.quant.QConv16x8 || n instanceof dev.mcugen.ir.quant.QStridedSlice
                || n instanceof dev.mcugen.ir.quant.QTflMean || n instanceof dev.mcugen.ir.quant.QDepthwise16x8
                || n instanceof dev.mcugen.ir.quant.QTflMeanSteps)) {
            throw unsupported("layer '" + n.name() + "'", n.getClass().getSimpleName() + " has no C kernel yet");
        }
        check(n.name(), n.outputShape(), n.outputType());
        if (n.outputType().bits() == 32 && !(n instanceof QFullyConnected || n instanceof QReshape)) {
            throw unsupported("tensor '" + n.name() + "'", "is int32; only a Dense before softmax may keep its int32"
                    + " accumulator in the C for now");
        }
        if (n instanceof QRecurrent r) {
            int inBits = types.get(r.inputs().get(0)).bits();
            Shape is = shapes.get(r.inputs().get(0));
            if (inBits != 8 && inBits != 16 || is.rank() != 2 || is.dim(0) < 1) {
                throw unsupported("layer '" + n.name() + "'", "reads int" + inBits + " " + is
                        + "; recurrent C kernels take int8 or int16 [T >= 1, features]");
            }
            return;
        }
        int outBits = n.outputType().bits();
        for (String src : n.inputs()) {
            int inBits = types.get(src).bits();
            // The <in>_<out> kernels of mcu_nn.h: a layer writing its int32 logits or its int16 Q3.12
            // pre-activation from int8, the activation reading that back, softmax on int32 logits.
            boolean mixed = n instanceof QFullyConnected && (outBits == 32 || inBits == 8 && outBits == 16)
                    || (n instanceof QConv || n instanceof QTransposeConv) && inBits == 8 && outBits == 16
                    || (n instanceof QLogistic || n instanceof QRequant) && inBits == 16 && outBits == 8
                    || n instanceof QSoftmax && inBits == 32
                    || n instanceof QEmbedding && inBits == 32; // int32 token ids in, the table's width out
            if (inBits != outBits && !mixed) {
                throw unsupported("layer '" + n.name() + "'", "reads int" + inBits + " and writes int" + outBits
                        + "; no C kernel for that pair of widths");
            }
            int accShift = n instanceof QFullyConnected fc ? fc.accShift() : n instanceof QConv c ? c.accShift()
                    : n instanceof QDepthwiseConv dc ? dc.accShift() : n instanceof QTransposeConv tc ? tc.accShift() : 0;
            if (inBits == 8 && accShift > 0) {
                throw unsupported("layer '" + n.name() + "'", "reads int8 but needs an int64 accumulator (acc_shift "
                        + accShift + "); the int8 C kernels accumulate in int32");
            }
        }
    }

    /**
     * Decides whether the model streams (fills {@link #rows} and {@link #streaming}); returns why
     * not when it does not.
     */
    private String classify(QInput in) {
        if (g.nodes().stream().noneMatch(n -> n instanceof QRecurrent)) {
            return "a feed-forward model has no time steps";
        }
        Shape is = in.shape();
        // token ids [T] stream one id per step when only embeddings read them (each gives a row [D])
        boolean tokens = is.rank() == 1 && g.nodes().stream().filter(n -> n.inputs().contains(in.name()))
                .allMatch(n -> n instanceof QEmbedding);
        if (is.rank() < 2 && !tokens) {
            return "the input has no time axis";
        }
        int steps = is.dim(0);
        rows.add(in.name());
        for (QNode n : g.nodes()) {
            boolean readsRows = n.inputs().stream().anyMatch(rows::contains);
            if (!readsRows) {
                continue;
            }
            String why = null;
            if (n.inputs().stream().anyMatch(s -> !rows.contains(s))) {
                why = "mixes a sequence with a tensor that has no time axis";
            } else if (n instanceof QRecurrent r) {
                if (r.goBackwards()) {
                    why = "runs backwards over time (go_backwards, or the backward direction of a Bidirectional"
                            + " layer): its first step reads the last input row, so it needs the whole sequence"
                            + " before it can start, which one step at a time cannot give";
                } else if (r.returnSequences()) {
                    rows.add(n.name());
                }
            } else if (n instanceof QFullyConnected || n instanceof QRequant || n instanceof QChannelAffine
                    || n instanceof QLogistic || n instanceof QAdd || n instanceof QSoftmax || n instanceof QLut
                    || n instanceof QPRelu || n instanceof QLayerNormalization
                    || n instanceof QEmbedding) {
                rows.add(n.name());
            } else if (n instanceof QElementwise e) {
                if (e.inputs().stream().anyMatch(t -> !shapes.get(t).equals(e.outputShape()))) {
                    why = "repeats a per-channel vector input over the time steps";
                } else {
                    rows.add(n.name());
                }
            } else if (n instanceof QReshape r && r.outputShape().rank() >= 2 && r.outputShape().dim(0) == steps) {
                rows.add(n.name());
            } else {
                why = "works across time steps";
            }
            if (why != null) {
                rows.clear();
                return "layer '" + n.name() + "' " + why;
            }
        }
        streaming = true;
        return "";
    }

    /** The shape a buffer holds: one row of a streamed sequence, else the whole tensor. */
    private Shape shape(String tensor) {
        Shape s = shapes.get(tensor);
        if (!rows.contains(tensor)) {
            return s;
        }
        int[] d = new int[s.rank() - 1];
        for (int i = 1; i < s.rank(); i++) {
            d[i - 1] = s.dim(i);
        }
        return Shape.of(d);
    }

    /** The arena bytes of a convolution's im2col buffer (0: none; WeightLayout.im2colBytes). */
    private int im2colBytes(QConv c) {
        return types.get(c.input()).bits() == 8 && !sub8(c)
                ? WeightLayout.im2colBytes(opts.target(), WeightLayout.forConv(opts.target(), c), c) : 0;
    }

    /**
     * Whether a Dense, convolution or depthwise layer runs a kernel of packed 4- or 2-bit weights
     * (SubBytePacking): int8 input (and output, for depthwise), weights declaring 4 or 2 bits, the int32
     * accumulator proven (no pre-shift).
     */
    private boolean sub8(QNode n) {
        boolean s8in = types.get(n.inputs().get(0)).bits() == 8;
        if (n instanceof QFullyConnected fc) {
            return s8in && fc.accShift() == 0 && SubBytePacking.packed(fc.weights());
        }
        if (n instanceof QConv c) {
            return s8in && c.accShift() == 0 && SubBytePacking.packed(c.weights());
        }
        if (n instanceof QDepthwiseConv d) {
            return s8in && n.outputType().bits() == 8 && d.accShift() == 0 && SubBytePacking.packed(d.weights());
        }
        return false;
    }

    /** Scratch buffers of a recurrent kernel: name -> {elements, bits}. */
    private Map<String, int[]> scratch(QRecurrent r) {
        Map<String, int[]> m = new LinkedHashMap<>();
        if (r instanceof QLstm l) {
            m.put(r.name() + scratchTag + "16", new int[] {4 * l.units(), 16});
            if (l.projection() != null && l.inputType().bits() == 8) {
                // int8 m for the projection; the int16 kernel keeps m in its int16 scratch.
                m.put(r.name() + scratchTag + "8", new int[] {l.units(), 8});
            }
        } else if (r instanceof QGru gr) {
            m.put(r.name() + scratchTag + "16", new int[] {4 * gr.units(), 16});
        } else if (r instanceof QSimpleRnn s) {
            m.put(r.name() + scratchTag + "16", new int[] {s.units(), 16});        } else if (r instanceof dev.mcugen.ir.quant.QLstmTfl t) {
            m.put(r.name() + scratchTag + "16", new int[] {3 * t.units(), 16}); // f (then o), i, z
        }
        return m;
    }

    private void check(String name, Shape shape, QuantType type) {
        if (!shape.isFullyKnown()) {
            throw unsupported("tensor '" + name + "'", "has the open shape " + shape
                    + "; the C arena needs every size at compile time (give the input a fixed length)");
        }
        if (type.bits() != 8 && type.bits() != 16 && type.bits() != 32) {
            throw unsupported("tensor '" + name + "'", "is int" + type.bits() + "; only int8, int16 and int32 tensors are generated");
        }
    }

    private String ptr(String tensor) {
        return pointer.get(root.get(tensor));
    }

    /**
     * The words a node's derived C names add after its name and '_' ({@code <n>_w}, {@code <n>_params},
     * {@code <n>_i_ln_b}...). {@link #checkDerivedNames} holds every lowering to this list.
     */
    private static final Set<String> SUFFIX_WORDS = Set.of("b", "b64", "c", "f", "h", "i", "in", "input", "o", "params",
            "proj", "projection", "r", "rescale", "state", "w", "x", "z", "table", "gains",
            // gate prefixes <n>_i, _f, _z, _o, _r, _h + "x" / "h" (input and recurrent matrix)
            "ix", "ih", "fx", "fh", "zx", "zh", "ox", "oh", "rx", "rh", "hx", "hh");

    /**
     * The C name of {@code node}'s arrays and structs: {@code <id>_<fragment>} (see
     * {@link Names#cFragment}), so it can be neither a keyword nor reserved nor the runtime's. Names
     * are untrusted: distinct nodes can map to one fragment ("a b" and "a_b"), and a node's derived
     * names can equal another node's name ("a" derives "a_w", a node may be called "a_w"). So a name
     * is taken only if no name taken before extends it by '_' and a {@link #SUFFIX_WORDS} word, nor it
     * one taken before; otherwise a number is appended ("dense" beside "dense_w" becomes "dense2";
     * "dense" and "dense_1" keep theirs), after 99 tries a counter name. Deterministic: depends only
     * on the node order.
     */
    private String name(String node) {
        if (usedNames.isEmpty()) {
            for (String t : List.of("ctx_t", "input_t", "output_t", "invoke", "reset", "step", "row", "row_pre", "tail")) {
                usedNames.add(id + "_" + t);
            }
            inPorts.forEach(p -> usedNames.add(p.typeName()));
            outPorts.forEach(p -> usedNames.add(p.typeName()));
        }
        String base = id + "_" + Names.cFragment(node);
        String n = base;
        for (int k = 2; !free(n); k++) {
            n = k < 100 ? base + k : id + "_n" + k;
        }
        usedNames.add(n);
        return n;
    }

    /** Whether {@code n} and its derived names can meet no name in {@link #usedNames} nor theirs. */
    private boolean free(String n) {
        if (usedNames.contains(n)) {
            return false;
        }
        for (String u : usedNames.subSet(n + "_", n + "`")) { // '`' follows '_' in ASCII
            if (derives(n, u)) {
                return false;
            }
        }
        for (int i = n.indexOf('_'); i >= 0; i = n.indexOf('_', i + 1)) {
            String u = n.substring(0, i);
            if (usedNames.contains(u) && derives(u, n)) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code name} is {@code n}, '_', a {@link #SUFFIX_WORDS} word, then the end or '_'. */
    private static boolean derives(String n, String name) {
        if (!name.startsWith(n + "_")) {
            return false;
        }
        String rest = name.substring(n.length() + 1);
        int end = rest.indexOf('_');
        return SUFFIX_WORDS.contains(end < 0 ? rest : rest.substring(0, end));
    }

    /**
     * Every array, struct and state name is a taken node name plus a {@link #SUFFIX_WORDS} suffix, so
     * {@link #name}'s rule keeps them apart; a kernel with a new suffix fails here in every test.
     */
    private void checkDerivedNames() {
        List<String> all = new ArrayList<>();
        arrays.forEach(a -> all.add(a.name()));
        params.forEach(p -> all.add(p.name()));
        state.forEach(st -> all.add(st.name()));
        Set<String> seen = new HashSet<>();
        for (String x : all) {
            boolean ok = false;
            for (int i = x.indexOf('_'); i >= 0 && !ok; i = x.indexOf('_', i + 1)) {
                ok = usedNames.contains(x.substring(0, i)) && derives(x.substring(0, i), x);
            }
            if (!ok || !seen.add(x)) {
                throw new IllegalStateException("C name " + x + (ok ? " made twice" : " has a suffix not in SUFFIX_WORDS"));
            }
        }
    }

    private static String sfx(QuantType t) {
        return sfx(t.bits());
    }

    private static String sfx(int bits) {
        return "s" + bits;
    }

    private static String ctype(int bits) {
        return "int" + bits + "_t";
    }

    /**
     * The inputs and outputs of the C API ({@link #inPorts}, {@link #outPorts}), named by
     * {@link PortNames}: types {@code <id>_<word>_t}, macros {@code <ID>_<WORD>_SIZE}... The types
     * join the names no node may take ({@link #name}).
     */
    private void ports() {
        List<String> inNames = g.inputs().stream().map(QInput::name).toList();
        List<PortNames.Port> inNamed = PortNames.inputs(id, inNames, g.outputs());
        List<PortNames.Port> outNamed = PortNames.outputs(id, inNames, g.outputs());
        List<View.Port> ins = new ArrayList<>();
        List<View.Port> outs = new ArrayList<>();
        for (int k = 0; k < g.inputs().size(); k++) {
            QInput in = g.inputs().get(k);
            ins.add(port(in.name(), in.shape(), in.type(), inNamed.get(k)));
        }
        Map<String, QNode> byName = new HashMap<>();
        g.nodes().forEach(n -> byName.put(n.name(), n));
        for (int k = 0; k < g.outputs().size(); k++) {
            String o = g.outputs().get(k);
            QNode n = byName.get(o);
            QInput asInput = g.inputs().stream().filter(i -> i.name().equals(o)).findFirst().orElse(null);
            Shape s = n != null ? n.outputShape() : asInput.shape();
            QuantType t = n != null ? n.outputType() : asInput.type();
            outs.add(port(o, s, t, outNamed.get(k)));
        }
        inPorts = List.copyOf(ins);
        outPorts = List.copyOf(outs);
    }

    private View.Port port(String tensor, Shape shape, QuantType t, PortNames.Port names) {
        // scale = num / 2^shift with num in [2^30, 2^31): exact to 31 significant bits.
        int e = Math.getExponent(t.scale());
        int shift = 30 - e;
        long num = Math.round(Math.scalb(t.scale(), shift));
        if (num >= 1L << 31) {
            num >>= 1;
            shift -= 1;
        }
        return new View.Port(ctype(t.bits()), Integer.toString(shape.size()), shape.toString(),
                CLit.i32(t.zeroPoint()), CLit.real(t.scale()), num + "u", Integer.toString(shift),
                CLit.i32(t.qmin()), CLit.i32(t.qmax()), tensor, names.label(), names.param(), id + "_" + names.word() + "_t",
                names.macro());
    }

    private String typeComment(String what, QuantType t) {
        return what + ": int" + t.bits() + " scale " + CLit.real(t.scale()) + " zero point " + t.zeroPoint();
    }

    private static View.Field f(String name, String value) {
        return new View.Field(name, value, false, "", List.of());
    }

    private static View.Field f(String name, long value) {
        return f(name, CLit.i32(value));
    }

    private static View.Field f(String name, long value, String comment) {
        return f(name, CLit.i32(value), comment);
    }

    private static View.Field f(String name, String value, String comment) {
        return new View.Field(name, value, true, CLit.comment(comment), List.of());
    }

    private static View.Field rescaleField(String name, Rescale r, String what) {
        return f(name, CLit.rescale(r), what + ": x * " + CLit.real(r.real()) + " (" + r + ")");
    }

    /**
     * A const array of {@code n} literals {@code lit(value(i))}. The lines are spelled when the
     * template reads them ({@link CLit#wrapLazily}): a model's weights are never all held as text.
     */
    private String array(String name, String ctype, String comment, int n, LongFunction<String> lit, IntToLongFunction value) {
        arrays.add(new View.Array(ctype, name, Integer.toString(n), CLit.comment(comment), CLit.wrapLazily(n, value, lit)));
        arrayLayers.add(currentLayer);
        return name;
    }

    private String tensorArray(String name, String ctype, String comment, IntTensor t, LongFunction<String> lit) {
        return array(name, ctype, comment + " " + t.shape(), t.size(), lit, t::get);
    }

    /**
     * An int8 weight matrix of {@code rows} outputs and {@code cols} inputs in a packed layout, word
     * aligned; the comment names the layout (runtime-c/include/mcu_nn.h defines it).
     */
    private String packedArray(String name, String what, WeightLayout layout, WeightLayout.Matrix m, int rows, int cols) {
        byte[] b = layout.pack(m, rows, cols);
        String comment = what + " [" + rows + " outputs, " + cols + " inputs] in layout " + layout.cName() + " ("
                + WeightLayout.padded(rows) + " x " + WeightLayout.padded(cols) + " padded with 0"
                + (layout == WeightLayout.DSP_PAIRS ? "; odd rows stored as w + 128" : "") + ")";
        arrays.add(new View.Array("int8_t", name, Integer.toString(b.length), CLit.comment(comment),
                CLit.wrapLazily(b.length, i -> b[i], CLit::i32), " MCU_ALIGN4"));
        arrayLayers.add(currentLayer);
        return name;
    }

    /** The packed weights of mcu_depthwise_conv_packed_s8, word aligned; returns the array's name. */
    private String packedDepthwise(String n, QDepthwiseConv c, DepthwisePacking packing) {
        int[] words = packing.pack(c);
        String name = n + "_w"; // the plain weights are not emitted
        arrays.add(new View.Array("int32_t", name, Integer.toString(words.length), CLit.comment(c.name()
                + " depthwise layer packed per block of 4 channels: 2 bias, " + c.kernelH() + "x" + c.kernelW()
                + " taps of 2 w in layout " + packing.cName() + ", rescale multipliers, addends, shifts "
                + CLit.real(c.rescale().stream().mapToDouble(Rescale::real).min().orElse(0)) + " .. "
                + CLit.real(c.rescale().stream().mapToDouble(Rescale::real).max().orElse(0))), CLit.wrapLazily(words.length, i -> words[i], CLit::i32), " MCU_ALIGN4"));
        arrayLayers.add(currentLayer);
        return name;
    }

    private String rescaleArray(String name, List<Rescale> rs, String what) {
        List<String> items = new ArrayList<>();
        rs.forEach(r -> items.add(CLit.rescale(r)));
        double lo = rs.stream().mapToDouble(Rescale::real).min().orElse(0);
        double hi = rs.stream().mapToDouble(Rescale::real).max().orElse(0);
        String c = what + ": x * " + (rs.size() == 1 ? CLit.real(lo) : "[" + CLit.real(lo) + ", " + CLit.real(hi) + "] per channel");
        arrays.add(new View.Array("mcu_rescale_t", name, Integer.toString(rs.size()), CLit.comment(c), CLit.wrap(items)));
        arrayLayers.add(currentLayer);
        return name;
    }

    /** QConv16x8: mcu_conv_tfl_s16 (mcu_tfl.h), the file's int64 bias and per-channel multipliers. */
    private void lowerConv16x8(dev.mcugen.ir.quant.QConv16x8 c, String n, String x, String y) {
        QuantType ot = c.outputType();
        String w = tensorArray(n + "_w", "int8_t", c.name() + " weights int8 [kh, kw, C, F]", c.weights(), CLit::i32);
        String b = tensorArray(n + "_b64", "int64_t", c.name() + " bias int64 (the file's)", c.bias(), CLit::i64);
        String r = rescaleArray(n + "_rescale", c.rescale(), c.name() + " TFLite multipliers s_x s_w / s_y");
        params("mcu_conv_tfl_params_t", n + "_params", c, List.of(f("in_h", c.inputShape().dim(0)),
                f("in_w", c.inputShape().dim(1)), f("channels", c.channels()), f("filters", c.filters()),
                f("kernel_h", c.kernelH()), f("kernel_w", c.kernelW()), f("stride_h", c.strideH()),
                f("stride_w", c.strideW()), f("dilation_h", c.dilationH()), f("dilation_w", c.dilationW()),
                f("padding", padding(c.padding())), f("weights", w), f("bias", b), f("rescale", r),
                f("rescale_count", c.rescale().size()), f("output_zp", CLit.i32(ot.zeroPoint()), typeComment("output", ot)),
                f("act_min", c.actMin()), f("act_max", c.actMax())));
        call(c, "mcu_conv_tfl_s16", List.of("&" + n + "_params", x, y), List.of());
    }

    /** QStridedSlice: mcu_strided_slice_s8 / _s16 (mcu_tfl.h), dimensions padded to 4 with 1. */
    private void lowerStridedSlice(dev.mcugen.ir.quant.QStridedSlice ss, String n, String x, String y, String s) {
        int rank = ss.inputShape().rank();
        if (rank > 4) {
            throw unsupported("layer '" + ss.name() + "'", "slices " + rank + " dimensions; the C kernel takes at most 4");
        }
        List<String> in = new ArrayList<>();
        List<String> outDims = new ArrayList<>();
        List<String> begin = new ArrayList<>();
        List<String> stride = new ArrayList<>();
        for (int d = 0; d < 4; d++) {
            in.add(Integer.toString(d < rank ? ss.inputShape().dim(d) : 1));
            outDims.add(Integer.toString(d < rank ? ss.outputShape().dim(d) : 1));
            begin.add(Integer.toString(d < rank ? ss.begin().get(d) : 0));
            stride.add(Integer.toString(d < rank ? ss.stride().get(d) : 1));
        }
        params("mcu_strided_slice_params_t", n + "_params", ss, List.of(f("in_dims", "{" + String.join(", ", in) + "}"),
                f("out_dims", "{" + String.join(", ", outDims) + "}"), f("begin", "{" + String.join(", ", begin) + "}"),
                f("stride", "{" + String.join(", ", stride) + "}")));
        call(ss, "mcu_strided_slice_" + s, List.of("&" + n + "_params", x, y), List.of());
    }

    /** QDepthwise16x8: mcu_depthwise_conv_tfl_s16 (mcu_tfl.h), the file's int64 bias and per-channel multipliers. */
    private void lowerDepthwise16x8(dev.mcugen.ir.quant.QDepthwise16x8 d, String n, String x, String y) {
        String w = tensorArray(n + "_w", "int8_t", d.name() + " weights int8 [kh, kw, C, M]", d.weights(), CLit::i32);
        String b = tensorArray(n + "_b64", "int64_t", d.name() + " bias int64 (the file's)", d.bias(), CLit::i64);
        String r = rescaleArray(n + "_rescale", d.rescale(), d.name() + " TFLite multipliers s_x s_w / s_y");
        params("mcu_depthwise_conv_tfl_params_t", n + "_params", d, List.of(f("in_h", d.inputShape().dim(0)),
                f("in_w", d.inputShape().dim(1)), f("channels", d.channels()), f("multiplier", d.multiplier()),
                f("kernel_h", d.kernelH()), f("kernel_w", d.kernelW()), f("stride_h", d.strideH()),
                f("stride_w", d.strideW()), f("dilation_h", d.dilationH()), f("dilation_w", d.dilationW()),
                f("padding", padding(d.padding())), f("weights", w), f("bias", b), f("rescale", r),
                f("rescale_count", d.rescale().size()), f("act_min", d.actMin()), f("act_max", d.actMax())));
        call(d, "mcu_depthwise_conv_tfl_s16", List.of("&" + n + "_params", x, y), List.of());
    }

    /** QTflMean: mcu_mean_tfl_s8 / _s16 (mcu_tfl.h), TFLite's spatial mean. */
    private void lowerTflMean(dev.mcugen.ir.quant.QTflMean mean, String n, String x, String y, String s) {
        QuantType ot = mean.outputType();
        params("mcu_mean_tfl_params_t", n + "_params", mean, List.of(f("in_h", mean.inputShape().dim(0)),
                f("in_w", mean.inputShape().dim(1)), f("channels", mean.inputShape().dim(2)),
                f("rounded", mean.rounded() ? 1 : 0, mean.rounded() ? "TFLite's rescaled, rounded mean"
                        : "TFLite's truncating mean (one scale and zero point)"),
                f("input_zp", CLit.i32(mean.inputZeroPoint())), rescaleField("rescale", mean.rescale(), "s_x / s_y"),
                f("output_zp", CLit.i32(ot.zeroPoint()), typeComment("output", ot))));
        call(mean, "mcu_mean_tfl_" + s, List.of("&" + n + "_params", x, y), List.of());
    }

    /** QElementwise: mcu_sum / mcu_sub / mcu_mul / mcu_maximum / mcu_minimum, the constant as a const array. */
    private void lowerElementwise(QElementwise e, String n, String y, QuantType ot, String s) {
        int count = e.operandCount();
        String cw = array(n + "_input_channelwise", "int32_t", e.name() + " operands read per channel ([C] vectors)",
                count, CLit::i32, i -> e.channelwise().get(i) ? 1 : 0);
        String zps = array(n + "_input_zp", "int32_t", e.name() + " operand zero points", count, CLit::i32,
                i -> (long) e.zeroPoints().get(i));
        String what = switch (e.kind()) {
            case SUM -> "s_k / (2 max s)";
            case MUL -> "unused (identity)";
            case MAX, MIN -> "s_k / s_y";
        };
        String rs = rescaleArray(n + "_input_rescale", e.rescales(), e.name() + " operand rescales " + what);
        String steps = e.stepRescales().isEmpty() ? "0"
                : rescaleArray(n + "_rescale_steps", e.stepRescales(), e.name() + " partial product rescales");
        String kernel = switch (e.kind()) {
            case SUM -> e.negate().contains(true) ? "mcu_sub_" : "mcu_sum_";
            case MUL -> "mcu_mul_";
            case MAX -> "mcu_maximum_";
            case MIN -> "mcu_minimum_";
        };
        params("mcu_elementwise_params_t", n + "_params", e, List.of(f("num_inputs", count),
                f("channels", e.outputShape().last()), f("input_channelwise", cw), f("input_zp", zps),
                f("input_rescale", rs), f("left_shift", e.leftShift()), f("step_rescale", steps),
                rescaleField("output_rescale", e.outputRescale(), e.kind() == QElementwise.Kind.MUL ? "prod s / s_y"
                        : e.kind() == QElementwise.Kind.SUM ? "2 max s / (2^left_shift s_y)" : "unused"),
                f("output_zp", CLit.i32(ot.zeroPoint()), typeComment("output", ot)),
                f("qmin", ot.qmin()), f("qmax", ot.qmax())));
        List<String> ins = new ArrayList<>();
        e.inputs().forEach(t -> ins.add(ptr(t)));
        e.constant().ifPresent(c -> ins.add(e.constantOperand(), tensorArray(n + "_input_constant", ctype(c.bits()),
                e.name() + " constant operand int" + c.bits() + ", zero point " + e.zeroPoints().get(e.constantOperand()),
                c, CLit::i32)));
        String local = n + "_in";
        call(e, kernel + s, List.of("&" + n + "_params", local, shape(e.name()).size() + "", y),
                List.of(new View.Local("const " + ctype(ot.bits()) + " *const", local, Integer.toString(ins.size()), ins)));
    }

    private void call(QNode n, String kernel, List<String> args, List<View.Local> locals) {
        out.add(new View.Step(stepComment(n), locals, List.of(new View.Call(kernel, args)), false, ""));
    }

    private String stepComment(QNode n) {
        String shape = rows.contains(n.name()) ? "one row of " + n.outputShape() : n.outputShape().toString();
        return CLit.comment(n.name() + " (" + n.getClass().getSimpleName() + ") -> " + shape);
    }

    private void params(String ctype, String name, QNode n, List<View.Field> fields) {
        params.add(new View.Params(ctype, name, CLit.comment(n.name() + ": " + typeComment("output", n.outputType())), fields));
    }

    /** {@code [H, W, C]} of a known {@code [F]} (1, 1, F), {@code [T, C]} (1, T, C) or {@code [H, W, C]} shape. */
    private static int[] hwc(Shape s) {
        return s.rank() == 1 ? new int[] {1, 1, s.dim(0)} : s.rank() == 2 ? new int[] {1, s.dim(0), s.dim(1)}
                : new int[] {s.dim(0), s.dim(1), s.dim(2)};
    }

    private void lowerNode(QNode node) {
        currentLayer = node.name();
        if (node instanceof QReshape) {
            out.add(new View.Step(CLit.comment(node.name() + " (QReshape) -> " + node.outputShape()
                    + ": aliases its input, no code"), List.of(), List.of(), false, ""));
            return;
        }
        if (node instanceof QRecurrent r) {
            lowerRecurrent(r);
            return;
        }
        String n = name(node.name());
        String x = ptr(node.inputs().get(0));
        String y = ptr(node.name());
        QuantType ot = node.outputType();
        String s = sfx(ot);
        String si = sfx(types.get(node.inputs().get(0)));
        String k = si.equals(s) ? s : si + "_" + s; // kernel suffix, <in>_<out> when the widths differ
        if (node instanceof QFullyConnected fc && sub8(fc)) {
            lowerSub8Dense(fc, n, x, y, ot);
        } else if ((node instanceof QConv || node instanceof QDepthwiseConv) && sub8(node)) {
            lowerSub8Conv(node, n, x, y, ot);
        } else if (node instanceof QFullyConnected fc) {
            s = si;
            WeightLayout layout = s.equals("s8") ? WeightLayout.forTarget(opts.target()) : WeightLayout.PLAIN;
            int units = fc.units();
            String w = layout == WeightLayout.PLAIN
                    ? tensorArray(n + "_w", "int8_t", fc.name() + " weights int8 [in, units]", fc.weights(), CLit::i32)
                    : packedArray(n + "_w", fc.name() + " weights int8", layout,
                            (r, c) -> (int) fc.weights().get(c * units + r), units, fc.inputSize());
            String b = s.equals("s8")
                    ? tensorArray(n + "_b", "int32_t", fc.name() + " bias int32, input zero point folded in", fc.bias(), CLit::i32)
                    : tensorArray(n + "_b64", "int64_t", fc.name() + " bias int64, input zero point folded in", fc.bias(), CLit::i64);
            String r = rescaleArray(n + "_rescale", fc.rescale(), fc.name() + " rescale 2^acc_shift s_w s_x / s_y");
            params("mcu_fc_params_t", n + "_params", fc, List.of(f("input_size", fc.inputSize()), f("units", fc.units()),
                    f("weights", w), f(s.equals("s8") ? "bias" : "bias64", b), f("rescale", r),
                    f("rescale_count", fc.rescale().size()), f("acc_shift", fc.accShift()),
                    f("output_zp", CLit.i32(ot.zeroPoint()), typeComment("output", ot)),
                    f("act_min", fc.actMin()), f("act_max", fc.actMax()), f("weight_layout", layout.cName()),
                    f("acc_small", s.equals("s8") && WeightLayout.accumulatorBelow30(fc) ? 1 : 0,
                            "|bias + W x| < 2^30 for every int8 x (from the weights)")));
            int fcRows = shape(fc.name()).size() / fc.units();
            call(fc, "mcu_fully_connected_" + k, List.of("&" + n + "_params", fcRows + "", x, y), List.of());
        } else if (node instanceof QConv c) {
            Shape is = c.inputShape();
            int h = is.rank() == 2 ? 1 : is.dim(0);
            int wd = is.rank() == 2 ? is.dim(0) : is.dim(1);
            // int8 input: the target's packed Dense layout where the kernel runs as a Dense (mcu_conv_packed_impl.h)
            WeightLayout layout = si.equals("s8") ? WeightLayout.forConv(opts.target(), c) : WeightLayout.PLAIN;
            int filters = c.filters();
            int cols = c.kernelH() * c.kernelW() * c.channels();
            String w = layout == WeightLayout.PLAIN
                    ? tensorArray(n + "_w", "int8_t", c.name() + " weights int8 [kh, kw, C, F]", c.weights(), CLit::i32)
                    : packedArray(n + "_w", c.name() + " weights int8 (kh, kw, C as one input)", layout,
                            (row, col) -> (int) c.weights().get(col * filters + row), filters, cols);
            String b = si.equals("s8")
                    ? tensorArray(n + "_b", "int32_t", c.name() + " bias int32, input zero point folded in", c.bias(), CLit::i32)
                    : tensorArray(n + "_b64", "int64_t", c.name() + " bias int64, input zero point folded in", c.bias(), CLit::i64);
            String r = rescaleArray(n + "_rescale", c.rescale(), c.name() + " rescale 2^acc_shift s_w s_x / s_y");
            params("mcu_conv_params_t", n + "_params", c, List.of(f("in_h", h), f("in_w", wd), f("channels", c.channels()),
                    f("filters", c.filters()), f("kernel_h", c.kernelH()), f("kernel_w", c.kernelW()),
                    f("stride_h", c.strideH()), f("stride_w", c.strideW()), f("dilation_h", c.dilationH()),
                    f("dilation_w", c.dilationW()), f("padding", padding(c.padding())),
                    f("pad_value", CLit.i32(c.padValue()), "the input zero point"), f("weights", w),
                    f(si.equals("s8") ? "bias" : "bias64", b), f("rescale", r), f("rescale_count", c.rescale().size()),
                    f("acc_shift", c.accShift()), f("output_zp", CLit.i32(ot.zeroPoint()), typeComment("output", ot)),
                    f("act_min", c.actMin()), f("act_max", c.actMax()), f("weight_layout", layout.cName()),
                    f("acc_small", layout != WeightLayout.PLAIN && WeightLayout.accumulatorBelow30(c.bias(), c.weights(),
                            cols, filters) ? 1 : 0, "|bias + W x| < 2^30 for every int8 x (from the weights)"),
                    f("im2col_bytes", im2colBytes(c))));
            String col = im2colBytes(c) > 0 ? pointer.get(c.name() + scratchTag + "col") : "NULL";
            call(c, layout == WeightLayout.PLAIN ? "mcu_conv_" + k : "mcu_conv_packed_" + k,
                    layout == WeightLayout.PLAIN ? List.of("&" + n + "_params", x, y) : List.of("&" + n + "_params", x, y, col),
                    List.of());
        } else if (node instanceof QDepthwiseConv c) {
            Shape is = c.inputShape();
            int h = is.rank() == 2 ? 1 : is.dim(0);
            int wd = is.rank() == 2 ? is.dim(0) : is.dim(1);
            DepthwisePacking packing = DepthwisePacking.forLayer(opts.target(), c, k.equals("s8"));
            String w = packing != null ? "NULL" // in the packed record
                    : tensorArray(n + "_w", "int8_t", c.name() + " depthwise weights int8 [kh, kw, C, multiplier]",
                            c.weights(), CLit::i32);
            String b = packing != null ? "NULL" // in the packed record
                    : si.equals("s8")
                    ? tensorArray(n + "_b", "int32_t", c.name() + " bias int32, input zero point folded in", c.bias(), CLit::i32)
                    : tensorArray(n + "_b64", "int64_t", c.name() + " bias int64, input zero point folded in", c.bias(), CLit::i64);
            String r = packing != null ? "NULL" // in the packed record
                    : rescaleArray(n + "_rescale", c.rescale(), c.name() + " rescale 2^acc_shift s_w s_x / s_y");
            List<View.Field> dwFields = new ArrayList<>(List.of(f("in_h", h), f("in_w", wd),
                    f("channels", c.channels()), f("multiplier", c.multiplier()), f("kernel_h", c.kernelH()),
                    f("kernel_w", c.kernelW()), f("stride_h", c.strideH()), f("stride_w", c.strideW()),
                    f("dilation_h", c.dilationH()), f("dilation_w", c.dilationW()), f("padding", padding(c.padding())),
                    f("pad_value", CLit.i32(c.padValue()), "the input zero point"), f("weights", w),
                    f(si.equals("s8") ? "bias" : "bias64", b), f("rescale", r), f("rescale_count", c.rescale().size()),
                    f("acc_shift", c.accShift()), f("output_zp", CLit.i32(ot.zeroPoint()), typeComment("output", ot)),
                    f("act_min", c.actMin()), f("act_max", c.actMax())));
            if (packing != null) {
                dwFields.add(f("packed_layout", packing.cName()));
                dwFields.add(f("packed_weights", packedDepthwise(n, c, packing)));
            }
            params("mcu_depthwise_conv_params_t", n + "_params", c, dwFields);
            call(c, (packing != null ? "mcu_depthwise_conv_packed_" : "mcu_depthwise_conv_") + k,
                    List.of("&" + n + "_params", x, y), List.of());
        } else if (node instanceof QPool p) {
            Shape is = p.inputShape();
            int h = is.rank() == 2 ? 1 : is.dim(0);
            int wd = is.rank() == 2 ? is.dim(0) : is.dim(1);
            params("mcu_pool_params_t", n + "_params", p, List.of(f("in_h", h), f("in_w", wd), f("channels", is.last()),
                    f("kernel_h", p.kernelH()), f("kernel_w", p.kernelW()), f("stride_h", p.strideH()),
                    f("stride_w", p.strideW()), f("padding", padding(p.padding()))));
            call(p, (p.pool() == PoolKind.MAX ? "mcu_max_pool_" : "mcu_avg_pool_") + s,
                    List.of("&" + n + "_params", x, y), List.of());
        } else if (node instanceof QGlobalPool gp) {
            Rescale r = gp.rescale().orElse(Rescale.IDENTITY);
            params("mcu_global_pool_params_t", n + "_params", gp, List.of(
                    f("positions", gp.inputShape().size() / gp.channels()), f("channels", gp.channels()),
                    f("use_rescale", gp.rescale().isPresent() ? 1 : 0), f("input_zp", gp.inputZeroPoint()),
                    rescaleField("rescale", r, "s_x / (n s_y)"), f("output_zp", CLit.i32(ot.zeroPoint()), typeComment("output", ot)),
                    f("qmin", ot.qmin()), f("qmax", ot.qmax())));
            call(gp, (gp.pool() == PoolKind.MAX ? "mcu_global_max_pool_" : "mcu_global_avg_pool_") + s,
                    List.of("&" + n + "_params", x, y), List.of());
        } else if (node instanceof QAdd a) {
            String zps = array(n + "_input_zp", "int32_t", a.name() + " input zero points", a.inputs().size(),
                    CLit::i32, i -> (long) a.inputZeroPoints().get(i));
            String rs = rescaleArray(n + "_input_rescale", a.inputRescales(), a.name() + " input rescales s_k / (2 max s)");
            params("mcu_add_params_t", n + "_params", a, List.of(f("num_inputs", a.inputs().size()),
                    f("input_zp", zps), f("input_rescale", rs), f("left_shift", a.leftShift()),
                    rescaleField("output_rescale", a.outputRescale(), "2 max s / (2^left_shift s_y)"),
                    f("output_zp", CLit.i32(ot.zeroPoint()), typeComment("output", ot)),
                    f("qmin", ot.qmin()), f("qmax", ot.qmax())));
            List<String> ins = new ArrayList<>();
            a.inputs().forEach(t -> ins.add(ptr(t)));
            String local = n + "_in";
            call(a, "mcu_add_" + s, List.of("&" + n + "_params", local, shape(a.name()).size() + "", y),
                    List.of(new View.Local("const " + ctype(ot.bits()) + " *const", local,
                            Integer.toString(ins.size()), ins)));
        } else if (node instanceof QElementwise e) {
            lowerElementwise(e, n, y, ot, s);
        } else if (node instanceof QConcat cc) {
            int outer = 1;
            for (int d = 0; d < cc.axis(); d++) {
                outer *= cc.outputShape().dim(d);
            }
            int blocks = outer;
            String sizes = array(n + "_input_size", "int32_t", cc.name() + " values per block of each input",
                    cc.inputs().size(), CLit::i32, i -> (long) (shapes.get(cc.inputs().get(i)).size() / blocks));
            String zps = array(n + "_input_zp", "int32_t", cc.name() + " input zero points", cc.inputs().size(),
                    CLit::i32, i -> (long) cc.inputZeroPoints().get(i));
            String rs = rescaleArray(n + "_input_rescale", cc.inputRescales(), cc.name() + " input rescales s_k / s_y");
            params("mcu_concat_params_t", n + "_params", cc, List.of(f("num_inputs", cc.inputs().size()),
                    f("outer", blocks, "blocks: the output dims before axis " + cc.axis()), f("input_size", sizes),
                    f("input_zp", zps), f("input_rescale", rs),
                    f("output_zp", CLit.i32(ot.zeroPoint()), typeComment("output", ot)),
                    f("qmin", ot.qmin()), f("qmax", ot.qmax())));
            List<String> ins = new ArrayList<>();
            cc.inputs().forEach(t -> ins.add(ptr(t)));
            String local = n + "_in";
            call(cc, "mcu_concat_" + s, List.of("&" + n + "_params", local, y),
                    List.of(new View.Local("const " + ctype(ot.bits()) + " *const", local,
                            Integer.toString(ins.size()), ins)));
        } else if (node instanceof QPad pd) {
            int[] hwc = hwc(pd.inputShape());
            params("mcu_pad_params_t", n + "_params", pd, List.of(f("in_h", hwc[0]), f("in_w", hwc[1]),
                    f("channels", hwc[2]), f("pad_top", pd.top()), f("pad_bottom", pd.bottom()), f("pad_left", pd.left()),
                    f("pad_right", pd.right()), f("pad_value", CLit.i32(pd.padValue()), "the zero point")));
            call(pd, "mcu_pad_" + s, List.of("&" + n + "_params", x, y), List.of());
        } else if (node instanceof QUpsample u) {
            int[] hwc = hwc(u.inputShape());
            params("mcu_upsample_params_t", n + "_params", u, List.of(f("in_h", hwc[0]), f("in_w", hwc[1]),
                    f("channels", hwc[2]), f("factor_h", u.factorH()), f("factor_w", u.factorW())));
            call(u, "mcu_upsample_nearest_" + s, List.of("&" + n + "_params", x, y), List.of());
        } else if (node instanceof QTranspose t) {
            int rank = t.perm().size();
            List<String> dims = new ArrayList<>();
            List<String> perm = new ArrayList<>();
            for (int d = 0; d < 4; d++) {
                dims.add(Integer.toString(d < rank ? t.inputShape().dim(d) : 1));
                perm.add(Integer.toString(d < rank ? t.perm().get(d) : d));
            }
            params("mcu_transpose_params_t", n + "_params", t, List.of(f("rank", rank),
                    f("in_dims", "{" + String.join(", ", dims) + "}"), f("perm", "{" + String.join(", ", perm) + "}",
                            "output axis i is input axis perm[i]")));
            call(t, "mcu_transpose_" + s, List.of("&" + n + "_params", x, y), List.of());
        } else if (node instanceof QTransposeConv tc) {
            int[] hwc = hwc(tc.inputShape());
            String w = tensorArray(n + "_w", "int8_t", tc.name() + " weights int8 [kh, kw, F, C]", tc.weights(), CLit::i32);
            String b = si.equals("s8")
                    ? tensorArray(n + "_b", "int32_t", tc.name() + " bias int32", tc.bias(), CLit::i32)
                    : tensorArray(n + "_b64", "int64_t", tc.name() + " bias int64", tc.bias(), CLit::i64);
            String r = rescaleArray(n + "_rescale", tc.rescale(), tc.name() + " rescale 2^acc_shift s_w s_x / s_y");
            params("mcu_transpose_conv_params_t", n + "_params", tc, List.of(f("in_h", hwc[0]), f("in_w", hwc[1]),
                    f("channels", tc.channels()), f("filters", tc.filters()), f("kernel_h", tc.kernelH()),
                    f("kernel_w", tc.kernelW()), f("stride_h", tc.strideH()), f("stride_w", tc.strideW()),
                    f("pad_top", tc.padTop()), f("pad_left", tc.padLeft()), f("out_h", tc.outH()), f("out_w", tc.outW()),
                    f("input_zp", CLit.i32(tc.inputZeroPoint())), f("weights", w),
                    f(si.equals("s8") ? "bias" : "bias64", b), f("rescale", r), f("rescale_count", tc.rescale().size()),
                    f("acc_shift", tc.accShift()), f("output_zp", CLit.i32(ot.zeroPoint()), typeComment("output", ot)),
                    f("act_min", tc.actMin()), f("act_max", tc.actMax())));
            call(tc, "mcu_transpose_conv_" + k, List.of("&" + n + "_params", x, y), List.of());
        } else if (node instanceof QReverse rv) {
            Shape os = rv.outputShape();
            int inner = 1;
            for (int d = rv.axis() + 1; d < os.rank(); d++) {
                inner *= os.dim(d);
            }
            int len = os.dim(rv.axis());
            call(rv, "mcu_reverse_" + s, List.of(x, os.size() / (len * inner) + "", len + "", inner + "", y), List.of());
        } else if (node instanceof dev.mcugen.ir.quant.QConv16x8 c) {
            lowerConv16x8(c, n, x, y);
        } else if (node instanceof dev.mcugen.ir.quant.QStridedSlice ss) {
            lowerStridedSlice(ss, n, x, y, s);
        } else if (node instanceof dev.mcugen.ir.quant.QTflMean mean) {
            lowerTflMean(mean, n, x, y, s);
        } else if (node instanceof dev.mcugen.ir.quant.QDepthwise16x8 d) {
            lowerDepthwise16x8(d, n, x, y);
        } else if (node instanceof dev.mcugen.ir.quant.QTflMeanSteps ms) {
            String steps = tensorArray(n + "_table", "int32_t", ms.name() + " the smallest channel sum giving each output"
                    + " -127 .. 127 (TFLite's float32 mean, evaluated at compile time)", ms.steps(), CLit::i32);
            params("mcu_mean_tfl_steps_params_t", n + "_params", ms, List.of(f("in_h", ms.inputShape().dim(0)),
                    f("in_w", ms.inputShape().dim(1)), f("channels", ms.inputShape().dim(2)), f("steps", steps)));
            call(ms, "mcu_mean_tfl_steps_s8", List.of("&" + n + "_params", x, y), List.of());
        } else if (node instanceof QRequant r) {
            params("mcu_requant_params_t", n + "_params", r, List.of(f("input_zp", r.inputZeroPoint()), f("gain", r.gain()),
                    rescaleField("rescale", r.rescale(), "R"), f("offset", r.offset()),
                    f("output_zp", CLit.i32(ot.zeroPoint()), typeComment("output", ot)), f("lo", r.lo()), f("hi", r.hi())));
            call(r, "mcu_requant_" + k, List.of("&" + n + "_params", x, shape(r.name()).size() + "", y), List.of());
        } else if (node instanceof QLut l) {
            String t = tensorArray(n + "_table", ctype(ot.bits()), l.name() + " table of " + l.function()
                    + (ot.bits() == 8 ? ", output for input -128 + i" : ", output at input -32768 + 128 i, interpolated"),
                    l.table(), CLit::i32);
            call(l, "mcu_lut_" + s, List.of(t, x, shape(l.name()).size() + "", y), List.of());
        } else if (node instanceof QPRelu pr) {
            String g = tensorArray(n + "_gains", "int16_t", pr.name() + " negative-side slopes (gain * R_alpha = alpha s_x / s_y)",
                    pr.gains(), CLit::i32);
            params("mcu_prelu_params_t", n + "_params", pr, List.of(f("input_zp", pr.inputZeroPoint()), f("gains", g),
                    f("gain_count", pr.gains().size()),
                    rescaleField("identity_rescale", pr.identityRescale(), "s_x / s_y"),
                    rescaleField("alpha_rescale", pr.alphaRescale(), "R_alpha"),
                    f("output_zp", CLit.i32(ot.zeroPoint()), typeComment("output", ot)),
                    f("qmin", ot.qmin()), f("qmax", ot.qmax())));
            call(pr, "mcu_prelu_" + s, List.of("&" + n + "_params", x, shape(pr.name()).size() + "", y), List.of());
        } else if (node instanceof QChannelAffine a) {
            String w = tensorArray(n + "_w", "int16_t", a.name() + " per-channel gain", a.weights(), CLit::i32);
            String b = tensorArray(n + "_b", "int32_t", a.name() + " bias int32, input zero point folded in", a.bias(), CLit::i32);
            String r = rescaleArray(n + "_rescale", a.rescale(), a.name() + " rescale s_w s_x / s_y");
            params("mcu_channel_affine_params_t", n + "_params", a, List.of(f("channels", a.outputShape().last()),
                    f("weights", w), f("bias", b), f("rescale", r), f("rescale_count", a.rescale().size()),
                    f("output_zp", CLit.i32(ot.zeroPoint()), typeComment("output", ot)), f("lo", a.lo()), f("hi", a.hi())));
            call(a, "mcu_channel_affine_" + s, List.of("&" + n + "_params", x, shape(a.name()).size() + "", y), List.of());
        } else if (node instanceof QLayerNormalization ln) {
            String gm = tensorArray(n + "_w", "int16_t", ln.name() + " gamma int16", ln.gamma(), CLit::i32);
            String b = tensorArray(n + "_b", "int32_t", ln.name() + " bias int32, scale s_g 2^-f", ln.bias(), CLit::i32);
            params("mcu_layer_norm_params_t", n + "_params", ln, List.of(f("row", ln.outputShape().last()),
                    f("norm_frac_bits", ln.normFracBits(), "f: the normalized value is Q" + (15 - ln.normFracBits())
                            + "." + ln.normFracBits()),
                    f("epsilon_term", CLit.i64(ln.epsilonTerm()), "E = round(row^2 epsilon / s_x^2)"),
                    f("gamma", gm), f("bias", b), rescaleField("rescale", ln.rescale(), "R = s_g 2^-f / s_y"),
                    f("output_zp", CLit.i32(ot.zeroPoint()), typeComment("output", ot)), f("lo", ln.lo()), f("hi", ln.hi())));
            int lnRows = shape(ln.name()).size() / ln.outputShape().last();
            call(ln, "mcu_layer_norm_" + s, List.of("&" + n + "_params", lnRows + "", x, y), List.of());
        } else if (node instanceof QEmbedding e) {
            String t = tensorArray(n + "_w", ctype(ot.bits()), e.name() + " table " + ctype(ot.bits())
                    + ", quantized with the output type", e.table(), CLit::i32);
            params("mcu_embedding_params_t", n + "_params", e, List.of(f("rows", e.rows(), "input_dim: token ids in [0, rows)"),
                    f("dim", e.dim()), f("table_s8", ot.bits() == 8 ? t : "NULL"), f("table_s16", ot.bits() == 16 ? t : "NULL")));
            call(e, "mcu_embedding_" + s, List.of("&" + n + "_params", x, shape(e.inputs().get(0)).size() + "", y), List.of());
        } else if (node instanceof QLogistic l) {
            params("mcu_logistic_params_t", n + "_params", l, List.of(
                    f("function", l.function() == Activation.SIGMOID ? "MCU_LOGISTIC_SIGMOID" : "MCU_LOGISTIC_TANH"),
                    f("impl", l.impl() == QLogistic.Impl.LUT ? "MCU_ACTIVATION_LUT" : "MCU_ACTIVATION_POLY"),
                    f("input_zp", l.inputZeroPoint()), rescaleField("input_rescale", l.inputRescale(), "s_x / 2^-12"),
                    rescaleField("output_rescale", l.outputRescale(), "2^-15 / s_y"),
                    f("output_zp", CLit.i32(ot.zeroPoint()), typeComment("output", ot)),
                    f("qmin", ot.qmin()), f("qmax", ot.qmax())));
            call(l, "mcu_logistic_" + k, List.of("&" + n + "_params", x, shape(l.name()).size() + "", y), List.of());
        } else if (node instanceof QSoftmax sm) {
            int depth = sm.outputShape().last();
            params("mcu_softmax_params_t", n + "_params", sm, List.of(f("depth", depth),
                    rescaleField("input_beta", sm.inputBeta(), "s_x * 2^26"), f("diff_min", sm.diffMin()),
                    f("output_frac_bits", sm.outputFractionalBits()),
                    f("output_zp", CLit.i32(ot.zeroPoint()), typeComment("output", ot)),
                    f("qmin", ot.qmin()), f("qmax", ot.qmax())));
            call(sm, "mcu_softmax_" + (si.equals("s32") ? "s32_" : "") + s, List.of("&" + n + "_params", shape(sm.name()).size() / depth + "", x, y), List.of());
        } else {
            throw new IllegalStateException(node.name());
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Recurrent layers (mcu_rnn.h): params structs nest the gate and matrix structs; the state lives
    // in ctx->state, the scratch in the arena.

    private void lowerRecurrent(QRecurrent r) {
        String n = name(r.name());
        String src = r.inputs().get(0);
        Shape is = shapes.get(src);
        int steps = is.dim(0);
        int inSize = is.dim(1);
        String k = sfx(types.get(src));
        boolean perRow = rows.contains(src);
        String xt = perRow ? ptr(src) : offset(ptr(src), inSize, r.goBackwards() ? "(" + (steps - 1) + " - t)" : "t");
        int outUnits = r.outputShape().last();
        String yBase = ptr(r.name());
        String yt = perRow || !r.returnSequences() ? yBase : offset(yBase, outUnits, "t");
        String scratch16 = pointer.get(r.name() + scratchTag + "16");
        List<View.Local> locals = new ArrayList<>();
        List<View.Call> calls = new ArrayList<>();
        String stateLocal = n + "_state";
        // the int8 kernels (mcu_lstm_step_s8, mcu_gru_step_s8) read their gates' int8 vectors four rows at a time
        boolean s8 = k.equals("s8");
        // weights narrower than 8 bits (4 or 2) stored packed: the _sub8_ step kernel, other matrices PLAIN
        sub8Layer = s8 && SubBytePacking.hasPacked(r);
        String kernel = sub8Layer ? "sub8_" + k : k;
        s8 = s8 && !sub8Layer;
        if (r instanceof QLstm l) {
            QuantType ht = l.outputType();
            stateArray(n + "_h", ht.bits(), l.outputUnits(), literal(ht.bits(), ht.zeroPoint()),
                    r.name() + " h (the layer output), fresh: the output zero point");
            stateArray(n + "_c", 16, l.units(), "0", typeComment(r.name() + " cell state c", l.cellType()));
            String inputGate = "NULL";
            if (l.inputGate() != null) {
                inputGate = "&" + n + "_input_gate";
                params.add(new View.Params("mcu_rnn_gate_t", n + "_input_gate", CLit.comment(r.name() + " input gate i"),
                        gateFields(n + "_i", l.inputGate(), s8, s8)));
            }
            String projection = "NULL";
            if (l.projection() != null) {
                projection = "&" + n + "_projection";
                params.add(new View.Params("mcu_rnn_matvec_t", n + "_projection", CLit.comment(r.name() + " projection"),
                        matVecFields(n + "_proj", l.projection())));
            }
            QuantType mt = l.hiddenType();
            params.add(new View.Params("mcu_lstm_params_t", n + "_params", CLit.comment(r.name() + " (LSTM"
                    + (l.cifg() ? ", CIFG" : "") + "): " + typeComment("output", ht)), List.of(
                    f("units", l.units()), f("input_gate", inputGate),
                    nested("forget_gate", gateFields(n + "_f", l.forgetGate(), s8, s8)),
                    nested("cell_gate", gateFields(n + "_z", l.cellGate(), s8, s8)),
                    nested("output_gate", gateFields(n + "_o", l.outputGate(), s8, s8)),
                    f("cell_forget_shift", l.cellForgetShift()), f("cell_input_shift", l.cellInputShift()),
                    nested("cell_activation", actFields(l.cellActivation())),
                    rescaleField("hidden_rescale", l.hiddenRescale(), "2^-15 s_act / s_m"),
                    f("hidden_zp", CLit.i32(mt.zeroPoint()), typeComment("m", mt)),
                    f("hidden_min", mt.qmin()), f("hidden_max", mt.qmax()),
                    f("projection", projection), f("output_zp", ht.zeroPoint()),
                    f("output_min", ht.qmin()), f("output_max", ht.qmax()))));
            boolean wide = k.equals("s16");
            locals.add(new View.Local(wide ? "mcu_lstm_state_s16_t" : "mcu_lstm_state_t", stateLocal, "1",
                    List.of("{ ctx->state." + n + "_h, ctx->state." + n + "_c }")));
            List<String> args = new ArrayList<>(List.of("&" + n + "_params", stateLocal, xt, yt, scratch16));
            if (!wide) {
                args.add(l.projection() != null ? pointer.get(r.name() + scratchTag + "8") : "NULL");
            }
            calls.add(new View.Call("mcu_lstm_step_" + kernel, args));
            if (!sub8Layer && pairable(r, src, k)) {
                List<String> pre = new ArrayList<>(args);
                pre.set(2, "pre");
                planPair(r, locals, calls, new View.Call("mcu_lstm_step_acc_s8", pre), "mcu_lstm_input2_s8",
                        "&" + n + "_params", 4 * l.units());
            }
        } else if (r instanceof QGru gr) {
            stateArray(n + "_h", 16, gr.units(), "0", typeComment(r.name() + " state h", gr.stateType()));
            boolean hasOut = gr.outputRescale() != null;
            QuantType ot = gr.outputType();
            params.add(new View.Params("mcu_gru_params_t", n + "_params", CLit.comment(r.name() + " (GRU, reset_after "
                    + gr.resetAfter() + "): " + typeComment("output", ot)), List.of(
                    f("units", gr.units()), f("reset_after", gr.resetAfter() ? 1 : 0),
                    nested("update_gate", gateFields(n + "_z", gr.updateGate(), s8, false)),
                    nested("reset_gate", gateFields(n + "_r", gr.resetGate(), s8, false)),
                    nested("candidate_input", matVecFields(n + "_hx", gr.candidateInput(), s8)),
                    nested("candidate_recurrent", matVecFields(n + "_hh", gr.candidateRecurrent())),
                    f("reset_shift", gr.resetShift()),
                    rescaleField("reset_product_rescale", gr.resetAfter() ? gr.resetProductRescale() : Rescale.IDENTITY,
                            "s_r s_rec / s_pre"),
                    nested("candidate_activation", actFields(gr.candidateActivation())),
                    f("update_shift", gr.updateShift()), f("has_output_rescale", hasOut ? 1 : 0),
                    rescaleField("output_rescale", hasOut ? gr.outputRescale() : Rescale.IDENTITY, "s_h / s_y"),
                    f("output_zp", ot.zeroPoint()), f("output_min", ot.qmin()), f("output_max", ot.qmax()))));
            locals.add(new View.Local("mcu_gru_state_t", stateLocal, "1", List.of("{ ctx->state." + n + "_h }")));
            calls.add(new View.Call("mcu_gru_step_" + kernel, List.of("&" + n + "_params", stateLocal, xt, hasOut ? yt : "NULL",
                    scratch16)));
            View.Call preCall = new View.Call("mcu_gru_step_acc_s8", List.of("&" + n + "_params", stateLocal, "pre",
                    hasOut ? yt : "NULL", scratch16));
            stateOutput(calls, hasOut, yt, n, gr.units());
            if (!sub8Layer && pairable(r, src, k)) {
                planPair(r, locals, calls, preCall, "mcu_gru_input2_s8", "&" + n + "_params", 3 * gr.units());
            }
        } else if (r instanceof QSimpleRnn s) {
            stateArray(n + "_h", 16, s.units(), "0", typeComment(r.name() + " state h", s.stateType()));
            boolean hasOut = s.outputRescale() != null;
            QuantType ot = s.outputType();
            params.add(new View.Params("mcu_simple_rnn_params_t", n + "_params", CLit.comment(r.name() + " (SimpleRNN): "
                    + typeComment("output", ot)), List.of(
                    f("units", s.units()), nested("input", matVecFields(n + "_x", s.input())),
                    nested("recurrent", matVecFields(n + "_h", s.recurrent())),
                    nested("activation", actFields(s.activation())), f("has_output_rescale", hasOut ? 1 : 0),
                    rescaleField("output_rescale", hasOut ? s.outputRescale() : Rescale.IDENTITY, "s_h / s_y"),
                    f("output_zp", ot.zeroPoint()), f("output_min", ot.qmin()), f("output_max", ot.qmax()))));
            locals.add(new View.Local("mcu_simple_rnn_state_t", stateLocal, "1", List.of("{ ctx->state." + n + "_h }")));
            calls.add(new View.Call("mcu_simple_rnn_step_" + k, List.of("&" + n + "_params", stateLocal, xt,
                    hasOut ? yt : "NULL", scratch16)));
            stateOutput(calls, hasOut, yt, n, s.units());
        } else if (r instanceof dev.mcugen.ir.quant.QLstmTfl t) {
            lowerLstmTfl(t, n, xt, yt, scratch16, locals, calls);
        } else {
            throw new IllegalStateException(r.name());
        }
        sub8Layer = false;
        if (perRow) {
            out.add(new View.Step(stepComment(r) + ": one time step", locals, calls, false, ""));
        } else {
            needsLoop = true;
            out.add(new View.Step(stepComment(r) + ": " + steps + " time steps"
                    + (r.goBackwards() ? ", last input row first" : ""), locals, calls, true, Integer.toString(steps)));
        }
    }

    /** QLstmTfl: mcu_lstm_tfl_s8 (mcu_tfl.h), TFLite's integer LSTM with the file's parameters, one step. */
    private void lowerLstmTfl(dev.mcugen.ir.quant.QLstmTfl l, String n, String xt, String yt, String scratch16,
                              List<View.Local> locals, List<View.Call> calls) {
        QuantType ht = l.outputType();
        stateArray(n + "_h", 8, l.units(), literal(8, ht.zeroPoint()), l.name() + " h (the layer output), fresh: the output zero point");
        stateArray(n + "_c", 16, l.units(), "0", l.name() + " cell state c: int16 Q" + (15 - l.cellFracBits()) + "."
                + l.cellFracBits());
        String[] tags = {"f", "i", "z", "o"};
        dev.mcugen.ir.quant.QLstmTfl.Gate[] gates = {l.forget(), l.input(), l.cell(), l.output()};
        String[] fieldNames = {"forget_gate", "input_gate", "cell_gate", "output_gate"};
        List<View.Field> fields = new ArrayList<>(List.of(f("units", l.units()), f("input_size", l.inputSize())));
        for (int k = 0; k < 4; k++) {
            dev.mcugen.ir.quant.QLstmTfl.Gate g = gates[k];
            String px = n + "_" + tags[k] + "x";
            String ph = n + "_" + tags[k] + "h";
            String wx = tensorArray(px + "_w", "int8_t", l.name() + " " + fieldNames[k] + " input weights int8 [units, inputs]",
                    g.inputWeights(), CLit::i32);
            String bx = tensorArray(px + "_b", "int32_t", l.name() + " " + fieldNames[k] + " bias int32, input zero point folded in",
                    g.inputBias(), CLit::i32);
            String wh = tensorArray(ph + "_w", "int8_t", l.name() + " " + fieldNames[k] + " recurrent weights int8 [units, units]",
                    g.recurrentWeights(), CLit::i32);
            String bh = tensorArray(ph + "_b", "int32_t", l.name() + " " + fieldNames[k] + " recurrent zero point folded in",
                    g.recurrentBias(), CLit::i32);
            fields.add(nested(fieldNames[k], List.of(f("input_weights", wx), f("input_bias", bx),
                    rescaleField("input_rescale", g.inputRescale(), "s_x s_W / 2^-12"), f("recurrent_weights", wh),
                    f("recurrent_bias", bh), rescaleField("recurrent_rescale", g.recurrentRescale(), "s_h s_U / 2^-12"))));
        }
        fields.add(f("cell_gate_sigmoid", l.cellActivation() == Activation.SIGMOID ? 1 : 0));
        fields.add(f("cell_integer_bits", 15 - l.cellFracBits()));
        fields.add(rescaleField("forget_cell_rescale", l.forgetCellRescale(), "2^-15 s_c / s_c"));
        fields.add(rescaleField("input_cell_rescale", l.inputCellRescale(), "2^-30 / s_c"));
        fields.add(rescaleField("hidden_rescale", l.hiddenRescale(), "2^-30 / s_h"));
        fields.add(f("hidden_zp", CLit.i32(ht.zeroPoint()), typeComment("h", ht)));
        fields.add(f("cell_clip", l.cellClip(), l.cellClip() == 0 ? "no clipping" : "the file's cell_clip over s_c"));
        params.add(new View.Params("mcu_lstm_tfl_params_t", n + "_params", CLit.comment(l.name()
                + " (TFLite integer LSTM): " + typeComment("output", ht)), fields));
        String stateLocal = n + "_state";
        locals.add(new View.Local("mcu_lstm_tfl_state_t", stateLocal, "1",
                List.of("{ ctx->state." + n + "_h, ctx->state." + n + "_c }")));
        calls.add(new View.Call("mcu_lstm_tfl_s8", List.of("&" + n + "_params", stateLocal, xt, yt, scratch16)));
    }

    /** Without an output rescale the layer output is the int16 state itself: copy it out. */
    /**
     * Whether _invoke can take this layer's input products two steps at a time (mcu_*_input2_s8): an
     * int8 LSTM or GRU running per row on the model input itself (so step t + 1's input is known at
     * step t), the first such layer, on a target whose layout has the two-step kernel (ROWS4: one
     * weight load and one SMLAL serve both steps; elsewhere the products would only move, not shrink).
     */
    private boolean pairable(QRecurrent r, String src, String k) {
        return pairPlan == null && k.equals("s8") && WeightLayout.forTarget(opts.target()) == WeightLayout.ROWS4
                && rows.contains(src) && ptr(src).equals("x") && !r.goBackwards()
                && (r instanceof QLstm || r instanceof QGru);
    }

    /** Plans the paired _invoke: this layer's step (about to be added to out) reads pre through preCall. */
    private void planPair(QRecurrent r, List<View.Local> locals, List<View.Call> calls, View.Call preCall, String input2,
                          String params, int half) {
        List<View.Call> pre = new ArrayList<>(calls);
        pre.set(pre.indexOf(calls.stream().filter(c -> c.args().contains("x")).findFirst().orElseThrow()), preCall);
        pairPlan = new PairPlan(out.size(), new View.Step(stepComment(r) + ": one time step, input products given",
                locals, List.copyOf(pre), false, ""), input2, params, half, "'" + r.name() + "'");
    }

    private void stateOutput(List<View.Call> calls, boolean hasOut, String yt, String n, int units) {
        if (!hasOut) {
            needsString = true;
            calls.add(new View.Call("memcpy", List.of(yt, "ctx->state." + n + "_h", "sizeof(int16_t) * " + units + "u")));
        }
    }

    private void stateArray(String name, int bits, int length, String value, String comment) {
        state.add(new View.StateArray(ctype(bits), name, Integer.toString(length), CLit.comment(comment)));
        resets.add(new View.Reset(name, Integer.toString(length), value));
    }

    private static String literal(int bits, int value) {
        return value == 0 ? "0" : "(" + ctype(bits) + ")" + CLit.i32(value);
    }

    /** {@code base + stride * index} as a C pointer expression. */
    private static String offset(String base, int stride, String index) {
        return base + " + " + stride + " * " + index;
    }

    private static View.Field nested(String name, List<View.Field> fields) {
        return new View.Field(name, "", false, "", List.copyOf(fields));
    }

    private List<View.Field> matVecFields(String prefix, QMatVec m) {
        return matVecFields(prefix, m, false);
    }

    /**
     * A matVec; {@code packed}: the runtime reads it four rows at a time on an int8 vector (the gates
     * of mcu_lstm_step_s8, the input products of mcu_gru_step_s8), so it gets the target's layout.
     */
    private List<View.Field> matVecFields(String prefix, QMatVec m, boolean packed) {
        if (sub8Layer && SubBytePacking.packed(m.weights())) {
            String b = tensorArray(prefix + "_b", "int32_t", prefix + " bias int32, input zero point folded in", m.bias(),
                    CLit::i32);
            return List.of(f("rows", m.rows()), f("cols", m.cols()), f("weights", "NULL"), f("bias", b),
                    rescaleField("rescale", m.rescale(), "s_w s_x / s_dest"), f("weight_layout", "MCU_WLAYOUT_SUB8"),
                    nested("sub8", sub8Fields(prefix + "_w", prefix + " weights", m.weights(),
                            (r, c) -> (int) m.weights().get(r * m.cols() + c), m.rows(), m.cols())));
        }
        WeightLayout layout = packed ? WeightLayout.forTarget(opts.target()) : WeightLayout.PLAIN;
        int cols = m.cols();
        String w = layout == WeightLayout.PLAIN
                ? tensorArray(prefix + "_w", "int8_t", prefix + " weights int8 [rows, cols]", m.weights(), CLit::i32)
                : packedArray(prefix + "_w", prefix + " weights int8", layout,
                        (r, c) -> (int) m.weights().get(r * cols + c), m.rows(), cols);
        String b = tensorArray(prefix + "_b", "int32_t", prefix + " bias int32, input zero point folded in", m.bias(), CLit::i32);
        return List.of(f("rows", m.rows()), f("cols", m.cols()), f("weights", w), f("bias", b),
                rescaleField("rescale", m.rescale(), "s_w s_x / s_dest"), f("weight_layout", layout.cName()));
    }

    /** The fields of an mcu_sub8_matrix_t and its packed codes array (SubBytePacking). */
    private List<View.Field> sub8Fields(String name, String what, IntTensor w, SubBytePacking.Matrix m, int rows, int cols) {
        byte[] b = SubBytePacking.pack(w, m, rows, cols);
        int bits = w.declaredBits();
        String comment = what + " [" + rows + " outputs, " + cols + " inputs], " + bits + "-bit codes k packed "
                + 8 / bits + " per byte, first column in the lowest bits, rows of " + SubBytePacking.rowBytes(cols, bits)
                + " bytes; w = " + SubBytePacking.codeScale(w) + " k - " + SubBytePacking.codeOffset(w)
                + (w.oddLevels() ? " (balanced quantization's odd levels)" : "");
        arrays.add(new View.Array("uint8_t", name, Integer.toString(b.length), CLit.comment(comment),
                CLit.wrapLazily(b.length, i -> b[i] & 0xff, CLit::i32)));
        arrayLayers.add(currentLayer);
        return List.of(f("codes", name), f("bits", bits), f("code_scale", SubBytePacking.codeScale(w)),
                f("code_offset", SubBytePacking.codeOffset(w)));
    }

    /** QFullyConnected with packed 4- or 2-bit weights: mcu_fully_connected_s8w4* / s8w2* (mcu_nn.h). */
    private void lowerSub8Dense(QFullyConnected fc, String n, String x, String y, QuantType ot) {
        int units = fc.units();
        List<View.Field> w = sub8Fields(n + "_w", fc.name() + " weights", fc.weights(),
                (r, c) -> (int) fc.weights().get(c * units + r), units, fc.inputSize());
        String b = tensorArray(n + "_b", "int32_t", fc.name() + " bias int32, input zero point folded in", fc.bias(),
                CLit::i32);
        String r = rescaleArray(n + "_rescale", fc.rescale(), fc.name() + " rescale s_w s_x / s_y");
        params("mcu_fc_sub8_params_t", n + "_params", fc, List.of(f("input_size", fc.inputSize()), f("units", units),
                nested("weights", w), f("bias", b), f("rescale", r), f("rescale_count", fc.rescale().size()),
                f("output_zp", CLit.i32(ot.zeroPoint()), typeComment("output", ot)),
                f("act_min", fc.actMin()), f("act_max", fc.actMax())));
        String out = sfx(ot);
        int fcRows = shape(fc.name()).size() / units;
        call(fc, "mcu_fully_connected_s8w" + fc.weights().declaredBits() + (out.equals("s8") ? "" : "_" + out),
                List.of("&" + n + "_params", fcRows + "", x, y), List.of());
    }

    /** QConv / QDepthwiseConv with packed 4- or 2-bit weights: mcu_conv_s8w4* ... (mcu_conv_sub8_params_t). */
    private void lowerSub8Conv(QNode node, String n, String x, String y, QuantType ot) {
        boolean dw = node instanceof QDepthwiseConv;
        QConv c = dw ? null : (QConv) node;
        QDepthwiseConv d = dw ? (QDepthwiseConv) node : null;
        Shape is = dw ? d.inputShape() : c.inputShape();
        int h = is.rank() == 2 ? 1 : is.dim(0);
        int wd = is.rank() == 2 ? is.dim(0) : is.dim(1);
        int kh = dw ? d.kernelH() : c.kernelH();
        int kw = dw ? d.kernelW() : c.kernelW();
        int channels = is.last();
        int outCh = dw ? channels * d.multiplier() : c.filters();
        int cols = dw ? kh * kw : kh * kw * channels;
        IntTensor weights = dw ? d.weights() : c.weights();
        List<View.Field> w = sub8Fields(n + "_w", node.name() + (dw ? " depthwise weights (taps)" : " weights (kh, kw, C)"),
                weights, (r, col) -> (int) weights.get(col * outCh + r), outCh, cols);
        IntTensor bias = dw ? d.bias() : c.bias();
        List<Rescale> rescale = dw ? d.rescale() : c.rescale();
        String b = tensorArray(n + "_b", "int32_t", node.name() + " bias int32, input zero point folded in", bias, CLit::i32);
        String r = rescaleArray(n + "_rescale", rescale, node.name() + " rescale s_w s_x / s_y");
        params("mcu_conv_sub8_params_t", n + "_params", node, List.of(f("in_h", h), f("in_w", wd),
                f("channels", channels), f("out_channels", outCh), f("multiplier", dw ? d.multiplier() : 0),
                f("kernel_h", kh), f("kernel_w", kw), f("stride_h", dw ? d.strideH() : c.strideH()),
                f("stride_w", dw ? d.strideW() : c.strideW()), f("dilation_h", dw ? d.dilationH() : c.dilationH()),
                f("dilation_w", dw ? d.dilationW() : c.dilationW()), f("padding", padding(dw ? d.padding() : c.padding())),
                f("pad_value", CLit.i32(dw ? d.padValue() : c.padValue()), "the input zero point"),
                nested("weights", w), f("bias", b), f("rescale", r), f("rescale_count", rescale.size()),
                f("output_zp", CLit.i32(ot.zeroPoint()), typeComment("output", ot)),
                f("act_min", dw ? d.actMin() : c.actMin()), f("act_max", dw ? d.actMax() : c.actMax())));
        String out = sfx(ot);
        call(node, (dw ? "mcu_depthwise_conv_s8w" : "mcu_conv_s8w") + weights.declaredBits()
                + (out.equals("s8") ? "" : "_" + out), List.of("&" + n + "_params", x, y), List.of());
    }

    private static List<View.Field> actFields(QActivation a) {
        String fn;
        switch (a.function()) {
            case SIGMOID:
                fn = "MCU_RNN_ACT_SIGMOID";
                break;
            case TANH:
                fn = "MCU_RNN_ACT_TANH";
                break;
            case HARD_SIGMOID:
                fn = "MCU_RNN_ACT_HARD_SIGMOID";
                break;
            case RELU:
                fn = "MCU_RNN_ACT_RELU";
                break;
            case LINEAR:
                fn = "MCU_RNN_ACT_LINEAR";
                break;
            default:
                throw new IllegalStateException(a.function().toString());
        }
        return List.of(f("function", fn), f("impl", a.impl() == QActivation.Impl.POLY ? "MCU_RNN_IMPL_POLY" : "MCU_RNN_IMPL_LUT"),
                f("input_frac_bits", a.inputFracBits(), "input Q" + (15 - a.inputFracBits()) + "." + a.inputFracBits()));
    }

    private List<View.Field> gateFields(String prefix, QGate gate) {
        return gateFields(prefix, gate, false, false);
    }

    /** A gate; packX / packH: its input / recurrent matVec reads an int8 vector four rows at a time. */
    private List<View.Field> gateFields(String prefix, QGate gate, boolean packX, boolean packH) {
        List<View.Field> fs = new ArrayList<>();
        fs.add(nested("input", matVecFields(prefix + "x", gate.input(), packX)));
        fs.add(nested("recurrent", matVecFields(prefix + "h", gate.recurrent(), packH)));
        if (gate.peephole() != null) {
            fs.add(f("peephole", tensorArray(prefix + "_peephole", "int16_t", prefix + " peephole int16",
                    gate.peephole().weights(), CLit::i32)));
            fs.add(rescaleField("peephole_rescale", gate.peephole().rescale(), "s_P s_c / s_dest"));
        } else {
            fs.add(f("peephole", "NULL"));
            fs.add(f("peephole_rescale", CLit.rescale(Rescale.IDENTITY)));
        }
        if (gate.layerNorm() != null) {
            QLayerNorm ln = gate.layerNorm();
            fs.add(f("ln_coefficients", tensorArray(prefix + "_ln_l", "int16_t", prefix + " layer-norm coefficients int16",
                    ln.coefficients(), CLit::i32)));
            fs.add(f("ln_bias", tensorArray(prefix + "_ln_b", "int32_t", prefix + " layer-norm bias int32", ln.bias(),
                    CLit::i32)));
            fs.add(rescaleField("ln_rescale", ln.rescale(), "s_L 2^-10 / s_pre"));
        } else {
            fs.add(f("ln_coefficients", "NULL"));
            fs.add(f("ln_bias", "NULL"));
            fs.add(f("ln_rescale", CLit.rescale(Rescale.IDENTITY)));
        }
        fs.add(nested("activation", actFields(gate.activation())));
        return fs;
    }

    private static String padding(Padding p) {
        return p == Padding.SAME ? "MCU_PADDING_SAME" : "MCU_PADDING_VALID";
    }

    /** SHA-256 over every literal and call of the lowered program: changes iff the integers or the plan change. */
    private String programHash(List<View.Step> steps, List<View.Step> seqSteps, List<View.Step> tailSteps) {
        // The digest of name + lines.toString() + "\n" per array (then the params, state, resets and
        // steps), fed a piece at a time: a large model's literals are never one string.
        Digest d = new Digest();
        for (View.Array a : arrays) {
            d.add(a.name()).addList(a.lines()).add("\n");
        }
        params.forEach(p -> d.add(p.name()).add(String.valueOf(p.fields())).add("\n"));
        state.forEach(st -> d.add(String.valueOf(st)).add("\n"));
        resets.forEach(r -> d.add(String.valueOf(r)).add("\n"));
        for (List<View.Step> list : List.of(steps, seqSteps, tailSteps)) {
            list.forEach(st -> d.add(String.valueOf(st.calls())).add(String.valueOf(st.locals())).add(st.loopCount()).add("\n"));
            d.add("--\n");
        }
        return d.hex();
    }

    /** SHA-256 of the UTF-8 bytes of the strings added, in order (buffered: whole strings, never split). */
    private static final class Digest {
        private final MessageDigest md;
        private final StringBuilder pending = new StringBuilder();

        Digest() {
            try {
                md = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        Digest add(String s) {
            pending.append(s);
            if (pending.length() >= 1 << 16) {
                flush();
            }
            return this;
        }

        /** Adds {@code lines.toString()}, a line at a time. */
        Digest addList(List<String> lines) {
            pending.append('[');
            for (int i = 0; i < lines.size(); i++) {
                if (i > 0) {
                    pending.append(", ");
                }
                if (lines instanceof CLit.LineAppender w) {
                    w.appendLine(i, pending);
                } else {
                    pending.append(lines.get(i));
                }
                if (pending.length() >= 1 << 16) {
                    flush();
                }
            }
            pending.append(']');
            return this;
        }

        private void flush() {
            md.update(pending.toString().getBytes(StandardCharsets.UTF_8));
            pending.setLength(0);
        }

        String hex() {
            flush();
            return HexFormat.of().formatHex(md.digest());
        }
    }
}
