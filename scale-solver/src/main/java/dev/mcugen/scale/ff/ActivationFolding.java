package dev.mcugen.scale.ff;

import dev.mcugen.ir.Activation;
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
 * Fuses a stand-alone ReLU / ReLU6 (a Keras Activation or ReLU layer) into the Dense, convolution or
 * depthwise convolution before it, a graph pass run after {@link BatchNormFolding} (the usual
 * {@code Conv → BatchNorm → ReLU} becomes one layer). {@code relu(x · W + b)} is exactly the layer with
 * that activation, and the quantized layer then gets the range of the ReLU's output rather than of
 * its input: without the fusion the layer's int8 output spends half its levels on negative values the
 * ReLU throws away, which costs MobileNet-style models about one bit on every layer.
 *
 * <p>A ReLU fuses when its input is such a layer with a linear activation whose only reader is the
 * ReLU (and which is not a model output). The fused layer takes the ReLU's name (the tensor its
 * readers, calibration and the outputs know) and the layer before it disappears.
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
            if (!(act.op() instanceof Op.Act a)
                    || a.activation() != Activation.RELU && a.activation() != Activation.RELU6) {
                continue;
            }
            Node prev = byName.get(act.inputs().get(0));
            if (prev == null || removed.contains(prev.name()) || uses.getOrDefault(prev.name(), 0) != 1
                    || g.outputs().contains(prev.name()) || !ActivationFusion.takesActivation(prev.op())) {
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
