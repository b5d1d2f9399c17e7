package dev.mcugen.ir.tflite;

import dev.mcugen.ir.Shape;
import dev.mcugen.ir.quant.IntTensor;
import dev.mcugen.ir.quant.QConcat;
import dev.mcugen.ir.quant.QElementwise;
import dev.mcugen.ir.quant.QLut;
import dev.mcugen.ir.quant.QRequant;
import dev.mcugen.ir.quant.QuantType;
import dev.mcugen.ir.quant.Rescale;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The quantized {@code .tflite} ops {@link TfliteQuantMapper} hands over, each mapped to an existing
 * integer record whose arithmetic is, for the parameters derived here, exactly TensorFlow Lite Micro's
 * reference kernel:
 * <ul>
 *   <li>LOGISTIC, TANH, HARD_SWISH (int8): a 256-entry {@link QLut} made by running TFLite's integer
 *       procedure on every int8 input ({@link TflActivationTables});</li>
 *   <li>RELU: {@code clamp(zp_y + MultiplyByQuantizedMultiplier(x - zp_x, s_x / s_y), max(qmin, zp_y), qmax)};
 *       RELU6: TFLite clamps the raw input to {@code [zp_x, zp_x + round(6 / s_x)]} without rescaling
 *       (both as a {@link QRequant});</li>
 *   <li>MUL: {@code clamp(zp_y + MultiplyByQuantizedMultiplier((x1 - zp1)(x2 - zp2), s1 s2 / s_y))};
 *       SUB and broadcast ADD: ADD's scheme (inputs shifted left by 20 bits for int8, 15 for int16, each
 *       scaled to twice the larger input scale, summed or subtracted, scaled to the output), as a
 *       {@link QElementwise}; an operand may be a per-channel vector {@code [1, ..., 1, C]}, a scalar or a
 *       constant;</li>
 *   <li>CONCATENATION: TFLite Micro copies the integers of every input unchanged, whatever their
 *       scales ({@link QConcat} with identity rescales);</li>
 *   <li>DEQUANTIZE as a model output: the output stays the integer tensor before it, with its scale and
 *       zero point; the float value {@code s (q - zp)} is the caller's to compute (the C is float-free).</li>
 * </ul>
 */
final class TfliteQuantOps {
    private final TfliteQuantMapper q;

    TfliteQuantOps(TfliteQuantMapper mapper) {
        this.q = mapper;
    }

    /** LOGISTIC, TANH, HARD_SWISH: int8 by table; int16 is refused (TFLite's int16 table is not carried). */
    void table(TfliteModel.Operator op) {
        TfliteModel.Tensor x = q.input(op, 0);
        TfliteModel.Tensor y = q.output(op);
        if (x.type() == TfliteModel.INT16) {
            throw q.unsupported(op, "has int16 activations; mcugen runs " + Builtin.name(op.opcode())
                    + " on int8 only (TFLite's int16 kernel interpolates in a 256-entry sigmoid table mcugen does"
                    + " not carry yet)");
        }
        q.requireQuant(x, "input", TfliteModel.INT8);
        q.requireQuant(y, "output", TfliteModel.INT8);
        QuantType xt = q.type(x);
        QuantType yt = q.type(y);
        int[] table;
        String function;
        try {
            switch (op.opcode()) {
                case Builtin.LOGISTIC -> {
                    if (yt.zeroPoint() != -128) {
                        throw q.params(y, "is an int8 LOGISTIC output with zero point " + yt.zeroPoint()
                                + "; TFLite requires -128");
                    }
                    table = TflActivationTables.logistic((float) xt.scale(), xt.zeroPoint());
                    function = "TFLite int8 logistic";
                }
                case Builtin.TANH -> {
                    table = TflActivationTables.tanh((float) xt.scale(), xt.zeroPoint());
                    function = "TFLite int8 tanh";
                }
                default -> {
                    table = TflActivationTables.hardSwish((float) xt.scale(), xt.zeroPoint(), (float) yt.scale(),
                            yt.zeroPoint());
                    function = "TFLite int8 hard swish";
                }
            }
        } catch (IllegalArgumentException e) {
            throw q.unsupported(op, "cannot run: " + e.getMessage());
        }
        q.nodes.add(new QLut(q.define(y), q.names.get(x.index()), TfliteQuantMapper.batchless(y), yt, function,
                IntTensor.of(Shape.of(256), 8, table)));
    }

    /** RELU and RELU6 (int8, int16) as TFLite Micro's ReluQuantized / Relu6Quantized. */
    void relu(TfliteModel.Operator op) {
        TfliteModel.Tensor x = q.input(op, 0);
        TfliteModel.Tensor y = q.output(op);
        q.requireQuant(x, "input", TfliteModel.INT8, TfliteModel.INT16);
        q.requireQuant(y, "output", x.type());
        QuantType xt = q.type(x);
        QuantType yt = q.type(y);
        QRequant node;
        if (op.opcode() == Builtin.RELU) {
            // CalculateReluOpData: QuantizeMultiplier((double) s_x / (double) s_y); the low clamp is
            // max(qmin, zp_y + roundf(0 / s_y)) = max(qmin, zp_y)
            Rescale r = q.multiplier(op, (double) (float) xt.scale() / (double) (float) yt.scale());
            node = new QRequant(q.define(y), q.names.get(x.index()), TfliteQuantMapper.batchless(y), yt, xt.zeroPoint(),
                    1, r, 0, Math.max(yt.qmin(), yt.zeroPoint()), yt.qmax());
        } else {
            // Relu6Prepare: six = clamp(round(6 / s_x) + zp_x) in the input's own type (float32 division,
            // std::round: half away from zero); the kernel clamps the raw input to [zp_x, six]
            long six = Math.max(xt.qmin(), Math.min(xt.qmax(), roundHalfAway(6.0f / (float) xt.scale()) + xt.zeroPoint()));
            if (six < xt.zeroPoint()) {
                throw q.params(x, "leaves RELU6 the empty range [" + xt.zeroPoint() + ", " + six + "]");
            }
            // y = zp_y + (zp_x - zp_y) + (x - zp_x) = x, then clamped
            node = new QRequant(q.define(y), q.names.get(x.index()), TfliteQuantMapper.batchless(y), yt, xt.zeroPoint(), 1,
                    Rescale.IDENTITY, xt.zeroPoint() - yt.zeroPoint(), Math.max(yt.qmin(), xt.zeroPoint()),
                    (int) Math.min(yt.qmax(), six));
        }
        q.nodes.add(node);
    }

    private static long roundHalfAway(float v) {
        return (long) Math.signum(v) * Math.round(Math.abs((double) v));
    }

    /** One operand of an element-wise op: a graph tensor or a constant, read whole or per channel. */
    private record Operand(String tensor, IntTensor constant, boolean channelwise, QuantType type) {
    }

    /**
     * ADD whose operands differ in shape or include a constant: the {@link QElementwise} form. Returns
     * false for ADD of two graph tensors of one shape (the plain {@link dev.mcugen.ir.quant.QAdd}).
     */
    boolean broadcastAdd(TfliteModel.Operator op) {
        if (op.inputs().length != 2) {
            return false;
        }
        TfliteModel.Tensor a = q.m.tensors.get(op.inputs()[0]);
        TfliteModel.Tensor b = q.m.tensors.get(op.inputs()[1]);
        if (Arrays.equals(a.shape(), b.shape()) && q.names.containsKey(a.index()) && q.names.containsKey(b.index())) {
            return false;
        }
        elementwise(op);
        return true;
    }

    /** MUL, SUB and broadcast ADD of int8 or int16 tensors (TFLite's general quantized path). */
    void elementwise(TfliteModel.Operator op) {
        if (op.inputs().length != 2) {
            throw q.unsupported(op, "has " + op.inputs().length + " inputs, not 2");
        }
        TfliteModel.Tensor y = q.output(op);
        q.requireQuant(y, "output", TfliteModel.INT8, TfliteModel.INT16);
        QuantType yt = q.type(y);
        Shape ys = TfliteQuantMapper.batchless(y);
        List<Operand> ops = new ArrayList<>();
        int constantAt = -1;
        for (int k = 0; k < 2; k++) {
            Operand o = operand(op, k, y, ys);
            if (o.constant() != null) {
                if (constantAt >= 0) {
                    throw q.unsupported(op, "has two constant operands; mcugen takes at most one");
                }
                constantAt = k;
            }
            ops.add(o);
        }
        if (ops.stream().allMatch(Operand::channelwise)) {
            throw q.unsupported(op, "broadcasts two vectors to " + Arrays.toString(y.shape()) + "; mcugen needs one"
                    + " operand of the output's shape");
        }
        float s1 = (float) ops.get(0).type().scale();
        float s2 = (float) ops.get(1).type().scale();
        Flat.Table opts = op.options();
        int[] act = q.activationRange(op, opts == null ? 0 : opts.i8(0, 0), y);
        QuantType clamped = new QuantType(yt.bits(), act[0], act[1], yt.scale(), yt.zeroPoint());
        boolean sixteen = yt.bits() == 16;
        List<Rescale> rescales;
        Rescale out;
        int leftShift;
        QElementwise.Kind kind;
        List<Boolean> negate;
        if (op.opcode() == Builtin.MUL) {
            // CalculateOpDataMul: (double) s1 * (double) s2 / (double) s_y, QuantizeMultiplier
            kind = QElementwise.Kind.MUL;
            leftShift = 0;
            rescales = List.of(Rescale.IDENTITY, Rescale.IDENTITY);
            out = q.multiplier(op, (double) s1 * (double) s2 / (double) (float) yt.scale());
            negate = List.of(false, false);
        } else {
            kind = QElementwise.Kind.SUM;
            leftShift = sixteen ? 15 : 20;
            if (op.opcode() == Builtin.SUB) {
                // CalculateOpDataSub forms every ratio in float32, then widens it
                float twiceMax = 2 * Math.max(s1, s2);
                rescales = List.of(q.multiplier(op, (double) (s1 / twiceMax)), q.multiplier(op, (double) (s2 / twiceMax)));
                out = q.multiplier(op, (double) (twiceMax / ((1 << leftShift) * (float) yt.scale())));
                negate = List.of(false, true);
            } else {
                // as the same-shape ADD: the ratios in double from the float32 scales
                double twiceMax = 2 * (double) Math.max(s1, s2);
                rescales = List.of(q.multiplier(op, s1 / twiceMax), q.multiplier(op, s2 / twiceMax));
                out = q.multiplier(op, twiceMax / ((1 << leftShift) * yt.scale()));
                negate = List.of(false, false);
            }
        }
        List<String> inputs = new ArrayList<>();
        for (Operand o : ops) {
            if (o.constant() == null) {
                inputs.add(o.tensor());
            }
        }
        int at = constantAt;
        q.nodes.add(new QElementwise(q.define(y), inputs, ys, clamped, kind,
                at < 0 ? Optional.empty() : Optional.of(ops.get(at).constant()), at,
                ops.stream().map(Operand::channelwise).toList(), ops.stream().map(o -> o.type().zeroPoint()).toList(),
                rescales, negate, leftShift, List.of(), out));
    }

    /** Operand {@code k}: of the output's shape, a per-channel vector {@code [1, .., 1, C]}, or a constant scalar. */
    private Operand operand(TfliteModel.Operator op, int k, TfliteModel.Tensor y, Shape ys) {
        TfliteModel.Tensor t = q.m.tensors.get(op.inputs()[k]);
        boolean constant = !q.names.containsKey(t.index()) && q.m.isConstant(t);
        if (!constant) {
            t = q.input(op, k);
        }
        q.requireQuant(t, "input", y.type());
        QuantType tt = q.type(t);
        int[] s = t.shape();
        int channels = ys.last();
        boolean full = t.elements() == y.elements() && (s.length == y.shape().length && Arrays.equals(s, y.shape())
                || TfliteQuantMapper.batchless(t).equals(ys));
        boolean vector = !full && s.length >= 1 && s[s.length - 1] == channels && t.elements() == channels;
        boolean scalar = !full && t.elements() == 1;
        if (!full && !vector && !(scalar && constant)) {
            throw q.unsupported(op, "broadcasts " + t.label() + " of shape " + Arrays.toString(s) + " to "
                    + Arrays.toString(y.shape()) + "; mcugen broadcasts per-channel vectors [.., C] and constant scalars");
        }
        if (!constant) {
            return new Operand(q.names.get(t.index()), null, vector, tt);
        }
        int[] v = constantValues(op, t);
        if (scalar && !full) {
            int[] rep = new int[channels];
            Arrays.fill(rep, v[0]);
            v = rep;
        }
        return new Operand(null, IntTensor.of(full ? ys : Shape.of(channels), tt.bits(), v), !full, tt);
    }

    private int[] constantValues(TfliteModel.Operator op, TfliteModel.Tensor t) {
        byte[] b = q.data(op, t);
        int width = t.type() == TfliteModel.INT16 ? 2 : 1;
        if (b.length != width * t.elements()) {
            throw q.params(t, "holds " + b.length + " bytes for " + t.elements() + " values");
        }
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int[] v = new int[(int) t.elements()];
        for (int i = 0; i < v.length; i++) {
            v[i] = width == 2 ? buf.getShort(2 * i) : b[i];
        }
        return v;
    }

    /** CONCATENATION: TFLite Micro copies each input's integers; no fused activation. */
    void concatenation(TfliteModel.Operator op) {
        TfliteModel.Tensor y = q.output(op);
        q.requireQuant(y, "output", TfliteModel.INT8, TfliteModel.INT16);
        QuantType yt = q.type(y);
        Flat.Table o = op.options();
        int rank = y.shape().length;
        int axis = o == null ? 0 : o.i32(0, 0);
        if (o != null && o.i8(1, 0) != 0) {
            throw q.unsupported(op, "has a fused activation, which TFLite's CONCATENATION refuses");
        }
        if (axis < 0) {
            axis += rank;
        }
        if (axis < 1 || axis >= rank || y.shape()[0] != 1) {
            throw q.unsupported(op, "concatenates along axis " + axis + " of " + Arrays.toString(y.shape())
                    + "; mcugen takes a batch of 1 and an axis after it");
        }
        List<String> inputs = new ArrayList<>();
        List<Shape> shapes = new ArrayList<>();
        List<Integer> zps = new ArrayList<>();
        List<Rescale> rs = new ArrayList<>();
        for (int k = 0; k < op.inputs().length; k++) {
            TfliteModel.Tensor x = q.input(op, k);
            q.requireQuant(x, "input", y.type());
            if (x.shape().length != rank) {
                throw q.unsupported(op, "joins " + x.label() + " of rank " + x.shape().length + " into rank " + rank);
            }
            inputs.add(q.names.get(x.index()));
            shapes.add(TfliteQuantMapper.batchless(x));
            // the integers are copied: the output's zero point and the identity give y = x
            zps.add(yt.zeroPoint());
            rs.add(Rescale.IDENTITY);
        }
        q.nodes.add(new QConcat(q.define(y), inputs, shapes, TfliteQuantMapper.batchless(y), yt, axis - 1, zps, rs));
    }

    /**
     * DEQUANTIZE whose float output is a model output: that output is the integer tensor before it
     * (scale and zero point kept); anything reading the float tensor is refused later as reading a
     * tensor no integer op computes.
     */
    void dequantize(TfliteModel.Operator op) {
        TfliteModel.Tensor x = q.input(op, 0);
        TfliteModel.Tensor y = q.output(op);
        q.requireQuant(x, "input", TfliteModel.INT8, TfliteModel.INT16);
        if (y.type() != TfliteModel.FLOAT32) {
            throw q.unsupported(op, "writes " + TfliteModel.typeName(y.type()) + "; DEQUANTIZE writes float32");
        }
        boolean output = Arrays.stream(q.m.outputs).anyMatch(i -> i == y.index());
        boolean read = q.m.operators.stream().anyMatch(o -> Arrays.stream(o.inputs()).anyMatch(i -> i == y.index()));
        if (!output || read) {
            throw q.unsupported(op, "feeds float operators; mcugen keeps a quantized file in integers and takes"
                    + " DEQUANTIZE only as a model output");
        }
        q.names.put(y.index(), q.names.get(x.index()));
    }

    /**
     * MEAN over height and width of a {@code [1, H, W, C]} int8 / int16 tensor: with {@code keep_dims}
     * TFLite's integer mean ({@code reference_integer_ops::Mean}, multiplier {@code (double) s_x / (double) s_y});
     * without it, when input and output share scale and zero point, its truncating integer mean; any
     * other MEAN TFLite Micro computes in float, and is refused.
     */
    void mean(TfliteModel.Operator op) {
        TfliteModel.Tensor x = q.input(op, 0);
        TfliteModel.Tensor y = q.output(op);
        q.requireQuant(x, "input", TfliteModel.INT8, TfliteModel.INT16);
        q.requireQuant(y, "output", x.type());
        int[] axes = q.constInts(op, 1, "axes");
        int rank = x.shape().length;
        boolean spatial = rank == 4 && x.shape()[0] == 1 && axes.length == 2
                && (axes[0] == 1 && axes[1] == 2 || axes[0] == 2 && axes[1] == 1);
        if (!spatial) {
            throw q.unsupported(op, "reduces axes " + Arrays.toString(axes) + " of " + Arrays.toString(x.shape())
                    + "; mcugen takes the mean over height and width (axes 1 and 2) of [1, H, W, C]");
        }
        Flat.Table o = op.options();
        boolean keepDims = o != null && o.bool(0);
        QuantType xt = q.type(x);
        QuantType yt = q.type(y);
        boolean sameType = (float) xt.scale() == (float) yt.scale() && xt.zeroPoint() == yt.zeroPoint();
        if (!keepDims && !sameType) {
            if (x.type() != TfliteModel.INT8) {
                throw q.unsupported(op, "has keep_dims false and an output scale or zero point other than its input's;"
                        + " TFLite Micro computes that mean in float (QuantizedMeanOrSum), which mcugen reproduces for"
                        + " int8 only");
            }
            int n = x.shape()[1] * x.shape()[2];
            q.nodes.add(new dev.mcugen.ir.quant.QTflMeanSteps(q.define(y), q.names.get(x.index()),
                    TfliteQuantMapper.batchless(x), TfliteQuantMapper.batchless(y), yt, IntTensor.of(Shape.of(255), 32,
                    meanSteps(n, (float) xt.scale(), xt.zeroPoint(), (float) yt.scale(), yt.zeroPoint()))));
            return;
        }
        Rescale r = q.multiplier(op, (double) (float) xt.scale() / (double) (float) yt.scale());
        q.nodes.add(new dev.mcugen.ir.quant.QTflMean(q.define(y), q.names.get(x.index()), TfliteQuantMapper.batchless(x),
                TfliteQuantMapper.batchless(y), yt, keepDims, xt.zeroPoint(), r));
    }

    /**
     * FULLY_CONNECTED with int16 input and output, int8 weights and an int64 bias (TFLite's 16x8 form):
     * {@code acc = bias + Σ x · w} in int64, the int64 MultiplyByQuantizedMultiplier (the multiplier
     * rounded to 16 bits, one rounding shift), the fused activation's clamp. That is the 16x8 convolution
     * of a 1x1 kernel over the input's rows ({@link dev.mcugen.ir.quant.QConv16x8} on {@code [rows, 1, in]}),
     * reshaped to the file's output shape.
     */
    void fullyConnected16x8(TfliteModel.Operator op, Flat.Table o, TfliteModel.Tensor x, TfliteModel.Tensor w,
                            TfliteModel.Tensor y) {
        q.requireQuant(y, "output", TfliteModel.INT16);
        int units = w.shape()[0];
        int in = w.shape()[1];
        long rows = x.elements() / Math.max(1, in);
        if (rows * in != x.elements() || rows > Integer.MAX_VALUE) {
            throw q.unsupported(op, "has an input of " + x.elements() + " values, not rows of " + in);
        }
        QuantType xt = q.type(x);
        QuantType yt = q.type(y);
        byte[] wb = q.int8(op, w);
        long[] kernel = new long[in * units];
        for (int u = 0; u < units; u++) {
            for (int i = 0; i < in; i++) {
                kernel[i * units + u] = wb[u * in + i];
            }
        }
        long[] bias = bias64(op, 2, units);
        List<Rescale> rescale = outputChannelRescales(op, w, units, xt, yt);
        int[] act = q.activationRange(op, o == null ? 0 : o.i8(0, 0), y);
        String base = (y.name().isEmpty() ? "t" + y.index() : y.name()) + "_fc16x8";
        String conv = q.used.contains(base) ? base + "_" + y.index() : base;
        q.used.add(conv);
        int r = (int) rows;
        q.nodes.add(new dev.mcugen.ir.quant.QConv16x8(conv, q.names.get(x.index()), Shape.of(r, 1, in),
                Shape.of(r, 1, units), yt, 1, 1, 1, 1, 1, 1, dev.mcugen.ir.Padding.VALID,
                IntTensor.of(Shape.of(1, 1, in, units), 8, kernel), IntTensor.of(Shape.of(units), 64, bias), rescale,
                act[0], act[1]));
        q.nodes.add(new dev.mcugen.ir.quant.QReshape(q.define(y), conv, TfliteQuantMapper.batchless(y), yt));
    }

    /** The int64 bias of a 16x8 layer in input {@code slot} (zeros when absent). */
    long[] bias64(TfliteModel.Operator op, int slot, int units) {
        long[] bias = new long[units];
        if (op.inputs().length > slot && op.inputs()[slot] >= 0) {
            TfliteModel.Tensor b = q.m.tensors.get(op.inputs()[slot]);
            if (b.type() != TfliteModel.INT64) {
                throw q.unsupported(op, "has a " + TfliteModel.typeName(b.type()) + " bias " + b.label() + "; mcugen runs"
                        + " 16x8 layers with TFLite's int64 bias and accumulator");
            }
            byte[] bb = q.data(op, b);
            if (bb.length != 8L * units) {
                throw q.params(b, "holds " + bb.length / 8 + " biases for " + units + " outputs");
            }
            ByteBuffer buf = ByteBuffer.wrap(bb).order(ByteOrder.LITTLE_ENDIAN);
            for (int u = 0; u < units; u++) {
                bias[u] = buf.getLong(8 * u);
            }
        }
        return bias;
    }

    /**
     * DEPTHWISE_CONV_2D with int16 activations, int8 per-channel weights and an int64 bias (TFLite's
     * 16x8 form, {@link dev.mcugen.ir.quant.QDepthwise16x8}); {@code geo} is {strideH, strideW, dilationH,
     * dilationW}, {@code rescale} TFLite's per-channel multipliers.
     */
    void depthwise16x8(TfliteModel.Operator op, Flat.Table o, TfliteModel.Tensor x, TfliteModel.Tensor w,
                       TfliteModel.Tensor y, int[] geo, dev.mcugen.ir.Padding padding, List<Rescale> rescale) {
        q.requireQuant(y, "output", TfliteModel.INT16);
        if (x.shape().length != 4 || x.shape()[0] != 1) {
            throw q.unsupported(op, "has input " + x.label() + " of shape " + Arrays.toString(x.shape())
                    + "; mcugen takes [1, H, W, C]");
        }
        int kh = w.shape()[1];
        int kw = w.shape()[2];
        int out = w.shape()[3];
        int c = x.shape()[3];
        if (w.shape()[0] != 1 || c == 0 || out % c != 0) {
            throw q.unsupported(op, "has weights " + Arrays.toString(w.shape()) + " for " + c + " input channels");
        }
        byte[] wb = q.int8(op, w);
        long[] kernel = new long[wb.length];
        for (int i = 0; i < wb.length; i++) {
            kernel[i] = wb[i]; // TFLite's [1, kh, kw, C·M] holds the bytes of the IR's [kh, kw, C, M]
        }
        int[] act = q.activationRange(op, o == null ? 0 : o.i8(4, 0), y);
        q.nodes.add(new dev.mcugen.ir.quant.QDepthwise16x8(q.define(y), q.names.get(x.index()),
                TfliteQuantMapper.batchless(x), TfliteQuantMapper.batchless(y), q.type(y), out / c, kh, kw, geo[0], geo[1],
                geo[2], geo[3], padding, IntTensor.of(Shape.of(kh, kw, c, out / c), 8, kernel),
                IntTensor.of(Shape.of(out), 64, bias64(op, 2, out)), rescale, act[0], act[1]));
    }

    /**
     * int8 TRANSPOSE_CONV (inputs output_shape, weights {@code [F, kh, kw, C]}, input, optional int32 bias),
     * TFLite's {@code reference_integer_ops::TransposeConv}: every input value scattered into an int32
     * accumulator, {@code acc += (x - zp_x) · w} at {@code oy = iy · sh - pad_h + r}, then the bias,
     * MultiplyByQuantizedMultiplier per channel ({@code (double) s_x · s_w[f] / s_y}), the output zero
     * point and the fused activation's clamp: {@link dev.mcugen.ir.quant.QTransposeConv}, whose gathered
     * sum is the same integer. The padding is TFLite's {@code ComputePaddingHeightWidth} on the output
     * size: {@code max(((out' - 1) · s + k - out) / 2, 0)} with {@code out'} the SAME / VALID length of
     * {@code out}.
     */
    void transposeConv(TfliteModel.Operator op) {
        if (op.inputs().length < 3) {
            throw q.unsupported(op, "has " + op.inputs().length + " inputs, not 3 or 4");
        }
        Flat.Table o = op.options();
        int pad = o == null ? 0 : o.i8(0, 0);
        int sw = o == null ? 1 : o.i32(1, 1);
        int sh = o == null ? 1 : o.i32(2, 1);
        if (sw < 1 || sh < 1 || pad > 1) {
            throw q.unsupported(op, "has stride " + sh + "x" + sw + " / padding " + pad);
        }
        TfliteModel.Tensor w = q.weights(op, 1, 4);
        TfliteModel.Tensor x = q.input(op, 2);
        TfliteModel.Tensor y = q.output(op);
        q.requireQuant(x, "input", TfliteModel.INT8);
        q.requireQuant(y, "output", TfliteModel.INT8);
        int f = w.shape()[0];
        int kh = w.shape()[1];
        int kw = w.shape()[2];
        int c = w.shape()[3];
        int[] xs = x.shape();
        int[] ys = y.shape();
        if (xs.length != 4 || xs[0] != 1 || xs[3] != c || ys.length != 4 || ys[3] != f) {
            throw q.unsupported(op, "has input " + Arrays.toString(xs) + ", weights " + Arrays.toString(w.shape())
                    + " and output " + Arrays.toString(ys) + ", not a [1, H, W, C] transposed convolution");
        }
        int[] padding = new int[2];
        int[] k = {kh, kw};
        int[] st = {sh, sw};
        for (int a = 0; a < 2; a++) {
            int out = ys[1 + a];
            int len = pad == 0 ? (out + st[a] - 1) / st[a] : (out - k[a] + st[a]) / st[a];
            padding[a] = Math.max(((len - 1) * st[a] + k[a] - out) / 2, 0);
        }
        QuantType xt = q.type(x);
        QuantType yt = q.type(y);
        byte[] wb = q.int8(op, w);
        long[] kernel = new long[wb.length];
        int taps = kh * kw;
        for (int fo = 0; fo < f; fo++) {
            for (int t = 0; t < taps; t++) {
                for (int ch = 0; ch < c; ch++) {
                    kernel[(t * f + fo) * c + ch] = wb[(fo * taps + t) * c + ch]; // [F, kh, kw, C] -> [kh, kw, F, C]
                }
            }
        }
        // the file's int32 bias as it is: TFLite adds it after summing (x - zp_x) w over the taps that reach
        // each output, whose number varies, so no zero point can be folded into it (no taps: nothing folded)
        long[] bias = q.foldedBias(op, 3, f, 0, wb, (u, t) -> 0, 0);
        List<Rescale> rescale = outputChannelRescales(op, w, f, xt, yt);
        int[] act = q.activationRange(op, o == null ? 0 : o.i8(3, 0), y);
        q.nodes.add(new dev.mcugen.ir.quant.QTransposeConv(q.define(y), q.names.get(x.index()),
                TfliteQuantMapper.batchless(x), TfliteQuantMapper.batchless(y), yt, kh, kw, sh, sw, padding[0], padding[1],
                ys[1], ys[2], xt.zeroPoint(), IntTensor.of(Shape.of(kh, kw, f, c), 8, kernel),
                IntTensor.of(Shape.of(f), 32, bias), rescale, 0, act[0], act[1]));
    }

    /**
     * TFLite's per-tensor or per-channel multipliers of weights {@code w} quantized along axis 0 (one scale
     * per output channel): {@code (double) s_x * (double) s_w[c] / (double) s_y}, QuantizeMultiplier.
     */
    private List<Rescale> outputChannelRescales(TfliteModel.Operator op, TfliteModel.Tensor w, int channels, QuantType xt,
                                                QuantType yt) {
        TfliteModel.Quantization wq = q.m.quantization.get(w.index());
        if (wq.perChannel() && (wq.scale().length != channels || wq.dimension() != 0)) {
            throw q.params(w, "has " + wq.scale().length + " scales along axis " + wq.dimension() + " for " + channels
                    + " output channels");
        }
        List<Rescale> rescale = new ArrayList<>();
        for (int u = 0; u < (wq.perChannel() ? channels : 1); u++) {
            rescale.add(q.multiplier(op, xt.scale() * (double) wq.scale()[u] / yt.scale()));
        }
        return rescale;
    }

    /**
     * TFLite's {@code QuantizedMeanOrSum} (mean, int8) for the raw sum {@code sum} of {@code n} values, in
     * float32 as TFLite computes it: {@code c = s_x / s_y}, {@code b = -zp_x · c},
     * {@code clamp(round(float(sum) / float(n) · c + b) + zp_y, -128, 127)} with {@code round} half away
     * from zero ({@code std::round}) and every operation a separate IEEE float32 one (no fused
     * multiply-add: TFLite Micro built for a host computes it so).
     */
    static int tfliteFloatMean(int sum, int n, float sx, int zx, float sy, int zy) {
        float scale = sx / sy;
        float bias = (float) -zx * scale;
        float mean = (float) sum / (float) n;
        float v = mean * scale + bias;
        float rounded = (float) (Math.signum(v) * Math.floor(Math.abs((double) v) + 0.5));
        float result = Math.min(rounded + zy, 127f);
        result = Math.max(result, -128f);
        return (int) result;
    }

    /**
     * The steps of {@link dev.mcugen.ir.quant.QTflMeanSteps}: for each output {@code -128 + k}
     * ({@code k = 1 .. 255}) the smallest sum of {@code n} int8 values whose {@link #tfliteFloatMean}
     * reaches it (binary search: the function does not decrease with the sum), {@code INT32_MAX} when none.
     */
    static int[] meanSteps(int n, float sx, int zx, float sy, int zy) {
        int lo = -128 * n;
        int hi = 127 * n;
        int[] steps = new int[255];
        for (int k = 1; k <= 255; k++) {
            int want = -128 + k;
            if (tfliteFloatMean(hi, n, sx, zx, sy, zy) < want) {
                steps[k - 1] = Integer.MAX_VALUE;
                continue;
            }
            int a = lo;
            int b = hi;
            while (a < b) {
                int mid = a + (b - a) / 2;
                if (tfliteFloatMean(mid, n, sx, zx, sy, zy) >= want) {
                    b = mid;
                } else {
                    a = mid + 1;
                }
            }
            steps[k - 1] = a;
        }
        return steps;
    }
}
