package dev.mcugen.gen;

import dev.mcugen.ir.Diag;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.Padding;
import dev.mcugen.ir.PoolKind;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.Activation;
import dev.mcugen.ir.quant.IntTensor;
import dev.mcugen.ir.quant.QAdd;
import dev.mcugen.ir.quant.QChannelAffine;
import dev.mcugen.ir.quant.QConv;
import dev.mcugen.ir.quant.QFeedForward;
import dev.mcugen.ir.quant.QFullyConnected;
import dev.mcugen.ir.quant.QGlobalPool;
import dev.mcugen.ir.quant.QGraph;
import dev.mcugen.ir.quant.QInput;
import dev.mcugen.ir.quant.QLogistic;
import dev.mcugen.ir.quant.QNode;
import dev.mcugen.ir.quant.QPool;
import dev.mcugen.ir.quant.QRequant;
import dev.mcugen.ir.quant.QReshape;
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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.IntFunction;
import java.util.function.LongFunction;

/**
 * Lowers a feed-forward {@link QGraph} to the C {@link View.Model}: one kernel call per node
 * (reshape / flatten / dropout alias their input), parameters as const arrays and params structs,
 * intermediate tensors placed in one arena by {@link MemoryPlanner}. Refuses, with
 * {@link Diag#MCG_GEN_UNSUPPORTED}, what the C runtime cannot run yet.
 */
final class Lowering {
    private final QGraph g;
    private final GenOptions opts;
    private final String id;
    private final List<View.Array> arrays = new ArrayList<>();
    private final List<View.Params> params = new ArrayList<>();
    private final List<View.Step> steps = new ArrayList<>();
    private final Set<String> sources = new TreeSet<>();
    private final Set<String> usedNames = new HashSet<>();
    private final Map<String, Shape> shapes = new HashMap<>();
    private final Map<String, QuantType> types = new HashMap<>();
    /** Tensor name -> the tensor whose storage it uses (itself, or the root of a reshape chain). */
    private final Map<String, String> root = new HashMap<>();
    /** Root tensor -> C pointer expression. */
    private final Map<String, String> pointer = new HashMap<>();

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
        if (g.inputs().size() != 1 || g.outputs().size() != 1) {
            throw unsupported("model '" + g.name() + "'", "has " + g.inputs().size() + " inputs and "
                    + g.outputs().size() + " outputs; the C generator handles one of each for now");
        }
        QInput in = g.inputs().get(0);
        check(in.name(), in.shape(), in.type());
        shapes.put(in.name(), in.shape());
        types.put(in.name(), in.type());
        root.put(in.name(), in.name());
        for (QNode n : g.nodes()) {
            if (!(n instanceof QFeedForward)) {
                throw unsupported("layer '" + n.name() + "'", n.getClass().getSimpleName()
                        + ": recurrent layers are not generated to C yet (the runtime has their step kernels; the generator does not call them yet);"
                        + " only feed-forward models can be built to C for now");
            }
            if (!(n instanceof QFullyConnected || n instanceof QConv || n instanceof QPool || n instanceof QGlobalPool
                    || n instanceof QAdd || n instanceof QReshape || n instanceof QRequant || n instanceof QChannelAffine
                    || n instanceof QLogistic || n instanceof QSoftmax)) {
                throw unsupported("layer '" + n.name() + "'", n.getClass().getSimpleName()
                        + " has no C kernel yet (concat is not generated yet)");
            }
            check(n.name(), n.outputShape(), n.outputType());
            if (n.outputType().bits() == 32 && !(n instanceof QFullyConnected || n instanceof QReshape)) {
                throw unsupported("tensor '" + n.name() + "'", "is int32; only a Dense before softmax may keep its int32"
                        + " accumulator in the C for now");
            }
            for (String src : n.inputs()) {
                int inBits = types.get(src).bits();
                boolean raw = n instanceof QFullyConnected && n.outputType().bits() == 32
                        || n instanceof QSoftmax && inBits == 32;
                if (inBits != n.outputType().bits() && !raw) {
                    throw unsupported("layer '" + n.name() + "'", "reads int" + types.get(src).bits() + " and writes int"
                            + n.outputType().bits() + "; mixed widths have no C kernel yet");
                }
            }
            shapes.put(n.name(), n.outputShape());
            types.put(n.name(), n.outputType());
            root.put(n.name(), n instanceof QReshape r ? root.get(r.input()) : n.name());
        }
        String outName = g.outputs().get(0);

        // Lifetimes: step i is node i; a trailing copy into y is step nodes.size().
        int count = g.nodes().size();
        Map<String, Integer> first = new HashMap<>();
        Map<String, Integer> last = new HashMap<>();
        for (int i = 0; i < count; i++) {
            QNode n = g.nodes().get(i);
            for (String src : n.inputs()) {
                last.merge(root.get(src), i, Math::max);
            }
            if (!(n instanceof QReshape)) {
                first.put(n.name(), i);
                last.merge(n.name(), i, Math::max);
            }
        }
        String outRoot = root.get(outName);
        boolean readLater = g.nodes().stream().anyMatch(n -> n.inputs().stream().anyMatch(s -> root.get(s).equals(outRoot)));
        boolean direct = !outRoot.equals(in.name()) && outRoot.equals(outName) && !readLater;
        if (!direct && !outRoot.equals(in.name())) {
            last.merge(outRoot, count, Math::max);
        }
        List<MemoryPlanner.Buffer> buffers = new ArrayList<>();
        for (QNode n : g.nodes()) {
            if (first.containsKey(n.name()) && !(direct && n.name().equals(outRoot))) {
                buffers.add(new MemoryPlanner.Buffer(n.name(), n.outputShape().size() * n.outputType().bits() / 8, first.get(n.name()),
                        last.get(n.name())));
            }
        }
        MemoryPlanner.Plan plan = MemoryPlanner.plan(buffers);
        List<String> arenaComment = new ArrayList<>();
        pointer.put(in.name(), "x");
        for (MemoryPlanner.Buffer b : buffers) {
            int off = plan.offsets().get(b.name());
            int tb = types.get(b.name()).bits();
            String member = "ctx->arena." + sfx(tb);
            int index = off / (tb / 8);
            pointer.put(b.name(), index == 0 ? member : member + " + " + index);
            arenaComment.add(CLit.comment(String.format(Locale.ROOT, "%-24s bytes %6d..%6d  steps %d..%d",
                    b.name(), off, off + b.bytes() - 1, b.first(), b.last())));
        }
        if (direct) {
            pointer.put(outRoot, "y");
        }

        for (QNode n : g.nodes()) {
            lowerNode(n);
        }
        if (!direct) {
            Shape s = shapes.get(outName);
            steps.add(new View.Step("output '" + CLit.comment(outName) + "' -> y", true, List.of(), "memcpy",
                    List.of("y", pointer.get(outRoot), "sizeof(" + ctype(types.get(outName).bits()) + ") * " + s.size() + "u")));
        }

        QuantType ot = types.get(outName);
        View.Port inPort = port(in.shape(), in.type());
        View.Port outPort = port(shapes.get(outName), ot);
        String macro = id.toUpperCase(Locale.ROOT);
        List<String> banner = new ArrayList<>();
        banner.add("Generated by mcugen. Do not edit: rebuild from the model instead.");
        banner.add("model: " + CLit.comment(g.name()));
        banner.add("integer program sha256: " + programHash());
        for (String line : opts.banner()) {
            banner.add(CLit.comment(line));
        }
        banner.add("API: " + id + "_reset, " + id + "_invoke (no " + id + "_step: comes with recurrent support)");
        List<String> runtime = new ArrayList<>();
        sources.forEach(s -> runtime.add("runtime/src/" + s));
        return new View.Model(id, macro, macro + "_H", banner, inPort, outPort, Integer.toString(plan.arenaBytes()),
                arenaComment, List.copyOf(arrays), List.copyOf(params), List.copyOf(steps), !direct, runtime);
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

    private String name(String node) {
        String base = id + "_" + CLit.ident(node);
        String n = base;
        for (int k = 2; !usedNames.add(n); k++) {
            n = base + "_" + k;
        }
        return n;
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

    private static View.Port port(Shape shape, QuantType t) {
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
                CLit.i32(t.qmin()), CLit.i32(t.qmax()));
    }

    private String typeComment(String what, QuantType t) {
        return what + ": int" + t.bits() + " scale " + CLit.real(t.scale()) + " zero point " + t.zeroPoint();
    }

    private static View.Field f(String name, String value) {
        return new View.Field(name, value, false, "");
    }

    private static View.Field f(String name, long value) {
        return f(name, CLit.i32(value));
    }

    private static View.Field f(String name, String value, String comment) {
        return new View.Field(name, value, true, CLit.comment(comment));
    }

    private static View.Field rescaleField(String name, Rescale r, String what) {
        return f(name, CLit.rescale(r), what + ": x * " + CLit.real(r.real()) + " (" + r + ")");
    }

    private String array(String name, String ctype, String comment, int n, LongFunction<String> lit, IntFunction<Long> value) {
        List<String> items = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            items.add(lit.apply(value.apply(i)));
        }
        arrays.add(new View.Array(ctype, name, Integer.toString(n), CLit.comment(comment), CLit.wrap(items)));
        return name;
    }

    private String tensorArray(String name, String ctype, String comment, IntTensor t, LongFunction<String> lit) {
        return array(name, ctype, comment + " " + t.shape(), t.size(), lit, t::get);
    }

    private String rescaleArray(String name, List<Rescale> rs, String what) {
        List<String> items = new ArrayList<>();
        rs.forEach(r -> items.add(CLit.rescale(r)));
        double lo = rs.stream().mapToDouble(Rescale::real).min().orElse(0);
        double hi = rs.stream().mapToDouble(Rescale::real).max().orElse(0);
        String c = what + ": x * " + (rs.size() == 1 ? CLit.real(lo) : "[" + CLit.real(lo) + ", " + CLit.real(hi) + "] per channel");
        arrays.add(new View.Array("mcu_rescale_t", name, Integer.toString(rs.size()), CLit.comment(c), CLit.wrap(items)));
        return name;
    }

    private void call(QNode n, String kernel, List<String> args, List<View.Local> locals) {
        sources.add(kernel + ".c");
        steps.add(new View.Step(CLit.comment(n.name() + " (" + n.getClass().getSimpleName() + ") -> " + n.outputShape()),
                true, locals, kernel, args));
    }

    private void params(String ctype, String name, QNode n, List<View.Field> fields) {
        params.add(new View.Params(ctype, name, CLit.comment(n.name() + ": " + typeComment("output", n.outputType())), fields));
    }

    private void lowerNode(QNode node) {
        if (node instanceof QReshape) {
            steps.add(new View.Step(CLit.comment(node.name() + " (QReshape) -> " + node.outputShape()
                    + ": aliases its input, no code"), false, List.of(), "", List.of()));
            return;
        }
        String n = name(node.name());
        String x = ptr(node.inputs().get(0));
        String y = ptr(node.name());
        QuantType ot = node.outputType();
        String s = sfx(ot);
        String si = sfx(types.get(node.inputs().get(0)));
        if (node instanceof QFullyConnected fc) {
            s = si;
            String w = tensorArray(n + "_w", "int8_t", fc.name() + " weights int8 [in, units]", fc.weights(), CLit::i32);
            String b = s.equals("s8")
                    ? tensorArray(n + "_b", "int32_t", fc.name() + " bias int32, input zero point folded in", fc.bias(), CLit::i32)
                    : tensorArray(n + "_b64", "int64_t", fc.name() + " bias int64, input zero point folded in", fc.bias(), CLit::i64);
            String r = rescaleArray(n + "_rescale", fc.rescale(), fc.name() + " rescale 2^acc_shift s_w s_x / s_y");
            params("mcu_fc_params_t", n + "_params", fc, List.of(f("input_size", fc.inputSize()), f("units", fc.units()),
                    f("weights", w), f(s.equals("s8") ? "bias" : "bias64", b), f("rescale", r),
                    f("rescale_count", fc.rescale().size()), f("acc_shift", fc.accShift()),
                    f("output_zp", CLit.i32(ot.zeroPoint()), typeComment("output", ot)),
                    f("act_min", fc.actMin()), f("act_max", fc.actMax())));
            int rows = fc.outputShape().size() / fc.units();
            call(fc, "mcu_fully_connected_" + si + (ot.bits() == 32 ? "_s32" : ""), List.of("&" + n + "_params", rows + "", x, y), List.of());
        } else if (node instanceof QConv c) {
            Shape is = c.inputShape();
            int h = is.rank() == 2 ? 1 : is.dim(0);
            int wd = is.rank() == 2 ? is.dim(0) : is.dim(1);
            String w = tensorArray(n + "_w", "int8_t", c.name() + " weights int8 [kh, kw, C, F]", c.weights(), CLit::i32);
            String b = s.equals("s8")
                    ? tensorArray(n + "_b", "int32_t", c.name() + " bias int32, input zero point folded in", c.bias(), CLit::i32)
                    : tensorArray(n + "_b64", "int64_t", c.name() + " bias int64, input zero point folded in", c.bias(), CLit::i64);
            String r = rescaleArray(n + "_rescale", c.rescale(), c.name() + " rescale 2^acc_shift s_w s_x / s_y");
            params("mcu_conv_params_t", n + "_params", c, List.of(f("in_h", h), f("in_w", wd), f("channels", c.channels()),
                    f("filters", c.filters()), f("kernel_h", c.kernelH()), f("kernel_w", c.kernelW()),
                    f("stride_h", c.strideH()), f("stride_w", c.strideW()), f("dilation_h", c.dilationH()),
                    f("dilation_w", c.dilationW()), f("padding", padding(c.padding())),
                    f("pad_value", CLit.i32(c.padValue()), "the input zero point"), f("weights", w),
                    f(s.equals("s8") ? "bias" : "bias64", b), f("rescale", r), f("rescale_count", c.rescale().size()),
                    f("acc_shift", c.accShift()), f("output_zp", CLit.i32(ot.zeroPoint()), typeComment("output", ot)),
                    f("act_min", c.actMin()), f("act_max", c.actMax())));
            sources.add("mcu_conv_out_length.c");
            call(c, "mcu_conv_" + s, List.of("&" + n + "_params", x, y), List.of());
        } else if (node instanceof QPool p) {
            Shape is = p.inputShape();
            int h = is.rank() == 2 ? 1 : is.dim(0);
            int wd = is.rank() == 2 ? is.dim(0) : is.dim(1);
            params("mcu_pool_params_t", n + "_params", p, List.of(f("in_h", h), f("in_w", wd), f("channels", is.last()),
                    f("kernel_h", p.kernelH()), f("kernel_w", p.kernelW()), f("stride_h", p.strideH()),
                    f("stride_w", p.strideW()), f("padding", padding(p.padding()))));
            sources.add("mcu_conv_out_length.c");
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
            call(a, "mcu_add_" + s, List.of("&" + n + "_params", local, a.outputShape().size() + "", y),
                    List.of(new View.Local("const " + ctype(ot.bits()) + " *const", local,
                            Integer.toString(ins.size()), ins)));
        } else if (node instanceof QRequant r) {
            params("mcu_requant_params_t", n + "_params", r, List.of(f("input_zp", r.inputZeroPoint()), f("gain", r.gain()),
                    rescaleField("rescale", r.rescale(), "R"), f("offset", r.offset()),
                    f("output_zp", CLit.i32(ot.zeroPoint()), typeComment("output", ot)), f("lo", r.lo()), f("hi", r.hi())));
            call(r, "mcu_requant_" + s, List.of("&" + n + "_params", x, r.outputShape().size() + "", y), List.of());
        } else if (node instanceof QChannelAffine a) {
            String w = tensorArray(n + "_w", "int16_t", a.name() + " per-channel gain", a.weights(), CLit::i32);
            String b = tensorArray(n + "_b", "int32_t", a.name() + " bias int32, input zero point folded in", a.bias(), CLit::i32);
            String r = rescaleArray(n + "_rescale", a.rescale(), a.name() + " rescale s_w s_x / s_y");
            params("mcu_channel_affine_params_t", n + "_params", a, List.of(f("channels", a.outputShape().last()),
                    f("weights", w), f("bias", b), f("rescale", r), f("rescale_count", a.rescale().size()),
                    f("output_zp", CLit.i32(ot.zeroPoint()), typeComment("output", ot)), f("lo", a.lo()), f("hi", a.hi())));
            call(a, "mcu_channel_affine_" + s, List.of("&" + n + "_params", x, a.outputShape().size() + "", y), List.of());
        } else if (node instanceof QLogistic l) {
            params("mcu_logistic_params_t", n + "_params", l, List.of(
                    f("function", l.function() == Activation.SIGMOID ? "MCU_LOGISTIC_SIGMOID" : "MCU_LOGISTIC_TANH"),
                    f("impl", l.impl() == QLogistic.Impl.LUT ? "MCU_ACTIVATION_LUT" : "MCU_ACTIVATION_POLY"),
                    f("input_zp", l.inputZeroPoint()), rescaleField("input_rescale", l.inputRescale(), "s_x / 2^-12"),
                    rescaleField("output_rescale", l.outputRescale(), "2^-15 / s_y"),
                    f("output_zp", CLit.i32(ot.zeroPoint()), typeComment("output", ot)),
                    f("qmin", ot.qmin()), f("qmax", ot.qmax())));
            sources.addAll(List.of("mcu_sigmoid_lut_s16.c", "mcu_tanh_lut_s16.c", "mcu_sigmoid_poly_s16.c",
                    "mcu_tanh_poly_s16.c", "mcu_activation_tables.c"));
            call(l, "mcu_logistic_" + s, List.of("&" + n + "_params", x, l.outputShape().size() + "", y), List.of());
        } else if (node instanceof QSoftmax sm) {
            int depth = sm.outputShape().last();
            params("mcu_softmax_params_t", n + "_params", sm, List.of(f("depth", depth),
                    rescaleField("input_beta", sm.inputBeta(), "s_x * 2^26"), f("diff_min", sm.diffMin()),
                    f("output_frac_bits", sm.outputFractionalBits()),
                    f("output_zp", CLit.i32(ot.zeroPoint()), typeComment("output", ot)),
                    f("qmin", ot.qmin()), f("qmax", ot.qmax())));
            call(sm, "mcu_softmax_" + (si.equals("s32") ? "s32_" : "") + s, List.of("&" + n + "_params", sm.outputShape().size() / depth + "", x, y), List.of());
        } else {
            throw new IllegalStateException(node.name());
        }
    }

    private static String padding(Padding p) {
        return p == Padding.SAME ? "MCU_PADDING_SAME" : "MCU_PADDING_VALID";
    }

    /** SHA-256 over every literal and call of the lowered program: changes iff the integers or the plan change. */
    private String programHash() {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            StringBuilder sb = new StringBuilder();
            arrays.forEach(a -> sb.append(a.name()).append(a.lines()).append('\n'));
            params.forEach(p -> p.fields().forEach(fl -> sb.append(p.name()).append('.').append(fl.name()).append('=')
                    .append(fl.value()).append('\n')));
            steps.forEach(st -> sb.append(st.function()).append(st.args()).append(st.locals()).append('\n'));
            return HexFormat.of().formatHex(md.digest(sb.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

}
