package dev.mcugen.ir;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An immutable model: inputs, nodes in a topological order (each reads only inputs and earlier
 * nodes) and the names of the output tensors. Every tensor is named after its producer.
 * Build one with {@link GraphBuilder}, which also infers shapes and checks weights.
 */
public record Graph(String name, List<GraphInput> inputs, List<Node> nodes, List<String> outputs) {
    public Graph {
        inputs = List.copyOf(inputs);
        nodes = List.copyOf(nodes);
        outputs = List.copyOf(outputs);
        Set<String> seen = new HashSet<>();
        for (GraphInput in : inputs) {
            if (!seen.add(in.name())) {
                throw new McugenException(Diag.MCG_GRAPH_INVALID, "input '" + in.name() + "'", "name used twice");
            }
        }
        for (Node n : nodes) {
            for (String src : n.inputs()) {
                if (!seen.contains(src)) {
                    throw new McugenException(Diag.MCG_GRAPH_INVALID, "layer '" + n.name() + "'",
                            "reads '" + src + "', which is neither a model input nor an earlier layer");
                }
            }
            if (!seen.add(n.name())) {
                throw new McugenException(Diag.MCG_GRAPH_INVALID, "layer '" + n.name() + "'", "name used twice");
            }
        }
        if (outputs.isEmpty()) {
            throw new McugenException(Diag.MCG_GRAPH_INVALID, "model '" + name + "'", "has no outputs");
        }
        for (String out : outputs) {
            if (!seen.contains(out)) {
                throw new McugenException(Diag.MCG_GRAPH_INVALID, "output '" + out + "'", "is not a tensor of the model");
            }
        }
    }

    public Optional<Node> node(String nodeName) {
        return nodes.stream().filter(n -> n.name().equals(nodeName)).findFirst();
    }

    /** Shapes of every tensor (inputs and node outputs) by name, in graph order. */
    public Map<String, Shape> shapes() {
        Map<String, Shape> m = new LinkedHashMap<>();
        inputs.forEach(i -> m.put(i.name(), i.shape()));
        nodes.forEach(n -> m.put(n.name(), n.outputShape()));
        return m;
    }

    /** Number of consumers of each tensor, counting graph outputs as consumers. */
    public Map<String, Integer> useCounts() {
        Map<String, Integer> m = new HashMap<>();
        nodes.forEach(n -> n.inputs().forEach(i -> m.merge(i, 1, Integer::sum)));
        outputs.forEach(o -> m.merge(o, 1, Integer::sum));
        return m;
    }

    public long parameterCount() {
        return nodes.stream().mapToLong(Node::parameterCount).sum();
    }
}
