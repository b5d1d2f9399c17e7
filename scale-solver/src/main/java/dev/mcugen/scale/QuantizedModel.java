package dev.mcugen.scale;

import dev.mcugen.ir.quant.QGraph;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@link Quantizer#quantize} produces: the integer graph, the solver's answer, the overflow
 * proof of every accumulator, every effective scale the recipes fixed, the declared tensors (with
 * their calibrated ranges) and the options, i.e. everything the report and the generator need.
 *
 * @param graph     the quantized graph the simulator runs and the generator lowers
 * @param solution  every tensor's type and every contract's outcome
 * @param bounds    the accumulator bounds, in the order the recipes recorded them
 * @param rescales  the effective scales, in the order the recipes fixed them
 * @param tensors   the declared tensors by name, in declaration order
 * @param options   the options used
 */
public record QuantizedModel(QGraph graph, Solution solution, List<AccumulatorBound> bounds,
                             List<RescaleRecord> rescales, Map<String, TensorSpec> tensors, QuantOptions options) {
    public QuantizedModel {
        bounds = List.copyOf(bounds);
        rescales = List.copyOf(rescales);
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    }

    /** The "quantization" section of report.json. */
    public ContractReport report() {
        return new ContractReport(options, tensors, solution, bounds, rescales);
    }
}
