package dev.mcugen.ir.npy;

import java.util.Arrays;
import java.util.Optional;

/** The element types mcugen reads and writes in .npy files, all little-endian. */
public enum NpyDtype {
    FLOAT32("<f4", 4),
    INT8("|i1", 1),
    INT16("<i2", 2),
    INT32("<i4", 4),
    /** Read for integer token ids (numpy's default integer); values must fit int32. */
    INT64("<i8", 8),
    /**
     * numpy's default float type, read for data and narrowed to float32 on reading (what
     * {@code arr.astype(numpy.float32)} gives: round to nearest, ties to even), since mcugen
     * computes in float32 like the frameworks it imports from.
     */
    FLOAT64("<f8", 8);

    private final String descr;
    private final int bytes;

    NpyDtype(String descr, int bytes) {
        this.descr = descr;
        this.bytes = bytes;
    }

    /** The numpy {@code descr} string written in headers. */
    public String descr() {
        return descr;
    }

    public int bytes() {
        return bytes;
    }

    /** Parses a numpy descr; one-byte types may use any byte-order mark ({@code |i1}, {@code <i1}). */
    public static Optional<NpyDtype> fromDescr(String descr) {
        if (descr.equals("<i1") || descr.equals(">i1") || descr.equals("=i1")) {
            return Optional.of(INT8);
        }
        String d = descr.startsWith("=") ? "<" + descr.substring(1) : descr;
        return Arrays.stream(values()).filter(t -> t.descr.equals(d)).findFirst();
    }

    public boolean isInteger() {
        return !isFloat();
    }

    /** float32, or float64 whose values were narrowed to float32 when read. */
    public boolean isFloat() {
        return this == FLOAT32 || this == FLOAT64;
    }
}
