package dev.mcugen.ir.quant;

import dev.mcugen.ir.Shape;

import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable integer tensor of a quantized node's parameters (weights, biases), row-major, with
 * the signed width {@code bits} (8, 16, 32 or 64) that the C stores it in ({@code int8_t} ...
 * {@code int64_t}). Every value lies in that width's range. Values are stored in an array of that
 * width (a model's int8 weights take one byte each, not eight: 10^8 weights are 100 MB, not 800)
 * and read as {@code long}, so that one type serves every width; the data is copied in and out.
 */
public final class IntTensor {
    private final Shape shape;
    private final int bits;
    private final int size;
    /** The values: exactly one of these is non-null, the one of {@link #bits}. */
    private final byte[] d8;
    private final short[] d16;
    private final int[] d32;
    private final long[] d64;
    /** The declared word length of narrowed int8 weights (2..7), or {@link #bits}. */
    private final int declaredBits;
    /** Whether the declared levels are the odd numbers {@code ±1, ±3, .., ±(2^declaredBits - 1)}. */
    private final boolean oddLevels;

    private IntTensor(Shape shape, int bits, int[] data) {
        this.shape = shape;
        this.bits = bits;
        this.size = data.length;
        this.d8 = bits == 8 ? new byte[size] : null;
        this.d16 = bits == 16 ? new short[size] : null;
        this.d32 = bits == 32 ? data.clone() : null;
        this.d64 = null;
        this.declaredBits = bits;
        this.oddLevels = false;
        for (int i = 0; i < size && bits < 32; i++) {
            if (bits == 8) {
                d8[i] = (byte) data[i];
            } else {
                d16[i] = (short) data[i];
            }
        }
    }

    private IntTensor(Shape shape, int bits, long[] data) {
        this.shape = shape;
        this.bits = bits;
        this.size = data.length;
        this.d8 = bits == 8 ? new byte[size] : null;
        this.d16 = bits == 16 ? new short[size] : null;
        this.d32 = bits == 32 ? new int[size] : null;
        this.d64 = bits == 64 ? data.clone() : null;
        this.declaredBits = bits;
        this.oddLevels = false;
        for (int i = 0; i < size && bits < 64; i++) {
            long v = data[i];
            switch (bits) {
                case 8 -> d8[i] = (byte) v;
                case 16 -> d16[i] = (short) v;
                default -> d32[i] = (int) v;
            }
        }
    }

    private IntTensor(IntTensor t, int declaredBits, boolean oddLevels) {
        this.shape = t.shape;
        this.bits = t.bits;
        this.size = t.size;
        this.d8 = t.d8;
        this.d16 = t.d16;
        this.d32 = t.d32;
        this.d64 = t.d64;
        this.declaredBits = declaredBits;
        this.oddLevels = oddLevels;
    }

    /**
     * This int8 tensor declared narrower: {@code declared} bits (2..7), its values in
     * {@code [-(2^(declared-1) - 1), 2^(declared-1) - 1]}, or with {@code oddLevels} odd in
     * {@code [-(2^declared - 1), 2^declared - 1]} (balanced quantization's levels). The generator
     * stores such weights at the declared width (packed where it has a packed kernel).
     */
    public IntTensor withDeclaredBits(int declared, boolean oddLevels) {
        if (bits != 8 || declared < 2 || declared > 7) {
            throw new IllegalArgumentException("only int8 tensors narrow to 2..7 bits, not int" + bits + " to " + declared);
        }
        long top = oddLevels ? (1L << declared) - 1 : (1L << (declared - 1)) - 1;
        for (int i = 0; i < size; i++) {
            long v = get(i);
            if (Math.abs(v) > top || oddLevels && (v & 1) == 0) {
                throw new IllegalArgumentException("value " + v + " at " + i + " is not a " + declared + "-bit"
                        + (oddLevels ? " odd" : "") + " level");
            }
        }
        return new IntTensor(this, declared, oddLevels);
    }

    /** The declared word length: {@link #bits()}, or 2..7 for narrowed int8 weights. */
    public int declaredBits() {
        return declaredBits;
    }

    /** Whether the declared levels are odd numbers (balanced quantization; see {@link #withDeclaredBits}). */
    public boolean oddLevels() {
        return oddLevels;
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
        return new IntTensor(shape, bits, data);
    }

    /** {@link #of(Shape, int, long[])} from {@code int} values (without a {@code long[]} copy of them). */
    public static IntTensor of(Shape shape, int bits, int[] data) {
        Objects.requireNonNull(shape, "shape");
        if (bits == 64) {
            return of(shape, bits, Arrays.stream(data).asLongStream().toArray());
        }
        if (bits != 8 && bits != 16 && bits != 32) {
            throw new IllegalArgumentException("bits must be 8, 16, 32 or 64, not " + bits);
        }
        if (shape.size() != data.length) {
            throw new IllegalArgumentException("shape " + shape + " needs " + shape.size() + " values, got " + data.length);
        }
        int lo = bits == 32 ? Integer.MIN_VALUE : -(1 << (bits - 1));
        int hi = bits == 32 ? Integer.MAX_VALUE : (1 << (bits - 1)) - 1;
        for (int i = 0; i < data.length; i++) {
            if (data[i] < lo || data[i] > hi) {
                throw new IllegalArgumentException("value " + data[i] + " at " + i + " does not fit int" + bits);
            }
        }
        return new IntTensor(shape, bits, data);
    }

    public Shape shape() {
        return shape;
    }

    /** 8, 16, 32 or 64: the C type {@code int<bits>_t}. */
    public int bits() {
        return bits;
    }

    public int size() {
        return size;
    }

    public long get(int flatIndex) {
        switch (bits) {
            case 8:
                return d8[flatIndex];
            case 16:
                return d16[flatIndex];
            case 32:
                return d32[flatIndex];
            default:
                return d64[flatIndex];
        }
    }

    /** A fresh copy of the values. */
    public long[] toArray() {
        long[] a = new long[size];
        for (int i = 0; i < size; i++) {
            a[i] = get(i);
        }
        return a;
    }

    /** A fresh copy of the values as {@code int}; only for widths up to 32. */
    public int[] toIntArray() {
        if (bits == 64) {
            throw new IllegalStateException("int64 tensor as int[]");
        }
        int[] a = new int[size];
        for (int i = 0; i < size; i++) {
            a[i] = (int) get(i);
        }
        return a;
    }

    /** Largest absolute value (0 for an empty tensor). */
    public long maxAbs() {
        long m = 0;
        for (int i = 0; i < size; i++) {
            m = Math.max(m, Math.abs(get(i)));
        }
        return m;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IntTensor t && t.bits == bits && t.declaredBits == declaredBits && t.oddLevels == oddLevels
                && t.shape.equals(shape) && Arrays.equals(t.d8, d8)
                && Arrays.equals(t.d16, d16) && Arrays.equals(t.d32, d32) && Arrays.equals(t.d64, d64);
    }

    @Override
    public int hashCode() {
        // The hash of the values as long[] (as when they were stored so), whatever the width.
        int h = 1;
        for (int i = 0; i < size; i++) {
            h = 31 * h + Long.hashCode(get(i));
        }
        int base = (31 * shape.hashCode() + bits) * 31 + h;
        return declaredBits == bits ? base : base * 31 + declaredBits * 2 + (oddLevels ? 1 : 0);
    }

    @Override
    public String toString() {
        return "IntTensor[int" + bits + (declaredBits == bits ? "" : " as " + declaredBits + " bits") + " " + shape + "]";
    }
}
