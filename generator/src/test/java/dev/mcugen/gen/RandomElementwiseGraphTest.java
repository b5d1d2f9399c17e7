package dev.mcugen.gen;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcugen.ir.PoolKind;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.quant.IntObserver;
import dev.mcugen.ir.quant.IntTensor;
import dev.mcugen.ir.quant.QElementwise;
import dev.mcugen.ir.quant.QGlobalPool;
import dev.mcugen.ir.quant.QGraph;
import dev.mcugen.ir.quant.QInput;
import dev.mcugen.ir.quant.QNode;
import dev.mcugen.ir.quant.QRequant;
import dev.mcugen.ir.quant.QuantType;
import dev.mcugen.ir.quant.Rescale;
import dev.mcugen.ir.sim.FixedPointSimulator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random graphs of element-wise integer ops (every kind, two to four operands, per-channel vectors from a
 * global pooling, constants at random positions, odd sizes, int8 and int16), each op's parameters derived
 * from its operand types as the recipes derive them, through the generated C against the simulator.
 */
class RandomElementwiseGraphTest {
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6})
    void bitExact(int seed, @TempDir Path dir) throws Exception {
        HostC.requireGcc();
        Random r = new Random(7000 + seed);
        int bits = seed % 2 == 0 ? 16 : 8;
        QGraph g = graph(r, bits);
        FixedPointSimulator sim = new FixedPointSimulator(g);
        QInput in = g.inputs().get(0);
        List<int[]> xs = new ArrayList<>();
        List<int[]> want = new ArrayList<>();
        for (int s = 0; s < 16; s++) {
            int[] x = new int[in.shape().size()];
            for (int i = 0; i < x.length; i++) {
                x[i] = s == 0 ? in.type().qmin() : s == 1 ? in.type().qmax()
                        : in.type().qmin() + r.nextInt(in.type().qmax() - in.type().qmin() + 1);
            }
            xs.add(x);
            want.add(sim.run(Map.of(in.name(), x), IntObserver.NONE).get(g.outputs().get(0)));
        }
        assertThat(g.nodes().stream().filter(n -> n instanceof QElementwise).count()).isGreaterThanOrEqualTo(5);
        List<int[]> got = HostC.run(dir, "relt", new CGenerator().generate(g, new GenOptions("relt", List.of())), xs);
        for (int i = 0; i < xs.size(); i++) {
            assertThat(got.get(i)).as("seed %d sample %d", seed, i).containsExactly(want.get(i));
        }
    }

    static QGraph graph(Random r, int bits) {
        int t = 2 + r.nextInt(9);
        int c = 1 + r.nextInt(9);
        Shape full = Shape.of(t, c);
        QuantType tx = RandomGraphTest.act(r, bits);
        List<QNode> nodes = new ArrayList<>();
        Map<String, QuantType> types = new HashMap<>();
        types.put("x", tx);
        QuantType t1 = RandomGraphTest.act(r, bits);
        nodes.add(new QRequant("rq", "x", full, t1, tx.zeroPoint(), 1, RandomGraphTest.rescale(r, tx.scale() / t1.scale()),
                0, t1.qmin(), t1.qmax()));
        types.put("rq", t1);
        nodes.add(new QGlobalPool("vec", "rq", full, Shape.of(c), t1, PoolKind.MAX, t1.zeroPoint(), Optional.empty()));
        types.put("vec", t1);
        List<String> fulls = new ArrayList<>(List.of("x", "rq"));
        QElementwise.Kind[] kinds = QElementwise.Kind.values();
        String last = "rq";
        for (int k = 0; k < 6; k++) {
            QElementwise.Kind kind = kinds[k % kinds.length];
            boolean sub = kind == QElementwise.Kind.SUM && r.nextBoolean();
            int n = sub ? 2 : 2 + r.nextInt(kind == QElementwise.Kind.MUL ? 2 : 3);
            List<String> ins = new ArrayList<>();
            List<Boolean> cw = new ArrayList<>();
            List<QuantType> ts = new ArrayList<>();
            int constantAt = r.nextInt(3) == 0 ? r.nextInt(n) : -1;
            Optional<IntTensor> constant = Optional.empty();
            for (int j = 0; j < n; j++) {
                if (j == constantAt) {
                    QuantType tc = new QuantType(bits, -QuantType.fullMax(bits), QuantType.fullMax(bits),
                            tx.scale() * (0.5 + r.nextDouble()), 0);
                    constant = Optional.of(RandomGraphTest.ints(r, Shape.of(c), bits, QuantType.fullMax(bits)));
                    cw.add(true);
                    ts.add(tc);
                } else if (j > 0 && r.nextInt(4) == 0) {
                    ins.add("vec");
                    cw.add(true);
                    ts.add(types.get("vec"));
                } else {
                    String src = j == 0 ? last : fulls.get(r.nextInt(fulls.size()));
                    ins.add(src);
                    cw.add(false);
                    ts.add(types.get(src));
                }
            }
            if (cw.stream().allMatch(b -> b)) {
                continue;
            }
            QuantType ty = RandomGraphTest.act(r, bits);
            String name = "e" + k;
            nodes.add(node(r, name, kind, sub, ins, full, ty, constant, constantAt, cw, ts));
            types.put(name, ty);
            fulls.add(name);
            last = name;
        }
        return new QGraph("relt", List.of(new QInput("x", full, tx)), nodes, List.of(last));
    }

    /** The record the recipe would make for these operand types (ElementwiseRecipe's formulas). */
    private static QElementwise node(Random r, String name, QElementwise.Kind kind, boolean sub, List<String> ins,
                                     Shape out, QuantType ty, Optional<IntTensor> constant, int constantAt,
                                     List<Boolean> cw, List<QuantType> ts) {
        int n = ts.size();
        List<Integer> zps = ts.stream().map(QuantType::zeroPoint).toList();
        List<Boolean> neg = new ArrayList<>();
        List<Rescale> rs = new ArrayList<>();
        List<Rescale> steps = new ArrayList<>();
        int leftShift = 0;
        Rescale outR = Rescale.IDENTITY;
        for (int j = 0; j < n; j++) {
            neg.add(sub && j == 1);
        }
        if (kind == QElementwise.Kind.SUM) {
            double max = ts.stream().mapToDouble(QuantType::scale).max().orElseThrow();
            long maxDiff = ts.stream().mapToLong(t -> Math.max((long) t.qmax() - t.zeroPoint(), (long) t.zeroPoint() - t.qmin()))
                    .max().orElseThrow();
            int b = 64 - Long.numberOfLeadingZeros(maxDiff);
            leftShift = Math.min(20, 31 - b - (32 - Integer.numberOfLeadingZeros(n - 1)));
            for (QuantType t : ts) {
                rs.add(RandomGraphTest.rescale(r, t.scale() / (2 * max)));
            }
            outR = RandomGraphTest.rescale(r, 2 * max / (Math.scalb(1.0, leftShift) * ty.scale()) / (r.nextBoolean() ? n : 1));
        } else if (kind == QElementwise.Kind.MUL) {
            double scale = ts.get(0).scale() * ts.get(1).scale();
            long bound = maxAbs(ts.get(0)) * maxAbs(ts.get(1));
            for (int j = 2; j < n; j++) {
                long m = maxAbs(ts.get(j));
                Rescale s = RandomGraphTest.rescale(r, Math.scalb(1.0, 30 - (64 - Long.numberOfLeadingZeros(m))) / bound);
                steps.add(s);
                bound = ((long) Math.ceil(bound * s.real()) + 1) * m;
                scale = scale / s.real() * ts.get(j).scale();
            }
            for (int j = 0; j < n; j++) {
                rs.add(Rescale.IDENTITY);
            }
            // a product's range is wider than its factors': bring it to about the output's range
            outR = RandomGraphTest.rescale(r, scale / ty.scale() / (bound * scale / (ty.scale() * ty.qmax())));
        } else {
            for (QuantType t : ts) {
                rs.add(RandomGraphTest.rescale(r, t.scale() / ty.scale()));
            }
        }
        return new QElementwise(name, ins, out, ty, kind, constant, constantAt, cw, zps, rs, neg, leftShift, steps, outR);
    }

    private static long maxAbs(QuantType t) {
        return Math.max((long) t.qmax() - t.zeroPoint(), (long) t.zeroPoint() - t.qmin());
    }
}
