package dev.mcugen.qemu;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Runs the emulators inside a container of the locally built image {@value #IMAGE} (DESIGN §7:
 * {@code debootstrap --variant=minbase --include=qemu-system-arm,qemu-user bookworm} imported with
 * {@code podman import}, see qemu-tests/container/), reached through Testcontainers and any
 * Docker-API engine, including Podman's where no Docker daemon runs.
 *
 * <p>What runs where: compiling, linking, {@code size} and {@code nm} stay on this machine (the
 * cross compilers are local); {@code qemu-system-arm} (Cortex-M) and {@code qemu-aarch64} (neon,
 * including the traced counting re-run) run in the container; host programs are native and run on
 * this machine, as with {@link LocalQemuRunner}. Parsing, counting and stack figures are the same
 * code as the local runner's ({@link RunPipeline}), so both give identical results for a program.
 *
 * <p>One container serves every run of this runner; {@link #close()} removes it (without Ryuk,
 * Testcontainers also removes it when the JVM exits).
 */
public final class ContainerQemuRunner implements TargetRunner {

    /** The image name and tag; qemu-tests/container/build-image.sh builds exactly this. */
    public static final String IMAGE = "mcugen-qemu:bookworm-1";

    private final RunPipeline pipeline;

    private ContainerQemuRunner(RunPipeline pipeline) {
        this.pipeline = pipeline;
    }

    /**
     * Starts the container.
     *
     * @param boards   the board support to compile with
     * @param workRoot where each run's build folder is created; bind-mounted into the container
     * @throws RunnerException when no engine answers, the image is missing or the container does not
     *                         start, with a one-line reason
     */
    public static ContainerQemuRunner start(BoardSupport boards, Path workRoot) {
        return start(boards, workRoot, System.getenv(), IMAGE);
    }

    static ContainerQemuRunner start(BoardSupport boards, Path workRoot, Map<String, String> env, String image) {
        return new ContainerQemuRunner(new RunPipeline(boards, workRoot, ContainerEmulator.start(image, workRoot, env)));
    }

    @Override
    public String description() {
        return pipeline.emulator().description();
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

    /** Runs a command in the container (tests: proof that runs happen there). */
    ProcessRunner.Outcome execInContainer(List<String> command, Path dir, Duration timeout) {
        return pipeline.emulator().run(command, dir, timeout);
    }

    @Override
    public void close() {
        pipeline.emulator().close();
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
