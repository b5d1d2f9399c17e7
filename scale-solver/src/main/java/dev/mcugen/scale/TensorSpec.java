package dev.mcugen.scale;

/**
 * A tensor whose quantization the solver fixes: its width, whether it is symmetric (zero point 0,
 * narrow range: weights, int16 activations) or asymmetric (int8 activations), and the calibrated
 * (or, for weights, actual) range of its real values.
 */
public record TensorSpec(String name, int bits, Symmetry symmetry, double min, double max) {
    /** Zero-point policy. */
    public enum Symmetry {
        /** Zero point chosen to cover [min, max] on the full range (int8 activations). */
        ASYMMETRIC,
        /** Zero point 0, range [-(2^(b-1)-1), 2^(b-1)-1] (weights, int16 activations, biases). */
        SYMMETRIC
    }

    public TensorSpec {
        if (!(min <= max)) {
            throw new IllegalArgumentException(name + ": min " + min + " > max " + max);
        }
    }
}
