package dev.mcugen.ir.tflite;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Variants of a real {@code .tflite} made by editing its flatbuffer in place (same size, offsets kept),
 * for tests that need a file TFLite's converter would also write but the zoo does not hold: the
 * operator list cut short with an earlier tensor as the model output, or an operator input slot
 * pointed at another tensor.
 */
public final class TfliteEdits {
    private TfliteEdits() {
    }

    /** {@code src} keeping only its first {@code ops} operators, with tensor {@code output} as the one model output. */
    public static Path truncated(Path src, int ops, int output, Path dst) {
        byte[] b = read(src);
        Flat.Table sg = subgraph(b, src);
        Flat.Vec outs = sg.vector(2, 4, "outputs");
        Flat.Vec opsVec = sg.vector(3, 4, "operators");
        if (outs.length != 1 || ops < 1 || ops > opsVec.length) {
            throw new IllegalArgumentException(src + ": cannot cut " + opsVec.length + " operators to " + ops);
        }
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        buf.putInt(outs.start, output);
        buf.putInt(opsVec.start - 4, ops);
        return write(dst, b);
    }

    /** {@code src} with input slot {@code slot} of operator {@code op} reading tensor {@code tensor} (-1: absent). */
    public static Path withOperatorInput(Path src, int op, int slot, int tensor, Path dst) {
        byte[] b = read(src);
        Flat.Table o = subgraph(b, src).vector(3, 4, "operators").table(op, "operator " + op);
        Flat.Vec in = o.vector(1, 4, "inputs");
        if (slot >= in.length) {
            throw new IllegalArgumentException(src + ": operator " + op + " has " + in.length + " inputs");
        }
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(in.start + 4 * slot, tensor);
        return write(dst, b);
    }

    /**
     * {@code src} with tensor {@code tensor}'s type (a TensorType of schema.fbs) set to {@code type} and
     * its zero points to 0 (as int16 activations have them).
     */
    public static Path withTensorType(Path src, int tensor, int type, Path dst) {
        byte[] b = read(src);
        Flat.Table t = subgraph(b, src).vector(0, 4, "tensors").table(tensor, "tensor " + tensor);
        int p = t.position(1);
        if (p < 0) {
            throw new IllegalArgumentException(src + ": tensor " + tensor + " has the default type, no field to edit");
        }
        b[p] = (byte) type;
        Flat.Vec zp = t.table(4, "quantization").vector(3, 8, "zero points");
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < zp.length; i++) {
            buf.putLong(zp.start + 8 * i, 0);
        }
        return write(dst, b);
    }

    /** {@code src} with the byte-wide field {@code field} of operator {@code op}'s options set to {@code value}. */
    public static Path withOptionByte(Path src, int op, int field, int value, Path dst) {
        byte[] b = read(src);
        Flat.Table o = subgraph(b, src).vector(3, 4, "operators").table(op, "operator " + op);
        int p = o.table(4, "options").position(field);
        if (p < 0) {
            throw new IllegalArgumentException(src + ": operator " + op + " options lack field " + field);
        }
        b[p] = (byte) value;
        return write(dst, b);
    }

    private static Flat.Table subgraph(byte[] b, Path src) {
        return new Flat(b, src.toString()).root("model").vector(2, 4, "subgraphs").table(0, "subgraph 0");
    }

    private static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path write(Path dst, byte[] b) {
        try {
            Files.write(dst, b);
            return dst;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
