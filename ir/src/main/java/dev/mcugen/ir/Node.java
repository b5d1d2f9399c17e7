package dev.mcugen.ir;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One layer: its op, the names of the tensors it reads (graph inputs or earlier nodes), the shape
 * of the one tensor it produces (named like the node), and its weights by name, in a fixed order.
 */
public record Node(String name, Op op, List<String> inputs, Shape outputShape, Map<String, FloatTensor> weights) {
    public Node {
        inputs = List.copyOf(inputs);
        weights = Collections.unmodifiableMap(new LinkedHashMap<>(weights));
    }

    /** The weight {@code key}; fails if the node lacks it (graph construction guarantees it). */
    public FloatTensor weight(String key) {
        FloatTensor t = weights.get(key);
        if (t == null) {
            throw new McugenException(Diag.MCG_INTERNAL, "layer '" + name + "'", "has no weight '" + key + "'");
        }
        return t;
    }

    /** Number of weight values (the parameter count Keras reports). */
    public long parameterCount() {
        return weights.values().stream().mapToLong(FloatTensor::size).sum();
    }
}
