package dev.mcugen.qemu;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Picks the runner: QEMU in a container when a Docker-API engine answers and has the image
 * ({@link ContainerQemuRunner}), else QEMU on this machine ({@link LocalQemuRunner}), saying so and
 * why in one line. The environment variable {@value #ENV} overrides the choice: {@code local} or
 * {@code container} (then an unusable container is an error, not a fallback); unset or
 * {@code auto} picks as above.
 */
public final class TargetRunners {

    public static final String ENV = "MCUGEN_RUNNER";

    private TargetRunners() {
    }

    /**
     * @param boards   the board support to compile with
     * @param workRoot where each run's build folder is created
     * @param log      receives one line when the choice is not the container runner, or is forced
     * @throws RunnerException when {@value #ENV} has another value, or is {@code container} and no
     *                         container can be used
     */
    public static TargetRunner select(BoardSupport boards, Path workRoot, Consumer<String> log) {
        return select(boards, workRoot, log, System.getenv(), ContainerQemuRunner.IMAGE);
    }

    static TargetRunner select(BoardSupport boards, Path workRoot, Consumer<String> log, Map<String, String> env,
                               String image) {
        String mode = env.getOrDefault(ENV, "").trim().toLowerCase(Locale.ROOT);
        switch (mode) {
            case "local":
                log.accept(ENV + "=local: running QEMU locally");
                return new LocalQemuRunner(boards, workRoot);
            case "container":
                try {
                    return ContainerQemuRunner.start(boards, workRoot, env, image);
                } catch (RunnerException e) {
                    throw RunnerException.environment(ENV + "=container, but " + e.getMessage(), e);
                }
            case "":
            case "auto":
                try {
                    return ContainerQemuRunner.start(boards, workRoot, env, image);
                } catch (RunnerException e) {
                    log.accept(e.getMessage() + "; running QEMU locally");
                    return new LocalQemuRunner(boards, workRoot);
                }
            default:
                throw new RunnerException(ENV + " must be local, container or auto, not '" + env.get(ENV) + "'");
        }
    }
}
