package dev.mcugen.qemu;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Where an emulator command runs: a process on this machine ({@link LocalEmulator}) or an exec in a
 * long-lived container ({@link ContainerEmulator}). Everything else about a run (compiling, sizes,
 * output parsing, counting, stack) is the same code for both ({@link RunPipeline}), so the two
 * runners can only differ in where QEMU executes, never in how its results are read.
 *
 * <p>Commands name files by absolute paths under the runner's work root; a container sees the work
 * root at the same path.
 */
interface Emulator extends AutoCloseable {

    /** E.g. "local QEMU (...)" or "QEMU in container mcugen-qemu:... (...)". */
    String description();

    /** The emulators {@code target} needs that this one cannot provide (empty when it can run it). */
    List<String> missing(Target target);

    /**
     * Runs {@code command} in {@code dir} and waits at most {@code timeout}; after it the command is
     * killed and the outcome says {@code timedOut} with exit code -1.
     */
    ProcessRunner.Outcome run(List<String> command, Path dir, Duration timeout);

    /**
     * {@link #run(List, Path, Duration)}, with {@code watched} files the command appends to kept
     * within {@link ProcessRunner#OUTPUT_CAP} where the emulator can watch them.
     */
    default ProcessRunner.Outcome run(List<String> command, Path dir, Duration timeout, List<Path> watched) {
        return run(command, dir, timeout);
    }

    @Override
    default void close() {
    }
}
