package dev.mcugen.ir.tflite;

import dev.mcugen.ir.Diag;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.Padding;
import dev.mcugen.ir.PoolKind;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.Text;
import dev.mcugen.ir.fixed.QuantizedMultiplier;
import dev.mcugen.ir.quant.IntTensor;
import dev.mcugen.ir.quant.QAdd;
import dev.mcugen.ir.quant.QConv;
import dev.mcugen.ir.quant.QDepthwiseConv;
import dev.mcugen.ir.quant.QFullyConnected;
import dev.mcugen.ir.quant.QGraph;
import dev.mcugen.ir.quant.QInput;
import dev.mcugen.ir.quant.QNode;
import dev.mcugen.ir.quant.QPool;
import dev.mcugen.ir.quant.QReshape;
import dev.mcugen.ir.quant.QSoftmax;
import dev.mcugen.ir.quant.QuantType;
import dev.mcugen.ir.quant.Rescale;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Maps a quantized (int8) {@code .tflite} to a {@link QGraph} that keeps every scale, zero point and
 * per-channel parameter of the file and computes what TensorFlow Lite Micro's reference kernels
 * compute, bit for bit. Nothing is calibrated or solved: each integer parameter is derived from the
 * file exactly as TFLite derives it when it prepares the op, in double precision from the file's
 * float32 scales, then fixed as integers (the C stays float-free):
 * <ul>
 *   <li>requantization: TFLite's {@code QuantizeMultiplier} ({@link QuantizedMultiplier#of}: frexp,
 *       round the mantissa to 31 bits) and {@code MultiplyByQuantizedMultiplier} (a rounding doubling
 *       high multiply, then a rounding right shift: {@link Rescale} in its multiplier form, never the
 *       power-of-two form, whose ties round otherwise);</li>
 *   <li>FULLY_CONNECTED, CONV_2D, DEPTHWISE_CONV_2D: effective scale
 *       {@code (double) s_in * (double) s_w[c] / (double) s_out} per output channel; the kernels sum
 *       {@code (x - zp_in) * w}, which equals the raw sum plus the bias with {@code -zp_in * Σ w} folded
 *       in, and skipped padding taps contribute zero in both;</li>
 *   <li>ADD: both inputs shifted left by 20 bits, scaled by {@code s_k / (2 max(s_1, s_2))}, summed
 *       and scaled by {@code 2 max(s_1, s_2) / (2^20 s_out)};</li>
 *   <li>SOFTMAX: gemmlowp's fixed-point exp with the input multiplier of
 *       {@code beta * s_in * 2^26} and the difference cut-off {@code -floor(31 * 2^26 / 2^shift)};</li>
 *   <li>AVERAGE_POOL_2D / MAX_POOL_2D and RESHAPE keep the input's scale and zero point (TFLite
 *       requires them equal), pooling divides with rounding half away from zero;</li>
 *   <li>fused activations are TFLite's clamp: ReLU {@code [max(qmin, zp), qmax]}, ReLU6 also
 *       {@code min(qmax, zp + round(6 / s))}, computed in float as TFLite does.</li>
 * </ul>
 * Shapes drop the leading batch dimension of 1. Anything else is refused with
 * {@link Diag#MCG_TFLITE_QUANT_UNSUPPORTED} or {@link Diag#MCG_TFLITE_QUANT_PARAMS}, naming the op and tensor.
 */
final class TfliteQuantMapper {
    /** The ops mapped, for docs and refusals. */
    static final List<String> SUPPORTED = List.of("ADD", "AVERAGE_POOL_2D", "CONV_2D", "DEPTHWISE_CONV_2D",
            "FULLY_CONNECTED", "LEAKY_RELU", "MAX_POOL_2D", "PAD", "PADV2", "QUANTIZE", "RESHAPE", "SOFTMAX", "SQUEEZE",
            "STRIDED_SLICE", "LOGISTIC", "TANH", "HARD_SWISH", "RELU", "RELU6", "MUL", "SUB",
            "CONCATENATION", "DEQUANTIZE", "MEAN", "TRANSPOSE_CONV", "UNIDIRECTIONAL_SEQUENCE_LSTM");

    /** TFLite's ADD shifts int8 inputs left by 20 bits before scaling them to a common scale, int16 by 15. */
    private static final int ADD_LEFT_SHIFT_INT8 = 20;
    private static final int ADD_LEFT_SHIFT_INT16 = 15;

    final TfliteModel m;
    private final String file;
    private final String graphName;
    /** Per TFLite tensor index: the QGraph tensor name that holds its integers. */
    final Map<Integer, String> names = new HashMap<>();
    final Set<String> used = new HashSet<>();
    final List<QNode> nodes = new ArrayList<>();

    /** The int8 / int16 element-wise ops, activations, concatenation and dequantize. */
    private final TfliteQuantOps ops = new TfliteQuantOps(this);

    TfliteQuantMapper(TfliteModel model, String file, String graphName) {
        this.m = model;
        this.file = file;
        this.graphName = graphName;
    }

    /**
     * True when the model takes integers: an int8 / int16 / uint8 input, or an int32 input with a
     * quantization scale (a requantizing model), or float32 inputs each quantized by a QUANTIZE (and
     * outputs dequantized by a DEQUANTIZE: {@link TfliteFloatIo}). Hybrid models (float activations,
     * integer weights) are not mapped here: the float importer refuses them.
     */
    static boolean isQuantized(TfliteModel model) {
        for (int i : model.inputs) {
            int type = model.tensors.get(i).type();
            if (type == TfliteModel.INT8 || type == TfliteModel.INT16 || type == TfliteModel.UINT8
                    || type == TfliteModel.INT32 && model.quantization.get(i) != null) {
                return true;
            }
        }
        return TfliteFloatIo.edges(model).any(); // float I/O: QUANTIZE after the inputs, DEQUANTIZE before the outputs
    }

    QGraph map() {
        List<QInput> inputs = new ArrayList<>();
        // float I/O: the graph runs from the integers each input's QUANTIZE writes to those each output's
        // DEQUANTIZE reads; the caller quantizes and dequantizes (TfliteFloatIo)
        TfliteFloatIo.Edges edges = TfliteFloatIo.edges(m);
        for (int i : m.inputs) {
            TfliteModel.Tensor t = m.tensors.get(edges.input(i));
            requireQuant(t, "model input", TfliteModel.INT8, TfliteModel.INT16, TfliteModel.INT32);
            inputs.add(new QInput(name(t), batchless(t), type(t)));
        }
        for (TfliteModel.Operator op : m.operators) {
            if (edges.skipped().contains(op.index())) {
                continue;
            }
            switch (op.opcode()) {
                case Builtin.FULLY_CONNECTED -> fullyConnected(op);
                case Builtin.CONV_2D -> conv(op);
                case Builtin.DEPTHWISE_CONV_2D -> depthwise(op);
                case Builtin.ADD -> {
                    if (!ops.broadcastAdd(op)) {
                        add(op);
                    }
                }
                case Builtin.LOGISTIC, Builtin.TANH, Builtin.HARD_SWISH -> ops.table(op);
                case Builtin.RELU, Builtin.RELU6 -> ops.relu(op);
                case Builtin.MUL, Builtin.SUB -> ops.elementwise(op);
                case Builtin.CONCATENATION -> ops.concatenation(op);
                case Builtin.DEQUANTIZE -> ops.dequantize(op);
                case Builtin.MEAN -> ops.mean(op);
                case Builtin.TRANSPOSE_CONV -> ops.transposeConv(op);
                case Builtin.AVERAGE_POOL_2D -> pool(op, PoolKind.AVG);
                case Builtin.MAX_POOL_2D -> pool(op, PoolKind.MAX);
                case Builtin.RESHAPE, Builtin.SQUEEZE -> reshape(op);
                case Builtin.SOFTMAX -> softmax(op);
                case Builtin.LEAKY_RELU -> leakyRelu(op);
                case Builtin.PAD, Builtin.PADV2 -> pad(op);
                case Builtin.STRIDED_SLICE -> stridedSlice(op);
                case Builtin.QUANTIZE -> requantize(op);
                case Builtin.UNIDIRECTIONAL_SEQUENCE_LSTM -> lstm(op);
                default -> throw unsupported(op, "has no integer kernel with TFLite's semantics yet; quantized"
                        + " .tflite files may use " + String.join(", ", SUPPORTED));
            }
        }
        List<String> outputs = new ArrayList<>();
        for (int o : m.outputs) {
            String n = names.get(edges.output(o));
            if (n == null) {
                throw new McugenException(Diag.MCG_TFLITE_QUANT_UNSUPPORTED, file, m.tensors.get(o).label()
                        + " is a model output that no operator computes");
            }
            outputs.add(n);
        }
        return new QGraph(graphName, inputs, nodes, outputs);
    }

    // --- ops ------------------------------------------------------------------------------------

    private void fullyConnected(TfliteModel.Operator op) {
        Flat.Table o = op.options();
        if (o != null && o.i8(1, 0) != 0) {
            throw unsupported(op, "has shuffled weights (weights_format)");
        }
        TfliteModel.Tensor x = input(op, 0);
        TfliteModel.Tensor w = weights(op, 1, 2);
        TfliteModel.Tensor y = output(op);
        int units = w.shape()[0];
        int in = w.shape()[1];
        if (x.type() == TfliteModel.INT16) {
            ops.fullyConnected16x8(op, o, x, w, y);
            return;
        }
        requireInt8(x, "input");
        requireInt8(y, "output");
        QuantType xt = type(x);
        QuantType yt = type(y);
        TfliteModel.Quantization wq = m.quantization.get(w.index());
        byte[] wb = int8(op, w);
        // TFLite holds [units, in]; the IR record holds [in, units]
        long[] kernel = new long[in * units];
        for (int u = 0; u < units; u++) {
            for (int i = 0; i < in; i++) {
                kernel[i * units + u] = wb[u * in + i];
            }
        }
        long[] bias = foldedBias(op, 2, units, xt.zeroPoint(), wb, (u, k) -> u * in + k, in);
        List<Rescale> rescale = new ArrayList<>();
        for (int u = 0; u < (wq.perChannel() ? units : 1); u++) {
            rescale.add(multiplier(op, (double) xt.scale() * (double) wq.scale()[u] / (double) yt.scale()));
        }
        int[] act = activationRange(op, o == null ? 0 : o.i8(0, 0), y);
        long rows = x.elements() / Math.max(1, in);
        if (rows * in != x.elements()) {
            throw unsupported(op, "has an input of " + x.elements() + " values, not rows of " + in);
        }
        nodes.add(new QFullyConnected(define(y), names.get(x.index()), batchless(y), yt, in, units,
                IntTensor.of(Shape.of(in, units), 8, kernel), bias32(op, bias), rescale, 0, act[0], act[1]));
    }

    private void conv(TfliteModel.Operator op) {
        Flat.Table o = op.options();
        TfliteModel.Tensor x = input(op, 0);
        TfliteModel.Tensor w = weights(op, 1, 4);
        TfliteModel.Tensor y = output(op);
        if (x.type() == TfliteModel.INT16) {
            conv16x8(op, o, x, w, y);
            return;
        }
        requireInt8(x, "input");
        requireInt8(y, "output");
        requireRank(op, x, 4);
        int f = w.shape()[0];
        int kh = w.shape()[1];
        int kw = w.shape()[2];
        int c = w.shape()[3];
        QuantType xt = type(x);
        QuantType yt = type(y);
        byte[] wb = int8(op, w);
        long[] kernel = convKernel(op, x, w, wb);
        int taps = kh * kw * c;
        long[] bias = foldedBias(op, 2, f, xt.zeroPoint(), wb, (u, k) -> u * taps + k, taps);
        List<Rescale> rescale = channelRescales(op, w, f, xt, yt);
        int[] act = activationRange(op, o == null ? 0 : o.i8(3, 0), y);
        int[] geo = geometry(op, o, 1, 2, 4, 5);
        nodes.add(new QConv(define(y), names.get(x.index()), batchless(x), batchless(y), yt, kh, kw, geo[0], geo[1],
                geo[2], geo[3], padding(op, o), xt.zeroPoint(), IntTensor.of(Shape.of(kh, kw, c, f), 8, kernel),
                bias32(op, bias), rescale, 0, act[0], act[1]));
    }

    /** CONV_2D weights: TFLite's {@code [F, kh, kw, C]} bytes {@code wb} as the IR's {@code [kh, kw, C, F]}. */
    private long[] convKernel(TfliteModel.Operator op, TfliteModel.Tensor x, TfliteModel.Tensor w, byte[] wb) {
        int f = w.shape()[0];
        int c = w.shape()[3];
        if (c != x.shape()[3]) {
            throw unsupported(op, "has " + x.shape()[3] + " input channels but weights for " + c + " (grouped convolution)");
        }
        long[] kernel = new long[wb.length];
        int taps = wb.length / Math.max(1, f);
        for (int fo = 0; fo < f; fo++) {
            for (int t = 0; t < taps; t++) {
                kernel[t * f + fo] = wb[fo * taps + t];
            }
        }
        return kernel;
    }

    /** CONV_2D with int16 activations, int8 weights and an int64 bias (TFLite's 16x8 convolution). */
    private void conv16x8(TfliteModel.Operator op, Flat.Table o, TfliteModel.Tensor x, TfliteModel.Tensor w,
                          TfliteModel.Tensor y) {
        requireQuant(y, "output", TfliteModel.INT16);
        requireRank(op, x, 4);
        int f = w.shape()[0];
        int kh = w.shape()[1];
        int kw = w.shape()[2];
        int c = w.shape()[3];
        QuantType xt = type(x);
        QuantType yt = type(y);
        long[] kernel = convKernel(op, x, w, int8(op, w));
        long[] bias = ops.bias64(op, 2, f);
        List<Rescale> rescale = channelRescales(op, w, f, xt, yt);
        int[] act = activationRange(op, o == null ? 0 : o.i8(3, 0), y);
        int[] geo = geometry(op, o, 1, 2, 4, 5);
        nodes.add(new dev.mcugen.ir.quant.QConv16x8(define(y), names.get(x.index()), batchless(x), batchless(y), yt, kh, kw,
                geo[0], geo[1], geo[2], geo[3], padding(op, o), IntTensor.of(Shape.of(kh, kw, c, f), 8, kernel),
                IntTensor.of(Shape.of(f), 64, bias), rescale, act[0], act[1]));
    }

    /** UNIDIRECTIONAL_SEQUENCE_LSTM: TFLite Micro's integer LSTM ({@link TfliteLstmMapper}). */
    private void lstm(TfliteModel.Operator op) {
        TfliteModel.Tensor x = input(op, 0);
        TfliteModel.Tensor y = output(op);
        String xName = names.get(x.index());
        nodes.add(new TfliteLstmMapper(this, m).map(op, x, y, xName, define(y)));
    }

    private void leakyRelu(TfliteModel.Operator op) {
        TfliteModel.Tensor x = input(op, 0);
        TfliteModel.Tensor y = output(op);
        requireQuant(x, "input", TfliteModel.INT8, TfliteModel.INT16);
        requireQuant(y, "output", x.type());
        QuantType xt = type(x);
        QuantType yt = type(y);
        Flat.Table o = op.options();
        float alpha = o == null ? 0.2f : o.f32(0, 0.2f);
        // TFLite Micro's prepare forms both ratios in float32, then widens them
        Rescale identity = multiplier(op, (double) ((float) xt.scale() / (float) yt.scale()));
        Rescale slope = multiplier(op, (double) ((float) xt.scale() * alpha / (float) yt.scale()));
        nodes.add(new dev.mcugen.ir.quant.QPRelu(define(y), names.get(x.index()), batchless(y), yt, xt.zeroPoint(),
                IntTensor.of(Shape.of(1), 16, new int[] {1}), identity, slope));
    }

    private void pad(TfliteModel.Operator op) {
        TfliteModel.Tensor x = input(op, 0);
        TfliteModel.Tensor y = output(op);
        requireQuant(x, "input", TfliteModel.INT8, TfliteModel.INT16);
        requireQuant(y, "output", x.type());
        sameType(op, x, y);
        requireRank(op, x, 4);
        int[] p = constInts(op, 1, "paddings");
        if (p.length != 8 || p[0] != 0 || p[1] != 0 || p[6] != 0 || p[7] != 0) {
            throw unsupported(op, "pads " + Arrays.toString(p) + "; mcugen pads height and width only");
        }
        for (int v : p) {
            if (v < 0) {
                throw unsupported(op, "has a negative padding " + Arrays.toString(p));
            }
        }
        QuantType t = type(y);
        int value = t.zeroPoint();
        if (op.opcode() == Builtin.PADV2 && op.inputs().length > 2 && op.inputs()[2] >= 0) {
            TfliteModel.Tensor cv = m.tensors.get(op.inputs()[2]);
            if (cv.type() != x.type()) {
                throw params(cv, "is the pad value of type " + TfliteModel.typeName(cv.type()) + " for a "
                        + TfliteModel.typeName(x.type()) + " input");
            }
            byte[] b = data(op, cv);
            value = x.type() == TfliteModel.INT8 ? b[0] : ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getShort(0);
        }
        nodes.add(new dev.mcugen.ir.quant.QPad(define(y), names.get(x.index()), batchless(x), batchless(y), t, p[2], p[3],
                p[4], p[5], value));
    }

    private void stridedSlice(TfliteModel.Operator op) {
        TfliteModel.Tensor x = input(op, 0);
        TfliteModel.Tensor y = output(op);
        requireQuant(x, "input", TfliteModel.INT8, TfliteModel.INT16);
        requireQuant(y, "output", x.type());
        sameType(op, x, y);
        Flat.Table o = op.options();
        int beginMask = o == null ? 0 : o.i32(0, 0);
        int endMask = o == null ? 0 : o.i32(1, 0);
        if (o != null && (o.i32(2, 0) != 0 || o.i32(3, 0) != 0 || o.i32(4, 0) != 0 || o.bool(5))) {
            throw unsupported(op, "uses an ellipsis, new-axis or shrink-axis mask or offset; mcugen slices with begin and"
                    + " end masks only");
        }
        int[] shape = x.shape();
        int[] begin = constInts(op, 1, "begin");
        int[] end = constInts(op, 2, "end");
        int[] strides = constInts(op, 3, "strides");
        if (begin.length != shape.length || end.length != shape.length || strides.length != shape.length) {
            throw unsupported(op, "slices " + begin.length + " axes of a rank-" + shape.length + " tensor");
        }
        int[] outShape = new int[shape.length];
        List<Integer> b = new ArrayList<>();
        List<Integer> st = new ArrayList<>();
        for (int a = 0; a < shape.length; a++) {
            int n = shape[a];
            if (strides[a] < 1) {
                throw unsupported(op, "has stride " + strides[a] + " on axis " + a + "; mcugen slices with positive strides");
            }
            // TFLite's StartForAxis / StopForAxis for a positive stride: negative indices count from the end,
            // then clamp to [0, n]
            int start = (beginMask & (1 << a)) != 0 ? 0 : Math.max(0, Math.min(n, begin[a] < 0 ? begin[a] + n : begin[a]));
            int stop = (endMask & (1 << a)) != 0 ? n : Math.max(0, Math.min(n, end[a] < 0 ? end[a] + n : end[a]));
            outShape[a] = Math.max(0, (stop - start + strides[a] - 1) / strides[a]);
            b.add(start);
            st.add(strides[a]);
        }
        if (!Arrays.equals(outShape, y.shape())) {
            throw params(y, "has shape " + Arrays.toString(y.shape()) + " but the slice gives " + Arrays.toString(outShape));
        }
        if (shape.length < 2 || shape[0] != 1) {
            throw unsupported(op, "slices a tensor of shape " + Arrays.toString(shape) + "; mcugen takes a batch of 1");
        }
        nodes.add(new dev.mcugen.ir.quant.QStridedSlice(define(y), names.get(x.index()), batchless(x), batchless(y),
                type(y), b.subList(1, b.size()), st.subList(1, st.size())));
    }

    /**
     * QUANTIZE between integer types (TFLite's requantize): {@code clamp(zp_y + R(x - zp_x))} with
     * {@code R} the multiplier of {@code (double) s_x / (double) s_y}.
     */
    private void requantize(TfliteModel.Operator op) {
        TfliteModel.Tensor x = input(op, 0);
        TfliteModel.Tensor y = output(op);
        requireQuant(x, "input", TfliteModel.INT8, TfliteModel.INT16, TfliteModel.INT32);
        requireQuant(y, "output", TfliteModel.INT8, TfliteModel.INT16, TfliteModel.INT32);
        QuantType xt = type(x);
        QuantType yt = type(y);
        Rescale r = multiplier(op, xt.scale() / yt.scale());
        nodes.add(new dev.mcugen.ir.quant.QRequant(define(y), names.get(x.index()), batchless(y), yt, xt.zeroPoint(), 1, r,
                0, yt.qmin(), yt.qmax()));
    }

    /** The int32 values of constant input {@code slot}. */
    int[] constInts(TfliteModel.Operator op, int slot, String what) {
        if (op.inputs().length <= slot || op.inputs()[slot] < 0) {
            throw unsupported(op, "lacks its " + what);
        }
        TfliteModel.Tensor t = m.tensors.get(op.inputs()[slot]);
        if (t.type() != TfliteModel.INT32 || !m.isConstant(t)) {
            throw unsupported(op, "has " + what + " " + t.label() + " that is not a constant int32 tensor");
        }
        ByteBuffer buf = ByteBuffer.wrap(data(op, t)).order(ByteOrder.LITTLE_ENDIAN);
        int[] v = new int[buf.remaining() / 4];
        for (int i = 0; i < v.length; i++) {
            v[i] = buf.getInt(4 * i);
        }
        return v;
    }

    private void depthwise(TfliteModel.Operator op) {
        Flat.Table o = op.options();
        TfliteModel.Tensor x = input(op, 0);
        TfliteModel.Tensor w = weights(op, 1, 4);
        TfliteModel.Tensor y = output(op);
        if (x.type() == TfliteModel.INT16) {
            ops.depthwise16x8(op, o, x, w, y, geometry(op, o, 1, 2, 5, 6), padding(op, o),
                    channelRescales(op, w, w.shape()[3], type(x), type(y)));
            return;
        }
        requireInt8(x, "input");
        requireInt8(y, "output");
        requireRank(op, x, 4);
        int kh = w.shape()[1];
        int kw = w.shape()[2];
        int out = w.shape()[3];
        int c = x.shape()[3];
        if (w.shape()[0] != 1 || c == 0 || out % c != 0) {
            throw unsupported(op, "has weights " + Arrays.toString(w.shape()) + " for " + c + " input channels");
        }
        int mult = out / c;
        QuantType xt = type(x);
        QuantType yt = type(y);
        byte[] wb = int8(op, w);
        // TFLite [1, kh, kw, C·m] holds the same bytes as the IR's [kh, kw, C, m]
        long[] kernel = new long[wb.length];
        for (int i = 0; i < wb.length; i++) {
            kernel[i] = wb[i];
        }
        int taps = kh * kw;
        long[] bias = foldedBias(op, 2, out, xt.zeroPoint(), wb, (u, k) -> k * out + u, taps);
        List<Rescale> rescale = channelRescales(op, w, out, xt, yt);
        int[] act = activationRange(op, o == null ? 0 : o.i8(4, 0), y);
        int[] geo = geometry(op, o, 1, 2, 5, 6);
        nodes.add(new QDepthwiseConv(define(y), names.get(x.index()), batchless(x), batchless(y), yt, mult, kh, kw,
                geo[0], geo[1], geo[2], geo[3], padding(op, o), xt.zeroPoint(),
                IntTensor.of(Shape.of(kh, kw, c, mult), 8, kernel), bias32(op, bias), rescale, 0, act[0], act[1]));
    }

    private void add(TfliteModel.Operator op) {
        TfliteModel.Tensor a = input(op, 0);
        TfliteModel.Tensor b = input(op, 1);
        TfliteModel.Tensor y = output(op);
        requireQuant(a, "input", TfliteModel.INT8, TfliteModel.INT16);
        requireQuant(b, "input", a.type());
        requireQuant(y, "output", a.type());
        int leftShift = a.type() == TfliteModel.INT16 ? ADD_LEFT_SHIFT_INT16 : ADD_LEFT_SHIFT_INT8;
        if (!Arrays.equals(a.shape(), b.shape()) || !Arrays.equals(a.shape(), y.shape())) {
            throw unsupported(op, "broadcasts " + Arrays.toString(a.shape()) + " and " + Arrays.toString(b.shape())
                    + "; mcugen adds int8 tensors of equal shape");
        }
        QuantType at = type(a);
        QuantType bt = type(b);
        QuantType yt = type(y);
        // TFLite's prepare: twice the larger input scale, in double from the float32 scales
        double twiceMax = 2 * (double) Math.max((float) at.scale(), (float) bt.scale());
        Rescale ra = multiplier(op, at.scale() / twiceMax);
        Rescale rb = multiplier(op, bt.scale() / twiceMax);
        Rescale ro = multiplier(op, twiceMax / ((1 << leftShift) * yt.scale()));
        Flat.Table o = op.options();
        int[] act = activationRange(op, o == null ? 0 : o.i8(0, 0), y);
        // QAdd clamps to its output type's range: TFLite clamps to the fused activation's range
        QuantType clamped = new QuantType(yt.bits(), act[0], act[1], yt.scale(), yt.zeroPoint());
        nodes.add(new QAdd(define(y), List.of(names.get(a.index()), names.get(b.index())), batchless(y), clamped,
                List.of(at.zeroPoint(), bt.zeroPoint()), leftShift, List.of(ra, rb), ro));
    }

    private void pool(TfliteModel.Operator op, PoolKind kind) {
        Flat.Table o = op.options();
        TfliteModel.Tensor x = input(op, 0);
        TfliteModel.Tensor y = output(op);
        requireQuant(x, "input", TfliteModel.INT8, TfliteModel.INT16);
        requireQuant(y, "output", x.type());
        requireRank(op, x, 4);
        sameType(op, x, y);
        if (o == null) {
            throw unsupported(op, "has no Pool2DOptions");
        }
        int sw = o.i32(1, 0);
        int sh = o.i32(2, 0);
        int fw = o.i32(3, 0);
        int fh = o.i32(4, 0);
        if (sw < 1 || sh < 1 || fw < 1 || fh < 1) {
            throw unsupported(op, "has filter " + fh + "x" + fw + " / stride " + sh + "x" + sw);
        }
        QuantType t = type(y);
        int[] act = activationRange(op, o.i8(5, 0), y);
        if (act[0] != t.qmin() || act[1] != t.qmax()) {
            throw unsupported(op, "has a fused activation; mcugen pools without one");
        }
        nodes.add(new QPool(define(y), names.get(x.index()), batchless(x), batchless(y), t, kind, fh, fw, sh, sw,
                padding(op, o)));
    }

    private void reshape(TfliteModel.Operator op) {
        TfliteModel.Tensor x = input(op, 0);
        TfliteModel.Tensor y = output(op);
        requireQuant(x, "input", TfliteModel.INT8, TfliteModel.INT16);
        requireQuant(y, "output", x.type());
        sameType(op, x, y);
        if (x.elements() != y.elements()) {
            throw unsupported(op, "changes " + x.elements() + " values into " + y.elements());
        }
        nodes.add(new QReshape(define(y), names.get(x.index()), batchless(y), type(y)));
    }

    private void softmax(TfliteModel.Operator op) {
        TfliteModel.Tensor x = input(op, 0);
        TfliteModel.Tensor y = output(op);
        requireInt8(x, "input");
        requireInt8(y, "output");
        QuantType yt = type(y);
        if (yt.scale() != 1.0 / 256 || yt.zeroPoint() != -128) {
            throw params(y, "is an int8 softmax output with scale " + (float) yt.scale() + " and zero point "
                    + yt.zeroPoint() + "; TFLite requires 1/256 and -128");
        }
        Flat.Table o = op.options();
        double beta = o == null ? 1.0 : o.f32(0, 1.0f);
        // TFLite's PreprocessSoftmaxScaling with 5 integer bits of the scaled difference
        double real = Math.min(beta * type(x).scale() * (1 << 26), (1L << 31) - 1.0);
        QuantizedMultiplier q = of(op, real);
        if (q.shift() < 0) {
            throw unsupported(op, "has beta * input scale " + (float) (real / (1 << 26))
                    + ", below what TFLite's int8 softmax takes (its input multiplier must be at least 1)");
        }
        // CalculateInputRadius(5, shift): floor(31 * 2^26 / 2^shift), evaluated in double as TFLite does
        int diffMin = -(int) Math.floor(31.0 * (1L << 26) / (double) (1L << q.shift()));
        nodes.add(new QSoftmax(define(y), names.get(x.index()), batchless(y), yt, Rescale.of(q), diffMin, 8));
    }

    // --- parameters -----------------------------------------------------------------------------

    interface WeightIndex {
        int at(int unit, int tap);
    }

    /**
     * The bias with the input zero point folded in: {@code bias_u - zp_x · Σ_k w[u, k]}; TFLite adds the
     * bias after summing {@code (x - zp_x) · w}, which is the same integer.
     */
    long[] foldedBias(TfliteModel.Operator op, int slot, int units, int zpX, byte[] w, WeightIndex idx, int taps) {
        long[] bias = new long[units];
        if (op.inputs().length > slot && op.inputs()[slot] >= 0) {
            TfliteModel.Tensor b = m.tensors.get(op.inputs()[slot]);
            if (b.type() != TfliteModel.INT32) {
                throw params(b, "is a " + TfliteModel.typeName(b.type()) + " bias; int8 layers take int32 biases");
            }
            byte[] bb = data(op, b);
            if (bb.length != 4L * units) {
                throw params(b, "holds " + bb.length / 4 + " biases for " + units + " output channels");
            }
            ByteBuffer buf = ByteBuffer.wrap(bb).order(ByteOrder.LITTLE_ENDIAN);
            for (int u = 0; u < units; u++) {
                bias[u] = buf.getInt(4 * u);
            }
        }
        for (int u = 0; u < units; u++) {
            long sum = 0;
            for (int k = 0; k < taps; k++) {
                sum += w[idx.at(u, k)];
            }
            bias[u] -= (long) zpX * sum;
        }
        return bias;
    }

    IntTensor bias32(TfliteModel.Operator op, long[] bias) {
        for (long v : bias) {
            if (v != (int) v) {
                throw unsupported(op, "has a bias that does not fit int32 once the input zero point is folded in");
            }
        }
        return IntTensor.of(Shape.of(bias.length), 32, bias);
    }

    private List<Rescale> channelRescales(TfliteModel.Operator op, TfliteModel.Tensor w, int channels, QuantType xt,
                                          QuantType yt) {
        TfliteModel.Quantization wq = m.quantization.get(w.index());
        if (wq.perChannel() && (wq.scale().length != channels || wq.dimension() != (op.opcode() == Builtin.CONV_2D ? 0 : 3))) {
            throw params(w, "has " + wq.scale().length + " scales along axis " + wq.dimension() + " for "
                    + channels + " output channels");
        }
        List<Rescale> rescale = new ArrayList<>();
        for (int ch = 0; ch < (wq.perChannel() ? channels : 1); ch++) {
            // PopulateConvolutionQuantizationParams: (double) s_in * (double) s_w[c] / (double) s_out
            rescale.add(multiplier(op, (double) (float) xt.scale() * (double) wq.scale()[ch] / (double) (float) yt.scale()));
        }
        return rescale;
    }

    Rescale multiplier(TfliteModel.Operator op, double real) {
        return Rescale.of(of(op, real));
    }

    QuantizedMultiplier of(TfliteModel.Operator op, double real) {
        try {
            return QuantizedMultiplier.of(real);
        } catch (IllegalArgumentException e) {
            throw unsupported(op, "needs an effective scale of " + real + ", outside what a 32-bit multiplier represents");
        }
    }

    /**
     * TFLite's {@code CalculateActivationRangeQuantized}: the output type's range narrowed by the fused
     * activation, with {@code quantize(v) = zp + round(v / scale)} in float32.
     */
    int[] activationRange(TfliteModel.Operator op, int fused, TfliteModel.Tensor y) {
        QuantType t = type(y);
        float scale = (float) t.scale();
        int zp = t.zeroPoint();
        int lo = t.qmin();
        int hi = t.qmax();
        switch (fused) {
            case 0 -> {
            }
            case 1 -> lo = Math.max(lo, zp);
            case 2 -> {
                lo = Math.max(lo, zp + roundAway(-1f / scale));
                hi = Math.min(hi, zp + roundAway(1f / scale));
            }
            case 3 -> {
                lo = Math.max(lo, zp);
                hi = Math.min(hi, zp + roundAway(6f / scale));
            }
            default -> throw unsupported(op, "has fused activation " + fused + "; int8 layers take NONE, RELU,"
                    + " RELU_N1_TO_1 or RELU6");
        }
        if (lo >= hi) {
            throw params(y, "leaves the fused activation an empty range [" + lo + ", " + hi + "]");
        }
        return new int[] {lo, hi};
    }

    /** {@code std::round} of a float: to nearest, ties away from zero, saturated to int. */
    static int roundAway(float v) {
        return (int) Math.max(Integer.MIN_VALUE / 2, Math.min(Integer.MAX_VALUE / 2, Math.signum(v) * Math.round(Math.abs(v))));
    }

    /** {strideH, strideW, dilationH, dilationW} from the options' field ids. */
    private int[] geometry(TfliteModel.Operator op, Flat.Table o, int strideW, int strideH, int dilW, int dilH) {
        int sw = o == null ? 1 : o.i32(strideW, 1);
        int sh = o == null ? 1 : o.i32(strideH, 1);
        int dw = o == null ? 1 : o.i32(dilW, 1);
        int dh = o == null ? 1 : o.i32(dilH, 1);
        if (sw < 1 || sh < 1 || dw < 1 || dh < 1) {
            throw unsupported(op, "has stride " + sh + "x" + sw + " / dilation " + dh + "x" + dw);
        }
        return new int[] {sh, sw, dh, dw};
    }

    private Padding padding(TfliteModel.Operator op, Flat.Table o) {
        int p = o == null ? 0 : o.i8(0, 0);
        return switch (p) {
            case 0 -> Padding.SAME;
            case 1 -> Padding.VALID;
            default -> throw unsupported(op, "has padding " + p);
        };
    }

    // --- tensors --------------------------------------------------------------------------------

    TfliteModel.Tensor input(TfliteModel.Operator op, int slot) {
        if (op.inputs().length <= slot || op.inputs()[slot] < 0) {
            throw unsupported(op, "lacks input " + slot);
        }
        TfliteModel.Tensor t = m.tensors.get(op.inputs()[slot]);
        if (!names.containsKey(t.index())) {
            throw unsupported(op, "reads " + t.label() + ", which is neither a model input nor computed by an"
                    + " operator before it (constant activations are not supported)");
        }
        return t;
    }

    TfliteModel.Tensor weights(TfliteModel.Operator op, int slot, int rank) {
        if (op.inputs().length <= slot || op.inputs()[slot] < 0) {
            throw unsupported(op, "lacks its weights");
        }
        TfliteModel.Tensor w = m.tensors.get(op.inputs()[slot]);
        if (!m.isConstant(w)) {
            throw unsupported(op, "has weights " + w.label() + " that are not constant");
        }
        requireInt8(w, "weights");
        if (w.shape().length != rank) {
            throw unsupported(op, "has weights of shape " + Arrays.toString(w.shape()) + ", not rank " + rank);
        }
        TfliteModel.Quantization q = m.quantization.get(w.index());
        for (long zp : q.zeroPoint()) {
            if (zp != 0) {
                throw params(w, "is int8 weights with zero point " + zp + "; TFLite takes symmetric int8 weights"
                        + " (zero point 0) only");
            }
        }
        return w;
    }

    TfliteModel.Tensor output(TfliteModel.Operator op) {
        if (op.outputs().length != 1) {
            throw unsupported(op, "has " + op.outputs().length + " outputs");
        }
        return m.tensors.get(op.outputs()[0]);
    }

    private void requireInt8(TfliteModel.Tensor t, String role) {
        requireQuant(t, role, TfliteModel.INT8);
    }

    /** {@code t} is of one of {@code types} and has a valid per-tensor or per-channel quantization. */
    void requireQuant(TfliteModel.Tensor t, String role, int... types) {
        if (Arrays.stream(types).noneMatch(k -> k == t.type())) {
            String why = t.type() == 17 ? "INT4" : TfliteModel.typeName(t.type());
            throw params(t, "is the " + role + " of type " + why + "; here mcugen keeps the integers of "
                    + String.join(" / ", Arrays.stream(types).mapToObj(TfliteModel::typeName).toList())
                    + " tensors (int8 models: int8 activations and weights, int32 biases; 16x8: int16 activations,"
                    + " int8 weights, int64 biases)");
        }
        TfliteModel.Quantization q = m.quantization.get(t.index());
        if (q == null) {
            throw params(t, "is int8 without a quantization scale");
        }
        for (float s : q.scale()) {
            if (!(s > 0) || Float.isInfinite(s)) {
                throw params(t, "has quantization scale " + s + "; scales must be positive and finite");
            }
        }
    }

    private void requireRank(TfliteModel.Operator op, TfliteModel.Tensor t, int rank) {
        if (t.shape().length != rank || t.shape()[0] != 1) {
            throw unsupported(op, "has input " + t.label() + " of shape " + Arrays.toString(t.shape())
                    + "; mcugen takes [1, H, W, C]");
        }
    }

    void sameType(TfliteModel.Operator op, TfliteModel.Tensor x, TfliteModel.Tensor y) {
        QuantType a = type(x);
        QuantType b = type(y);
        if (a.scale() != b.scale() || a.zeroPoint() != b.zeroPoint()) {
            throw params(y, "has scale " + (float) b.scale() + " / zero point " + b.zeroPoint() + " but its input "
                    + x.label() + " has " + (float) a.scale() + " / " + a.zeroPoint() + "; TFLite's "
                    + Builtin.name(op.opcode()) + " requires them equal");
        }
    }

    /** The per-tensor type of an activation tensor: {@code real = scale * (q - zero_point)}. */
    QuantType type(TfliteModel.Tensor t) {
        TfliteModel.Quantization q = m.quantization.get(t.index());
        if (q.perChannel()) {
            throw params(t, "is an activation with per-channel scales");
        }
        long zp = q.zeroPoint()[0];
        int bits = t.type() == TfliteModel.INT16 ? 16 : t.type() == TfliteModel.INT32 ? 32 : 8;
        if (bits == 16 && zp != 0) {
            throw params(t, "is int16 with zero point " + zp + "; TFLite's int16 activations are symmetric (zero point 0)");
        }
        if (zp < QuantType.fullMin(bits) || zp > QuantType.fullMax(bits)) {
            throw params(t, "has zero point " + zp + " outside int" + bits);
        }
        return new QuantType(bits, QuantType.fullMin(bits), QuantType.fullMax(bits), q.scale()[0], (int) zp);
    }

    static Shape batchless(TfliteModel.Tensor t) {
        int[] s = t.shape();
        if (s.length >= 2 && s[0] == 1) {
            return Shape.of(Arrays.copyOfRange(s, 1, s.length));
        }
        return Shape.of(s);
    }

    byte[] int8(TfliteModel.Operator op, TfliteModel.Tensor w) {
        byte[] b = data(op, w);
        if (b.length != w.elements()) {
            throw params(w, "holds " + b.length + " bytes for " + w.elements() + " int8 values");
        }
        return b;
    }

    byte[] data(TfliteModel.Operator op, TfliteModel.Tensor t) {
        if (t.sparse()) {
            throw unsupported(op, "has sparse or external data in " + t.label());
        }
        byte[] b = m.data(t);
        if (b == null) {
            throw unsupported(op, "reads " + t.label() + ", which has no data");
        }
        return b;
    }

    /** The QGraph name of tensor {@code t}: its TFLite name, made unique. */
    private String name(TfliteModel.Tensor t) {
        String base = t.name().isEmpty() ? "t" + t.index() : t.name();
        String n = used.contains(base) ? base + "_" + t.index() : base;
        used.add(n);
        names.put(t.index(), n);
        return n;
    }

    String define(TfliteModel.Tensor y) {
        if (names.containsKey(y.index())) {
            throw new McugenException(Diag.MCG_IMPORT_CORRUPT, file, y.label() + " is written by two operators");
        }
        return name(y);
    }

    McugenException unsupported(TfliteModel.Operator op, String why) {
        String out = op.outputs().length > 0 && op.outputs()[0] >= 0 ? " (" + m.tensors.get(op.outputs()[0]).label() + ")" : "";
        return new McugenException(Diag.MCG_TFLITE_QUANT_UNSUPPORTED, file, "operator " + op.index() + " "
                + Builtin.name(op.opcode()) + out + " " + why);
    }

    McugenException params(TfliteModel.Tensor t, String why) {
        return new McugenException(Diag.MCG_TFLITE_QUANT_PARAMS, file, Text.clip(t.label(), 120) + " " + why);
    }
}
