package dev.mcugen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcugen.qemu.Target;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The container runner's libraries (Testcontainers, docker-java) log through SLF4J: in the CLI that
 * reaches the terminal only with {@code verify --verbose}, one line each; by default nothing, and the
 * runner's own notice (which runner, why) is said only with {@code --verbose} too.
 */
class RunnerLogTest {
    @TempDir
    Path tmp;

    /** What a Testcontainers class logs, through the binding the CLI ships. */
    private static final Logger TESTCONTAINERS = LoggerFactory.getLogger("org.testcontainers.DockerClientFactory");

    @Test
    void slf4jIsBoundToJavaUtilLoggingNotToNothing() {
        // slf4j-nop would make --verbose show nothing; two bindings would print SLF4J's warning on every run.
        assertThat(LoggerFactory.getILoggerFactory().getClass().getName()).isEqualTo("org.slf4j.impl.JDK14LoggerFactory");
    }

    @Test
    void libraryLinesReachNothingByDefaultAndTheVerboseStreamWithVerbose() throws Exception {
        PrintStream saved = System.err;
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
        StringWriter verbose = new StringWriter();
        try {
            // Main.run quiets the JDK's default console handler before any command runs.
            CliTest.run("--version");
            TESTCONTAINERS.info("Testcontainers version: 2.0.5");
            TESTCONTAINERS.error("Could not find a valid Docker environment");
            try (AutoCloseable on = RunnerLog.verbose(new PrintWriter(verbose, true))) {
                TESTCONTAINERS.info("Found Docker environment with\nlocal Unix socket");
                TESTCONTAINERS.debug("not shown: below INFO");
                RunnerLog.PREFIX.set("[neon] ");
                try {
                    TESTCONTAINERS.warn("logged while verify runs neon among other targets");
                } finally {
                    RunnerLog.PREFIX.remove();
                }
            }
            TESTCONTAINERS.warn("after --verbose ended");
        } finally {
            System.setErr(saved);
        }
        assertThat(stderr.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(verbose.toString().lines().toList())
                .containsExactly("mcugen: [log] INFO DockerClientFactory: Found Docker environment with local Unix socket",
                        "[neon] mcugen: [log] WARNING DockerClientFactory: logged while verify runs neon among other targets");
    }

    @Test
    void theRunnerNoticeOnlyWithVerbose() {
        VerifyCommandTest.requireTools(Target.CORTEX_M4);
        Path gesture = VerifyCommandTest.GESTURE;
        String[] args = {"verify", gesture.resolve("model.json").toString(), "--target", "cortex-m4", "--data",
                gesture.resolve("test.npy").toString(), "--samples", "1", "--no-progress", "--out", tmp.resolve("o").toString()};
        CliTest.Result quiet = CliTest.run(args);
        assertThat(quiet.code()).as(quiet.err()).isZero();
        assertThat(quiet.err()).isEmpty();
        // The summary line names the runner: nothing else about it.
        assertThat(quiet.out().lines()).anyMatch(l -> l.startsWith("gesture_conv1d on cortex-m4 ("));
        assertThat(quiet.out()).doesNotContain("running QEMU locally", "[log]");

        String[] loud = java.util.Arrays.copyOf(args, args.length + 1);
        loud[args.length] = "--verbose";
        CliTest.Result v = CliTest.run(loud);
        assertThat(v.code()).as(v.err()).isZero();
        if (v.out().contains("(local QEMU")) {
            // Local QEMU was chosen (MCUGEN_RUNNER=local, or no engine answers): --verbose says why.
            assertThat(v.out().lines()).anyMatch(l -> l.startsWith("mcugen: ") && l.contains("QEMU locally"));
        }
    }
}
