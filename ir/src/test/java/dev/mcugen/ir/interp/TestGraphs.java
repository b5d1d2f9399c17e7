package dev.mcugen.ir.interp;

import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.GraphBuilder;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.WeightSpecs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Helpers to build small graphs in tests. */
public final class TestGraphs {
    private TestGraphs() {
    }

    public static FloatTensor t(Shape s, float... v) {
        return FloatTensor.of(s, v);
    }

    public static FloatTensor t(int[] dims, float... v) {
        return FloatTensor.of(Shape.of(dims), v);
    }

    public static int[] dims(int... d) {
        return d;
    }

    /** A graph {@code x -> layer} with the given weights. */
    public static Graph single(Op op, Shape in, Map<String, FloatTensor> weights) {
        GraphBuilder b = new GraphBuilder("test");
        b.input("x", in);
        b.add("layer", op, List.of("x"), weights);
        b.output("layer");
        return b.build();
    }

    /** A graph {@code x -> layer} with random weights from {@code rnd} in [-scale, scale). */
    public static Graph randomSingle(Op op, Shape in, Random rnd, float scale) {
        return single(op, in, randomWeights(op, in, rnd, scale));
    }

    /** Random weights for {@code op} per {@link WeightSpecs}; moving variances positive. */
    public static Map<String, FloatTensor> randomWeights(Op op, Shape in, Random rnd, float scale) {
        Map<String, FloatTensor> w = new LinkedHashMap<>();
        WeightSpecs.expected(op, List.of(in)).forEach((name, s) -> {
            float[] v = random(s.size(), rnd, scale);
            if (name.equals("moving_variance")) {
                for (int i = 0; i < v.length; i++) {
                    v[i] = Math.abs(v[i]) + 0.1f;
                }
            }
            w.put(name, FloatTensor.of(s, v));
        });
        return w;
    }

    public static float[] random(int n, Random rnd, float scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (rnd.nextFloat() * 2 - 1) * scale;
        }
        return v;
    }

    public static float[] run(Graph g, float[] x, int... dims) {
        return new FloatInterpreter(g).run(FloatTensor.of(Shape.of(dims), x)).toArray();
    }

    /** Records everything an interpreter reports. */
    public static final class Recorder implements TensorObserver {
        public final Map<String, List<float[]>> values = new LinkedHashMap<>();
        public final Map<String, List<Integer>> steps = new LinkedHashMap<>();

        @Override
        public void observe(String tensor, int step, float[] v) {
            values.computeIfAbsent(tensor, k -> new ArrayList<>()).add(v.clone());
            steps.computeIfAbsent(tensor, k -> new ArrayList<>()).add(step);
        }
    }
}
