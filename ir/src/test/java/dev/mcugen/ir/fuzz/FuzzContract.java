package dev.mcugen.ir.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcugen.ir.McugenException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The importers' contract under hostile input, shared by the fuzz tests (docs/fuzzing.md): a malformed
 * file is refused with a {@link McugenException} whose message is one printable line of bounded length;
 * nothing else escapes (any other exception or error propagates to Jazzer, which records it as a
 * finding); memory and time stay bounded per input.
 */
public final class FuzzContract {
    /**
     * Bytes one input may make the importer allocate. A model is at most a few times its file in memory
     * (weights as floats, the graph); the fuzz inputs are small, so a length or shape taken from the file
     * and believed shows up here long before it is an OutOfMemoryError on a user's 20 GB heap.
     */
    public static final long MAX_ALLOCATED = 256L << 20;
    /** Per-input time; the @Timeout on each fuzz test (which Jazzer turns into libFuzzer's -timeout) is the hard stop. */
    public static final long MAX_MILLIS = 10_000;
    /** An error line is read by a person: long enough for a path, a name and the advice, not a dump of the input. */
    public static final int MAX_MESSAGE = 1500;
    /** Separates the files of a multi-file input (TF.js model.json and its shards, graph JSON and its weights). */
    public static final byte[] MARK = "\0FILE\0".getBytes(StandardCharsets.ISO_8859_1);

    /** This JVM's folder for input files: a fuzzing run and a test run side by side do not share it. */
    private static final Path ROOT = Path.of(System.getProperty("java.io.tmpdir"), "mcugen-fuzz-" + ProcessHandle.current().pid());
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private FuzzContract() {
    }

    /** The action a fuzz test runs on one input. */
    @FunctionalInterface
    public interface Action {
        void run() throws Exception;
    }

    /** Runs {@code action}: success, or a refusal that keeps the contract; anything else propagates. */
    public static void holds(Action action) throws Exception {
        long[] cost = runOnce(action);
        if (cost[0] >= MAX_ALLOCATED || cost[1] >= MAX_MILLIS) {
            // The first input to reach a class loads it (and, when fuzzing, Jazzer instruments it) on this
            // thread, which costs hundreds of MB and seconds: only a repeat measures the importer.
            cost = runOnce(action);
        }
        assertThat(cost[0]).as("bytes allocated for one input").isLessThan(MAX_ALLOCATED);
        assertThat(cost[1]).as("milliseconds for one input").isLessThan(MAX_MILLIS);
    }

    /** {bytes allocated, milliseconds} of one run. */
    private static long[] runOnce(Action action) throws Exception {
        long bytes0 = THREADS.getCurrentThreadAllocatedBytes();
        long t0 = System.nanoTime();
        try {
            action.run();
        } catch (McugenException e) {
            checkMessage(e);
        }
        return new long[] {THREADS.getCurrentThreadAllocatedBytes() - bytes0, (System.nanoTime() - t0) / 1_000_000};
    }

    /** A refusal's message: a key, one line, only printable characters, bounded. */
    public static void checkMessage(McugenException e) {
        String m = e.getMessage();
        assertThat(e.diag()).isNotNull();
        assertThat(m).as("message").isNotNull().endsWith("[" + e.diag().name() + "]");
        assertThat(m.length()).as("message length of: %s", m).isLessThanOrEqualTo(MAX_MESSAGE);
        m.codePoints().forEach(cp -> assertThat(printable(cp))
                .as("U+%04X in message: %s", cp, m.replaceAll("[\\p{Cntrl}\\p{Cf}\\p{Zl}\\p{Zp}]", "?")).isTrue());
    }

    /** What a terminal line may hold: no control, format (bidi), separator, unassigned, private or surrogate characters. */
    static boolean printable(int cp) {
        int type = Character.getType(cp);
        return !(Character.isISOControl(cp) || type == Character.FORMAT || type == Character.UNASSIGNED
                || type == Character.PRIVATE_USE || type == Character.SURROGATE || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR);
    }

    /** {@code data} cut at each {@link #MARK}. */
    public static List<byte[]> split(byte[] data) {
        List<byte[]> parts = new ArrayList<>();
        int from = 0;
        for (int i = 0; i + MARK.length <= data.length; i++) {
            if (matches(data, i)) {
                parts.add(java.util.Arrays.copyOfRange(data, from, i));
                i += MARK.length - 1;
                from = i + 1;
            }
        }
        parts.add(java.util.Arrays.copyOfRange(data, from, data.length));
        return parts;
    }

    private static boolean matches(byte[] data, int at) {
        for (int j = 0; j < MARK.length; j++) {
            if (data[at + j] != MARK[j]) {
                return false;
            }
        }
        return true;
    }

    /** A fresh, empty folder for one input (the previous input's files removed). */
    public static Path freshDir(String name) {
        Path dir = ROOT.resolve(name);
        deleteTree(dir);
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Removes this JVM's input files (called once the fuzz tests are done). */
    public static void cleanUp() {
        deleteTree(ROOT);
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code data} to {@code name} in a fresh folder. */
    public static Path write(String name, byte[] data) {
        Path file = freshDir(name + ".d").resolve(name);
        try {
            Files.write(file, data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }
}
