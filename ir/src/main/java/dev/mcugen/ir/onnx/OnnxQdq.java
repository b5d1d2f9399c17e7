package dev.mcugen.ir.onnx;

import dev.mcugen.ir.Diag;
import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.LearnedGrids;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.Node;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Text;
import dev.mcugen.ir.onnx.OnnxGraphConverter.Act;
import dev.mcugen.ir.onnx.OnnxGraphConverter.Const;
import dev.mcugen.ir.onnx.OnnxGraphConverter.Val;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * ONNX {@code QuantizeLinear} / {@code DequantizeLinear}, as quantization-aware training exports them. Two
 * forms are kept:
 * <ul>
 *   <li>{@code DequantizeLinear} of a constant int8 tensor (an initializer, a {@code Constant}, or a
 *       {@code QuantizeLinear} of a float initializer), zero point 0, one scale or one per slice of
 *       {@code axis}: a weight. It becomes the float constant {@code q * scale} (float32 arithmetic, as ONNX
 *       defines it) and, when that constant reaches an IR weight unchanged (up to the reordering of a
 *       layout or of gates), a {@link LearnedGrids.WeightGrid}: the step(s) and the word length the integers
 *       need (the smallest symmetric narrow range holding them: {@code max|q| = 7} is 4 bits). An int32
 *       tensor (a bias) is dequantized without a grid: mcugen quantizes biases in the accumulator's scale.</li>
 *   <li>{@code QuantizeLinear} of a computed tensor read only by a {@code DequantizeLinear} with the same
 *       scale and zero point (one each): the tensor passes unchanged and records a
 *       {@link LearnedGrids.RangeHint}, the real range of the integer type, which replaces its calibrated
 *       range.</li>
 * </ul>
 * Anything else is refused naming the node ({@code MCG_ONNX_QDQ_*}).
 */
final class OnnxQdq {
    /** A constant the file dequantizes: its integers and scales as the file holds them. */
    private record Dequantized(String node, long[] dims, long[] q, double[] scales, int axis, double[] values, int bits) {
    }

    /** The integers a QuantizeLinear makes of a computed tensor, waiting for their DequantizeLinear. */
    private record Quantized(Act act, double scale, long zeroPoint, int type) {
    }

    private final OnnxGraphConverter cv;
    private final List<Dequantized> weights = new ArrayList<>();
    private final Map<String, Quantized> pending = new HashMap<>();
    private final List<LearnedGrids.RangeHint> ranges = new ArrayList<>();
    /** Per range, the op computing its tensor when the pair was read (null: a model input). */
    private final List<Op> rangeOps = new ArrayList<>();
    /** Per ONNX value, the op types of the nodes reading it ("graph output" for an output). */
    private final Map<String, List<String>> readers = new HashMap<>();

    OnnxQdq(OnnxGraphConverter cv, OnnxProto.Graph g) {
        this.cv = cv;
        for (OnnxProto.Node n : g.nodes()) {
            for (String in : n.inputs()) {
                readers.computeIfAbsent(in, k -> new ArrayList<>()).add(n.opType());
            }
        }
        for (OnnxProto.ValueInfo o : g.outputs()) {
            readers.computeIfAbsent(o.name(), k -> new ArrayList<>()).add("graph output");
        }
    }

    /** The value of the current {@code QuantizeLinear} or {@code DequantizeLinear} node. */
    Val convert(String op, List<Val> in) {
        if (in.size() < 2 || in.get(0) == null || in.get(1) == null) {
            throw cv.bad(op + " needs its input and its scale");
        }
        return op.equals("QuantizeLinear") ? quantize(in) : dequantize(in);
    }

    // --- QuantizeLinear ------------------------------------------------------------------------

    private Val quantize(List<Val> in) {
        double[] scale = scales(in);
        Const zp = zeroPoint(in, 2);
        int type = zp == null ? OnnxTensors.UINT8 : zp.type();
        if (type != OnnxTensors.INT8 && type != OnnxTensors.UINT8) {
            throw qdq(Diag.MCG_ONNX_QDQ_UNSUPPORTED, "QuantizeLinear to " + OnnxTensors.typeName(type)
                    + "; mcugen keeps int8 and uint8");
        }
        String out = cv.current.outputs().get(0);
        List<String> users = readers.getOrDefault(out, List.of());
        if (users.isEmpty() || users.stream().anyMatch(u -> !u.equals("DequantizeLinear"))) {
            throw qdq(Diag.MCG_ONNX_QDQ_UNSUPPORTED, "its integers are read by " + (users.isEmpty() ? "nothing"
                    : String.join(", ", users)) + "; mcugen keeps a QuantizeLinear read only by DequantizeLinear");
        }
        if (in.get(0) instanceof Const x) {
            // A float weight quantized in the file: the integers, rounded half to even as ONNX defines it.
            if (x.f() == null) {
                throw qdq(Diag.MCG_ONNX_QDQ_UNSUPPORTED, "QuantizeLinear of an integer tensor");
            }
            int axis = axis(in, x.dims());
            long lo = type == OnnxTensors.INT8 ? -128 : 0;
            long hi = type == OnnxTensors.INT8 ? 127 : 255;
            long z0 = zp == null ? 0 : (long) zp.get(0);
            long[] q = new long[x.count()];
            for (int k = 0; k < q.length; k++) {
                double s = scale[channel(k, axis, x.dims())];
                // x / scale in float32, rounded half to even, as QuantizeLinear defines it
                q[k] = Math.max(lo, Math.min(hi, (long) Math.rint((float) x.f()[k] / (float) s) + z0));
            }
            return new Const(type, x.dims(), null, q);
        }
        if (scale.length != 1) {
            throw qdq(Diag.MCG_ONNX_QDQ_UNSUPPORTED, "per-axis scales on a computed tensor; mcugen gives an activation"
                    + " one scale");
        }
        Act a = (Act) in.get(0);
        pending.put(out, new Quantized(a, scale[0], zp == null ? 0 : (long) zp.get(0), type));
        return a;
    }

    // --- DequantizeLinear ----------------------------------------------------------------------

    private Val dequantize(List<Val> in) {
        double[] scale = scales(in);
        if (in.get(0) instanceof Act a) {
            Quantized q = pending.get(cv.current.inputs().get(0));
            if (q == null || q.act() != a) {
                throw qdq(Diag.MCG_ONNX_QDQ_UNSUPPORTED, "DequantizeLinear of a computed tensor that no QuantizeLinear"
                        + " made; mcugen keeps QuantizeLinear -> DequantizeLinear pairs on activations");
            }
            Const zp = zeroPoint(in, 2);
            long z = zp == null ? 0 : (long) zp.get(0);
            if (scale.length != 1 || scale[0] != q.scale() || z != q.zeroPoint()) {
                throw qdq(Diag.MCG_ONNX_QDQ_UNSUPPORTED, "DequantizeLinear with another scale or zero point than its"
                        + " QuantizeLinear's");
            }
            long lo = q.type() == OnnxTensors.INT8 ? -128 : 0;
            long hi = q.type() == OnnxTensors.INT8 ? 127 : 255;
            ranges.add(new LearnedGrids.RangeHint(a.ir(), q.scale() * (lo - z), q.scale() * (hi - z), source()));
            rangeOps.add(cv.producerOp(a.ir()));
            return a;
        }
        Const x = (Const) in.get(0);
        if (x.type() != OnnxTensors.INT8 && x.type() != OnnxTensors.INT32) {
            throw qdq(Diag.MCG_ONNX_QDQ_UNSUPPORTED, "DequantizeLinear of a constant " + OnnxTensors.typeName(x.type())
                    + " tensor; mcugen keeps symmetric int8 weights (and int32 biases)");
        }
        Const zp = zeroPoint(in, 2);
        for (int k = 0; zp != null && k < zp.count(); k++) {
            if (zp.get(k) != 0) {
                throw qdq(Diag.MCG_ONNX_QDQ_ZERO_POINT, "zero point " + (long) zp.get(k) + " on a constant; mcugen's"
                        + " weights are symmetric (zero point 0)");
            }
        }
        int axis = axis(in, x.dims());
        long max = 0;
        double[] v = new double[x.count()];
        for (int k = 0; k < v.length; k++) {
            long q = x.i()[k];
            if (x.type() == OnnxTensors.INT8 && q == -128) {
                throw qdq(Diag.MCG_ONNX_QDQ_UNSUPPORTED, "int8 weight -128; mcugen's weights are symmetric on the narrow"
                        + " range -127..127");
            }
            max = Math.max(max, Math.abs(q));
            // (q - 0) * scale in float32, as DequantizeLinear computes it.
            v[k] = (float) ((float) q * (float) scale[channel(k, axis, x.dims())]);
        }
        if (x.type() == OnnxTensors.INT8) {
            int bits = 2;
            while ((1L << (bits - 1)) - 1 < max) {
                bits++;
            }
            double[] s = new double[scale.length];
            for (int k = 0; k < s.length; k++) {
                s[k] = (float) scale[k];
            }
            weights.add(new Dequantized(source(), x.dims(), x.i(), s, axis, v, bits));
        }
        return new Const(OnnxTensors.FLOAT, x.dims(), v, null);
    }

    // --- checks --------------------------------------------------------------------------------

    private double[] scales(List<Val> in) {
        if (!(in.get(1) instanceof Const s) || s.f() == null) {
            throw qdq(Diag.MCG_ONNX_QDQ_UNSUPPORTED, "its scale is not a constant float tensor");
        }
        if (s.dims().length > 1) {
            throw qdq(Diag.MCG_ONNX_QDQ_UNSUPPORTED, "a scale of rank " + s.dims().length + " (blocked quantization)");
        }
        for (double d : s.f()) {
            float f = (float) d;
            if (!(f > 0) || !Float.isFinite(f)) {
                throw qdq(Diag.MCG_ONNX_QDQ_SCALE, "scale " + d + "; a scale must be positive and finite");
            }
        }
        return s.f();
    }

    private Const zeroPoint(List<Val> in, int k) {
        if (in.size() <= k || in.get(k) == null) {
            return null;
        }
        if (!(in.get(k) instanceof Const c) || c.i() == null) {
            throw qdq(Diag.MCG_ONNX_QDQ_UNSUPPORTED, "its zero point is not a constant integer tensor");
        }
        return c;
    }

    /** The per-axis axis (normalized) of a node reading {@code dims} with the scale {@code in[1]}, or -1 for one scale. */
    private int axis(List<Val> in, long[] dims) {
        Const scale = (Const) in.get(1);
        int scales = scale.count();
        int rank = dims.length;
        long raw = cv.attrI("axis", 1);
        if (scale.dims().length == 0) {
            return -1; // a scalar scale: the axis attribute does not apply
        }
        long a = raw < 0 ? raw + rank : raw;
        if (a < 0 || a >= rank) {
            throw qdq(Diag.MCG_ONNX_QDQ_AXIS, "axis " + raw + " is out of range for rank " + rank);
        }
        if (dims[(int) a] != scales) {
            if (scales == 1) {
                return -1;
            }
            throw qdq(Diag.MCG_ONNX_QDQ_AXIS, scales + " scales for axis " + raw + " of size " + dims[(int) a]);
        }
        return scales == 1 ? -1 : (int) a;
    }

    /** The index along {@code axis} of flat element {@code k} (0 without an axis). */
    private static int channel(int k, int axis, long[] dims) {
        if (axis < 0) {
            return 0;
        }
        long inner = 1;
        for (int d = axis + 1; d < dims.length; d++) {
            inner *= dims[d];
        }
        return (int) ((k / inner) % dims[axis]);
    }

    private String source() {
        return Text.clip(cv.current.name().isEmpty() ? cv.current.outputs().get(0) : cv.current.name(), 80);
    }

    private McugenException qdq(Diag diag, String what) {
        return new McugenException(diag, cv.file, cv.node() + ": " + what);
    }

    // --- into the IR ---------------------------------------------------------------------------

    /**
     * The grids of {@code g}'s weights: each int8 constant the file dequantized is found in the IR weight
     * holding the same values (the importer may have reordered them: a layout, an LSTM's gates); per-axis
     * steps follow their slices into the weight's output channels (its last axis). A dequantized weight
     * found nowhere, or per-axis steps on a recurrent layer or across another axis, is refused: the build
     * would not keep the trained integers.
     */
    LearnedGrids grids(Graph g) {
        List<LearnedGrids.WeightGrid> found = new ArrayList<>();
        boolean[] used = new boolean[weights.size()];
        for (Node n : g.nodes()) {
            for (Map.Entry<String, FloatTensor> w : n.weights().entrySet()) {
                float[] values = w.getValue().toArray();
                for (int k = 0; k < weights.size(); k++) {
                    Dequantized d = weights.get(k);
                    if (d.values().length != values.length) {
                        continue;
                    }
                    List<Double> scales = match(d, w.getValue(), values);
                    if (scales == null) {
                        continue;
                    }
                    if (scales.size() > 1 && recurrent(n.op())) {
                        throw new McugenException(Diag.MCG_ONNX_QDQ_UNSUPPORTED, cv.file, "node '" + d.node()
                                + "' (DequantizeLinear): per-axis scales on the weights of recurrent layer '" + n.name()
                                + "'; mcugen gives each gate block one step: export them per tensor");
                    }
                    used[k] = true;
                    found.add(new LearnedGrids.WeightGrid(n.name(), w.getKey(), d.bits(), scales, d.node()));
                    break;
                }
            }
        }
        for (int k = 0; k < used.length; k++) {
            if (!used[k]) {
                Dequantized d = weights.get(k);
                throw new McugenException(Diag.MCG_ONNX_QDQ_UNSUPPORTED, cv.file, "node '" + d.node()
                        + "' (DequantizeLinear): its int8 weights reach no layer unchanged"
                        + (d.axis() >= 0 ? " with their per-axis scales on the output channels" : "")
                        + " (a layer mcugen splits or folds them into), so their grid cannot be kept");
            }
        }
        // A range stays where its tensor is still what the pair saw: an activation fused into the layer
        // afterwards (Gemm -> Q/DQ -> Relu) makes the layer's output another tensor, whose range calibration gives.
        List<LearnedGrids.RangeHint> kept = new ArrayList<>();
        for (int k = 0; k < ranges.size(); k++) {
            String t = ranges.get(k).tensor();
            Op op = rangeOps.get(k);
            boolean same = op == null ? g.inputs().stream().anyMatch(i -> i.name().equals(t))
                    : g.node(t).map(n -> n.op().equals(op)).orElse(false);
            if (same) {
                kept.add(ranges.get(k));
            }
        }
        return new LearnedGrids(found, kept);
    }

    private static boolean recurrent(Op op) {
        return op instanceof Op.Lstm || op instanceof Op.Gru || op instanceof Op.SimpleRnn;
    }

    /** The IR weight's steps if it holds exactly {@code d}'s values, else null. */
    private static List<Double> match(Dequantized d, FloatTensor w, float[] values) {
        if (d.axis() < 0) {
            return sameValues(sorted(d.values()), values) ? List.of(d.scales()[0]) : null;
        }
        int c = w.shape().last();
        if (c != d.dims()[d.axis()] || w.shape().rank() < 2) {
            return null;
        }
        int per = values.length / c;
        // The file's slices along its axis, each sorted, to be found among the weight's output channels.
        List<double[]> slices = new ArrayList<>();
        for (int s = 0; s < c; s++) {
            slices.add(new double[per]);
        }
        int[] fill = new int[c];
        for (int k = 0; k < d.values().length; k++) {
            int s = channel(k, d.axis(), d.dims());
            slices.get(s)[fill[s]++] = d.values()[k];
        }
        slices.replaceAll(OnnxQdq::sorted);
        boolean[] taken = new boolean[c];
        List<Double> scales = new ArrayList<>();
        for (int o = 0; o < c; o++) {
            float[] col = new float[per];
            for (int r = 0; r < per; r++) {
                col[r] = values[r * c + o];
            }
            int hit = -1;
            for (int s = 0; s < c && hit < 0; s++) {
                if (!taken[s] && sameValues(slices.get(s), col)) {
                    hit = s;
                }
            }
            if (hit < 0) {
                return null;
            }
            taken[hit] = true;
            scales.add(d.scales()[hit]);
        }
        return scales;
    }

    private static double[] sorted(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s;
    }

    private static boolean sameValues(double[] sortedFile, float[] values) {
        double[] s = new double[values.length];
        for (int k = 0; k < s.length; k++) {
            s[k] = values[k];
        }
        Arrays.sort(s);
        return Arrays.equals(s, sortedFile);
    }
}
