package dev.mcugen.gen;

import dev.mcugen.ir.Activation;
import dev.mcugen.ir.Padding;
import dev.mcugen.ir.PoolKind;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.quant.IntObserver;
import dev.mcugen.ir.quant.IntTensor;
import dev.mcugen.ir.quant.QAdd;
import dev.mcugen.ir.quant.QConv;
import dev.mcugen.ir.quant.QDepthwiseConv;
import dev.mcugen.ir.quant.QFullyConnected;
import dev.mcugen.ir.quant.QGlobalPool;
import dev.mcugen.ir.quant.QGraph;
import dev.mcugen.ir.quant.QInput;
import dev.mcugen.ir.quant.QLogistic;
import dev.mcugen.ir.quant.QNode;
import dev.mcugen.ir.quant.QPool;
import dev.mcugen.ir.quant.QRequant;
import dev.mcugen.ir.quant.QReshape;
import dev.mcugen.ir.quant.QSoftmax;
import dev.mcugen.ir.quant.QuantType;
import dev.mcugen.ir.quant.Rescale;
import dev.mcugen.ir.sim.FixedPointSimulator;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/** Random feed-forward integer graphs (odd sizes, a branch, int8 and int16) through C vs the simulator. */
class RandomGraphTest {
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6})
    void bitExact(int seed, @TempDir Path dir) throws Exception {
        HostC.requireGcc();
        Random rnd = new Random(seed);
        int bits = seed % 2 == 0 ? 16 : 8;
        QGraph g = graph(rnd, bits);
        FixedPointSimulator sim = new FixedPointSimulator(g);
        QInput in = g.inputs().get(0);
        List<int[]> xs = new ArrayList<>();
        List<int[]> want = new ArrayList<>();
        for (int s = 0; s < 20; s++) {
            int[] x = new int[in.shape().size()];
            for (int i = 0; i < x.length; i++) {
                x[i] = in.type().qmin() + rnd.nextInt(in.type().qmax() - in.type().qmin() + 1);
            }
            xs.add(x);
            want.add(sim.run(Map.of(in.name(), x), IntObserver.NONE).get(g.outputs().get(0)));
        }
        List<int[]> got = HostC.run(dir, "rnd", new CGenerator().generate(g, new GenOptions("rnd", List.of())), xs);
        for (int i = 0; i < xs.size(); i++) {
            assertThat(got.get(i)).as("seed %d sample %d", seed, i).containsExactly(want.get(i));
        }
    }

    static QuantType act(Random r, int bits) {
        double scale = 0.01 + r.nextDouble() * 0.05;
        return bits == 8 ? new QuantType(8, -128, 127, scale, -20 + r.nextInt(40))
                : new QuantType(16, -32768, 32767, scale / 256, 0);
    }

    static Rescale rescale(Random r, double real) {
        return r.nextBoolean() ? Rescale.forReal(real, true) : Rescale.forReal(real, false);
    }

    static IntTensor ints(Random r, Shape s, int bits, int bound) {
        int[] v = new int[s.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextInt(2 * bound + 1) - bound;
        }
        return IntTensor.of(s, bits, v);
    }

    static QGraph graph(Random r, int bits) {
        return graph(r, bits, UnaryOperator.identity());
    }

    /** The graph with every name (model, input, layers) replaced by {@code nm}: for the name sanitizer tests. */
    static QGraph graph(Random r, int bits, UnaryOperator<String> nm) {
        int t = 9 + r.nextInt(12);
        int c = 1 + r.nextInt(7);
        int f = 3 + r.nextInt(11);
        int k = 1 + r.nextInt(4);
        int units = 5 + r.nextInt(20);
        int classes = 2 + r.nextInt(9);
        double accScale = bits == 8 ? 1.0 / 4096 : 1.0 / (4096.0 * 256);
        QuantType tx = act(r, bits);
        List<QNode> nodes = new ArrayList<>();
        QuantType t1 = act(r, bits);
        Padding pad = r.nextBoolean() ? Padding.SAME : Padding.VALID;
        int ot = pad == Padding.SAME ? t : t - k + 1;
        nodes.add(new QConv(nm.apply("conv"), nm.apply("x"), Shape.of(t, c), Shape.of(ot, f), t1, 1, k, 1, 1, 1, 1, pad, tx.zeroPoint(),
                ints(r, Shape.of(1, k, c, f), 8, 127), ints(r, Shape.of(f), 32, 5000),
                List.of(rescale(r, accScale)), 0, t1.zeroPoint(), t1.qmax()));
        // A depthwise convolution over time, SAME so its output keeps [ot, f] (multiplier 1).
        QuantType td = act(r, bits);
        int kd = 1 + r.nextInt(3);
        nodes.add(new QDepthwiseConv(nm.apply("dw"), nm.apply("conv"), Shape.of(ot, f), Shape.of(ot, f), td, 1, 1, kd, 1, 1,
                1, 1 + r.nextInt(2), Padding.SAME, t1.zeroPoint(), ints(r, Shape.of(1, kd, f, 1), 8, 127),
                ints(r, Shape.of(f), 32, 5000), List.of(rescale(r, accScale * 8)), 0, td.qmin(), td.qmax()));
        QuantType t2 = act(r, bits);
        nodes.add(new QRequant(nm.apply("rq"), nm.apply("dw"), Shape.of(ot, f), t2, td.zeroPoint(), 1 + r.nextInt(3),
                rescale(r, 0.3 + r.nextDouble()), 0, t2.qmin(), t2.qmax()));
        QuantType t3 = act(r, bits);
        int ls = bits == 8 ? 20 : 15;
        nodes.add(new QAdd(nm.apply("add"), List.of(nm.apply("conv"), nm.apply("rq")), Shape.of(ot, f), t3, List.of(t1.zeroPoint(), t2.zeroPoint()), ls,
                List.of(rescale(r, 0.4), rescale(r, 0.3)), rescale(r, 2.0 / (1 << ls))));
        int pw = 2;
        int pt = (ot - pw) / 2 + 1;
        nodes.add(new QPool(nm.apply("pool"), nm.apply("add"), Shape.of(ot, f), Shape.of(pt, f), t3, PoolKind.MAX, 1, pw, 1, 2, Padding.VALID));
        nodes.add(new QGlobalPool(nm.apply("gap"), nm.apply("pool"), Shape.of(pt, f), Shape.of(f), t3, PoolKind.AVG, t3.zeroPoint(), Optional.empty()));
        nodes.add(new QReshape(nm.apply("drop"), nm.apply("gap"), Shape.of(f), t3));
        QuantType t4 = act(r, bits);
        nodes.add(new QFullyConnected(nm.apply("fc1"), nm.apply("drop"), Shape.of(units), t4, f, units, ints(r, Shape.of(f, units), 8, 127),
                ints(r, Shape.of(units), 32, 3000), List.of(rescale(r, accScale)), 0, t4.qmin(), t4.qmax()));
        QuantType t5 = bits == 8 ? new QuantType(8, -128, 127, 1.0 / 256, -128) : QuantType.powerOfTwo(16, 15);
        nodes.add(new QLogistic(nm.apply("sig"), nm.apply("fc1"), Shape.of(units), t5, r.nextBoolean() ? Activation.SIGMOID : Activation.TANH,
                r.nextBoolean() ? QLogistic.Impl.LUT : QLogistic.Impl.POLY, t4.zeroPoint(),
                rescale(r, t4.scale() * 4096), rescale(r, Math.scalb(1.0, -15) / t5.scale())));
        QuantType logits = new QuantType(32, Integer.MIN_VALUE, Integer.MAX_VALUE, t5.scale() * 0.01, 0);
        nodes.add(new QFullyConnected(nm.apply("fc2"), nm.apply("sig"), Shape.of(classes), logits, units, classes,
                ints(r, Shape.of(units, classes), 8, 127), ints(r, Shape.of(classes), 32, 3000), List.of(Rescale.IDENTITY),
                0, Integer.MIN_VALUE, Integer.MAX_VALUE));
        QuantType sm = bits == 8 ? new QuantType(8, -128, 127, 1.0 / 256, -128) : QuantType.powerOfTwo(16, 15);
        Rescale beta = Rescale.forReal(logits.scale() * Math.scalb(1.0, 26), false);
        nodes.add(new QSoftmax(nm.apply("softmax"), nm.apply("fc2"), Shape.of(classes), sm, beta, QSoftmax.diffMinFor(beta), bits == 8 ? 8 : 15));
        return new QGraph(nm.apply("rnd"), List.of(new QInput(nm.apply("x"), Shape.of(t, c), tx)), nodes, List.of(nm.apply("softmax")));
    }
}
