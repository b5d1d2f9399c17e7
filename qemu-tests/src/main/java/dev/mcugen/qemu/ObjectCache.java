package dev.mcugen.qemu;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Object files compiled earlier in this JVM, reused when the same translation unit is compiled again
 * with the same compiler and flags: what a JVM running many verifies (the test suite, the benchmark
 * suite) would otherwise compile over and over, the runtime's kernels and the board support, the
 * same for every model on a target. Off unless the system property {@value #PROPERTY} is
 * {@code true}; a single {@code mcugen verify} compiles each source once anyway.
 *
 * <p>The key is the translation unit itself: the SHA-256 of the compiler, its flags (all but the
 * include folders, whose contents the preprocessed text already holds), the source's file name and
 * the source preprocessed with those flags ({@code -E -P}: every header expanded, no line markers, so
 * the same code from another folder gives the same text). Equal keys compile to equal objects: the
 * compiler reads nothing else. Anything else that differs (a macro, a header's content, a flag, the
 * target's CPU) is another key and a fresh compile. Compiles always start from the source, never from
 * the preprocessed text, so a hit is the object a miss would have made.
 */
final class ObjectCache {
    /** The system property that turns the cache on ({@code -Dmcugen.objectCache=true}). */
    static final String PROPERTY = "mcugen.objectCache";

    private static final Map<String, Path> OBJECTS = new ConcurrentHashMap<>();
    private static volatile Path dir;

    private ObjectCache() {
    }

    static boolean enabled() {
        return Boolean.getBoolean(PROPERTY);
    }

    /**
     * The key of compiling {@code source} with {@code compile} (the full command up to, without,
     * {@code -c source -o object}): preprocesses it into {@code scratch}.
     *
     * @throws RunnerException when the preprocessor fails (the compile would too)
     */
    static String key(List<String> compile, Path source, Path scratch, Target target) {
        java.util.ArrayList<String> cmd = new java.util.ArrayList<>(compile);
        cmd.addAll(List.of("-E", "-P", source.toAbsolutePath().toString(), "-o", scratch.toString()));
        ProcessRunner.Outcome out = ProcessRunner.run(cmd, scratch.getParent(), java.time.Duration.ofMinutes(2));
        if (out.timedOut() || out.exitCode() != 0) {
            throw new RunnerException("build for " + target + " failed:\n" + String.join(" ", cmd) + "\n"
                    + out.stdout() + out.stderr());
        }
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String arg : compile) {
                if (!arg.startsWith("-I")) {
                    sha.update(arg.getBytes(StandardCharsets.UTF_8));
                    sha.update((byte) 0);
                }
            }
            sha.update(source.getFileName().toString().getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            try (InputStream in = Files.newInputStream(scratch)) {
                byte[] buf = new byte[1 << 16];
                for (int n; (n = in.read(buf)) > 0; ) {
                    sha.update(buf, 0, n);
                }
            }
            Files.delete(scratch);
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException | IOException e) {
            throw new RunnerException("cannot hash the preprocessed " + source.getFileName(), e);
        }
    }

    /** Copies the object cached under {@code key} to {@code object}; false when there is none. */
    static boolean fetch(String key, Path object) {
        Path cached = OBJECTS.get(key);
        if (cached == null) {
            return false;
        }
        try {
            Files.copy(cached, object, StandardCopyOption.REPLACE_EXISTING);
            return true;
        } catch (IOException e) {
            OBJECTS.remove(key, cached); // removed under us: compile again
            return false;
        }
    }

    /** Keeps a copy of {@code object} (just compiled) under {@code key}; a failure to copy only loses the reuse. */
    static void store(String key, Path object) {
        try {
            Path copy = Files.createTempFile(cacheDir(), "obj-", ".o");
            Files.copy(object, copy, StandardCopyOption.REPLACE_EXISTING);
            OBJECTS.putIfAbsent(key, copy);
        } catch (IOException e) {
            // not kept: the next compile of this unit compiles again
        }
    }

    private static Path cacheDir() throws IOException {
        Path d = dir;
        if (d == null) {
            synchronized (ObjectCache.class) {
                if (dir == null) {
                    Path created = Files.createTempDirectory("mcugen-objects-");
                    Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(created), "mcugen-object-cache"));
                    dir = created;
                }
                d = dir;
            }
        }
        return d;
    }

    private static void deleteTree(Path root) {
        try (var files = Files.walk(root)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary folder left behind
        }
    }
}
