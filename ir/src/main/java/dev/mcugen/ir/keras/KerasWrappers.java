package dev.mcugen.ir.keras;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcugen.ir.Diag;
import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.ShapeInference;
import dev.mcugen.ir.Text;
import dev.mcugen.ir.WeightSpecs;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Keras wrapper layers, which become more than one IR node or an op other than their inner
 * layer's:
 * <ul>
 *   <li>{@code TimeDistributed(Dense)}: Dense already works on the last axis of {@code [T, F]}, so
 *       it is that Dense. {@code TimeDistributed(Conv1D)} over {@code [T, L, C]} runs the same 1-D
 *       convolution on each of the T slices: exactly a Conv2D with kernel height 1 (stride and
 *       dilation 1 in height, so no padding in height), kernel {@code [k, C, F]} read as
 *       {@code [1, k, C, F]}. Other wrapped layers are refused, naming their class.</li>
 *   <li>{@code Bidirectional(LSTM | GRU | SimpleRNN)}: a forward node {@code <name>/forward_<inner>}
 *       (the inner layer as configured), a backward node {@code <name>/backward_<inner>} (the same
 *       layer with {@code go_backwards} flipped, or the configured {@code backward_layer}), for
 *       {@code return_sequences} a {@link Op.Reverse} of the backward sequence back into time order
 *       ({@code <name>/backward_<inner>/reversed}), and the merge named like the layer:
 *       {@link Op.Concatenate} on the last axis ({@code concat}) or {@link Op.Add} ({@code sum}),
 *       as Keras' and TF.js' {@code Bidirectional.call}. Weights are keyed
 *       {@code forward/<key>} and {@code backward/<key>} ({@link #FORWARD}, {@link #BACKWARD}).</li>
 * </ul>
 */
final class KerasWrappers {
    static final String BIDIRECTIONAL = "Bidirectional";
    static final String TIME_DISTRIBUTED = "TimeDistributed";
    /** Weight-key prefixes of a Bidirectional layer's two directions. */
    static final String FORWARD = "forward/";
    static final String BACKWARD = "backward/";

    private KerasWrappers() {
    }

    /** One IR node a wrapper layer becomes. */
    record Part(String name, Op op, List<String> inputs, Map<String, FloatTensor> weights) {
    }

    static boolean isWrapper(String className) {
        return className.equals(BIDIRECTIONAL) || className.equals(TIME_DISTRIBUTED);
    }

    /**
     * The weight key of a stored weight name relative to its layer ({@code forward_lstm/lstm_cell/kernel}):
     * {@code forward/kernel} or {@code backward/kernel} when its first segment names a Bidirectional
     * direction ({@code forward_*} / {@code backward_*}, as Keras and TF.js name them), else the last segment.
     */
    static String key(String relative) {
        String last = relative.substring(relative.lastIndexOf('/') + 1);
        int slash = relative.indexOf('/');
        if (slash > 0) {
            String first = relative.substring(0, slash);
            if (first.startsWith("forward_")) {
                return FORWARD + last;
            }
            if (first.startsWith("backward_")) {
                return BACKWARD + last;
            }
        }
        return last;
    }

    /** The nodes of wrapper layer {@code layer} reading tensors of shapes {@code in}. */
    static List<Part> expand(KerasTopology.Layer layer, List<Shape> in, LayerMapper mapper, KerasGraphs.WeightSource source) {
        LayerConfig c = layer.config();
        if (in.size() != 1) {
            throw c.unsupported("reads " + in.size() + " tensors (initial states?); mcugen's " + c.className()
                    + " reads one input and starts its recurrent layers from zero");
        }
        LayerConfig inner = inner(c, "layer");
        return c.className().equals(BIDIRECTIONAL) ? bidirectional(layer, c, inner, in, mapper, source)
                : timeDistributed(layer, c, inner, in, mapper, source);
    }

    private static LayerConfig inner(LayerConfig c, String key) {
        JsonNode l = c.raw(key);
        if (l == null || !l.isObject() || !l.path("class_name").isTextual() || !l.path("config").isObject()) {
            throw c.format(key, "must be the wrapped layer {\"class_name\", \"config\"}, got " + Text.clip(String.valueOf(l), 80));
        }
        JsonNode cfg = l.get("config");
        String name = cfg.path("name").isTextual() ? cfg.get("name").textValue() : c.name() + "_" + key;
        return new LayerConfig(name, l.get("class_name").textValue(), cfg);
    }

    // --- TimeDistributed ---------------------------------------------------------------------------

    private static List<Part> timeDistributed(KerasTopology.Layer layer, LayerConfig c, LayerConfig inner, List<Shape> in,
                                              LayerMapper mapper, KerasGraphs.WeightSource source) {
        Shape x = in.get(0);
        String cls = inner.className();
        if (!cls.equals("Dense") && !cls.equals("Conv1D")) {
            throw new McugenException(Diag.MCG_IMPORT_LAYER_UNSUPPORTED, c.subject(), "wraps " + Text.clip(cls, 60)
                    + "; mcugen supports TimeDistributed(Dense) and TimeDistributed(Conv1D)");
        }
        if (x.rank() < 2) {
            throw c.unsupported("reads " + x + "; TimeDistributed needs a time axis before the wrapped layer's input");
        }
        Shape slice = Shape.of(java.util.Arrays.copyOfRange(x.toArray(), 1, x.rank()));
        Op op = mapper.map(inner, List.of(slice)).op();
        List<String> stored = new ArrayList<>(WeightSpecs.expected(op, List.of(slice)).keySet());
        Map<String, FloatTensor> w = new LinkedHashMap<>(source.weights(layer, List.copyOf(stored)));
        if (op instanceof Op.Conv1D c1) {
            if (x.rank() != 3) {
                throw c.unsupported("wraps Conv1D on " + x + "; mcugen supports it on [T, steps, channels]");
            }
            Shape k1 = WeightSpecs.expected(op, List.of(slice)).get("kernel");
            FloatTensor k = w.get("kernel");
            if (k != null && k.shape().equals(k1)) {
                w.put("kernel", FloatTensor.of(Shape.of(1, k1.dim(0), k1.dim(1), k1.dim(2)), k.toArray()));
            }
            op = new Op.Conv2D(c1.filters(), 1, c1.kernelSize(), 1, c1.stride(), 1, c1.dilation(), c1.padding(),
                    c1.activation(), c1.useBias());
        }
        return List.of(new Part(layer.name(), op, layer.inbound(), w));
    }

    // --- Bidirectional -----------------------------------------------------------------------------

    private static List<Part> bidirectional(KerasTopology.Layer layer, LayerConfig c, LayerConfig inner, List<Shape> in,
                                            LayerMapper mapper, KerasGraphs.WeightSource source) {
        String cls = inner.className();
        if (!cls.equals("LSTM") && !cls.equals("GRU") && !cls.equals("SimpleRNN")) {
            throw new McugenException(Diag.MCG_IMPORT_LAYER_UNSUPPORTED, c.subject(), "wraps " + Text.clip(cls, 60)
                    + "; mcugen supports Bidirectional(LSTM), Bidirectional(GRU) and Bidirectional(SimpleRNN)");
        }
        JsonNode mm = c.raw("merge_mode");
        if (mm == null) {
            if (!c.absent("merge_mode")) {
                throw c.unsupported("has merge_mode None, which gives the two directions as two outputs; mcugen's"
                        + " compiled models have one output: use merge_mode 'concat', 'sum', 'ave' or 'mul'");
            }
        } else if (!mm.isTextual()) {
            throw c.format("merge_mode", "must be a string, got " + Text.clip(mm.toString(), 40));
        }
        String merge = mm == null ? "concat" : mm.textValue().toLowerCase(Locale.ROOT);
        switch (merge) {
            case "concat", "sum", "ave", "mul" -> {
            }
            default -> throw c.unsupported("has merge_mode '" + Text.clip(merge, 20) + "'; Keras knows concat, sum, ave,"
                    + " mul and None, of which mcugen supports all but None");
        }
        Op.Recurrent fwd = (Op.Recurrent) mapper.map(inner, in).op();
        Op.Recurrent bwd;
        String bwdName;
        if (c.has("backward_layer")) {
            LayerConfig b = inner(c, "backward_layer");
            if (!b.className().equals(cls)) {
                throw c.unsupported("has a " + Text.clip(b.className(), 60) + " backward_layer beside its " + cls
                        + " forward layer; mcugen needs both directions of one class");
            }
            Shape f = ShapeInference.outputShape(c.name(), fwd, in);
            bwd = (Op.Recurrent) mapper.map(b, in).op();
            if (bwd.goBackwards() == fwd.goBackwards() || bwd.returnSequences() != fwd.returnSequences()
                    || !ShapeInference.outputShape(c.name(), bwd, in).equals(f)) {
                throw c.format("backward_layer", "must run opposite to the forward layer (go_backwards flipped) with"
                        + " the same return_sequences and output width, as Keras requires");
            }
            bwdName = b.name().startsWith("backward_") ? b.name() : "backward_" + b.name();
        } else {
            bwd = flipped(fwd);
            bwdName = "backward_" + (inner.name().startsWith("forward_") ? inner.name().substring(8) : inner.name());
        }
        // Keras and TF.js store the forward layer's weights first, then the backward layer's.
        Map<String, Shape> spec = WeightSpecs.expected(fwd, in);
        List<String> stored = new ArrayList<>();
        spec.keySet().forEach(k -> stored.add(FORWARD + k));
        WeightSpecs.expected(bwd, in).keySet().forEach(k -> stored.add(BACKWARD + k));
        Map<String, FloatTensor> all = source.weights(layer, List.copyOf(stored));
        Map<String, FloatTensor> fw = new LinkedHashMap<>();
        Map<String, FloatTensor> bw = new LinkedHashMap<>();
        all.forEach((k, v) -> (k.startsWith(FORWARD) ? fw : bw).put(k.substring(k.indexOf('/') + 1), v));

        String name = layer.name();
        // Keras 3 stores the forward layer under its own name, already "forward_<inner>"
        String f = name + "/" + (inner.name().startsWith("forward_") ? inner.name() : "forward_" + inner.name());
        String b = name + "/" + bwdName;
        List<Part> parts = new ArrayList<>();
        parts.add(new Part(f, fwd, layer.inbound(), fw));
        parts.add(new Part(b, bwd, layer.inbound(), bw));
        String bSeq = b;
        if (fwd.returnSequences()) {
            bSeq = b + "/reversed";
            parts.add(new Part(bSeq, new Op.Reverse(0), List.of(b), Map.of()));
        }
        Shape out = ShapeInference.outputShape(f, fwd, in);
        Op m = switch (merge) {
            case "concat" -> new Op.Concatenate(out.rank() - 1);
            case "ave" -> new Op.Average();
            case "mul" -> new Op.Multiply();
            default -> new Op.Add();
        };
        parts.add(new Part(name, m, List.of(f, bSeq), Map.of()));
        return parts;
    }

    private static Op.Recurrent flipped(Op.Recurrent r) {
        if (r instanceof Op.Lstm l) {
            return new Op.Lstm(l.units(), l.activation(), l.recurrentActivation(), l.useBias(), l.returnSequences(),
                    !l.goBackwards(), l.peephole(), l.layerNorm(), l.cifg(), l.projectionUnits());
        }
        if (r instanceof Op.Gru g) {
            return new Op.Gru(g.units(), g.activation(), g.recurrentActivation(), g.useBias(), g.returnSequences(),
                    !g.goBackwards(), g.resetAfter());
        }
        Op.SimpleRnn s = (Op.SimpleRnn) r;
        return new Op.SimpleRnn(s.units(), s.activation(), s.useBias(), s.returnSequences(), !s.goBackwards());
    }
}
