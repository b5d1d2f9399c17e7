package dev.mcugen.ir.npy;

import dev.mcugen.ir.Diag;
import dev.mcugen.ir.InputFiles;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.MemoryBudget;
import dev.mcugen.ir.Text;
import java.io.IOException;
import java.io.InputStream;
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
 * 2.0 when the header needs it), little-endian C-order float32, int8, int16 and int32 (and float64
 * and int64 read, narrowed to float32 and int32), as
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

    /**
     * The longest header read: numpy itself refuses headers over 10 000 bytes by default
     * ({@code max_header_size}); anything much longer is not an array header.
     */
    static final int MAX_HEADER = 1 << 20;

    /**
     * Reads a .npy file: a regular file (no FIFO or device), whose size is checked against what its
     * header promises, and against the heap left, before the data is read.
     */
    public static NpyArray read(Path file) {
        long size = InputFiles.requireRegular(file, InputFiles.MAX_BYTES);
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes((int) Math.min(size, 12));
            if (head.length >= 10 && startsWithMagic(head)) {
                int major = head[6] & 0xff;
                int prefix = major == 1 ? 10 : 12;
                long headerLen = major == 1 ? (head[8] & 0xff) | (head[9] & 0xff) << 8
                        : head.length >= 12 ? ByteBuffer.wrap(head, 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xffffffffL : 0;
                if (headerLen > MAX_HEADER) {
                    throw format(file.toString(), "header of " + headerLen + " bytes; numpy writes headers of a few"
                            + " hundred bytes (this is not an array header)");
                }
                byte[] rest = in.readNBytes((int) Math.max(0, Math.min(prefix + headerLen, size) - head.length));
                byte[] both = new byte[head.length + rest.length];
                System.arraycopy(head, 0, both, 0, head.length);
                System.arraycopy(rest, 0, both, head.length, rest.length);
                Header h = header(file.toString(), both, prefix, (int) headerLen, size);
                if (h != null) {
                    // The header's promise against the file's size, before a data byte is read.
                    long need = h.count() * h.dtype().bytes();
                    long have = size - h.dataStart();
                    if (have < need) {
                        throw new McugenException(Diag.MCG_NPY_TRUNCATED, file.toString(), "shape " + h.shape() + " of "
                                + h.dtype().descr() + " needs " + need + " data bytes but the file holds " + have);
                    }
                    // The file's bytes and the int or float array made of them.
                    MemoryBudget.require(file.toString(), size + 4 * h.count(), "reading it");
                }
            }
        } catch (NoSuchFileException e) {
            throw new McugenException(Diag.MCG_IO_NOT_FOUND, file.toString(), "no such file");
        } catch (IOException e) {
            throw new McugenException(Diag.MCG_IO_FAILED, file.toString(), "cannot read: " + e.getMessage(), e);
        }
        return parse(file.toString(), InputFiles.readAll(file, InputFiles.MAX_BYTES));
    }

    private record Header(NpyDtype dtype, List<Integer> shape, long count, int dataStart) {
    }

    private static boolean startsWithMagic(byte[] bytes) {
        for (int i = 0; i < MAGIC.length; i++) {
            if (bytes[i] != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    /** The parsed header when it is complete and well formed, else null ({@link #parse} then says what is wrong). */
    private static Header header(String source, byte[] head, int prefix, int headerLen, long fileSize) {
        if (prefix + (long) headerLen > head.length || prefix + (long) headerLen > fileSize) {
            return null;
        }
        int major = head[6] & 0xff;
        if (major < 1 || major > 3) {
            return null;
        }
        String header = new String(head, prefix, headerLen, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(header);
        Matcher f = FORTRAN.matcher(header);
        Matcher s = SHAPE.matcher(header);
        if (!d.find() || !f.find() || !s.find() || f.group(1).equals("True")) {
            return null;
        }
        java.util.Optional<NpyDtype> dtype = NpyDtype.fromDescr(d.group(1));
        if (dtype.isEmpty()) {
            return null;
        }
        List<Integer> shape = parseShape(source, s.group(1));
        return new Header(dtype.get(), shape, NpyArray.elementCount(shape), prefix + headerLen);
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
            throw format(source, "header is not a numpy array header: " + Text.clip(header.strip(), 200));
        }
        String descr = d.group(1);
        NpyDtype dtype = NpyDtype.fromDescr(descr).orElseThrow(() -> format(source,
                "dtype '" + Text.clip(descr, 40) + "' is not supported; mcugen reads float32 ('<f4'), float64 ('<f8', converted"
                        + " to float32), int8, int16, int32 and int64 little-endian (convert with arr.astype(numpy.float32))"));
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
            case FLOAT64 -> {
                // Narrowed as numpy's astype(float32) does (nearest, ties to even); a finite value beyond
                // float32's range becomes infinite, which the data checks then refuse with its position.
                float[] out = new float[count];
                for (int i = 0; i < count; i++) {
                    out[i] = (float) bb.getDouble(dataStart + 8 * i);
                }
                return NpyArray.wrapNarrowedFloat64(shape, out);
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
            case INT64 -> {
                int[] out = new int[count];
                for (int i = 0; i < count; i++) {
                    long v = bb.getLong(dataStart + 8 * i);
                    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                        throw format(source, "int64 value " + v + " at flat index " + i + " does not fit int32;"
                                + " mcugen reads int64 arrays of int32 values (token ids)");
                    }
                    out[i] = (int) v;
                }
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
                throw format(source, "bad shape (" + Text.clip(inner, 100) + ")");
            }
            n *= Math.max(v, 1);
            if (v < 0 || v > Integer.MAX_VALUE || n > Integer.MAX_VALUE) {
                throw format(source, "shape (" + Text.clip(inner, 100) + ") is too large");
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
            case FLOAT64 -> {
                // The values held, widened exactly: those of the float64 file after narrowing.
                for (float v : array.floatsUnsafe()) {
                    bb.putDouble(v);
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
            case INT64 -> {
                for (int v : array.intsUnsafe()) {
                    bb.putLong(v);
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
            throw dev.mcugen.ir.IoFailure.writing(file.toString(), "cannot write", e);
        }
    }

    private static McugenException format(String source, String detail) {
        return new McugenException(Diag.MCG_NPY_FORMAT, source, detail);
    }
}
