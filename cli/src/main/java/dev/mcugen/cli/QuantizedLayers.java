package dev.mcugen.cli;

import dev.mcugen.gen.View;
import dev.mcugen.ir.quant.QConv;
import dev.mcugen.ir.quant.QDepthwiseConv;
import dev.mcugen.ir.quant.QFullyConnected;
import dev.mcugen.ir.quant.QNode;
import dev.mcugen.ir.tflite.TfliteFileParameters;
import dev.mcugen.scale.ContractResult;
import dev.mcugen.scale.FileContracts;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The layers of a quantized {@code .tflite} as {@code inspect} and the reports show them: per layer
 * the file's parameters (scales, zero points, per-channel counts), the contracts held or violated,
 * and the flash and RAM the generated C gives it.
 */
final class QuantizedLayers {
    private QuantizedLayers() {
    }

    /** The integer op of a node, named plainly ({@code QDepthwiseConv} -> {@code depthwise conv}). */
    static String op(QNode x) {
        String n = x.getClass().getSimpleName();
        n = n.startsWith("Q") ? n.substring(1) : n;
        return n.replaceAll("([a-z0-9])([A-Z])", "$1 $2").toLowerCase(Locale.ROOT);
    }

    /** {@code [parameters, MACs]} of a node (0 for nodes without weights). */
    static long[] paramsAndMacs(QNode x) {
        if (x instanceof QFullyConnected f) {
            long rows = Math.max(1, x.outputShape().size() / Math.max(1, f.units()));
            return new long[] {f.weights().size() + f.bias().size(), rows * f.weights().size()};
        }
        if (x instanceof QConv c) {
            long taps = (long) c.kernelH() * c.kernelW() * c.inputShape().last();
            return new long[] {c.weights().size() + c.bias().size(), x.outputShape().size() * taps};
        }
        if (x instanceof QDepthwiseConv d) {
            return new long[] {d.weights().size() + d.bias().size(), x.outputShape().size() * (long) d.kernelH() * d.kernelW()};
        }
        return new long[] {0, 0};
    }

    /** {@code [parameters, MACs]} of the whole graph. */
    static long[] totals(dev.mcugen.ir.quant.QGraph g) {
        long[] t = new long[2];
        for (QNode x : g.nodes()) {
            long[] pm = paramsAndMacs(x);
            t[0] += pm[0];
            t[1] += pm[1];
        }
        return t;
    }

    /**
     * One row per layer of the file: its TFLite op, each operand's type, scale(s) and zero point(s)
     * as the file states them, the contracts it holds and violates, the flash of its constants and
     * the RAM of its output in the generated C ({@code footprint}).
     */
    static List<Map<String, String>> rows(TfliteFileParameters.Parameters p, FileContracts.Checked checked,
                                          View.Footprint footprint) {
        Map<String, Long> flash = new LinkedHashMap<>();
        for (View.LayerConst c : footprint.constByLayer()) {
            flash.merge(c.layer(), c.bytes(), Long::sum);
        }
        Map<String, Long> ram = new LinkedHashMap<>();
        for (View.ArenaBuffer b : footprint.arena()) {
            ram.merge(b.tensor(), (long) b.bytes(), Math::max);
        }
        List<Map<String, String>> rows = new ArrayList<>();
        for (TfliteFileParameters.Layer l : p.layers()) {
            Map<String, String> r = new LinkedHashMap<>();
            r.put("layer", l.output());
            r.put("op", l.op());
            r.put("input", operand(l, "input"));
            r.put("weights", operand(l, "weights"));
            r.put("bias", operand(l, "bias"));
            r.put("output", operand(l, "output"));
            long held = checked.count(l.output(), ContractResult.Status.HELD)
                    + checked.count(l.output(), ContractResult.Status.ROUNDED);
            long violated = checked.count(l.output(), ContractResult.Status.VIOLATED);
            String acc = checked.bounds().stream().filter(b -> b.layer().equals(l.output())).findFirst()
                    .map(b -> b.safe() ? "; accumulator held (" + b.headroomBits() + " bits headroom)"
                            : "; accumulator VIOLATED (bound " + ReportFormat.integer(b.bound()) + ")").orElse("");
            r.put("contracts", held + " held" + (violated > 0 ? ", " + violated + " VIOLATED" : "") + acc);
            r.put("flash", flash.containsKey(l.output()) ? ReportFormat.integer(flash.get(l.output()))
                    : footprint.constBytes() == 0 && footprint.arena().isEmpty() ? "-" : "0");
            // a model output is written into the caller's buffer, not the arena
            r.put("ram", ram.containsKey(l.output()) ? ReportFormat.integer(ram.get(l.output()))
                    : p.outputs().stream().anyMatch(o -> o.tensor().equals(l.output())) ? "caller's" : "-");
            rows.add(r);
        }
        return rows;
    }

    /** {@code int8 s=0.0235 zp=-128}, {@code int8 per-channel x16 (axis 0) zp=0}, or "-" when absent. */
    static String operand(TfliteFileParameters.Layer l, String role) {
        return l.operand(role).map(QuantizedLayers::describe).orElse("-");
    }

    static String describe(TfliteFileParameters.Operand o) {
        String type = o.dtype().toLowerCase(Locale.ROOT);
        if (!o.quantized()) {
            return type;
        }
        if (o.perChannel()) {
            boolean zeros = o.zeroPoints().stream().allMatch(z -> z == 0);
            return type + " per-channel x" + o.scales().size() + " (axis " + o.axis() + ", s " + figure(min(o)) + ".."
                    + figure(max(o)) + ")" + (zeros ? " zp=0" : " zp varies");
        }
        return type + " s=" + figure(o.scales().get(0)) + " zp=" + o.zeroPoints().get(0);
    }

    private static double min(TfliteFileParameters.Operand o) {
        return o.scales().stream().mapToDouble(Float::doubleValue).min().orElse(0);
    }

    private static double max(TfliteFileParameters.Operand o) {
        return o.scales().stream().mapToDouble(Float::doubleValue).max().orElse(0);
    }

    private static String figure(double v) {
        return ReportFormat.figure(v, 4);
    }
}
