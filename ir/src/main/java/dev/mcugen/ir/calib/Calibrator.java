package dev.mcugen.ir.calib;

import dev.mcugen.ir.Diag;
import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.Node;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.interp.Batch;
import dev.mcugen.ir.interp.FloatInterpreter;
import dev.mcugen.ir.interp.Progress;
import dev.mcugen.ir.interp.TensorObserver;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Min/max calibration (seed 001): runs samples through the {@link FloatInterpreter} and records, for
 * every tensor it reports — model inputs, node outputs and every recurrent internal, aggregated over
 * time steps and samples — the extremes, count, mean, mean |x| and a {@link Histogram}; for model
 * inputs and node outputs the mean of each channel, and for each Dense / convolution layer the second
 * moment of what it multiplies by its kernel ({@link InputMoments}).
 * Deterministic: the same samples in the same order give the same result.
 */
public final class Calibrator {
    /** Bins of each tensor's histogram. */
    public static final int HISTOGRAM_BINS = 2048;

    private final FloatInterpreter interpreter;

    public Calibrator(Graph graph) {
        this(new FloatInterpreter(graph));
    }

    public Calibrator(FloatInterpreter interpreter) {
        this.interpreter = interpreter;
    }

    /** Calibrates a single-input model on {@code batch} of shape {@code [N, ...input shape]}. */
    public CalibrationResult calibrate(FloatTensor batch) {
        return calibrate(batch, Progress.NONE);
    }

    /** {@link #calibrate(FloatTensor)}, reporting progress after each sample. */
    public CalibrationResult calibrate(FloatTensor batch, Progress progress) {
        return calibrate(Batch.of(interpreter.graph(), batch), progress);
    }

    /** Calibrates on batched inputs, each {@code [N, ...input shape]} with the same N. */
    public CalibrationResult calibrate(Map<String, FloatTensor> batches, Progress progress) {
        return calibrate(Batch.of(interpreter.graph(), batches), progress);
    }

    /** Calibrates on the samples of {@code batch}. */
    public CalibrationResult calibrate(Batch batch, Progress progress) {
        return calibrate(batch.size(), batch::sample, progress);
    }

    /** Calibrates on samples given one by one (each a map from input name to one sample). */
    public CalibrationResult calibrate(List<Map<String, FloatTensor>> samples, Progress progress) {
        return calibrate(samples.size(), samples::get, progress);
    }

    private CalibrationResult calibrate(int total, IntFunction<Map<String, FloatTensor>> sampleAt, Progress progress) {
        if (total < 1) {
            throw new McugenException(Diag.MCG_DATA_SHAPE, "model '" + interpreter.graph().name() + "'",
                    "calibration needs at least one sample");
        }
        Map<String, Accumulator> acc = new LinkedHashMap<>();
        Map<String, Shape> shapes = interpreter.graph().shapes();
        for (String t : interpreter.tensorNames()) {
            Shape shape = shapes.get(t);
            acc.put(t, new Accumulator(shape == null || shape.rank() == 0 ? 0 : shape.last()));
        }
        Map<String, InputMoments> moments = new LinkedHashMap<>();
        Map<String, List<InputMoments>> momentsOf = new LinkedHashMap<>();
        for (Node n : interpreter.graph().nodes()) {
            if (n.inputs().isEmpty()) {
                continue;
            }
            InputMoments m = InputMoments.of(n, shapes.get(n.inputs().get(0)), total);
            if (m != null) {
                moments.put(n.name(), m);
                momentsOf.computeIfAbsent(n.inputs().get(0), k -> new ArrayList<>()).add(m);
            }
        }
        int[] current = {0};
        TensorObserver observer = (tensor, step, values) -> {
            int bad = acc.get(tensor).add(values, step == TensorObserver.WHOLE);
            if (bad < 0 && step == TensorObserver.WHOLE) {
                momentsOf.getOrDefault(tensor, List.of()).forEach(m -> m.add(values));
            }
            if (bad >= 0) {
                throw new McugenException(Diag.MCG_DATA_NONFINITE, "tensor '" + tensor + "'",
                        "became " + values[bad] + " on calibration sample " + current[0]
                                + (step >= 0 ? " at step " + step : "")
                                + "; the model overflows float32 on this data");
            }
        };
        for (int s = 0; s < total; s++) {
            current[0] = s;
            interpreter.run(sampleAt.apply(s), observer);
            progress.update(s + 1, total);
        }
        // Every row of an embedding table is reachable by some token id, used by the data or not: the
        // output's statistics take in the whole table once.
        for (dev.mcugen.ir.Node n : interpreter.graph().nodes()) {
            if (n.op() instanceof dev.mcugen.ir.Op.Embedding && acc.containsKey(n.name())) {
                acc.get(n.name()).add(n.weight("embeddings").toArray(), false);
            }
        }
        List<TensorRange> ranges = new ArrayList<>();
        Map<String, MagnitudeHistogram> mags = new LinkedHashMap<>();
        Map<String, double[]> means = new LinkedHashMap<>();
        acc.forEach((name, a) -> {
            ranges.add(a.range(name));
            mags.put(name, a.magnitudes);
            if (a.channelCount > 0) {
                means.put(name, a.channelMeans());
            }
        });
        Map<String, double[]> layerMoments = new LinkedHashMap<>();
        moments.forEach((layer, m) -> layerMoments.put(layer, m.moment()));
        return new CalibrationResult(total, ranges, mags, means, layerMoments);
    }

    /** Running statistics of one tensor. */
    private static final class Accumulator {
        private float min = Float.POSITIVE_INFINITY;
        private float max = Float.NEGATIVE_INFINITY;
        private long count;
        private double sum;
        private double sumAbs;
        private double limit = 0x1p-24;
        private double invWidth = HISTOGRAM_BINS / (2 * limit);
        private final long[] bins = new long[HISTOGRAM_BINS];
        private final MagnitudeHistogram magnitudes = new MagnitudeHistogram();
        /** Per-channel (last axis) sums of whole tensors; 0 channels when the shape is unknown. */
        private final double[] channelSums;
        private long channelRows;
        private int channelCount;

        Accumulator(int channels) {
            channelSums = new double[Math.max(channels, 0)];
        }

        double[] channelMeans() {
            double[] m = new double[channelCount];
            for (int c = 0; c < channelCount; c++) {
                m[c] = channelSums[c] / channelRows;
            }
            return m;
        }

        /**
         * Adds the values; returns the index of the first non-finite one (not added), else -1. A whole
         * tensor ({@code whole}) also adds to the per-channel sums.
         */
        int add(float[] values, boolean whole) {
            for (int i = 0; i < values.length; i++) {
                float v = values[i];
                if (!Float.isFinite(v)) {
                    return i;
                }
                if (v < min) {
                    min = v;
                }
                if (v > max) {
                    max = v;
                }
                sum += v;
                magnitudes.add(v);
                float a = Math.abs(v);
                sumAbs += a;
                while (a >= limit) {
                    grow();
                }
                int bin = (int) ((v + limit) * invWidth);
                bins[Math.min(Math.max(bin, 0), HISTOGRAM_BINS - 1)]++;
            }
            count += values.length;
            int c = channelSums.length;
            if (whole && c > 0 && values.length % c == 0) {
                for (int i = 0; i < values.length; i++) {
                    channelSums[i % c] += values[i];
                }
                channelRows += values.length / c;
                channelCount = c;
            }
            return -1;
        }

        /** Doubles the range: old bin i goes to bin B/4 + i/2. */
        private void grow() {
            long[] merged = new long[HISTOGRAM_BINS];
            for (int i = 0; i < HISTOGRAM_BINS; i++) {
                merged[HISTOGRAM_BINS / 4 + i / 2] += bins[i];
            }
            System.arraycopy(merged, 0, bins, 0, HISTOGRAM_BINS);
            limit *= 2;
            invWidth = HISTOGRAM_BINS / (2 * limit);
        }

        TensorRange range(String name) {
            if (count == 0) {
                throw new McugenException(Diag.MCG_INTERNAL, "tensor '" + name + "'", "was never observed");
            }
            return new TensorRange(name, min, max, count, sum / count, sumAbs / count, new Histogram(limit, bins));
        }
    }
}
