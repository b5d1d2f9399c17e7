package dev.mcugen.qemu;

import java.io.BufferedReader;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Counts instructions on neon from QEMU's exec trace, without keeping the trace.
 *
 * <p>Under {@code qemu-aarch64 -singlestep -d exec,nochain} every executed instruction is one
 * {@code Trace ...} line that ends with the symbol of its pc. A region is counted from the entry of
 * the hosted board's {@code mcugen_count_start} (which {@code board_count_begin} tail-calls after
 * painting the stack; its {@code ret} is counted) up to the entry of {@code board_count_end} (the
 * call to it is counted, the stack report in it is not): a loop of 500 001 instructions counts as
 * 500 003. The program's start-up (static glibc, about 21 000 instructions) is never counted.
 *
 * <p>How the whole run is kept off the disk ({@link #countByReRun}): the runner first runs the
 * program untraced (full speed; all its output comes from that run) and learns from the board's
 * {@code @mcugen stack} lines how many regions completed. It then runs it again with the trace sent
 * to a named pipe in the run's folder, counts the lines on the fly, and closes the pipe as soon as
 * the last of those regions has ended: QEMU's next trace write fails with SIGPIPE and the re-run
 * stops there. So a harness that counts only its first inference traces start-up plus that one
 * inference (about 84 bytes of trace per instruction streamed through memory, ~1 s per million
 * instructions) however many samples follow it. The pipe works the same when QEMU runs in a
 * container, since the container sees the run's folder through a bind mount.
 */
final class TraceCounter {

    static final String START = " mcugen_count_start";
    static final String STOP = " board_count_end";

    private final int regions;
    private final List<Long> counts = new ArrayList<>();
    private long n = -1;

    /** @param regions stop after this many regions (Integer.MAX_VALUE: never) */
    TraceCounter(int regions) {
        this.regions = regions;
    }

    /** Feeds one trace line; false once {@code regions} regions are counted. */
    boolean accept(String line) {
        if (!line.startsWith("Trace ")) {
            return counts.size() < regions;
        }
        if (line.endsWith(START)) {
            n = n < 0 ? 1 : n + 1;
        } else if (line.endsWith(STOP)) {
            if (n >= 0) {
                counts.add(n);
                n = -1;
            }
        } else if (n >= 0) {
            n++;
        }
        return counts.size() < regions;
    }

    List<Long> counts() {
        return List.copyOf(counts);
    }

    /** Counts every region of a trace read to its end (or until {@code regions} are counted). */
    static List<Long> count(BufferedReader trace, int regions) throws IOException {
        TraceCounter c = new TraceCounter(regions);
        String line;
        while ((line = trace.readLine()) != null && c.accept(line)) {
            // counting in accept
        }
        return c.counts();
    }

    /**
     * Re-runs a neon program under {@code qemu-aarch64 -singlestep -d exec,nochain} with the trace
     * streamed through a named pipe, and returns the counts of its first {@code regions} regions.
     *
     * @throws RunnerException when the re-run ends before {@code regions} regions are counted
     */
    static List<Long> countByReRun(Emulator emulator, Path image, Path dir, int regions, Duration timeout) {
        Path fifo = dir.resolve("trace.fifo");
        ProcessRunner.Outcome mk = ProcessRunner.run(List.of("mkfifo", fifo.toString()), dir, Duration.ofSeconds(10));
        if (mk.exitCode() != 0) {
            throw new RunnerException("cannot make the trace pipe " + fifo + ": " + mk.stderr().strip());
        }
        TraceCounter counter = new TraceCounter(regions);
        AtomicReference<IOException> failure = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            // Blocks in open until QEMU opens the pipe for writing; closing it early stops QEMU (SIGPIPE).
            try (BufferedReader r = Files.newBufferedReader(fifo, StandardCharsets.ISO_8859_1)) {
                String line;
                while ((line = r.readLine()) != null && counter.accept(line)) {
                    // counting in accept
                }
            } catch (IOException e) {
                failure.set(e);
            }
        }, "mcugen-trace-counter");
        reader.setDaemon(true);
        reader.start();
        ProcessRunner.Outcome out;
        try {
            out = emulator.run(List.of(Target.QEMU_AARCH64, "-singlestep", "-d", "exec,nochain", "-D", fifo.toString(),
                    image.toString()), dir, timeout);
            reader.join(Duration.ofSeconds(10).toMillis());
            if (reader.isAlive()) {
                // QEMU never opened the pipe (it failed before logging): release the reader's open().
                new FileOutputStream(fifo.toFile()).close();
                reader.join(Duration.ofSeconds(10).toMillis());
            }
        } catch (IOException e) {
            throw new RunnerException("cannot release the trace pipe " + fifo, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RunnerException("interrupted while counting instructions of " + image, e);
        } finally {
            try {
                Files.deleteIfExists(fifo);
            } catch (IOException ignored) {
                // a pipe left in the run folder holds no data
            }
        }
        if (failure.get() != null) {
            throw new RunnerException("cannot read the exec trace from " + fifo, failure.get());
        }
        List<Long> counts = counter.counts();
        if (counts.size() < regions) {
            throw new RunnerException("neon instruction counting: the traced re-run of " + image + " ended after "
                    + counts.size() + " of " + regions + " counted regions ("
                    + (out.timedOut() ? "timed out after " + timeout.toSeconds() + " s" : "exit " + out.exitCode())
                    + "): " + out.stderr().strip());
        }
        return counts;
    }
}
