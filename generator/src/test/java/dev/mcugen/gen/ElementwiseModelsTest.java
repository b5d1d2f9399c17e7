package dev.mcugen.gen;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcugen.ir.Activation;
import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.GraphBuilder;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.PoolKind;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.calib.CalibrationResult;
import dev.mcugen.ir.calib.Calibrator;
import dev.mcugen.ir.quant.IntObserver;
import dev.mcugen.ir.quant.QElementwise;
import dev.mcugen.ir.quant.QInput;
import dev.mcugen.ir.quant.QuantType;
import dev.mcugen.ir.sim.FixedPointSimulator;
import dev.mcugen.scale.QuantOptions;
import dev.mcugen.scale.QuantizedModel;
import dev.mcugen.scale.Quantizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The element-wise ops through the whole integer stack: a float graph whose two Dense branches (and a
 * per-channel vector, their global average) meet in the op under test — same-shape operands, a
 * broadcast vector, a constant at either position, two and three operands — is calibrated, quantized
 * at int8 and int16, simulated, and compiled to C, which runs under AddressSanitizer and UBSan on the
 * calibration samples and on extreme inputs: the C equals the simulator bit for bit, and the simulator
 * stays within a few output steps of the float interpreter.
 */
class ElementwiseModelsTest {
    private static final int T = 7;
    private static final int C = 5;
    private static final int U = 6;

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
            "subtract, INT8", "subtract, INT16",
            "multiply3, INT8", "multiply3, INT16",
            "average3, INT8", "average3, INT16",
            "maximum, INT8", "maximum, INT16",
            "minimum_vector, INT8", "minimum_vector, INT16",
            "add_vector, INT8", "add_vector, INT16",
            "mul_constant, INT8", "mul_constant, INT16",
            "sub_constant_first, INT8", "sub_constant_first, INT16",
            "max_constant, INT8", "average2, INT16",
    })
    void simulatorMatchesFloatAndCMatchesSimulator(String variant, QuantOptions.Precision precision, @TempDir Path dir)
            throws Exception {
        HostC.requireGcc();
        Random r = new Random(variant.hashCode());
        Graph g = graph(variant, r);
        int n = 24;
        float[] data = new float[n * T * C];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) (r.nextGaussian() * 1.5);
        }
        FloatTensor batch = FloatTensor.of(Shape.of(n, T, C), data);
        CalibrationResult ranges = new Calibrator(g).calibrate(batch);
        QuantizedModel qm = Quantizer.quantize(g, ranges, new QuantOptions(precision, QuantOptions.Rescale.AUTO,
                QuantOptions.ActivationImpl.LUT, false, QuantOptions.Target.HOST));
        assertThat(qm.graph().nodes()).anyMatch(q -> q instanceof QElementwise);

        QInput in = qm.graph().inputs().get(0);
        String out = qm.graph().outputs().get(0);
        QElementwise e = (QElementwise) qm.graph().nodes().stream().filter(q -> q.name().equals(out)).findFirst()
                .orElseThrow();
        FixedPointSimulator sim = new FixedPointSimulator(qm.graph());
        List<int[]> xs = new ArrayList<>();
        double worst = 0;
        for (int s = 0; s < n; s++) {
            float[] x = new float[T * C];
            System.arraycopy(data, s * T * C, x, 0, x.length);
            int[] q = new int[x.length];
            for (int i = 0; i < x.length; i++) {
                q[i] = (int) Math.max(in.type().qmin(), Math.min(in.type().qmax(),
                        Math.round(x[i] / in.type().scale()) + in.type().zeroPoint()));
            }
            xs.add(q);
            Map<String, int[]> all = new java.util.HashMap<>();
            all.put(in.name(), q);
            sim.run(Map.of(in.name(), q), (tensor, step, values) -> all.put(tensor, values.clone()));
            worst = Math.max(worst, worstSteps(qm, e, all, g.node(out).orElseThrow().op() instanceof Op.Average));
        }
        // The op alone: its integer result against the real op on the real values its integer operands
        // stand for is one rounding to the output step (the fine-scale terms add far less), or a clamp at
        // the output range's edge. A product of more than two operands also rounds each partial product,
        // held below 2^(30 - bits of the next operand): 2^14 for int16, whose output has 2^15 steps, so each
        // such rounding can add half an output step (for int8, 2^22 against 2^7 steps: nothing visible).
        int extra = e.kind() == QElementwise.Kind.MUL && precision == QuantOptions.Precision.INT16
                ? e.operandCount() - 2 : 0;
        assertThat(worst).as("%s %s: worst |integer op - real op| in output steps", variant, precision)
                .isLessThanOrEqualTo(1.0 + 0.5 * extra);

        int[] lo = new int[T * C];
        int[] hi = new int[T * C];
        java.util.Arrays.fill(lo, in.type().qmin());
        java.util.Arrays.fill(hi, in.type().qmax());
        xs.add(lo);
        xs.add(hi);
        List<int[]> want = new ArrayList<>();
        for (int[] x : xs) {
            want.add(sim.run(Map.of(in.name(), x), IntObserver.NONE).get(out));
        }
        SortedMap<String, byte[]> files = new CGenerator().generate(qm, new GenOptions("m", List.of("options: test")));
        List<int[]> got = HostC.run(dir, "m", files, xs, HostC.ASAN_FLAGS);
        for (int i = 0; i < xs.size(); i++) {
            assertThat(got.get(i)).as("%s %s input %d", variant, precision, i).containsExactly(want.get(i));
        }
    }

    /** 1/3 is no power of two: under --rescale pot an Average of three operands is refused, naming the layer. */
    @org.junit.jupiter.api.Test
    void averageOfThreeUnderPowerOfTwoRescalesIsRefused() {
        Random r = new Random(3);
        Graph g = graph("average3", r);
        float[] data = new float[4 * T * C];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) r.nextGaussian();
        }
        CalibrationResult ranges = new Calibrator(g).calibrate(FloatTensor.of(Shape.of(4, T, C), data));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Quantizer.quantize(g, ranges, new QuantOptions(
                QuantOptions.Precision.INT8, QuantOptions.Rescale.POT, QuantOptions.ActivationImpl.LUT, false,
                QuantOptions.Target.HOST))).isInstanceOfSatisfying(dev.mcugen.ir.McugenException.class, e -> {
                    assertThat(e.diag()).isEqualTo(dev.mcugen.ir.Diag.MCG_QUANT_UNSUPPORTED);
                    assertThat(e.getMessage()).contains("layer 'y'", "averages 3 operands", "--rescale multiplier");
                });
        // two operands: 1/2 is a shift
        Graph g2 = graph("average2", r);
        assertThat(Quantizer.quantize(g2, new Calibrator(g2).calibrate(FloatTensor.of(Shape.of(4, T, C), data)),
                new QuantOptions(QuantOptions.Precision.INT8, QuantOptions.Rescale.POT, QuantOptions.ActivationImpl.LUT,
                        false, QuantOptions.Target.HOST)).graph().nodes()).anyMatch(q -> q instanceof QElementwise);
    }

    /** Worst distance, in output steps, of the simulator's {@code e} from the real op on its dequantized operands. */
    private static double worstSteps(QuantizedModel qm, QElementwise e, Map<String, int[]> all, boolean average) {
        int n = e.operandCount();
        List<double[]> ops = new ArrayList<>();
        int k = 0;
        for (int j = 0; j < n; j++) {
            int[] v;
            double scale;
            if (j == e.constantOperand()) {
                v = e.constant().orElseThrow().toIntArray();
                scale = qm.solution().type(e.name() + "/constant").scale();
            } else {
                String t = e.inputs().get(k++);
                v = all.get(t);
                scale = qm.solution().type(t).scale();
            }
            double[] r = new double[v.length];
            for (int i = 0; i < v.length; i++) {
                r[i] = scale * (v[i] - e.zeroPoints().get(j));
            }
            ops.add(r);
        }
        int[] y = all.get(e.name());
        QuantType ty = e.outputType();
        int ch = e.outputShape().last();
        double worst = 0;
        for (int i = 0; i < y.length; i++) {
            double acc = 0;
            for (int j = 0; j < n; j++) {
                double[] r = ops.get(j);
                double v = r.length == y.length ? r[i] : r[i % ch];
                acc = j == 0 ? v : switch (e.kind()) {
                    case SUM -> e.negate().get(j) ? acc - v : acc + v;
                    case MUL -> acc * v;
                    case MAX -> Math.max(acc, v);
                    case MIN -> Math.min(acc, v);
                };
            }
            if (average) {
                acc /= n;
            }
            double want = Math.max(ty.qmin(), Math.min(ty.qmax(), acc / ty.scale() + ty.zeroPoint()));
            worst = Math.max(worst, Math.abs(y[i] - want));
        }
        return worst;
    }

    /** x [T, C] -> a, b = Dense(U) (a with ReLU); v = global average of b [U]; then the op under test. */
    static Graph graph(String variant, Random r) {
        GraphBuilder b = new GraphBuilder("elt_" + variant).input("x", Shape.of(T, C));
        b.add("a", new Op.Dense(U, Activation.RELU, true), List.of("x"), dense(r));
        b.add("b", new Op.Dense(U, Activation.LINEAR, true), List.of("x"), dense(r));
        b.add("v", new Op.GlobalPool(PoolKind.AVG, 1), List.of("b"), Map.of());
        Map<String, FloatTensor> constant = Map.of("constant", random(r, Shape.of(U), 1.0f));
        switch (variant) {
            case "subtract" -> b.add("y", new Op.Subtract(), List.of("a", "b"), Map.of());
            case "multiply3" -> b.add("y", new Op.Multiply(), List.of("a", "b", "v"), Map.of());
            case "average3" -> b.add("y", new Op.Average(), List.of("a", "v", "b"), Map.of());
            case "average2" -> b.add("y", new Op.Average(), List.of("a", "b"), Map.of());
            case "maximum" -> b.add("y", new Op.Maximum(), List.of("a", "b"), Map.of());
            case "minimum_vector" -> b.add("y", new Op.Minimum(), List.of("v", "b"), Map.of());
            case "add_vector" -> b.add("y", new Op.Add(), List.of("a", "v"), Map.of());
            case "mul_constant" -> b.add("y", new Op.Multiply(1), List.of("b"), constant);
            case "sub_constant_first" -> b.add("y", new Op.Subtract(0), List.of("a"), constant);
            case "max_constant" -> b.add("y", new Op.Maximum(1), List.of("b"), constant);
            default -> throw new IllegalArgumentException(variant);
        }
        return b.output("y").build();
    }

    private static Map<String, FloatTensor> dense(Random r) {
        return Map.of("kernel", random(r, Shape.of(C, U), 0.6f), "bias", random(r, Shape.of(U), 0.3f));
    }

    private static FloatTensor random(Random r, Shape s, float scale) {
        float[] v = new float[s.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextGaussian() * scale);
        }
        return FloatTensor.of(s, v);
    }
}
