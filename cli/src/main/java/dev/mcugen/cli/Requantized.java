package dev.mcugen.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.interp.Batch;
import dev.mcugen.ir.metrics.ErrorMetrics;
import dev.mcugen.ir.quant.IntObserver;
import dev.mcugen.ir.quant.QGraph;
import dev.mcugen.ir.quant.QuantType;
import dev.mcugen.ir.sim.FixedPointSimulator;
import dev.mcugen.ir.tflite.TfliteFloatIo;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code verify --requantize}: beside mcugen's own quantization of a quantized file's dequantized
 * weights, the file's own integers on the same samples, both against the same float model (the file
 * dequantized): report.json's {@code file_parameters_vs_float} and a terminal line per output.
 */
final class Requantized {
    private Requantized() {
    }

    /**
     * Runs the file's integer graph {@code file} on the first {@code n} samples of {@code samples} (the
     * float model {@code g}'s inputs, quantized as the file's QUANTIZE would, inputs paired by position)
     * and compares its dequantized outputs with {@code floats} (the float model's, per sample and output).
     */
    static void compare(ObjectNode root, PrintWriter w, QGraph file, Graph g, Batch samples, List<List<float[]>> floats,
                        int n) {
        FixedPointSimulator sim = new FixedPointSimulator(file);
        List<int[]> outs = new ArrayList<>();
        for (int s = 0; s < n; s++) {
            Map<String, FloatTensor> x = samples.sample(s);
            Map<String, int[]> q = new HashMap<>();
            for (int k = 0; k < file.inputs().size(); k++) {
                QuantType t = file.inputs().get(k).type();
                float[] v = x.get(g.inputs().get(k).name()).toArray();
                int[] qi = new int[v.length];
                for (int i = 0; i < v.length; i++) {
                    qi[i] = TfliteFloatIo.quantize(v[i], t);
                }
                q.put(file.inputs().get(k).name(), qi);
            }
            Map<String, int[]> y = sim.run(q, IntObserver.NONE);
            outs.add(VerifyCommand.concat(file.outputs().stream().map(y::get).toList()));
        }
        List<ErrorMetrics> perOutput = VerifyCommand.perOutputMetrics(file.outputs(), sim, floats, outs, n);
        ObjectNode o = root.putObject("file_parameters_vs_float");
        o.put("note", "the quantized file's own integers (its scales and zero points, TFLite's semantics) on the same"
                + " samples against the same float model, beside mcugen's requantization above");
        VerifyCommand.metricsJson(o, file.outputs(), perOutput, floats.get(0));
        for (int k = 0; k < perOutput.size(); k++) {
            ErrorMetrics e = perOutput.get(k);
            w.printf(Locale.ROOT, "the file's own parameters%s vs float: SQNR %s dB, max |err| %.6g, top-1 agreement %.2f%%%n",
                    perOutput.size() == 1 ? "" : " (output '" + dev.mcugen.ir.Names.terminal(file.outputs().get(k), 60) + "')",
                    Double.isFinite(e.sqnrDb()) ? String.format(Locale.ROOT, "%.2f", e.sqnrDb()) : "inf", e.maxAbsError(),
                    100 * e.top1Agreement());
        }
    }
}
