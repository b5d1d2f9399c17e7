package dev.mcugen.compiler.analyze;

import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.Node;
import dev.mcugen.ir.interp.Batch;
import dev.mcugen.scale.wordlength.WeightQuant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A word length per weight group within an accuracy budget, the greedy form of the search HAWQ-V3 and
 * TI's model zoo run over a sensitivity table: every group starts at 8 bits; each round tries every
 * group one word length lower ({@link Sensitivity#WEIGHT_BITS}: 8, 6, 5, 4, 3, 2) together with the
 * choices so far, and keeps the change that saves the most weight bits per unit of metric lost among
 * those still within the budget; it stops when no change is. The search runs on the first half of
 * the data; the second half, held out, confirms the result (changes are undone, last first, until the
 * held-out data is within the budget too). Weights only: layer outputs stay float in this search.
 */
public final class WordLengthSearch {
    private WordLengthSearch() {
    }

    /**
     * The result.
     *
     * @param bits         layer/tensor -> chosen word length, in graph order
     * @param values       layer/tensor -> number of weights
     * @param searchMetric the metric on the search half
     * @param heldOut      the metric on the held-out half
     * @param searchSamples samples searched on
     * @param heldOutSamples samples held out
     */
    public record Result(Map<String, Integer> bits, Map<String, Long> values, double searchMetric, double heldOut,
                         int searchSamples, int heldOutSamples) {
        /** Weight bits of the choice. */
        public long weightBits() {
            return bits.entrySet().stream().mapToLong(e -> e.getValue() * values.get(e.getKey())).sum();
        }

        /** Weight bits with every group at 8 bits. */
        public long int8Bits() {
            return 8 * values.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /**
     * Searches. {@code budget}: for top-1 the largest loss allowed against the float model in
     * percentage points; for SQNR the least SQNR kept, in dB; for MSE the largest MSE.
     *
     * @param samples samples of {@code data} used, half searched and half held out (at least 2)
     * @param log     told one line per kept change
     */
    public static Result search(Graph g, Batch data, int samples, Sensitivity.Metric metric, double budget,
                                WeightQuant.Method method, Consumer<String> log) {
        return search(g, data, samples, metric, budget, method, Sensitivity.WEIGHT_BITS, log);
    }

    /**
     * The word lengths a build stores weights at without waste: 8 (int8), 4 and 2 (packed two and four per
     * byte). A 3-, 5-, 6- or 7-bit group keeps one byte per weight in the C, so for flash the search steps
     * 8, 4, 2 ({@code analyze --objective flash}, {@code build --weight-bits auto}).
     */
    public static final List<Integer> STORED_BITS = List.of(2, 4, 8);

    /**
     * {@link #search} stepping down {@code ladder} (ascending word lengths ending at 8, e.g.
     * {@link Sensitivity#WEIGHT_BITS} or {@link #STORED_BITS}).
     */
    public static Result search(Graph g, Batch data, int samples, Sensitivity.Metric metric, double budget,
                                WeightQuant.Method method, List<Integer> ladder, Consumer<String> log) {
        int n = Math.min(samples, data.size());
        if (n < 2) {
            throw new IllegalArgumentException("the search needs at least 2 samples, half of them held out");
        }
        int half = n / 2;
        List<float[]> searchWant = Sensitivity.reference(g, data, 0, half);
        List<float[]> heldWant = Sensitivity.reference(g, data, half, n);
        Map<String, Integer> bits = new LinkedHashMap<>();
        Map<String, Long> values = new LinkedHashMap<>();
        for (Node node : g.nodes()) {
            for (Map.Entry<String, FloatTensor> e : node.weights().entrySet()) {
                if (Sensitivity.isGroup(e.getValue())) {
                    bits.put(node.name() + "/" + e.getKey(), 8);
                    values.put(node.name() + "/" + e.getKey(), (long) e.getValue().size());
                }
            }
        }
        double perfect = Sensitivity.perfect(metric);
        List<Map<String, Integer>> history = new java.util.ArrayList<>();
        double current = Sensitivity.score(metric, Sensitivity.quantized(g, bits, method), g, data, 0, searchWant);
        while (true) {
            String best = null;
            double bestGain = Double.NEGATIVE_INFINITY;
            double bestMetric = 0;
            for (String group : bits.keySet()) {
                int at = ladder.indexOf(bits.get(group));
                if (at <= 0) {
                    continue;
                }
                Map<String, Integer> trial = new LinkedHashMap<>(bits);
                trial.put(group, ladder.get(at - 1));
                double m = Sensitivity.score(metric, Sensitivity.quantized(g, trial, method), g, data, 0, searchWant);
                if (!within(metric, perfect, m, budget)) {
                    continue;
                }
                long saved = (long) (bits.get(group) - trial.get(group)) * values.get(group);
                double loss = Math.max(0, lossFrom(metric, current, m));
                double gain = saved / (loss + 1e-9);
                if (gain > bestGain) {
                    bestGain = gain;
                    best = group;
                    bestMetric = m;
                }
            }
            if (best == null) {
                break;
            }
            history.add(new LinkedHashMap<>(bits));
            bits.put(best, ladder.get(ladder.indexOf(bits.get(best)) - 1));
            current = bestMetric;
            log.accept(best + " -> " + bits.get(best) + " bits");
        }
        double held = Sensitivity.score(metric, Sensitivity.quantized(g, bits, method), g, data, half, heldWant);
        while (!within(metric, perfect, held, budget) && !history.isEmpty()) {
            bits = history.remove(history.size() - 1);
            log.accept("held-out data over the budget: back to " + bits);
            current = Sensitivity.score(metric, Sensitivity.quantized(g, bits, method), g, data, 0, searchWant);
            held = Sensitivity.score(metric, Sensitivity.quantized(g, bits, method), g, data, half, heldWant);
        }
        return new Result(bits, values, current, held, half, n - half);
    }

    /** Whether {@code m} is within {@code budget} of the float model's {@code perfect}. */
    static boolean within(Sensitivity.Metric metric, double perfect, double m, double budget) {
        return switch (metric) {
            case TOP1 -> perfect - m <= budget;
            case SQNR -> m >= budget; // SQNR: the budget is the least SQNR kept
            case MSE -> m <= budget;
        };
    }

    private static double lossFrom(Sensitivity.Metric metric, double before, double after) {
        return switch (metric) {
            case TOP1 -> before - after;
            case SQNR -> Double.isFinite(before) ? before - after : 100 - Math.min(after, 100);
            case MSE -> after - before;
        };
    }
}
