package dev.mcugen.ir;

/** Convolution / pooling padding with TensorFlow's meaning. */
public enum Padding {
    /** No padding: out = ceil((in - dilated_kernel + 1) / stride). */
    VALID,
    /** out = ceil(in / stride); the padding is split with the extra element at the end. */
    SAME;

    public String kerasName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
