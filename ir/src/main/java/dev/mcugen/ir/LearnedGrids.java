package dev.mcugen.ir;

import java.util.List;
import java.util.Optional;

/**
 * Quantization a model file states and mcugen keeps: the grid each weight was trained on (quantization-aware
 * training exports it, e.g. an ONNX {@code DequantizeLinear} of an int8 initializer) and the range of each
 * activation a file fake-quantizes (an ONNX {@code QuantizeLinear} / {@code DequantizeLinear} pair). Weights
 * with a grid are quantized with its steps, so the integers mcugen stores are the trained ones; a range
 * replaces what calibration measured for that tensor.
 *
 * @param weights the weights with a learned grid
 * @param ranges  the activations with a learned range
 */
public record LearnedGrids(List<WeightGrid> weights, List<RangeHint> ranges) {
    /** A model that states none. */
    public static final LearnedGrids NONE = new LearnedGrids(List.of(), List.of());

    public LearnedGrids {
        weights = List.copyOf(weights);
        ranges = List.copyOf(ranges);
    }

    /**
     * The grid of one IR weight: its values are {@code q * scale} with integers {@code q} on the symmetric
     * narrow range of {@code bits} bits ({@code |q| <= 2^(bits-1) - 1}, zero point 0).
     *
     * @param layer  the IR node
     * @param weight the weight's key in the node ({@code kernel}, {@code recurrent_kernel}, ...)
     * @param bits   the word length the integers need: the smallest narrow range holding them (2 to 8)
     * @param scales one step for the whole tensor, or one per channel of its last axis (the output channel)
     * @param source where the file states it (the ONNX node), for messages
     */
    public record WeightGrid(String layer, String weight, int bits, List<Double> scales, String source) {
        public WeightGrid {
            scales = List.copyOf(scales);
            if (bits < 2 || bits > 8 || scales.isEmpty()) {
                throw new IllegalArgumentException(layer + "/" + weight + ": " + bits + " bits, " + scales.size() + " scales");
            }
        }

        /** Whether it has one step per output channel. */
        public boolean perChannel() {
            return scales.size() > 1;
        }

        /** The largest step (the only one of a per-tensor grid). */
        public double maxScale() {
            return scales.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        }
    }

    /**
     * The range an activation was trained with: the real values of its integer range,
     * {@code [scale (qmin - zero_point), scale (qmax - zero_point)]}.
     *
     * @param tensor the IR tensor
     * @param min    the lowest real value
     * @param max    the highest real value
     * @param source where the file states it (the ONNX node), for messages
     */
    public record RangeHint(String tensor, double min, double max, String source) {
    }

    /** The grid of {@code layer}'s weight {@code weight}, if the file states one. */
    public Optional<WeightGrid> weight(String layer, String weight) {
        return weights.stream().filter(w -> w.layer().equals(layer) && w.weight().equals(weight)).findFirst();
    }

    /** Whether the model states nothing. */
    public boolean isEmpty() {
        return weights.isEmpty() && ranges.isEmpty();
    }
}
