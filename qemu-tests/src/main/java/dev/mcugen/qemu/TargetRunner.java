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

    /**
     * {@link #run(Target, List, List, Duration, java.util.function.Consumer)} with the program compiled
     * for {@code target} (its {@code -mcpu}, its soft-float check) but linked for and run on the QEMU
     * board of {@code machine}, a Cortex-M target whose core executes {@code target}'s instruction set
     * (e.g. a cortex-m0 program on mps2-an385's Cortex-M3 when it does not fit the micro:bit). SysTick
     * ticks convert with {@code machine}'s factor; under {@code -icount shift=0} they count the
     * program's instructions on either board.
     *
     * @throws IllegalArgumentException when {@code machine}'s core cannot run {@code target}'s code
     */
    default RunResult run(Target target, Target machine, List<Path> cSources, List<Path> includeDirs, Duration timeout,
                          java.util.function.Consumer<String> progress) {
        if (machine == target) {
            return run(target, cSources, includeDirs, timeout, progress);
        }
        throw new UnsupportedOperationException(description() + " cannot run " + target + " code on " + machine
                + "'s board");
    }

    /** Says how programs run, e.g. "local QEMU (...)" or "QEMU in container mcugen-qemu:... (...)". */
    String description();

    /** Releases what the runner holds (the container runner's container); a no-op for local runs. */
    @Override
    default void close() {
    }
}
