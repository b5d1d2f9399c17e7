package dev.mcugen.gen;

import dev.mcugen.ir.Padding;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.SpatialOps;
import dev.mcugen.ir.quant.IntObserver;
import dev.mcugen.ir.quant.QGraph;
import dev.mcugen.ir.quant.QInput;
import dev.mcugen.ir.quant.QNode;
import dev.mcugen.ir.quant.QPad;
import dev.mcugen.ir.quant.QRequant;
import dev.mcugen.ir.quant.QTranspose;
import dev.mcugen.ir.quant.QTransposeConv;
import dev.mcugen.ir.quant.QUpsample;
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
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random integer graphs of the data-movement ops and the transposed convolution (zero padding,
 * cropping, nearest up-sampling, transpose, repeat vector; strides, SAME / VALID geometry, int8,
 * int16 and int8 to int16) through the generated C (host, UBSan) against the simulator, bit for bit.
 */
class RandomShapeGraphTest {
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
    void bitExact(int seed, @TempDir Path dir) throws Exception {
        HostC.requireGcc();
        Random rnd = new Random(seed);
        int bits = seed % 2 == 0 ? 16 : 8;
        QGraph g = graph(rnd, bits, seed % 4 == 3);
        FixedPointSimulator sim = new FixedPointSimulator(g);
        QInput in = g.inputs().get(0);
        List<int[]> xs = new ArrayList<>();
        List<int[]> want = new ArrayList<>();
        for (int s = 0; s < 8; s++) {
            int[] x = new int[in.shape().size()];
            for (int i = 0; i < x.length; i++) {
                x[i] = in.type().qmin() + rnd.nextInt(in.type().qmax() - in.type().qmin() + 1);
            }
            xs.add(x);
            want.add(sim.run(Map.of(in.name(), x), IntObserver.NONE).get(g.outputs().get(0)));
        }
        List<int[]> got = HostC.run(dir, "shp", new CGenerator().generate(g, new GenOptions("shp", List.of())), xs);
        for (int i = 0; i < xs.size(); i++) {
            assertThat(got.get(i)).as("seed %d sample %d", seed, i).containsExactly(want.get(i));
        }
    }

    private static int between(Random r, int lo, int hi) {
        return lo + r.nextInt(hi - lo + 1);
    }

    /** pad -> transpose conv (strided, SAME or VALID) -> crop -> upsample -> transpose -> (1-D branch) repeat. */
    static QGraph graph(Random r, int bits, boolean wideOut) {
        int h = between(r, 2, 6);
        int w = between(r, 2, 7);
        int c = between(r, 1, 5);
        QuantType tx = RandomGraphTest.act(r, bits);
        List<QNode> nodes = new ArrayList<>();
        int[] p = {between(r, 0, 2), between(r, 0, 2), between(r, 0, 3), between(r, 0, 1)};
        Shape s0 = Shape.of(h, w, c);
        Shape s1 = Shape.of(h + p[0] + p[1], w + p[2] + p[3], c);
        nodes.add(new QPad("pad", "x", s0, s1, tx, p[0], p[1], p[2], p[3], tx.zeroPoint()));

        int kh = between(r, 1, 4);
        int kw = between(r, 1, 4);
        int sh = between(r, 1, 3);
        int sw = between(r, 1, 3);
        Padding pad = r.nextBoolean() ? Padding.SAME : Padding.VALID;
        int[] gh = SpatialOps.transposeGeometry(s1.dim(0), kh, sh, pad, r.nextBoolean() ? -1 : r.nextInt(sh));
        int[] gw = SpatialOps.transposeGeometry(s1.dim(1), kw, sw, pad, -1);
        int f = between(r, 1, 6);
        int outBits = wideOut && bits == 8 ? 16 : bits;
        QuantType t2 = RandomGraphTest.act(r, outBits);
        Shape s2 = Shape.of(gh[0], gw[0], f);
        double accScale = bits == 8 ? 1.0 / 2048 : 1.0 / (2048.0 * 256);
        int accShift = bits == 16 && r.nextBoolean() ? between(r, 1, 4) : 0;
        List<Rescale> rs = new ArrayList<>();
        boolean perChannel = r.nextBoolean();
        for (int o = 0; o < (perChannel ? f : 1); o++) {
            rs.add(RandomGraphTest.rescale(r, accScale * (0.5 + r.nextDouble()) * (1 << accShift)));
        }
        int lo = r.nextBoolean() ? t2.zeroPoint() : t2.qmin();
        nodes.add(new QTransposeConv("tconv", "pad", s1, s2, t2, kh, kw, sh, sw, gh[1], gw[1], gh[0], gw[0],
                tx.zeroPoint(), RandomGraphTest.ints(r, Shape.of(kh, kw, f, c), 8, 127),
                RandomGraphTest.ints(r, Shape.of(f), accShift > 0 ? 64 : 32, 20000), rs, accShift, lo, t2.qmax()));
        QuantType t3 = t2;
        String last = "tconv";
        if (outBits != bits) {
            t3 = RandomGraphTest.act(r, bits);
            nodes.add(new QRequant("rq", "tconv", s2, t3, t2.zeroPoint(), 1, Rescale.forReal(t2.scale() / t3.scale(), false),
                    0, t3.qmin(), t3.qmax()));
            last = "rq";
        }
        int[] cr = {Math.min(1, s2.dim(0) - 1), 0, r.nextInt(Math.max(1, s2.dim(1) - 1)), 0};
        Shape s3 = Shape.of(s2.dim(0) - cr[0], s2.dim(1) - cr[2], f);
        nodes.add(new QPad("crop", last, s2, s3, t3, -cr[0], -cr[1], -cr[2], -cr[3], t3.zeroPoint()));
        int fh = between(r, 1, 2);
        int fw = between(r, 1, 3);
        Shape s4 = Shape.of(s3.dim(0) * fh, s3.dim(1) * fw, f);
        nodes.add(new QUpsample("up", "crop", s3, s4, t3, fh, fw));
        List<Integer> perm = List.of(List.of(2, 0, 1), List.of(1, 0, 2), List.of(0, 2, 1), List.of(2, 1, 0)).get(r.nextInt(4));
        Shape s5 = Shape.of(s4.dim(perm.get(0)), s4.dim(perm.get(1)), s4.dim(perm.get(2)));
        nodes.add(new QTranspose("perm", "up", s4, s5, t3, perm));
        Shape s6 = Shape.of(s5.size());
        nodes.add(new dev.mcugen.ir.quant.QReshape("flat", "perm", s6, t3));
        int n = between(r, 1, 3);
        nodes.add(new QUpsample("rep", "flat", s6, Shape.of(n, s6.dim(0)), t3, 1, n));
        Shape s7 = Shape.of(n, s6.dim(0));
        nodes.add(new QPad("pad1d", "rep", s7, Shape.of(n + 3, s6.dim(0)), t3, 0, 0, 1, 2, t3.zeroPoint()));
        return new QGraph("shp", List.of(new QInput("x", s0, tx)), nodes, List.of("pad1d"));
    }
}
