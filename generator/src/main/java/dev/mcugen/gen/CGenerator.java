package dev.mcugen.gen;

import dev.mcugen.ir.Diag;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.quant.QGraph;
import dev.mcugen.scale.QuantizedModel;

import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The C generator (DESIGN §6): lowers the quantized graph to a
 * {@link View.Model} ({@link Lowering}, {@link MemoryPlanner}), renders {@code <id>.h},
 * {@code <id>.c}, {@code CMakeLists.txt} and {@code <id>.mk} from the templates, and adds the
 * runtime sources the model calls ({@code runtime/include/*.h}, {@code runtime/src/*}).
 * Deterministic: the same model and options give byte-identical files.
 */
public final class CGenerator {
    static final String RUNTIME = "/dev/mcugen/gen/runtime/";

    private final Templates templates;

    public CGenerator() {
        this(new Templates());
    }

    public CGenerator(Templates templates) {
        this.templates = templates;
    }

    /** The view model of {@code graph} (for tests and tools). */
    public static View.Model lower(QGraph graph, GenOptions options) {
        return Lowering.lower(graph, options);
    }

    /** Every file of the generated folder, by relative path, sorted. */
    public SortedMap<String, byte[]> generate(QuantizedModel model, GenOptions options) {
        return generate(model.graph(), options);
    }

    public SortedMap<String, byte[]> generate(QGraph graph, GenOptions options) {
        return build(graph, options).files();
    }

    /**
     * The lowered view and the files made from it (one lowering for callers that need both, e.g.
     * to know whether the model streams). The files made from templates are rendered when asked
     * for: {@link #files()} renders them into memory, {@link #write(Path)} straight into the files
     * (a large model's {@code <id>.c} holds several bytes of text per weight, more than a Java array
     * or string can hold for 10^8 weights). Both give the same bytes.
     */
    public static final class Output {
        private final View.Model view;
        private final Templates templates;
        /** Relative path -> template, for the rendered files. */
        private final SortedMap<String, String> rendered;
        /** Relative path -> bytes, for the copied runtime files. */
        private final SortedMap<String, byte[]> copied;

        Output(View.Model view, Templates templates, SortedMap<String, String> rendered, SortedMap<String, byte[]> copied) {
            this.view = view;
            this.templates = templates;
            this.rendered = rendered;
            this.copied = copied;
        }

        /** The view model the files are rendered from. */
        public View.Model view() {
            return view;
        }

        /** Every file of the generated folder, by relative path, sorted (rendered on each call). */
        public SortedMap<String, byte[]> files() {
            SortedMap<String, byte[]> files = new TreeMap<>(copied);
            rendered.forEach((path, template) -> files.put(path, utf8(templates.render(template, view))));
            return Collections.unmodifiableSortedMap(files);
        }

        /** Writes every file under {@code dir} (creating folders), rendering straight into the files. */
        public void write(Path dir) {
            CGenerator.write(copied, dir);
            for (Map.Entry<String, String> e : rendered.entrySet()) {
                Path p = dir.resolve(e.getKey());
                try {
                    Files.createDirectories(p.getParent());
                    // Large buffers: the C of a large model is gigabytes, written in MiB pieces.
                    try (Writer w = new BufferedWriter(new OutputStreamWriter(new BufferedOutputStream(Files.newOutputStream(p),
                            1 << 20), StandardCharsets.UTF_8), 1 << 16)) {
                        templates.render(e.getValue(), view, w);
                    }
                } catch (IOException ex) {
                    throw dev.mcugen.ir.IoFailure.writing(p.toString(), "cannot write", ex);
                }
            }
        }
    }

    /** {@link #generate(QGraph, GenOptions)} together with its view model; the files are rendered on demand. */
    public Output build(QGraph graph, GenOptions options) {
        View.Model m = Lowering.lower(graph, options);
        checkBudget(graph.name(), m.footprint(), options.budget());
        SortedMap<String, String> rendered = new TreeMap<>();
        rendered.put(m.id() + ".h", "model.h.ftl");
        rendered.put(m.id() + ".c", "model.c.ftl");
        rendered.put("CMakeLists.txt", "CMakeLists.txt.ftl");
        rendered.put(m.id() + ".mk", "model.mk.ftl");
        SortedMap<String, byte[]> copied = new TreeMap<>();
        // Only what the model calls: the .c files of its kernels (and of what they call), the
        // headers those reach on this target; m.runtimeSources() is the same selection's .c files.
        RuntimeFiles.Selection files = RuntimeFiles.of(m, options.target());
        for (String f : files.headers()) {
            copied.put(f, resource(f.substring("runtime/".length())));
        }
        for (String s : m.runtimeSources()) {
            copied.put(s, resource(s.substring("runtime/".length())));
        }
        return new Output(m, templates, rendered, copied);
    }

    /**
     * Refuses a model that cannot fit the board: RAM needs the context (arena and state, exact) plus
     * the stack the board keeps; flash needs at least the model's constants (exact; code and the
     * runtime's activation tables come on top, so a model that passes may still fail to link, and
     * the linker then says so).
     */
    static void checkBudget(String model, View.Footprint f, GenOptions.Budget b) {
        if (b == null) {
            return;
        }
        long ram = f.contextBytes() + b.stackBytes();
        boolean ramOver = ram > b.ramBytes();
        boolean flashOver = f.constBytes() > b.flashBytes();
        if (!ramOver && !flashOver) {
            return;
        }
        StringBuilder msg = new StringBuilder("does not fit ").append(b.where()).append(": ");
        if (ramOver) {
            msg.append(String.format(java.util.Locale.ROOT, "needs %,d B of RAM (arena %,d B + recurrent state %,d B + the board's"
                    + " %,d B stack) but the board has %,d B", ram, f.arenaBytes(), f.stateBytes(), b.stackBytes(), b.ramBytes()));
        }
        if (flashOver) {
            msg.append(ramOver ? "; " : "").append(String.format(java.util.Locale.ROOT,
                    "needs at least %,d B of flash for its weights and parameters (before code) but the board has %,d B",
                    f.constBytes(), b.flashBytes()));
        }
        throw new McugenException(Diag.MCG_GEN_TOO_BIG, "model '" + model + "'", msg.toString());
    }

    /** Writes {@code files} under {@code dir} (creating folders). */
    public static void write(Map<String, byte[]> files, Path dir) {
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            Path p = dir.resolve(e.getKey());
            try {
                Files.createDirectories(p.getParent());
                Files.write(p, e.getValue());
            } catch (IOException ex) {
                throw dev.mcugen.ir.IoFailure.writing(p.toString(), "cannot write", ex);
            }
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] resource(String rel) {
        try (InputStream in = CGenerator.class.getResourceAsStream(RUNTIME + rel)) {
            if (in == null) {
                throw new McugenException(Diag.MCG_INTERNAL, "runtime-c/" + rel, "missing from the generator jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new McugenException(Diag.MCG_INTERNAL, "runtime-c/" + rel, "cannot read: " + e.getMessage(), e);
        }
    }
}
