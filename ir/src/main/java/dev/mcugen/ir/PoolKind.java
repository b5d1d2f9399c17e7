package dev.mcugen.ir;

/** Reduction of a pooling window. */
public enum PoolKind {
    MAX,
    /** Mean over the window positions inside the input (padding is not counted, as TensorFlow). */
    AVG
}
