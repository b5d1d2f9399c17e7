package dev.mcugen.ir.interp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcugen.ir.Activation;
import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.GraphBuilder;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Padding;
import dev.mcugen.ir.PoolKind;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.WeightSpecs;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Compares the interpreter with outputs TensorFlow.js 4.22.0 (cpu backend) computed for small graphs
 * ({@code tfjs_reference.json}, made by {@code ir/src/test/node/interp_reference.js}). Weights and
 * inputs come from the same xorshift32 stream on both sides.
 */
class TfjsReferenceTest {
    /**
     * The interpreter reproduces the cpu backend's float32 rounding (see {@code Kernels}), so it is
     * held to bit equality here; the golden models need only 1e-5.
     */
    static final double TOLERANCE = 0.0;

    /** The generator's xorshift32 stream: uniform in [-0.5, 0.5), exact float32 values. */
    static final class XorShift {
        private int s;

        XorShift(long seed) {
            s = (int) seed;
        }

        float next() {
            s ^= s << 13;
            s ^= s >>> 17;
            s ^= s << 5;
            return (s >>> 8) / 16777216f - 0.5f;
        }

        float[] fill(int n, float scale, float offset) {
            float[] a = new float[n];
            for (int i = 0; i < n; i++) {
                a[i] = next() * scale + offset;
            }
            return a;
        }
    }

    @TestFactory
    Stream<DynamicTest> matchesTfjs() throws IOException {
        JsonNode root;
        try (InputStream in = getClass().getResourceAsStream("tfjs_reference.json")) {
            root = new ObjectMapper().readTree(in);
        }
        assertThat(root.get("backend").asText()).isEqualTo("cpu");
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : root.get("cases")) {
            tests.add(DynamicTest.dynamicTest(c.get("name").asText(), () -> check(c)));
        }
        return tests.stream();
    }

    private static void check(JsonNode c) {
        XorShift stream = new XorShift(c.get("seed").asLong());
        GraphBuilder b = new GraphBuilder(c.get("name").asText());
        for (JsonNode in : c.get("inputs")) {
            b.input(in.get("name").asText(), shape(in.get("shape")));
        }
        for (JsonNode l : c.get("layers")) {
            String name = l.get("name").asText();
            Op op = op(l.get("kind").asText(), l.get("config"));
            List<String> inputs = new ArrayList<>();
            l.get("inputs").forEach(i -> inputs.add(i.asText()));
            Map<String, Shape> spec = WeightSpecs.expected(op, inputs.stream().map(b::shapeOf).toList());
            Map<String, FloatTensor> weights = new LinkedHashMap<>();
            spec.forEach((w, s) -> {
                float offset = w.equals("moving_variance") || w.equals("gamma") ? 1f : 0f;
                weights.put(w, FloatTensor.of(s, stream.fill(s.size(), 1f, offset)));
            });
            b.add(name, op, inputs, weights);
        }
        c.get("outputs").forEach(o -> b.output(o.asText()));
        Graph g = b.build();

        float scale = (float) c.get("inputScale").asDouble();
        Map<String, FloatTensor> batches = new HashMap<>();
        for (JsonNode in : c.get("inputs")) {
            String name = in.get("name").asText();
            Shape s = shape(c.get("x").get(name).get("shape"));
            batches.put(name, FloatTensor.of(s, stream.fill(s.size(), scale, 0f)));
        }
        Map<String, FloatTensor> got = new FloatInterpreter(g).runBatch(batches, Progress.NONE);
        assertThat(got.keySet()).containsExactlyElementsOf(g.outputs());
        for (String out : g.outputs()) {
            JsonNode want = c.get("y").get(out);
            FloatTensor t = got.get(out);
            assertThat(t.shape()).as(out).isEqualTo(shape(want.get("shape")));
            JsonNode data = want.get("data");
            double maxErr = 0;
            int at = -1;
            for (int i = 0; i < t.size(); i++) {
                double e = Math.abs(t.get(i) - (float) data.get(i).asDouble());
                if (e > maxErr) {
                    maxErr = e;
                    at = i;
                }
            }
            assertThat(maxErr).as("%s/%s max |error| at %d: got %s, TF.js %s", c.get("name").asText(), out, at,
                    at < 0 ? "" : t.get(at), at < 0 ? "" : data.get(at).asText()).isLessThanOrEqualTo(TOLERANCE);
        }
    }

    private static Shape shape(JsonNode a) {
        int[] d = new int[a.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = a.get(i).asInt();
        }
        return Shape.of(d);
    }

    private static Activation act(JsonNode n) {
        return Activation.fromKerasName(n == null || n.isNull() ? null : n.asText()).orElseThrow();
    }

    private static List<Integer> ints(JsonNode a) {
        List<Integer> l = new ArrayList<>();
        a.forEach(x -> l.add(x.asInt()));
        return l;
    }

    private static Padding padding(JsonNode n) {
        return Padding.valueOf(n.asText().toUpperCase(java.util.Locale.ROOT));
    }

    private static Op op(String kind, JsonNode c) {
        switch (kind) {
            case "dense":
                return new Op.Dense(c.get("units").asInt(), act(c.get("activation")), c.get("useBias").asBoolean());
            case "conv1d":
                return new Op.Conv1D(c.get("filters").asInt(), c.get("kernelSize").asInt(), c.get("stride").asInt(),
                        c.get("dilation").asInt(), padding(c.get("padding")), act(c.get("activation")),
                        c.get("useBias").asBoolean());
            case "conv2d":
                return new Op.Conv2D(c.get("filters").asInt(), c.get("kernelH").asInt(), c.get("kernelW").asInt(),
                        c.get("strideH").asInt(), c.get("strideW").asInt(), c.get("dilationH").asInt(),
                        c.get("dilationW").asInt(), padding(c.get("padding")), act(c.get("activation")),
                        c.get("useBias").asBoolean());
            case "max_pool":
            case "avg_pool":
                return new Op.Pool(kind.equals("max_pool") ? PoolKind.MAX : PoolKind.AVG, ints(c.get("size")),
                        ints(c.get("strides")), padding(c.get("padding")));
            case "global_avg_pool":
                return new Op.GlobalPool(PoolKind.AVG, c.get("spatialRank").asInt());
            case "global_max_pool":
                return new Op.GlobalPool(PoolKind.MAX, c.get("spatialRank").asInt());
            case "flatten":
                return new Op.Flatten();
            case "reshape":
                return new Op.Reshape(Shape.of(ints(c.get("target")).stream().mapToInt(Integer::intValue).toArray()));
            case "dropout":
                return new Op.Dropout((float) c.get("rate").asDouble());
            case "batch_norm":
                return new Op.BatchNorm((float) c.get("epsilon").asDouble());
            case "activation":
                return new Op.Act(act(c.get("activation")));
            case "add":
                return new Op.Add();
            case "concatenate":
                return new Op.Concatenate(c.get("axis").asInt());
            case "simple_rnn":
                return new Op.SimpleRnn(c.get("units").asInt(), act(c.get("activation")), c.get("useBias").asBoolean(),
                        c.get("returnSequences").asBoolean(), c.get("goBackwards").asBoolean());
            case "lstm":
                return new Op.Lstm(c.get("units").asInt(), act(c.get("activation")), act(c.get("recurrentActivation")),
                        c.get("useBias").asBoolean(), c.get("returnSequences").asBoolean(),
                        c.get("goBackwards").asBoolean(), false, false, false, 0);
            case "gru":
                return new Op.Gru(c.get("units").asInt(), act(c.get("activation")), act(c.get("recurrentActivation")),
                        c.get("useBias").asBoolean(), c.get("returnSequences").asBoolean(),
                        c.get("goBackwards").asBoolean(), false);
            default:
                throw new IllegalArgumentException(kind);
        }
    }
}
