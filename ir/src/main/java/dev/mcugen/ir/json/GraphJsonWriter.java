package dev.mcugen.ir.json;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.core.io.NumberOutput;
import dev.mcugen.ir.Diag;
import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.GraphInput;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.Node;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Shape;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a {@link Graph} as mcugen graph JSON in one canonical layout: fixed key order, two-space
 * indentation, {@code \n} line ends, one line per weight tensor, floats in their shortest
 * round-tripping decimal form (Schubfach, the same digits on every JDK).
 */
final class GraphJsonWriter {
    private final Writer out;
    private final GraphJson.WeightEncoding encoding;
    private final String binName;
    private final OutputStream bin;
    private long binOffset;

    /** {@code binName} and {@code bin} are used with {@link GraphJson.WeightEncoding#EXTERNAL} only. */
    GraphJsonWriter(Writer out, GraphJson.WeightEncoding encoding, String binName, OutputStream bin) {
        this.out = out;
        this.encoding = encoding;
        this.binName = binName;
        this.bin = bin;
    }

    void write(Graph g) throws IOException {
        write(g, Map.of());
    }

    /** {@code sourceLayout}: written as {@code "source_layout"} when not empty (ImportedModel#sourceLayout). */
    void write(Graph g, Map<String, List<Integer>> sourceLayout) throws IOException {
        Map<String, Shape> shapes = g.shapes();
        w("{\n");
        w("  \"format\": ").str(GraphJson.FORMAT).w(",\n");
        w("  \"version\": ").w(Integer.toString(GraphJson.VERSION)).w(",\n");
        w("  \"name\": ").str(g.name()).w(",\n");
        w("  \"inputs\": [\n");
        for (int i = 0; i < g.inputs().size(); i++) {
            GraphInput in = g.inputs().get(i);
            w("    {\"name\": ").str(in.name()).w(", \"shape\": ").shape(in.shape()).w("}");
            w(i + 1 < g.inputs().size() ? ",\n" : "\n");
        }
        w("  ],\n");
        w("  \"nodes\": [\n");
        for (int i = 0; i < g.nodes().size(); i++) {
            node(g.nodes().get(i), shapes);
            w(i + 1 < g.nodes().size() ? ",\n" : "\n");
        }
        w("  ],\n");
        w("  \"outputs\": ").strings(g.outputs()).w(sourceLayout.isEmpty() ? "\n" : ",\n");
        if (!sourceLayout.isEmpty()) {
            w("  \"source_layout\": {");
            int k = 0;
            for (String tensor : g.shapes().keySet()) {
                List<Integer> perm = sourceLayout.get(tensor);
                if (perm != null) {
                    w(k++ > 0 ? ", " : "").str(tensor).w(": [");
                    w(String.join(", ", perm.stream().map(String::valueOf).toList())).w("]");
                }
            }
            w("}\n");
        }
        w("}\n");
    }

    private void node(Node n, Map<String, Shape> shapes) throws IOException {
        String who = "layer '" + n.name() + "' (" + n.op().kind() + ")";
        OpRules.check(who, n.op());
        w("    {\n");
        w("      \"name\": ").str(n.name()).w(",\n");
        w("      \"op\": ").str(n.op().kind()).w(",\n");
        w("      \"inputs\": ").strings(n.inputs()).w(",\n");
        Map<String, Object> attrs = attrs(n.op());
        if (attrs.isEmpty()) {
            w("      \"attrs\": {},\n");
        } else {
            w("      \"attrs\": {\n");
            int k = 0;
            for (Map.Entry<String, Object> e : attrs.entrySet()) {
                w("        ").str(e.getKey()).w(": ").value(e.getValue());
                w(++k < attrs.size() ? ",\n" : "\n");
            }
            w("      },\n");
        }
        w("      \"output_shape\": ").shape(n.outputShape()).w(",\n");
        List<String> order = weightOrder(n, shapes);
        if (order.isEmpty()) {
            w("      \"weights\": {}\n");
        } else {
            w("      \"weights\": {\n");
            for (int k = 0; k < order.size(); k++) {
                String key = order.get(k);
                w("        ").str(key).w(": ");
                tensor(who, key, n.weights().get(key));
                w(k + 1 < order.size() ? ",\n" : "\n");
            }
            w("      }\n");
        }
        w("    }");
    }

    /** The op's attributes in documented order, all written, defaults included. */
    static Map<String, Object> attrs(Op op) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (op instanceof Op.Dense d) {
            m.put("units", d.units());
            m.put("activation", d.activation().kerasName());
            m.put("use_bias", d.useBias());
        } else if (op instanceof Op.Conv1D c) {
            m.put("filters", c.filters());
            m.put("kernel_size", c.kernelSize());
            m.put("strides", c.stride());
            m.put("dilation_rate", c.dilation());
            m.put("padding", c.padding().kerasName());
            m.put("activation", c.activation().kerasName());
            m.put("use_bias", c.useBias());
        } else if (op instanceof Op.Conv2D c) {
            m.put("filters", c.filters());
            m.put("kernel_size", List.of(c.kernelH(), c.kernelW()));
            m.put("strides", List.of(c.strideH(), c.strideW()));
            m.put("dilation_rate", List.of(c.dilationH(), c.dilationW()));
            m.put("padding", c.padding().kerasName());
            m.put("activation", c.activation().kerasName());
            m.put("use_bias", c.useBias());
        } else if (op instanceof Op.DepthwiseConv c) {
            boolean oneD = c.spatialRank() == 1;
            m.put("depth_multiplier", c.multiplier());
            m.put("kernel_size", oneD ? (Object) c.kernelW() : List.of(c.kernelH(), c.kernelW()));
            m.put("strides", oneD ? (Object) c.strideW() : List.of(c.strideH(), c.strideW()));
            m.put("dilation_rate", oneD ? (Object) c.dilationW() : List.of(c.dilationH(), c.dilationW()));
            m.put("padding", c.padding().kerasName());
            m.put("activation", c.activation().kerasName());
            m.put("use_bias", c.useBias());
        } else if (op instanceof Op.Pool p) {
            m.put("pool_size", p.size());
            m.put("strides", p.strides());
            m.put("padding", p.padding().kerasName());
        } else if (op instanceof Op.ZeroPadding z) {
            m.put("padding", z.amounts());
        } else if (op instanceof Op.Cropping c) {
            m.put("cropping", c.amounts());
        } else if (op instanceof Op.UpSampling u) {
            m.put("size", u.size());
        } else if (op instanceof Op.Permute p) {
            m.put("dims", p.dims());
        } else if (op instanceof Op.RepeatVector r) {
            m.put("n", r.n());
        } else if (op instanceof Op.ConvTranspose c) {
            m.put("filters", c.filters());
            m.put("kernel_size", c.kernel());
            m.put("strides", c.strides());
            m.put("padding", c.padding().kerasName());
            if (!c.outputPadding().isEmpty()) {
                m.put("output_padding", c.outputPadding());
            }
            m.put("activation", c.activation().kerasName());
            m.put("use_bias", c.useBias());
        } else if (op instanceof Op.GlobalPool g) {
            m.put("spatial_rank", g.spatialRank());
        } else if (op instanceof Op.Reshape r) {
            m.put("target_shape", r.target());
        } else if (op instanceof Op.Dropout d) {
            m.put("rate", d.rate());
        } else if (op instanceof Op.BatchNorm b) {
            m.put("epsilon", b.epsilon());
        } else if (op instanceof Op.LayerNorm l) {
            m.put("epsilon", l.epsilon());
        } else if (op instanceof Op.Embedding e) {
            m.put("input_dim", e.inputDim());
            m.put("output_dim", e.outputDim());
        } else if (op instanceof Op.Act a) {
            m.put("activation", a.activation().kerasName());
        } else if (op instanceof Op.LeakyRelu l) {
            m.put("alpha", l.alpha());
        } else if (op instanceof Op.Elu e) {
            m.put("alpha", e.alpha());
        } else if (op instanceof Op.PRelu p) {
            m.put("shared_axes", p.sharedAxes());
        } else if (op instanceof Op.HardSigmoid h) {
            m.put("alpha", h.alpha());
            m.put("beta", h.beta());
        } else if (op instanceof Op.Concatenate c) {
            m.put("axis", c.axis());
        } else if (op instanceof Op.Reverse r) {
            m.put("axis", r.axis());
        } else if (op instanceof Op.SimpleRnn r) {
            m.put("units", r.units());
            m.put("activation", r.activation().kerasName());
            m.put("use_bias", r.useBias());
            m.put("return_sequences", r.returnSequences());
            m.put("go_backwards", r.goBackwards());
        } else if (op instanceof Op.Lstm l) {
            m.put("units", l.units());
            m.put("activation", l.activation().kerasName());
            m.put("recurrent_activation", l.recurrentActivation().kerasName());
            m.put("use_bias", l.useBias());
            m.put("return_sequences", l.returnSequences());
            m.put("go_backwards", l.goBackwards());
            m.put("peephole", l.peephole());
            m.put("layer_norm", l.layerNorm());
            m.put("cifg", l.cifg());
            m.put("projection_units", l.projectionUnits());
        } else if (op instanceof Op.Gru g) {
            m.put("units", g.units());
            m.put("activation", g.activation().kerasName());
            m.put("recurrent_activation", g.recurrentActivation().kerasName());
            m.put("use_bias", g.useBias());
            m.put("return_sequences", g.returnSequences());
            m.put("go_backwards", g.goBackwards());
            m.put("reset_after", g.resetAfter());
        } else if (op instanceof Op.Elementwise e) {
            if (e.constantOperand() >= 0) {
                m.put("constant_operand", e.constantOperand());
            }
        } else if (!(op instanceof Op.Flatten)) {
            throw new McugenException(Diag.MCG_INTERNAL, "op " + op.kind(), "has no graph JSON writer");
        }
        return m;
    }

    /** Weight keys in the canonical {@code WeightSpecs} order, then any others the node holds. */
    private static List<String> weightOrder(Node n, Map<String, Shape> shapes) {
        List<Shape> in = n.inputs().stream().map(shapes::get).toList();
        List<String> order = new ArrayList<>();
        for (String k : dev.mcugen.ir.WeightSpecs.expected(n.op(), in).keySet()) {
            if (n.weights().containsKey(k)) {
                order.add(k);
            }
        }
        n.weights().keySet().stream().filter(k -> !order.contains(k)).sorted().forEach(order::add);
        return order;
    }

    private void tensor(String who, String key, FloatTensor t) throws IOException {
        int bad = t.firstNonFinite();
        if (bad >= 0) {
            throw new McugenException(Diag.MCG_IMPORT_WEIGHT_NONFINITE, who, "weights." + key + " holds " + t.get(bad)
                    + " at flat index " + bad + ", which graph JSON cannot store");
        }
        w("{\"shape\": ").shape(t.shape()).w(", ");
        switch (encoding) {
            case NUMBERS: {
                w("\"data\": [");
                StringBuilder sb = new StringBuilder();
                for (int i = 0; i < t.size(); i++) {
                    if (i > 0) {
                        sb.append(", ");
                    }
                    sb.append(formatFloat(t.get(i)));
                    if (sb.length() > 8192) {
                        out.write(sb.toString());
                        sb.setLength(0);
                    }
                }
                out.write(sb.toString());
                w("]}");
                break;
            }
            case BASE64:
                w("\"data_base64\": \"").w(Base64.getEncoder().encodeToString(littleEndian(t))).w("\"}");
                break;
            case EXTERNAL: {
                byte[] bytes = littleEndian(t);
                w("\"file\": ").str(binName).w(", \"offset\": ").w(Long.toString(binOffset)).w("}");
                bin.write(bytes);
                binOffset += bytes.length;
                break;
            }
            default:
                throw new IllegalStateException(encoding.toString());
        }
    }

    private static byte[] littleEndian(FloatTensor t) {
        ByteBuffer b = ByteBuffer.allocate(4 * t.size()).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < t.size(); i++) {
            b.putFloat(t.get(i));
        }
        return b.array();
    }

    /** The shortest decimal that reads back as exactly {@code f} (Schubfach, as Java 19+ Float.toString). */
    static String formatFloat(float f) {
        return NumberOutput.toString(f, true);
    }

    // --- tiny emitter ------------------------------------------------------------------------

    private GraphJsonWriter w(String s) throws IOException {
        out.write(s);
        return this;
    }

    private GraphJsonWriter str(String s) throws IOException {
        out.write('"');
        out.write(JsonStringEncoder.getInstance().quoteAsString(s));
        out.write('"');
        return this;
    }

    private GraphJsonWriter strings(List<String> l) throws IOException {
        w("[");
        for (int i = 0; i < l.size(); i++) {
            if (i > 0) {
                w(", ");
            }
            str(l.get(i));
        }
        return w("]");
    }

    private GraphJsonWriter shape(Shape s) throws IOException {
        w("[");
        for (int i = 0; i < s.rank(); i++) {
            if (i > 0) {
                w(", ");
            }
            w(s.dim(i) == Shape.UNKNOWN ? "null" : Integer.toString(s.dim(i)));
        }
        return w("]");
    }

    private GraphJsonWriter value(Object v) throws IOException {
        if (v instanceof String s) {
            return str(s);
        }
        if (v instanceof Float f) {
            return w(formatFloat(f));
        }
        if (v instanceof Shape s) {
            return shape(s);
        }
        if (v instanceof List<?> l) {
            w("[");
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) {
                    w(", ");
                }
                value(l.get(i));
            }
            return w("]");
        }
        return w(String.valueOf(v)); // Integer, Boolean
    }
}
