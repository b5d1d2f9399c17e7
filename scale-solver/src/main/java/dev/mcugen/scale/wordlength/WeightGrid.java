package dev.mcugen.scale.wordlength;

import dev.mcugen.scale.QuantOptions;
import dev.mcugen.scale.ScaleRules;

/**
 * The integer grid of one weight tensor (or one gate block, or one output channel) narrower than 8
 * bits ({@code --weight-bits}), held in an int8 container: its declared word length {@code bits}, the
 * quantizer that chose it and the step {@code Δ}, a weight {@code w} being stored as the integer
 * {@code z} with {@code w ≈ z Δ}:
 * <ul>
 *   <li>{@link WeightQuant.Method#MINMAX} and {@link WeightQuant.Method#L2}: {@code z} in the narrow
 *       symmetric range {@code [-(2^(b-1) - 1), 2^(b-1) - 1]} ({@code ±1} at 2 bits, {@code ±7} at 4),
 *       {@code z = sgn(w) min(floor(|w| / Δ + 1/2), 2^(b-1) - 1)};</li>
 *   <li>{@link WeightQuant.Method#BALANCED}: {@code z} odd in {@code [-(2^b - 1), 2^b - 1]} ({@code ±1, ±3}
 *       at 2 bits), the {@code 2^b} levels of He et al.'s balanced quantization; b bits still store them
 *       as {@code k = (z + 2^b - 1) / 2}.</li>
 * </ul>
 * {@link #choose} is the one place a narrowed weight tensor's step is chosen.
 *
 * @param bits   declared word length, 2..7 (8-bit groups keep the int8 grid of the recipes)
 * @param method the quantizer
 * @param step   {@code Δ}, positive
 */
public record WeightGrid(int bits, WeightQuant.Method method, double step) {
    public WeightGrid {
        if (bits < 2 || bits > 7) {
            throw new IllegalArgumentException("narrowed weight word length " + bits + " outside 2..7");
        }
        java.util.Objects.requireNonNull(method, "method");
        if (!(step > 0) || Double.isInfinite(step)) {
            throw new IllegalArgumentException("step must be positive and finite, not " + step);
        }
    }

    /** Whether the levels are the odd numbers (balanced quantization). */
    public boolean odd() {
        return method == WeightQuant.Method.BALANCED;
    }

    /** The largest level: {@code 2^(b-1) - 1}, or {@code 2^b - 1} for the odd levels. */
    public int maxLevel() {
        return odd() ? (1 << bits) - 1 : (1 << (bits - 1)) - 1;
    }

    /** The integer level of {@code w} (see the class comment; rounding half away from zero, or half up in k). */
    public int level(double w) {
        int top = maxLevel();
        if (odd()) {
            // k = round((clamp(w / (2 top Δ), ±1/2) + 1/2) top), z = 2k - top: WeightQuant.quantize's rounding
            double u = Math.max(-0.5, Math.min(0.5, w / (2.0 * top * step))) + 0.5;
            long k = Math.round(u * top);
            return (int) (2 * k - top);
        }
        long m = (long) Math.floor(Math.abs(w) / step + 0.5);
        return (int) Math.signum(w) * (int) Math.min(m, top);
    }

    /** Every value of {@code w} at its level. */
    public int[] levels(float[] w) {
        int[] z = new int[w.length];
        for (int i = 0; i < w.length; i++) {
            z[i] = level(w[i]);
        }
        return z;
    }

    /**
     * The grid of weight group {@code group} ("layer/tensor", as {@code mcugen analyze} names groups)
     * for the values {@code w} of one tensor, gate block or output channel, or null when the group keeps
     * 8 bits (the recipes' own int8 grid, unchanged). The step is {@link WeightQuant}'s for the method,
     * widened to a power of two when the options make every rescale a shift; a tensor of zeros gets
     * step 1. This is the one method that chooses a narrowed weight tensor's step.
     */
    public static WeightGrid choose(String group, float[] w, QuantOptions options) {
        int bits = options.weightBits().bits(group);
        if (bits >= 8) {
            return null;
        }
        WeightQuant.Method method = options.weightBits().method();
        double step;
        if (method == WeightQuant.Method.BALANCED) {
            step = WeightQuant.balancedRange(w, bits) / (2.0 * ((1 << bits) - 1));
        } else {
            step = WeightQuant.step(w, bits, method);
        }
        if (!(step > 0)) {
            step = 1;
        }
        WeightGrid g = new WeightGrid(bits, method, step);
        if (options.powerOfTwoRescale()) {
            double top = g.maxLevel() * step;
            g = new WeightGrid(bits, method, ScaleRules.symmetric(8, -top * 127 / g.maxLevel(), top * 127 / g.maxLevel(),
                    true).scale());
        }
        return g;
    }

    /**
     * The symmetric range {@code ±127 Δ} to declare for this grid's tensor in the contract system: the
     * solver's int8 rule ({@code scale = max / 127}, a power of two where every rescale is a shift)
     * then gives back exactly {@code Δ}.
     */
    public double declaredMaxAbs() {
        return 127 * step;
    }
}
