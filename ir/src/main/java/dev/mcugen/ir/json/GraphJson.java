package dev.mcugen.ir.json;

import dev.mcugen.ir.Diag;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.ImportedModel;
import dev.mcugen.ir.ModelLoader;
import dev.mcugen.ir.McugenException;

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;

/**
 * mcugen's own graph JSON ({@code "format": "mcugen-graph"}): everything the IR holds, including
 * the LSTM variants Keras cannot express, in a file meant to be written by hand or by scripts.
 * The format is specified in {@code docs/model-format.md}.
 *
 * <p>Reading is strict: anything unknown, mistyped, missing or inconsistent fails with a one-line
 * {@link McugenException} naming the file, the layer and the field. Writing is canonical: the same
 * graph always gives the same bytes, and reading them back gives an equal graph (floats included,
 * bit for bit).
 */
public final class GraphJson {
    /** The value of the {@code "format"} key. */
    public static final String FORMAT = "mcugen-graph";
    /** The format version this class reads and writes. */
    public static final int VERSION = 1;

    private GraphJson() {
    }

    /** How {@code write} stores weight values; one encoding for every tensor of a file. */
    public enum WeightEncoding {
        /**
         * {@code "data": [...]}, JSON numbers, row-major, in the shortest decimal that reads back
         * as the same float32: exact, readable, diffable. The default.
         */
        NUMBERS,
        /** {@code "data_base64": "..."}, little-endian float32 bytes in base64: exact, about half the size. */
        BASE64,
        /**
         * {@code "file": "<stem>.weights.bin", "offset": N}: raw little-endian float32 in one file beside
         * the JSON, for large models. Only for {@link #write(Graph, Path, WeightEncoding)}.
         */
        EXTERNAL
    }

    // --- reading -----------------------------------------------------------------------------

    /** Reads a graph file; external weight files are looked up in the file's folder. */
    public static Graph read(Path file) {
        Path abs = file.toAbsolutePath();
        String source = file.toString();
        try (InputStream in = Files.newInputStream(abs)) {
            return read(in, source, abs.getParent());
        } catch (NoSuchFileException e) {
            throw new McugenException(Diag.MCG_IO_NOT_FOUND, source, "does not exist");
        } catch (IOException e) {
            throw new McugenException(Diag.MCG_IO_FAILED, source, "cannot be read: " + e.getMessage(), e);
        }
    }

    /** Reads a graph file with the {@code source_layout} it states (if any), as the model loader does. */
    public static ImportedModel open(Path file) {
        Path abs = file.toAbsolutePath();
        String source = file.toString();
        try (InputStream in = Files.newInputStream(abs);
             GraphJsonReader r = new GraphJsonReader(source, abs.getParent().normalize())) {
            Graph g = r.read(JsonTree.parse(in, source));
            return new ImportedModel(g, ModelLoader.Format.MCUGEN_GRAPH, Map.of(), r.sourceLayout());
        } catch (NoSuchFileException e) {
            throw new McugenException(Diag.MCG_IO_NOT_FOUND, source, "does not exist");
        } catch (IOException e) {
            throw new McugenException(Diag.MCG_IO_FAILED, source, "cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * Reads a graph from a stream (not closed here).
     *
     * @param source  name used in messages, usually the file name
     * @param baseDir folder external weight files are resolved in, or {@code null} to refuse them
     */
    public static Graph read(InputStream in, String source, Path baseDir) {
        Path base = baseDir == null ? null : baseDir.toAbsolutePath().normalize();
        try (GraphJsonReader r = new GraphJsonReader(source, base)) {
            return r.read(JsonTree.parse(in, source));
        } catch (IOException e) {
            throw new McugenException(Diag.MCG_IO_FAILED, source, "cannot be read: " + e.getMessage(), e);
        }
    }

    /** Reads a graph from a JSON string; {@code source} names it in messages. External weights are refused. */
    public static Graph fromJson(String json, String source) {
        return read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), source, null);
    }

    /** {@link #fromJson(String, String)} with the source called {@code <string>}. */
    public static Graph fromJson(String json) {
        return fromJson(json, "<string>");
    }

    // --- writing -----------------------------------------------------------------------------

    /** The graph as canonical JSON text with weights as JSON numbers. */
    public static String toJson(Graph g) {
        return toJson(g, WeightEncoding.NUMBERS);
    }

    /** The graph as canonical JSON text; {@code encoding} is NUMBERS or BASE64. */
    public static String toJson(Graph g, WeightEncoding encoding) {
        requireInline(encoding);
        StringWriter sw = new StringWriter();
        try {
            new GraphJsonWriter(sw, encoding, null, null).write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return sw.toString();
    }

    /** Writes canonical UTF-8 JSON to {@code out} (flushed, not closed); {@code encoding} is NUMBERS or BASE64. */
    public static void write(Graph g, OutputStream out, WeightEncoding encoding) throws IOException {
        requireInline(encoding);
        Writer w = new OutputStreamWriter(new BufferedOutputStream(out, 1 << 16), StandardCharsets.UTF_8);
        new GraphJsonWriter(w, encoding, null, null).write(g);
        w.flush();
    }

    /** {@link #write(Graph, OutputStream, WeightEncoding)} with weights as JSON numbers. */
    public static void write(Graph g, OutputStream out) throws IOException {
        write(g, out, WeightEncoding.NUMBERS);
    }

    /** Writes {@code file} with weights as JSON numbers. */
    public static void write(Graph g, Path file) {
        write(g, file, WeightEncoding.NUMBERS);
    }

    /**
     * Writes {@code file} (and, for {@link WeightEncoding#EXTERNAL}, {@link #externalWeightsName} beside
     * it). Each file is written to a temporary sibling first and moved into place when complete.
     */
    public static void write(Graph g, Path file, WeightEncoding encoding) {
        write(g, Map.of(), file, encoding);
    }

    /**
     * {@link #write(Graph, Path, WeightEncoding)}, recording the axis order the source framework gives
     * and takes data in ({@code "source_layout"}, see {@link ImportedModel#sourceLayout()}) so that the
     * JSON takes the same {@code .npy} files as the model it was converted from.
     */
    public static void write(Graph g, Map<String, List<Integer>> sourceLayout, Path file, WeightEncoding encoding) {
        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        Path tmpJson = null;
        Path tmpBin = null;
        try {
            Files.createDirectories(dir);
            tmpJson = tempSibling(dir, abs.getFileName().toString());
            String binName = null;
            if (encoding == WeightEncoding.EXTERNAL) {
                binName = externalWeightsName(abs);
                tmpBin = tempSibling(dir, binName);
            }
            try (OutputStream jo = Files.newOutputStream(tmpJson, StandardOpenOption.WRITE);
                 Writer w = new OutputStreamWriter(new BufferedOutputStream(jo, 1 << 16), StandardCharsets.UTF_8);
                 OutputStream bo = tmpBin == null ? null : new BufferedOutputStream(
                         Files.newOutputStream(tmpBin, StandardOpenOption.WRITE), 1 << 16)) {
                new GraphJsonWriter(w, encoding, binName, bo).write(g, sourceLayout);
            }
            if (tmpBin != null) {
                move(tmpBin, dir.resolve(binName));
                tmpBin = null;
            }
            move(tmpJson, abs);
            tmpJson = null;
        } catch (IOException e) {
            throw dev.mcugen.ir.IoFailure.writing(file.toString(), "cannot be written", e);
        } finally {
            deleteQuietly(tmpJson);
            deleteQuietly(tmpBin);
        }
    }

    /** The external weight file that {@code write(g, jsonFile, EXTERNAL)} creates: {@code <stem>.weights.bin}. */
    public static String externalWeightsName(Path jsonFile) {
        String n = jsonFile.getFileName().toString();
        String stem = n.endsWith(".json") ? n.substring(0, n.length() - 5) : n;
        return stem + ".weights.bin";
    }

    private static void requireInline(WeightEncoding encoding) {
        if (encoding == WeightEncoding.EXTERNAL) {
            throw new IllegalArgumentException("EXTERNAL weights need a file: use write(Graph, Path, WeightEncoding)");
        }
    }

    /**
     * An empty new file {@code .<name>.<random>.tmp} in {@code dir}, created with the default permissions
     * (unlike {@code Files.createTempFile}, whose owner-only mode would survive the final move).
     */
    private static Path tempSibling(Path dir, String name) throws IOException {
        for (int attempt = 0; ; attempt++) {
            Path p = dir.resolve("." + name + "." + Long.toUnsignedString(RANDOM.nextLong(), 36) + ".tmp");
            try {
                Files.newOutputStream(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
                return p;
            } catch (FileAlreadyExistsException e) {
                if (attempt > 100) {
                    throw e;
                }
            }
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // best effort: a stray temporary file is harmless
            }
        }
    }
}
