package dev.mcugen.scale.ff;

import dev.mcugen.ir.Activation;
import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.Node;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Shape;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.HashSet;

/**
 * Folds each BatchNormalization into the Dense / Conv1D / Conv2D / DepthwiseConv before it (a
 * depthwise kernel {@code [kh, kw, C, m]} scales output channel {@code c·m + j}), a graph pass run before
 * quantization (DESIGN §4): with {@code γ'_c = γ_c / sqrt(σ²_c + ε)},
 * {@code kernel'[..., c] = kernel[..., c] · γ'_c} and {@code bias'_c = (bias_c - μ_c) γ'_c + β_c}
 * (bias 0 if the layer has none). A BatchNorm folds when its input is such a layer with a linear
 * activation whose only reader is the BatchNorm (and which is not a model output). The folded layer
 * takes the BatchNorm's name — the tensor its readers and calibration know — and the layer before it
 * disappears. Other BatchNorms stay, for {@link BatchNormRecipe}.
 */
public final class BatchNormFolding {
    private BatchNormFolding() {
    }

    public static Graph fold(Graph g) {
        Map<String, Integer> uses = g.useCounts();
        Map<String, Node> byName = new HashMap<>();
        g.nodes().forEach(n -> byName.put(n.name(), n));
        Map<String, Node> replacement = new HashMap<>();
        Set<String> removed = new HashSet<>();
        for (Node bn : g.nodes()) {
            if (!(bn.op() instanceof Op.BatchNorm)) {
                continue;
            }
            Node prev = byName.get(bn.inputs().get(0));
            if (prev == null || removed.contains(prev.name()) || uses.getOrDefault(prev.name(), 0) != 1
                    || g.outputs().contains(prev.name()) || !foldable(prev.op())) {
                continue;
            }
            replacement.put(bn.name(), folded(prev, bn));
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

    private static boolean foldable(Op op) {
        if (op instanceof Op.Dense d) {
            return d.activation() == Activation.LINEAR;
        }
        if (op instanceof Op.Conv1D c) {
            return c.activation() == Activation.LINEAR;
        }
        if (op instanceof Op.Conv2D c) {
            return c.activation() == Activation.LINEAR;
        }
        if (op instanceof Op.DepthwiseConv c) {
            return c.activation() == Activation.LINEAR;
        }
        return false;
    }

    private static Node folded(Node layer, Node bn) {
        double[][] affine = BatchNormRecipe.affine(bn);
        double[] gamma = affine[0];
        float[] mean = bn.weight("moving_mean").toArray();
        float[] beta = bn.weight("beta").toArray();
        boolean depthwise = layer.op() instanceof Op.DepthwiseConv;
        String kernel = depthwise ? "depthwise_kernel" : "kernel";
        FloatTensor k = layer.weight(kernel);
        int c = depthwise ? k.shape().dim(k.shape().rank() - 2) * k.shape().last() : k.shape().last();
        float[] kv = k.toArray();
        for (int i = 0; i < kv.length; i++) {
            kv[i] = (float) (kv[i] * gamma[i % c]);
        }
        float[] bv = new float[c];
        for (int j = 0; j < c; j++) {
            double b = layer.weights().containsKey("bias") ? layer.weight("bias").get(j) : 0.0;
            bv[j] = (float) ((b - mean[j]) * gamma[j] + beta[j]);
        }
        Map<String, FloatTensor> w = new LinkedHashMap<>();
        w.put(kernel, FloatTensor.of(k.shape(), kv));
        w.put("bias", FloatTensor.of(Shape.of(c), bv));
        return new Node(bn.name(), withBias(layer.op()), layer.inputs(), bn.outputShape(), w);
    }

    private static Op withBias(Op op) {
        if (op instanceof Op.Dense d) {
            return new Op.Dense(d.units(), d.activation(), true);
        }
        if (op instanceof Op.Conv1D c) {
            return new Op.Conv1D(c.filters(), c.kernelSize(), c.stride(), c.dilation(), c.padding(), c.activation(), true);
        }
        if (op instanceof Op.DepthwiseConv c) {
            return c.with(c.activation(), true);
        }
        Op.Conv2D c = (Op.Conv2D) op;
        return new Op.Conv2D(c.filters(), c.kernelH(), c.kernelW(), c.strideH(), c.strideW(), c.dilationH(),
                c.dilationW(), c.padding(), c.activation(), true);
    }
}
