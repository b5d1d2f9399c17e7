package dev.mcugen.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The container runner gives exactly the local runner's results. Needs a Docker-API engine with the
 * image {@link ContainerQemuRunner#IMAGE} (.ci/run sets up Podman and builds it): without one these
 * tests are skipped on a developer machine and fail on CI (environment variable CI set).
 */
class ContainerQemuRunnerTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    static Path work;

    private static ContainerQemuRunner container;
    private static LocalQemuRunner local;

    @BeforeAll
    static void setUp() {
        BoardSupport boards = BoardSupport.at(Toolchains.boardsDir());
        try {
            container = ContainerQemuRunner.start(boards, work.resolve("container"));
        } catch (RunnerException e) {
            String message = "no container runner: " + e.getMessage();
            if (System.getenv("CI") != null) {
                fail(message);
            }
            assumeTrue(false, message);
        }
        local = new LocalQemuRunner(boards, work.resolve("local"));
    }

    @AfterAll
    static void tearDown() {
        if (container != null) {
            container.close();
        }
    }

    static Stream<Arguments> programs() {
        List<String> programs = List.of("hello.c", "exit1.c", "hardfault.c", "calibrate.c", "regions.c", "stack.c");
        return Stream.of(Target.CORTEX_M0, Target.CORTEX_M4, Target.NEON, Target.HOST)
                .flatMap(t -> programs.stream().map(p -> Arguments.of(t, p)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("programs")
    void sameResultsAsTheLocalRunner(Target target, String program) {
        Toolchains.require(target);
        List<Path> sources = List.of(Toolchains.program(program));
        RunResult here = local.run(target, sources, List.of(), TIMEOUT);
        RunResult there = container.run(target, sources, List.of(), TIMEOUT);

        assertThat(there.status()).isEqualTo(here.status());
        assertThat(there.exitCode()).isEqualTo(here.exitCode());
        assertThat(there.stdout()).isEqualTo(here.stdout());
        assertThat(there.stderr()).isEqualTo(here.stderr());
        assertThat(there.size()).isEqualTo(here.size());
        assertThat(there.instructionCounts()).isEqualTo(here.instructionCounts());
        assertThat(there.stackBytes()).isEqualTo(here.stackBytes());
        // And the results are the real ones, not two equal failures.
        RunResult.Status expected = switch (program) {
            case "exit1.c" -> RunResult.Status.FAILED;
            case "hardfault.c" -> RunResult.Status.FAULT;
            default -> RunResult.Status.PASSED;
        };
        assertThat(there.status()).as(there.stdout() + there.stderr()).isEqualTo(expected);
        if (target != Target.HOST && (program.equals("calibrate.c") || program.equals("regions.c"))) {
            assertThat(there.instructionCounts()).isNotEmpty();
        }
    }

    @Test
    void endlessProgramIsKilledInTheContainerAtTheTimeout() {
        Toolchains.require(Target.CORTEX_M0);
        RunResult r = container.run(Target.CORTEX_M0, List.of(Toolchains.program("forever.c")), List.of(),
                Duration.ofSeconds(1));

        assertThat(r.status()).isEqualTo(RunResult.Status.TIMEOUT);
        assertThat(r.exitCode()).isEqualTo(-1);
        assertThat(r.elapsed()).isLessThan(Duration.ofSeconds(8));
    }

    /** The emulator commands run in the container: its process 1 is the container's sleep. */
    @Test
    void commandsRunInTheContainer() throws IOException {
        Path dir = Files.createDirectories(work.resolve("container"));
        ProcessRunner.Outcome out = container.execInContainer(List.of("cat", "/proc/1/cmdline"), dir, TIMEOUT);

        assertThat(out.exitCode()).isZero();
        assertThat(out.stdout()).startsWith("sleep\0infinity");
        assertThat(container.description()).startsWith("QEMU in container " + ContainerQemuRunner.IMAGE);
    }
}
