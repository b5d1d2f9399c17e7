package dev.mcugen.qemu;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Runs programs with the compilers and QEMU installed on this machine (DESIGN §7 packages): the
 * fallback when no container engine answers ({@link TargetRunners#select}), and the reference the
 * container runner is tested against. How programs are built, run and measured: {@link RunPipeline}.
 */
public final class LocalQemuRunner implements TargetRunner {

    private final RunPipeline pipeline;

    /**
     * @param boards   the board support to compile with
     * @param workRoot where each run's build folder is created
     */
    public LocalQemuRunner(BoardSupport boards, Path workRoot) {
        this.pipeline = new RunPipeline(boards, workRoot, LocalEmulator.INSTANCE);
    }

    @Override
    public String description() {
        return LocalEmulator.INSTANCE.description();
    }

    @Override
    public RunResult run(Target target, List<Path> cSources, List<Path> includeDirs, Duration timeout) {
        return pipeline.run(target, cSources, includeDirs, timeout, null);
    }

    @Override
    public RunResult run(Target target, List<Path> cSources, List<Path> includeDirs, Duration timeout,
                         java.util.function.Consumer<String> progress) {
        return pipeline.run(target, cSources, includeDirs, timeout, progress);
    }

    @Override
    public RunResult run(Target target, List<Path> cSources, List<Path> includeDirs, List<String> libraries,
                         Duration timeout, java.util.function.Consumer<String> progress) {
        return pipeline.run(target, cSources, includeDirs, libraries, timeout, progress);
    }

    @Override
    public RunResult run(Target target, Target machine, List<Path> cSources, List<Path> includeDirs, Duration timeout,
                         java.util.function.Consumer<String> progress) {
        return pipeline.run(target, machine, cSources, includeDirs, List.of(), timeout, progress);
    }
}
