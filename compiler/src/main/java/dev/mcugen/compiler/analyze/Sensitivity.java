package dev.mcugen.compiler.analyze;

import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.Node;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.interp.Batch;
import dev.mcugen.ir.interp.FloatInterpreter;
import dev.mcugen.ir.interp.OutputRewrite;
import dev.mcugen.scale.wordlength.WeightQuant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * Layer-wise word-length sensitivity, as in Shin, Hwang and Sung, "Fixed-point performance analysis of
 * recurrent neural networks" (ICASSP 2016), section 3: one group at a time is quantized to a word
 * length while everything else stays float, and the model's outputs are compared with the float
 * model's on the same data. The groups:
 * <ul>
 *   <li>weight groups: each weight matrix or kernel of each layer on its own (rank 2 and more: a
 *       recurrent layer's input kernel apart from its recurrent kernel, as the paper separates the
 *       input-to-layer and recurrent paths), quantized with {@link WeightQuant} at 2, 3, 4, 5, 6 and 8
 *       bits, one grid per tensor; biases and normalization vectors stay float, as in the paper;</li>
 *   <li>signal groups: each layer's output (as the next layer reads it) quantized uniformly over its
 *       calibrated range, zero exact, at 4 to 16 bits. A recurrent layer's state inside its own loop
 *       stays float: only what it passes on is quantized.</li>
 * </ul>
 */
public final class Sensitivity {
    /** Weight word lengths of the table. */
    public static final List<Integer> WEIGHT_BITS = List.of(2, 3, 4, 5, 6, 8);
    /** Signal word lengths of the table. */
    public static final List<Integer> SIGNAL_BITS = List.of(4, 5, 6, 7, 8, 10, 12, 14, 16);

    /** What the outputs are compared by. */
    public enum Metric {
        /** Percentage of samples whose first output's largest value is where the float model's is. */
        TOP1,
        /** Signal-to-quantization-noise ratio in dB over every output value. */
        SQNR,
        /** Mean squared error over every output value. */
        MSE;

        public String cliName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** One group's row: its kind ("weight" or "signal"), layer, tensor, size and the metric per word length. */
    public record Row(String kind, String layer, String tensor, long values, List<Integer> bits, double[] metric) {
    }

    /** The table: the float model's own metric (the reference) and one row per group. */
    public record Table(Metric metric, WeightQuant.Method weightQuant, int samples, List<Row> rows) {
    }

    private Sensitivity() {
    }

    /**
     * The table for {@code g} on {@code data} (the first {@code samples}), signal ranges from
     * {@code calibration}; {@code progress} is told each finished run (of {@link #runs}).
     */
    public static Table analyze(Graph g, Batch calibration, Batch data, int samples, Metric metric,
                                WeightQuant.Method method, IntConsumer progress) {
        int n = Math.min(samples, data.size());
        FloatInterpreter reference = new FloatInterpreter(g);
        List<float[]> want = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            want.add(flat(g, reference.run(data.sample(i))));
        }
        int[] done = {0};
        List<Row> rows = new ArrayList<>();
        for (Node node : g.nodes()) {
            for (Map.Entry<String, FloatTensor> e : node.weights().entrySet()) {
                if (e.getValue().shape().rank() < 2) {
                    continue;
                }
                float[] w = e.getValue().toArray();
                double[] m = new double[WEIGHT_BITS.size()];
                for (int b = 0; b < WEIGHT_BITS.size(); b++) {
                    int bits = WEIGHT_BITS.get(b);
                    float[] q = WeightQuant.quantize(w, bits, method);
                    Graph changed = withWeight(g, node, e.getKey(), FloatTensor.of(e.getValue().shape(), q));
                    m[b] = score(metric, new FloatInterpreter(changed), null, g, data, 0, n, want);
                    progress.accept(++done[0]);
                }
                rows.add(new Row("weight", node.name(), e.getKey(), w.length, WEIGHT_BITS, m));
            }
        }
        Map<String, double[]> ranges = ranges(g, calibration);
        for (Node node : g.nodes()) {
            if (isView(node.op())) {
                continue; // the same values as its input's row
            }
            double[] r = ranges.get(node.name());
            double[] m = new double[SIGNAL_BITS.size()];
            for (int b = 0; b < SIGNAL_BITS.size(); b++) {
                int bits = SIGNAL_BITS.get(b);
                String target = node.name();
                OutputRewrite q = (name, values) -> {
                    if (name.equals(target)) {
                        quantizeSignal(values, r[0], r[1], bits);
                    }
                };
                m[b] = score(metric, reference, q, g, data, 0, n, want);
                progress.accept(++done[0]);
            }
            rows.add(new Row("signal", node.name(), "output", node.outputShape().size(), SIGNAL_BITS, m));
        }
        return new Table(metric, method, n, rows);
    }

    /** How many runs {@link #analyze} makes over the data (for progress). */
    public static int runs(Graph g) {
        int weights = 0;
        int signals = 0;
        for (Node node : g.nodes()) {
            weights += (int) node.weights().values().stream().filter(t -> t.shape().rank() >= 2).count();
            signals += isView(node.op()) ? 0 : 1;
        }
        return weights * WEIGHT_BITS.size() + signals * SIGNAL_BITS.size();
    }

    /** The metric a model that equals the float one scores (100 %, infinite dB, 0). */
    public static double perfect(Metric metric) {
        return switch (metric) {
            case TOP1 -> 100;
            case SQNR -> Double.POSITIVE_INFINITY;
            case MSE -> 0;
        };
    }

    /**
     * {@code values} quantized in place to {@code bits} over {@code [lo, hi]} widened to hold 0, with
     * 0 exact: step {@code (hi - lo) / (2^bits - 1)}, zero point {@code round(-lo / step)}.
     */
    static void quantizeSignal(float[] values, double lo, double hi, int bits) {
        double l = Math.min(lo, 0);
        double h = Math.max(hi, 0);
        if (h == l) {
            return;
        }
        long levels = (1L << bits) - 1;
        double step = (h - l) / levels;
        long zp = Math.round(-l / step);
        for (int i = 0; i < values.length; i++) {
            long q = Math.round(values[i] / step) + zp;
            q = Math.max(0, Math.min(levels, q));
            values[i] = (float) ((q - zp) * step);
        }
    }

    private static boolean isView(Op op) {
        return op instanceof Op.Flatten || op instanceof Op.Reshape || op instanceof Op.Dropout;
    }

    /** Min and max of each node output over the calibration data. */
    private static Map<String, double[]> ranges(Graph g, Batch calibration) {
        Map<String, double[]> r = new LinkedHashMap<>();
        FloatInterpreter fl = new FloatInterpreter(g);
        for (int i = 0; i < calibration.size(); i++) {
            fl.run(calibration.sample(i), (tensor, step, values) -> {
                if (step != dev.mcugen.ir.interp.TensorObserver.WHOLE) {
                    return;
                }
                double[] mm = r.computeIfAbsent(tensor, k -> new double[] {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY});
                for (float v : values) {
                    mm[0] = Math.min(mm[0], v);
                    mm[1] = Math.max(mm[1], v);
                }
            });
        }
        return r;
    }

    /** The float model's outputs on samples {@code from..to-1}, each as one flat array. */
    static List<float[]> reference(Graph g, Batch data, int from, int to) {
        FloatInterpreter fl = new FloatInterpreter(g);
        List<float[]> want = new ArrayList<>();
        for (int i = from; i < to; i++) {
            want.add(flat(g, fl.run(data.sample(i))));
        }
        return want;
    }

    /** The metric of {@code changed} against {@code want} on samples {@code from..from+want.size()-1}. */
    static double score(Metric metric, Graph changed, Graph g, Batch data, int from, List<float[]> want) {
        return score(metric, new FloatInterpreter(changed), null, g, data, from, want.size(), want);
    }

    /** {@code g} with every listed weight tensor ({@code layer/tensor} -> bits) quantized by {@code method}. */
    static Graph quantized(Graph g, Map<String, Integer> bits, WeightQuant.Method method) {
        List<Node> nodes = new ArrayList<>();
        for (Node x : g.nodes()) {
            Map<String, FloatTensor> w = new LinkedHashMap<>(x.weights());
            for (Map.Entry<String, FloatTensor> e : x.weights().entrySet()) {
                Integer b = bits.get(x.name() + "/" + e.getKey());
                if (b != null) {
                    w.put(e.getKey(), FloatTensor.of(e.getValue().shape(), WeightQuant.quantize(e.getValue().toArray(), b, method)));
                }
            }
            nodes.add(new Node(x.name(), x.op(), x.inputs(), x.outputShape(), w));
        }
        return new Graph(g.name(), g.inputs(), nodes, g.outputs());
    }

    /** Whether a weight tensor is a group of the analysis (a matrix or kernel: rank 2 or more). */
    /** The weight groups of {@code g} ("layer/tensor", in graph order) and their number of weights. */
    public static Map<String, Long> weightGroups(Graph g) {
        Map<String, Long> groups = new LinkedHashMap<>();
        for (Node node : g.nodes()) {
            for (Map.Entry<String, FloatTensor> e : node.weights().entrySet()) {
                if (isGroup(e.getValue())) {
                    groups.put(node.name() + "/" + e.getKey(), (long) e.getValue().size());
                }
            }
        }
        return groups;
    }

    static boolean isGroup(FloatTensor t) {
        return t.shape().rank() >= 2;
    }

    private static double score(Metric metric, FloatInterpreter fl, OutputRewrite rewrite, Graph g, Batch data, int from,
                                int n, List<float[]> want) {
        int agree = 0;
        double signal = 0;
        double noise = 0;
        long count = 0;
        int classes = g.nodes().stream().filter(x -> x.name().equals(g.outputs().get(0))).findFirst()
                .map(x -> x.outputShape().size()).orElse(want.get(0).length);
        for (int i = 0; i < n; i++) {
            float[] got = flat(g, fl.run(data.sample(from + i), null, rewrite));
            float[] ref = want.get(i);
            agree += argmax(got, classes) == argmax(ref, classes) ? 1 : 0;
            for (int k = 0; k < ref.length; k++) {
                double d = (double) got[k] - ref[k];
                signal += (double) ref[k] * ref[k];
                noise += d * d;
            }
            count += ref.length;
        }
        return switch (metric) {
            case TOP1 -> 100.0 * agree / n;
            case SQNR -> noise == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(signal / noise);
            case MSE -> noise / count;
        };
    }

    private static int argmax(float[] v, int len) {
        int best = 0;
        for (int i = 1; i < len; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    /** Every output's values, in output order, as one array. */
    private static float[] flat(Graph g, Map<String, FloatTensor> out) {
        int size = 0;
        for (String o : g.outputs()) {
            size += out.get(o).size();
        }
        float[] all = new float[size];
        int at = 0;
        for (String o : g.outputs()) {
            float[] v = out.get(o).toArray();
            System.arraycopy(v, 0, all, at, v.length);
            at += v.length;
        }
        return all;
    }

    private static Graph withWeight(Graph g, Node node, String key, FloatTensor value) {
        List<Node> nodes = new ArrayList<>();
        for (Node x : g.nodes()) {
            if (x == node) {
                Map<String, FloatTensor> w = new LinkedHashMap<>(x.weights());
                w.put(key, value);
                nodes.add(new Node(x.name(), x.op(), x.inputs(), x.outputShape(), w));
            } else {
                nodes.add(x);
            }
        }
        return new Graph(g.name(), g.inputs(), nodes, g.outputs());
    }
}
