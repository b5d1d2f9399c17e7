package dev.mcugen.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcugen.ir.Diag;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Issue 17 parts 3 and 5: child-process output is bounded, and a missing tool is the environment's failure. */
class ProcessRunnerTest {
    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void chattyEmulatorIsKilledAtTheCapAndOnlyItsTailIsRead() {
        long cap = 1 << 20;
        ProcessRunner.Outcome o = ProcessRunner.run(List.of("sh", "-c", "yes chatty; echo never"), tmp,
                Duration.ofSeconds(50), List.of(), cap);
        assertThat(o.outputCapped()).isTrue();
        assertThat(o.timedOut()).isFalse();
        assertThat(o.exitCode()).isEqualTo(-1);
        assertThat((long) o.stdout().length()).isLessThanOrEqualTo(cap + 100);
        // The last bytes, after a line saying how many went (the kill may cut the last line short).
        assertThat(o.stdout()).startsWith("[... ").contains("bytes of output cut ...]\n").contains("chatty\nchatty\n")
                .doesNotContain("never");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aWatchedFileIsBoundedLikeStdout() throws Exception {
        Path semihosting = tmp.resolve("semihosting.out");
        ProcessRunner.Outcome o = ProcessRunner.run(List.of("sh", "-c", "yes chatty > " + semihosting), tmp,
                Duration.ofSeconds(50), List.of(semihosting), 1 << 20);
        assertThat(o.outputCapped()).isTrue();
        // Stopped soon after the cap: far below what 50 s of `yes` writes.
        assertThat(Files.size(semihosting)).isLessThan(1L << 30);
        assertThat(ProcessRunner.readTail(semihosting, 1000)).hasSizeLessThan(1100);
    }

    @Test
    void quietProgramsAreReadWhole() {
        ProcessRunner.Outcome o = ProcessRunner.run(List.of("sh", "-c", "echo hello; echo oops >&2"), tmp, Duration.ofSeconds(30));
        assertThat(o.outputCapped()).isFalse();
        assertThat(o.exitCode()).isZero();
        assertThat(o.stdout()).isEqualTo("hello\n");
        assertThat(o.stderr()).isEqualTo("oops\n");
    }

    @Test
    void missingQemuIsAnEnvironmentFailure() {
        assertThatThrownBy(() -> ProcessRunner.run(List.of(tmp.resolve("qemu-system-arm").toString()), tmp, Duration.ofSeconds(5)))
                .isInstanceOfSatisfying(RunnerException.class, e -> {
                    assertThat(e.environment()).isTrue();
                    assertThat(ModelPipeline.failure(Target.CORTEX_M4, e).diag()).isEqualTo(Diag.MCG_ENV_TOOL_MISSING);
                });
        assertThat(ModelPipeline.failure(Target.CORTEX_M4, new RunnerException("build failed")).diag())
                .isEqualTo(Diag.MCG_VERIFY_RUN_FAILED);
    }

    @Test
    void missingCompilerOrEmulatorOnThePathIsAnEnvironmentFailure() {
        RunPipeline p = new RunPipeline(null, tmp, new Emulator() {
            @Override
            public String description() {
                return "test emulator";
            }

            @Override
            public List<String> missing(Target target) {
                return List.of("qemu-system-arm");
            }

            @Override
            public ProcessRunner.Outcome run(List<String> command, Path dir, Duration timeout) {
                throw new AssertionError("not reached");
            }
        });
        assertThatThrownBy(() -> p.run(Target.CORTEX_M4, List.of(), List.of(), Duration.ofSeconds(5), null))
                .isInstanceOfSatisfying(RunnerException.class, e -> {
                    assertThat(e.environment()).isTrue();
                    assertThat(e.getMessage()).contains("qemu-system-arm");
                });
    }
}
