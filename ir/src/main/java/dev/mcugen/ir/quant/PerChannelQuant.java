package dev.mcugen.ir.quant;

import java.util.List;

/**
 * Per-channel symmetric quantization of a weight tensor: along {@code axis}, channel {@code c} uses
 * {@code real = scales[c] * q} (zero point 0) with {@code q} in {@code [-qmax, qmax]},
 * {@code qmax = 2^(bits-1) - 1} (the narrow range; DESIGN §3). Keras kernels keep output channels
 * on the last axis, so {@code axis} is the kernel's last axis.
 *
 * @param bits   8 or 16
 * @param axis   the channel axis of the weight tensor
 * @param scales one positive scale per channel
 */
public record PerChannelQuant(int bits, int axis, List<Double> scales) {
    public PerChannelQuant {
        scales = List.copyOf(scales);
        if (bits != 8 && bits != 16) {
            throw new IllegalArgumentException("per-channel weights are int8 or int16, not int" + bits);
        }
        for (double s : scales) {
            if (!(s > 0) || Double.isInfinite(s)) {
                throw new IllegalArgumentException("channel scales must be positive and finite: " + scales);
            }
        }
    }

    /** Channel {@code c} as a per-tensor type. */
    public QuantType channel(int c) {
        return QuantType.symmetric(bits, scales.get(c) * QuantType.fullMax(bits));
    }

    public int channels() {
        return scales.size();
    }
}
