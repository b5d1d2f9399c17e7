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
