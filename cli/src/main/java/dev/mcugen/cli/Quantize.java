package dev.mcugen.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcugen.compiler.CompilePipeline;
import dev.mcugen.ir.ImportedModel;
import dev.mcugen.ir.Text;
import dev.mcugen.ir.calib.RangeClip;
import dev.mcugen.ir.calib.RangeClipper;
import dev.mcugen.ir.interp.Batch;
import dev.mcugen.scale.QuantOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Calibrate and quantize, as {@code build}, {@code verify} and {@code simulate --mode fixed} do (CompilePipeline.quantize). */
final class Quantize {
    /** Tensors named in the outlier warning line; the report lists all. */
    private static final int NAMED = 3;

    private Quantize() {
    }

    /**
     * Calibrates and quantizes; when a few values dominate some tensor's range (and the method kept
     * it), says so in one line on {@code out}, since the model is then quantized far coarser than its
     * data needs and nothing else would tell (exit 0, poor accuracy).
     */
    static CompilePipeline.Quantized run(ImportedModel original, Path modelFile, QuantizationOptions quant,
                                         CommonOptions common, PrintWriter out) {
        // The inputs of the folded graph are the original's: the data reads against either.
        Batch cal = common.readData(original, quant.calibrationFiles(modelFile, original.graph()));
        CompilePipeline.Quantized q;
        QuantOptions.WeightBits bits = WeightBitsChoice.resolve(original.graph(), quant.weightBits, quant.weightQuant,
                quant.budget, cal, out);
        try (ProgressBar bar = new ProgressBar("calibrating", !common.noProgress)) {
            q = CompilePipeline.quantize(original.graph(), cal, quant.toOptions().withWeightBits(bits),
                    quant.calibrationMethod, bar::update);
        }
        String warning = warning(q.calibration());
        if (warning != null) {
            out.println("mcugen: warning: " + warning);
            out.flush();
        }
        return q;
    }

    /** The tensors whose chosen range a few values still dominate. */
    static List<RangeClip> outliers(RangeClipper.Selection s) {
        return s.clips().stream().filter(c -> c.dominated()
                && Math.max(Math.abs(c.min()), Math.abs(c.max())) > RangeClipper.DOMINANCE * c.absP9999()).toList();
    }

    /** The outlier warning, or null when no range is dominated. */
    static String warning(RangeClipper.Selection s) {
        List<RangeClip> bad = outliers(s);
        if (bad.isEmpty()) {
            return null;
        }
        StringBuilder b = new StringBuilder();
        b.append(bad.size()).append(bad.size() == 1 ? " tensor has its range" : " tensors have their range")
                .append(" dominated by a few extreme calibration values: ");
        for (int i = 0; i < Math.min(NAMED, bad.size()); i++) {
            RangeClip c = bad.get(i);
            b.append(i == 0 ? "" : ", ").append('\'').append(Text.clip(c.tensor(), 60)).append("' (max |x| ")
                    .append(g(Math.max(Math.abs(c.seenMin()), Math.abs(c.seenMax())))).append(", 99.99th percentile ")
                    .append(g(c.absP9999())).append(')');
        }
        if (bad.size() > NAMED) {
            b.append(" and ").append(bad.size() - NAMED).append(" more (report.json: calibration)");
        }
        b.append("; every other value gets a coarse step: check the data, or use --calibration-method percentile or mse");
        return b.toString();
    }

    /** The {@code calibration} section of report.json: the method and what it did per tensor. */
    static ObjectNode json(RangeClipper.Selection s) {
        ObjectNode o = dev.mcugen.scale.ContractReport.mapper().createObjectNode();
        o.put("method", s.method().cliName());
        o.put("percentile", RangeClipper.PERCENTILE);
        o.put("dominance_factor", RangeClipper.DOMINANCE);
        o.put("samples", s.ranges().samples());
        String w = warning(s);
        if (w == null) {
            o.putNull("warning");
        } else {
            o.put("warning", w);
        }
        ArrayNode ts = o.putArray("tensors");
        for (RangeClip c : s.clips()) {
            ObjectNode t = ts.addObject();
            t.put("tensor", c.tensor());
            t.put("seen_min", c.seenMin());
            t.put("seen_max", c.seenMax());
            t.put("min", c.min());
            t.put("max", c.max());
            t.put("clipped_fraction", c.clippedFraction());
            t.put("abs_p99_99", c.absP9999());
            t.put("dominated", c.dominated());
        }
        return o;
    }

    private static String g(double v) {
        return String.format(Locale.ROOT, "%.3g", v);
    }
}
