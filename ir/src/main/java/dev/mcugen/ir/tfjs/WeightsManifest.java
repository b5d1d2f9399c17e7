package dev.mcugen.ir.tfjs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcugen.ir.Diag;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code weightsManifest} of a TF.js {@code model.json} (tfjs-core {@code io/types.ts},
 * {@code WeightsManifestConfig}): a list of groups {@code {"paths": [...], "weights": [...]}}. A group's
 * bytes are its shard files concatenated in {@code paths} order; its weights lie back to back in
 * that buffer in manifest order, with no padding. Each weight is {@code {"name", "shape", "dtype"}}
 * plus optional {@code "group"} ({@code "optimizer"} marks optimizer state, which TF.js loads apart
 * from the model and mcugen skips) and optional {@code "quantization"} (see {@link Encoding}).
 */
final class WeightsManifest {
    private WeightsManifest() {
    }

    /** The value type a weight has once decoded ({@code dtype} in the manifest). */
    enum ValueType {
        FLOAT32, INT32
    }

    /**
     * How a weight's values are stored. As tfjs-core {@code io_utils.decodeWeight}, which is the reference:
     * <ul>
     *   <li>{@code RAW}: the dtype's own little-endian encoding, 4 bytes per value;</li>
     *   <li>{@code UINT8} / {@code UINT16} ({@code quantization: {"dtype", "scale", "min"}}, the converter's
     *       {@code --quantize_uint8/uint16}): little-endian unsigned q, value {@code q * scale + min}
     *       evaluated in double precision, then stored as float32 (for an int32 weight:
     *       {@code Math.round(q * scale + min)});</li>
     *   <li>{@code FLOAT16} ({@code quantization: {"dtype": "float16"}}, float32 weights only): IEEE
     *       binary16, widened exactly.</li>
     * </ul>
     */
    enum Encoding {
        RAW(4), UINT8(1), UINT16(2), FLOAT16(2);

        final int bytesPerValue;

        Encoding(int bytesPerValue) {
            this.bytesPerValue = bytesPerValue;
        }
    }

    /** One weight of the manifest; {@code scale} and {@code min} only matter for UINT8 / UINT16. */
    record Entry(String name, Shape shape, ValueType type, Encoding encoding, double scale, double min,
                 boolean optimizer) {
        long byteLength() {
            return (long) shape.size() * encoding.bytesPerValue;
        }

        String subject() {
            return "weight '" + name + "'";
        }
    }

    /** One manifest group: its shard paths (relative to the model folder) and its weights. */
    record Group(int index, List<String> paths, List<Entry> entries) {
        Group {
            paths = List.copyOf(paths);
            entries = List.copyOf(entries);
        }

        long byteLength() {
            return entries.stream().mapToLong(Entry::byteLength).sum();
        }

        /** {@code weightsManifest[0] (group1-shard1of2.bin, group1-shard2of2.bin)}, long lists abridged. */
        String subject() {
            String files = paths.size() <= 3 ? String.join(", ", paths)
                    : paths.get(0) + " ... " + paths.get(paths.size() - 1) + ", " + paths.size() + " shards";
            return "weightsManifest[" + index + "] (" + files + ")";
        }
    }

    /** Reads and checks the manifest: names, shapes, dtypes and quantization of every weight. */
    static List<Group> parse(JsonNode manifest) {
        if (manifest == null || !manifest.isArray()) {
            throw format("weightsManifest", "is missing or not a list; a layers-model model.json lists its weight groups there");
        }
        List<Group> groups = new ArrayList<>();
        for (int g = 0; g < manifest.size(); g++) {
            String where = "weightsManifest[" + g + "]";
            JsonNode group = manifest.get(g);
            JsonNode paths = group.get("paths");
            JsonNode weights = group.get("weights");
            if (paths == null || !paths.isArray() || weights == null || !weights.isArray()) {
                throw format(where, "needs a 'paths' list and a 'weights' list");
            }
            List<String> p = new ArrayList<>();
            for (JsonNode path : paths) {
                if (!path.isTextual() || path.textValue().isEmpty()) {
                    throw format(where, "has a shard path that is not a file name: " + path);
                }
                p.add(path.textValue());
            }
            List<Entry> entries = new ArrayList<>();
            for (JsonNode w : weights) {
                entries.add(entry(where, w));
            }
            groups.add(new Group(g, p, entries));
        }
        return groups;
    }

    private static Entry entry(String where, JsonNode w) {
        JsonNode nameNode = w.get("name");
        if (nameNode == null || !nameNode.isTextual() || nameNode.textValue().isEmpty()) {
            throw format(where, "has a weight without a name: " + w);
        }
        String name = nameNode.textValue();
        String who = "weight '" + name + "'";
        Shape shape = shape(who, w.get("shape"));
        String dtype = w.path("dtype").asText("");
        ValueType type;
        if (dtype.equals("float32")) {
            type = ValueType.FLOAT32;
        } else if (dtype.equals("int32")) {
            type = ValueType.INT32;
        } else {
            throw new McugenException(Diag.MCG_IMPORT_WEIGHT_DTYPE, who, "has dtype '" + dtype
                    + "'; mcugen reads float32 and int32 weights, so export the model with float32 weights");
        }
        boolean optimizer = "optimizer".equals(w.path("group").asText(""));
        JsonNode q = w.get("quantization");
        if (q == null || q.isNull()) {
            return new Entry(name, shape, type, Encoding.RAW, 1, 0, optimizer);
        }
        String qType = q.path("dtype").asText("");
        switch (qType) {
            case "uint8":
            case "uint16": {
                JsonNode scale = q.get("scale");
                JsonNode min = q.get("min");
                if (scale == null || !scale.isNumber() || min == null || !min.isNumber()
                        || !Double.isFinite(scale.doubleValue()) || !Double.isFinite(min.doubleValue())) {
                    throw new McugenException(Diag.MCG_IMPORT_QUANTIZATION, who, qType
                            + " quantization needs finite numbers 'scale' and 'min', got " + q);
                }
                Encoding e = qType.equals("uint8") ? Encoding.UINT8 : Encoding.UINT16;
                return new Entry(name, shape, type, e, scale.doubleValue(), min.doubleValue(), optimizer);
            }
            case "float16":
                if (type != ValueType.FLOAT32) {
                    throw new McugenException(Diag.MCG_IMPORT_QUANTIZATION, who,
                            "float16 quantization applies to float32 weights only, this one is " + dtype);
                }
                return new Entry(name, shape, type, Encoding.FLOAT16, 1, 0, optimizer);
            default:
                throw new McugenException(Diag.MCG_IMPORT_QUANTIZATION, who, "has quantization dtype '" + qType
                        + "'; TF.js defines uint8, uint16 (affine: q * scale + min) and float16");
        }
    }

    private static Shape shape(String who, JsonNode s) {
        if (s == null || !s.isArray()) {
            throw format(who, "has no 'shape' list");
        }
        int[] dims = new int[s.size()];
        long size = 1;
        for (int i = 0; i < dims.length; i++) {
            JsonNode d = s.get(i);
            if (!d.isIntegralNumber() || !d.canConvertToInt() || d.intValue() < 0) {
                throw new McugenException(Diag.MCG_IMPORT_WEIGHT_SHAPE, who, "has shape " + s
                        + "; dimensions must be non-negative integers");
            }
            dims[i] = d.intValue();
            size *= dims[i];
            if (size > Integer.MAX_VALUE) {
                throw new McugenException(Diag.MCG_IMPORT_WEIGHT_SHAPE, who, "has shape " + s + ", too large for mcugen");
            }
        }
        return Shape.of(dims);
    }

    private static McugenException format(String where, String detail) {
        return new McugenException(Diag.MCG_IMPORT_FORMAT, where, detail);
    }
}
