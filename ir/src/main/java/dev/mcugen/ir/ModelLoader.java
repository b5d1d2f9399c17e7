package dev.mcugen.ir;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.mcugen.ir.h5.KerasH5Importer;
import dev.mcugen.ir.json.GraphJson;
import dev.mcugen.ir.onnx.OnnxImporter;
import dev.mcugen.ir.tfjs.TfjsImporter;
import dev.mcugen.ir.tflite.TfliteImporter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Opens a model in any format mcugen reads, telling them apart by content, not by extension, and
 * hands it to that format's importer: the loader only detects and dispatches.
 * <ul>
 *   <li>HDF5 signature {@code \x89HDF\r\n\x1a\n} (at offset 0, 512, 1024 or 2048): a Keras {@code .h5};</li>
 *   <li>zip ({@code PK\x03\x04}) holding {@code config.json} and {@code model.weights.h5} (or Keras'
 *       {@code metadata.json}, so that the importer says what is missing): a Keras 3 {@code .keras} archive;</li>
 *   <li>flatbuffer file identifier {@code TFL3} at bytes 4..8: a {@code .tflite};</li>
 *   <li>protobuf whose first field is {@code ir_version} (field 1, varint) and which holds a
 *       {@code graph} (field 7): an ONNX {@code ModelProto};</li>
 *   <li>a JSON object with {@code modelTopology}: TF.js layers; with {@code "format": "mcugen-graph"}:
 *       mcugen graph JSON.</li>
 * </ul>
 * A folder stands for the {@code model.json} inside it. Anything else is refused with
 * {@link Diag#MCG_IMPORT_UNKNOWN_FORMAT}, saying what the file looks like and what mcugen reads.
 */
public final class ModelLoader {
    /** What the refusal of an unknown file lists. */
    public static final String READS = "mcugen reads Keras .h5 / .keras, TFLite .tflite, ONNX .onnx,"
            + " TF.js layers model.json and mcugen graph JSON";

    private static final byte[] HDF5 = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    private static final int HEAD = 4096;

    private ModelLoader() {
    }

    /** The formats {@link #load} recognizes. */
    public enum Format {
        TFJS_LAYERS("TF.js layers"),
        MCUGEN_GRAPH("mcugen graph JSON"),
        KERAS_H5("Keras HDF5"),
        KERAS_V3("Keras 3 .keras"),
        TFLITE("TFLite"),
        ONNX("ONNX");

        private final String label;

        Format(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** The graph of {@code model}: {@link #open}'s graph. */
    public static Graph load(Path model) {
        return open(model).graph();
    }

    /** Reads {@code model} (a file or a folder holding {@code model.json}) with its format's importer. */
    public static ImportedModel open(Path model) {
        Path file = resolve(model);
        Format format = detect(file);
        return switch (format) {
            case TFJS_LAYERS -> TfjsImporter.open(file);
            case MCUGEN_GRAPH -> GraphJson.open(file);
            case KERAS_H5 -> KerasH5Importer.loadH5(file);
            case KERAS_V3 -> KerasH5Importer.loadKerasArchive(file);
            case TFLITE -> TfliteImporter.load(file);
            case ONNX -> OnnxImporter.load(file);
        };
    }

    /** The model file {@code model} names: itself, or {@code model.json} in a folder. */
    public static Path resolve(Path model) {
        Path file = Files.isDirectory(model) ? model.resolve("model.json") : model;
        if (Files.isDirectory(model) && !Files.isRegularFile(file)) {
            if (Files.isRegularFile(model.resolve("saved_model.pb")) || Files.isRegularFile(model.resolve("saved_model.pbtxt"))) {
                throw new McugenException(Diag.MCG_IMPORT_UNKNOWN_FORMAT, model.toString(),
                        "is a TensorFlow SavedModel folder; " + READS + " (save the Keras model with model.save('model.keras'),"
                                + " or convert it to a float .tflite)");
            }
        }
        if (Files.exists(file)) {
            InputFiles.requireRegular(file);
        }
        if (!Files.isRegularFile(file)) {
            throw new McugenException(Diag.MCG_IO_NOT_FOUND, file.toString(),
                    "no such model file; give a .h5, .keras, .tflite, .onnx or model.json file (or a folder holding model.json)");
        }
        return file;
    }

    /** Tells the format of {@code file} from its content. */
    public static Format detect(Path file) {
        byte[] head = head(file);
        if (hasHdf5Signature(head)) {
            return Format.KERAS_H5;
        }
        if (startsWith(head, new byte[] {'P', 'K', 3, 4}) || startsWith(head, new byte[] {'P', 'K', 5, 6})) {
            return zipFormat(file);
        }
        if (head.length >= 8 && head[4] == 'T' && head[5] == 'F' && head[6] == 'L' && head[7] == '3') {
            return Format.TFLITE;
        }
        int first = firstNonSpace(head);
        if (first >= 0 && head[first] == '{') {
            return jsonFormat(file);
        }
        if (looksLikeOnnx(head, file)) {
            return Format.ONNX;
        }
        throw new McugenException(Diag.MCG_IMPORT_UNKNOWN_FORMAT, file.toString(), "is " + describe(head) + "; " + READS);
    }

    private static byte[] head(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(HEAD);
        } catch (IOException e) {
            throw new McugenException(Diag.MCG_IO_FAILED, file.toString(), "cannot be read: " + e.getMessage(), e);
        }
    }

    /** HDF5 looks for its superblock at 0 and at every power of two from 512 on; Keras writes it at 0. */
    private static boolean hasHdf5Signature(byte[] head) {
        for (int at : new int[] {0, 512, 1024, 2048}) {
            if (head.length >= at + HDF5.length && Arrays.equals(head, at, at + HDF5.length, HDF5, 0, HDF5.length)) {
                return true;
            }
        }
        return false;
    }

    private static Format zipFormat(Path file) {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            boolean config = zip.getEntry("config.json") != null;
            boolean weights = zip.getEntry("model.weights.h5") != null;
            // config.json with Keras' metadata.json is a .keras archive even when its weights are missing:
            // the importer then says what is missing.
            if (config && (weights || zip.getEntry("metadata.json") != null)) {
                return Format.KERAS_V3;
            }
            String what;
            if (zip.stream().map(ZipEntry::getName).anyMatch(n -> n.endsWith("data.pkl"))) {
                what = "a PyTorch checkpoint (zip with data.pkl); export it with torch.onnx.export and give the .onnx";
            } else if (config) {
                what = "a zip archive with config.json but no model.weights.h5 (a .keras archive saved without weights?)";
            } else {
                what = "a zip archive that is not a Keras 3 .keras file (no config.json and model.weights.h5)";
            }
            throw new McugenException(Diag.MCG_IMPORT_UNKNOWN_FORMAT, file.toString(), "is " + what + "; " + READS);
        } catch (IOException e) {
            throw new McugenException(Diag.MCG_IMPORT_ARCHIVE, file.toString(), "starts like a zip archive but cannot be"
                    + " read as one (" + oneLine(e.getMessage()) + ")", e);
        }
    }

    /** Looks at the top-level keys of the JSON object in {@code file} (streaming, weights not parsed). */
    private static Format jsonFormat(Path file) {
        try (JsonParser p = new JsonFactory().createParser(file.toFile())) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw notAModel(file);
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                JsonToken value = p.nextToken();
                if (key.equals("modelTopology")) {
                    return Format.TFJS_LAYERS;
                }
                if (key.equals("format") && value == JsonToken.VALUE_STRING) {
                    String f = p.getText();
                    if (f.equals("mcugen-graph")) {
                        return Format.MCUGEN_GRAPH;
                    }
                    if (!f.equals("layers-model")) {
                        throw new McugenException(Diag.MCG_IMPORT_FORMAT, file.toString(), "is a '" + Text.clip(f, 40)
                                + "' model; " + READS
                                + (f.equals("graph-model") ? " (a TF.js graph model has no layers: give the Keras .h5 / .keras it came from)" : ""));
                    }
                }
                p.skipChildren();
            }
            throw notAModel(file);
        } catch (IOException e) {
            throw new McugenException(Diag.MCG_IMPORT_JSON, file.toString(), "is not valid JSON: "
                    + oneLine(e.getMessage()), e);
        }
    }

    /**
     * An ONNX ModelProto starts with {@code ir_version} (tag 0x08) in every exporter we know of; a
     * protobuf field walk over the first bytes must then find only valid tags, and the whole-file walk
     * {@link OnnxImporter} does tells a broken file apart. Files named {@code .onnx} go to the importer
     * whatever their first byte, so that a broken one gets the importer's precise error.
     */
    private static boolean looksLikeOnnx(byte[] head, Path file) {
        if (file.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".onnx")) {
            return true;
        }
        return head.length >= 2 && head[0] == 0x08 && (head[1] & 0x80) == 0 && head[1] >= 3 && head[1] <= 12
                && plausibleProtobuf(head);
    }

    /** Walks top-level protobuf fields over {@code head}: every tag valid, field numbers within ModelProto's. */
    private static boolean plausibleProtobuf(byte[] head) {
        int i = 0;
        int fields = 0;
        while (i < head.length) {
            long[] tag = varint(head, i);
            if (tag == null) {
                return fields >= 2;
            }
            i = (int) tag[1];
            int wire = (int) (tag[0] & 7);
            long number = tag[0] >>> 3;
            if (number < 1 || number > 20) {
                return false;
            }
            switch (wire) {
                case 0 -> {
                    long[] v = varint(head, i);
                    if (v == null) {
                        return fields >= 2;
                    }
                    i = (int) v[1];
                }
                case 2 -> {
                    long[] len = varint(head, i);
                    if (len == null) {
                        return fields >= 2;
                    }
                    if (len[0] < 0) {
                        return false;
                    }
                    long next = len[1] + len[0];
                    if (next > head.length) {
                        return fields >= 1;
                    }
                    i = (int) next;
                }
                default -> {
                    return false;
                }
            }
            fields++;
        }
        return fields >= 2;
    }

    /** {value, next index} of the varint at {@code i}, or null if it runs past {@code b}. */
    private static long[] varint(byte[] b, int i) {
        long v = 0;
        for (int shift = 0; shift < 64 && i < b.length; shift += 7) {
            int x = b[i++];
            v |= (long) (x & 0x7f) << shift;
            if ((x & 0x80) == 0) {
                return new long[] {v, i};
            }
        }
        return null;
    }

    /** A few words on what a file mcugen does not read looks like. */
    private static String describe(byte[] head) {
        if (head.length == 0) {
            return "empty";
        }
        if (startsWith(head, new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'})) {
            return "a NumPy .npy array, not a model (give data with --data / --calibration)";
        }
        if (startsWith(head, new byte[] {0x1f, (byte) 0x8b})) {
            return "gzip-compressed; unpack it first";
        }
        if (head[0] == (byte) 0x80 && head.length > 1 && head[1] >= 2 && head[1] <= 5) {
            return "a Python pickle (a PyTorch .pt / .pth or scikit-learn file?); export PyTorch models with"
                    + " torch.onnx.export and give the .onnx";
        }
        if (startsWith(head, new byte[] {0x7f, 'E', 'L', 'F'})) {
            return "an ELF executable, not a model";
        }
        if (head.length >= 8 && head[4] == 'T' && head[5] == 'F' && head[6] == 'L') {
            return "a TFLite flatbuffer of an unknown schema version ('" + new String(head, 4, 4, StandardCharsets.ISO_8859_1)
                    .replaceAll("[^\\x20-\\x7e]", "?") + "')";
        }
        int first = firstNonSpace(head);
        if (first >= 0 && head[first] == '[') {
            return "a JSON array, not a model file";
        }
        if (isText(head)) {
            return "a text file that is not a JSON model";
        }
        return "a binary file of no format mcugen knows (no HDF5, zip, TFLite or ONNX signature)";
    }

    private static boolean isText(byte[] head) {
        for (byte b : head) {
            if (b == 0 || (b < 0x20 && b != '\n' && b != '\r' && b != '\t')) {
                return false;
            }
        }
        return true;
    }

    private static int firstNonSpace(byte[] head) {
        int i = 0;
        if (startsWith(head, new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf})) {
            i = 3;
        }
        for (; i < head.length; i++) {
            if (head[i] != ' ' && head[i] != '\n' && head[i] != '\r' && head[i] != '\t') {
                return i;
            }
        }
        return -1;
    }

    private static boolean startsWith(byte[] head, byte[] prefix) {
        return head.length >= prefix.length && Arrays.equals(head, 0, prefix.length, prefix, 0, prefix.length);
    }

    private static String oneLine(String s) {
        return s == null ? "" : Text.clip(s.replaceAll("\\s*\\R.*", ""), 200);
    }

    private static McugenException notAModel(Path file) {
        return new McugenException(Diag.MCG_IMPORT_FORMAT, file.toString(),
                "is a JSON object that is neither a TF.js layers model (no 'modelTopology') nor an mcugen graph"
                        + " (no \"format\": \"mcugen-graph\"); " + READS);
    }
}
