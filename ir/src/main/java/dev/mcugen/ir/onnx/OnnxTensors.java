package dev.mcugen.ir.onnx;

import dev.mcugen.ir.Diag;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.Text;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Values of ONNX TensorProtos: from {@code raw_data} (little-endian), the typed repeated fields, or
 * external data files inside the model's folder. Every declared size is checked against the bytes that
 * hold it before an array of that size exists.
 */
final class OnnxTensors {
    static final int FLOAT = 1;
    static final int UINT8 = 2;
    static final int INT8 = 3;
    static final int UINT16 = 4;
    static final int INT16 = 5;
    static final int INT32 = 6;
    static final int INT64 = 7;
    static final int STRING = 8;
    static final int BOOL = 9;
    static final int FLOAT16 = 10;
    static final int DOUBLE = 11;
    static final int UINT32 = 12;
    static final int UINT64 = 13;

    private OnnxTensors() {
    }

    /** Decoded values: floating types in {@code f}, integer and bool types in {@code i}. */
    record Data(int dataType, long[] dims, double[] f, long[] i) {
        int count() {
            return f != null ? f.length : i.length;
        }

        boolean isFloat() {
            return f != null;
        }
    }

    static String typeName(int t) {
        return switch (t) {
            case FLOAT -> "float32";
            case UINT8 -> "uint8";
            case INT8 -> "int8";
            case UINT16 -> "uint16";
            case INT16 -> "int16";
            case INT32 -> "int32";
            case INT64 -> "int64";
            case STRING -> "string";
            case BOOL -> "bool";
            case FLOAT16 -> "float16";
            case DOUBLE -> "float64";
            case UINT32 -> "uint32";
            case UINT64 -> "uint64";
            case 16 -> "bfloat16";
            default -> "type " + t;
        };
    }

    private static int elemSize(int t) {
        return switch (t) {
            case FLOAT, INT32, UINT32 -> 4;
            case UINT8, INT8, BOOL -> 1;
            case UINT16, INT16, FLOAT16, 16 -> 2;
            case INT64, DOUBLE, UINT64 -> 8;
            default -> -1;
        };
    }

    static boolean isFloatType(int t) {
        return t == FLOAT || t == DOUBLE || t == FLOAT16 || t == 16;
    }

    /** Element count of {@code dims}, refusing negative dims and counts of 2^31 or more. */
    static int count(String file, String what, long[] dims) {
        long n = 1;
        for (long d : dims) {
            if (d < 0) {
                throw new McugenException(Diag.MCG_IMPORT_CORRUPT, file, what + " has a negative dimension " + d);
            }
            n = d == 0 ? 0 : (n > Integer.MAX_VALUE / d + 1 ? Long.MAX_VALUE : n * d);
            if (n > Integer.MAX_VALUE) {
                throw new McugenException(Diag.MCG_IMPORT_CORRUPT, file, what + " has dims " + Arrays.toString(dims)
                        + ", 2^31 elements or more");
            }
        }
        return (int) n;
    }

    static Data decode(String file, Path dir, OnnxProto.Tensor t) {
        String what = "tensor '" + Text.clip(t.name(), 80) + "' (" + t.path() + ")";
        int type = t.dataType();
        int size = elemSize(type);
        if (size < 0) {
            throw new McugenException(Diag.MCG_IMPORT_WEIGHT_DTYPE, file, what + " is of " + typeName(type)
                    + "; mcugen reads numeric tensors");
        }
        int n = count(file, what, t.dims());
        if (t.dataLocation() == 1) {
            if ((long) n * size > Integer.MAX_VALUE - 16) {
                throw new McugenException(Diag.MCG_IMPORT_CORRUPT, file, what + " needs " + (long) n * size
                        + " bytes, more than mcugen reads for one tensor");
            }
            return fromBytes(type, t.dims(), n, external(file, dir, what, t, (long) n * size), file, what);
        }
        if (t.raw() != null) {
            if (t.raw().size() != (long) n * size) {
                throw new McugenException(Diag.MCG_IMPORT_CORRUPT, file, what + " has dims " + Arrays.toString(t.dims())
                        + " (" + (long) n * size + " bytes of " + typeName(type) + ") but raw_data holds " + t.raw().size());
            }
            return fromBytes(type, t.dims(), n, t.raw().asReadOnlyByteBuffer(), file, what);
        }
        if (type == FLOAT || type == FLOAT16 || type == 16) {
            float[] fd = t.floatData() == null ? new float[0] : t.floatData();
            if (type == FLOAT) {
                check(file, what, n, fd.length, "float_data");
                double[] f = new double[n];
                for (int k = 0; k < n; k++) {
                    f[k] = fd[k];
                }
                return new Data(type, t.dims(), f, null);
            }
            long[] bits = t.int32Data() == null ? new long[0] : t.int32Data();
            check(file, what, n, bits.length, "int32_data");
            double[] f = new double[n];
            for (int k = 0; k < n; k++) {
                f[k] = type == FLOAT16 ? half((int) bits[k]) : Float.intBitsToFloat((int) bits[k] << 16);
            }
            return new Data(type, t.dims(), f, null);
        }
        if (type == DOUBLE) {
            double[] d = t.doubleData() == null ? new double[0] : t.doubleData();
            check(file, what, n, d.length, "double_data");
            return new Data(type, t.dims(), d.clone(), null);
        }
        long[] src = switch (type) {
            case INT64 -> t.int64Data();
            case UINT32, UINT64 -> t.uint64Data();
            default -> t.int32Data();
        };
        src = src == null ? new long[0] : src;
        check(file, what, n, src.length, type == INT64 ? "int64_data" : type == UINT32 || type == UINT64 ? "uint64_data" : "int32_data");
        long[] i = src.clone();
        if (type != INT64 && type != UINT64) {
            for (int k = 0; k < n; k++) {
                i[k] = (int) i[k];
            }
        }
        return new Data(type, t.dims(), null, i);
    }

    private static void check(String file, String what, int n, int have, String field) {
        if (have != n) {
            throw new McugenException(Diag.MCG_IMPORT_CORRUPT, file, what + " needs " + n + " values but " + field
                    + " holds " + have);
        }
    }

    private static Data fromBytes(int type, long[] dims, int n, ByteBuffer b, String file, String what) {
        b = b.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (isFloatType(type)) {
            double[] f = new double[n];
            for (int k = 0; k < n; k++) {
                f[k] = switch (type) {
                    case FLOAT -> b.getFloat();
                    case DOUBLE -> b.getDouble();
                    case FLOAT16 -> half(b.getShort() & 0xffff);
                    default -> Float.intBitsToFloat((b.getShort() & 0xffff) << 16);
                };
            }
            return new Data(type, dims, f, null);
        }
        long[] i = new long[n];
        for (int k = 0; k < n; k++) {
            i[k] = switch (type) {
                case UINT8 -> b.get() & 0xff;
                case INT8 -> b.get();
                case BOOL -> b.get() != 0 ? 1 : 0;
                case UINT16 -> b.getShort() & 0xffff;
                case INT16 -> b.getShort();
                case INT32 -> b.getInt();
                case UINT32 -> b.getInt() & 0xffffffffL;
                default -> b.getLong();
            };
        }
        return new Data(type, dims, null, i);
    }

    /** IEEE 754 half to float (Java 17 has no Float.float16ToFloat). */
    static float half(int h) {
        int sign = (h >> 15) & 1;
        int exp = (h >> 10) & 0x1f;
        int mant = h & 0x3ff;
        float v;
        if (exp == 0) {
            v = mant * 0x1p-24f;
        } else if (exp == 31) {
            v = mant == 0 ? Float.POSITIVE_INFINITY : Float.NaN;
        } else {
            v = Float.intBitsToFloat(((exp + 112) << 23) | (mant << 13));
        }
        return sign == 1 ? -v : v;
    }

    /**
     * The bytes of an external-data tensor: {@code location} must name a regular file inside the
     * model's folder (relative, no {@code ..}, no symlink leading out) holding {@code offset + length}
     * bytes, and {@code length} must equal what the dims need.
     */
    private static ByteBuffer external(String file, Path dir, String what, OnnxProto.Tensor t, long need) {
        String location = null;
        long offset = 0;
        long length = -1;
        for (OnnxProto.Entry e : t.externalData()) {
            try {
                switch (e.key()) {
                    case "location" -> location = e.value();
                    case "offset" -> offset = Long.parseLong(e.value());
                    case "length" -> length = Long.parseLong(e.value());
                    default -> {
                    }
                }
            } catch (NumberFormatException ex) {
                throw new McugenException(Diag.MCG_IMPORT_EXTERNAL_DATA, file, what + " has external_data "
                        + Text.clip(e.key(), 40) + " = '" + Text.clip(e.value(), 40) + "', not a number");
            }
        }
        if (location == null || location.isEmpty()) {
            throw new McugenException(Diag.MCG_IMPORT_EXTERNAL_DATA, file, what + " is external but names no location");
        }
        String shown = "'" + Text.clip(location, 120) + "'";
        Path rel;
        try {
            rel = Path.of(location);
        } catch (RuntimeException ex) {
            throw new McugenException(Diag.MCG_IMPORT_EXTERNAL_DATA, file, what + " names external file " + shown
                    + ", not a valid path");
        }
        if (rel.isAbsolute() || location.startsWith("/") || location.startsWith("\\") || location.contains(":")) {
            throw new McugenException(Diag.MCG_IMPORT_EXTERNAL_DATA, file, what + " names external file " + shown
                    + " by an absolute path; mcugen reads external data only from inside the model's folder");
        }
        for (Path part : rel) {
            if (part.toString().equals("..")) {
                throw new McugenException(Diag.MCG_IMPORT_EXTERNAL_DATA, file, what + " names external file " + shown
                        + ", which leaves the model's folder");
            }
        }
        Path target = dir.resolve(rel).normalize();
        if (!Files.isRegularFile(target)) {
            throw new McugenException(Diag.MCG_IMPORT_EXTERNAL_DATA, file, what + " names external file " + shown
                    + ", which does not exist beside the model");
        }
        try {
            // Symlinks are followed only as far as they stay inside the model's folder.
            Path realDir = dir.toRealPath();
            Path real = target.toRealPath();
            if (!real.startsWith(realDir) || !target.toRealPath(LinkOption.NOFOLLOW_LINKS).startsWith(realDir)) {
                throw new McugenException(Diag.MCG_IMPORT_EXTERNAL_DATA, file, what + " names external file " + shown
                        + ", a link leading out of the model's folder");
            }
            dev.mcugen.ir.InputFiles.requireRegular(real);
            try (FileChannel ch = FileChannel.open(real, StandardOpenOption.READ)) {
                long fileSize = ch.size();
                if (length < 0) {
                    length = fileSize - offset;
                }
                if (offset < 0 || length < 0 || offset > fileSize || length > fileSize - offset) {
                    throw new McugenException(Diag.MCG_IMPORT_EXTERNAL_DATA, file, what + " reads bytes " + offset
                            + ".." + (offset + length) + " of external file " + shown + ", which holds " + fileSize);
                }
                if (length != need) {
                    throw new McugenException(Diag.MCG_IMPORT_EXTERNAL_DATA, file, what + " has dims "
                            + Arrays.toString(t.dims()) + " (" + need + " bytes) but its external data is " + length + " bytes");
                }
                ByteBuffer b = ByteBuffer.allocate((int) need);
                while (b.hasRemaining()) {
                    if (ch.read(b, offset + b.position()) < 0) {
                        throw new McugenException(Diag.MCG_IMPORT_EXTERNAL_DATA, file, what + ": external file " + shown
                                + " ended early");
                    }
                }
                return b.flip();
            }
        } catch (IOException e) {
            throw new McugenException(Diag.MCG_IMPORT_EXTERNAL_DATA, file, what + ": cannot read external file " + shown
                    + ": " + e.getClass().getSimpleName());
        }
    }
}
