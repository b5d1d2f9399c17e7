package dev.mcugen.qemu;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs an external program with a hard timeout, output captured through files (no pipe deadlock).
 * The output is bounded: while the program runs, its stdout, stderr and any other file it is known
 * to append to (QEMU's semihosting chardev) are watched, and the program is killed once one passes
 * {@link #OUTPUT_CAP}; only the last {@code OUTPUT_CAP} bytes of each are read back, so a chatty or
 * runaway program can fill neither the disk nor the heap.
 */
final class ProcessRunner {
    /** The most output kept per stream: a verify harness prints a few kB; 3 GB means a runaway program. */
    static final long OUTPUT_CAP = 16L << 20;
    private static final long POLL_MS = 50;

    private ProcessRunner() {
    }

    /**
     * @param outputCapped the program was killed because an output passed {@link #OUTPUT_CAP}
     */
    record Outcome(int exitCode, boolean timedOut, String stdout, String stderr, Duration elapsed, boolean outputCapped) {
        Outcome(int exitCode, boolean timedOut, String stdout, String stderr, Duration elapsed) {
            this(exitCode, timedOut, stdout, stderr, elapsed, false);
        }
    }

    static Outcome run(List<String> command, Path workDir, Duration timeout) {
        return run(command, workDir, timeout, List.of(), OUTPUT_CAP);
    }

    /** @param watched further files the program appends to, bounded like its stdout */
    static Outcome run(List<String> command, Path workDir, Duration timeout, List<Path> watched) {
        return run(command, workDir, timeout, watched, OUTPUT_CAP);
    }

    static Outcome run(List<String> command, Path workDir, Duration timeout, List<Path> watched, long cap) {
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("mcugen-out", ".txt");
            err = Files.createTempFile("mcugen-err", ".txt");
            ProcessBuilder pb = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            if (workDir != null) {
                pb.directory(workDir.toFile());
            }
            long start = System.nanoTime();
            Process p;
            try {
                p = pb.start();
            } catch (IOException e) {
                throw RunnerException.environment("cannot start " + command.get(0) + " (is it installed?)", e);
            }
            List<Path> all = new ArrayList<>(List.of(out, err));
            all.addAll(watched);
            long deadline = start + timeout.toNanos();
            boolean finished = false;
            boolean capped = false;
            while (!finished) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                finished = p.waitFor(Math.min(POLL_MS, TimeUnit.NANOSECONDS.toMillis(left) + 1), TimeUnit.MILLISECONDS);
                if (!finished && largest(all) > cap) {
                    capped = true;
                    break;
                }
            }
            if (!finished) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            return new Outcome(finished ? p.exitValue() : -1, !finished && !capped, readTail(out, cap), readTail(err, cap),
                    elapsed, capped);
        } catch (IOException e) {
            throw new RunnerException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RunnerException("interrupted running " + command, e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    private static long largest(List<Path> files) {
        long max = 0;
        for (Path f : files) {
            try {
                max = Math.max(max, Files.size(f));
            } catch (IOException e) {
                // not created yet
            }
        }
        return max;
    }

    /**
     * The file's text, or when it holds more than {@code cap} bytes its last {@code cap} bytes after
     * a line saying how much was cut: the end is where a failing program says why.
     */
    static String readTail(Path file, long cap) throws IOException {
        if (!Files.exists(file)) {
            return "";
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            long from = Math.max(0, size - cap);
            ByteBuffer buf = ByteBuffer.allocate((int) (size - from));
            while (buf.hasRemaining() && ch.read(buf, from + buf.position()) > 0) {
                // read until full or end of file
            }
            String text = new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
            return from == 0 ? text : "[... " + from + " bytes of output cut ...]\n" + text;
        }
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // a temp file left behind is harmless
            }
        }
    }
}
