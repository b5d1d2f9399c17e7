package dev.mcugen.qemu;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Compiles C sources with the board support of a target, links them and runs the image (under QEMU
 * for the Cortex-M and neon targets). Implementations: {@link LocalQemuRunner} (tools on this
 * machine); a container runner comes later behind the same interface.
 */
public interface TargetRunner {

    /**
     * @param target      what to compile for and run on
     * @param cSources    the program's C files; one of them defines {@code int main(void)} and uses
     *                    {@code board.h} for output
     * @param includeDirs extra include folders (the board's {@code include/} is always added)
     * @param timeout     hard limit on the run (not the build); the emulator is killed after it
     * @throws RunnerException when a tool is missing or the sources do not compile or link
     */
    RunResult run(Target target, List<Path> cSources, List<Path> includeDirs, Duration timeout);

    /** Says how programs run, e.g. "local QEMU (qemu-system-arm 7.2)". */
    String description();
}
