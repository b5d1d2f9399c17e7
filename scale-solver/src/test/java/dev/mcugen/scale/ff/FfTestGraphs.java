package dev.mcugen.scale.ff;

import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.GraphBuilder;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.WeightSpecs;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Random weights and data for recipe tests. */
final class FfTestGraphs {
    private FfTestGraphs() {
    }

    /** Adds {@code name = op(inputs)} with random weights in [-scale, scale) (variances positive). */
    static void add(GraphBuilder b, String name, Op op, List<String> inputs, Random rnd, float scale) {
        List<Shape> in = inputs.stream().map(b::shapeOf).toList();
        Map<String, FloatTensor> w = new LinkedHashMap<>();
        WeightSpecs.expected(op, in).forEach((k, s) -> {
            float[] v = random(s.size(), rnd, scale);
            if (k.equals("moving_variance")) {
                for (int i = 0; i < v.length; i++) {
                    v[i] = Math.abs(v[i]) + 0.1f;
                }
            }
            if (k.equals("gamma")) {
                for (int i = 0; i < v.length; i++) {
                    v[i] = 0.5f + Math.abs(v[i]);
                }
            }
            w.put(k, FloatTensor.of(s, v));
        });
        b.add(name, op, inputs, w);
    }

    static float[] random(int n, Random rnd, float scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (rnd.nextFloat() * 2 - 1) * scale;
        }
        return v;
    }

    /** {@code n} samples of {@code shape} stacked as {@code [n, ...shape]}, uniform in [lo, hi). */
    static FloatTensor batch(Shape shape, int n, Random rnd, float lo, float hi) {
        int[] dims = new int[shape.rank() + 1];
        dims[0] = n;
        System.arraycopy(shape.toArray(), 0, dims, 1, shape.rank());
        float[] v = new float[n * shape.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = lo + rnd.nextFloat() * (hi - lo);
        }
        return FloatTensor.of(Shape.of(dims), v);
    }
}
