package dev.mcugen.gen;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcugen.gen.twin.JavaTwinGenerator;
import dev.mcugen.gen.twin.TwinCompiler;
import dev.mcugen.gen.twin.TwinRunner;
import dev.mcugen.ir.quant.IntObserver;
import dev.mcugen.ir.quant.QGraph;
import dev.mcugen.ir.quant.QInput;
import dev.mcugen.ir.sim.FixedPointSimulator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Java twin of random integer graphs mixing many ops (the C's random graphs: convolutions,
 * depthwise, requantize, PReLU, tables, add, pooling, dense, sigmoid/tanh, softmax; the element-wise
 * ops with broadcast and constants; the data-movement ops; several inputs and outputs; int8 and
 * int16) compiled in memory and compared bit for bit with the simulator.
 */
class JavaTwinRandomGraphTest {
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4})
    void feedForwardBitExact(int seed) {
        Random rnd = new Random(seed);
        QGraph g = RandomGraphTest.graph(rnd, seed % 2 == 0 ? 16 : 8);
        assertTwinMatchesSimulator(g, rnd, "seed " + seed);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void elementwiseBitExact(int seed) {
        Random rnd = new Random(seed);
        assertTwinMatchesSimulator(RandomElementwiseGraphTest.graph(rnd, seed % 2 == 0 ? 16 : 8), rnd, "elementwise seed " + seed);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void shapeOpsBitExact(int seed) {
        Random rnd = new Random(seed);
        assertTwinMatchesSimulator(RandomShapeGraphTest.graph(rnd, seed % 2 == 0 ? 16 : 8, seed == 2), rnd,
                "shape ops seed " + seed);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void severalInputsAndOutputsBitExact(int seed) {
        Random rnd = new Random(seed);
        assertTwinMatchesSimulator(MultiIoGraphTest.graph(rnd, seed % 2 == 0 ? 16 : 8), rnd, "multi-io seed " + seed);
    }

    /**
     * Hostile names (a comment end, a Unicode escape javac would decode even in a comment, quotes,
     * a right-to-left override, a line break) reach the class only as escaped string literals and
     * sanitized comments: it compiles and runs bit-exact.
     */
    @org.junit.jupiter.api.Test
    void hostileNamesStayInert() {
        Random rnd = new Random(5);
        String[] evil = {"*/ class X { /*", "\\u000a\\u0022", "a\"b\\", "\u202e\n@see x", "</pre>&amp;"};
        QGraph g = RandomGraphTest.graph(rnd, 8, n -> evil[Math.floorMod(n.hashCode(), evil.length)] + n);
        assertTwinMatchesSimulator(g, rnd, "hostile names");
    }

    /** Compiles the twin of {@code g} and compares it with the simulator on 10 random samples. */
    static void assertTwinMatchesSimulator(QGraph g, Random rnd, String what) {
        View.Model view = Lowering.lower(g, new GenOptions("rnd", List.of()));
        JavaTwinGenerator.Output twin = JavaTwinGenerator.generate(g, view, JavaTwinGenerator.DEFAULT_PACKAGE, List.of());
        Class<?> cls = TwinCompiler.compile(twin);
        FixedPointSimulator sim = new FixedPointSimulator(g);
        int[] outSizes = g.outputs().stream().mapToInt(o -> sim.run(zeros(g), IntObserver.NONE).get(o).length).toArray();
        TwinRunner run = new TwinRunner(cls, g.inputs().size(), outSizes);
        for (int s = 0; s < 10; s++) {
            Map<String, int[]> xs = new LinkedHashMap<>();
            for (QInput in : g.inputs()) {
                int[] x = new int[in.shape().size()];
                for (int i = 0; i < x.length; i++) {
                    x[i] = in.type().qmin() + rnd.nextInt(in.type().qmax() - in.type().qmin() + 1);
                }
                xs.put(in.name(), x);
            }
            Map<String, int[]> want = sim.run(xs, IntObserver.NONE);
            List<int[]> wantParts = new ArrayList<>();
            g.outputs().forEach(o -> wantParts.add(want.get(o)));
            int[] expected = wantParts.stream().flatMapToInt(java.util.Arrays::stream).toArray();
            assertThat(run.invoke(new ArrayList<>(xs.values()))).as("%s sample %d", what, s).containsExactly(expected);
            if (run.streams()) {
                boolean seq = view.stream().seqOutput();
                int[] streamed = run.stream(xs.values().iterator().next(), seq);
                int[] wantStream = seq ? expected
                        : java.util.Arrays.copyOfRange(expected, expected.length - streamed.length, expected.length);
                assertThat(streamed).as("%s sample %d streamed", what, s).containsExactly(wantStream);
            }
        }
    }

    private static Map<String, int[]> zeros(QGraph g) {
        Map<String, int[]> m = new LinkedHashMap<>();
        g.inputs().forEach(i -> {
            int[] z = new int[i.shape().size()];
            java.util.Arrays.fill(z, i.type().zeroPoint());
            m.put(i.name(), z);
        });
        return m;
    }
}
