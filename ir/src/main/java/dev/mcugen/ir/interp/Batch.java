package dev.mcugen.ir.interp;

import dev.mcugen.ir.Diag;
import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.GraphInput;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.Shape;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * N samples for a graph, given per model input as one row-major tensor {@code [N, ...input shape]}
 * (the layout of a {@code .npy} data file); hands out one sample at a time.
 */
public final class Batch {
    private final int size;
    private final List<String> names;
    private final List<Shape> sampleShapes;
    private final List<float[]> data;

    private Batch(int size, List<String> names, List<Shape> sampleShapes, List<float[]> data) {
        this.size = size;
        this.names = names;
        this.sampleShapes = sampleShapes;
        this.data = data;
    }

    /** The one input of a single-input graph. */
    public static Batch of(Graph graph, FloatTensor batch) {
        if (graph.inputs().size() != 1) {
            throw new McugenException(Diag.MCG_DATA_SHAPE, "model '" + graph.name() + "'",
                    "has " + graph.inputs().size() + " inputs; pass the data by input name");
        }
        return of(graph, Map.of(graph.inputs().get(0).name(), batch));
    }

    /**
     * Checks that there is one tensor per model input, each of rank input rank + 1 with the same
     * leading N ≥ 1, and nothing else. Per-sample shapes are checked when a sample runs.
     */
    public static Batch of(Graph graph, Map<String, FloatTensor> batches) {
        for (String key : batches.keySet()) {
            if (graph.inputs().stream().noneMatch(i -> i.name().equals(key))) {
                throw new McugenException(Diag.MCG_DATA_SHAPE, "input '" + key + "'",
                        "is not an input of model '" + graph.name() + "'; its inputs are "
                                + graph.inputs().stream().map(GraphInput::name).toList());
            }
        }
        int n = -1;
        List<String> names = new java.util.ArrayList<>();
        List<Shape> shapes = new java.util.ArrayList<>();
        List<float[]> data = new java.util.ArrayList<>();
        for (GraphInput in : graph.inputs()) {
            FloatTensor t = batches.get(in.name());
            String need = "[N, " + in.shape().toString().substring(1);
            if (t == null) {
                throw new McugenException(Diag.MCG_DATA_SHAPE, "input '" + in.name() + "'",
                        "has no data; model '" + graph.name() + "' needs " + need);
            }
            if (t.shape().rank() != in.shape().rank() + 1) {
                throw new McugenException(Diag.MCG_DATA_SHAPE, "input '" + in.name() + "'",
                        "data has shape " + t.shape() + " but the model needs " + need);
            }
            int ni = t.shape().dim(0);
            if (n >= 0 && ni != n) {
                throw new McugenException(Diag.MCG_DATA_SHAPE, "input '" + in.name() + "'",
                        "holds " + ni + " samples but another input holds " + n);
            }
            n = ni;
            int[] dims = t.shape().toArray();
            names.add(in.name());
            shapes.add(Shape.of(Arrays.copyOfRange(dims, 1, dims.length)));
            data.add(t.toArray());
        }
        if (n <= 0) {
            throw new McugenException(Diag.MCG_DATA_SHAPE, "model '" + graph.name() + "'", "the data holds no samples");
        }
        return new Batch(n, List.copyOf(names), List.copyOf(shapes), List.copyOf(data));
    }

    /** N. */
    public int size() {
        return size;
    }

    /** Sample {@code index} (0-based) by input name. */
    public Map<String, FloatTensor> sample(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("sample " + index + " of " + size);
        }
        Map<String, FloatTensor> m = new LinkedHashMap<>();
        for (int k = 0; k < names.size(); k++) {
            int len = sampleShapes.get(k).size();
            m.put(names.get(k), FloatTensor.of(sampleShapes.get(k),
                    Arrays.copyOfRange(data.get(k), index * len, (index + 1) * len)));
        }
        return m;
    }
}
