package dev.mcugen.ir;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Assembles a {@link Graph} node by node, inferring each node's output shape and checking its
 * weights against {@link WeightSpecs}: every needed weight present, of the right shape, finite,
 * and nothing extra.
 */
public final class GraphBuilder {
    private final String name;
    private final List<GraphInput> inputs = new ArrayList<>();
    private final List<Node> nodes = new ArrayList<>();
    private final Map<String, Shape> shapes = new LinkedHashMap<>();
    private final List<String> outputs = new ArrayList<>();

    public GraphBuilder(String name) {
        this.name = name;
    }

    public GraphBuilder input(String inputName, Shape shape) {
        if (shapes.containsKey(inputName)) {
            throw new McugenException(Diag.MCG_GRAPH_INVALID, "input '" + inputName + "'", "name used twice");
        }
        inputs.add(new GraphInput(inputName, shape));
        shapes.put(inputName, shape);
        return this;
    }

    public boolean has(String tensorName) {
        return shapes.containsKey(tensorName);
    }

    public Shape shapeOf(String tensorName) {
        Shape s = shapes.get(tensorName);
        if (s == null) {
            throw new McugenException(Diag.MCG_GRAPH_INVALID, "tensor '" + tensorName + "'", "is not defined before it is used");
        }
        return s;
    }

    /** Adds a node; returns it with its inferred output shape. */
    public Node add(String nodeName, Op op, List<String> nodeInputs, Map<String, FloatTensor> weights) {
        if (shapes.containsKey(nodeName)) {
            throw new McugenException(Diag.MCG_GRAPH_INVALID, "layer '" + nodeName + "'", "name used twice");
        }
        List<Shape> in = nodeInputs.stream().map(this::shapeOf).toList();
        Shape out = ShapeInference.outputShape(nodeName, op, in);
        Map<String, Shape> spec = WeightSpecs.expected(op, in);
        String who = "layer '" + nodeName + "' (" + op.kind() + ")";
        Map<String, FloatTensor> ordered = new LinkedHashMap<>();
        for (Map.Entry<String, Shape> e : spec.entrySet()) {
            FloatTensor w = weights.get(e.getKey());
            if (w == null) {
                throw new McugenException(Diag.MCG_IMPORT_WEIGHT_MISSING, who,
                        "needs weight '" + e.getKey() + "' of shape " + e.getValue() + " but the model has none");
            }
            if (!w.shape().equals(e.getValue())) {
                throw new McugenException(Diag.MCG_IMPORT_WEIGHT_SHAPE, who, "weight '" + e.getKey() + "' has shape "
                        + w.shape() + " but the layer needs " + e.getValue());
            }
            int bad = w.firstNonFinite();
            if (bad >= 0) {
                throw new McugenException(Diag.MCG_IMPORT_WEIGHT_NONFINITE, who, "weight '" + e.getKey()
                        + "' holds " + w.get(bad) + " at flat index " + bad + "; retrain or fix the export");
            }
            ordered.put(e.getKey(), w);
        }
        for (String key : weights.keySet()) {
            if (!spec.containsKey(key)) {
                throw new McugenException(Diag.MCG_IMPORT_WEIGHT_SHAPE, who, "has unexpected weight '" + key
                        + "'; the layer's configuration needs only " + spec.keySet());
            }
        }
        Node n = new Node(nodeName, op, nodeInputs, out, ordered);
        nodes.add(n);
        shapes.put(nodeName, out);
        return n;
    }

    public GraphBuilder output(String tensorName) {
        shapeOf(tensorName);
        outputs.add(tensorName);
        return this;
    }

    public List<Node> nodes() {
        return List.copyOf(nodes);
    }

    /**
     * The graph; an input read by an {@link Op.Embedding} holds token ids ({@link GraphInput.Dtype#TOKEN_IDS}).
     *
     * @throws McugenException {@link Diag#MCG_GRAPH_INVALID} when an embedding reads a computed tensor
     *         (token ids must come straight from a model input) or a token-id input is also read by
     *         another kind of layer
     */
    public Graph build() {
        List<GraphInput> typed = new ArrayList<>();
        for (GraphInput in : inputs) {
            Node embedding = null;
            Node other = null;
            for (Node n : nodes) {
                if (n.inputs().contains(in.name())) {
                    if (n.op() instanceof Op.Embedding) {
                        embedding = embedding == null ? n : embedding;
                    } else {
                        other = other == null ? n : other;
                    }
                }
            }
            if (embedding != null && other != null) {
                throw new McugenException(Diag.MCG_GRAPH_INVALID, "input '" + in.name() + "'", "holds token ids (read by"
                        + " embedding '" + embedding.name() + "') and is also read by layer '" + other.name() + "' ("
                        + other.op().kind() + "); token ids feed embedding layers only");
            }
            typed.add(embedding != null ? new GraphInput(in.name(), in.shape(), GraphInput.Dtype.TOKEN_IDS) : in);
        }
        for (Node n : nodes) {
            if (n.op() instanceof Op.Embedding && !shapesOfInputs().contains(n.inputs().get(0))) {
                throw new McugenException(Diag.MCG_GRAPH_INVALID, "layer '" + n.name() + "' (embedding)", "reads '"
                        + n.inputs().get(0) + "', a computed tensor; an embedding reads token ids straight from a model input");
            }
        }
        return new Graph(name, typed, nodes, outputs);
    }

    private java.util.Set<String> shapesOfInputs() {
        java.util.Set<String> s = new java.util.HashSet<>();
        inputs.forEach(i -> s.add(i.name()));
        return s;
    }
}
