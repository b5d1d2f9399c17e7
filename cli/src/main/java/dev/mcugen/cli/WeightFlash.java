package dev.mcugen.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcugen.gen.SubBytePacking;
import dev.mcugen.gen.View;
import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.Names;
import dev.mcugen.ir.Node;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.quant.IntTensor;
import dev.mcugen.ir.quant.QConv;
import dev.mcugen.ir.quant.QDepthwiseConv;
import dev.mcugen.ir.quant.QFullyConnected;
import dev.mcugen.ir.quant.QGraph;
import dev.mcugen.ir.quant.QMatVec;
import dev.mcugen.ir.quant.QNode;
import dev.mcugen.ir.quant.QRecurrent;
import dev.mcugen.scale.QuantOptions;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Flash per layer with weights narrower than 8 bits ({@code --weight-bits}): in {@code build}'s summary and
 * report.json the constants of each layer as generated (weights at their stored width: 4 and 2 bits
 * packed, 3, 5, 6 and 7 in int8; biases and rescales), and in {@code inspect} the weights alone at the
 * width they would be stored at.
 */
final class WeightFlash {
    private WeightFlash() {
    }

    /** The declared word lengths of a quantized node's weight matrices, e.g. "4" or "4, 8" (empty: none). */
    static String widths(QNode x) {
        TreeSet<Integer> bits = new TreeSet<>();
        for (IntTensor t : weights(x)) {
            bits.add(t.declaredBits());
        }
        return String.join(", ", bits.stream().map(String::valueOf).toList());
    }

    private static List<IntTensor> weights(QNode x) {
        List<IntTensor> w = new ArrayList<>();
        if (x instanceof QFullyConnected fc) {
            w.add(fc.weights());
        } else if (x instanceof QConv c) {
            w.add(c.weights());
        } else if (x instanceof QDepthwiseConv d) {
            w.add(d.weights());
        } else if (x instanceof QRecurrent r) {
            for (QMatVec m : SubBytePacking.matVecs(r)) {
                w.add(m.weights());
            }
        }
        return w;
    }

    /**
     * The build summary's table: per layer with weights, their word lengths and the flash of its
     * constants in the generated C, and the total.
     */
    static void print(PrintWriter w, QGraph g, View.Footprint f) {
        Map<String, Long> flash = flashByLayer(f);
        Table t = new Table("layer", "weight bits", "flash (B)");
        for (QNode x : g.nodes()) {
            String bits = widths(x);
            if (!bits.isEmpty()) {
                t.row(Names.terminal(x.name(), 60), bits, ReportFormat.integer(flash.getOrDefault(x.name(), 0L)));
            }
        }
        t.row("total (all constants)", "", ReportFormat.integer(f.constBytes()));
        t.print(w);
    }

    /** The {@code weight_flash} object of report.json: per layer its weight bits and constant bytes, and the total. */
    static ObjectNode json(QGraph g, View.Footprint f) {
        Map<String, Long> flash = flashByLayer(f);
        ObjectNode o = dev.mcugen.scale.ContractReport.mapper().createObjectNode();
        ArrayNode layers = o.putArray("layers");
        for (QNode x : g.nodes()) {
            String bits = widths(x);
            if (!bits.isEmpty()) {
                ObjectNode l = layers.addObject();
                l.put("layer", x.name());
                l.put("weight_bits", bits);
                l.put("flash_bytes", flash.getOrDefault(x.name(), 0L));
            }
        }
        o.put("total_flash_bytes", f.constBytes());
        return o;
    }

    private static Map<String, Long> flashByLayer(View.Footprint f) {
        Map<String, Long> flash = new LinkedHashMap<>();
        for (View.LayerConst c : f.constByLayer()) {
            flash.merge(c.layer(), c.bytes(), Long::sum);
        }
        return flash;
    }

    /**
     * The bytes of a float layer's weight groups at {@code bits}, as {@code build} stores them with int8
     * activations: a Dense, convolution, depthwise, LSTM or GRU matrix at 4 or 2 bits packed (each output
     * channel's row of {@code n} weights in {@code ceil(n bits / 8)} bytes), any other width or layer one
     * byte per weight.
     */
    static long bytes(Node node, QuantOptions.WeightBits bits) {
        long n = 0;
        Op op = node.op();
        boolean packs = op instanceof Op.Dense || op instanceof Op.Lstm || op instanceof Op.Gru || op instanceof Op.Conv1D
                || op instanceof Op.Conv2D || op instanceof Op.DepthwiseConv;
        for (Map.Entry<String, FloatTensor> e : node.weights().entrySet()) {
            FloatTensor t = e.getValue();
            if (t.shape().rank() < 2) {
                continue;
            }
            int b = bits.bits(node.name() + "/" + e.getKey());
            // one packed row per output channel: the last axis, a depthwise kernel's C m channels
            int rows = op instanceof Op.DepthwiseConv ? t.shape().dim(t.shape().rank() - 2) * t.shape().last()
                    : t.shape().last();
            n += packs && (b == 4 || b == 2) ? (long) rows * SubBytePacking.rowBytes(t.size() / rows, b) : t.size();
        }
        return n;
    }

    /** Whether {@code g} has weight groups (rank 2 and more). */
    static boolean hasGroups(Graph g) {
        return g.nodes().stream().anyMatch(n -> n.weights().values().stream().anyMatch(t -> t.shape().rank() >= 2));
    }
}
