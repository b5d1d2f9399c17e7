package dev.mcugen.gen.twin;

import com.github.javaparser.ParseResult;
import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.ImportDeclaration;
import com.github.javaparser.ast.Modifier;
import com.github.javaparser.ast.NodeList;
import com.github.javaparser.ast.body.BodyDeclaration;
import com.github.javaparser.ast.body.ClassOrInterfaceDeclaration;
import com.github.javaparser.ast.body.MethodDeclaration;
import com.github.javaparser.ast.body.TypeDeclaration;
import com.github.javaparser.ast.stmt.BlockStmt;
import com.github.javaparser.ast.stmt.ReturnStmt;
import dev.mcugen.gen.View;
import dev.mcugen.ir.Names;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.quant.QGraph;
import dev.mcugen.ir.quant.QInput;
import dev.mcugen.ir.quant.QNode;
import dev.mcugen.ir.quant.QRecurrent;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code --target java}: the quantized model as one self-contained Java class (the "Java twin" of
 * the generated C) with the C's API ({@code reset}, {@code invoke}, {@code step} for models that
 * stream) over the same integers. Its kernels are the fixed-point simulator's own integer code
 * ({@link KernelSources}: parsed with JavaParser, cut to what the model calls and nested in the
 * class); the generator adds the model's constants ({@link TwinValues}), the call sequence and the
 * API. The class depends on the JDK only and is printed from the JavaParser AST, so the same model
 * gives the same bytes.
 *
 * <p>The twin is generated from the same lowering as the C ({@link View.Model}): a model the C runtime
 * cannot run is refused alike, the twin streams exactly when the C has {@code _step}, and its
 * constants for inputs and outputs are the C header's.
 */
public final class JavaTwinGenerator {
    /** The default package of the class ({@code --java-package}). */
    public static final String DEFAULT_PACKAGE = "mcugen.generated";

    private static final Set<String> KEYWORDS = Set.of("abstract", "assert", "boolean", "break", "byte", "case", "catch",
            "char", "class", "const", "continue", "default", "do", "double", "else", "enum", "extends", "final", "finally",
            "float", "for", "goto", "if", "implements", "import", "instanceof", "int", "interface", "long", "native", "new",
            "package", "private", "protected", "public", "return", "short", "static", "strictfp", "super", "switch",
            "synchronized", "this", "throw", "throws", "transient", "try", "void", "volatile", "while", "true", "false",
            "null", "var", "record", "yield", "sealed", "permits", "non-sealed", "_");

    /**
     * The generated class.
     *
     * @param packageName the package ("" for none)
     * @param className   the class's simple name
     * @param path        the file's path under the output folder ({@code mcugen/generated/HarLstm.java})
     * @param source      the Java source
     * @param streaming   whether it has {@code step}
     */
    public record Output(String packageName, String className, String path, String source, boolean streaming) {
        /** The binary name ({@code mcugen.generated.HarLstm}). */
        public String qualifiedName() {
            return packageName.isEmpty() ? className : packageName + "." + className;
        }
    }

    private JavaTwinGenerator() {
    }

    /**
     * Refuses a package that is not a dotted list of Java identifiers (null when fine, else why).
     */
    public static String checkPackage(String pkg) {
        if (pkg.isEmpty()) {
            return null;
        }
        for (String part : pkg.split("\\.", -1)) {
            if (!isIdentifier(part)) {
                return "is not a Java package name (dot-separated identifiers of ASCII letters, digits and '_',"
                        + " not keywords): '" + part + "'";
            }
        }
        if (pkg.equals("java") || pkg.startsWith("java.")) {
            return "is in the JDK's 'java' namespace";
        }
        return null;
    }

    private static boolean isIdentifier(String s) {
        if (s.isEmpty() || KEYWORDS.contains(s) || !(Character.isLetter(s.charAt(0)) || s.charAt(0) == '_')) {
            return false;
        }
        return s.chars().allMatch(c -> c < 128 && (Character.isLetterOrDigit(c) || c == '_'));
    }

    /**
     * The class name for C identifier {@code id}: its words in upper camel case ({@code har_lstm} gives
     * {@code HarLstm}), with {@code Model} appended when that would hide a JDK class the code uses
     * ({@code String}, {@code Math}...) or a kernel type of the class.
     */
    static String className(String id, Set<String> taken) {
        StringBuilder b = new StringBuilder();
        for (String w : id.split("_+")) {
            if (!w.isEmpty()) {
                b.append(Character.toUpperCase(w.charAt(0))).append(w.substring(1));
            }
        }
        String name = b.length() == 0 || !Character.isLetter(b.charAt(0)) ? "M" + b : b.toString();
        if (taken.contains(name) || javaLang(name) || KEYWORDS.contains(name)) {
            name = name + "Model";
        }
        return name;
    }

    private static boolean javaLang(String name) {
        try {
            Class.forName("java.lang." + name, false, JavaTwinGenerator.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /**
     * Generates the twin of {@code graph} lowered as {@code view} (from the C generator, with the same
     * id), in package {@code pkg}, with {@code banner} lines (model file hash, options) in its Javadoc.
     */
    public static Output generate(QGraph graph, View.Model view, String pkg, List<String> banner) {
        String why = checkPackage(pkg);
        if (why != null) {
            throw new IllegalArgumentException("'" + pkg + "' " + why);
        }
        KernelSources sources = KernelSources.load();
        String cls = className(view.id(), sources.typeNames());
        Program p = new Program(graph, view);
        String api = p.api(cls);
        ParseResult<CompilationUnit> parsed = KernelSources.parser().parse(api);
        if (!parsed.isSuccessful() || parsed.getResult().isEmpty()) {
            throw new IllegalStateException("the twin's API code does not parse: " + parsed.getProblems() + "\n" + api);
        }
        CompilationUnit cu = parsed.getResult().get();
        ClassOrInterfaceDeclaration outer = cu.getClassByName(cls).orElseThrow();
        // The node factories: one method per node keeps every method far below 64 KiB of code.
        for (int k = 0; k < graph.nodes().size(); k++) {
            QNode n = graph.nodes().get(k);
            MethodDeclaration m = outer.addMethod("layer" + k, Modifier.Keyword.PRIVATE, Modifier.Keyword.STATIC);
            m.setType(TwinValues.typeOf(n.getClass()));
            m.setBody(new BlockStmt(new NodeList<>(new ReturnStmt(TwinValues.of(n)))));
        }
        Set<String> nodeTypes = new HashSet<>();
        graph.nodes().forEach(n -> nodeTypes.add(n.getClass().getSimpleName()));
        KernelSources.Kept kept = sources.keep(nodeTypes, outer);
        for (TypeDeclaration<?> t : kept.types()) {
            outer.addMember(t);
        }
        Set<String> imports = new LinkedHashSet<>(kept.imports());
        imports.add("java.util.List");
        imports.add("java.util.Base64");
        if (cu.toString().contains("Optional.")) {
            imports.add("java.util.Optional");
        }
        imports.stream().sorted().forEach(i -> cu.addImport(new ImportDeclaration(i, false, false)));
        if (!pkg.isEmpty()) {
            cu.setPackageDeclaration(pkg);
        }
        outer.setJavadocComment(p.javadoc(cls, banner));
        for (BodyDeclaration<?> m : outer.getMembers()) {
            String doc = p.memberDocs.get(m instanceof MethodDeclaration md ? md.getNameAsString() + "()"
                    : m.isConstructorDeclaration() ? cls + "()"
                    : m.isFieldDeclaration() ? m.asFieldDeclaration().getVariable(0).getNameAsString() : "");
            if (doc != null && m instanceof com.github.javaparser.ast.nodeTypes.NodeWithJavadoc<?> j) {
                List<String> lines = new ArrayList<>();
                doc.lines().forEach(line -> lines.addAll(Program.wrap(line)));
                j.setJavadocComment(String.join("\n", lines));
            }
        }
        String source = cu.toString();
        List<String> floating = FloatFree.violations(source);
        if (!floating.isEmpty()) {
            // The simulator's integer path should never reach floating point: a bug, not the model's fault.
            throw new IllegalStateException("the Java twin of " + graph.name() + " would use floating point: " + floating);
        }
        String path = (pkg.isEmpty() ? "" : pkg.replace('.', '/') + "/") + cls + ".java";
        return new Output(pkg, cls, path, source, view.streaming());
    }

    /** The model's call sequence and API as Java text (parsed into the AST by the caller). */
    private static final class Program {
        private final QGraph g;
        private final View.Model view;
        private final Map<String, String> var = new HashMap<>();
        private final Map<String, Shape> shapes = new HashMap<>();
        private final Set<String> rows = new HashSet<>();
        final Map<String, String> memberDocs = new HashMap<>();

        Program(QGraph g, View.Model view) {
            this.g = g;
            this.view = view;
            int k = 0;
            for (QInput in : g.inputs()) {
                var.put(in.name(), "in" + k++);
                shapes.put(in.name(), in.shape());
            }
            k = 0;
            for (QNode n : g.nodes()) {
                var.put(n.name(), "v" + k++);
                shapes.put(n.name(), n.outputShape());
            }
            if (view.streaming()) {
                rows.add(g.inputs().get(0).name());
                for (QNode n : g.nodes()) {
                    if (n.inputs().stream().anyMatch(rows::contains)
                            && !(n instanceof QRecurrent r && !r.returnSequences())) {
                        rows.add(n.name());
                    }
                }
            }
        }

        private String node(int k) {
            return "LAYER" + k;
        }

        private String typeName(QNode n) {
            return TwinValues.simpleChain(n.getClass());
        }

        private static String suffix(View.Port p) {
            return p.macro(); // INPUT, OUTPUT, INPUT_<NAME> ...
        }

        String api(String cls) {
            StringBuilder b = new StringBuilder();
            b.append("public final class ").append(cls).append(" {\n");
            constants(b);
            for (int k = 0; k < g.nodes().size(); k++) {
                QNode n = g.nodes().get(k);
                b.append("private static final ").append(typeName(n)).append(' ').append(node(k)).append(" = layer")
                        .append(k).append("();\n");
                memberDocs.put(node(k), "Layer '" + comment(n.name()) + "'.");
            }
            List<Integer> cells = new ArrayList<>();
            if (view.streaming()) {
                for (int k = 0; k < g.nodes().size(); k++) {
                    if (g.nodes().get(k) instanceof QRecurrent) {
                        cells.add(k);
                        b.append("private final RecurrentCell cell").append(k).append(" = RecurrentKernels.cell(")
                                .append(node(k)).append(");\n");
                        b.append("private RecurrentState state").append(k).append(";\n");
                    }
                }
                b.append("private int time;\n");
            }
            b.append("public ").append(cls).append("() { reset(); }\n");
            memberDocs.put(cls + "()", "A model in its initial state (as after {@link #reset()}); it holds the recurrent state and"
                    + " scratch buffers: use one instance per thread.");
            b.append("public void reset() {\n");
            for (int k : cells) {
                b.append("state").append(k).append(" = cell").append(k).append(".initialState();\n");
            }
            if (view.streaming()) {
                b.append("time = 0;\n");
            }
            b.append("}\n");
            memberDocs.put("reset()", view.streaming()
                    ? "Sets every recurrent state to its initial value (real zero), as the C {@code _reset}."
                    : "Nothing to reset: {@link #invoke} always starts from the initial state (kept for the C's API).");
            invoke(b);
            if (view.streaming()) {
                step(b);
            }
            helpers(b);
            b.append("}\n");
            return b.toString();
        }

        private void constants(StringBuilder b) {
            b.append("public static final int INPUTS = ").append(g.inputs().size()).append(";\n");
            b.append("public static final int OUTPUTS = ").append(g.outputs().size()).append(";\n");
            memberDocs.put("INPUTS", "Number of model inputs: {@link #invoke} takes them in this order, then the outputs.");
            memberDocs.put("OUTPUTS", "Number of model outputs.");
            List<View.Port> ports = new ArrayList<>(view.inputs());
            ports.addAll(view.outputs());
            for (View.Port p : ports) {
                String m = suffix(p);
                String what = (view.inputs().contains(p) ? "input" : "output") + " '" + comment(p.tensor()) + "'";
                constant(b, m + "_SIZE", p.size(), "Integers of " + what + ", shape " + p.shape() + " row-major.");
                constant(b, m + "_ZERO_POINT", p.zeroPoint(), "Zero point of " + what + ": real = scale * (q - zero_point).");
                constant(b, m + "_QMIN", p.qmin(), "Smallest integer of " + what + ".");
                constant(b, m + "_QMAX", p.qmax(), "Largest integer of " + what + ".");
                constant(b, m + "_SCALE_NUM", p.scaleNum().replace("u", "") + "L", "Scale of " + what + " = SCALE_NUM / 2^SCALE_SHIFT (about "
                        + p.scale().replace("f", "") + ").");
                constant(b, m + "_SCALE_SHIFT", p.scaleShift(), "See {@link #" + m + "_SCALE_NUM}.");
            }
            b.append("public static final boolean HAS_STEP = ").append(view.streaming()).append(";\n");
            memberDocs.put("HAS_STEP", view.streaming() ? "This model streams: {@link #step} takes one time step."
                    : "No {@code step}: " + comment(view.noStepReason()) + ".");
            if (view.streaming()) {
                constant(b, "TIME_STEPS", view.stream().timeSteps(), "Time steps of one {@link #invoke}.");
                constant(b, "STEP_INPUT_SIZE", view.stream().stepInputSize(), "Integers of one input row for {@link #step}.");
                constant(b, "STEP_OUTPUT_SIZE", view.stream().stepOutputSize(), "Integers {@link #step} writes.");
            }
        }

        private void constant(StringBuilder b, String name, String value, String doc) {
            String type = value.endsWith("L") ? "long" : "int";
            b.append("public static final ").append(type).append(' ').append(name).append(" = ").append(value).append(";\n");
            memberDocs.put(name, doc);
        }

        private String params(boolean typed) {
            List<String> ps = new ArrayList<>();
            view.inputs().forEach(p -> ps.add((typed ? "int[] " : "") + p.param()));
            view.outputs().forEach(p -> ps.add((typed ? "int[] " : "") + p.param()));
            return String.join(", ", ps);
        }

        private void checks(StringBuilder b) {
            for (View.Port p : view.inputs()) {
                b.append("check(").append(p.param()).append(", ").append(suffix(p)).append("_SIZE, \"")
                        .append(p.param()).append("\");\n");
            }
            for (View.Port p : view.outputs()) {
                b.append("check(").append(p.param()).append(", ").append(suffix(p)).append("_SIZE, \"")
                        .append(p.param()).append("\");\n");
            }
        }

        private void invoke(StringBuilder b) {
            b.append("public void invoke(").append(params(true)).append(") {\n");
            checks(b);
            if (view.streaming()) {
                String x = view.inputs().get(0).param();
                String y = view.outputs().get(0).param();
                boolean seq = view.stream().seqOutput();
                b.append("reset();\n");
                b.append("int[] row = new int[STEP_INPUT_SIZE];\n");
                b.append("int[] out = ").append(seq ? "new int[STEP_OUTPUT_SIZE]" : y).append(";\n");
                b.append("for (int t = 0; t < TIME_STEPS; t++) {\n");
                b.append("System.arraycopy(").append(x).append(", t * STEP_INPUT_SIZE, row, 0, STEP_INPUT_SIZE);\n");
                b.append("step(row, out);\n");
                if (seq) {
                    b.append("System.arraycopy(out, 0, ").append(y).append(", t * STEP_OUTPUT_SIZE, STEP_OUTPUT_SIZE);\n");
                }
                b.append("}\n}\n");
                memberDocs.put("invoke()", "Runs the whole input from the initial state, as the C {@code _invoke}: {@link #reset()}, then"
                        + " {@link #step} once per time step (the state is left as after the last step)." + paramDocs());
                return;
            }
            for (int k = 0; k < g.inputs().size(); k++) {
                b.append("int[] in").append(k).append(" = ").append(view.inputs().get(k).param()).append(".clone();\n");
            }
            for (int k = 0; k < g.nodes().size(); k++) {
                QNode n = g.nodes().get(k);
                b.append("int[] v").append(k).append(" = ");
                if (n instanceof QRecurrent) {
                    String src = n.inputs().get(0);
                    b.append("RecurrentKernels.run(").append(node(k)).append(", ").append(var.get(src)).append(", ")
                            .append(shapeOf(shapes.get(src))).append(", IntObserver.NONE);\n");
                } else {
                    b.append("FeedForwardKernels.run(").append(node(k)).append(", List.of(")
                            .append(String.join(", ", n.inputs().stream().map(var::get).toList())).append("));\n");
                }
            }
            copyOutputs(b);
            b.append("}\n");
            memberDocs.put("invoke()", "Runs the model on the inputs and writes the outputs (each array exactly its"
                    + " {@code _SIZE} long), as the C {@code _invoke}; always from the initial state." + paramDocs());
        }

        /** {@code text} cut at spaces into lines of at most 100 characters (a longer word stays whole). */
        static List<String> wrap(String text) {
            List<String> lines = new ArrayList<>();
            StringBuilder b = new StringBuilder();
            for (String word : text.split(" ", -1)) {
                if (b.length() > 0 && b.length() + 1 + word.length() > 100) {
                    lines.add(b.toString());
                    b.setLength(0);
                }
                if (b.length() > 0) {
                    b.append(' ');
                }
                b.append(word);
            }
            lines.add(b.toString());
            return lines;
        }

        /** The {@code @param} lines of invoke. */
        private String paramDocs() {
            StringBuilder d = new StringBuilder();
            for (View.Port p : view.inputs()) {
                d.append("\n@param ").append(p.param()).append(" input '").append(comment(p.tensor())).append("': ")
                        .append(suffix(p)).append("_SIZE integers");
            }
            for (View.Port p : view.outputs()) {
                d.append("\n@param ").append(p.param()).append(" output '").append(comment(p.tensor())).append("', written: ")
                        .append(suffix(p)).append("_SIZE integers");
            }
            return d.toString();
        }

        private void copyOutputs(StringBuilder b) {
            for (int k = 0; k < g.outputs().size(); k++) {
                String o = g.outputs().get(k);
                View.Port p = view.outputs().get(k);
                b.append("System.arraycopy(").append(var.get(o)).append(", 0, ").append(p.param()).append(", 0, ")
                        .append(suffix(p)).append("_SIZE);\n");
            }
        }

        private void step(StringBuilder b) {
            String x = view.inputs().get(0).param();
            String y = view.outputs().get(0).param();
            b.append("public void step(int[] ").append(x).append(", int[] ").append(y).append(") {\n");
            b.append("check(").append(x).append(", STEP_INPUT_SIZE, \"").append(x).append("\");\n");
            b.append("check(").append(y).append(", STEP_OUTPUT_SIZE, \"").append(y).append("\");\n");
            b.append("int[] in0 = ").append(x).append(".clone();\n");
            for (int k = 0; k < g.nodes().size(); k++) {
                QNode n = g.nodes().get(k);
                b.append("int[] v").append(k).append(" = ");
                if (n instanceof QRecurrent) {
                    b.append("new int[cell").append(k).append(".outputSize()];\n");
                    b.append("cell").append(k).append(".step(state").append(k).append(", ").append(var.get(n.inputs().get(0)))
                            .append(", 0, v").append(k).append(", 0, time, IntObserver.NONE);\n");
                } else {
                    b.append("FeedForwardKernels.run(").append(node(k)).append(", List.of(")
                            .append(String.join(", ", n.inputs().stream().map(var::get).toList())).append("));\n");
                }
            }
            b.append("System.arraycopy(").append(var.get(g.outputs().get(0))).append(", 0, ").append(y)
                    .append(", 0, STEP_OUTPUT_SIZE);\n");
            b.append("time++;\n}\n");
            memberDocs.put("step()", "One time step, as the C {@code _step}: reads one input row of STEP_INPUT_SIZE integers,"
                    + " advances the recurrent state and writes STEP_OUTPUT_SIZE integers: "
                    + (view.stream().seqOutput() ? "this step's output row."
                    : "the whole output as if the sequence ended at this step.")
                    + "\n@param " + x + " one input row: STEP_INPUT_SIZE integers\n@param " + y + " written: STEP_OUTPUT_SIZE integers");
        }

        private static String shapeOf(Shape s) {
            return "Shape.of(" + String.join(", ", java.util.Arrays.stream(s.toArray()).mapToObj(Integer::toString).toList()) + ")";
        }

        private void helpers(StringBuilder b) {
            b.append("private static void check(int[] a, int size, String name) {\n"
                    + "if (a == null || a.length != size) {\n"
                    + "throw new IllegalArgumentException(name + \" must hold \" + size + \" integers, not \""
                    + " + (a == null ? \"null\" : a.length));\n}\n}\n");
            b.append("private static byte[] bytes(String... parts) {\n"
                    + "Base64.Decoder d = Base64.getDecoder();\n"
                    + "int n = 0;\n"
                    + "byte[][] p = new byte[parts.length][];\n"
                    + "for (int i = 0; i < parts.length; i++) {\np[i] = d.decode(parts[i]);\nn += p[i].length;\n}\n"
                    + "byte[] all = new byte[n];\n"
                    + "int at = 0;\n"
                    + "for (byte[] q : p) {\nSystem.arraycopy(q, 0, all, at, q.length);\nat += q.length;\n}\n"
                    + "return all;\n}\n");
            for (int bits : new int[] {8, 16, 32}) {
                int w = bits / 8;
                b.append("private static int[] i").append(bits).append("(String... parts) {\n")
                        .append("byte[] b = bytes(parts);\n")
                        .append("int[] v = new int[b.length / ").append(w).append("];\n")
                        .append("for (int i = 0; i < v.length; i++) {\n");
                if (bits == 8) {
                    b.append("v[i] = b[i];\n");
                } else if (bits == 16) {
                    b.append("v[i] = (short) ((b[2 * i] & 0xff) | (b[2 * i + 1] << 8));\n");
                } else {
                    b.append("v[i] = (b[4 * i] & 0xff) | (b[4 * i + 1] & 0xff) << 8 | (b[4 * i + 2] & 0xff) << 16 | b[4 * i + 3] << 24;\n");
                }
                b.append("}\nreturn v;\n}\n");
            }
            b.append("private static long[] i64(String... parts) {\n"
                    + "byte[] b = bytes(parts);\n"
                    + "long[] v = new long[b.length / 8];\n"
                    + "for (int i = 0; i < v.length; i++) {\n"
                    + "for (int k = 7; k >= 0; k--) {\nv[i] = v[i] << 8 | (b[8 * i + k] & 0xff);\n}\n"
                    + "}\nreturn v;\n}\n");
        }

        String javadoc(String cls, List<String> banner) {
            List<String> l = new ArrayList<>();
            l.add("The model '" + comment(g.name()) + "' quantized by mcugen: the Java twin of its generated C, with the same"
                    + " integer arithmetic (bit for bit, as {@code mcugen verify --target java} proves) and the same API.");
            l.add("Generated by mcugen. Do not edit: rebuild from the model instead.");
            for (String line : banner) {
                l.add(comment(line));
            }
            l.add("");
            l.add("<pre>");
            l.add(cls + " m = new " + cls + "();      // one per thread: it holds the recurrent state");
            l.add("m.invoke(" + params(false) + ");   // int[] inputs, then int[] outputs, each of its _SIZE");
            if (view.streaming()) {
                l.add("m.reset();                          // then, per time step t = 0 .. TIME_STEPS - 1:");
                l.add("m.step(xt, yt);                     // xt: STEP_INPUT_SIZE integers, yt: STEP_OUTPUT_SIZE");
            }
            l.add("</pre>");
            l.add("");
            l.add("<p>Inputs and outputs are the quantized integers, one {@code int} each, row-major and channels last"
                    + " (the layout of the generated C): {@code real = scale * (q - zero_point)} with the constants"
                    + " {@code <PORT>_ZERO_POINT} and {@code scale = <PORT>_SCALE_NUM / 2^<PORT>_SCALE_SHIFT} (for"
                    + " example {@link #" + suffix(view.inputs().get(0)) + "_SCALE_NUM}); quantize an input with"
                    + " {@code q = clamp(round(real / scale) + zero_point, QMIN, QMAX)}.");
            for (View.Port p : view.inputs()) {
                l.add("Input '" + comment(p.tensor()) + "': " + p.shape() + ", " + p.ctype().replace("_t", "") + " values,"
                        + " scale " + p.scale().replace("f", "") + ", zero point " + p.zeroPoint() + ".");
            }
            for (View.Port p : view.outputs()) {
                l.add("Output '" + comment(p.tensor()) + "': " + p.shape() + ", " + p.ctype().replace("_t", "") + " values,"
                        + " scale " + p.scale().replace("f", "") + ", zero point " + p.zeroPoint() + ".");
            }
            l.add(view.streaming() ? "<p>Streaming: after {@link #reset()}, {@link #step} once per input row gives bit for bit"
                    + " what {@link #invoke} gives." : "<p>No {@code step}: " + comment(view.noStepReason()) + ".");
            l.add("");
            l.add("<p>How it is made: the nested types are mcugen's fixed-point simulator's integer kernels and records,"
                    + " kept to what this model calls; {@code layerN()} rebuild the layers' integer parameters (weights,"
                    + " biases with the zero points folded in, multipliers and shifts, clamps, tables). Arrays longer than "
                    + TwinValues.INLINE + " values are Base64 strings of their little-endian bytes decoded when the class"
                    + " loads, so that no method exceeds the class file's 64 KiB of code and no string constant its 65535"
                    + " bytes. No floating point is used. Needs Java 17 or later and nothing but the JDK.");
            List<String> wrapped = new ArrayList<>();
            l.forEach(line -> wrapped.addAll(wrap(line)));
            return " " + String.join("\n ", wrapped) + "\n";
        }

        private static String comment(String s) {
            return Names.cComment(dev.mcugen.ir.Text.clip(s, 400)).replace("@", "(at)").replace("<", "(").replace(">", ")")
                    .replace("&", "and");
        }
    }
}
