package dev.mcugen.gen;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Compiles a generated folder with a small stdin/stdout harness on the host (gcc, C99, strict
 * warnings, UBSan) and runs it: the integer outputs of every sample, one line each.
 */
final class HostC {
    static final List<String> FLAGS = List.of("-std=c99", "-O2", "-Wall", "-Wextra", "-Werror", "-Wconversion",
            "-fsanitize=undefined", "-fno-sanitize-recover");

    private HostC() {
    }

    /** Skips the test when gcc is missing, unless the environment variable CI is set (then fails). */
    static void requireGcc() {
        boolean ok;
        try {
            Process p = new ProcessBuilder("gcc", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            ok = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            ok = false;
        }
        if (!ok && System.getenv("CI") != null) {
            throw new AssertionError("gcc is required in CI for the generated-C host tests");
        }
        Assumptions.assumeTrue(ok, "gcc not found: host compile of the generated C skipped");
    }

    static String harness(String id) {
        return """
                #include <stdio.h>
                #include "ID.h"

                int main(void)
                {
                    static ID_ctx_t ctx;
                    static ID_input_t x[ID_UP_INPUT_SIZE];
                    static ID_output_t y[ID_UP_OUTPUT_SIZE];
                    long v;
                    int n, s, i;
                    if (scanf("%d", &n) != 1) {
                        return 2;
                    }
                    for (s = 0; s < n; s++) {
                        for (i = 0; i < ID_UP_INPUT_SIZE; i++) {
                            if (scanf("%ld", &v) != 1) {
                                return 3;
                            }
                            x[i] = (ID_input_t)v;
                        }
                        ID_reset(&ctx);
                        if (ID_invoke(&ctx, x, y) != 0) {
                            return 4;
                        }
                        for (i = 0; i < ID_UP_OUTPUT_SIZE; i++) {
                            printf(i ? " %d" : "%d", (int)y[i]);
                        }
                        printf("\\n");
                    }
                    return 0;
                }
                """.replace("ID_UP", id.toUpperCase(java.util.Locale.ROOT)).replace("ID", id);
    }

    /**
     * A harness for any number of inputs and outputs, from the view: per sample it reads each input's
     * integers in the model's input order, calls {@code _invoke} with the inputs then the outputs, and
     * prints every output's integers, in the model's output order, on one line.
     */
    static String harness(View.Model m) {
        StringBuilder b = new StringBuilder("#include <stdio.h>\n#include \"" + m.id() + ".h\"\n\n");
        for (int k = 0; k < m.inputs().size(); k++) {
            View.Port p = m.inputs().get(k);
            b.append("static ").append(p.typeName()).append(" in").append(k).append('[').append(m.macro()).append('_')
                    .append(p.macro()).append("_SIZE];\n");
        }
        for (int k = 0; k < m.outputs().size(); k++) {
            View.Port p = m.outputs().get(k);
            b.append("static ").append(p.typeName()).append(" out").append(k).append('[').append(m.macro()).append('_')
                    .append(p.macro()).append("_SIZE];\n");
        }
        b.append("static ").append(m.id()).append("_ctx_t ctx;\n\nint main(void)\n{\n    long v;\n    int n, s, i;\n")
                .append("    if (scanf(\"%d\", &n) != 1) {\n        return 2;\n    }\n    for (s = 0; s < n; s++) {\n");
        for (int k = 0; k < m.inputs().size(); k++) {
            View.Port p = m.inputs().get(k);
            b.append("        for (i = 0; i < ").append(m.macro()).append('_').append(p.macro()).append("_SIZE; i++) {\n")
                    .append("            if (scanf(\"%ld\", &v) != 1) {\n                return 3;\n            }\n")
                    .append("            in").append(k).append("[i] = (").append(p.typeName()).append(")v;\n        }\n");
        }
        b.append("        ").append(m.id()).append("_reset(&ctx);\n        if (").append(m.id()).append("_invoke(&ctx");
        for (int k = 0; k < m.inputs().size(); k++) {
            b.append(", in").append(k);
        }
        for (int k = 0; k < m.outputs().size(); k++) {
            b.append(", out").append(k);
        }
        b.append(") != 0) {\n            return 4;\n        }\n");
        for (int k = 0; k < m.outputs().size(); k++) {
            View.Port p = m.outputs().get(k);
            b.append("        for (i = 0; i < ").append(m.macro()).append('_').append(p.macro()).append("_SIZE; i++) {\n")
                    .append("            printf(\" %d\", (int)out").append(k).append("[i]);\n        }\n");
        }
        b.append("        printf(\"\\n\");\n    }\n    return 0;\n}\n");
        return b.toString();
    }

    /**
     * Generates {@code g}, compiles it with {@link #harness(View.Model)} and runs it: {@code inputs}
     * holds per sample every input's integers one after the other; returns per sample every output's.
     */
    static List<int[]> run(Path dir, dev.mcugen.ir.quant.QGraph g, GenOptions opts, List<int[]> inputs) throws Exception {
        return run(dir, g, opts, inputs, FLAGS);
    }

    /** {@link #run(Path, dev.mcugen.ir.quant.QGraph, GenOptions, List)} compiled with {@code flags}. */
    static List<int[]> run(Path dir, dev.mcugen.ir.quant.QGraph g, GenOptions opts, List<int[]> inputs, List<String> flags)
            throws Exception {
        CGenerator.Output o = new CGenerator().build(g, opts);
        Map<String, byte[]> files = o.files();
        CGenerator.write(files, dir);
        Files.writeString(dir.resolve("harness.c"), harness(o.view()));
        return compileAndRun(dir, o.view().id(), files, inputs, flags);
    }

    /** AddressSanitizer beside UBSan: out-of-bounds reads and writes of the generated C abort the run. */
    static final List<String> ASAN_FLAGS = List.of("-std=c99", "-O1", "-g", "-Wall", "-Wextra", "-Werror", "-Wconversion",
            "-fsanitize=address,undefined", "-fno-sanitize-recover=all", "-fno-omit-frame-pointer");

    /** Writes {@code files}, compiles them with the harness, runs it on {@code inputs}; returns outputs per sample. */
    static List<int[]> run(Path dir, String id, Map<String, byte[]> files, List<int[]> inputs) throws Exception {
        return run(dir, id, files, inputs, FLAGS);
    }

    /** {@link #run(Path, String, Map, List)} compiled with {@code flags}. */
    static List<int[]> run(Path dir, String id, Map<String, byte[]> files, List<int[]> inputs, List<String> flags)
            throws Exception {
        CGenerator.write(files, dir);
        Files.writeString(dir.resolve("harness.c"), harness(id));
        return compileAndRun(dir, id, files, inputs, flags);
    }

    private static List<int[]> compileAndRun(Path dir, String id, Map<String, byte[]> files, List<int[]> inputs,
                                             List<String> flags) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add("gcc");
        cmd.addAll(flags);
        cmd.addAll(List.of("-I" + dir, "-I" + dir.resolve("runtime/include"), "-o", dir.resolve("harness").toString(),
                dir.resolve("harness.c").toString(), dir.resolve(id + ".c").toString()));
        for (String f : files.keySet()) {
            if (f.startsWith("runtime/src/") && f.endsWith(".c")) {
                cmd.add(dir.resolve(f).toString());
            }
        }
        exec(cmd, null, dir);
        StringBuilder in = new StringBuilder().append(inputs.size()).append('\n');
        for (int[] x : inputs) {
            for (int v : x) {
                in.append(v).append(' ');
            }
            in.append('\n');
        }
        String out = exec(List.of(dir.resolve("harness").toString()), in.toString(), dir);
        List<int[]> result = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (!line.isBlank()) {
                String[] parts = line.trim().split(" ");
                int[] y = new int[parts.length];
                for (int i = 0; i < y.length; i++) {
                    y[i] = Integer.parseInt(parts[i]);
                }
                result.add(y);
            }
        }
        return result;
    }

    static String exec(List<String> cmd, String stdin, Path dir) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(false).start();
        Path errFile = Files.createTempFile(dir, "stderr", ".txt");
        Thread errPump = new Thread(() -> {
            try {
                Files.write(errFile, p.getErrorStream().readAllBytes());
            } catch (IOException e) {
                // ignored: the exit status tells
            }
        });
        errPump.start();
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timeout: " + cmd);
        }
        errPump.join();
        String err = Files.readString(errFile);
        if (p.exitValue() != 0) {
            throw new AssertionError("exit " + p.exitValue() + ": " + String.join(" ", cmd) + "\n" + err);
        }
        return out;
    }
}
