package dev.mcugen.ir;

/**
 * A model input: a named tensor of the given shape (batch dimension excluded) and what it holds.
 *
 * @param dtype {@link Dtype#FLOAT32} for real values; {@link Dtype#TOKEN_IDS} for an input that
 *              {@link Op.Embedding} layers read (integer token ids), which {@link GraphBuilder}
 *              derives from the readers, so every importer agrees
 */
public record GraphInput(String name, Shape shape, Dtype dtype) {
    /** What an input holds. */
    public enum Dtype {
        /** Real values: quantized by the caller with the input's scale and zero point. */
        FLOAT32,
        /** Integer token ids in {@code [0, input_dim)} of the embedding that reads them: passed as they are. */
        TOKEN_IDS
    }

    /** A float32 input. */
    public GraphInput(String name, Shape shape) {
        this(name, shape, Dtype.FLOAT32);
    }

    public boolean isTokenIds() {
        return dtype == Dtype.TOKEN_IDS;
    }
}
