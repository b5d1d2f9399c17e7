package dev.mcugen.ir;

import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable float32 tensor in row-major (C) order: weights of the IR and values of the float
 * interpreter. The data is copied in and out, so no holder can change it.
 */
public final class FloatTensor {
    private final Shape shape;
    private final float[] data;

    private FloatTensor(Shape shape, float[] data) {
        this.shape = shape;
        this.data = data;
    }

    /** Copies {@code data}; its length must equal the shape's size. */
    public static FloatTensor of(Shape shape, float[] data) {
        Objects.requireNonNull(shape, "shape");
        if (shape.size() != data.length) {
            throw new IllegalArgumentException("shape " + shape + " needs " + shape.size()
                    + " values, got " + data.length);
        }
        return new FloatTensor(shape, data.clone());
    }

    /** Takes ownership of {@code data} without copying; for producers that drop their reference. */
    static FloatTensor wrap(Shape shape, float[] data) {
        if (shape.size() != data.length) {
            throw new IllegalArgumentException("shape " + shape + " needs " + shape.size()
                    + " values, got " + data.length);
        }
        return new FloatTensor(shape, data);
    }

    public static FloatTensor filled(Shape shape, float value) {
        float[] d = new float[shape.size()];
        Arrays.fill(d, value);
        return new FloatTensor(shape, d);
    }

    /** A row-major {@code m[rows][cols]} as {@code [cols][rows]} (Keras kernels to per-output rows). */
    public static float[] transpose(float[] m, int rows, int cols) {
        float[] t = new float[m.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = m[r * cols + c];
            }
        }
        return t;
    }

    public Shape shape() {
        return shape;
    }

    public int size() {
        return data.length;
    }

    public float get(int flatIndex) {
        return data[flatIndex];
    }

    /** A fresh copy of the values. */
    public float[] toArray() {
        return data.clone();
    }

    /** The same values under another shape of equal size. */
    public FloatTensor reshape(Shape newShape) {
        if (newShape.size() != data.length) {
            throw new IllegalArgumentException("cannot reshape " + shape + " to " + newShape);
        }
        return new FloatTensor(newShape, data);
    }

    /** Index of the first NaN or infinite value, or -1. */
    public int firstNonFinite() {
        for (int i = 0; i < data.length; i++) {
            if (!Float.isFinite(data[i])) {
                return i;
            }
        }
        return -1;
    }

    public float maxAbs() {
        float m = 0f;
        for (float v : data) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FloatTensor t && t.shape.equals(shape) && Arrays.equals(t.data, data);
    }

    @Override
    public int hashCode() {
        return 31 * shape.hashCode() + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "FloatTensor" + shape;
    }
}
