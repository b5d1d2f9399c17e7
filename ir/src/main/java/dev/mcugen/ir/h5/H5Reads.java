package dev.mcugen.ir.h5;

import dev.mcugen.ir.Diag;
import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.Text;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Node;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads HDF5 attributes and datasets (through jhdf) the way Keras writes them, with every size checked
 * against the file before anything is allocated from it.
 */
final class H5Reads {
    /** Deflate's best ratio is about 1032:1; a filtered dataset claiming more than that is not believed. */
    private static final long MAX_INFLATION = 1032;

    private H5Reads() {
    }

    /**
     * A string attribute: h5py writes {@code str} values as variable-length strings, {@code numpy.bytes_}
     * as fixed-length ones, some writers as a one-element array or raw bytes. Null if absent.
     */
    static String string(Node node, String name, long fileSize) {
        Attribute a = node.getAttribute(name);
        if (a == null) {
            return null;
        }
        checkSize(a.getSizeInBytes(), fileSize, "attribute '" + name + "'");
        Object data = a.getData();
        if (data instanceof String s) {
            return s;
        }
        if (data instanceof String[] s && s.length == 1) {
            return s[0];
        }
        if (data instanceof byte[] b) {
            return new String(b, StandardCharsets.UTF_8);
        }
        throw new McugenException(Diag.MCG_IMPORT_CORRUPT, "attribute '" + name + "'",
                "is a " + describe(data) + ", not a string");
    }

    /**
     * A list-of-strings attribute that Keras splits into {@code name0}, {@code name1}, ... when it would
     * exceed HDF5's 64 KiB attribute limit ({@code save_attributes_to_hdf5_group}); null if absent.
     */
    static List<String> chunkedStrings(Node node, String name, long fileSize) {
        List<String> whole = strings(node, name, fileSize);
        if (whole != null || node.getAttribute(name + "0") == null) {
            return whole;
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; node.getAttribute(name + i) != null; i++) {
            out.addAll(strings(node, name + i, fileSize));
        }
        return out;
    }

    /** A list-of-strings attribute ({@code weight_names}); h5py writes an empty list as an empty float array. */
    static List<String> strings(Node node, String name, long fileSize) {
        Attribute a = node.getAttribute(name);
        if (a == null) {
            return null;
        }
        checkSize(a.getSizeInBytes(), fileSize, "attribute '" + name + "' of '" + Text.clip(node.getPath(), 80) + "'");
        List<String> out = new ArrayList<>();
        if (a.isEmpty()) {
            return out;
        }
        Object data = a.getData();
        if (data == null) {
            return out;
        }
        if (data instanceof String s) {
            out.add(s);
        } else if (data instanceof String[] s) {
            out.addAll(List.of(s));
        } else if (data != null && data.getClass().isArray() && java.lang.reflect.Array.getLength(data) == 0) {
            return out;
        } else {
            throw new McugenException(Diag.MCG_IMPORT_CORRUPT, "attribute '" + name + "' of '"
                    + Text.clip(node.getPath(), 80) + "'", "is a " + describe(data) + ", not a list of names");
        }
        return out;
    }

    /**
     * A weight dataset as float32: float64 and float16 values converted (Keras stores the variable's dtype),
     * integer datasets refused. {@code who} names layer and weight for errors.
     */
    static FloatTensor floats(Dataset d, long fileSize, String who) {
        int[] dims = d.getDimensions();
        long count = 1;
        for (int n : dims) {
            if (n < 0) {
                throw new McugenException(Diag.MCG_IMPORT_CORRUPT, who, "has a negative dimension");
            }
            count *= n;
            if (count > Integer.MAX_VALUE) {
                throw new McugenException(Diag.MCG_IMPORT_CORRUPT, who, "claims " + count
                        + "+ elements, more than 2^31");
            }
        }
        Class<?> type = d.getJavaType();
        if (type != float.class && type != double.class) {
            throw new McugenException(Diag.MCG_IMPORT_CORRUPT, who, "holds " + (type == null ? "values of no known type"
                    : type.getSimpleName() + " values") + "; Keras weights are float32 (float16 and float64 are converted)");
        }
        long bytes = d.getSizeInBytes();
        if (d.getFilters().isEmpty()) {
            checkSize(bytes, fileSize, who);
        } else if (bytes > MAX_INFLATION * Math.max(1, d.getStorageInBytes()) || d.getStorageInBytes() > fileSize) {
            throw new McugenException(Diag.MCG_IMPORT_CORRUPT, who, "claims " + bytes + " bytes from "
                    + d.getStorageInBytes() + " stored in a file of " + fileSize + " bytes");
        }
        Object flat = count == 0 ? new float[0] : d.getDataFlat();
        float[] v;
        if (flat instanceof float[] f) {
            v = f;
        } else if (flat instanceof double[] g) {
            v = new float[g.length];
            for (int i = 0; i < g.length; i++) {
                v[i] = (float) g[i];
            }
        } else {
            throw new McugenException(Diag.MCG_IMPORT_CORRUPT, who, "holds " + describe(flat) + ", not floats");
        }
        if (v.length != count) {
            throw new McugenException(Diag.MCG_IMPORT_CORRUPT, who, "holds " + v.length + " values for shape "
                    + java.util.Arrays.toString(dims));
        }
        return FloatTensor.of(Shape.of(dims), v);
    }

    /** Refuses a size that the file cannot hold, before the bytes are allocated. */
    static void checkSize(long bytes, long fileSize, String who) {
        if (bytes < 0 || bytes > fileSize) {
            throw new McugenException(Diag.MCG_IMPORT_CORRUPT, who, "claims " + bytes + " bytes in a file of "
                    + fileSize + " bytes");
        }
    }

    private static String describe(Object data) {
        return data == null ? "null" : data.getClass().isArray()
                ? data.getClass().getComponentType().getSimpleName() + " array" : data.getClass().getSimpleName();
    }
}
