package dev.mcugen.scale;

import dev.mcugen.ir.Graph;
import dev.mcugen.ir.Node;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.calib.InputMoments;
import dev.mcugen.ir.interp.Batch;
import dev.mcugen.ir.interp.FloatInterpreter;
import dev.mcugen.ir.interp.TensorObserver;
import dev.mcugen.ir.quant.IntObserver;
import dev.mcugen.ir.quant.QInput;
import dev.mcugen.ir.quant.QNode;
import dev.mcugen.ir.quant.QuantType;
import dev.mcugen.ir.sim.FixedPointSimulator;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The calibration data replayed through the integer layers lowered so far, for the
 * {@code sequential} weight rounding: while the quantizer lowers the graph in order, each Dense /
 * convolution layer can ask what its input really is in the integer model (every layer before it
 * quantized, their rounding errors included) next to what it is in the float model, row by row at the
 * same positions. Its weights are then fitted to map the former onto the float model's output
 * (the "asymmetric reconstruction" of Nagel et al., <i>Up or Down? Adaptive Rounding for Post-Training
 * Quantization</i>, ICML 2020), so each layer cancels part of the error the layers before it made
 * instead of passing it on.
 *
 * <p>Before lowering, the float model runs once over the calibration samples and keeps, per layer
 * whose rows are at most {@link InputMoments#MAX_DIM} long, the rows it multiplies by its kernel
 * ({@link InputMoments#rows}, at most {@link InputMoments#MAX_ROWS} per layer). During lowering, the
 * integer ops of each lowered layer run on every sample (the simulator's kernels, so exactly the
 * integers the C computes) and a layer's output is dropped once every float layer reading it is lowered.
 * Everything runs in a fixed order: deterministic.
 */
public final class LayerReplay {
    private final Graph reference;
    private final Batch calibration;
    private final Map<String, InputMoments> geometry = new LinkedHashMap<>();
    private final Map<String, List<float[]>> floatRows = new HashMap<>();
    private final List<Map<String, int[]>> values = new ArrayList<>();
    private final Map<String, QuantType> types = new HashMap<>();
    private final Map<String, Shape> shapes = new HashMap<>();
    private final Map<String, Integer> pendingReaders;

    /**
     * The paired second moments of one layer's rows, each augmented with a constant 1 (the bias):
     * {@code h = E[p̂ p̂ᵀ]} of the integer model's rows {@code p̂} (dequantized) and
     * {@code cross = E[p̂ pᵀ]} with the float model's rows {@code p}, row-major {@code (dim + 1)²}, over
     * {@code rows} rows.
     */
    public record Fit(int dim, double[] h, double[] cross, int rows) {
    }

    /**
     * Runs {@code reference} (the float graph the integer model must match, with batch norm and
     * activations folded as for quantization) over {@code calibration} and keeps the float rows of
     * every layer that can be fitted.
     */
    public LayerReplay(Graph reference, Batch calibration) {
        this.reference = reference;
        this.calibration = calibration;
        this.pendingReaders = new HashMap<>(reference.useCounts());
        Map<String, Shape> graphShapes = reference.shapes();
        Map<String, List<String>> readers = new HashMap<>();
        for (Node n : reference.nodes()) {
            if (n.inputs().isEmpty()) {
                continue;
            }
            InputMoments m = InputMoments.of(n, graphShapes.get(n.inputs().get(0)), calibration.size());
            if (m != null) {
                geometry.put(n.name(), m);
                floatRows.put(n.name(), new ArrayList<>());
                readers.computeIfAbsent(n.inputs().get(0), k -> new ArrayList<>()).add(n.name());
            }
        }
        FloatInterpreter interp = new FloatInterpreter(reference);
        for (int s = 0; s < calibration.size(); s++) {
            long sample = s;
            interp.run(calibration.sample(s), (tensor, step, v) -> {
                if (step != TensorObserver.WHOLE) {
                    return;
                }
                for (String layer : readers.getOrDefault(tensor, List.of())) {
                    List<float[]> rows = floatRows.get(layer);
                    geometry.get(layer).rows(v, sample, p -> rows.add(toFloats(p)));
                }
            });
        }
    }

    /** Quantizes every calibration sample with the model inputs' solved types: the replay's start. */
    void start(List<QInput> inputs) {
        for (int s = 0; s < calibration.size(); s++) {
            Map<String, int[]> m = new HashMap<>();
            var sample = calibration.sample(s);
            for (QInput in : inputs) {
                var t = sample.get(in.name());
                int[] q = new int[t.size()];
                for (int i = 0; i < q.length; i++) {
                    q[i] = in.type().quantize(t.get(i));
                }
                m.put(in.name(), q);
            }
            values.add(m);
        }
        for (QInput in : inputs) {
            types.put(in.name(), in.type());
            shapes.put(in.name(), in.shape());
        }
    }

    /** Runs the integer ops {@code lowered} of float layer {@code node} on every sample, then drops what no later layer reads. */
    void lowered(Node node, List<QNode> lowered) {
        for (QNode q : lowered) {
            types.put(q.name(), q.outputType());
            shapes.put(q.name(), q.outputShape());
        }
        for (Map<String, int[]> m : values) {
            for (QNode q : lowered) {
                m.put(q.name(), FixedPointSimulator.runNode(q, m, shapes, IntObserver.NONE));
            }
        }
        for (String in : node.inputs()) {
            int left = pendingReaders.merge(in, -1, Integer::sum);
            if (left <= 0) {
                values.forEach(m -> m.remove(in));
            }
        }
    }

    /**
     * The paired moments of {@code layer}'s rows, if it is a Dense / convolution whose rows the replay
     * keeps and whose input the integer model has computed.
     */
    Optional<Fit> fit(String layer) {
        InputMoments g = geometry.get(layer);
        Node node = reference.node(layer).orElse(null);
        if (g == null || node == null || values.isEmpty()) {
            return Optional.empty();
        }
        String x = node.inputs().get(0);
        QuantType t = types.get(x);
        if (t == null || values.get(0).get(x) == null) {
            return Optional.empty();
        }
        int d = g.dim();
        int n = d + 1;
        double[] h = new double[n * n];
        double[] cross = new double[n * n];
        List<float[]> target = floatRows.get(layer);
        int[] next = {0};
        for (int s = 0; s < values.size(); s++) {
            int[] q = values.get(s).get(x);
            float[] real = new float[q.length];
            for (int i = 0; i < q.length; i++) {
                real[i] = (float) t.dequantize(q[i]);
            }
            g.rows(real, s, p -> {
                float[] f = target.get(next[0]++);
                for (int a = 0; a <= d; a++) {
                    double pa = a == d ? 1 : p[a];
                    if (pa == 0) {
                        continue;
                    }
                    int row = a * n;
                    for (int b = 0; b <= d; b++) {
                        h[row + b] += pa * (b == d ? 1 : p[b]);
                        cross[row + b] += pa * (b == d ? 1 : f[b]);
                    }
                }
            });
        }
        int rows = next[0];
        if (rows == 0 || rows != target.size()) {
            return Optional.empty();
        }
        for (int i = 0; i < h.length; i++) {
            h[i] /= rows;
            cross[i] /= rows;
        }
        return Optional.of(new Fit(d, h, cross, rows));
    }

    private static float[] toFloats(double[] p) {
        float[] f = new float[p.length];
        for (int i = 0; i < p.length; i++) {
            f[i] = (float) p[i];
        }
        return f;
    }
}
