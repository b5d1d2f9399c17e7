package dev.mcugen.gen;

import dev.mcugen.ir.Activation;
import dev.mcugen.ir.Diag;
import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.Node;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.PoolKind;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.ShapeInference;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The float32 C baseline of a model (issue 6's benchmark compares mcugen's integer C with it): the
 * same imported float graph emitted as straightforward float C over the small float runtime in
 * {@code runtime-c/float/} ({@code mcf_*}), the way a firmware engineer would write it (weights
 * transposed so every output is a dot product over contiguous rows, {@code expf}/{@code tanhf} from
 * the C library). Semantics: mcugen's float interpreter (TF.js layers).
 *
 * <p>Covers models of Dense, Conv1D, DepthwiseConv (1-D and 2-D), 1-D max/average pooling, global
 * pooling, Flatten/Reshape/Dropout, stand-alone activations, element-wise ops with a constant
 * per-channel operand, LayerNormalization, Embedding (token ids passed as floats holding whole numbers),
 * plain LSTM, GRU (both reset_after forms) and SimpleRNN, and the Add, Concatenate and Reverse that merge
 * the two directions of a bidirectional layer, with any number of inputs and outputs: a chain with one
 * input and one output ping-pongs between two buffers, other graphs keep each tensor in a buffer of its
 * own. Refuses anything else with {@code MCG_GEN_UNSUPPORTED}.
 * Not part of {@code mcugen build}, whose output is float-free (DESIGN §6). The program must be linked
 * with {@link #LINK_LIBRARIES}.
 */
public final class FloatCGenerator {
    /** Libraries the float C links against (libm for expf / tanhf). */
    public static final List<String> LINK_LIBRARIES = List.of("m");
    static final String RUNTIME = "/dev/mcugen/gen/runtime/float/";
    static final List<String> HEADERS = List.of("mcf_nn.h", "mcf_internal.h");
    private static final int VALUES_PER_LINE = 6;

    private final Templates templates;

    public FloatCGenerator() {
        this(new Templates());
    }

    public FloatCGenerator(Templates templates) {
        this.templates = templates;
    }

    /**
     * @param view  what the files were rendered from
     * @param files every file by relative path: {@code <id>.h}, {@code <id>.c}, {@code runtime/float/*}
     */
    public record Output(FloatView.Model view, SortedMap<String, byte[]> files) {
        /** The program's C sources among {@link #files} (relative paths), sorted. */
        public List<String> sources() {
            return files.keySet().stream().filter(k -> k.endsWith(".c")).sorted().toList();
        }
    }

    /** Lowers {@code g} and renders the files; {@code banner} lines go into the header comment. */
    public Output build(Graph g, String id, List<String> banner) {
        FloatView.Model m = lower(g, id, banner);
        SortedMap<String, byte[]> files = new TreeMap<>();
        files.put(id + ".h", templates.render("float_model.h.ftl", m).getBytes(StandardCharsets.UTF_8));
        files.put(id + ".c", templates.render("float_model.c.ftl", m).getBytes(StandardCharsets.UTF_8));
        for (String h : HEADERS) {
            files.put("runtime/float/" + h, resource(h));
        }
        for (String s : m.runtimeSources()) {
            files.put("runtime/float/" + s, resource(s));
        }
        return new Output(m, Collections.unmodifiableSortedMap(files));
    }

    /** The view model of the float C of {@code g} (no rendering). */
    public static FloatView.Model lower(Graph g, String id, List<String> banner) {
        return new Lower(g, id).run(banner);
    }

    // ---------------------------------------------------------------------------------------------

    private static final class Lower {
        private final Graph g;
        private final String id;
        private final Map<String, Shape> shapes;
        private final List<FloatView.Weights> weights = new ArrayList<>();
        private final List<FloatView.Step> steps = new ArrayList<>();
        private final TreeSet<String> sources = new TreeSet<>();
        /** Tensor name -> the C expression of its buffer. */
        private final Map<String, String> buffer = new HashMap<>();
        private final long[] arena = new long[2];
        /** Whether each layer reads the one before (ping-pong buffers), else one buffer per layer output. */
        private boolean chain;
        /** The per-layer buffers of a non-sequential graph: name -> floats. */
        private final List<FloatView.Field> tensors = new ArrayList<>();
        private long weightBytes;
        private int hSize;
        private int cSize;
        private int gatesSize;
        private int tmpSize;

        Lower(Graph g, String id) {
            this.g = g;
            this.id = id;
            this.shapes = g.shapes();
        }

        FloatView.Model run(List<String> banner) {
            boolean single = g.inputs().size() == 1 && g.outputs().size() == 1;
            String last = g.inputs().get(0).name();
            boolean sequential = true;
            for (Node n : g.nodes()) {
                sequential &= n.inputs().size() == 1 && n.inputs().get(0).equals(last);
                last = n.name();
            }
            if (!single || !sequential) {
                return graph(banner, single);
            }
            Shape inShape = g.inputs().get(0).shape();
            if (!inShape.isFullyKnown()) {
                throw unsupported("input '" + g.inputs().get(0).name() + "'", "shape " + inShape
                        + " is not fully known; the float baseline needs fixed sizes");
            }
            String prev = g.inputs().get(0).name();
            buffer.put(prev, "x");
            List<Node> nodes = g.nodes();
            // The last node that computes writes straight into the caller's y.
            int lastCompute = -1;
            for (int i = 0; i < nodes.size(); i++) {
                if (!isAlias(nodes.get(i).op())) {
                    lastCompute = i;
                }
            }
            if (lastCompute < 0) {
                throw unsupported("model '" + g.name() + "'", "computes nothing");
            }
            chain = true;
            String before = prev;
            for (Node n : nodes) {
                chain &= n.inputs().size() == 1 && n.inputs().get(0).equals(before);
                before = n.name();
            }
            for (int i = 0; i < nodes.size(); i++) {
                Node n = nodes.get(i);
                String first = n.inputs().get(0);
                String in = buffer.get(first);
                if (isAlias(n.op())) {
                    buffer.put(n.name(), in);
                } else {
                    String out = i == lastCompute ? "y" : chain ? pick(in, n.outputShape().size()) : own(n);
                    buffer.put(n.name(), out);
                    emit(n, in, out, shapes.get(first));
                }
                prev = n.name();
            }
            if (!prev.equals(g.outputs().get(0))) {
                throw unsupported("output '" + g.outputs().get(0) + "'", "is not the last layer");
            }
            String macro = id.toUpperCase(Locale.ROOT);
            List<FloatView.Field> ctx = new ArrayList<>();
            addField(ctx, "arena_a", arena[0], "ping-pong buffer of the layer outputs");
            addField(ctx, "arena_b", arena[1], "the other ping-pong buffer");
            ctx.addAll(tensors);
            addField(ctx, "h", hSize, "recurrent hidden state");
            addField(ctx, "c", cSize, "LSTM cell state");
            addField(ctx, "gates", gatesSize, "recurrent gate pre-activations of one step");
            addField(ctx, "tmp", tmpSize, "recurrent scratch of one step");
            long ctxBytes = 4L * ctx.stream().mapToLong(f -> Long.parseLong(f.size())).sum();
            Shape outShape = g.node(g.outputs().get(0)).orElseThrow().outputShape();
            return new FloatView.Model(id, macro, macro + "_FLOAT_H", List.copyOf(banner), inShape.toString(),
                    String.valueOf(inShape.size()), outShape.toString(), String.valueOf(outShape.size()), List.copyOf(ctx),
                    List.copyOf(weights), List.copyOf(steps), List.copyOf(sources), weightBytes, ctxBytes, true,
                    List.of(new FloatView.Port(g.inputs().get(0).name(), "x", "INPUT", inShape.toString(),
                            String.valueOf(inShape.size()))),
                    List.of(new FloatView.Port(g.outputs().get(0), "y", "OUTPUT", outShape.toString(),
                            String.valueOf(outShape.size()))));
        }

        /**
         * A model that is not one chain, or has several inputs or outputs: each computed tensor in a
         * buffer of its own in the context (a baseline, not a memory plan), layers in graph order,
         * concatenations as row copies. The inputs and outputs are named as in the integer C
         * ({@code in_<name>}, {@code out_<name>}, {@code <ID>_INPUT_<NAME>_SIZE}); one input and one
         * output keep {@code x}, {@code y}, {@code <ID>_INPUT_SIZE}.
         */
        private FloatView.Model graph(List<String> banner, boolean single) {
            List<String> inNames = g.inputs().stream().map(i -> i.name()).toList();
            List<PortNames.Port> inNamed = PortNames.inputs(id, inNames, g.outputs());
            List<PortNames.Port> outNamed = PortNames.outputs(id, inNames, g.outputs());
            List<FloatView.Port> ins = new ArrayList<>();
            for (int k = 0; k < g.inputs().size(); k++) {
                var in = g.inputs().get(k);
                if (!in.shape().isFullyKnown()) {
                    throw unsupported("input '" + in.name() + "'", "shape " + in.shape()
                            + " is not fully known; the float baseline needs fixed sizes");
                }
                String param = inNamed.get(k).param();
                ins.add(new FloatView.Port(in.name(), param, inNamed.get(k).macro(), in.shape().toString(),
                        String.valueOf(in.shape().size())));
                buffer.put(in.name(), param);
            }
            List<FloatView.Port> outs = new ArrayList<>();
            Map<String, String> direct = new HashMap<>();
            for (int k = 0; k < g.outputs().size(); k++) {
                String o = g.outputs().get(k);
                Shape s = shapes.get(o);
                String param = outNamed.get(k).param();
                outs.add(new FloatView.Port(o, param, outNamed.get(k).macro(), s.toString(), String.valueOf(s.size())));
                Node n = g.node(o).orElse(null);
                boolean read = g.nodes().stream().anyMatch(x -> x.inputs().contains(o));
                if (n != null && !isAlias(n.op()) && !read && !direct.containsKey(o)) {
                    direct.put(o, param);
                }
            }
            List<FloatView.Field> ctx = new ArrayList<>();
            List<Node> nodes = g.nodes();
            for (int i = 0; i < nodes.size(); i++) {
                Node n = nodes.get(i);
                if (isAlias(n.op())) {
                    buffer.put(n.name(), buffer.get(n.inputs().get(0)));
                    continue;
                }
                String out = direct.get(n.name());
                if (out == null) {
                    out = "ctx->t" + i;
                    ctx.add(new FloatView.Field("t" + i, String.valueOf(n.outputShape().size()),
                            "output of layer " + n.name()));
                }
                buffer.put(n.name(), out);
                if (n.op() instanceof Op.Concatenate c) {
                    concat(n, c, out);
                } else if (n.inputs().size() == 1 || n.op() instanceof Op.Add) {
                    // emit reads an Add's further operands from their own buffers
                    emit(n, buffer.get(n.inputs().get(0)), out, shapes.get(n.inputs().get(0)));
                } else {
                    throw unsupported("layer '" + n.name() + "' (" + n.op().kind() + ")",
                            "the float baseline has no kernel for this op with " + n.inputs().size() + " inputs");
                }
            }
            for (int k = 0; k < g.inputs().size(); k++) {
                String i = g.inputs().get(k).name();
                if (g.nodes().stream().noneMatch(x -> x.inputs().contains(i)) && !g.outputs().contains(i)) {
                    steps.add(new FloatView.Step("input " + i + " is read by no layer", "(void)" + ins.get(k).param() + ";"));
                }
            }
            for (int k = 0; k < g.outputs().size(); k++) {
                String o = g.outputs().get(k);
                if (!direct.containsKey(o) || !direct.get(o).equals(outs.get(k).param())) {
                    steps.add(new FloatView.Step("output " + o, String.format(Locale.ROOT, "memcpy(%s, %s, sizeof(float) * %d);",
                            outs.get(k).param(), buffer.get(o), shapes.get(o).size())));
                }
            }
            addField(ctx, "h", hSize, "recurrent hidden state");
            addField(ctx, "c", cSize, "LSTM cell state");
            addField(ctx, "gates", gatesSize, "recurrent gate pre-activations of one step");
            addField(ctx, "tmp", tmpSize, "recurrent scratch of one step");
            long ctxBytes = 4L * ctx.stream().mapToLong(f -> Long.parseLong(f.size())).sum();
            String macro = id.toUpperCase(Locale.ROOT);
            return new FloatView.Model(id, macro, macro + "_FLOAT_H", List.copyOf(banner), ins.get(0).shape(),
                    ins.get(0).size(), outs.get(0).shape(), outs.get(0).size(), List.copyOf(ctx), List.copyOf(weights),
                    List.copyOf(steps), List.copyOf(sources), weightBytes, ctxBytes, single, List.copyOf(ins),
                    List.copyOf(outs));
        }

        /** Concatenation along {@code c.axis()}: per leading index, each input's block copied in turn. */
        private void concat(Node n, Op.Concatenate c, String out) {
            Shape os = n.outputShape();
            int axis = c.axis() < 0 ? os.rank() + c.axis() : c.axis();
            int outer = 1;
            for (int d = 0; d < axis; d++) {
                outer *= os.dim(d);
            }
            int width = os.size() / outer;
            StringBuilder code = new StringBuilder("{ int r; for (r = 0; r < " + outer + "; r++) {");
            int off = 0;
            for (String src : n.inputs()) {
                int block = shapes.get(src).size() / outer;
                code.append(String.format(Locale.ROOT, " memcpy(%s + %d * r + %d, %s + %d * r, sizeof(float) * %d);",
                        out, width, off, buffer.get(src), block, block));
                off += block;
            }
            code.append(" } }");
            steps.add(new FloatView.Step(n.name() + " (" + n.op().kind() + ")", code.toString()));
        }

        private static void addField(List<FloatView.Field> ctx, String name, long size, String comment) {
            if (size > 0) {
                ctx.add(new FloatView.Field(name, String.valueOf(size), comment));
            }
        }

        private static boolean isAlias(Op op) {
            return op instanceof Op.Flatten || op instanceof Op.Reshape || op instanceof Op.Dropout;
        }

        /** A context buffer of its own for the output of {@code n} (graphs that are not a chain). */
        private String own(Node n) {
            String field = "t" + weightIndex(n);
            tensors.add(new FloatView.Field(field, String.valueOf(n.outputShape().size()), "output of " + n.name()));
            return "ctx->" + field;
        }

        /** The ping-pong buffer that is not {@code in}, grown to hold {@code size} floats. */
        private String pick(String in, int size) {
            int k = in.equals("ctx->arena_a") ? 1 : 0;
            arena[k] = Math.max(arena[k], size);
            return k == 0 ? "ctx->arena_a" : "ctx->arena_b";
        }

        private void emit(Node n, String in, String out, Shape inShape) {
            Op op = n.op();
            String who = "layer '" + n.name() + "' (" + op.kind() + ")";
            if (op instanceof Op.Dense d) {
                int inF = inShape.last();
                int rows = inShape.size() / inF;
                String w = weight(n, "kernel", transpose(n.weight("kernel").toArray(), inF, d.units()),
                        "[" + d.units() + "][" + inF + "] (kernel transposed: one contiguous row per output)");
                String b = d.useBias() ? weight(n, "bias", n.weight("bias").toArray(), "[" + d.units() + "]") : "0";
                call(n, "mcf_dense_f32", String.format(Locale.ROOT, "mcf_dense_f32(%s, %d, %d, %s, %s, %d, %s, %s);",
                        in, rows, inF, w, b, d.units(), act(who, d.activation()), out));
                softmax(n, d.activation(), out, rows, d.units());
            } else if (op instanceof Op.Conv1D c) {
                int steps0 = inShape.dim(0);
                int ch = inShape.last();
                int outSteps = n.outputShape().dim(0);
                int pad = ShapeInference.padBefore(steps0, outSteps, c.kernelSize(), c.stride(), c.dilation(), c.padding());
                String w = weight(n, "kernel", conv1dRows(n.weight("kernel").toArray(), c.kernelSize(), ch, c.filters()),
                        "[" + c.filters() + "][" + c.kernelSize() + "][" + ch + "] (kernel reordered filter-major)");
                String b = c.useBias() ? weight(n, "bias", n.weight("bias").toArray(), "[" + c.filters() + "]") : "0";
                call(n, "mcf_conv1d_f32", String.format(Locale.ROOT,
                        "mcf_conv1d_f32(%s, %d, %d, %s, %s, %d, %d, %d, %d, %d, %d, %s, %s);", in, steps0, ch, w, b,
                        c.filters(), c.kernelSize(), c.stride(), c.dilation(), pad, outSteps, act(who, c.activation()), out));
                softmax(n, c.activation(), out, outSteps, c.filters());
            } else if (op instanceof Op.Conv2D c) {
                int h = inShape.dim(0);
                int wd = inShape.dim(1);
                int ch = inShape.last();
                int oh = n.outputShape().dim(0);
                int ow = n.outputShape().dim(1);
                int padTop = ShapeInference.padBefore(h, oh, c.kernelH(), c.strideH(), c.dilationH(), c.padding());
                int padLeft = ShapeInference.padBefore(wd, ow, c.kernelW(), c.strideW(), c.dilationW(), c.padding());
                // [kh][kw][C][F] is conv1dRows' [k][C][F] with k = kh kw taps: to [F][kh][kw][C].
                String w = weight(n, "kernel", conv1dRows(n.weight("kernel").toArray(), c.kernelH() * c.kernelW(), ch,
                        c.filters()), "[" + c.filters() + "][" + c.kernelH() + "][" + c.kernelW() + "][" + ch
                        + "] (kernel reordered filter-major)");
                String b = c.useBias() ? weight(n, "bias", n.weight("bias").toArray(), "[" + c.filters() + "]") : "0";
                call(n, "mcf_conv2d_f32", String.format(Locale.ROOT,
                        "mcf_conv2d_f32(%s, %d, %d, %d, %s, %s, %d, %d, %d, %d, %d, %d, %d, %d, %d, %d, %d, %s, %s);",
                        in, h, wd, ch, w, b, c.filters(), c.kernelH(), c.kernelW(), c.strideH(), c.strideW(),
                        c.dilationH(), c.dilationW(), padTop, padLeft, oh, ow, act(who, c.activation()), out));
                softmax(n, c.activation(), out, oh * ow, c.filters());
            } else if (op instanceof Op.BatchNorm bn) {
                int len = inShape.last();
                float[][] folded = batchNormAffine(n, bn);
                String sc = weight(n, "scale", folded[0], "[" + len + "] (gamma / sqrt(moving_variance + epsilon))");
                String sh = weight(n, "shift", folded[1], "[" + len + "] (beta - moving_mean * scale)");
                call(n, "mcf_batch_norm_f32", String.format(Locale.ROOT, "mcf_batch_norm_f32(%s, %d, %d, %s, %s, %s);",
                        in, inShape.size() / len, len, sc, sh, out));
            } else if (op instanceof Op.DepthwiseConv c) {
                boolean oneD = c.spatialRank() == 1;
                int h = oneD ? 1 : inShape.dim(0);
                int wd = oneD ? inShape.dim(0) : inShape.dim(1);
                int ch = inShape.last();
                int oc = ch * c.multiplier();
                int oh = oneD ? 1 : n.outputShape().dim(0);
                int ow = oneD ? n.outputShape().dim(0) : n.outputShape().dim(1);
                int padTop = ShapeInference.padBefore(h, oh, c.kernelH(), c.strideH(), c.dilationH(), c.padding());
                int padLeft = ShapeInference.padBefore(wd, ow, c.kernelW(), c.strideW(), c.dilationW(), c.padding());
                String w = weight(n, "depthwise_kernel", n.weight("depthwise_kernel").toArray(),
                        "[" + c.kernelH() + "][" + c.kernelW() + "][" + oc + "] (the Keras depthwise kernel)");
                String b = c.useBias() ? weight(n, "bias", n.weight("bias").toArray(), "[" + oc + "]") : "0";
                call(n, "mcf_depthwise_conv_f32", String.format(Locale.ROOT,
                        "mcf_depthwise_conv_f32(%s, %d, %d, %d, %d, %s, %s, %d, %d, %d, %d, %d, %d, %d, %d, %d, %d, %s, %s);",
                        in, h, wd, ch, c.multiplier(), w, b, c.kernelH(), c.kernelW(), c.strideH(), c.strideW(),
                        c.dilationH(), c.dilationW(), padTop, padLeft, oh, ow, act(who, c.activation()), out));
                softmax(n, c.activation(), out, oh * ow, oc);
            } else if (op instanceof Op.Pool p) {
                // 1-D pooling is the 2-D kernel over one row (window and stride 1 in height)
                boolean twoD = p.spatialRank() == 2;
                int h = twoD ? inShape.dim(0) : 1;
                int wd = inShape.dim(twoD ? 1 : 0);
                int oh = twoD ? n.outputShape().dim(0) : 1;
                int ow = n.outputShape().dim(twoD ? 1 : 0);
                int sh = twoD ? p.size().get(0) : 1;
                int sw = p.size().get(twoD ? 1 : 0);
                int th = twoD ? p.strides().get(0) : 1;
                int tw = p.strides().get(twoD ? 1 : 0);
                int padTop = ShapeInference.padBefore(h, oh, sh, th, 1, p.padding());
                int padLeft = ShapeInference.padBefore(wd, ow, sw, tw, 1, p.padding());
                call(n, "mcf_pool2d_f32", String.format(Locale.ROOT,
                        "mcf_pool2d_f32(%s, %d, %d, %d, %d, %d, %d, %d, %d, %d, %d, %d, %d, %s);", in, h, wd,
                        inShape.last(), sh, sw, th, tw, padTop, padLeft, oh, ow, p.pool() == PoolKind.MAX ? 1 : 0, out));
            } else if (dev.mcugen.ir.SpatialOps.handles(op)) {
                spatial(n, in, out, inShape);
            } else if (op instanceof Op.GlobalPool gp) {
                int ch = inShape.last();
                call(n, "mcf_global_pool_f32", String.format(Locale.ROOT, "mcf_global_pool_f32(%s, %d, %d, %d, %s);",
                        in, inShape.size() / ch, ch, gp.pool() == PoolKind.MAX ? 1 : 0, out));
            } else if (op instanceof Op.Act a) {
                int size = inShape.size();
                String copy = String.format(Locale.ROOT, "memcpy(%s, %s, sizeof(float) * %d);", out, in, size);
                if (a.activation() == Activation.SOFTMAX) {
                    call(n, "mcf_softmax_f32", copy + " mcf_softmax_f32(" + out + ", " + size / inShape.last() + ", "
                            + inShape.last() + ");");
                } else {
                    call(n, "mcf_activate_f32", copy + " mcf_activate_f32(" + out + ", " + size + ", "
                            + act(who, a.activation()) + ");");
                }
            } else if (op instanceof Op.Elementwise e && e.constantOperand() >= 0) {
                int ch = n.outputShape().last();
                String c = weight(n, "constant", n.weight("constant").toArray(), "[" + ch + "]");
                String kind = op instanceof Op.Add ? "MCF_ELT_ADD" : op instanceof Op.Subtract ? "MCF_ELT_SUB"
                        : op instanceof Op.Multiply ? "MCF_ELT_MUL" : op instanceof Op.Average ? "MCF_ELT_AVERAGE"
                        : op instanceof Op.Maximum ? "MCF_ELT_MAXIMUM" : "MCF_ELT_MINIMUM";
                call(n, "mcf_elementwise_f32", String.format(Locale.ROOT, "mcf_elementwise_f32(%s, %d, %d, %s, %s, %d, %s);",
                        in, inShape.size(), ch, c, kind, e.constantOperand() == 0 ? 1 : 0, out));
            } else if (op instanceof Op.LeakyRelu || op instanceof Op.Elu || op instanceof Op.HardSigmoid
                    || op instanceof Op.PRelu) {
                pointwise(n, in, out, inShape);
            } else if (op instanceof Op.Reverse r) {
                Shape os = n.outputShape();
                int inner = 1;
                for (int d = r.axis() + 1; d < os.rank(); d++) {
                    inner *= os.dim(d);
                }
                int len = os.dim(r.axis());
                call(n, "mcf_reverse_f32", String.format(Locale.ROOT, "mcf_reverse_f32(%s, %d, %d, %d, %s);", in,
                        os.size() / (len * inner), len, inner, out));
            } else if (op instanceof Op.Concatenate c) {
                Shape os = n.outputShape();
                int outer = 1;
                for (int d = 0; d < c.axis(); d++) {
                    outer *= os.dim(d);
                }
                List<String> ins = new ArrayList<>();
                List<String> sizes = new ArrayList<>();
                for (String t : n.inputs()) {
                    ins.add(buffer.get(t));
                    sizes.add(String.valueOf(shapes.get(t).size() / outer));
                }
                call(n, "mcf_concat_f32", String.format(Locale.ROOT,
                        "{ const float *const in_[] = {%s}; const int32_t size_[] = {%s}; mcf_concat_f32(in_, size_, %d, %d, %s); }",
                        String.join(", ", ins), String.join(", ", sizes), ins.size(), outer, out));
            } else if (op instanceof Op.Add && n.inputs().size() >= 2) {
                int size = n.outputShape().size();
                for (String t : n.inputs()) {
                    if (shapes.get(t).size() != size) {
                        // mcf_add_f32 adds equal-length arrays; a per-channel broadcast has no kernel here
                        throw unsupported("layer '" + n.name() + "' (add)", "the float baseline adds inputs of"
                                + " equal shape only; input '" + t + "' has shape " + shapes.get(t));
                    }
                }
                StringBuilder code = new StringBuilder(String.format(Locale.ROOT, "mcf_add_f32(%s, %s, %d, %s);",
                        buffer.get(n.inputs().get(0)), buffer.get(n.inputs().get(1)), size, out));
                for (int k = 2; k < n.inputs().size(); k++) {
                    code.append(String.format(Locale.ROOT, " mcf_add_f32(%s, %s, %d, %s);", out,
                            buffer.get(n.inputs().get(k)), size, out));
                }
                call(n, "mcf_add_f32", code.toString());
            } else if (op instanceof Op.LayerNorm ln) {
                int len = inShape.last();
                String gm = weight(n, "gamma", n.weight("gamma").toArray(), "[" + len + "]");
                String bt = weight(n, "beta", n.weight("beta").toArray(), "[" + len + "]");
                call(n, "mcf_layer_norm_f32", String.format(Locale.ROOT, "mcf_layer_norm_f32(%s, %d, %d, %s, %s, %s, %s);",
                        in, inShape.size() / len, len, gm, bt, literal(ln.epsilon()), out));
            } else if (op instanceof Op.Embedding e) {
                String t = weight(n, "embeddings", n.weight("embeddings").toArray(),
                        "[" + e.inputDim() + "][" + e.outputDim() + "]");
                call(n, "mcf_embedding_f32", String.format(Locale.ROOT, "mcf_embedding_f32(%s, %d, %s, %d, %d, %s);",
                        in, inShape.size(), t, e.inputDim(), e.outputDim(), out));
            } else if (op instanceof Op.Lstm l) {
                if (l.peephole() || l.layerNorm() || l.cifg() || l.projectionUnits() > 0) {
                    throw unsupported(who, "peephole, layer-norm, CIFG and projection LSTMs are not in the float baseline");
                }
                recurrent(n, in, out, inShape, 4, l.units());
                cSize = Math.max(cSize, l.units());
                call(n, "mcf_lstm_f32", String.format(Locale.ROOT,
                        "mcf_lstm_f32(%s, %d, %d, %d, %s, %s, %s, %s, %s, %d, %d, ctx->h, ctx->c, ctx->gates, %s);",
                        in, inShape.dim(0), inShape.last(), l.units(), name(n, "kernel"), name(n, "recurrent_kernel"),
                        l.useBias() ? name(n, "bias") : "0", act(who, l.activation()), act(who, l.recurrentActivation()),
                        l.goBackwards() ? 1 : 0, l.returnSequences() ? 1 : 0, out));
            } else if (op instanceof Op.Gru gr) {
                int u = gr.units();
                recurrent(n, in, out, inShape, 3, u);
                tmpSize = Math.max(tmpSize, u);
                call(n, "mcf_gru_f32", String.format(Locale.ROOT,
                        "mcf_gru_f32(%s, %d, %d, %d, %s, %s, %s, %s, %d, %s, %s, %d, %d, ctx->h, ctx->gates, ctx->tmp, %s);",
                        in, inShape.dim(0), inShape.last(), u, name(n, "kernel"), name(n, "recurrent_kernel"),
                        gr.useBias() ? name(n, "bias") : "0", gr.useBias() && gr.resetAfter() ? name(n, "bias_rec") : "0",
                        gr.resetAfter() ? 1 : 0, act(who, gr.activation()), act(who, gr.recurrentActivation()),
                        gr.goBackwards() ? 1 : 0, gr.returnSequences() ? 1 : 0, out));
            } else if (op instanceof Op.SimpleRnn s) {
                recurrent(n, in, out, inShape, 1, s.units());
                tmpSize = Math.max(tmpSize, s.units());
                call(n, "mcf_simple_rnn_f32", String.format(Locale.ROOT,
                        "mcf_simple_rnn_f32(%s, %d, %d, %d, %s, %s, %s, %s, %d, %d, ctx->h, ctx->tmp, %s);",
                        in, inShape.dim(0), inShape.last(), s.units(), name(n, "kernel"), name(n, "recurrent_kernel"),
                        s.useBias() ? name(n, "bias") : "0", act(who, s.activation()), s.goBackwards() ? 1 : 0,
                        s.returnSequences() ? 1 : 0, out));
            } else {
                throw unsupported(who, "the float baseline has no kernel for this op");
            }
        }

        /** The weights of a recurrent layer with {@code gates} gate blocks, transposed to rows. */
        private void recurrent(Node n, String in, String out, Shape inShape, int gates, int u) {
            int inF = inShape.last();
            weight(n, "kernel", transpose(n.weight("kernel").toArray(), inF, gates * u),
                    "[" + gates * u + "][" + inF + "] (kernel transposed: one contiguous row per gate unit)");
            weight(n, "recurrent_kernel", transpose(n.weight("recurrent_kernel").toArray(), u, gates * u),
                    "[" + gates * u + "][" + u + "] (recurrent kernel transposed)");
            FloatTensor b = n.weights().get("bias");
            if (b != null) {
                float[] all = b.toArray();
                if (all.length == 2 * gates * u) { // GRU reset_after: [input bias row, recurrent bias row]
                    float[] bi = new float[gates * u];
                    float[] br = new float[gates * u];
                    System.arraycopy(all, 0, bi, 0, bi.length);
                    System.arraycopy(all, bi.length, br, 0, br.length);
                    weight(n, "bias", bi, "[" + gates * u + "] (input bias)");
                    weight(n, "bias_rec", br, "[" + gates * u + "] (recurrent bias)");
                } else {
                    weight(n, "bias", all, "[" + gates * u + "]");
                }
            }
            hSize = Math.max(hSize, u);
            gatesSize = Math.max(gatesSize, gates * u);
        }

        private void softmax(Node n, Activation a, String out, int rows, int len) {
            if (a == Activation.SOFTMAX) {
                call(n, "mcf_softmax_f32", String.format(Locale.ROOT, "mcf_softmax_f32(%s, %d, %d);", out, rows, len));
            }
        }

        /** Zero padding / cropping, nearest up-sampling, repeat vector, permute and transposed convolution. */
        private void spatial(Node n, String in, String out, Shape inShape) {
            Op op = n.op();
            int[] hwc = inShape.rank() == 3 ? inShape.toArray() : inShape.rank() == 2
                    ? new int[] {1, inShape.dim(0), inShape.dim(1)} : new int[] {1, 1, inShape.dim(0)};
            if (op instanceof Op.ZeroPadding || op instanceof Op.Cropping) {
                int[] p = dev.mcugen.ir.SpatialOps.padAmounts(op);
                call(n, "mcf_pad_f32", String.format(Locale.ROOT, "mcf_pad_f32(%s, %d, %d, %d, %d, %d, %d, %d, %s);",
                        in, hwc[0], hwc[1], hwc[2], p[0], p[1], p[2], p[3], out));
            } else if (op instanceof Op.UpSampling || op instanceof Op.RepeatVector) {
                int fh = op instanceof Op.UpSampling u && u.spatialRank() == 2 ? u.size().get(0) : 1;
                int fw = op instanceof Op.UpSampling u ? u.size().get(u.spatialRank() - 1) : ((Op.RepeatVector) op).n();
                call(n, "mcf_upsample_f32", String.format(Locale.ROOT, "mcf_upsample_f32(%s, %d, %d, %d, %d, %d, %s);",
                        in, hwc[0], hwc[1], hwc[2], fh, fw, out));
            } else if (op instanceof Op.Permute p) {
                String dims = name(n, "dims");
                String perm = name(n, "perm");
                List<String> d = new ArrayList<>();
                List<String> q = new ArrayList<>();
                for (int i = 0; i < inShape.rank(); i++) {
                    d.add(Integer.toString(inShape.dim(i)));
                    q.add(Integer.toString(p.dims().get(i) - 1));
                }
                call(n, "mcf_transpose_f32", String.format(Locale.ROOT, "{ static const int32_t %s[] = {%s};"
                        + " static const int32_t %s[] = {%s}; mcf_transpose_f32(%s, %d, %s, %s, %s); }", dims,
                        String.join(", ", d), perm, String.join(", ", q), in, inShape.rank(), dims, perm, out));
            } else {
                Op.ConvTranspose c = (Op.ConvTranspose) op;
                String who = "layer '" + n.name() + "' (" + op.kind() + ")";
                dev.mcugen.ir.SpatialOps.TransposeConv g = dev.mcugen.ir.SpatialOps.transposeConv(c, inShape);
                int kh = g.kernelH();
                int kw = g.kernelW();
                String w = weight(n, "kernel", n.weight("kernel").toArray(), "[" + kh + "][" + kw + "][" + c.filters() + "]["
                        + hwc[2] + "] (the Keras kernel)");
                String b = c.useBias() ? weight(n, "bias", n.weight("bias").toArray(), "[" + c.filters() + "]") : "0";
                call(n, "mcf_transpose_conv_f32", String.format(Locale.ROOT,
                        "mcf_transpose_conv_f32(%s, %d, %d, %d, %s, %s, %d, %d, %d, %d, %d, %d, %d, %d, %d, %s, %s);", in,
                        hwc[0], hwc[1], hwc[2], w, b, c.filters(), kh, kw, g.strideH(), g.strideW(), g.padTop(),
                        g.padLeft(), g.outH(), g.outW(), act(who, c.activation()), out));
                softmax(n, c.activation(), out, g.outH() * g.outW(), c.filters());
            }
        }

        private void call(Node n, String function, String code) {
            sources.add(function + ".c");
            steps.add(new FloatView.Step(n.name() + " (" + n.op().kind() + ")", code));
        }

        private String name(Node n, String key) {
            return "w" + weightIndex(n) + "_" + key;
        }

        private int weightIndex(Node n) {
            return g.nodes().indexOf(n);
        }

        private String weight(Node n, String key, float[] values, String layout) {
            String name = name(n, key);
            List<String> lines = new ArrayList<>();
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < values.length; i++) {
                if (!Float.isFinite(values[i])) {
                    throw unsupported("layer '" + n.name() + "'", "weight " + key + " holds a non-finite value");
                }
                line.append(literal(values[i])).append(',');
                if ((i + 1) % VALUES_PER_LINE == 0 || i + 1 == values.length) {
                    lines.add(line.toString());
                    line.setLength(0);
                } else {
                    line.append(' ');
                }
            }
            weights.add(new FloatView.Weights(name, String.valueOf(values.length),
                    n.name() + "/" + key + " " + layout, List.copyOf(lines)));
            weightBytes += 4L * values.length;
            return name;
        }

        /** LeakyReLU, ELU, hard sigmoid and PReLU layers: a copy, then the in-place function. */
        private void pointwise(Node n, String in, String out, Shape inShape) {
            Op op = n.op();
            int size = inShape.size();
            String copy = String.format(Locale.ROOT, "memcpy(%s, %s, sizeof(float) * %d); ", out, in, size);
            if (op instanceof Op.Elu e) {
                call(n, "mcf_elu_f32", copy + "mcf_elu_f32(" + out + ", " + size + ", " + literal(e.alpha()) + ");");
            } else if (op instanceof Op.HardSigmoid h) {
                call(n, "mcf_hard_sigmoid_f32", copy + "mcf_hard_sigmoid_f32(" + out + ", " + size + ", "
                        + literal(h.alpha()) + ", " + literal(h.beta()) + ");");
            } else {
                float[] alpha;
                if (op instanceof Op.LeakyRelu l) {
                    alpha = new float[] {l.alpha()};
                } else {
                    int[] idx = dev.mcugen.ir.WeightSpecs.preluTailIndex(n.weight("alpha").shape(), inShape);
                    float[] a = n.weight("alpha").toArray();
                    alpha = new float[idx.length];
                    for (int i = 0; i < idx.length; i++) {
                        alpha[i] = a[idx[i]];
                    }
                }
                String w = weight(n, "alpha", alpha, "[" + alpha.length + "] (slopes of the repeating tail)");
                call(n, "mcf_prelu_f32", copy + "mcf_prelu_f32(" + out + ", " + size + ", " + w + ", " + alpha.length + ");");
            }
        }

        private static String act(String who, Activation a) {
            return switch (a) {
                case LINEAR, SOFTMAX -> "MCF_LINEAR"; // softmax: a separate call after the layer
                case RELU -> "MCF_RELU";
                case RELU6 -> "MCF_RELU6";
                case SIGMOID -> "MCF_SIGMOID";
                case HARD_SIGMOID -> "MCF_HARD_SIGMOID";
                case TANH -> "MCF_TANH";
                case ELU -> "MCF_ELU";
                case SWISH -> "MCF_SWISH";
                case HARD_SWISH -> "MCF_HARD_SWISH";
                case HARD_SIGMOID6 -> "MCF_HARD_SIGMOID6";
                case LEAKY_RELU -> "MCF_LEAKY_RELU";
            };
        }
    }

    /** An exact C float literal (hexadecimal, C99). */
    static String literal(float v) {
        return Float.toHexString(v) + "f";
    }

    /** {@code m[rows][cols]} row-major to {@code [cols][rows]}. */
    static float[] transpose(float[] m, int rows, int cols) {
        return FloatTensor.transpose(m, rows, cols);
    }

    /**
     * A batch normalization as {@code x * scale + shift} per channel, computed in double as the float
     * interpreter computes {@code beta + (x - mean) * gamma / sqrt(variance + epsilon)} (the model
     * file's decimal epsilon), then stored as float32: {scale, shift}.
     */
    static float[][] batchNormAffine(Node n, Op.BatchNorm b) {
        float[] gamma = n.weight("gamma").toArray();
        float[] beta = n.weight("beta").toArray();
        float[] mean = n.weight("moving_mean").toArray();
        float[] var = n.weight("moving_variance").toArray();
        double eps = Double.parseDouble(Float.toString(b.epsilon()));
        float[] scale = new float[gamma.length];
        float[] shift = new float[gamma.length];
        for (int c = 0; c < gamma.length; c++) {
            double s = gamma[c] / Math.sqrt(var[c] + eps);
            scale[c] = (float) s;
            shift[c] = (float) (beta[c] - mean[c] * s);
        }
        return new float[][] {scale, shift};
    }

    /** Keras Conv1D kernel {@code [k][C][F]} to {@code [F][k][C]}. */
    static float[] conv1dRows(float[] w, int k, int c, int f) {
        float[] t = new float[w.length];
        for (int j = 0; j < k; j++) {
            for (int ch = 0; ch < c; ch++) {
                for (int o = 0; o < f; o++) {
                    t[(o * k + j) * c + ch] = w[(j * c + ch) * f + o];
                }
            }
        }
        return t;
    }

    private static McugenException unsupported(String where, String why) {
        return new McugenException(Diag.MCG_GEN_UNSUPPORTED, where, why);
    }

    private static byte[] resource(String rel) {
        try (InputStream in = FloatCGenerator.class.getResourceAsStream(RUNTIME + rel)) {
            if (in == null) {
                throw new McugenException(Diag.MCG_INTERNAL, "runtime-c/float/" + rel, "missing from the generator jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new McugenException(Diag.MCG_INTERNAL, "runtime-c/float/" + rel, "cannot read: " + e.getMessage(), e);
        }
    }
}
