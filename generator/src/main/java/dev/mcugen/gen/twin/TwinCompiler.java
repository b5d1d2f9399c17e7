package dev.mcugen.gen.twin;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.StringWriter;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Compiles a generated twin in memory with the JDK's compiler ({@code javax.tools}) and loads it in a
 * class loader of its own: nothing is written to disk and nothing of mcugen is on its class path, so
 * a twin that needed anything but the JDK would not compile.
 */
public final class TwinCompiler {
    private TwinCompiler() {
    }

    /** The compiler is missing (a JRE without {@code jdk.compiler}). */
    public static final class NoCompilerException extends RuntimeException {
        NoCompilerException() {
            super("no Java compiler in this runtime (javax.tools.ToolProvider.getSystemJavaCompiler() is null):"
                    + " run mcugen on a JDK, not a JRE");
        }
    }

    /** The source did not compile; the message holds javac's first errors. */
    public static final class CompileException extends RuntimeException {
        CompileException(String message) {
            super(message);
        }
    }

    /** Compiles {@code twin} with {@code -Xlint:all -Werror} for Java 17 and returns its loaded class. */
    public static Class<?> compile(JavaTwinGenerator.Output twin) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new NoCompilerException();
        }
        Map<String, ByteArrayOutputStream> classes = new HashMap<>();
        DiagnosticCollector<JavaFileObject> diags = new DiagnosticCollector<>();
        StandardJavaFileManager std = javac.getStandardFileManager(diags, Locale.ROOT, java.nio.charset.StandardCharsets.UTF_8);
        JavaFileManager fm = new ForwardingJavaFileManager<>(std) {
            @Override
            public JavaFileObject getJavaFileForOutput(Location location, String className, JavaFileObject.Kind kind,
                                                       FileObject sibling) {
                return new SimpleJavaFileObject(URI.create("mem:///" + className.replace('.', '/') + kind.extension), kind) {
                    @Override
                    public OutputStream openOutputStream() {
                        ByteArrayOutputStream o = new ByteArrayOutputStream();
                        classes.put(className, o);
                        return o;
                    }
                };
            }
        };
        JavaFileObject src = new SimpleJavaFileObject(URI.create("mem:///" + twin.path()), JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return twin.source();
            }
        };
        StringWriter out = new StringWriter();
        // An empty class path: the twin may use the JDK only.
        List<String> options = List.of("--release", "17", "-Xlint:all", "-Xlint:-serial", "-Werror", "-classpath", "",
                "-implicit:none", "-proc:none");
        boolean ok = javac.getTask(out, fm, diags, options, null, List.of(src)).call();
        if (!ok) {
            StringBuilder b = new StringBuilder();
            int shown = 0;
            for (Diagnostic<? extends JavaFileObject> d : diags.getDiagnostics()) {
                if (shown++ == 5) {
                    break;
                }
                b.append(twin.path()).append(':').append(d.getLineNumber()).append(": ")
                        .append(d.getMessage(Locale.ROOT).lines().findFirst().orElse("")).append("; ");
            }
            throw new CompileException(b.length() == 0 ? out.toString() : b.toString());
        }
        ClassLoader loader = new ClassLoader(ClassLoader.getPlatformClassLoader()) {
            @Override
            protected Class<?> findClass(String name) throws ClassNotFoundException {
                ByteArrayOutputStream o = classes.get(name);
                if (o == null) {
                    throw new ClassNotFoundException(name);
                }
                byte[] b = o.toByteArray();
                return defineClass(name, b, 0, b.length);
            }
        };
        try {
            return loader.loadClass(twin.qualifiedName());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }
}
