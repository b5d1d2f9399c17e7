package dev.mcugen.gen;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcugen.ir.Shape;
import dev.mcugen.ir.fixed.LookupTable;
import dev.mcugen.ir.quant.IntObserver;
import dev.mcugen.ir.quant.IntTensor;
import dev.mcugen.ir.quant.QGraph;
import dev.mcugen.ir.quant.QInput;
import dev.mcugen.ir.quant.QLut;
import dev.mcugen.ir.quant.QNode;
import dev.mcugen.ir.quant.QPRelu;
import dev.mcugen.ir.quant.QuantType;
import dev.mcugen.ir.quant.Rescale;
import dev.mcugen.ir.sim.FixedPointSimulator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The C kernels of leaky ReLU / PReLU ({@code mcu_prelu_s8/s16}) and of the activation tables
 * ({@code mcu_lut_s8/s16}) against the fixed-point simulator on every input value (all 256 int8 values,
 * 4,096 int16 values spread over the range with every interpolation offset), host gcc with UBSan: edge cases are saturating slopes, negative and zero
 * slopes, the largest gains, input zero points at both ends of the range, outputs that clamp, tables
 * of ELU, swish and hard swish that saturate at both ends.
 */
class PointwiseBitExactTest {
    @TempDir
    Path tmp;

    private static final DoubleUnaryOperator ELU = x -> x > 0 ? x : StrictMath.expm1(x);
    private static final DoubleUnaryOperator SWISH = x -> x / (1 + StrictMath.exp(-x));
    private static final DoubleUnaryOperator HARD_SWISH = x -> x * Math.min(Math.max(x + 3, 0), 6) / 6;

    /** Every int8 value once, as one sample of 256. */
    private static List<int[]> allInt8() {
        int[] x = new int[256];
        for (int i = 0; i < 256; i++) {
            x[i] = i - 128;
        }
        return List.of(x);
    }

    /**
     * int16 inputs as 4 samples of 1024: every 16th value of [-32767, 32767] with offsets 0 … 15 cycling
     * (so every interpolation offset of the int16 tables and every table interval is hit), both ends and
     * zero included. (The host harness pipes text, so the simulator's exhaustive runs stay in Java.)
     */
    private static List<int[]> allInt16() {
        List<int[]> xs = new ArrayList<>();
        int k = 0;
        for (int s = 0; s < 4; s++) {
            int[] x = new int[1024];
            for (int i = 0; i < x.length; i++, k++) {
                x[i] = Math.min(32767, -32767 + 64 * k + (k * 37) % 64);
            }
            xs.add(x);
        }
        xs.get(0)[0] = -32767;
        xs.get(1)[0] = 0;
        xs.get(3)[1023] = 32767;
        return xs;
    }

    private void check(String id, QInput in, QNode node, List<int[]> xs) throws Exception {
        HostC.requireGcc();
        QGraph g = new QGraph(id, List.of(in), List.of(node), List.of(node.name()));
        FixedPointSimulator sim = new FixedPointSimulator(g);
        List<int[]> got = HostC.run(tmp.resolve(id), id, new CGenerator().generate(g, new GenOptions(id, List.of())), xs);
        for (int s = 0; s < xs.size(); s++) {
            int[] want = sim.run(Map.of(in.name(), xs.get(s)), IntObserver.NONE).get(node.name());
            assertThat(got.get(s)).as("%s sample %d", id, s).containsExactly(want);
        }
    }

    private static QuantType int8(double scale, int zp) {
        return new QuantType(8, -128, 127, scale, zp);
    }

    private static QuantType int16(double scale) {
        return new QuantType(16, -32767, 32767, scale, 0);
    }

    @Test
    void preluInt8EverySignOfSlopeAndZeroPointsAtTheRangeEnds() throws Exception {
        Shape s = Shape.of(256);
        IntTensor gains = IntTensor.of(Shape.of(4), 16, new int[] {-32767, 0, 32767, 12345});
        for (int zpx : new int[] {-128, 127, 3}) {
            QInput in = new QInput("x", s, int8(0.05, zpx));
            QuantType out = int8(0.04, zpx == -128 ? 127 : -128);
            // identity side s_x / s_y = 1.25 (a multiplier); alpha side 2^-13: |g| 32767 gives slopes near 4 (saturating)
            QPRelu p = new QPRelu("prelu", "x", s, out, zpx, gains, Rescale.forReal(1.25, false), Rescale.pot(-13));
            check("prelu8_" + (zpx + 128), in, p, allInt8());
        }
        QInput in = new QInput("x", s, int8(0.05, 0));
        QPRelu leaky = new QPRelu("leaky", "x", s, int8(0.05, 0), 0, IntTensor.of(Shape.of(1), 16, new int[] {-20000}),
                Rescale.pot(0), Rescale.pot(-15));
        check("leaky8", in, leaky, allInt8());
    }

    @Test
    void preluInt16WithPerElementSlopes() throws Exception {
        Shape s = Shape.of(1024);
        int[] g = new int[64];
        for (int i = 0; i < g.length; i++) {
            g[i] = (i * 2011) % 65535 - 32767;
        }
        QInput in = new QInput("x", s, int16(1e-3));
        QPRelu p = new QPRelu("prelu", "x", s, int16(9e-4), 0, IntTensor.of(Shape.of(64), 16, g),
                Rescale.forReal(1e-3 / 9e-4, false), Rescale.pot(-15));
        check("prelu16", in, p, allInt16());
        QPRelu pot = new QPRelu("leaky", "x", s, int16(2e-3), 0, IntTensor.of(Shape.of(1), 16, new int[] {16384}),
                Rescale.pot(-1), Rescale.pot(-16));
        check("leaky16", in, pot, allInt16());
    }

    @Test
    void tablesInt8() throws Exception {
        Shape s = Shape.of(256);
        int k = 0;
        for (int zpx : new int[] {-128, 127, 10}) {
            QuantType tin = int8(0.06, zpx);
            QuantType tout = int8(0.03, -100);
            for (var f : List.of(ELU, SWISH, HARD_SWISH)) {
                int[] t = LookupTable.int8(f, tin.scale(), zpx, tout.scale(), tout.zeroPoint(), -128, 127);
                QLut lut = new QLut("act", "x", s, tout, "f", IntTensor.of(Shape.of(256), 8, t));
                check("lut8_" + k++, new QInput("x", s, tin), lut, allInt8());
            }
        }
    }

    @Test
    void tablesInt16SaturateAtBothEnds() throws Exception {
        Shape s = Shape.of(1024);
        QuantType tin = int16(6e-4); // [-19.7, 19.7]
        QuantType tout = int16(4e-4); // [-13.1, 13.1]: swish and hard swish clamp at the top
        int k = 0;
        for (var f : List.of(ELU, SWISH, HARD_SWISH)) {
            int[] t = LookupTable.int16(f, tin.scale(), 0, tout.scale(), 0, -32767, 32767);
            QLut lut = new QLut("act", "x", s, tout, "f", IntTensor.of(Shape.of(513), 16, t));
            check("lut16_" + k++, new QInput("x", s, tin), lut, allInt16());
        }
    }
}
