package dev.mcugen.gen.twin;

import com.github.javaparser.JavaParser;
import com.github.javaparser.ParseResult;
import com.github.javaparser.ParserConfiguration;
import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.ImportDeclaration;
import com.github.javaparser.ast.Modifier;
import com.github.javaparser.ast.Node;
import com.github.javaparser.ast.NodeList;
import com.github.javaparser.ast.body.BodyDeclaration;
import com.github.javaparser.ast.body.CallableDeclaration;
import com.github.javaparser.ast.body.ClassOrInterfaceDeclaration;
import com.github.javaparser.ast.body.CompactConstructorDeclaration;
import com.github.javaparser.ast.body.FieldDeclaration;
import com.github.javaparser.ast.body.MethodDeclaration;
import com.github.javaparser.ast.body.Parameter;
import com.github.javaparser.ast.body.RecordDeclaration;
import com.github.javaparser.ast.body.TypeDeclaration;
import com.github.javaparser.ast.body.VariableDeclarator;
import com.github.javaparser.ast.expr.FieldAccessExpr;
import com.github.javaparser.ast.expr.MethodCallExpr;
import com.github.javaparser.ast.expr.MethodReferenceExpr;
import com.github.javaparser.ast.expr.NameExpr;
import com.github.javaparser.ast.expr.ObjectCreationExpr;
import com.github.javaparser.ast.type.ClassOrInterfaceType;
import com.github.javaparser.ast.type.PrimitiveType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The fixed-point simulator's own Java sources (packaged in the generator jar under
 * {@code dev/mcugen/gen/twin/sim-src}: the quantized records, their integer kernels, the fixed-point
 * helpers and the few IR types they use), parsed with JavaParser and cut down to what one model
 * calls: the Java twin runs exactly the integer code the simulator runs.
 *
 * <p>The cut ({@link #keep}) is by name and errs on the side of keeping: starting from the names the
 * twin's own code uses, a type is kept when its name is used, a method when its name is called, a
 * field when its name is read; what kept code uses is followed in turn. Members that work on IR types
 * the twin lacks (the float graph's {@code Op}, {@code Graph}...) are never kept, and the kernels'
 * dispatch to node types the model does not have is dropped. Before the cut, floating-point code is
 * removed: the records' float-valued components (a type's real scale) and every member that reads
 * one, takes or gives float or double, or uses floating point at all (offline table builders, float
 * overloads), then what calls a removed method; and the records' validating constructors (the twin's
 * values were validated when the simulator's records were made). {@link FloatFree} checks the result.
 */
final class KernelSources {
    private static final String ROOT = "dev/mcugen/gen/twin/sim-src";

    /** Every top-level type of the sources, by simple name (sorted: the output does not depend on the jar's order). */
    private final Map<String, TypeDeclaration<?>> types = new TreeMap<>();
    /** The JDK imports the sources use ({@code java.util.List} ...), single-type only. */
    private final Set<String> jdkImports = new TreeSet<>();

    private static KernelSources cached;

    private KernelSources() {
    }

    /** The parsed sources (parsed once; callers get copies of the declarations from {@link #keep}). */
    static synchronized KernelSources load() {
        if (cached == null) {
            KernelSources s = new KernelSources();
            for (Map.Entry<String, String> f : readAll().entrySet()) {
                s.add(f.getKey(), f.getValue());
            }
            cached = s;
        }
        return cached;
    }

    private static Map<String, String> readAll() {
        URL url = KernelSources.class.getClassLoader().getResource(ROOT);
        if (url == null) {
            throw new IllegalStateException("the simulator sources " + ROOT + " are missing from the generator jar");
        }
        Map<String, String> files = new TreeMap<>();
        try {
            URI uri = url.toURI();
            FileSystem jar = null;
            Path dir;
            if (uri.getScheme().equals("jar")) {
                try {
                    jar = FileSystems.getFileSystem(uri);
                } catch (FileSystemNotFoundException e) {
                    jar = FileSystems.newFileSystem(uri, Map.of());
                }
                dir = jar.provider().getPath(uri);
            } else {
                dir = Path.of(uri);
            }
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path p : walk.filter(p -> p.toString().endsWith(".java")).toList()) {
                    files.put(dir.relativize(p).toString().replace('\\', '/'), Files.readString(p, StandardCharsets.UTF_8));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        return files;
    }

    static JavaParser parser() {
        return new JavaParser(new ParserConfiguration().setAttributeComments(false)
                .setLanguageLevel(ParserConfiguration.LanguageLevel.JAVA_17));
    }

    private void add(String file, String text) {
        ParseResult<CompilationUnit> r = parser().parse(text);
        if (!r.isSuccessful() || r.getResult().isEmpty()) {
            throw new IllegalStateException("cannot parse the simulator source " + file + ": " + r.getProblems());
        }
        CompilationUnit cu = r.getResult().get();
        Set<String> staticOnDemand = new LinkedHashSet<>();
        for (ImportDeclaration i : cu.getImports()) {
            String n = i.getNameAsString();
            if (n.startsWith("java.") && !i.isStatic() && !i.isAsterisk()) {
                jdkImports.add(n);
            } else if (i.isStatic() && i.isAsterisk()) {
                staticOnDemand.add(n.substring(n.lastIndexOf('.') + 1));
            }
        }
        for (TypeDeclaration<?> t : cu.getTypes()) {
            simplifyQualifiedNames(t, jdkImports);
            t.setData(STATIC_IMPORTS, staticOnDemand);
            types.put(t.getNameAsString(), t);
        }
    }

    private static final com.github.javaparser.ast.DataKey<Set<String>> STATIC_IMPORTS =
            new com.github.javaparser.ast.DataKey<>() {
            };

    /** {@code dev.mcugen.ir.Reversal.apply(...)} becomes {@code Reversal.apply(...)}: all types become siblings. */
    private static void simplifyQualifiedNames(Node root, Set<String> jdkImports) {
        for (FieldAccessExpr f : root.findAll(FieldAccessExpr.class)) {
            String s = f.getScope().toString();
            if ((s.startsWith("dev.mcugen.") || s.startsWith("java.")) && Character.isUpperCase(f.getNameAsString().charAt(0))
                    && s.chars().noneMatch(Character::isUpperCase)) {
                if (s.startsWith("java.")) {
                    jdkImports.add(s + "." + f.getNameAsString());
                }
                f.replace(new NameExpr(f.getNameAsString()));
            }
        }
        for (ClassOrInterfaceType t : root.findAll(ClassOrInterfaceType.class)) {
            String scope = t.getScope().map(Node::toString).orElse("");
            if (scope.startsWith("dev.mcugen.")) {
                t.removeScope();
            } else if (scope.startsWith("java.") && scope.chars().noneMatch(Character::isUpperCase)) {
                jdkImports.add(scope + "." + t.getNameAsString());
                t.removeScope();
            }
        }
    }

    /** The kept declarations, ready to nest in one class, and the JDK imports they need. */
    record Kept(List<TypeDeclaration<?>> types, List<String> imports) {
    }

    /**
     * The types, methods and fields reachable by name from {@code roots} (the twin's own code), as
     * private static members of one class: copies, with float-valued record components and compact
     * constructors removed and the static imports of constants made qualified.
     */
    Kept keep(Set<String> modelNodeTypes, Node... roots) {
        Map<String, TypeDeclaration<?>> copies = new TreeMap<>();
        Set<String> absent = new java.util.HashSet<>();
        for (TypeDeclaration<?> t : types.values()) {
            if (t instanceof RecordDeclaration r && r.getImplementedTypes().stream()
                    .anyMatch(i -> Set.of("QNode", "QFeedForward", "QRecurrent").contains(i.getNameAsString()))
                    && !modelNodeTypes.contains(r.getNameAsString())) {
                absent.add(r.getNameAsString());
            }
        }
        for (Map.Entry<String, TypeDeclaration<?>> e : types.entrySet()) {
            TypeDeclaration<?> c = e.getValue().clone();
            qualifyStaticImports(c, e.getValue().getData(STATIC_IMPORTS));
            dropFloatComponentsAndValidation(c);
            dropDispatchTo(c, absent);
            copies.put(e.getKey(), c);
        }
        Names used = new Names();
        for (Node r : roots) {
            used.collect(r);
        }
        // Fixed point: keep adding what kept code names.
        Set<String> keptTypes = new TreeSet<>();
        Set<Node> visited = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        boolean changed = true;
        while (changed) {
            changed = false;
            for (Map.Entry<String, TypeDeclaration<?>> e : copies.entrySet()) {
                List<TypeDeclaration<?>> all = new ArrayList<>();
                all.add(e.getValue());
                e.getValue().findAll(TypeDeclaration.class).forEach(t -> {
                    if (t != e.getValue()) {
                        all.add(t);
                    }
                });
                for (TypeDeclaration<?> t : all) {
                    if (!used.types.contains(t.getNameAsString())) {
                        continue;
                    }
                    if (t == e.getValue() && keptTypes.add(e.getKey())) {
                        changed = true;
                    }
                    for (Node part : alwaysKept(t)) {
                        if (visited.add(part)) {
                            used.collect(part);
                            changed = true;
                        }
                    }
                    for (BodyDeclaration<?> m : t.getMembers()) {
                        if (m instanceof TypeDeclaration<?>) {
                            continue;
                        }
                        if (isUsed(m, used) && visited.add(m)) {
                            used.collect(m);
                            changed = true;
                        }
                    }
                }
            }
        }
        List<TypeDeclaration<?>> out = new ArrayList<>();
        for (String name : keptTypes) {
            TypeDeclaration<?> t = copies.get(name);
            prune(t, used);
            out.add(t);
        }
        // Nested types of kept types that are unused are removed by prune; outer types must be nested statically.
        for (TypeDeclaration<?> t : out) {
            // private static [abstract] [final], in the usual order
            boolean isFinal = t.hasModifier(Modifier.Keyword.FINAL);
            boolean isAbstract = t.hasModifier(Modifier.Keyword.ABSTRACT);
            boolean isClass = t instanceof ClassOrInterfaceDeclaration c && !c.isInterface();
            NodeList<Modifier> mods = new NodeList<>(Modifier.privateModifier());
            if (isClass) {
                mods.add(Modifier.staticModifier());
            }
            if (isAbstract) {
                mods.add(Modifier.abstractModifier());
            }
            if (isFinal) {
                mods.add(Modifier.finalModifier());
            }
            t.setModifiers(mods);
        }
        String all = out.stream().map(Node::toString).reduce("", String::concat);
        List<String> imports = jdkImports.stream()
                .filter(i -> java.util.regex.Pattern.compile("\\b" + i.substring(i.lastIndexOf('.') + 1) + "\\b").matcher(all).find())
                .toList();
        return new Kept(out, imports);
    }

    /**
     * Removes the kernels' dispatch to node types the model does not have ({@code if (node instanceof
     * QConv c) return conv(...)} in a dense-only model): dead code, and what it would keep alive.
     */
    private static void dropDispatchTo(Node root, Set<String> absent) {
        for (com.github.javaparser.ast.stmt.IfStmt s : root.findAll(com.github.javaparser.ast.stmt.IfStmt.class)) {
            if (s.getParentNode().isEmpty() || !(s.getCondition() instanceof com.github.javaparser.ast.expr.InstanceOfExpr i)
                    || !absent.contains(i.getType().asString())) {
                continue;
            }
            Node parent = s.getParentNode().get();
            if (s.getElseStmt().isPresent()) {
                s.replace(s.getElseStmt().get());
            } else if (parent instanceof com.github.javaparser.ast.stmt.IfStmt p && p.getElseStmt().orElse(null) == s) {
                p.removeElseStmt();
            } else {
                s.remove();
            }
        }
        for (com.github.javaparser.ast.expr.InstanceOfExpr i : root.findAll(com.github.javaparser.ast.expr.InstanceOfExpr.class)) {
            if (i.getPattern().isEmpty() && absent.contains(i.getType().asString()) && i.getParentNode().isPresent()) {
                i.replace(new com.github.javaparser.ast.expr.BooleanLiteralExpr(false));
            }
        }
    }

    /** Parts of a used type that are kept whatever is called: header types, components, constructors, enum constants, initializers. */
    private static List<Node> alwaysKept(TypeDeclaration<?> t) {
        List<Node> parts = new ArrayList<>();
        if (t instanceof ClassOrInterfaceDeclaration c) {
            parts.addAll(c.getExtendedTypes());
            parts.addAll(c.getImplementedTypes());
        }
        if (t instanceof RecordDeclaration r) {
            parts.addAll(r.getParameters());
            parts.addAll(r.getImplementedTypes());
        }
        if (t instanceof com.github.javaparser.ast.body.EnumDeclaration en) {
            parts.addAll(en.getEntries());
            parts.addAll(en.getImplementedTypes());
        }
        for (BodyDeclaration<?> m : t.getMembers()) {
            if (m.isConstructorDeclaration() || m.isInitializerDeclaration()) {
                parts.add(m);
            }
        }
        return parts;
    }

    private boolean isUsed(BodyDeclaration<?> m, Names used) {
        if (!onlyKnownTypes(m)) {
            return false; // it works on IR types the twin does not have (Op, Graph...): nothing of a quantized model calls it
        }
        if (m instanceof MethodDeclaration md) {
            return used.methods.contains(md.getNameAsString());
        }
        if (m instanceof FieldDeclaration f) {
            return f.getVariables().stream().anyMatch(v -> used.values.contains(v.getNameAsString()));
        }
        if (m instanceof com.github.javaparser.ast.body.AnnotationMemberDeclaration) {
            return false;
        }
        return true; // constructors, initializers: see alwaysKept
    }

    /** Type names the twin can resolve: the sources' types, their type parameters and the JDK's imported or java.lang types. */
    private Set<String> known;

    private boolean onlyKnownTypes(Node m) {
        if (known == null) {
            Set<String> k = new java.util.HashSet<>();
            for (TypeDeclaration<?> t : types.values()) {
                t.findAll(TypeDeclaration.class).forEach(n -> k.add(n.getNameAsString()));
                t.findAll(com.github.javaparser.ast.type.TypeParameter.class).forEach(n -> k.add(n.getNameAsString()));
            }
            jdkImports.forEach(i -> k.add(i.substring(i.lastIndexOf('.') + 1)));
            known = k;
        }
        for (ClassOrInterfaceType t : m.findAll(ClassOrInterfaceType.class)) {
            ClassOrInterfaceType root = t;
            while (root.getScope().isPresent()) {
                root = root.getScope().get();
            }
            if (!isKnown(root.getNameAsString())) {
                return false;
            }
        }
        for (NameExpr n : m.findAll(NameExpr.class)) {
            String id = n.getNameAsString();
            boolean scope = n.getParentNode().map(p -> p instanceof MethodCallExpr c && c.getScope().orElse(null) == n
                    || p instanceof FieldAccessExpr f && f.getScope() == n).orElse(false);
            if (scope && Character.isUpperCase(id.charAt(0)) && id.chars().anyMatch(Character::isLowerCase) && !isKnown(id)) {
                return false;
            }
        }
        return true;
    }

    private boolean isKnown(String simple) {
        if (known.contains(simple)) {
            return true;
        }
        try {
            Class.forName("java.lang." + simple, false, KernelSources.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /** Removes the members of {@code t} (and its nested types) that nothing kept uses. */
    private void prune(TypeDeclaration<?> t, Names used) {
        for (BodyDeclaration<?> m : new ArrayList<>(t.getMembers())) {
            if (m instanceof TypeDeclaration<?> nested) {
                if (used.types.contains(nested.getNameAsString())) {
                    prune(nested, used);
                } else {
                    m.remove();
                }
            } else if (m instanceof FieldDeclaration f) {
                for (VariableDeclarator v : new ArrayList<>(f.getVariables())) {
                    if (!used.values.contains(v.getNameAsString()) || !onlyKnownTypes(f)) {
                        if (f.getVariables().size() == 1) {
                            f.remove();
                        } else {
                            v.remove();
                        }
                    }
                }
            } else if (m instanceof MethodDeclaration md && (!used.methods.contains(md.getNameAsString()) || !onlyKnownTypes(md))) {
                m.remove();
            }
        }
        t.getAnnotations().clear();
        t.findAll(MethodDeclaration.class).forEach(md -> md.getAnnotations().removeIf(a -> a.getNameAsString().equals("Override")));
    }

    /**
     * Constants read through {@code import static X.*} become {@code X.NAME}: the twin has no
     * imports of its own types. Only names that are static fields of X and not parameters or locals.
     */
    private void qualifyStaticImports(TypeDeclaration<?> t, Set<String> owners) {
        if (owners == null) {
            return;
        }
        for (String owner : owners) {
            TypeDeclaration<?> o = types.get(owner);
            if (o == null) {
                continue;
            }
            Set<String> constants = new java.util.HashSet<>();
            for (FieldDeclaration f : o.getFields()) {
                if (f.isStatic()) {
                    f.getVariables().forEach(v -> constants.add(v.getNameAsString()));
                }
            }
            for (NameExpr n : t.findAll(NameExpr.class)) {
                if (constants.contains(n.getNameAsString())) {
                    n.replace(new FieldAccessExpr(new NameExpr(owner), n.getNameAsString()));
                }
            }
            Set<String> statics = new java.util.HashSet<>();
            o.getMethods().stream().filter(MethodDeclaration::isStatic).forEach(m -> statics.add(m.getNameAsString()));
            for (MethodCallExpr c : t.findAll(MethodCallExpr.class)) {
                if (c.getScope().isEmpty() && statics.contains(c.getNameAsString()) && t.getMethodsByName(c.getNameAsString()).isEmpty()) {
                    c.setScope(new NameExpr(owner));
                }
            }
        }
    }

    /**
     * Removes what the twin never needs and would bring floating point: record components of type
     * float or double (a type's real scale: the twin's integers need only its integer members) and
     * the records' compact constructors (they validate values the simulator's records already held).
     */
    private static void dropFloatComponentsAndValidation(TypeDeclaration<?> root) {
        for (Object o : root.findAll(TypeDeclaration.class)) {
            if (!(o instanceof RecordDeclaration)) {
                purge((TypeDeclaration<?>) o, Set.of());
            }
        }
        List<RecordDeclaration> records = new ArrayList<>(root.findAll(RecordDeclaration.class));
        for (RecordDeclaration r : records) {
            Set<String> dropped = new java.util.HashSet<>();
            for (Parameter p : new ArrayList<>(r.getParameters())) {
                if (isFloating(p.getType())) {
                    dropped.add(p.getNameAsString());
                    p.remove();
                }
            }
            purge(r, dropped);
            for (CompactConstructorDeclaration c : new ArrayList<>(r.getCompactConstructors())) {
                c.remove();
            }
        }
    }

    /**
     * Removes, until nothing changes, the members of {@code t} that are floating-point code: that
     * take or give float or double, use a floating-point literal, type or function ({@link FloatFree}),
     * read one of the {@code dropped} components, or call a method of {@code t} that was removed
     * (a type's {@code integerBits()} calling its removed {@code fractionalBits()}).
     */
    private static void purge(TypeDeclaration<?> t, Set<String> dropped) {
        boolean changed = true;
        Set<String> removed = new java.util.HashSet<>(dropped);
        while (changed) {
            changed = false;
            for (BodyDeclaration<?> m : new ArrayList<>(t.getMembers())) {
                if (m instanceof TypeDeclaration<?>) {
                    continue;
                }
                boolean floating = m instanceof MethodDeclaration md && (isFloating(md.getType())
                        || md.getParameters().stream().anyMatch(p -> isFloating(p.getType())))
                        || m instanceof FieldDeclaration f && f.getVariables().stream().anyMatch(v -> isFloating(v.getType()))
                        || !FloatFree.violations(m).isEmpty();
                boolean reads = m.findAll(NameExpr.class).stream().anyMatch(n -> dropped.contains(n.getNameAsString()))
                        || m.findAll(MethodCallExpr.class).stream().anyMatch(c -> removed.contains(c.getNameAsString())
                        && c.getScope().map(x -> x.isThisExpr()).orElse(true)
                        && t.getMethodsByName(c.getNameAsString()).isEmpty());
                if (floating || reads) {
                    if (m instanceof MethodDeclaration md) {
                        removed.add(md.getNameAsString());
                    }
                    m.remove();
                    changed = true;
                }
            }
        }
    }

    /** Whether a type is float or double (primitive, boxed, or an array of them). */
    static boolean isFloating(com.github.javaparser.ast.type.Type t) {
        com.github.javaparser.ast.type.Type e = t.getElementType();
        if (e instanceof PrimitiveType p) {
            return p.getType() == PrimitiveType.Primitive.FLOAT || p.getType() == PrimitiveType.Primitive.DOUBLE;
        }
        return e instanceof ClassOrInterfaceType c && (c.getNameAsString().equals("Double") || c.getNameAsString().equals("Float"));
    }

    /** The names a piece of code uses, by role. */
    static final class Names {
        final Set<String> types = new java.util.HashSet<>();
        final Set<String> methods = new java.util.HashSet<>();
        final Set<String> values = new java.util.HashSet<>();

        void collect(Node n) {
            for (MethodCallExpr c : n.findAll(MethodCallExpr.class)) {
                methods.add(c.getNameAsString());
            }
            for (MethodReferenceExpr r : n.findAll(MethodReferenceExpr.class)) {
                methods.add(r.getIdentifier());
            }
            for (NameExpr e : n.findAll(NameExpr.class)) {
                values.add(e.getNameAsString());
                types.add(e.getNameAsString());
            }
            for (FieldAccessExpr f : n.findAll(FieldAccessExpr.class)) {
                values.add(f.getNameAsString());
                types.add(f.getNameAsString());
            }
            for (ClassOrInterfaceType t : n.findAll(ClassOrInterfaceType.class)) {
                types.add(t.getNameAsString());
            }
            for (ObjectCreationExpr o : n.findAll(ObjectCreationExpr.class)) {
                types.add(o.getType().getNameAsString());
            }
            // An enum's constants are referenced by their bare names in switch labels.
            for (com.github.javaparser.ast.stmt.SwitchEntry s : n.findAll(com.github.javaparser.ast.stmt.SwitchEntry.class)) {
                s.getLabels().forEach(l -> values.add(l.toString()));
            }
            // Interface methods implemented by a kept class are called through the interface name:
            // methods of the same name are kept (by name), nothing more to do here.
            if (n instanceof CallableDeclaration<?> cd) {
                cd.getParameters().forEach(p -> types.add(p.getType().getElementType().asString()));
            }
        }
    }

    /** For tests: the simple names of every type in the sources. */
    Set<String> typeNames() {
        return java.util.Collections.unmodifiableSet(types.keySet());
    }

}
