package dev.mcugen.cli;

import dev.mcugen.ir.LearnedGrids;
import dev.mcugen.ir.Text;
import java.io.PrintWriter;
import java.util.Locale;

/** {@code inspect}'s lines on the weight grids and activation ranges a model file states (quantization-aware training). */
final class LearnedGridsTable {
    private LearnedGridsTable() {
    }

    static void print(PrintWriter out, LearnedGrids grids) {
        if (grids.isEmpty()) {
            return;
        }
        out.println();
        if (!grids.weights().isEmpty()) {
            out.printf("learned weight grids (kept by build: these integers and steps)%n");
            Table t = new Table("layer", "weight", "bits", "step", "from");
            for (LearnedGrids.WeightGrid g : grids.weights()) {
                String step = g.perChannel() ? g.scales().size() + " per channel, up to " + fmt(g.maxScale())
                        : fmt(g.scales().get(0));
                t.row(Text.clip(g.layer(), 60), g.weight(), Integer.toString(g.bits()), step, Text.clip(g.source(), 60));
            }
            t.print(out);
        }
        if (!grids.ranges().isEmpty()) {
            out.printf("learned activation ranges (replace calibration)%n");
            Table t = new Table("tensor", "min", "max", "from");
            for (LearnedGrids.RangeHint r : grids.ranges()) {
                t.row(Text.clip(r.tensor(), 60), fmt(r.min()), fmt(r.max()), Text.clip(r.source(), 60));
            }
            t.print(out);
        }
    }

    /**
     * report.json's {@code learned_grids} (only for a model that states some): per weight its layer, weight,
     * word length, steps and source node; per activation range its tensor, min, max and source node.
     */
    static void into(com.fasterxml.jackson.databind.node.ObjectNode root, LearnedGrids grids) {
        if (grids.isEmpty()) {
            return;
        }
        com.fasterxml.jackson.databind.node.ObjectNode o = root.putObject("learned_grids");
        com.fasterxml.jackson.databind.node.ArrayNode ws = o.putArray("weights");
        for (LearnedGrids.WeightGrid g : grids.weights()) {
            com.fasterxml.jackson.databind.node.ObjectNode w = ws.addObject();
            w.put("layer", g.layer());
            w.put("weight", g.weight());
            w.put("bits", g.bits());
            g.scales().forEach(w.putArray("steps")::add);
            w.put("source", g.source());
        }
        com.fasterxml.jackson.databind.node.ArrayNode rs = o.putArray("ranges");
        for (LearnedGrids.RangeHint r : grids.ranges()) {
            com.fasterxml.jackson.databind.node.ObjectNode x = rs.addObject();
            x.put("tensor", r.tensor());
            x.put("min", r.min());
            x.put("max", r.max());
            x.put("source", r.source());
        }
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.6g", v);
    }
}
