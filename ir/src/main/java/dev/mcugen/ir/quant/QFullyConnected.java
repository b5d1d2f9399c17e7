package dev.mcugen.ir.quant;

import dev.mcugen.ir.Shape;

import java.util.List;

/**
 * Integer fully connected layer (Keras Dense) over the last axis, applied to every row of the input:
 * <pre>
 *   acc_o = bias_o + Σ_i x_i · w_io                    (int32; int64 when accShift > 0)
 *   acc_o = rdivpot64(acc_o, accShift)                 (only when accShift > 0)
 *   y_o   = clamp(zp_y + R_o(acc_o), actMin, actMax)
 * </pre>
 * with {@code x} the raw input integers (zero point included), {@code w} int8 symmetric weights
 * {@code [in, units]} (Keras layout), {@code R_o} the rescale of output channel {@code o} (one for
 * all channels, or one per channel with per-channel weights) realizing
 * {@code 2^accShift · s_w · s_x / s_y}, and {@code zp_y} the output zero point.
 *
 * <p><b>Zero-point folding</b> (seed 000 §6): {@code bias_o = round(b_o / (s_w s_x)) - zp_x · Σ_i w_io},
 * so that {@code acc_o = round(b_o / (s_w s_x)) + Σ_i (x_i - zp_x) · w_io} exactly: the kernel never
 * subtracts the input zero point. {@code bias} is int32 (int64 when {@code accShift > 0}).
 *
 * <p><b>Accumulator</b>: the recipe proves {@code |bias_o| + Σ_i |w_io| · max|x|} (max over the input
 * type's integer range) fits int32, which bounds every partial sum of the C loop; then
 * {@code accShift == 0}. Otherwise (only possible with int16 activations, 16x8) the sum runs in
 * int64 and is brought back to int32 by a rounding shift of {@code accShift} bits chosen so that the
 * bound fits; {@code R_o} includes the compensating {@code 2^accShift}.
 *
 * <p>Fused ReLU / ReLU6 are the clamp {@code [actMin, actMax]} (real 0 is {@code zp_y} exactly).
 * A layer whose output feeds softmax may keep the raw accumulator: output type int32 with scale
 * {@code s_w s_x}, zero point 0, {@code R = }{@link Rescale#IDENTITY} and the full int32 clamp.
 *
 * @param weights int8 {@code [inputSize, units]}
 * @param bias    {@code [units]}, int32 or int64, zero point folded in
 * @param rescale one entry (per tensor) or {@code units} entries (per channel)
 */
public record QFullyConnected(String name, String input, Shape outputShape, QuantType outputType,
                              int inputSize, int units, IntTensor weights, IntTensor bias,
                              List<Rescale> rescale, int accShift, int actMin, int actMax) implements QFeedForward {
    public QFullyConnected {
        rescale = List.copyOf(rescale);
        if (!weights.shape().equals(Shape.of(inputSize, units)) || weights.bits() != 8) {
            throw new IllegalArgumentException(name + ": weights must be int8 [" + inputSize + ", " + units
                    + "], not " + weights);
        }
        QChecks.bias(name, bias, units, accShift);
        QChecks.rescales(name, rescale, units);
        QChecks.clamp(name, outputType, actMin, actMax);
    }

    @Override
    public List<String> inputs() {
        return List.of(input);
    }

    /** The rescale of output channel {@code o}. */
    public Rescale rescaleOf(int o) {
        return rescale.size() == 1 ? rescale.get(0) : rescale.get(o);
    }
}
