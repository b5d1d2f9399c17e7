package dev.mcugen.qemu;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What a run produced.
 *
 * @param target            the target it ran on
 * @param status            how it ended
 * @param exitCode          the process exit status (-1 after a timeout)
 * @param stdout            the program's output (semihosting on Cortex-M) without the runner's
 *                          {@code @mcugen} marker lines
 * @param stderr            the emulator's / program's error output
 * @param size              {@code size} figures of the linked image
 * @param instructionCounts instructions counted per {@code board_count_begin/end} region, in order
 *                          (empty on host)
 * @param stackBytes        stack used per {@code board_count_begin/end} region, in order, on every
 *                          target: the board paints the free stack in {@code board_count_begin} and
 *                          finds the deepest overwritten word in {@code board_count_end} (bytes below
 *                          the stack pointer inside {@code board_count_begin}; see
 *                          boards/common/stack_paint.h for the margins)
 * @param image             the linked image, kept for inspection (e.g. {@link Symbols})
 * @param elapsed           wall time of the run (not the build)
 * @param objects           each of the program's C sources (as given to the runner, the board's not
 *                          included) to the object file it was compiled to and linked from, kept with
 *                          the image; {@link ObjectSizes#of} reads a model's own figures from them
 */
public record RunResult(Target target, Status status, int exitCode, String stdout, String stderr,
                        ImageSize size, List<Long> instructionCounts, List<Long> stackBytes, Path image,
                        Duration elapsed, Map<Path, Path> objects) {

    public enum Status {
        /** Exit status 0. */
        PASSED,
        /** A non-zero exit status from the program. */
        FAILED,
        /** A hard fault (Cortex-M, reported by the board's handler) or a fatal signal (hosted). */
        FAULT,
        /** Killed after the timeout. */
        TIMEOUT
    }

    /** The {@code size} figures of an image (Berkeley format). */
    public record ImageSize(long text, long data, long bss) {
        /** Flash: code, constants and the .data initialisers. */
        public long flashBytes() {
            return text + data;
        }

        /** Static RAM (without stack). */
        public long ramBytes() {
            return data + bss;
        }
    }

    public RunResult {
        instructionCounts = List.copyOf(instructionCounts);
        stackBytes = List.copyOf(stackBytes);
        objects = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(objects));
    }

    /** A run whose object files are not known (none kept). */
    public RunResult(Target target, Status status, int exitCode, String stdout, String stderr, ImageSize size,
                     List<Long> instructionCounts, List<Long> stackBytes, Path image, Duration elapsed) {
        this(target, status, exitCode, stdout, stderr, size, instructionCounts, stackBytes, image, elapsed, Map.of());
    }

    public boolean passed() {
        return status == Status.PASSED;
    }
}
