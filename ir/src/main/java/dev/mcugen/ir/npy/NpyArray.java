package dev.mcugen.ir.npy;

import java.util.Arrays;
import java.util.List;

/**
 * The contents of one .npy file: element type, shape (row-major, C order) and values. Float data is
 * kept as float32 (a float64 file's values narrowed when read; {@link #dtype} still says float64, so
 * callers can tell the user), integer data as int; both are copied in and out.
 */
public final class NpyArray {
    private final NpyDtype dtype;
    private final List<Integer> shape;
    private final float[] floats;
    private final int[] ints;

    private NpyArray(NpyDtype dtype, List<Integer> shape, float[] floats, int[] ints) {
        this.dtype = dtype;
        this.shape = List.copyOf(shape);
        this.floats = floats;
        this.ints = ints;
        long n = elementCount(this.shape);
        long have = floats != null ? floats.length : ints.length;
        if (n != have) {
            throw new IllegalArgumentException("shape " + shape + " needs " + n + " values, got " + have);
        }
    }

    public static NpyArray ofFloat32(List<Integer> shape, float[] data) {
        return new NpyArray(NpyDtype.FLOAT32, shape, data.clone(), null);
    }

    /** Integer data of the given dtype; values must fit it. */
    public static NpyArray ofInts(NpyDtype dtype, List<Integer> shape, int[] data) {
        if (!dtype.isInteger()) {
            throw new IllegalArgumentException(dtype + " is not an integer type");
        }
        int lo = dtype == NpyDtype.INT8 ? Byte.MIN_VALUE : dtype == NpyDtype.INT16 ? Short.MIN_VALUE : Integer.MIN_VALUE;
        int hi = dtype == NpyDtype.INT8 ? Byte.MAX_VALUE : dtype == NpyDtype.INT16 ? Short.MAX_VALUE : Integer.MAX_VALUE;
        for (int v : data) {
            if (v < lo || v > hi) {
                throw new IllegalArgumentException("value " + v + " does not fit " + dtype);
            }
        }
        return new NpyArray(dtype, shape, null, data.clone());
    }

    static NpyArray wrapFloats(List<Integer> shape, float[] data) {
        return new NpyArray(NpyDtype.FLOAT32, shape, data, null);
    }

    /** A float64 file's values, already narrowed to float32. */
    static NpyArray wrapNarrowedFloat64(List<Integer> shape, float[] data) {
        return new NpyArray(NpyDtype.FLOAT64, shape, data, null);
    }

    static NpyArray wrapInts(NpyDtype dtype, List<Integer> shape, int[] data) {
        return new NpyArray(dtype, shape, null, data);
    }

    static long elementCount(List<Integer> shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    public NpyDtype dtype() {
        return dtype;
    }

    public List<Integer> shape() {
        return shape;
    }

    public int size() {
        return floats != null ? floats.length : ints.length;
    }

    /** The values as float32 (integers converted exactly: all fit a float's 24-bit mantissa up to int16). */
    public float[] toFloatArray() {
        if (floats != null) {
            return floats.clone();
        }
        float[] f = new float[ints.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = ints[i];
        }
        return f;
    }

    /** The values of an integer array. */
    public int[] toIntArray() {
        if (ints == null) {
            throw new IllegalStateException("a " + dtype + " array has no integer values");
        }
        return ints.clone();
    }

    float[] floatsUnsafe() {
        return floats;
    }

    int[] intsUnsafe() {
        return ints;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NpyArray a && a.dtype == dtype && a.shape.equals(shape)
                && Arrays.equals(a.floats, floats) && Arrays.equals(a.ints, ints);
    }

    @Override
    public int hashCode() {
        return dtype.hashCode() * 31 + shape.hashCode() * 17 + Arrays.hashCode(floats) + Arrays.hashCode(ints);
    }

    @Override
    public String toString() {
        return "NpyArray" + shape + " " + dtype;
    }
}
