package dev.mcugen.ir.sim;

import dev.mcugen.ir.quant.FeedForwardKernels;
import dev.mcugen.ir.quant.IntObserver;
import dev.mcugen.ir.quant.QGraph;
import dev.mcugen.ir.quant.QInput;
import dev.mcugen.ir.quant.QNode;
import dev.mcugen.ir.quant.QRecurrent;
import dev.mcugen.ir.quant.QuantType;

import dev.mcugen.ir.Diag;
import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.Shape;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Executes a {@link QGraph} with exactly the integer operations the generated C runs: it is the
 * oracle the C is compared with bit for bit. One sample at a time; tensors are {@code int[]}
 * whatever their width. Feed-forward nodes run in {@link FeedForwardKernels}, recurrent layers in
 * {@link RecurrentKernels}.
 */
public final class FixedPointSimulator {
    private final QGraph graph;
    private final Map<String, Shape> shapes = new HashMap<>();

    public FixedPointSimulator(QGraph graph) {
        this.graph = graph;
        graph.inputs().forEach(i -> shapes.put(i.name(), i.shape()));
        graph.nodes().forEach(n -> shapes.put(n.name(), n.outputShape()));
    }

    public QGraph graph() {
        return graph;
    }

    /** Runs one sample of integer inputs (by input name) and returns the integer outputs by name. */
    public Map<String, int[]> run(Map<String, int[]> inputs, IntObserver observer) {
        Map<String, int[]> values = new HashMap<>();
        for (QInput in : graph.inputs()) {
            int[] v = inputs.get(in.name());
            if (v == null || v.length != in.shape().size()) {
                throw new McugenException(Diag.MCG_DATA_SHAPE, "input '" + in.name() + "'", "needs "
                        + in.shape().size() + " integers of shape " + in.shape() + ", got " + (v == null ? "none" : v.length));
            }
            values.put(in.name(), v.clone());
            observer.observe(in.name(), -1, v);
        }
        for (QNode node : graph.nodes()) {
            int[] out = runNode(node, values, shapes, observer);
            values.put(node.name(), out);
            observer.observe(node.name(), -1, out);
        }
        Map<String, int[]> result = new LinkedHashMap<>();
        for (String o : graph.outputs()) {
            result.put(o, values.get(o));
        }
        return result;
    }

    /**
     * Runs one integer op on the tensors it reads ({@code values} by name, {@code shapes} the shapes of a
     * recurrent op's input) and returns its output.
     */
    public static int[] runNode(QNode node, Map<String, int[]> values, Map<String, Shape> shapes, IntObserver observer) {
        if (node instanceof QRecurrent r) {
            String src = node.inputs().get(0);
            return RecurrentKernels.run(r, values.get(src), shapes.get(src), observer);
        }
        List<int[]> ins = new ArrayList<>();
        for (String src : node.inputs()) {
            ins.add(values.get(src));
        }
        return FeedForwardKernels.run(node, ins);
    }

    /** Quantizes float inputs with the inputs' types (round half away from zero, saturate). */
    public Map<String, int[]> quantizeInputs(Map<String, FloatTensor> inputs) {
        Map<String, int[]> q = new LinkedHashMap<>();
        for (QInput in : graph.inputs()) {
            FloatTensor t = inputs.get(in.name());
            int[] v = new int[t.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = in.type().quantize(t.get(i));
            }
            q.put(in.name(), v);
        }
        return q;
    }

    /** The type of output tensor {@code name}. */
    public QuantType outputType(String name) {
        for (QInput in : graph.inputs()) {
            if (in.name().equals(name)) {
                return in.type();
            }
        }
        return graph.nodes().stream().filter(n -> n.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no tensor '" + name + "'")).outputType();
    }

    /** Float in, quantize, run integers, dequantize out: what {@code simulate --mode fixed} reports. */
    public Map<String, FloatTensor> runDequantized(Map<String, FloatTensor> inputs) {
        Map<String, int[]> out = run(quantizeInputs(inputs), IntObserver.NONE);
        Map<String, FloatTensor> result = new LinkedHashMap<>();
        for (Map.Entry<String, int[]> e : out.entrySet()) {
            QuantType t = outputType(e.getKey());
            float[] f = new float[e.getValue().length];
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) t.dequantize(e.getValue()[i]);
            }
            result.put(e.getKey(), FloatTensor.of(shapes.get(e.getKey()), f));
        }
        return result;
    }
}
