package dev.mcugen.gen;

import dev.mcugen.ir.Shape;
import dev.mcugen.ir.PoolKind;
import dev.mcugen.ir.quant.IntObserver;
import dev.mcugen.ir.quant.QConcat;
import dev.mcugen.ir.quant.QFullyConnected;
import dev.mcugen.ir.quant.QGlobalPool;
import dev.mcugen.ir.quant.QGraph;
import dev.mcugen.ir.quant.QInput;
import dev.mcugen.ir.quant.QNode;
import dev.mcugen.ir.quant.QSoftmax;
import dev.mcugen.ir.quant.QuantType;
import dev.mcugen.ir.quant.Rescale;
import dev.mcugen.ir.sim.FixedPointSimulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import static dev.mcugen.gen.RandomGraphTest.act;
import static dev.mcugen.gen.RandomGraphTest.ints;
import static dev.mcugen.gen.RandomGraphTest.rescale;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random graphs with several inputs and outputs through the C vs the simulator: two sequence inputs of
 * other widths and types concatenated (each requantized to the concatenation's type), a side input
 * joined after pooling, and four outputs in an order unlike the graph's: a softmax head and a dense
 * head (written straight into the caller's buffers), the concatenation (read by later layers, so
 * copied out of the arena) and the side input itself (copied from the input).
 */
class MultiIoGraphTest {
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4})
    void bitExact(int seed, @TempDir Path dir) throws Exception {
        HostC.requireGcc();
        Random rnd = new Random(seed);
        int bits = seed % 2 == 0 ? 16 : 8;
        QGraph g = graph(rnd, bits);
        FixedPointSimulator sim = new FixedPointSimulator(g);
        List<int[]> xs = new ArrayList<>();
        List<int[]> want = new ArrayList<>();
        for (int s = 0; s < 12; s++) {
            Map<String, int[]> feed = new LinkedHashMap<>();
            List<Integer> flat = new ArrayList<>();
            for (QInput in : g.inputs()) {
                int[] x = new int[in.shape().size()];
                for (int i = 0; i < x.length; i++) {
                    x[i] = in.type().qmin() + rnd.nextInt(in.type().qmax() - in.type().qmin() + 1);
                    flat.add(x[i]);
                }
                feed.put(in.name(), x);
            }
            xs.add(flat.stream().mapToInt(Integer::intValue).toArray());
            Map<String, int[]> y = sim.run(feed, IntObserver.NONE);
            List<Integer> all = new ArrayList<>();
            for (String o : g.outputs()) {
                for (int v : y.get(o)) {
                    all.add(v);
                }
            }
            want.add(all.stream().mapToInt(Integer::intValue).toArray());
        }
        List<int[]> got = HostC.run(dir, g, new GenOptions("mio", List.of()), xs);
        assertThat(got).hasSize(xs.size());
        for (int i = 0; i < xs.size(); i++) {
            assertThat(got.get(i)).as("seed %d sample %d", seed, i).containsExactly(want.get(i));
        }
    }

    @Test
    void theApiTakesTheInputsThenTheOutputsInTheModelsOrderWithTheirNames() {
        QGraph g = graph(new Random(7), 8);
        CGenerator.Output o = new CGenerator().build(g, new GenOptions("mio", List.of()));
        String h = new String(o.files().get("mio.h"), StandardCharsets.UTF_8);
        assertThat(h).contains("int mio_invoke(mio_ctx_t *ctx, const mio_input_seq_a_t *in_seq_a, "
                        + "const mio_input_seq_b_t *in_seq_b, const mio_input_side_t *in_side, mio_output_probs_t *out_probs, "
                        + "mio_output_value_t *out_value, mio_output_joined_t *out_joined, mio_output_side_t *out_side);",
                "#define MIO_INPUTS 3", "#define MIO_OUTPUTS 4", "#define MIO_INPUT_SEQ_B_SIZE ",
                "#define MIO_OUTPUT_VALUE_ZERO_POINT ", "#define MIO_OUTPUT_PROBS_SCALE_SHIFT ",
                "No mio_step: the model has 3 input(s) and 4 output(s)")
                .doesNotContain("MIO_INPUT_SIZE", "mio_input_t;");
        String c = new String(o.files().get("mio.c"), StandardCharsets.UTF_8);
        // the dense and softmax heads write the caller's buffers; the others are copied there
        assertThat(c).contains("memcpy(out_joined, ", "memcpy(out_side, in_side, ")
                .doesNotContain("memcpy(out_value", "memcpy(out_probs");
    }

    @Test
    void anInputNoLayerReadsStillCompilesCleanAndAnInputCanBeAnOutput(@TempDir Path dir) throws Exception {
        HostC.requireGcc();
        Random r = new Random(5);
        QuantType t = act(r, 8);
        QuantType ty = act(r, 8);
        QGraph g = new QGraph("m", List.of(new QInput("used", Shape.of(3), t), new QInput("spare", Shape.of(2), t)),
                List.of(new QFullyConnected("fc", "used", Shape.of(4), ty, 3, 4, ints(r, Shape.of(3, 4), 8, 127),
                        ints(r, Shape.of(4), 32, 3000), List.of(rescale(r, 1.0 / 4096)), 0, ty.qmin(), ty.qmax())),
                List.of("fc", "used"));
        FixedPointSimulator sim = new FixedPointSimulator(g);
        List<int[]> xs = new ArrayList<>();
        List<int[]> want = new ArrayList<>();
        for (int s = 0; s < 4; s++) {
            int[] used = {r.nextInt(256) - 128, r.nextInt(256) - 128, r.nextInt(256) - 128};
            int[] spare = {r.nextInt(256) - 128, r.nextInt(256) - 128};
            xs.add(new int[] {used[0], used[1], used[2], spare[0], spare[1]});
            int[] fc = sim.run(Map.of("used", used, "spare", spare), IntObserver.NONE).get("fc");
            want.add(new int[] {fc[0], fc[1], fc[2], fc[3], used[0], used[1], used[2]});
        }
        // -Wall -Wextra -Werror: the unused parameter is marked used, not an error
        List<int[]> got = HostC.run(dir, g, new GenOptions("m", List.of()), xs);
        for (int i = 0; i < xs.size(); i++) {
            assertThat(got.get(i)).as("sample %d", i).containsExactly(want.get(i));
        }
    }

    @Test
    void hostileInputAndOutputNamesReachTheCOnlySanitized(@TempDir Path dir) throws Exception {
        HostC.requireGcc();
        QuantType t = new QuantType(8, -128, 127, 0.05, 3);
        String a = "a*/\n#define EVIL 1\n/*";
        String b = "b\u202e??/";
        String y = "y\\\nint evil;";
        QGraph g = new QGraph("m", List.of(new QInput(a, Shape.of(2), t), new QInput(b, Shape.of(3), t)),
                List.of(new QConcat(y, List.of(a, b), List.of(Shape.of(2), Shape.of(3)), Shape.of(5), t, 0, List.of(3, 3),
                        List.of(Rescale.IDENTITY, Rescale.IDENTITY))), List.of(y, a));
        CGenerator.Output o = new CGenerator().build(g, new GenOptions("m", List.of()));
        String h = new String(o.files().get("m.h"), StandardCharsets.UTF_8);
        // the names stay inside one comment line: no line of their own, no trigraph, no bidi character
        assertThat(h).doesNotContain("\n#define EVIL", "\u202e", "??/", "\nint evil;").contains("in_a____define_EVIL_1___");
        List<int[]> got = HostC.run(dir, g, new GenOptions("m", List.of()), List.of(new int[] {1, 2, 3, 4, 5}));
        assertThat(got.get(0)).containsExactly(1, 2, 3, 4, 5, 1, 2);
    }

    @Test
    void namesThatMeetAfterSanitizingStayApart() {
        QuantType t = new QuantType(8, -128, 127, 0.05, 3);
        Rescale one = Rescale.IDENTITY;
        QGraph g = new QGraph("m", List.of(new QInput("a b", Shape.of(2), t), new QInput("A_b", Shape.of(3), t)),
                List.of(new QConcat("cat", List.of("a b", "A_b"), List.of(Shape.of(2), Shape.of(3)), Shape.of(5), t, 0,
                        List.of(3, 3), List.of(one, one))), List.of("cat"));
        View.Model m = CGenerator.lower(g, new GenOptions("m", List.of()));
        assertThat(m.inputs()).extracting(View.Port::param).containsExactly("in_a_b", "in_A_b_1");
        assertThat(m.inputs()).extracting(View.Port::macro).containsExactly("INPUT_A_B", "INPUT_A_B_1");
        // an id the parameters would start with: they move out of its way
        View.Model clash = CGenerator.lower(g, new GenOptions("in", List.of()));
        assertThat(clash.inputs()).extracting(View.Port::param).allMatch(p -> !p.startsWith("in_"));
    }

    static QGraph graph(Random r, int bits) {
        int t = 3 + r.nextInt(6);
        int ca = 1 + r.nextInt(5);
        int cb = 2 + r.nextInt(6);
        int cs = 1 + r.nextInt(4);
        int units = 3 + r.nextInt(9);
        int classes = 2 + r.nextInt(5);
        double accScale = bits == 8 ? 1.0 / 4096 : 1.0 / (4096.0 * 256);
        QuantType ta = act(r, bits);
        QuantType tb = act(r, bits);
        QuantType ts = act(r, bits);
        QuantType tc = act(r, bits);
        List<QNode> nodes = new ArrayList<>();
        nodes.add(new QConcat("joined", List.of("seq_a", "seq_b"), List.of(Shape.of(t, ca), Shape.of(t, cb)),
                Shape.of(t, ca + cb), tc, 1, List.of(ta.zeroPoint(), tb.zeroPoint()),
                List.of(Rescale.forReal(ta.scale() / tc.scale(), false), Rescale.forReal(tb.scale() / tc.scale(), false))));
        nodes.add(new QGlobalPool("gap", "joined", Shape.of(t, ca + cb), Shape.of(ca + cb), tc, PoolKind.AVG,
                tc.zeroPoint(), Optional.empty()));
        QuantType tj = act(r, bits);
        nodes.add(new QConcat("with_side", List.of("gap", "side"), List.of(Shape.of(ca + cb), Shape.of(cs)),
                Shape.of(ca + cb + cs), tj, 0, List.of(tc.zeroPoint(), ts.zeroPoint()),
                List.of(Rescale.forReal(tc.scale() / tj.scale(), true), Rescale.forReal(ts.scale() / tj.scale(), false))));
        int f = ca + cb + cs;
        QuantType tv = act(r, bits);
        nodes.add(new QFullyConnected("value", "with_side", Shape.of(units), tv, f, units, ints(r, Shape.of(f, units), 8, 127),
                ints(r, Shape.of(units), 32, 3000), List.of(rescale(r, accScale)), 0, tv.qmin(), tv.qmax()));
        QuantType logits = new QuantType(32, Integer.MIN_VALUE, Integer.MAX_VALUE, tj.scale() * 0.01, 0);
        nodes.add(new QFullyConnected("logits", "with_side", Shape.of(classes), logits, f, classes,
                ints(r, Shape.of(f, classes), 8, 127), ints(r, Shape.of(classes), 32, 3000), List.of(Rescale.IDENTITY),
                0, Integer.MIN_VALUE, Integer.MAX_VALUE));
        QuantType sm = bits == 8 ? new QuantType(8, -128, 127, 1.0 / 256, -128) : QuantType.powerOfTwo(16, 15);
        Rescale beta = Rescale.forReal(logits.scale() * Math.scalb(1.0, 26), false);
        nodes.add(new QSoftmax("probs", "logits", Shape.of(classes), sm, beta, QSoftmax.diffMinFor(beta), bits == 8 ? 8 : 15));
        return new QGraph("multi", List.of(new QInput("seq_a", Shape.of(t, ca), ta), new QInput("seq_b", Shape.of(t, cb), tb),
                new QInput("side", Shape.of(cs), ts)), nodes, List.of("probs", "value", "joined", "side"));
    }
}
