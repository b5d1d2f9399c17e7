package dev.mcugen.ir.tflite;

import dev.mcugen.ir.Diag;
import dev.mcugen.ir.McugenException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Bounds-checked reading of a flatbuffer held in memory. flatbuffers-java's {@code Table} trusts the
 * buffer (an offset out of range throws {@code IndexOutOfBoundsException}, a negative one walks
 * backwards), so mcugen reads the few constructs TFLite uses itself: tables through their vtables,
 * vectors of scalars, tables and strings, all validated against the buffer before use. Every failure is
 * {@link Diag#MCG_IMPORT_CORRUPT} naming the file and the object being read.
 *
 * <p>Offsets to other objects ({@code uoffset_t}) are unsigned and point forward from where they are
 * stored. One that is zero, or negative read as a Java int, is refused as a cycle: it would make an
 * object contain or precede itself, and flatbuffers-java would follow it backwards.
 */
final class Flat {
    private final ByteBuffer bb;
    private final String file;

    Flat(byte[] bytes, String file) {
        this.bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        this.file = file;
    }

    int length() {
        return bb.capacity();
    }

    String file() {
        return file;
    }

    McugenException corrupt(String what, String detail) {
        return new McugenException(Diag.MCG_IMPORT_CORRUPT, file, what + ": " + detail
                + "; the file is truncated or damaged (re-export the .tflite)");
    }

    private void need(long pos, long size, String what) {
        if (pos < 0 || size < 0 || pos + size > bb.capacity()) {
            throw corrupt(what, "needs bytes " + pos + ".." + (pos + size) + " but the file holds " + bb.capacity());
        }
    }

    int i32(int pos, String what) {
        need(pos, 4, what);
        return bb.getInt(pos);
    }

    long u32(int pos, String what) {
        return Integer.toUnsignedLong(i32(pos, what));
    }

    long i64(int pos, String what) {
        need(pos, 8, what);
        return bb.getLong(pos);
    }

    int u16(int pos, String what) {
        need(pos, 2, what);
        return Short.toUnsignedInt(bb.getShort(pos));
    }

    byte i8(int pos, String what) {
        need(pos, 1, what);
        return bb.get(pos);
    }

    float f32(int pos, String what) {
        need(pos, 4, what);
        return bb.getFloat(pos);
    }

    short i16(int pos, String what) {
        need(pos, 2, what);
        return bb.getShort(pos);
    }

    /** The object the uoffset stored at {@code at} points to, checked to lie forward and inside the file. */
    int follow(int at, String what) {
        int off = i32(at, what);
        if (off <= 0) {
            throw corrupt(what, "offset " + off + " at byte " + at + " points " + (off == 0 ? "at itself" : "backwards")
                    + " (a cycle)");
        }
        long target = (long) at + off;
        if (target >= bb.capacity()) {
            throw corrupt(what, "offset at byte " + at + " points to byte " + target + ", past the end of the file ("
                    + bb.capacity() + " bytes)");
        }
        return (int) target;
    }

    /** The table whose start {@code pos} is, with its vtable validated. */
    Table table(int pos, String what) {
        need(pos, 4, what);
        long vt = (long) pos - bb.getInt(pos);
        if (vt < 0 || vt + 4 > bb.capacity()) {
            throw corrupt(what, "vtable of the table at byte " + pos + " lies at " + vt + ", outside the file");
        }
        int vtSize = u16((int) vt, what);
        int tableSize = u16((int) vt + 2, what);
        if (vtSize < 4 || (vtSize & 1) != 0) {
            throw corrupt(what, "vtable at byte " + vt + " has an invalid size " + vtSize);
        }
        need(vt, vtSize, what + " vtable");
        need(pos, Math.max(tableSize, 4), what);
        return new Table(pos, (int) vt, vtSize, tableSize, what);
    }

    /** The root table of the file. */
    Table root(String what) {
        return table(follow(0, what), what);
    }

    /** A table of the flatbuffer: fields by id, defaults for absent ones. */
    final class Table {
        final int pos;
        private final int vt;
        private final int vtSize;
        private final int tableSize;
        final String what;

        Table(int pos, int vt, int vtSize, int tableSize, String what) {
            this.pos = pos;
            this.vt = vt;
            this.vtSize = vtSize;
            this.tableSize = tableSize;
            this.what = what;
        }

        /** Absolute position of field {@code id} of {@code size} bytes, or -1 if absent. */
        private int field(int id, int size) {
            int slot = 4 + 2 * id;
            if (slot + 2 > vtSize) {
                return -1;
            }
            int off = u16(vt + slot, what);
            if (off == 0) {
                return -1;
            }
            if (off + size > tableSize) {
                throw corrupt(what, "field " + id + " at offset " + off + " lies outside its table (" + tableSize + " bytes)");
            }
            return pos + off;
        }

        /** Absolute position of field {@code id}'s value, or -1 if absent (for tests that damage files). */
        int position(int id) {
            return field(id, 0);
        }

        boolean has(int id) {
            return field(id, 0) >= 0;
        }

        int i32(int id, int dflt) {
            int p = field(id, 4);
            return p < 0 ? dflt : Flat.this.i32(p, what);
        }

        long u32(int id) {
            int p = field(id, 4);
            return p < 0 ? 0 : Flat.this.u32(p, what);
        }

        long i64(int id, long dflt) {
            int p = field(id, 8);
            return p < 0 ? dflt : Flat.this.i64(p, what);
        }

        int i8(int id, int dflt) {
            int p = field(id, 1);
            return p < 0 ? dflt : Flat.this.i8(p, what);
        }

        int u8(int id, int dflt) {
            int p = field(id, 1);
            return p < 0 ? dflt : Byte.toUnsignedInt(Flat.this.i8(p, what));
        }

        boolean bool(int id) {
            return u8(id, 0) != 0;
        }

        float f32(int id, float dflt) {
            int p = field(id, 4);
            return p < 0 ? dflt : Flat.this.f32(p, what);
        }

        /** The nested table of field {@code id}, or null if absent. */
        Table table(int id, String name) {
            int p = field(id, 4);
            return p < 0 ? null : Flat.this.table(follow(p, name), name);
        }

        /** The vector of field {@code id} with elements of {@code elemSize} bytes, or null if absent. */
        Vec vector(int id, int elemSize, String name) {
            int p = field(id, 4);
            return p < 0 ? null : vec(follow(p, name), elemSize, name);
        }

        String string(int id, String name) {
            int p = field(id, 4);
            return p < 0 ? null : str(follow(p, name), name);
        }
    }

    Vec vec(int pos, int elemSize, String what) {
        long n = u32(pos, what);
        // checked against the file before any caller allocates from n
        if ((long) pos + 4 + n * elemSize > bb.capacity()) {
            throw corrupt(what, "vector at byte " + pos + " claims " + n + " elements of " + elemSize
                    + " bytes, more than the file holds (" + bb.capacity() + " bytes)");
        }
        return new Vec(pos + 4, (int) n, elemSize, what);
    }

    String str(int pos, String what) {
        Vec v = vec(pos, 1, what);
        byte[] b = new byte[v.length];
        bb.get(v.start, b, 0, v.length);
        return new String(b, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** {@code n} little-endian float32 values from {@code pos}, checked to lie inside the file. */
    float[] floats(long pos, int n, String what) {
        need(pos, 4L * n, what);
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = bb.getFloat((int) pos + 4 * i);
        }
        return f;
    }

    /** {@code n} little-endian IEEE half-precision values from {@code pos}, widened to float32. */
    float[] halves(long pos, int n, String what) {
        need(pos, 2L * n, what);
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = halfToFloat(bb.getShort((int) pos + 2 * i));
        }
        return f;
    }

    /** IEEE 754 binary16 to binary32 (exact: every half value is a float value). */
    static float halfToFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            // subnormal (or zero): mant * 2^-24, exact in float
            float v = mant * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
    }

    /** Copies {@code n} bytes at {@code pos} (already checked by the caller's vector or range). */
    byte[] bytes(long pos, long n, String what) {
        need(pos, n, what);
        byte[] b = new byte[(int) n];
        bb.get((int) pos, b, 0, (int) n);
        return b;
    }

    /** A vector: {@code length} elements of {@code elemSize} bytes from {@code start}, all inside the file. */
    final class Vec {
        final int start;
        final int length;
        private final int elemSize;
        private final String what;

        Vec(int start, int length, int elemSize, String what) {
            this.start = start;
            this.length = length;
            this.elemSize = elemSize;
            this.what = what;
        }

        private int at(int i) {
            return start + i * elemSize;
        }

        int i32(int i) {
            return Flat.this.i32(at(i), what);
        }

        long i64(int i) {
            return Flat.this.i64(at(i), what);
        }

        float f32(int i) {
            return Flat.this.f32(at(i), what);
        }

        Table table(int i, String name) {
            return Flat.this.table(follow(at(i), name), name);
        }

        String string(int i, String name) {
            return str(follow(at(i), name), name);
        }

        int[] ints() {
            int[] a = new int[length];
            for (int i = 0; i < length; i++) {
                a[i] = i32(i);
            }
            return a;
        }
    }
}
