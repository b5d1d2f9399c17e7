package dev.mcugen.scale.ff;

import dev.mcugen.ir.Activation;
import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.GraphBuilder;
import dev.mcugen.ir.Node;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Padding;
import dev.mcugen.ir.PoolKind;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.interp.FloatInterpreter;
import dev.mcugen.ir.quant.QuantType;
import dev.mcugen.scale.QuantOptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every feed-forward recipe on random weights and data, at int8 and int16, with multiplier and
 * power-of-two rescaling: the fixed-point output, dequantized, against
 * <ol>
 *   <li>the float model run on the same quantized input with the same quantized weights (the
 *       "shadow": what the integers compute exactly, up to the roundings of requantization and the
 *       int16 activation primitives): within a few units of the output's last place;</li>
 *   <li>the float model itself: within a few percent of the output's range.</li>
 * </ol>
 */
class FeedForwardRecipesTest {
    private static final int SAMPLES = 40;
    /**
     * Test inputs are the calibration samples scaled by this, so that values stay inside the
     * calibrated ranges: at a range's edge the shadow model (whose quantized weights move values a
     * little) would leave a range that the integers saturate at, which with int16 steps counts as
     * many steps without being an error of the arithmetic.
     */
    private static final float INTERIOR = 0.75f;

    /** One test graph: input shape, the layers after input "x", the allowed error in output steps. */
    record Case(String label, Shape in, Consumer<Builder> layers, double lsb) {
        @Override
        public String toString() {
            return label;
        }
    }

    /** Adds random layers to a graph reading "x". */
    static final class Builder {
        final GraphBuilder b = new GraphBuilder("t");
        final Random rnd = new Random(42);
        String last = "x";

        Builder layer(String name, Op op, float weightScale) {
            return layer(name, op, List.of(last), weightScale);
        }

        Builder layer(String name, Op op, List<String> inputs, float weightScale) {
            FfTestGraphs.add(b, name, op, inputs, rnd, weightScale);
            last = name;
            return this;
        }
    }

    static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        for (Activation a : List.of(Activation.LINEAR, Activation.RELU, Activation.RELU6, Activation.SIGMOID,
                Activation.TANH, Activation.HARD_SIGMOID, Activation.SOFTMAX)) {
            c.add(new Case("dense " + a, Shape.of(16), g -> g.layer("d", new Op.Dense(8, a, true), 1f), 2));
        }
        c.add(new Case("dense no bias rank 2", Shape.of(3, 12), g -> g.layer("d", new Op.Dense(5, Activation.LINEAR, false), 1f), 2));
        c.add(new Case("conv1d valid relu", Shape.of(20, 3), g -> g.layer("c",
                new Op.Conv1D(4, 5, 1, 1, Padding.VALID, Activation.RELU, true), 1f), 2));
        c.add(new Case("conv1d same stride 2", Shape.of(19, 3), g -> g.layer("c",
                new Op.Conv1D(4, 4, 2, 1, Padding.SAME, Activation.LINEAR, true), 1f), 2));
        c.add(new Case("conv1d same dilation 2 tanh", Shape.of(16, 2), g -> g.layer("c",
                new Op.Conv1D(3, 3, 1, 2, Padding.SAME, Activation.TANH, true), 1f), 2));
        c.add(new Case("conv2d same strided relu6", Shape.of(7, 6, 2), g -> g.layer("c",
                new Op.Conv2D(3, 3, 2, 2, 2, 1, 1, Padding.SAME, Activation.RELU6, true), 1f), 2));
        c.add(new Case("max pool 1d", Shape.of(9, 3), g -> g.layer("p", new Op.Pool(PoolKind.MAX, List.of(2), List.of(2),
                Padding.VALID), 1f), 0));
        c.add(new Case("avg pool 1d same", Shape.of(9, 3), g -> g.layer("p", new Op.Pool(PoolKind.AVG, List.of(3), List.of(2),
                Padding.SAME), 1f), 1));
        c.add(new Case("avg pool 2d", Shape.of(6, 5, 2), g -> g.layer("p", new Op.Pool(PoolKind.AVG, List.of(2, 2),
                List.of(2, 2), Padding.SAME), 1f), 1));
        c.add(new Case("global avg pool", Shape.of(12, 4), g -> g.layer("g", new Op.GlobalPool(PoolKind.AVG, 1), 1f), 1));
        c.add(new Case("global max pool 2d", Shape.of(3, 4, 2), g -> g.layer("g", new Op.GlobalPool(PoolKind.MAX, 2), 1f), 0));
        c.add(new Case("flatten dense", Shape.of(4, 3), g -> g.layer("f", new Op.Flatten(), 1f)
                .layer("d", new Op.Dense(4, Activation.LINEAR, true), 1f), 2));
        c.add(new Case("reshape dropout", Shape.of(12), g -> g.layer("r", new Op.Reshape(Shape.of(3, 4)), 1f)
                .layer("o", new Op.Dropout(0.5f), 1f), 0));
        for (Activation a : List.of(Activation.LINEAR, Activation.RELU, Activation.RELU6, Activation.SIGMOID,
                Activation.TANH, Activation.HARD_SIGMOID, Activation.SOFTMAX)) {
            c.add(new Case("activation " + a, Shape.of(2, 8), g -> g.layer("a", new Op.Act(a), 1f), 1.5));
        }
        // ELU, swish, hard swish, the relu6 hard sigmoid (tables) and leaky ReLU (per-sign rescales), fused and alone.
        // Fused, two roundings add up: the pre-activation's own type (half its step, times the slope, in output
        // steps: for the hard sigmoid 1/6 of a pre-activation range about 12 times the output's, one step) and
        // the table's half step, beside the accumulator's requantization: 2.5 steps.
        for (Activation a : List.of(Activation.ELU, Activation.SWISH, Activation.HARD_SWISH, Activation.HARD_SIGMOID6,
                Activation.LEAKY_RELU)) {
            c.add(new Case("dense " + a, Shape.of(16), g -> g.layer("d", new Op.Dense(8, a, true), 1f), 2.5));
            c.add(new Case("activation " + a, Shape.of(2, 8), g -> g.layer("a", new Op.Act(a), 1f), 1));
        }
        c.add(new Case("conv1d swish", Shape.of(12, 3), g -> g.layer("c",
                new Op.Conv1D(4, 3, 1, 1, Padding.SAME, Activation.SWISH, true), 1f), 2));
        c.add(new Case("leaky relu 0.3", Shape.of(2, 8), g -> g.layer("a", new Op.LeakyRelu(0.3f), 1f), 1));
        c.add(new Case("leaky relu -0.5", Shape.of(2, 8), g -> g.layer("a", new Op.LeakyRelu(-0.5f), 1f), 1));
        c.add(new Case("elu alpha 0.5", Shape.of(2, 8), g -> g.layer("a", new Op.Elu(0.5f), 1f), 1));
        c.add(new Case("hard sigmoid 1/6", Shape.of(2, 8), g -> g.layer("a", new Op.HardSigmoid(1f / 6f, 0.5f), 1f), 1));
        c.add(new Case("prelu per channel", Shape.of(3, 8), g -> g.layer("a", new Op.PRelu(List.of(0)), 1f), 1));
        c.add(new Case("dense, prelu per unit", Shape.of(10), g -> g.layer("d", new Op.Dense(6, Activation.LINEAR, true), 1f)
                .layer("p", new Op.PRelu(List.of()), 1f), 2));
        c.add(new Case("dense relu, batch norm", Shape.of(10), g -> g.layer("d", new Op.Dense(6, Activation.RELU, true), 1f)
                .layer("bn", new Op.BatchNorm(1e-3f), 1f), 3));
        c.add(new Case("conv1d, batch norm folded", Shape.of(10, 2), g -> g.layer("c",
                new Op.Conv1D(3, 3, 1, 1, Padding.SAME, Activation.LINEAR, true), 1f).layer("bn", new Op.BatchNorm(1e-3f), 1f), 2));
        c.add(new Case("add of two denses", Shape.of(6), g -> {
            g.layer("a", new Op.Dense(5, Activation.LINEAR, true), List.of("x"), 1f);
            g.layer("b", new Op.Dense(5, Activation.RELU, true), List.of("x"), 0.3f);
            g.layer("s", new Op.Add(), List.of("a", "b"), 1f);
        }, 3));
        c.add(new Case("concatenate", Shape.of(4, 3), g -> {
            g.layer("a", new Op.Dense(2, Activation.LINEAR, true), List.of("x"), 1f);
            g.layer("k", new Op.Concatenate(1), List.of("x", "a"), 1f);
        }, 3));
        c.add(new Case("reverse time", Shape.of(7, 3), g -> g.layer("r", new Op.Reverse(0), 1f), 0));
        c.add(new Case("dense, reverse last axis, concatenate", Shape.of(5, 4), g -> {
            g.layer("a", new Op.Dense(3, Activation.TANH, true), List.of("x"), 1f);
            g.layer("r", new Op.Reverse(1), List.of("a"), 1f);
            g.layer("k", new Op.Concatenate(1), List.of("a", "r"), 1f);
        }, 2));
        return c;
    }

    static Stream<Arguments> everyCase() {
        List<Arguments> args = new ArrayList<>();
        for (Case c : cases()) {
            for (QuantOptions.Precision p : QuantOptions.Precision.values()) {
                for (QuantOptions.Rescale r : List.of(QuantOptions.Rescale.MULTIPLIER, QuantOptions.Rescale.POT)) {
                    args.add(Arguments.of(c, p, r));
                }
            }
        }
        return args.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("everyCase")
    void fixedPointFollowsFloat(Case c, QuantOptions.Precision precision, QuantOptions.Rescale rescale) {
        Builder gb = new Builder();
        gb.b.input("x", c.in());
        c.layers().accept(gb);
        gb.b.output(gb.last);
        Graph g = gb.b.build();
        FloatTensor data = FfTestGraphs.batch(c.in(), SAMPLES, new Random(7), -2f, 2f);
        // Nearest weight rounding: the shadow model below rounds each weight the same way.
        QuantOptions o = new QuantOptions(precision, rescale, QuantOptions.ActivationImpl.LUT, false,
                QuantOptions.Target.CORTEX_M4, false, QuantOptions.WeightRounding.NEAREST);
        FfPipeline p = FfPipeline.calibrated(g, data, o);
        FloatInterpreter shadow = new FloatInterpreter(shadow(p));
        FloatInterpreter exact = new FloatInterpreter(g);
        QuantType tin = p.qgraph.inputs().get(0).type();
        QuantType tout = p.outputType(g.outputs().get(0));
        float[] all = data.toArray();
        int per = c.in().size();
        double worstLsb = 0;
        double worstFloat = 0;
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int s = 0; s < SAMPLES; s++) {
            float[] x = java.util.Arrays.copyOfRange(all, s * per, (s + 1) * per);
            for (int i = 0; i < per; i++) {
                x[i] *= INTERIOR;
            }
            float[] xq = new float[per];
            for (int i = 0; i < per; i++) {
                xq[i] = (float) tin.dequantize(tin.quantize(x[i]));
            }
            double[] q = p.run(x);
            float[] fs = shadow.run(FloatTensor.of(c.in(), xq)).toArray();
            float[] f = exact.run(FloatTensor.of(c.in(), x)).toArray();
            for (int i = 0; i < q.length; i++) {
                double clipped = Math.max(tout.realMin(), Math.min(tout.realMax(), fs[i]));
                worstLsb = Math.max(worstLsb, Math.abs(q[i] - clipped) / tout.scale());
                worstFloat = Math.max(worstFloat, Math.abs(q[i] - f[i]));
                lo = Math.min(lo, f[i]);
                hi = Math.max(hi, f[i]);
            }
        }
        double range = Math.max(hi - lo, 1e-6);
        System.out.printf("%-32s %-5s %-10s  vs shadow %6.2f steps   vs float %.4f of range%n", c.label(), precision,
                rescale, worstLsb, worstFloat / range);
        // int16 activations resolve the int16 primitives' 2^-11 error bound (up to 16 steps of 2^-15).
        double allowed = precision == QuantOptions.Precision.INT16 && c.lsb() > 0 ? Math.max(c.lsb(), 20) : c.lsb();
        // (+ 1e-3: the shadow runs in float32, the dequantized integers in double)
        assertThat(worstLsb).as("error in output steps vs the shadow float model").isLessThanOrEqualTo(allowed + 1e-3);
        assertThat(worstFloat / range).as("error vs float, relative to the output range").isLessThan(0.05);
    }

    /**
     * The float graph the integers compute: BatchNorm folded, every Dense/Conv kernel replaced by its
     * dequantized int8 weights (per-tensor scale of the solution), stand-alone BatchNorm left as is
     * (its per-channel int8 γ' is within 1/254 relative).
     */
    static Graph shadow(FfPipeline p) {
        Graph g = p.graph;
        List<Node> nodes = new ArrayList<>();
        for (Node n : g.nodes()) {
            if (n.weights().containsKey("kernel")) {
                QuantType t = WeightQuantizer.weightType(p.solution.type(n.name() + DenseConvRecipe.KERNEL).scale());
                FloatTensor k = n.weight("kernel");
                float[] v = k.toArray();
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) t.dequantize(t.quantize(v[i]));
                }
                Map<String, FloatTensor> w = new LinkedHashMap<>(n.weights());
                w.put("kernel", FloatTensor.of(k.shape(), v));
                nodes.add(new Node(n.name(), n.op(), n.inputs(), n.outputShape(), w));
            } else {
                nodes.add(n);
            }
        }
        return new Graph(g.name(), g.inputs(), nodes, g.outputs());
    }
}
