package dev.mcugen.scale.ff;

import dev.mcugen.ir.Activation;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.Node;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.calib.CalibrationResult;
import dev.mcugen.ir.calib.TensorRange;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Gives a tensor that only a ReLU or ReLU6 layer reads the range of that activation's output, before
 * the scales are solved. Its integer type then holds only what the activation keeps: values the
 * activation would clamp saturate at the type's ends instead — at real 0 (the zero point, exact by the
 * activation's ExactZero contract) and at 6 — which is the activation itself, so the model computes the
 * same, with every code spent on the kept range. This is what {@link ActivationFolding} achieves for a
 * Dense or convolution, for the layers that have no activation of their own (the residual Add before
 * a ResNet block's ReLU, a Concatenate, a pooling); the ReLU layer then maps its input's type to itself.
 *
 * <p>A range is narrowed only when the activation is the tensor's one reader and the tensor is not a
 * model output (whose values the user sees).
 */
public final class ClampRanges {
    private ClampRanges() {
    }

    public static CalibrationResult narrow(Graph g, CalibrationResult c) {
        Map<String, Integer> uses = g.useCounts();
        Map<String, TensorRange> narrowed = new HashMap<>();
        for (Node n : g.nodes()) {
            if (!(n.op() instanceof Op.Act a) || n.inputs().size() != 1
                    || a.activation() != Activation.RELU && a.activation() != Activation.RELU6) {
                continue;
            }
            String x = n.inputs().get(0);
            if (uses.getOrDefault(x, 0) != 1 || g.outputs().contains(x) || c.find(x).isEmpty()
                    || c.find(n.name()).isEmpty()) {
                continue;
            }
            TensorRange in = c.range(x);
            TensorRange out = c.range(n.name());
            narrowed.put(x, new TensorRange(x, out.min(), out.max(), in.count(), in.mean(), in.meanAbs(), in.histogram()));
        }
        if (narrowed.isEmpty()) {
            return c;
        }
        List<TensorRange> ranges = new ArrayList<>();
        for (TensorRange r : c.ranges()) {
            ranges.add(narrowed.getOrDefault(r.tensor(), r));
        }
        return new CalibrationResult(c.samples(), ranges, c.magnitudes(), c.channelMeans(), c.inputMoments());
    }
}
