package dev.mcugen.ir.quant;

import dev.mcugen.ir.Shape;

import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable integer tensor of a quantized node's parameters (weights, biases), row-major, with
 * the signed width {@code bits} (8, 16, 32 or 64) that the C stores it in ({@code int8_t} ...
 * {@code int64_t}). Every value lies in that width's range. Values are held as {@code long} so that
 * one type serves every width; the data is copied in and out.
 */
public final class IntTensor {
    private final Shape shape;
    private final int bits;
    private final long[] data;

    private IntTensor(Shape shape, int bits, long[] data) {
        this.shape = shape;
        this.bits = bits;
        this.data = data;
    }

    /** Copies {@code data}; its length must equal the shape's size and every value fit {@code bits}. */
    public static IntTensor of(Shape shape, int bits, long[] data) {
        Objects.requireNonNull(shape, "shape");
        if (bits != 8 && bits != 16 && bits != 32 && bits != 64) {
            throw new IllegalArgumentException("bits must be 8, 16, 32 or 64, not " + bits);
        }
        if (shape.size() != data.length) {
            throw new IllegalArgumentException("shape " + shape + " needs " + shape.size() + " values, got " + data.length);
        }
        long lo = bits == 64 ? Long.MIN_VALUE : -(1L << (bits - 1));
        long hi = bits == 64 ? Long.MAX_VALUE : (1L << (bits - 1)) - 1;
        for (int i = 0; i < data.length; i++) {
            if (data[i] < lo || data[i] > hi) {
                throw new IllegalArgumentException("value " + data[i] + " at " + i + " does not fit int" + bits);
            }
        }
        return new IntTensor(shape, bits, data.clone());
    }

    /** {@link #of(Shape, int, long[])} from {@code int} values. */
    public static IntTensor of(Shape shape, int bits, int[] data) {
        return of(shape, bits, Arrays.stream(data).asLongStream().toArray());
    }

    public Shape shape() {
        return shape;
    }

    /** 8, 16, 32 or 64: the C type {@code int<bits>_t}. */
    public int bits() {
        return bits;
    }

    public int size() {
        return data.length;
    }

    public long get(int flatIndex) {
        return data[flatIndex];
    }

    /** The values without copying, for the kernels of this package, which only read them. */
    long[] raw() {
        return data;
    }

    /** A fresh copy of the values. */
    public long[] toArray() {
        return data.clone();
    }

    /** A fresh copy of the values as {@code int}; only for widths up to 32. */
    public int[] toIntArray() {
        if (bits == 64) {
            throw new IllegalStateException("int64 tensor as int[]");
        }
        int[] a = new int[data.length];
        for (int i = 0; i < a.length; i++) {
            a[i] = (int) data[i];
        }
        return a;
    }

    /** Largest absolute value (0 for an empty tensor). */
    public long maxAbs() {
        long m = 0;
        for (long v : data) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IntTensor t && t.bits == bits && t.shape.equals(shape) && Arrays.equals(t.data, data);
    }

    @Override
    public int hashCode() {
        return (31 * shape.hashCode() + bits) * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "IntTensor[int" + bits + " " + shape + "]";
    }
}
