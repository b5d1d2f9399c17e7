package dev.mcugen.scale.ff;

import dev.mcugen.ir.ActivationFusion;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.Node;
import dev.mcugen.ir.Op;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Folds each stand-alone activation layer (Keras {@code Activation('relu')}, {@code ReLU()}, ...) into the
 * Dense or convolution before it, a graph pass run before quantization after {@link BatchNormFolding}:
 * {@code Conv2D -> BatchNormalization -> Activation('relu')}, the usual Keras block, becomes one layer
 * with a ReLU output clamp. The float function is unchanged ({@code act(x · W + b)} either way); what
 * changes is what gets quantized: the layer's integer output then covers only the activation's range
 * (for ReLU, the non-negative half that a separate int8 tensor of the pre-activation would spend half
 * its codes outside of), and sigmoid, tanh and softmax take the layer's wider pre-activation path.
 *
 * <p>An activation folds when its input is a Dense / Conv1D / Conv2D with a linear activation whose
 * only reader is the activation and which is not a model output. The folded layer takes the
 * activation's name — the tensor its readers, the model's outputs and calibration know — and the
 * layer before it disappears.
 */
public final class ActivationFolding {
    private ActivationFolding() {
    }

    public static Graph fold(Graph g) {
        Map<String, Integer> uses = g.useCounts();
        Map<String, Node> byName = new HashMap<>();
        g.nodes().forEach(n -> byName.put(n.name(), n));
        Map<String, Node> replacement = new HashMap<>();
        Set<String> removed = new HashSet<>();
        for (Node act : g.nodes()) {
            if (!(act.op() instanceof Op.Act a) || act.inputs().size() != 1) {
                continue;
            }
            Node prev = byName.get(act.inputs().get(0));
            if (prev == null || removed.contains(prev.name()) || replacement.containsKey(prev.name())
                    || uses.getOrDefault(prev.name(), 0) != 1 || g.outputs().contains(prev.name())
                    || !ActivationFusion.takesActivation(prev.op())) {
                continue;
            }
            replacement.put(act.name(), new Node(act.name(), ActivationFusion.withActivation(prev.op(), a.activation()),
                    prev.inputs(), act.outputShape(), prev.weights()));
            removed.add(prev.name());
        }
        if (replacement.isEmpty()) {
            return g;
        }
        List<Node> nodes = new ArrayList<>();
        for (Node n : g.nodes()) {
            if (!removed.contains(n.name())) {
                nodes.add(replacement.getOrDefault(n.name(), n));
            }
        }
        return new Graph(g.name(), g.inputs(), nodes, g.outputs());
    }
}
