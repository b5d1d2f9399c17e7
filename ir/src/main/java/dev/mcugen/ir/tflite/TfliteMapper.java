package dev.mcugen.ir.tflite;

import dev.mcugen.ir.Activation;
import dev.mcugen.ir.ActivationFusion;
import dev.mcugen.ir.Diag;
import dev.mcugen.ir.ElementwiseShapes;
import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Graph;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns the operators of a parsed float {@link TfliteModel} into IR nodes.
 *
 * <p>TFLite tensors carry the batch axis (which must be 1) and are channels last like the IR, but its
 * weights are laid out per output: CONV_2D filters {@code [out, kh, kw, in]}, FULLY_CONNECTED weights
 * {@code [units, in]}, LSTM gate weights {@code [units, in]} one tensor per gate. Each is transposed to
 * the Keras layout {@link dev.mcugen.ir.WeightSpecs} names.
 *
 * <p>RESHAPE, SQUEEZE and EXPAND_DIMS only relabel the data (row-major order is unchanged), so they are
 * carried as pending relabels on the tensor and cost nothing unless a consumer needs the data in a
 * shape the IR tensor does not have: then one Flatten / Reshape node is made. This folds the
 * EXPAND_DIMS + CONV_2D + SQUEEZE the converter writes for a Keras Conv1D into one {@link Op.Conv1D}
 * (and the same for 1-D pooling), and the RESHAPE before a FULLY_CONNECTED into a Flatten.
 *
 * <p>UNIDIRECTIONAL_SEQUENCE_LSTM: TFLite's converter writes {@code cell_clip = 10} for every Keras
 * LSTM, although Keras itself never clips. The IR's LSTM has no cell clip, so the import follows Keras
 * and does not apply it: the result equals TFLite's while no cell state passes the clip, and stays close
 * beyond it as long as tanh saturates there (the zoo's MNIST LSTM passes 10 on its test set and still
 * matches a clipping reference to 6e-6), but exact TFLite semantics need a cell clip in the IR. A
 * projection clip is refused.
 */
final class TfliteMapper {
    private final TfliteModel m;
    private final String file;
    private final String graphName;
    private final int[] consumers;
    private final boolean[] isOutput;
    private final Map<Integer, Val> vals = new HashMap<>();
    private final Map<Integer, float[]> dequantized = new HashMap<>();
    private final List<Spec> specs = new ArrayList<>();
    private final Map<String, Shape> irShapes = new LinkedHashMap<>();
    private final Set<String> used = new HashSet<>();
    private final Map<String, String> materialized = new HashMap<>();
    private final List<String> inputNames = new ArrayList<>();
    /** Float elements decoded so far; shared buffers could otherwise multiply memory beyond the file. */
    private long decoded;

    /** An IR node in the making: ops may still fuse an activation or drop their sequence output. */
    private static final class Spec {
        final String name;
        Op op;
        final List<String> inputs;
        final Map<String, FloatTensor> weights;
        final List<String> source = new ArrayList<>();
        Shape out;

        Spec(String name, Op op, List<String> inputs, Map<String, FloatTensor> weights) {
            this.name = name;
            this.op = op;
            this.inputs = inputs;
            this.weights = weights;
        }
    }

    /**
     * What a TFLite tensor is in the IR: the IR tensor {@code ir} of shape {@code irShape} holding its
     * values in row-major order, the TFLite shape {@code tfl} (batch included), relabel ops not yet
     * attributed to a node, the node that made {@code ir}, and whether every tensor between that node and
     * this one has it as its only consumer (so an activation may fuse into the node).
     */
    private record Val(int tensor, String ir, Shape irShape, int[] tfl, List<String> pending, Spec producer,
                       boolean exclusive) {
    }

    /** An IR input for a consumer: the tensor name and the relabels folded into the consumer. */
    private record In(String name, List<String> folded) {
    }

    TfliteMapper(TfliteModel m, String file, String graphName) {
        this.m = m;
        this.file = file;
        this.graphName = graphName;
        this.consumers = new int[m.tensors.size()];
        this.isOutput = new boolean[m.tensors.size()];
        for (TfliteModel.Operator op : m.operators) {
            for (int i : op.inputs()) {
                if (i >= 0) {
                    consumers[i]++;
                }
            }
        }
        for (int o : m.outputs) {
            isOutput[o] = true;
        }
    }

    ImportedModel map() {
        refuseQuantized();
        if (m.subgraphCount > 1) {
            throw new McugenException(Diag.MCG_IMPORT_UNSUPPORTED, file, "has " + m.subgraphCount
                    + " subgraphs (control flow such as WHILE / IF); mcugen imports .tflite files with one subgraph");
        }
        if (m.inputs.length == 0 || m.outputs.length == 0) {
            throw new McugenException(Diag.MCG_IMPORT_EMPTY_MODEL, file, "has no inputs or no outputs");
        }
        for (int i : m.inputs) {
            TfliteModel.Tensor t = m.tensors.get(i);
            if (t.type() != TfliteModel.FLOAT32 && t.type() != TfliteModel.INT32 && t.type() != TfliteModel.INT64) {
                throw new McugenException(Diag.MCG_IMPORT_UNSUPPORTED, file, "input " + t.label() + " is "
                        + TfliteModel.typeName(t.type()) + "; mcugen imports float32 inputs, or int32 / int64 token"
                        + " ids of an embedding (GATHER)");
            }
            Shape s = batchless(t, "input " + t.label());
            String name = unique(readable(t.name()), "input");
            inputNames.add(name);
            irShapes.put(name, s);
            vals.put(i, new Val(i, name, s, t.shape(), List.of(), null, true));
        }
        boolean[] shapeOnly = shapeComputations();
        for (TfliteModel.Operator op : m.operators) {
            if (!shapeOnly[op.index()]) {
                mapOp(op);
            }
        }
        List<String> outs = new ArrayList<>();
        for (int o : m.outputs) {
            Val v = vals.get(o);
            TfliteModel.Tensor t = m.tensors.get(o);
            if (v == null) {
                throw new McugenException(Diag.MCG_IMPORT_UNSUPPORTED, file, "output " + t.label()
                        + " is not computed by any operator (a constant output?)");
            }
            In in = in(v, batchless(t, "output " + t.label()));
            if (!in.folded().isEmpty() && v.producer() != null) {
                v.producer().source.addAll(in.folded());
            }
            outs.add(in.name());
        }
        GraphBuilder b = new GraphBuilder(graphName);
        for (String name : inputNames) {
            b.input(name, irShapes.get(name));
        }
        Map<String, String> sourceOps = new LinkedHashMap<>();
        for (Spec s : specs) {
            b.add(s.name, s.op, s.inputs, s.weights);
            if (!s.source.isEmpty()) {
                sourceOps.put(s.name, String.join("+", s.source));
            }
        }
        outs.forEach(b::output);
        Graph g = b.build();
        return new ImportedModel(g, ModelLoader.Format.TFLITE, sourceOps, Map.of());
    }

    /**
     * Operators that only compute the target shape of a RESHAPE: with a dynamic batch the converter
     * writes a Keras Flatten as SHAPE -> STRIDED_SLICE -> PACK (or CONCATENATION) -> RESHAPE's shape
     * input. The importer takes RESHAPE's result shape from its output tensor, so these integer ops are
     * skipped when everything they produce ends in RESHAPE's second input. Walked backwards: readers come
     * after writers in TFLite's execution order.
     */
    private boolean[] shapeComputations() {
        int n = m.tensors.size();
        List<List<int[]>> readers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            readers.add(new ArrayList<>());
        }
        for (TfliteModel.Operator op : m.operators) {
            for (int k = 0; k < op.inputs().length; k++) {
                if (op.inputs()[k] >= 0) {
                    readers.get(op.inputs()[k]).add(new int[] {op.index(), k});
                }
            }
        }
        boolean[] skip = new boolean[m.operators.size()];
        for (int j = m.operators.size() - 1; j >= 0; j--) {
            TfliteModel.Operator op = m.operators.get(j);
            int code = op.opcode();
            if (code != Builtin.SHAPE && code != Builtin.STRIDED_SLICE && code != Builtin.PACK
                    && code != Builtin.CONCATENATION) {
                continue;
            }
            boolean only = op.outputs().length > 0;
            for (int out : op.outputs()) {
                int type = m.tensors.get(out).type();
                only &= (type == TfliteModel.INT32 || type == TfliteModel.INT64) && !isOutput[out]
                        && !readers.get(out).isEmpty();
                for (int[] r : readers.get(out)) {
                    TfliteModel.Operator reader = m.operators.get(r[0]);
                    only &= reader.opcode() == Builtin.RESHAPE && r[1] == 1 || skip[r[0]];
                }
            }
            skip[j] = only;
        }
        return skip;
    }

    // --- quantized files ----------------------------------------------------------------------

    private void refuseQuantized() {
        for (TfliteModel.Operator op : m.operators) {
            if (op.opcode() == Builtin.QUANTIZE) {
                throw quantized("operator " + op.index() + " is a QUANTIZE");
            }
            if (op.opcode() == Builtin.DEQUANTIZE && op.inputs().length > 0 && op.inputs()[0] >= 0
                    && m.tensors.get(op.inputs()[0]).type() != TfliteModel.FLOAT16) {
                throw quantized("it dequantizes " + m.tensors.get(op.inputs()[0]).label() + " of type "
                        + TfliteModel.typeName(m.tensors.get(op.inputs()[0]).type()));
            }
            for (int[] list : new int[][] {op.inputs(), op.outputs()}) {
                for (int i : list) {
                    if (i >= 0 && isIntQuantType(m.tensors.get(i).type())) {
                        TfliteModel.Tensor t = m.tensors.get(i);
                        throw quantized(t.label() + " is " + TfliteModel.typeName(t.type()));
                    }
                }
            }
        }
        for (int[] list : new int[][] {m.inputs, m.outputs}) {
            for (int i : list) {
                TfliteModel.Tensor t = m.tensors.get(i);
                if (isIntQuantType(t.type())) {
                    throw quantized(t.label() + " is " + TfliteModel.typeName(t.type()));
                }
            }
        }
    }

    private static boolean isIntQuantType(int type) {
        return type == TfliteModel.INT8 || type == TfliteModel.UINT8 || type == TfliteModel.INT16;
    }

    private McugenException quantized(String why) {
        return new McugenException(Diag.MCG_IMPORT_TFLITE_QUANTIZED, file, "is a quantized TFLite model (" + why
                + "); simulate, build and verify run fully quantized files (int8 or int16 inputs, or float32 inputs"
                + " each quantized by a QUANTIZE) with their own integers, anything else needs the float .tflite (converted without quantization) or the Keras"
                + " model it came from");
    }

    // --- operators ----------------------------------------------------------------------------

    private void mapOp(TfliteModel.Operator op) {
        int code = op.opcode();
        // position of each op's options table in schema.fbs's BuiltinOptions union: a file giving another
        // table would have its fields read with the wrong meaning
        int optionsType = switch (code) {
            case Builtin.CONV_2D -> 1;
            case Builtin.DEPTHWISE_CONV_2D -> 2;
            case Builtin.AVERAGE_POOL_2D, Builtin.MAX_POOL_2D -> 5;
            case Builtin.FULLY_CONNECTED -> 8;
            case Builtin.SOFTMAX -> 9;
            case Builtin.CONCATENATION -> 10;
            case Builtin.ADD -> 11;
            case Builtin.MUL -> 21;
            case Builtin.SUB -> 28;
            case Builtin.MAXIMUM, Builtin.MINIMUM -> 39;
            case Builtin.RESHAPE -> 17;
            case Builtin.GATHER -> 23;
            case Builtin.MEAN -> 27;
            case Builtin.SQUEEZE -> 30;
            case Builtin.STRIDED_SLICE -> 32;
            case Builtin.DEQUANTIZE -> 38;
            case Builtin.EXPAND_DIMS -> 52;
            case Builtin.UNIDIRECTIONAL_SEQUENCE_LSTM -> 71;
            case Builtin.LEAKY_RELU -> 75;
            default -> -1;
        };
        if (optionsType >= 0 && op.optionsType() != 0 && op.optionsType() != optionsType) {
            throw corrupt(op, "has options of union type " + op.optionsType() + " where " + Builtin.name(code)
                    + " takes type " + optionsType);
        }
        switch (code) {
            case Builtin.FULLY_CONNECTED -> fullyConnected(op);
            case Builtin.CONV_2D -> conv2d(op);
            case Builtin.DEPTHWISE_CONV_2D -> depthwiseConv2d(op);
            case Builtin.AVERAGE_POOL_2D -> pool(op, PoolKind.AVG);
            case Builtin.MAX_POOL_2D -> pool(op, PoolKind.MAX);
            case Builtin.MEAN -> mean(op);
            case Builtin.SOFTMAX -> softmax(op);
            case Builtin.RELU -> activation(op, Activation.RELU);
            case Builtin.RELU6 -> activation(op, Activation.RELU6);
            case Builtin.LOGISTIC -> activation(op, Activation.SIGMOID);
            case Builtin.TANH -> activation(op, Activation.TANH);
            case Builtin.ADD -> elementwise(op, new Op.Add(), "add", true);
            case Builtin.SUB -> elementwise(op, new Op.Subtract(), "subtract", true);
            case Builtin.MUL -> elementwise(op, new Op.Multiply(), "multiply", true);
            case Builtin.MAXIMUM -> elementwise(op, new Op.Maximum(), "maximum", false);
            case Builtin.MINIMUM -> elementwise(op, new Op.Minimum(), "minimum", false);
            case Builtin.ELU -> activation(op, Activation.ELU);
            case Builtin.HARD_SWISH -> activation(op, Activation.HARD_SWISH);
            case Builtin.LEAKY_RELU -> leakyRelu(op);
            case Builtin.PRELU -> prelu(op);
            case Builtin.CONCATENATION -> concat(op);
            case Builtin.RESHAPE, Builtin.SQUEEZE, Builtin.EXPAND_DIMS -> relabel(op);
            case Builtin.DEQUANTIZE -> dequantize(op);
            case Builtin.UNIDIRECTIONAL_SEQUENCE_LSTM -> lstm(op);
            case Builtin.STRIDED_SLICE -> stridedSlice(op);
            case Builtin.PAD, Builtin.PADV2 -> pad(op);
            case Builtin.RESIZE_NEAREST_NEIGHBOR -> resizeNearest(op);
            case Builtin.TRANSPOSE -> transpose(op);
            case Builtin.TRANSPOSE_CONV -> transposeConv(op);
            case Builtin.REVERSE_V2 -> reverse(op);
            case Builtin.GATHER -> gather(op);
            default -> throw unsupported(op, "mcugen cannot import this op yet; it imports " + String.join(", ",
                    TfliteImporter.SUPPORTED));
        }
    }

    private void fullyConnected(TfliteModel.Operator op) {
        arity(op, 2, 3);
        Flat.Table o = op.options();
        int fused = o == null ? 0 : o.i8(0, 0);
        if (o != null && o.i8(1, 0) != 0) {
            throw unsupported(op, "its weights are in a shuffled format");
        }
        boolean keepDims = o != null && o.bool(2);
        TfliteModel.Tensor wt = m.tensors.get(op.inputs()[1]);
        requireRank(op, wt, 2, "weights");
        int units = wt.shape()[0];
        int in = wt.shape()[1];
        float[] w = floats(op, wt, "weights");
        Val x = val(op, 0);
        long total = count(x.tfl());
        Shape wanted;
        if (in > 0 && total == in) {
            wanted = Shape.of(in);
        } else if (keepDims && x.tfl().length >= 2 && x.tfl()[x.tfl().length - 1] == in) {
            wanted = batchless(m.tensors.get(x.tensor()), "input of " + opLabel(op));
        } else {
            throw unsupported(op, "its input " + Arrays.toString(x.tfl()) + " is " + (in == 0 ? "?" : total / in)
                    + " rows of " + in + "; mcugen maps FULLY_CONNECTED on one row or with keep_num_dims");
        }
        In xin = in(x, wanted);
        Map<String, FloatTensor> weights = new LinkedHashMap<>();
        weights.put("kernel", FloatTensor.of(Shape.of(in, units), FloatTensor.transpose(w, units, in)));
        boolean useBias = optionalBias(op, 2, units, weights);
        Op dense = new Op.Dense(units, Activation.LINEAR, useBias);
        Spec s = node(op, dense, List.of(xin.name()), weights, "dense", xin.folded());
        output(op, fused(op, s, fused));
    }

    private void conv2d(TfliteModel.Operator op) {
        arity(op, 2, 3);
        Flat.Table o = op.options();
        Padding padding = padding(op, o == null ? 0 : o.i8(0, 0));
        int strideW = o == null ? 1 : o.i32(1, 1);
        int strideH = o == null ? 1 : o.i32(2, 1);
        int fused = o == null ? 0 : o.i8(3, 0);
        int dilW = o == null ? 1 : o.i32(4, 1);
        int dilH = o == null ? 1 : o.i32(5, 1);
        if (strideW < 1 || strideH < 1 || dilW < 1 || dilH < 1) {
            throw corrupt(op, "stride " + strideH + "x" + strideW + " / dilation " + dilH + "x" + dilW + " must be >= 1");
        }
        TfliteModel.Tensor ft = m.tensors.get(op.inputs()[1]);
        requireRank(op, ft, 4, "filter");
        int[] f = ft.shape();
        int filters = f[0];
        int kh = f[1];
        int kw = f[2];
        int cin = f[3];
        Val x = val(op, 0);
        if (x.tfl().length != 4) {
            throw unsupported(op, "its input " + Arrays.toString(x.tfl()) + " is not [batch, height, width, channels]");
        }
        if (x.tfl()[3] != cin) {
            throw unsupported(op, "it is a grouped convolution (input has " + x.tfl()[3] + " channels, filter "
                    + cin + ")");
        }
        float[] w = floats(op, ft, "filter");
        // [out, kh, kw, in] -> [kh, kw, in, out]: a transpose of [out, kh*kw*in]
        float[] kernel = FloatTensor.transpose(w, filters, kh * kw * cin);
        Map<String, FloatTensor> weights = new LinkedHashMap<>();
        boolean oneD = kh == 1 && x.tfl()[1] == 1 && x.irShape().equals(Shape.of(x.tfl()[2], cin));
        Op conv;
        In xin;
        if (oneD) {
            // a Keras Conv1D: EXPAND_DIMS to [1, 1, T, C] + CONV_2D with kh = 1 (+ SQUEEZE after)
            xin = in(x, x.irShape());
            weights.put("kernel", FloatTensor.of(Shape.of(kw, cin, filters), kernel));
            boolean useBias = optionalBias(op, 2, filters, weights);
            conv = new Op.Conv1D(filters, kw, strideW, dilW, padding, Activation.LINEAR, useBias);
        } else {
            xin = in(x, batchless(m.tensors.get(x.tensor()), "input of " + opLabel(op)));
            weights.put("kernel", FloatTensor.of(Shape.of(kh, kw, cin, filters), kernel));
            boolean useBias = optionalBias(op, 2, filters, weights);
            conv = new Op.Conv2D(filters, kh, kw, strideH, strideW, dilH, dilW, padding, Activation.LINEAR, useBias);
        }
        Spec s = node(op, conv, List.of(xin.name()), weights, oneD ? "conv1d" : "conv2d", xin.folded());
        output(op, fused(op, s, fused));
    }

    /**
     * DEPTHWISE_CONV_2D: filter {@code [1, kh, kw, C·m]}, whose bytes are the Keras depthwise kernel
     * {@code [kh, kw, C, m]} (output channel {@code c·m + j}) as they are; options padding, strides,
     * depth_multiplier (checked against the shapes), fused activation, dilation.
     */
    private void depthwiseConv2d(TfliteModel.Operator op) {
        arity(op, 2, 3);
        Flat.Table o = op.options();
        Padding padding = padding(op, o == null ? 0 : o.i8(0, 0));
        int strideW = o == null ? 1 : o.i32(1, 1);
        int strideH = o == null ? 1 : o.i32(2, 1);
        int fused = o == null ? 0 : o.i8(4, 0);
        int dilW = o == null ? 1 : o.i32(5, 1);
        int dilH = o == null ? 1 : o.i32(6, 1);
        if (strideW < 1 || strideH < 1 || dilW < 1 || dilH < 1) {
            throw corrupt(op, "stride " + strideH + "x" + strideW + " / dilation " + dilH + "x" + dilW + " must be >= 1");
        }
        TfliteModel.Tensor ft = m.tensors.get(op.inputs()[1]);
        requireRank(op, ft, 4, "filter");
        int[] f = ft.shape();
        Val x = val(op, 0);
        if (x.tfl().length != 4) {
            throw unsupported(op, "its input " + Arrays.toString(x.tfl()) + " is not [batch, height, width, channels]");
        }
        int cin = x.tfl()[3];
        int kh = f[1];
        int kw = f[2];
        int out = f[3];
        if (f[0] != 1 || cin < 1 || out % cin != 0) {
            throw unsupported(op, "its filter " + Arrays.toString(f) + " is not [1, kh, kw, channels * multiplier] for "
                    + cin + " input channels");
        }
        int mult = out / cin;
        int declared = o == null ? 0 : o.i32(3, 0);
        if (declared != 0 && declared != mult) {
            throw corrupt(op, "has depth_multiplier " + declared + " but its filter " + Arrays.toString(f) + " on "
                    + cin + " channels gives " + mult);
        }
        float[] w = floats(op, ft, "filter");
        Map<String, FloatTensor> weights = new LinkedHashMap<>();
        boolean oneD = kh == 1 && x.tfl()[1] == 1 && x.irShape().equals(Shape.of(x.tfl()[2], cin));
        Op conv;
        In xin;
        if (oneD) {
            // a Keras DepthwiseConv1D: EXPAND_DIMS to [1, 1, T, C] + DEPTHWISE_CONV_2D with kh = 1 (+ SQUEEZE after)
            xin = in(x, x.irShape());
            weights.put("depthwise_kernel", FloatTensor.of(Shape.of(kw, cin, mult), w));
            boolean useBias = optionalBias(op, 2, out, weights);
            conv = Op.DepthwiseConv.of1d(mult, kw, strideW, dilW, padding, Activation.LINEAR, useBias);
        } else {
            xin = in(x, batchless(m.tensors.get(x.tensor()), "input of " + opLabel(op)));
            weights.put("depthwise_kernel", FloatTensor.of(Shape.of(kh, kw, cin, mult), w));
            boolean useBias = optionalBias(op, 2, out, weights);
            conv = new Op.DepthwiseConv(2, mult, kh, kw, strideH, strideW, dilH, dilW, padding, Activation.LINEAR,
                    useBias);
        }
        Spec s = node(op, conv, List.of(xin.name()), weights, oneD ? "depthwise_conv1d" : "depthwise_conv2d",
                xin.folded());
        output(op, fused(op, s, fused));
    }

    private void pool(TfliteModel.Operator op, PoolKind kind) {
        arity(op, 1, 1);
        Flat.Table o = op.options();
        if (o == null) {
            throw corrupt(op, "has no Pool2DOptions");
        }
        Padding padding = padding(op, o.i8(0, 0));
        int sw = o.i32(1, 0);
        int sh = o.i32(2, 0);
        int fw = o.i32(3, 0);
        int fh = o.i32(4, 0);
        int fused = o.i8(5, 0);
        if (sw < 1 || sh < 1 || fw < 1 || fh < 1) {
            throw corrupt(op, "filter " + fh + "x" + fw + " / stride " + sh + "x" + sw + " must be >= 1");
        }
        Val x = val(op, 0);
        if (x.tfl().length != 4) {
            throw unsupported(op, "its input " + Arrays.toString(x.tfl()) + " is not [batch, height, width, channels]");
        }
        boolean oneD = fh == 1 && x.tfl()[1] == 1 && x.irShape().equals(Shape.of(x.tfl()[2], x.tfl()[3]));
        In xin;
        Op pool;
        if (oneD) {
            xin = in(x, x.irShape());
            pool = new Op.Pool(kind, List.of(fw), List.of(sw), padding);
        } else {
            xin = in(x, batchless(m.tensors.get(x.tensor()), "input of " + opLabel(op)));
            pool = new Op.Pool(kind, List.of(fh, fw), List.of(sh, sw), padding);
        }
        Spec s = node(op, pool, List.of(xin.name()), Map.of(), pool.kind(), xin.folded());
        output(op, fused(op, s, fused));
    }

    private void mean(TfliteModel.Operator op) {
        arity(op, 2, 2);
        Val x = val(op, 0);
        int rank = x.tfl().length;
        int[] axes = ints(op, m.tensors.get(op.inputs()[1]), "axes");
        Set<Integer> set = new HashSet<>();
        for (int a : axes) {
            set.add(a < 0 ? a + rank : a);
        }
        int spatial;
        if (rank == 4 && set.equals(Set.of(1, 2))) {
            spatial = 2;
        } else if (rank == 3 && set.equals(Set.of(1))) {
            spatial = 1;
        } else {
            throw unsupported(op, "it averages axes " + Arrays.toString(axes) + " of " + Arrays.toString(x.tfl())
                    + "; mcugen maps MEAN over the spatial axes (global average pooling)");
        }
        In xin = in(x, batchless(m.tensors.get(x.tensor()), "input of " + opLabel(op)));
        Spec s = node(op, new Op.GlobalPool(PoolKind.AVG, spatial), List.of(xin.name()), Map.of(),
                "global_average_pooling", xin.folded());
        output(op, s);
    }

    /**
     * REVERSE_V2 along one non-batch axis: the converter writes a Keras Bidirectional layer's backward
     * direction as REVERSE_V2 (time) -> UNIDIRECTIONAL_SEQUENCE_LSTM -> REVERSE_V2 (time).
     */
    private void reverse(TfliteModel.Operator op) {
        arity(op, 2, 2);
        Val x = val(op, 0);
        int rank = x.tfl().length;
        int[] axes = ints(op, m.tensors.get(op.inputs()[1]), "axis");
        if (axes.length != 1) {
            throw unsupported(op, "it reverses " + axes.length + " axes; mcugen reverses one");
        }
        int a = axes[0] < 0 ? axes[0] + rank : axes[0];
        if (a < 0 || a >= rank) {
            throw corrupt(op, "axis " + axes[0] + " is out of range for rank " + rank);
        }
        if (a == 0) {
            throw unsupported(op, "it reverses the batch axis");
        }
        In xin = in(x, batchless(m.tensors.get(x.tensor()), "input of " + opLabel(op)));
        Spec s = node(op, new Op.Reverse(a - 1), List.of(xin.name()), Map.of(), "reverse", xin.folded());
        output(op, s);
    }

    private void softmax(TfliteModel.Operator op) {
        arity(op, 1, 1);
        Flat.Table o = op.options();
        // TFLite's parser leaves beta 0 when the options are absent: a uniform output, not a softmax
        float beta = o == null ? 0f : o.f32(0, 0f);
        if (beta != 1f) {
            throw unsupported(op, "its beta is " + beta + "; mcugen imports SOFTMAX with beta 1");
        }
        Val x = val(op, 0);
        int last = x.tfl()[x.tfl().length - 1];
        In xin = x.irShape().last() == last ? in(x, null)
                : in(x, batchless(m.tensors.get(x.tensor()), "input of " + opLabel(op)));
        Spec s = node(op, new Op.Act(Activation.SOFTMAX), List.of(xin.name()), Map.of(), "softmax", xin.folded());
        output(op, s);
    }

    /** A stand-alone activation: fused into its producer where that is the only reader, else an Act node. */
    private void activation(TfliteModel.Operator op, Activation act) {
        arity(op, 1, 1);
        Val x = val(op, 0);
        Spec p = x.producer();
        if (p != null && x.ir().equals(p.name) && x.exclusive() && consumers[x.tensor()] == 1 && !isOutput[x.tensor()]
                && ActivationFusion.takesActivation(p.op)) {
            p.op = ActivationFusion.withActivation(p.op, act);
            p.source.addAll(x.pending());
            p.source.add(Builtin.name(op.opcode()));
            int out = output(op);
            batchless(m.tensors.get(out), "output " + m.tensors.get(out).label() + " of " + opLabel(op));
            checkCount(op, p.out, m.tensors.get(out).shape());
            vals.put(out, new Val(out, p.name, p.out, m.tensors.get(out).shape(), List.of(), p, true));
            return;
        }
        In xin = in(x, null);
        Spec s = node(op, new Op.Act(act), List.of(xin.name()), Map.of(), act.kerasName(), xin.folded());
        output(op, s);
    }

    /** LEAKY_RELU: {@code LeakyReluOptions.alpha} (field 0, default 0). */
    private void leakyRelu(TfliteModel.Operator op) {
        arity(op, 1, 1);
        Flat.Table o = op.options();
        float alpha = o == null ? 0f : o.f32(0, 0f);
        if (!Float.isFinite(alpha)) {
            throw corrupt(op, "has alpha " + alpha);
        }
        In xin = in(val(op, 0), null);
        output(op, node(op, new Op.LeakyRelu(alpha), List.of(xin.name()), Map.of(), "leaky_relu", xin.folded()));
    }

    /**
     * PRELU: {@code x >= 0 ? x : alpha · x} with a constant alpha broadcast to the input (aligned at
     * the last axis, as TFLite broadcasts); the axes where alpha has size 1 are the shared ones.
     */
    private void prelu(TfliteModel.Operator op) {
        arity(op, 2, 2);
        Val x = val(op, 0);
        In xin = in(x, null);
        Shape xs = x.irShape();
        TfliteModel.Tensor at = m.tensors.get(op.inputs()[1]);
        float[] a = floats(op, at, "alpha");
        int[] as = at.shape();
        int r = xs.rank();
        int[] full = new int[r];
        Arrays.fill(full, 1);
        for (int k = 0; k < as.length; k++) {
            int j = r - as.length + k;
            boolean fits = j < 0 ? as[k] == 1 : as[k] == 1 || as[k] == xs.dim(j);
            if (!fits) {
                throw unsupported(op, "its alpha " + Arrays.toString(as) + " does not broadcast to its input " + xs);
            }
            if (j >= 0) {
                full[j] = as[k];
            }
        }
        List<Integer> shared = new ArrayList<>();
        for (int j = 0; j < r; j++) {
            if (full[j] == 1 && xs.dim(j) != 1) {
                shared.add(j);
            }
        }
        Spec s = node(op, new Op.PRelu(shared), List.of(xin.name()), Map.of("alpha", FloatTensor.of(Shape.of(full), a)),
                "prelu", xin.folded());
        output(op, s);
    }

    /**
     * ADD, SUB, MUL (fused activation in their options' field 0), MAXIMUM, MINIMUM: two tensors of equal
     * shape, or one of them a per-channel vector {@code [1, ..., 1, C]}, or a constant per-channel vector
     * or scalar (stored as the node's {@code constant} weight {@code [C]}).
     */
    private void elementwise(TfliteModel.Operator op, Op.Elementwise kind, String label, boolean hasFused) {
        arity(op, 2, 2);
        Flat.Table o = op.options();
        int fused = hasFused && o != null ? o.i8(0, 0) : 0;
        int k0 = op.inputs()[0];
        int k1 = op.inputs()[1];
        boolean c0 = k0 >= 0 && vals.get(k0) == null && m.isConstant(m.tensors.get(k0));
        boolean c1 = k1 >= 0 && vals.get(k1) == null && m.isConstant(m.tensors.get(k1));
        if (c0 && c1) {
            throw unsupported(op, "both its inputs are constants");
        }
        if (c0 || c1) {
            int at = c0 ? 0 : 1;
            Val x = val(op, 1 - at);
            TfliteModel.Tensor ct = m.tensors.get(op.inputs()[at]);
            float[] c = constant(op, ct, "constant operand");
            int channels = x.tfl().length == 0 ? 1 : x.tfl()[x.tfl().length - 1];
            int[] cs = ct.shape();
            boolean vector = c.length == channels && (cs.length == 0 || cs[cs.length - 1] == channels)
                    && cs.length <= x.tfl().length;
            if (c.length != 1 && !vector) {
                throw unsupported(op, "its constant operand " + ct.label() + " has shape " + Arrays.toString(cs)
                        + "; mcugen imports a scalar or a per-channel vector [" + channels + "] against "
                        + Arrays.toString(x.tfl()));
            }
            float[] v = new float[channels];
            for (int i = 0; i < channels; i++) {
                v[i] = c.length == 1 ? c[0] : c[i];
            }
            In xin = in(x, null);
            Op.Elementwise withConstant = ElementwiseShapes.withConstant(kind, at);
            Spec s = node(op, withConstant, List.of(xin.name()),
                    Map.of("constant", FloatTensor.of(Shape.of(channels), v)), label, xin.folded());
            output(op, fused(op, s, fused));
            return;
        }
        Val a = val(op, 0);
        Val b = val(op, 1);
        List<String> folded = new ArrayList<>();
        String na;
        String nb;
        if (!Arrays.equals(a.tfl(), b.tfl())) {
            // one per-channel vector [1, ..., 1, C] against [1, ..., C]: ShapeInference checks the broadcast
            In ia = in(a, batchless(m.tensors.get(a.tensor()), "input of " + opLabel(op)));
            In ib = in(b, batchless(m.tensors.get(b.tensor()), "input of " + opLabel(op)));
            folded.addAll(ia.folded());
            folded.addAll(ib.folded());
            na = ia.name();
            nb = ib.name();
        } else if (a.irShape().equals(b.irShape())) {
            In ia = in(a, null);
            In ib = in(b, null);
            folded.addAll(ia.folded());
            folded.addAll(ib.folded());
            na = ia.name();
            nb = ib.name();
        } else {
            Shape s = batchless(m.tensors.get(a.tensor()), "input of " + opLabel(op));
            na = in(a, s).name();
            nb = in(b, s).name();
        }
        Spec s = node(op, kind, List.of(na, nb), Map.of(), label, dedupe(folded));
        output(op, fused(op, s, fused));
    }

    private void concat(TfliteModel.Operator op) {
        if (op.inputs().length < 2 || op.outputs().length != 1) {
            throw corrupt(op, "has " + op.inputs().length + " inputs and " + op.outputs().length
                    + " outputs; CONCATENATION needs two or more inputs and one output");
        }
        Flat.Table o = op.options();
        int axis = o == null ? 0 : o.i32(0, 0);
        int fused = o == null ? 0 : o.i8(1, 0);
        int rank = m.tensors.get(op.outputs()[0]).shape().length;
        int norm = axis < 0 ? axis + rank : axis;
        if (norm < 0 || norm >= rank) {
            throw corrupt(op, "axis " + axis + " is out of range for rank " + rank);
        }
        if (norm == 0) {
            throw unsupported(op, "it concatenates along the batch axis");
        }
        List<String> ins = new ArrayList<>();
        for (int k = 0; k < op.inputs().length; k++) {
            Val v = val(op, k);
            ins.add(in(v, batchless(m.tensors.get(v.tensor()), "input of " + opLabel(op))).name());
        }
        Spec s = node(op, new Op.Concatenate(norm - 1), ins, Map.of(), "concatenate", List.of());
        output(op, fused(op, s, fused));
    }

    /**
     * GATHER of a constant float table {@code [V, D]} along axis 0 by the integer token ids of a model
     * input, as the converter writes a Keras {@code Embedding}: an embedding.
     */
    private void gather(TfliteModel.Operator op) {
        arity(op, 2, 2);
        Flat.Table o = op.options();
        int axis = o == null ? 0 : o.i32(0, 0);
        int batchDims = o == null ? 0 : o.i32(1, 0);
        if (axis != 0 || batchDims != 0) {
            throw unsupported(op, "it gathers along axis " + axis + " with batch_dims " + batchDims
                    + "; mcugen maps GATHER of table rows (axis 0), an embedding");
        }
        TfliteModel.Tensor table = m.tensors.get(need(op, 0, "table"));
        if (!m.isConstant(table) && !dequantized.containsKey(table.index())) {
            throw unsupported(op, "its table " + table.label() + " is computed; mcugen maps GATHER of a constant"
                    + " table (an embedding)");
        }
        requireRank(op, table, 2, "table");
        int rows = table.shape()[0];
        int dim = table.shape()[1];
        float[] w = floats(op, table, "table");
        Val ids = val(op, 1);
        int type = m.tensors.get(ids.tensor()).type();
        if (type != TfliteModel.INT32 && type != TfliteModel.INT64 || !inputNames.contains(ids.ir())) {
            throw unsupported(op, "its indices " + m.tensors.get(ids.tensor()).label() + " are not the integer token"
                    + " ids of a model input; an embedding reads them straight from the input");
        }
        In xin = in(ids, batchless(m.tensors.get(ids.tensor()), "indices of " + opLabel(op)));
        Spec s = node(op, new Op.Embedding(rows, dim), List.of(xin.name()),
                Map.of("embeddings", FloatTensor.of(Shape.of(rows, dim), w)), "embedding", xin.folded());
        output(op, s);
    }

    /** RESHAPE / SQUEEZE / EXPAND_DIMS: the same values under another shape, folded where the IR allows. */
    private void relabel(TfliteModel.Operator op) {
        if (op.inputs().length < 1 || op.outputs().length != 1) {
            throw corrupt(op, "needs one data input and one output");
        }
        Val x = val(op, 0);
        int out = output(op);
        TfliteModel.Tensor ot = m.tensors.get(out);
        if (count(ot.shape()) != count(x.tfl())) {
            throw corrupt(op, "turns " + Arrays.toString(x.tfl()) + " into " + ot.label() + " of shape "
                    + Arrays.toString(ot.shape()) + ", a different number of values");
        }
        Shape outShape = batchless(ot, "output " + ot.label() + " of " + opLabel(op));
        boolean exclusive = x.exclusive() && consumers[x.tensor()] == 1 && !isOutput[x.tensor()];
        List<String> pending = new ArrayList<>(x.pending());
        pending.add(Builtin.name(op.opcode()));
        if (outShape.equals(x.irShape()) && x.producer() != null && x.ir().equals(x.producer().name)) {
            // back to the shape the node computes (the SQUEEZE after a Conv1D): it belongs to that node
            x.producer().source.addAll(pending);
            pending.clear();
        }
        vals.put(out, new Val(out, x.ir(), x.irShape(), ot.shape(), List.copyOf(pending), x.producer(), exclusive));
    }

    /** Float16 weights the converter stored halved: widened at import, used as float32 constants. */
    private void dequantize(TfliteModel.Operator op) {
        arity(op, 1, 1);
        TfliteModel.Tensor in = m.tensors.get(op.inputs()[0]);
        TfliteModel.Tensor out = m.tensors.get(output(op));
        if (!m.isConstant(in)) {
            throw unsupported(op, "it converts a computed FLOAT16 tensor; mcugen imports float16 only as constant weights");
        }
        if (out.type() != TfliteModel.FLOAT32 || !Arrays.equals(in.shape(), out.shape())) {
            throw corrupt(op, "turns " + in.label() + " into " + out.label() + " of another shape or type");
        }
        dequantized.put(out.index(), constant(op, in, "float16 constant"));
    }

    private void lstm(TfliteModel.Operator op) {
        int[] ins = op.inputs();
        if (ins.length != 20 && ins.length != 24 || op.outputs().length != 1) {
            throw corrupt(op, "has " + ins.length + " inputs and " + op.outputs().length
                    + " outputs; UNIDIRECTIONAL_SEQUENCE_LSTM has 20 or 24 inputs and one output");
        }
        Flat.Table o = op.options();
        int fused = o == null ? 0 : o.i8(0, 0);
        float projClip = o == null ? 0f : o.f32(2, 0f);
        boolean timeMajor = o != null && o.bool(3);
        if (timeMajor) {
            throw unsupported(op, "it is time major; mcugen imports batch-major LSTMs (time_major=False)");
        }
        if (o != null && o.bool(5)) {
            throw unsupported(op, "it has diagonal recurrent weights");
        }
        Activation act = switch (fused) {
            case 1 -> Activation.RELU;
            case 3 -> Activation.RELU6;
            case 4 -> Activation.TANH;
            default -> throw unsupported(op, "its cell activation is " + fusedName(fused));
        };
        Val x = val(op, 0);
        if (x.tfl().length != 3) {
            throw unsupported(op, "its input " + Arrays.toString(x.tfl()) + " is not [batch, time, features]");
        }
        int steps = x.tfl()[1];
        int features = x.tfl()[2];
        TfliteModel.Tensor wf = m.tensors.get(need(op, 2, "input-to-forget weights"));
        requireRank(op, wf, 2, "input-to-forget weights");
        int u = wf.shape()[0];
        boolean cifg = ins[1] < 0;
        boolean peephole = ins[10] >= 0;
        boolean layerNorm = ins.length == 24 && ins[21] >= 0;
        boolean projection = ins[16] >= 0;
        int p = u;
        if (projection) {
            TfliteModel.Tensor pw = m.tensors.get(ins[16]);
            requireRank(op, pw, 2, "projection weights");
            p = pw.shape()[0];
            if (projClip != 0f) {
                throw unsupported(op, "it clips its projection at " + projClip + "; the IR's LSTM does not clip");
            }
        }
        int[] gates = cifg ? new int[] {2, 3, 4} : new int[] {1, 2, 3, 4};
        String[] gateNames = cifg ? new String[] {"forget", "cell", "output"} : new String[] {"input", "forget", "cell", "output"};
        int g = gates.length;
        // every gate's weights are read (and so checked against the file) before the packed arrays
        // are allocated from their sizes
        float[][] w = new float[g][];
        float[][] r = new float[g][];
        float[][] bs = new float[g][];
        for (int k = 0; k < g; k++) {
            w[k] = weight(op, gates[k], "input-to-" + gateNames[k] + " weights", u, features);
            r[k] = weight(op, gates[k] + 4, "recurrent-to-" + gateNames[k] + " weights", u, p);
            bs[k] = weight(op, gates[k] + 11, gateNames[k] + " gate bias", u);
        }
        float[] kernel = new float[features * g * u];
        float[] recurrent = new float[p * g * u];
        float[] bias = new float[g * u];
        for (int k = 0; k < g; k++) {
            float[] wi = w[k];
            float[] ri = r[k];
            float[] bi = bs[k];
            for (int j = 0; j < u; j++) {
                for (int row = 0; row < features; row++) {
                    kernel[row * g * u + k * u + j] = wi[j * features + row];
                }
                for (int row = 0; row < p; row++) {
                    recurrent[row * g * u + k * u + j] = ri[j * p + row];
                }
                bias[k * u + j] = bi[j];
            }
        }
        Map<String, FloatTensor> weights = new LinkedHashMap<>();
        weights.put("kernel", FloatTensor.of(Shape.of(features, g * u), kernel));
        weights.put("recurrent_kernel", FloatTensor.of(Shape.of(p, g * u), recurrent));
        weights.put("bias", FloatTensor.of(Shape.of(g * u), bias));
        if (peephole) {
            if (!cifg) {
                weights.put("cell_to_input", FloatTensor.of(Shape.of(u), weight(op, 9, "cell-to-input weights", u)));
            }
            weights.put("cell_to_forget", FloatTensor.of(Shape.of(u), weight(op, 10, "cell-to-forget weights", u)));
            weights.put("cell_to_output", FloatTensor.of(Shape.of(u), weight(op, 11, "cell-to-output weights", u)));
        }
        if (layerNorm) {
            if (!cifg) {
                weights.put("input_layer_norm", FloatTensor.of(Shape.of(u), weight(op, 20, "input layer norm", u)));
            }
            weights.put("forget_layer_norm", FloatTensor.of(Shape.of(u), weight(op, 21, "forget layer norm", u)));
            weights.put("cell_layer_norm", FloatTensor.of(Shape.of(u), weight(op, 22, "cell layer norm", u)));
            weights.put("output_layer_norm", FloatTensor.of(Shape.of(u), weight(op, 23, "output layer norm", u)));
        }
        if (projection) {
            float[] pw = weight(op, 16, "projection weights", p, u);
            weights.put("projection_kernel", FloatTensor.of(Shape.of(u, p), FloatTensor.transpose(pw, p, u)));
            float[] pb = ins[17] >= 0 ? weight(op, 17, "projection bias", p) : new float[p];
            weights.put("projection_bias", FloatTensor.of(Shape.of(p), pb));
        }
        requireZeroState(op, ins[18], "output state");
        requireZeroState(op, ins[19], "cell state");
        In xin = in(x, Shape.of(steps, features));
        Op lstm = new Op.Lstm(u, act, Activation.SIGMOID, true, true, false, peephole, layerNorm, cifg,
                projection ? p : 0);
        Spec s = node(op, lstm, List.of(xin.name()), weights, "lstm", xin.folded());
        output(op, s);
    }

    /** The LSTM state inputs: variables TFLite zeroes at start; a constant non-zero state has no IR form. */
    private void requireZeroState(TfliteModel.Operator op, int index, String what) {
        if (index < 0) {
            throw corrupt(op, "has no " + what + " tensor");
        }
        TfliteModel.Tensor t = m.tensors.get(index);
        if (m.isConstant(t) && !t.variable()) {
            for (float v : constant(op, t, what)) {
                if (v != 0f) {
                    throw unsupported(op, "its initial " + what + " " + t.label() + " is not zero");
                }
            }
        }
    }

    /**
     * STRIDED_SLICE taking the last step of an LSTM's sequence (Keras {@code return_sequences=False}
     * converted with a sequence-returning LSTM): the LSTM then returns its last state.
     */
    private void stridedSlice(TfliteModel.Operator op) {
        arity(op, 4, 4);
        Val x = val(op, 0);
        Spec p = x.producer();
        String only = "mcugen imports STRIDED_SLICE only where it takes the last step of an LSTM's output sequence";
        if (p == null || !(p.op instanceof Op.Lstm seq) || !seq.returnSequences() || !x.ir().equals(p.name)
                || !x.exclusive() || consumers[x.tensor()] != 1 || isOutput[x.tensor()] || x.tfl().length != 3) {
            throw unsupported(op, only);
        }
        Flat.Table o = op.options();
        int beginMask = o == null ? 0 : o.i32(0, 0);
        int endMask = o == null ? 0 : o.i32(1, 0);
        int ellipsis = o == null ? 0 : o.i32(2, 0);
        int newAxis = o == null ? 0 : o.i32(3, 0);
        int shrink = o == null ? 0 : o.i32(4, 0);
        boolean offset = o != null && o.bool(5);
        int[] begin = ints(op, m.tensors.get(op.inputs()[1]), "begin");
        int[] end = ints(op, m.tensors.get(op.inputs()[2]), "end");
        int[] strides = ints(op, m.tensors.get(op.inputs()[3]), "strides");
        if (ellipsis != 0 || newAxis != 0 || offset || begin.length != 3 || end.length != 3 || strides.length != 3) {
            throw unsupported(op, only);
        }
        int[] d = x.tfl();
        int[][] want = {{0, d[0]}, {d[1] - 1, d[1]}, {0, d[2]}};
        for (int a = 0; a < 3; a++) {
            if (strides[a] != 1) {
                throw unsupported(op, only);
            }
            int lo = (beginMask >> a & 1) != 0 ? 0 : clampIndex(begin[a], d[a]);
            int hi = (shrink >> a & 1) != 0 ? lo + 1 : (endMask >> a & 1) != 0 ? d[a] : clampIndex(end[a], d[a]);
            if (lo != want[a][0] || hi != want[a][1]) {
                throw unsupported(op, only + " (it takes [" + lo + ", " + hi + ") of axis " + a + ")");
            }
        }
        Op.Lstm l = (Op.Lstm) p.op;
        p.op = new Op.Lstm(l.units(), l.activation(), l.recurrentActivation(), l.useBias(), false, l.goBackwards(),
                l.peephole(), l.layerNorm(), l.cifg(), l.projectionUnits());
        p.out = ShapeInference.outputShape(p.name, p.op, List.of(irShapes.get(p.inputs.get(0))));
        irShapes.put(p.name, p.out);
        p.source.addAll(x.pending());
        p.source.add(Builtin.name(op.opcode()));
        int out = output(op);
        batchless(m.tensors.get(out), "output " + m.tensors.get(out).label() + " of " + opLabel(op));
        checkCount(op, p.out, m.tensors.get(out).shape());
        vals.put(out, new Val(out, p.name, p.out, m.tensors.get(out).shape(), List.of(), p, true));
    }

    private static int clampIndex(int v, int dim) {
        int x = v < 0 ? v + dim : v;
        return Math.max(0, Math.min(dim, x));
    }

    // --- padding, nearest resize, transpose, transposed convolution ------------------------------

    /** The batchless input of {@code op} (input 0) as an IR tensor of its TFLite shape. */
    private In spatialInput(TfliteModel.Operator op) {
        Val x = val(op, 0);
        if (x.tfl().length != 3 && x.tfl().length != 4) {
            throw unsupported(op, "its input " + Arrays.toString(x.tfl()) + " is not [batch, steps, channels] or"
                    + " [batch, height, width, channels]");
        }
        return in(x, batchless(m.tensors.get(x.tensor()), "input of " + opLabel(op)));
    }

    /** PAD / PADV2 with the constant 0 over the spatial axes: a ZeroPadding. */
    private void pad(TfliteModel.Operator op) {
        arity(op, 2, 3);
        In xin = spatialInput(op);
        int rank = irShapes.get(xin.name()).rank() + 1;
        int[] p = ints(op, m.tensors.get(op.inputs()[1]), "paddings");
        if (p.length != 2 * rank) {
            throw unsupported(op, "its paddings hold " + p.length + " values for a rank-" + rank + " input");
        }
        if (op.inputs().length > 2 && op.inputs()[2] >= 0) {
            float[] c = floats(op, m.tensors.get(op.inputs()[2]), "constant value");
            if (c.length != 1 || c[0] != 0f) {
                throw unsupported(op, "it pads with the constant " + (c.length == 1 ? c[0] : Arrays.toString(c))
                        + "; mcugen pads with real 0, the value the zero point holds exactly");
            }
        }
        if (p[0] != 0 || p[1] != 0 || p[2 * rank - 2] != 0 || p[2 * rank - 1] != 0) {
            throw unsupported(op, "it pads the batch or channel axis (paddings " + Arrays.toString(p) + ")");
        }
        List<Integer> amounts = new ArrayList<>();
        for (int a = 1; a < rank - 1; a++) {
            if (p[2 * a] < 0 || p[2 * a + 1] < 0) {
                throw unsupported(op, "its paddings " + Arrays.toString(p) + " are negative");
            }
            amounts.add(p[2 * a]);
            amounts.add(p[2 * a + 1]);
        }
        Spec s = node(op, new Op.ZeroPadding(amounts), List.of(xin.name()), Map.of(), "pad", xin.folded());
        output(op, s);
    }

    /**
     * RESIZE_NEAREST_NEIGHBOR by whole factors: an UpSampling when TFLite's rule (align_corners:
     * round(y·(in-1)/(out-1)); half_pixel_centers: floor((y + 0.5)·in/out); else floor(y·in/out)) reads
     * input y / factor for every output y.
     */
    private void resizeNearest(TfliteModel.Operator op) {
        arity(op, 2, 2);
        In xin = spatialInput(op);
        Shape x = irShapes.get(xin.name());
        if (x.rank() != 3) {
            throw unsupported(op, "its input is not [batch, height, width, channels]");
        }
        int[] size = ints(op, m.tensors.get(op.inputs()[1]), "size");
        Flat.Table o = op.options();
        boolean alignCorners = o != null && o.i8(0, 0) != 0;
        boolean halfPixel = o != null && o.i8(1, 0) != 0;
        if (size.length != 2) {
            throw unsupported(op, "its size holds " + size.length + " values");
        }
        List<Integer> factors = new ArrayList<>();
        for (int a = 0; a < 2; a++) {
            int n = x.dim(a);
            int out = size[a];
            if (out < n || out % n != 0) {
                throw unsupported(op, "it resizes " + n + " to " + out + "; mcugen up-samples by whole factors");
            }
            int f = out / n;
            for (int y = 0; y < out; y++) {
                double src = alignCorners ? Math.round(out > 1 ? y * (n - 1.0) / (out - 1) : 0)
                        : halfPixel ? Math.floor((y + 0.5) * n / out) : Math.floor((double) y * n / out);
                if ((int) Math.min(src, n - 1) != y / f) {
                    throw unsupported(op, "with align_corners " + alignCorners + " output " + y + " reads input "
                            + (int) src + ", not " + y / f + " as a nearest up-sampling does");
                }
            }
            factors.add(f);
        }
        Spec s = node(op, new Op.UpSampling(factors), List.of(xin.name()), Map.of(), "resize_nearest", xin.folded());
        output(op, s);
    }

    /** TRANSPOSE keeping the batch axis first: a Permute of the other axes. */
    private void transpose(TfliteModel.Operator op) {
        arity(op, 2, 2);
        Val x = val(op, 0);
        int[] perm = ints(op, m.tensors.get(op.inputs()[1]), "perm");
        if (perm.length != x.tfl().length || perm.length < 2 || perm[0] != 0) {
            throw unsupported(op, "its perm " + Arrays.toString(perm) + " moves the batch axis or does not fit "
                    + Arrays.toString(x.tfl()));
        }
        In xin = in(x, batchless(m.tensors.get(x.tensor()), "input of " + opLabel(op)));
        List<Integer> dims = new ArrayList<>();
        for (int a = 1; a < perm.length; a++) {
            dims.add(perm[a]);
        }
        Spec s = node(op, new Op.Permute(dims), List.of(xin.name()), Map.of(), "transpose", xin.folded());
        output(op, s);
    }

    /**
     * TRANSPOSE_CONV (inputs output_shape, filter [O, kh, kw, I], input, optional bias): a
     * Conv2DTranspose whose output padding makes TensorFlow's output length equal output_shape.
     */
    private void transposeConv(TfliteModel.Operator op) {
        arity(op, 3, 4);
        Flat.Table o = op.options();
        Padding padding = padding(op, o == null ? 0 : o.i8(0, 0));
        int sw = o == null ? 1 : o.i32(1, 1);
        int sh = o == null ? 1 : o.i32(2, 1);
        int fused = o == null ? 0 : o.i8(3, 0);
        if (sw < 1 || sh < 1) {
            throw corrupt(op, "stride " + sh + "x" + sw + " must be >= 1");
        }
        int[] outShape = ints(op, m.tensors.get(op.inputs()[0]), "output_shape");
        TfliteModel.Tensor ft = m.tensors.get(op.inputs()[1]);
        requireRank(op, ft, 4, "filter");
        int[] f = ft.shape();
        int filters = f[0];
        int kh = f[1];
        int kw = f[2];
        int cin = f[3];
        Val x = val(op, 2);
        if (x.tfl().length != 4 || x.tfl()[3] != cin || outShape.length != 4 || outShape[3] != filters) {
            throw unsupported(op, "its input " + Arrays.toString(x.tfl()) + ", filter " + Arrays.toString(f)
                    + " and output_shape " + Arrays.toString(outShape) + " do not fit a transposed convolution");
        }
        In xin = in(x, batchless(m.tensors.get(x.tensor()), "input of " + opLabel(op)));
        int[] k = {kh, kw};
        int[] st = {sh, sw};
        List<Integer> outputPadding = new ArrayList<>();
        for (int a = 0; a < 2; a++) {
            int n = x.tfl()[1 + a];
            long base = (long) (n - 1) * st[a] + (padding == Padding.SAME ? k[a] % 2 : k[a]);
            long p = outShape[1 + a] - base;
            if (p < 0 || p >= st[a]) {
                throw unsupported(op, "its output_shape " + Arrays.toString(outShape) + " is not a length Keras's"
                        + " Conv2DTranspose gives for input " + Arrays.toString(x.tfl()) + " (output padding " + p + ")");
            }
            outputPadding.add((int) p);
        }
        float[] w = floats(op, ft, "filter");
        // [O, kh, kw, I] -> [kh, kw, O, I]: a transpose of [O, kh*kw, I]
        float[] kernel = new float[w.length];
        for (int oc = 0; oc < filters; oc++) {
            for (int t = 0; t < kh * kw; t++) {
                for (int i = 0; i < cin; i++) {
                    kernel[(t * filters + oc) * cin + i] = w[(oc * kh * kw + t) * cin + i];
                }
            }
        }
        Map<String, FloatTensor> weights = new LinkedHashMap<>();
        weights.put("kernel", FloatTensor.of(Shape.of(kh, kw, filters, cin), kernel));
        boolean useBias = optionalBias(op, 3, filters, weights);
        Op irOp = new Op.ConvTranspose(filters, List.of(kh, kw), List.of(sh, sw), padding, outputPadding,
                Activation.LINEAR, useBias);
        Spec s = node(op, irOp, List.of(xin.name()), weights, "conv2d_transpose", xin.folded());
        if (!s.out.equals(Shape.of(outShape[1], outShape[2], outShape[3]))) {
            throw unsupported(op, "its output_shape " + Arrays.toString(outShape) + " differs from " + s.out);
        }
        output(op, fused(op, s, fused));
    }

    // --- nodes, values and relabels -----------------------------------------------------------

    /** Adds a node named after the operator's output tensor (or {@code fallback}), inferring its shape. */
    private Spec node(TfliteModel.Operator op, Op irOp, List<String> inputs, Map<String, FloatTensor> weights,
                      String fallback, List<String> folded) {
        String name = unique(readable(m.tensors.get(op.outputs()[0]).name()), fallback);
        return add(name, irOp, inputs, weights, folded, Builtin.name(op.opcode()));
    }

    private Spec add(String name, Op irOp, List<String> inputs, Map<String, FloatTensor> weights, List<String> folded,
                     String sourceOp) {
        Spec s = new Spec(name, irOp, inputs, weights);
        s.out = ShapeInference.outputShape(name, irOp, inputs.stream().map(irShapes::get).toList());
        s.source.addAll(folded);
        if (sourceOp != null) {
            s.source.add(sourceOp);
        }
        specs.add(s);
        irShapes.put(name, s.out);
        return s;
    }

    /** Records {@code s} as the IR value of the operator's output tensor. */
    private void output(TfliteModel.Operator op, Spec s) {
        int out = output(op);
        int[] tfl = m.tensors.get(out).shape();
        batchless(m.tensors.get(out), "output " + m.tensors.get(out).label() + " of " + opLabel(op));
        checkCount(op, s.out, tfl);
        vals.put(out, new Val(out, s.name, s.out, tfl, List.of(), s, true));
    }

    private int output(TfliteModel.Operator op) {
        if (op.outputs().length != 1) {
            throw corrupt(op, "has " + op.outputs().length + " outputs; " + Builtin.name(op.opcode()) + " has one");
        }
        int out = op.outputs()[0];
        if (vals.containsKey(out) || dequantized.containsKey(out)) {
            throw corrupt(op, "writes " + m.tensors.get(out).label() + ", which another operator already wrote");
        }
        if (m.isConstant(m.tensors.get(out))) {
            throw corrupt(op, "writes into the constant " + m.tensors.get(out).label());
        }
        return out;
    }

    private void checkCount(TfliteModel.Operator op, Shape ir, int[] tfl) {
        long n = 1;
        for (int d : ir.dims()) {
            n *= d;
        }
        // (the IR shape is fully known: every TFLite shape is)
        if (n != count(tfl)) {
            throw corrupt(op, "its output tensor has shape " + Arrays.toString(tfl) + " but the op computes "
                    + ir + " (batch excluded)");
        }
    }

    /** The fused activation of conv / fc / pool / add / concat: into the node where it has one, else an Act. */
    private Spec fused(TfliteModel.Operator op, Spec s, int fused) {
        if (fused == 0) {
            return s;
        }
        Activation act = switch (fused) {
            case 1 -> Activation.RELU;
            case 3 -> Activation.RELU6;
            case 4 -> Activation.TANH;
            default -> throw unsupported(op, "its fused activation " + fusedName(fused) + " has no IR form yet");
        };
        if (ActivationFusion.takesActivation(s.op)) {
            s.op = ActivationFusion.withActivation(s.op, act);
            return s;
        }
        String name = unique(s.name + "_" + act.kerasName(), act.kerasName());
        return add(name, new Op.Act(act), List.of(s.name), Map.of(), List.of(),
                Builtin.name(op.opcode()) + "(" + fusedName(fused) + ")");
    }

    private static String fusedName(int fused) {
        return switch (fused) {
            case 0 -> "NONE";
            case 1 -> "RELU";
            case 2 -> "RELU_N1_TO_1";
            case 3 -> "RELU6";
            case 4 -> "TANH";
            case 5 -> "SIGN_BIT";
            default -> "activation " + fused;
        };
    }

    /**
     * The IR tensor holding {@code v}'s values in shape {@code wanted} ({@code null}: any shape, for
     * element-wise readers). Where the IR tensor has another shape, one Flatten / Reshape node named after
     * the TFLite tensor makes it (once per tensor and shape), carrying the relabel ops as its source.
     */
    private In in(Val v, Shape wanted) {
        if (wanted == null || v.irShape().equals(wanted)) {
            return new In(v.ir(), v.pending());
        }
        String key = v.tensor() + " " + wanted;
        String made = materialized.get(key);
        if (made == null) {
            Op r = wanted.rank() == 1 ? new Op.Flatten() : new Op.Reshape(wanted);
            // named after the relabel it stands for; a reshape no TFLite op asked for (a FULLY_CONNECTED
            // reading a [1, H, W, C] tensor) is named by its op, not after the tensor's producer
            String fallback = wanted.rank() == 1 ? "flatten" : "reshape";
            String name = unique(v.pending().isEmpty() ? fallback : readable(m.tensors.get(v.tensor()).name()), fallback);
            add(name, r, List.of(v.ir()), Map.of(), v.pending(), null);
            made = name;
            materialized.put(key, made);
        }
        return new In(made, List.of());
    }

    private Val val(TfliteModel.Operator op, int k) {
        int index = op.inputs()[k];
        if (index < 0) {
            throw corrupt(op, "lacks its input " + k);
        }
        Val v = vals.get(index);
        if (v != null) {
            return v;
        }
        TfliteModel.Tensor t = m.tensors.get(index);
        if (m.isConstant(t) || dequantized.containsKey(index)) {
            throw unsupported(op, "its input " + t.label() + " is a constant; mcugen imports constants only as"
                    + " weights of CONV_2D, FULLY_CONNECTED and UNIDIRECTIONAL_SEQUENCE_LSTM");
        }
        throw corrupt(op, "reads " + t.label() + " before any operator writes it");
    }

    private Shape batchless(TfliteModel.Tensor t, String what) {
        int[] s = t.shape();
        boolean dynamic = t.shapeSignature() != null && t.shapeSignature().length > 0 && t.shapeSignature()[0] == -1;
        if (s.length == 0 || s[0] != 1 && !(dynamic && s[0] <= 1)) {
            throw new McugenException(Diag.MCG_IMPORT_UNSUPPORTED, file, what + " has shape " + Arrays.toString(s)
                    + "; mcugen imports tensors with a leading batch axis of 1");
        }
        return Shape.of(Arrays.copyOfRange(s, 1, s.length));
    }

    private static long count(int[] shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    private static List<String> dedupe(List<String> l) {
        return List.copyOf(new java.util.LinkedHashSet<>(l));
    }

    // --- constants ----------------------------------------------------------------------------

    private int need(TfliteModel.Operator op, int k, String role) {
        int index = op.inputs()[k];
        if (index < 0) {
            throw corrupt(op, "lacks its " + role + " (input " + k + ")");
        }
        return index;
    }

    /** The float weights of input {@code k}, checked to have shape {@code dims}. */
    private float[] weight(TfliteModel.Operator op, int k, String role, int... dims) {
        TfliteModel.Tensor t = m.tensors.get(need(op, k, role));
        if (!Arrays.equals(t.shape(), dims)) {
            throw new McugenException(Diag.MCG_IMPORT_WEIGHT_SHAPE, file, opLabel(op) + ": " + role + " " + t.label()
                    + " has shape " + Arrays.toString(t.shape()) + ", expected " + Arrays.toString(dims));
        }
        return floats(op, t, role);
    }

    /** An optional bias at input {@code k} of {@code n} values; true if present. */
    private boolean optionalBias(TfliteModel.Operator op, int k, int n, Map<String, FloatTensor> weights) {
        if (op.inputs().length <= k || op.inputs()[k] < 0) {
            return false;
        }
        weights.put("bias", FloatTensor.of(Shape.of(n), weight(op, k, "bias", n)));
        return true;
    }

    private float[] floats(TfliteModel.Operator op, TfliteModel.Tensor t, String role) {
        float[] dq = dequantized.get(t.index());
        if (dq != null) {
            return dq;
        }
        if (!m.isConstant(t)) {
            throw unsupported(op, "its " + role + " " + t.label() + " is computed, not a constant; mcugen needs"
                    + " constant weights");
        }
        if (t.type() != TfliteModel.FLOAT32) {
            throw unsupported(op, "its " + role + " " + t.label() + " is " + TfliteModel.typeName(t.type())
                    + "; mcugen imports float32 weights (and float16 behind DEQUANTIZE)");
        }
        return constant(op, t, role);
    }

    /** Decodes a float32 or float16 constant, its byte count checked against its shape. */
    private float[] constant(TfliteModel.Operator op, TfliteModel.Tensor t, String role) {
        if (t.sparse()) {
            throw unsupported(op, "its " + role + " " + t.label() + " is stored sparse or in an external file");
        }
        int size = TfliteModel.elementSize(t.type());
        if (t.type() != TfliteModel.FLOAT32 && t.type() != TfliteModel.FLOAT16) {
            throw unsupported(op, "its " + role + " " + t.label() + " is " + TfliteModel.typeName(t.type()));
        }
        long n = t.elements();
        TfliteModel.Buffer b = m.buffers.get(t.buffer());
        if (b.length() != n * size) {
            throw new McugenException(Diag.MCG_IMPORT_CORRUPT, file, t.label() + ": its buffer " + t.buffer() + " holds "
                    + b.length() + " bytes but its shape " + Arrays.toString(t.shape()) + " of "
                    + TfliteModel.typeName(t.type()) + " needs " + n * size);
        }
        decoded += n;
        if (decoded > m.flat.length()) {
            throw new McugenException(Diag.MCG_IMPORT_CORRUPT, file, t.label() + ": the weights decoded so far ("
                    + decoded + " values) exceed what a file of " + m.flat.length() + " bytes can hold (buffers shared"
                    + " many times over?)");
        }
        String what = t.label() + " data";
        return t.type() == TfliteModel.FLOAT32 ? m.flat.floats(b.start(), (int) n, what)
                : m.flat.halves(b.start(), (int) n, what);
    }

    /** A small integer constant (axes, slice bounds). */
    private int[] ints(TfliteModel.Operator op, TfliteModel.Tensor t, String role) {
        if (!m.isConstant(t)) {
            throw unsupported(op, "its " + role + " " + t.label() + " is computed, not a constant");
        }
        int size = TfliteModel.elementSize(t.type());
        if (t.type() != TfliteModel.INT32 && t.type() != TfliteModel.INT64) {
            throw unsupported(op, "its " + role + " " + t.label() + " is " + TfliteModel.typeName(t.type()));
        }
        long n = t.elements();
        TfliteModel.Buffer b = m.buffers.get(t.buffer());
        if (b.length() != n * size || n > 64) {
            throw new McugenException(Diag.MCG_IMPORT_CORRUPT, file, t.label() + ": its buffer holds " + b.length()
                    + " bytes for shape " + Arrays.toString(t.shape()) + " of " + TfliteModel.typeName(t.type()));
        }
        int[] v = new int[(int) n];
        for (int i = 0; i < n; i++) {
            long x = size == 4 ? m.flat.i32((int) (b.start() + 4L * i), t.label()) : m.flat.i64((int) (b.start() + 8L * i), t.label());
            if (x != (int) x) {
                throw unsupported(op, "its " + role + " " + t.label() + " holds " + x + ", beyond int32");
            }
            v[i] = (int) x;
        }
        return v;
    }

    // --- names and failures -------------------------------------------------------------------

    /**
     * A readable layer name from a TFLite tensor name such as
     * {@code model/conv2d/Relu;model/conv2d/BiasAdd;model/conv2d/Conv2D1}: the last fused name's layer
     * segment (the one followed by a TF op name: upper case, a lower-case one like {@code concat} at the end,
     * or the layer's own name repeated as in {@code model/add/add}). Converter-made names ({@code StatefulPartitionedCall:0}, {@code Identity})
     * give "" so the caller's fallback (the op kind) is used.
     */
    /** TF op names that start lower case, as they appear after a layer's scope ({@code model/concatenate/concat}). */
    private static final Set<String> LOWER_CASE_TF_OPS = Set.of("add", "concat", "mul", "sub", "truediv", "stack",
            "transpose", "strided_slice", "split", "clip_by_value", "while");

    static String readable(String raw) {
        String s = raw == null ? "" : raw;
        int semi = s.lastIndexOf(';');
        if (semi >= 0) {
            s = s.substring(semi + 1);
        }
        int colon = s.lastIndexOf(':');
        if (colon > 0 && s.substring(colon + 1).matches("\\d+")) {
            s = s.substring(0, colon);
        }
        if (s.startsWith("serving_default_")) {
            s = s.substring("serving_default_".length());
        }
        if (s.startsWith("tfl.")) {
            s = s.substring(4);
        }
        String[] parts = s.split("/");
        String pick = parts.length == 0 ? "" : parts[parts.length - 1];
        for (int i = 0; i + 1 < parts.length; i++) {
            String next = parts[i + 1];
            if (!parts[i].isEmpty() && !next.isEmpty() && (Character.isUpperCase(next.charAt(0)) || next.equals(parts[i])
                    || i + 2 == parts.length && LOWER_CASE_TF_OPS.contains(next))) {
                pick = parts[i];
                break;
            }
        }
        if (pick.matches("StatefulPartitionedCall\\d*|PartitionedCall\\d*|Identity(_\\d+)?|arith\\.constant\\d*")) {
            return "";
        }
        return pick;
    }

    /** {@code base} made C-friendly and unique among the graph's names ({@code fallback} if it has nothing). */
    private String unique(String base, String fallback) {
        String s = base.replaceAll("[^A-Za-z0-9_]+", "_").replaceAll("^_+|_+$", "");
        if (s.isEmpty()) {
            s = fallback;
        }
        if (Character.isDigit(s.charAt(0))) {
            s = "t" + s;
        }
        if (s.length() > 60) {
            s = s.substring(0, 60);
        }
        String name = s;
        for (int k = 1; used.contains(name); k++) {
            name = s + "_" + k;
        }
        used.add(name);
        return name;
    }

    private String opLabel(TfliteModel.Operator op) {
        if (op.outputs().length == 0) {
            return "operator " + op.index() + " " + opName(op);
        }
        TfliteModel.Tensor t = m.tensors.get(op.outputs()[0]);
        String node = readable(t.name()).replaceAll("[^A-Za-z0-9_]+", "_");
        return "operator " + op.index() + " " + opName(op) + (node.isEmpty() ? "" : " '" + Text.clip(node, 60) + "'")
                + " (output " + t.label() + ")";
    }

    private String opName(TfliteModel.Operator op) {
        if (op.opcode() == Builtin.CUSTOM) {
            for (int i = 0; i < m.opcodes.length; i++) {
                if (m.opcodes[i] == Builtin.CUSTOM && m.customCodes.get(i) != null) {
                    return "CUSTOM '" + Text.clip(m.customCodes.get(i), 40) + "'";
                }
            }
        }
        return Builtin.name(op.opcode());
    }

    private McugenException unsupported(TfliteModel.Operator op, String why) {
        return new McugenException(Diag.MCG_IMPORT_UNSUPPORTED, file, opLabel(op) + ": " + why);
    }

    private McugenException corrupt(TfliteModel.Operator op, String why) {
        return new McugenException(Diag.MCG_IMPORT_CORRUPT, file, opLabel(op) + ": " + why);
    }

    private void arity(TfliteModel.Operator op, int min, int max) {
        if (op.inputs().length < min || op.inputs().length > max || op.outputs().length != 1) {
            throw corrupt(op, "has " + op.inputs().length + " inputs and " + op.outputs().length + " outputs; "
                    + Builtin.name(op.opcode()) + " takes " + (min == max ? min : min + " to " + max)
                    + " inputs and gives one output");
        }
        for (int k = 0; k < min; k++) {
            if (op.inputs()[k] < 0) {
                throw corrupt(op, "lacks its input " + k);
            }
        }
    }

    private void requireRank(TfliteModel.Operator op, TfliteModel.Tensor t, int rank, String role) {
        if (t.shape().length != rank) {
            throw new McugenException(Diag.MCG_IMPORT_WEIGHT_SHAPE, file, opLabel(op) + ": " + role + " " + t.label()
                    + " has shape " + Arrays.toString(t.shape()) + ", expected rank " + rank);
        }
    }

    private Padding padding(TfliteModel.Operator op, int code) {
        return switch (code) {
            case 0 -> Padding.SAME;
            case 1 -> Padding.VALID;
            default -> throw corrupt(op, "has padding " + code + " (neither SAME nor VALID)");
        };
    }
}
