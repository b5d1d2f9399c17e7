package dev.mcugen.ir.quant;

import dev.mcugen.ir.Shape;

import java.util.List;

/**
 * Per-channel integer affine map over the last axis, the stand-alone (unfolded) BatchNormalization
 * {@code y = γ'_c (x - μ_c) + β_c} with {@code γ'_c = γ_c / sqrt(σ²_c + ε)}:
 * <pre>
 *   acc = x · w_c + bias_c                       (int32)
 *   y   = clamp(zp_y + R_c(acc), lo, hi)
 * </pre>
 * {@code w_c} is {@code γ'_c} quantized symmetric per channel to int8 (int16 with int16 activations;
 * so {@code |w_c| = 127} or {@code 32767} unless {@code γ'_c = 0}), {@code bias_c = round((β_c - γ'_c μ_c) / (s_w_c s_x)) - zp_x · w_c} (the
 * input zero point folded in as in {@link QFullyConnected}), {@code R_c} realizing
 * {@code s_w_c s_x / s_y}. The recipe keeps {@code |bias_c| <= 2^30}, so the accumulator stays below
 * {@code 2^30 + 32767^2 < 2^31} (and records that bound).
 *
 * @param weights int8 or int16 {@code [C]}
 * @param bias    int32 {@code [C]}
 * @param rescale one per channel
 */
public record QChannelAffine(String name, String input, Shape outputShape, QuantType outputType,
                             IntTensor weights, IntTensor bias, List<Rescale> rescale, int lo, int hi)
        implements QFeedForward {
    public QChannelAffine {
        rescale = List.copyOf(rescale);
        int c = outputShape.last();
        if (!weights.shape().equals(Shape.of(c)) || weights.bits() > 16) {
            throw new IllegalArgumentException(name + ": weights must be int8 or int16 [" + c + "], not " + weights);
        }
        QChecks.bias(name, bias, c, 0);
        QChecks.rescales(name, rescale, c);
        QChecks.clamp(name, outputType, lo, hi);
    }

    @Override
    public List<String> inputs() {
        return List.of(input);
    }

    public Rescale rescaleOf(int c) {
        return rescale.size() == 1 ? rescale.get(0) : rescale.get(c);
    }
}
