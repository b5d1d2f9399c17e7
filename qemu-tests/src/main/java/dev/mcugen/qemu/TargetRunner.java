package dev.mcugen.qemu;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Compiles C sources with the board support of a target, links them and runs the image (under QEMU
 * for the Cortex-M and neon targets). Implementations: {@link ContainerQemuRunner} (QEMU in a
 * container) and {@link LocalQemuRunner} (QEMU on this machine); {@link TargetRunners#select} picks
 * one. Close a runner when done: the container runner holds a running container.
 */
public interface TargetRunner extends AutoCloseable {

    /**
     * @param target      what to compile for and run on
     * @param cSources    the program's C files; one of them defines {@code int main(void)} and uses
     *                    {@code board.h} for output
     * @param includeDirs extra include folders (the board's {@code include/} is always added)
     * @param timeout     hard limit on the run (not the build); the emulator is killed after it
     * @throws RunnerException when a tool is missing or the sources do not compile or link
     */
    RunResult run(Target target, List<Path> cSources, List<Path> includeDirs, Duration timeout);

    /**
     * {@link #run(Target, List, List, Duration)}, telling {@code progress} each line the program
     * prints while it runs (Cortex-M: its semihosting output, followed as QEMU writes it; other
     * targets: after the run), for a progress display. The result is the same.
     */
    default RunResult run(Target target, List<Path> cSources, List<Path> includeDirs, Duration timeout,
                          java.util.function.Consumer<String> progress) {
        RunResult r = run(target, cSources, includeDirs, timeout);
        r.stdout().lines().forEach(progress);
        return r;
    }

    /**
     * {@link #run(Target, List, List, Duration, java.util.function.Consumer)} linking {@code libraries}
     * too ({@code -l<name>} after the sources, e.g. "m" for libm).
     */
    default RunResult run(Target target, List<Path> cSources, List<Path> includeDirs, List<String> libraries,
                          Duration timeout, java.util.function.Consumer<String> progress) {
        if (!libraries.isEmpty()) {
            throw new UnsupportedOperationException(description() + " cannot link libraries " + libraries);
        }
        return run(target, cSources, includeDirs, timeout, progress);
    }

    /** Says how programs run, e.g. "local QEMU (...)" or "QEMU in container mcugen-qemu:... (...)". */
    String description();

    /** Releases what the runner holds (the container runner's container); a no-op for local runs. */
    @Override
    default void close() {
    }
}
