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

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.6g", v);
    }
}
