package dev.mcugen.ir.npy;

import dev.mcugen.ir.Diag;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.Text;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads and writes NumPy {@code .npy} files (format versions 1.0, 2.0 and 3.0 read; 1.0 written, or
 * 2.0 when the header needs it), little-endian C-order float32, int8, int16 and int32, as
 * {@code numpy.save} does: magic, version, header length, a Python dict literal padded with spaces
 * to a multiple of 64 bytes and ending in a newline, then the raw data.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {
    }

    public static NpyArray read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new McugenException(Diag.MCG_IO_NOT_FOUND, file.toString(), "no such file");
        } catch (IOException e) {
            throw new McugenException(Diag.MCG_IO_FAILED, file.toString(), "cannot read: " + e.getMessage(), e);
        }
        return parse(file.toString(), bytes);
    }

    /** Parses .npy bytes; {@code source} names them in errors. */
    public static NpyArray parse(String source, byte[] bytes) {
        if (bytes.length < 10) {
            throw format(source, "too short to be a .npy file (" + bytes.length + " bytes)");
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (bytes[i] != MAGIC[i]) {
                throw format(source, "not a .npy file (bad magic); save arrays with numpy.save");
            }
        }
        int major = bytes[6] & 0xff;
        ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int headerLen;
        int headerStart;
        if (major == 1) {
            headerLen = bb.getShort(8) & 0xffff;
            headerStart = 10;
        } else if (major == 2 || major == 3) {
            if (bytes.length < 12) {
                throw format(source, "truncated header");
            }
            long len = bb.getInt(8) & 0xffffffffL;
            if (len > bytes.length) {
                throw new McugenException(Diag.MCG_NPY_TRUNCATED, source, "header longer than the file");
            }
            headerLen = (int) len;
            headerStart = 12;
        } else {
            throw format(source, "unsupported .npy format version " + major + "." + (bytes[7] & 0xff));
        }
        if (headerStart + headerLen > bytes.length) {
            throw new McugenException(Diag.MCG_NPY_TRUNCATED, source, "header longer than the file");
        }
        String header = new String(bytes, headerStart, headerLen,
                major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(header);
        Matcher f = FORTRAN.matcher(header);
        Matcher s = SHAPE.matcher(header);
        if (!d.find() || !f.find() || !s.find()) {
            // The header is the file's text: clipped, so that neither its length nor its bytes reach the terminal.
            throw format(source, "header is not a numpy array header: " + Text.clip(header.strip(), 120));
        }
        String descr = d.group(1);
        NpyDtype dtype = NpyDtype.fromDescr(descr).orElseThrow(() -> format(source,
                "dtype '" + Text.clip(descr, 40) + "' is not supported; mcugen reads float32 ('<f4'), int8, int16 and int32"
                        + " little-endian (convert with arr.astype(numpy.float32))"));
        if (f.group(1).equals("True")) {
            throw format(source, "array is in Fortran order; save a C-ordered copy (numpy.ascontiguousarray)");
        }
        List<Integer> shape = parseShape(source, s.group(1));
        long n = NpyArray.elementCount(shape);
        int dataStart = headerStart + headerLen;
        long need = n * dtype.bytes();
        long have = bytes.length - (long) dataStart;
        if (have < need) {
            throw new McugenException(Diag.MCG_NPY_TRUNCATED, source, "shape " + shape + " of " + descr + " needs "
                    + need + " data bytes but the file holds " + have);
        }
        if (have > need) {
            throw format(source, "holds " + (have - need) + " bytes after the data of shape " + shape);
        }
        bb.position(dataStart);
        int count = (int) n;
        switch (dtype) {
            case FLOAT32 -> {
                float[] out = new float[count];
                bb.asFloatBuffer().get(out);
                return NpyArray.wrapFloats(shape, out);
            }
            case INT8 -> {
                int[] out = new int[count];
                for (int i = 0; i < count; i++) {
                    out[i] = bytes[dataStart + i];
                }
                return NpyArray.wrapInts(dtype, shape, out);
            }
            case INT16 -> {
                int[] out = new int[count];
                for (int i = 0; i < count; i++) {
                    out[i] = bb.getShort(dataStart + 2 * i);
                }
                return NpyArray.wrapInts(dtype, shape, out);
            }
            case INT32 -> {
                int[] out = new int[count];
                bb.asIntBuffer().get(out);
                return NpyArray.wrapInts(dtype, shape, out);
            }
            default -> throw new IllegalStateException(dtype.name());
        }
    }

    private static List<Integer> parseShape(String source, String inner) {
        List<Integer> shape = new ArrayList<>();
        long n = 1;
        for (String part : inner.split(",")) {
            String p = part.strip();
            if (p.isEmpty()) {
                continue;
            }
            if (p.endsWith("L")) {
                p = p.substring(0, p.length() - 1);
            }
            long v;
            try {
                v = Long.parseLong(p);
            } catch (NumberFormatException e) {
                throw format(source, "bad shape (" + Text.clip(inner, 80) + ")");
            }
            n *= Math.max(v, 1);
            if (v < 0 || v > Integer.MAX_VALUE || n > Integer.MAX_VALUE) {
                throw format(source, "shape (" + Text.clip(inner, 80) + ") is too large");
            }
            shape.add((int) v);
        }
        return shape;
    }

    /** The bytes numpy.save would write for {@code array}. */
    public static byte[] toBytes(NpyArray array) {
        String shape = array.shape().stream().map(String::valueOf).collect(Collectors.joining(", "));
        if (array.shape().size() == 1) {
            shape += ",";
        }
        String dict = "{'descr': '" + array.dtype().descr() + "', 'fortran_order': False, 'shape': (" + shape + "), }";
        int prefix = 10;
        int total = prefix + dict.length() + 1;
        int padded = (total + 63) / 64 * 64;
        int version = 1;
        if (padded - prefix > 0xffff) {
            version = 2;
            prefix = 12;
            padded = (prefix + dict.length() + 1 + 63) / 64 * 64;
        }
        StringBuilder header = new StringBuilder(dict);
        while (prefix + header.length() + 1 < padded) {
            header.append(' ');
        }
        header.append('\n');
        byte[] h = header.toString().getBytes(StandardCharsets.ISO_8859_1);
        int n = array.size();
        ByteBuffer bb = ByteBuffer.allocate(prefix + h.length + n * array.dtype().bytes()).order(ByteOrder.LITTLE_ENDIAN);
        bb.put(MAGIC).put((byte) version).put((byte) 0);
        if (version == 1) {
            bb.putShort((short) h.length);
        } else {
            bb.putInt(h.length);
        }
        bb.put(h);
        switch (array.dtype()) {
            case FLOAT32 -> {
                for (float v : array.floatsUnsafe()) {
                    bb.putFloat(v);
                }
            }
            case INT8 -> {
                for (int v : array.intsUnsafe()) {
                    bb.put((byte) v);
                }
            }
            case INT16 -> {
                for (int v : array.intsUnsafe()) {
                    bb.putShort((short) v);
                }
            }
            case INT32 -> {
                for (int v : array.intsUnsafe()) {
                    bb.putInt(v);
                }
            }
            default -> throw new IllegalStateException(array.dtype().name());
        }
        return bb.array();
    }

    /**
     * Writes {@code array} to {@code file} atomically: the bytes go to a temporary file beside it,
     * which then replaces the target, so a failed write never leaves a half file behind.
     */
    public static void write(Path file, NpyArray array) {
        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "." + abs.getFileName(), ".tmp");
            try {
                Files.write(tmp, toBytes(array));
                try {
                    Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new McugenException(Diag.MCG_IO_FAILED, file.toString(), "cannot write: " + e.getMessage(), e);
        }
    }

    private static McugenException format(String source, String detail) {
        return new McugenException(Diag.MCG_NPY_FORMAT, source, detail);
    }
}
