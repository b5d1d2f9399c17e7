package dev.mcugen.gen;

import dev.mcugen.ir.Diag;
import dev.mcugen.ir.McugenException;
import dev.mcugen.scale.QuantOptions;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Which runtime files a generated model needs, derived from the runtime's own text, never from a
 * list kept by hand: the {@code .c} files defining the functions the model calls, then, file by
 * file, the {@code .c} files defining what those use (a kernel calling the table sigmoid, the
 * table it reads), and the headers their {@code #include "..."} lines reach. An include inside
 * {@code #if} is followed when the condition can hold on the target, or in a portable build
 * ({@code -DMCU_MATVEC_PORTABLE}) on any compiler: the SIMD paths' headers come only for their
 * target (the NEON header for {@code neon}, the Cortex-M DSP header for a core with the DSP
 * extension), everything the portable C needs always. A condition on anything else
 * ({@code __OPTIMIZE_SIZE__}, {@code __GNUC__}) counts as possibly true, so every build of the
 * folder finds its files.
 */
public final class RuntimeFiles {
    /**
     * The files of one model.
     *
     * @param sources the runtime {@code .c} files, {@code runtime/src/<file>.c}, sorted
     * @param headers the headers they and the model include, {@code runtime/include/*.h} and
     *                {@code runtime/src/*.h}, sorted
     */
    public record Selection(List<String> sources, List<String> headers) {
        public Selection {
            sources = List.copyOf(sources);
            headers = List.copyOf(headers);
        }
    }

    private static final Pattern INCLUDE = Pattern.compile("^\\s*#\\s*include\\s*\"([^\"]+)\"");
    private static final Pattern DIRECTIVE = Pattern.compile("^\\s*#\\s*(ifdef|ifndef|if|elif|else|endif|define)\\b(.*)$");
    private static final Pattern IDENT = Pattern.compile("\\b(mcu_[A-Za-z0-9_]+)\\b");
    /** A definition with external linkage at the start of a line: {@code type mcu_name(} or {@code type mcu_name[}. */
    private static final Pattern DEFINITION = Pattern.compile(
            "^(?!static\\b|extern\\b|typedef\\b)[A-Za-z_][A-Za-z0-9_ ]*[\\s*]+(mcu_[A-Za-z0-9_]+)\\s*[(\\[]", Pattern.MULTILINE);

    /**
     * The architecture macros the SIMD paths test, and what the compiler for each target defines
     * ({@code true}) or not ({@code false}); a macro a target does not list may be either. The
     * figures are gcc's for the {@code -mcpu} of each target's board ({@code RuntimeFilesTest}
     * checks them against the installed compilers). {@code host} is any desktop compiler: it may
     * be an arm64 machine, so its NEON macros may be either.
     */
    /** The macro a user defines to compile the portable C paths only (no SIMD header is read then). */
    static final String PORTABLE = "MCU_MATVEC_PORTABLE";

    static final List<String> ARCH_MACROS = List.of("__arm__", "__aarch64__", "__ARM_NEON", "__ARM_FEATURE_DSP",
            "__ARM_ARCH_6M__", "__ARM_ARCH_7M__", "__ARM_ARCH_7EM__", "__ARM_ARCH_8M_MAIN__");

    static Map<String, Boolean> predefined(QuantOptions.Target target) {
        List<String> defined = switch (target) {
            // java: the twin is written instead of the C, whose file set is then that of a host build.
            case HOST, JAVA -> List.of();
            case CORTEX_M0 -> List.of("__arm__", "__ARM_ARCH_6M__");
            case CORTEX_M3 -> List.of("__arm__", "__ARM_ARCH_7M__");
            case CORTEX_M4, CORTEX_M7 -> List.of("__arm__", "__ARM_ARCH_7EM__", "__ARM_FEATURE_DSP");
            case CORTEX_M33, CORTEX_M55 -> List.of("__arm__", "__ARM_ARCH_8M_MAIN__", "__ARM_FEATURE_DSP");
            case NEON -> List.of("__aarch64__", "__ARM_NEON");
        };
        Map<String, Boolean> m = new HashMap<>();
        for (String a : ARCH_MACROS) {
            m.put(a, defined.contains(a));
        }
        if (target == QuantOptions.Target.HOST || target == QuantOptions.Target.JAVA) {
            m.remove("__aarch64__");
            m.remove("__ARM_NEON");
        }
        return m;
    }

    /** The runtime's text, read once: relative path ({@code src/x.c}, {@code include/y.h}) -> text without comments. */
    private static volatile Index index;

    private record Index(Map<String, String> text, Map<String, String> definedIn) {
    }

    private RuntimeFiles() {
    }

    /** Every function the model's code calls: {@code _invoke}'s steps and, when it streams, {@code _step}'s. */
    static SortedSet<String> calledFunctions(List<View.Step> steps, View.Stream stream) {
        SortedSet<String> f = new TreeSet<>();
        List<View.Step> all = new ArrayList<>(steps);
        if (stream != null) {
            all.addAll(stream.seqSteps());
            all.addAll(stream.tailSteps());
            if (stream.pair() != null) {
                f.add(stream.pair().input2().function());
                all.addAll(stream.pair().preSteps());
            }
        }
        all.forEach(s -> s.calls().forEach(c -> f.add(c.function())));
        return f;
    }

    /** {@link #select} for a lowered model. */
    public static Selection of(View.Model m, QuantOptions.Target target) {
        return select(calledFunctions(m.steps(), m.stream()), target);
    }

    /**
     * The files a model calling {@code functions} needs on {@code target}. A function that no
     * runtime file defines is the C library's (e.g. {@code memcpy}) and needs none.
     */
    public static Selection select(Collection<String> functions, QuantOptions.Target target) {
        Index ix = index();
        // The target's build (its fast paths) and a portable build anywhere (-DMCU_MATVEC_PORTABLE on
        // any compiler): the folder holds what either needs.
        List<Map<String, Boolean>> macros = List.of(predefined(target), Map.of(PORTABLE, true));
        SortedSet<String> sources = new TreeSet<>();
        SortedSet<String> headers = new TreeSet<>();
        Deque<String> work = new ArrayDeque<>();
        for (String f : functions) {
            String file = ix.definedIn().get(f);
            if (file != null && sources.add(file)) {
                work.add(file);
            }
        }
        // The model's own files include runtime headers too (model.c: mcu_rnn.h, mcu_shape.h).
        for (String t : List.of("model.h.ftl", "model.c.ftl")) {
            for (String h : includes(template(t), macros)) {
                if (h.contains("${")) {
                    continue; // the model's own header
                }
                reach(ix, resolve(ix, "include/", h, "templates/" + t), macros, headers, new ArrayList<>());
            }
        }
        while (!work.isEmpty()) {
            String file = work.poll();
            List<String> texts = new ArrayList<>();
            texts.add(ix.text().get(file));
            for (String h : includes(ix.text().get(file), macros)) {
                reach(ix, resolve(ix, "src/", h, file), macros, headers, texts);
            }
            // What this file uses from other files: identifiers another .c defines. Public headers
            // only declare (they are not scanned); private headers hold inline code that may call.
            for (String t : texts) {
                Matcher m = IDENT.matcher(t);
                while (m.find()) {
                    String def = ix.definedIn().get(m.group(1));
                    if (def != null && sources.add(def)) {
                        work.add(def);
                    }
                }
            }
        }
        List<String> src = sources.stream().map(s -> "runtime/" + s).toList();
        List<String> hdr = headers.stream().map(s -> "runtime/" + s).toList();
        return new Selection(src, hdr);
    }

    /** Adds header {@code rel} and what it includes on the target; collects private headers' text in {@code texts}. */
    private static void reach(Index ix, String rel, List<Map<String, Boolean>> macros, Set<String> headers, List<String> texts) {
        if (!headers.add(rel)) {
            return;
        }
        String text = ix.text().get(rel);
        if (rel.startsWith("src/")) {
            texts.add(text);
        }
        for (String h : includes(text, macros)) {
            reach(ix, resolve(ix, rel.substring(0, rel.indexOf('/') + 1), h, rel), macros, headers, texts);
        }
    }

    /** A quoted include as the generated build finds it: beside the including file, then in runtime/include. */
    private static String resolve(Index ix, String dir, String name, String from) {
        for (String cand : List.of(dir + name, "include/" + name, "src/" + name)) {
            if (ix.text().containsKey(cand)) {
                return cand;
            }
        }
        throw new McugenException(Diag.MCG_INTERNAL, from, "includes \"" + name + "\", which the runtime does not have");
    }

    /**
     * The quoted includes of {@code text} that the preprocessor can reach on a target with
     * {@code macros}: an include under a condition that is false there is skipped.
     */
    private static List<String> includes(String text, List<Map<String, Boolean>> configs) {
        Set<String> all = new java.util.LinkedHashSet<>();
        configs.forEach(c -> all.addAll(includes(text, c)));
        return new ArrayList<>(all);
    }

    static List<String> includes(String text, Map<String, Boolean> macros) {
        List<String> found = new ArrayList<>();
        Map<String, Boolean> known = new HashMap<>(macros);
        // One frame per open #if: whether a branch was already possibly taken, whether this one may be.
        Deque<Tri[]> stack = new ArrayDeque<>();
        for (String line : text.split("\n", -1)) {
            Matcher d = DIRECTIVE.matcher(line);
            boolean live = stack.stream().allMatch(f -> f[1] != Tri.FALSE);
            if (d.find()) {
                String kw = d.group(1);
                String rest = d.group(2).trim();
                switch (kw) {
                    case "ifdef" -> stack.push(new Tri[] {null, defined(known, rest)});
                    case "ifndef" -> stack.push(new Tri[] {null, defined(known, rest).not()});
                    case "if" -> stack.push(new Tri[] {null, new Cond(rest, known).eval()});
                    case "elif", "else" -> {
                        Tri[] f = stack.peek();
                        if (f == null) {
                            break;
                        }
                        Tri before = f[0] == null ? f[1] : f[0].or(f[1]);
                        Tri self = kw.equals("else") ? Tri.TRUE : new Cond(rest, known).eval();
                        f[0] = before;
                        f[1] = before.not().and(self);
                    }
                    case "endif" -> {
                        if (!stack.isEmpty()) {
                            stack.pop();
                        }
                    }
                    default -> {
                        // #define NAME: defined from here on when the line is surely compiled
                        if (live) {
                            String name = rest.split("[\\s(]", 2)[0];
                            boolean sure = stack.stream().allMatch(f -> f[1] == Tri.TRUE);
                            if (sure) {
                                known.put(name, true);
                            } else if (Boolean.FALSE.equals(known.get(name))) {
                                known.remove(name);
                            }
                        }
                    }
                }
                continue;
            }
            Matcher inc = INCLUDE.matcher(line);
            if (inc.find() && live) {
                found.add(inc.group(1));
            }
        }
        return found;
    }

    private static Tri defined(Map<String, Boolean> known, String name) {
        Boolean b = known.get(name.trim());
        return b == null ? Tri.MAYBE : b ? Tri.TRUE : Tri.FALSE;
    }

    /** Three-valued logic: a macro the target table does not fix may be defined or not. */
    enum Tri {
        TRUE, FALSE, MAYBE;

        Tri not() {
            return this == TRUE ? FALSE : this == FALSE ? TRUE : MAYBE;
        }

        Tri and(Tri o) {
            return this == FALSE || o == FALSE ? FALSE : this == TRUE && o == TRUE ? TRUE : MAYBE;
        }

        Tri or(Tri o) {
            return this == TRUE || o == TRUE ? TRUE : this == FALSE && o == FALSE ? FALSE : MAYBE;
        }
    }

    /**
     * A {@code #if} expression of {@code defined(X)}, {@code defined X}, {@code !}, {@code &&},
     * {@code ||} and parentheses; anything else (a comparison, a number) may be either.
     */
    private static final class Cond {
        private final List<String> tokens = new ArrayList<>();
        private final Map<String, Boolean> known;
        private int pos;

        Cond(String expr, Map<String, Boolean> known) {
            this.known = known;
            Matcher m = Pattern.compile("defined|[A-Za-z_][A-Za-z0-9_]*|&&|\\|\\||[!()]|\\S").matcher(expr);
            while (m.find()) {
                tokens.add(m.group());
            }
        }

        Tri eval() {
            try {
                Tri t = or();
                return pos == tokens.size() ? t : Tri.MAYBE;
            } catch (IndexOutOfBoundsException e) {
                return Tri.MAYBE;
            }
        }

        private Tri or() {
            Tri t = and();
            while (pos < tokens.size() && tokens.get(pos).equals("||")) {
                pos++;
                t = t.or(and());
            }
            return t;
        }

        private Tri and() {
            Tri t = unary();
            while (pos < tokens.size() && tokens.get(pos).equals("&&")) {
                pos++;
                t = t.and(unary());
            }
            return t;
        }

        private Tri unary() {
            String tok = tokens.get(pos++);
            if (tok.equals("!")) {
                return unary().not();
            }
            if (tok.equals("(")) {
                Tri t = or();
                if (!tokens.get(pos++).equals(")")) {
                    throw new IndexOutOfBoundsException();
                }
                return t;
            }
            if (tok.equals("defined")) {
                boolean paren = tokens.get(pos).equals("(");
                if (paren) {
                    pos++;
                }
                Tri t = defined(known, tokens.get(pos++));
                if (paren && !tokens.get(pos++).equals(")")) {
                    throw new IndexOutOfBoundsException();
                }
                return t;
            }
            return Tri.MAYBE; // a macro's value, a number, a comparison: not evaluated
        }
    }

    private static Index index() {
        Index ix = index;
        if (ix == null) {
            synchronized (RuntimeFiles.class) {
                ix = index;
                if (ix == null) {
                    ix = load();
                    index = ix;
                }
            }
        }
        return ix;
    }

    private static Index load() {
        Map<String, String> text = new TreeMap<>();
        for (String dir : List.of("include/", "src/")) {
            for (String name : list(dir)) {
                if (name.endsWith(".c") || name.endsWith(".h")) {
                    text.put(dir + name, stripComments(read(CGenerator.RUNTIME + dir + name)));
                }
            }
        }
        Map<String, String> definedIn = new HashMap<>();
        text.forEach((rel, t) -> {
            if (rel.startsWith("src/") && rel.endsWith(".c")) {
                // One public function per file, named after it (some files define it through a
                // macro of a shared body), plus what the file defines by name (a table).
                definedIn.put(rel.substring("src/".length(), rel.length() - 2), rel);
                Matcher m = DEFINITION.matcher(t);
                while (m.find()) {
                    String prev = definedIn.put(m.group(1), rel);
                    if (prev != null && !prev.equals(rel)) {
                        throw new McugenException(Diag.MCG_INTERNAL, rel, m.group(1) + " is also defined in " + prev);
                    }
                }
            }
        });
        return new Index(Map.copyOf(text), Map.copyOf(definedIn));
    }

    /** C text without its comments (names in comments are not uses); string and character literals are left alone. */
    static String stripComments(String s) {
        StringBuilder b = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            if (s.startsWith("/*", i)) {
                int end = s.indexOf("*/", i + 2);
                int stop = end < 0 ? s.length() : end + 2;
                // keep the line breaks so that directives stay on their lines
                s.substring(i, stop).chars().filter(c -> c == '\n').forEach(c -> b.append('\n'));
                b.append(' ');
                i = stop;
            } else if (s.startsWith("//", i)) {
                int end = s.indexOf('\n', i);
                i = end < 0 ? s.length() : end;
            } else if (s.charAt(i) == '"' || s.charAt(i) == '\'') {
                char quote = s.charAt(i);
                int j = i + 1;
                while (j < s.length() && s.charAt(j) != quote && s.charAt(j) != '\n') {
                    j += s.charAt(j) == '\\' ? 2 : 1;
                }
                j = Math.min(j + 1, s.length());
                b.append(s, i, j);
                i = j;
            } else {
                b.append(s.charAt(i++));
            }
        }
        return b.toString();
    }

    private static String template(String name) {
        return stripComments(read("/dev/mcugen/gen/templates/" + name));
    }

    private static String read(String resource) {
        try (InputStream in = RuntimeFiles.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new McugenException(Diag.MCG_INTERNAL, resource, "missing from the generator jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The file names in a runtime folder of the jar (or of the classes folder in a build). */
    private static List<String> list(String dir) {
        URL url = RuntimeFiles.class.getResource(CGenerator.RUNTIME + dir);
        if (url == null) {
            throw new McugenException(Diag.MCG_INTERNAL, "runtime-c/" + dir, "missing from the generator jar");
        }
        try {
            if (url.getProtocol().equals("jar")) {
                JarURLConnection c = (JarURLConnection) url.openConnection();
                c.setUseCaches(false);
                String prefix = c.getEntryName() + (c.getEntryName().endsWith("/") ? "" : "/");
                List<String> names = new ArrayList<>();
                try (JarFile jar = c.getJarFile()) {
                    for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
                        String n = e.nextElement().getName();
                        if (n.startsWith(prefix) && n.length() > prefix.length() && n.indexOf('/', prefix.length()) < 0) {
                            names.add(n.substring(prefix.length()));
                        }
                    }
                }
                return names;
            }
            try (Stream<Path> s = Files.list(Path.of(url.toURI()))) {
                return s.map(p -> p.getFileName().toString()).sorted().toList();
            }
        } catch (IOException | URISyntaxException e) {
            throw new McugenException(Diag.MCG_INTERNAL, "runtime-c/" + dir, "cannot list: " + e.getMessage(), e);
        }
    }
}
