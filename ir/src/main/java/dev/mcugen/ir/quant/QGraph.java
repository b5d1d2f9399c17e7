package dev.mcugen.ir.quant;

import java.util.List;

/**
 * The quantized model: quantized inputs, integer nodes in execution order, output tensor names.
 * It is the executable meaning the fixed-point simulator runs and the C generator lowers.
 */
public record QGraph(String name, List<QInput> inputs, List<QNode> nodes, List<String> outputs) {
    public QGraph {
        inputs = List.copyOf(inputs);
        nodes = List.copyOf(nodes);
        outputs = List.copyOf(outputs);
    }
}
