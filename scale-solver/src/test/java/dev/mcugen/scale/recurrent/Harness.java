package dev.mcugen.scale.recurrent;

import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.calib.CalibrationResult;
import dev.mcugen.ir.calib.Calibrator;
import dev.mcugen.ir.interp.FloatInterpreter;
import dev.mcugen.ir.interp.RecurrentInternals;
import dev.mcugen.ir.quant.FeedForwardKernels;
import dev.mcugen.ir.quant.IntObserver;
import dev.mcugen.ir.quant.QNode;
import dev.mcugen.ir.quant.QRecurrent;
import dev.mcugen.ir.quant.QuantType;
import dev.mcugen.ir.sim.RecurrentKernels;
import dev.mcugen.scale.AccumulatorBound;
import dev.mcugen.scale.QuantOptions;
import dev.mcugen.scale.QuantizedModel;
import dev.mcugen.scale.Quantizer;
import dev.mcugen.scale.Solution;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Quantizes a model with the quantizer driver (calibrate, declare with {@link RecurrentRecipes} and the
 * feed-forward recipes, solve, lower) and compares the integer simulator with the float interpreter
 * per time step.
 */
final class Harness {
    final Graph graph;
    final QuantOptions options;
    final CalibrationResult calibration;
    final QuantizedModel model;
    final Solution solution;
    final Map<String, QRecurrent> layers = new LinkedHashMap<>();
    /** Every integer op of the model in execution order (recurrent layers and feed-forward ops). */
    final List<QNode> program = new ArrayList<>();
    final List<AccumulatorBound> bounds;

    private Harness(Graph graph, QuantOptions options, CalibrationResult calibration, QuantizedModel model,
                    List<AccumulatorBound> bounds) {
        this.graph = graph;
        this.options = options;
        this.calibration = calibration;
        this.model = model;
        this.solution = model.solution();
        this.bounds = bounds;
    }

    /**
     * Calibrates on {@code calib} ({@code [n, steps, features]}) and quantizes the model with the
     * quantizer driver ({@link Quantizer}: recurrent recipes for the recurrent layers, feed-forward
     * recipes for the rest).
     */
    static Harness quantize(Graph g, float[] calib, int n, int steps, QuantOptions options) {
        int features = g.inputs().get(0).shape().last();
        CalibrationResult cal = new Calibrator(g).calibrate(FloatTensor.of(Shape.of(n, steps, features), calib));
        QuantizedModel model = Quantizer.quantize(g, cal, options);
        List<AccumulatorBound> bounds = model.bounds().stream()
                .filter(b -> g.node(b.layer()).map(nd -> nd.op() instanceof Op.Recurrent).orElse(false)).toList();
        Harness h = new Harness(g, options, cal, model, bounds);
        h.program.addAll(model.graph().nodes());
        model.graph().nodes().stream().filter(q -> q instanceof QRecurrent)
                .forEach(q -> h.layers.put(q.name(), (QRecurrent) q));
        return h;
    }

    static QuantOptions options(QuantOptions.ActivationImpl impl) {
        return new QuantOptions(QuantOptions.Precision.INT8, QuantOptions.Rescale.MULTIPLIER, impl, false,
                QuantOptions.Target.HOST);
    }

    QRecurrent layer(String name) {
        return layers.get(name);
    }

    QuantType inputType() {
        return solution.type(graph.inputs().get(0).name());
    }

    /** The float outputs of {@code layer} for one sequence {@code [steps, features]}. */
    float[] floatOutput(String layer, float[] x, int steps) {
        int features = graph.inputs().get(0).shape().last();
        Map<String, float[]> seen = new LinkedHashMap<>();
        new FloatInterpreter(graph).run(Map.of(graph.inputs().get(0).name(),
                FloatTensor.of(Shape.of(steps, features), x)), (t, s, v) -> {
                    if (t.equals(layer)) {
                        seen.put(t, v.clone());
                    }
                });
        return seen.get(layer);
    }

    /** The quantized input sequence. */
    int[] quantizeInput(float[] x) {
        QuantType t = inputType();
        int[] q = new int[x.length];
        for (int i = 0; i < x.length; i++) {
            q[i] = t.quantize(x[i]);
        }
        return q;
    }

    /** The integer value of tensor {@code name} for one sequence (the program runs up to it). */
    int[] intOutput(String name, float[] x, int steps, IntObserver obs) {
        Map<String, int[]> values = new LinkedHashMap<>();
        Map<String, Shape> shapes = new LinkedHashMap<>();
        String input = graph.inputs().get(0).name();
        values.put(input, quantizeInput(x));
        shapes.put(input, Shape.of(steps, x.length / steps));
        for (QNode q : program) {
            List<int[]> in = q.inputs().stream().map(values::get).toList();
            int[] out;
            if (q instanceof QRecurrent r) {
                Shape s = shapes.get(q.inputs().get(0));
                out = RecurrentKernels.run(r, in.get(0), s, obs);
                shapes.put(q.name(), r.returnSequences() ? Shape.of(steps, out.length / steps) : Shape.of(out.length));
            } else {
                out = FeedForwardKernels.run(q, in);
                shapes.put(q.name(), q.outputShape());
            }
            values.put(q.name(), out);
            if (q.name().equals(name)) {
                return out;
            }
        }
        throw new IllegalArgumentException(name);
    }

    /** The type of the integer tensor {@code name}. */
    QuantType typeOf(String name) {
        return program.stream().filter(q -> q.name().equals(name)).reduce((a, b) -> b).orElseThrow().outputType();
    }

    static float[] dequantize(int[] q, QuantType t) {
        float[] v = new float[q.length];
        for (int i = 0; i < q.length; i++) {
            v[i] = (float) t.dequantize(q[i]);
        }
        return v;
    }

    /** The recurrent state h of a layer: the LSTM projection output if it has one, else the hidden internal. */
    static String stateInternal(QRecurrent q) {
        return q.internalTypes().containsKey(RecurrentInternals.PROJECTION) ? RecurrentInternals.PROJECTION
                : RecurrentInternals.HIDDEN;
    }

    /**
     * Per-step signal and error energies of {@code layer}'s recurrent state h (every step, whatever
     * return_sequences says) over {@code n} test sequences {@code [n, steps, features]}: the float
     * interpreter's value against the simulator's, dequantized.
     */
    Energies compare(String layer, float[] test, int n, int steps) {
        int features = graph.inputs().get(0).shape().last();
        QRecurrent q = layers.get(layer);
        String state = RecurrentInternals.tensorName(layer, stateInternal(q));
        QuantType type = q.internalTypes().get(stateInternal(q));
        double[] signal = new double[steps];
        double[] noise = new double[steps];
        FloatInterpreter interpreter = new FloatInterpreter(graph);
        for (int s = 0; s < n; s++) {
            float[] x = java.util.Arrays.copyOfRange(test, s * steps * features, (s + 1) * steps * features);
            float[][] ref = new float[steps][];
            interpreter.run(Map.of(graph.inputs().get(0).name(), FloatTensor.of(Shape.of(steps, features), x)),
                    (t, step, v) -> {
                        if (t.equals(state)) {
                            ref[step] = v.clone();
                        }
                    });
            intOutput(layer, x, steps, (t, step, v) -> {
                if (t.equals(state)) {
                    for (int j = 0; j < v.length; j++) {
                        double a = ref[step][j];
                        double e = a - type.dequantize(v[j]);
                        signal[step] += a * a;
                        noise[step] += e * e;
                    }
                }
            });
        }
        return new Energies(signal, noise);
    }

    /** Signal and error energy per step. */
    record Energies(double[] signal, double[] noise) {
        /** SQNR in dB over steps {@code [from, to)}. */
        double sqnr(int from, int to) {
            double s = 0;
            double e = 0;
            for (int t = from; t < to; t++) {
                s += signal[t];
                e += noise[t];
            }
            return e == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(s / e);
        }

        double sqnr() {
            return sqnr(0, signal.length);
        }
    }
}
