package dev.mcugen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./mcugen} launcher's first run: it builds the tool with the Maven wrapper, printing one
 * line per Maven module (not Maven's log) and the time taken, then runs it; when the build fails it
 * prints the end of the log and the log's path. The launcher runs here from a copy of the checkout's
 * layout whose {@code mvnw} is a stand-in printing Maven's lines (and, to succeed, putting the real
 * jar in place), so that the test does not rebuild the project. An integration test: the real jar
 * exists only once {@code package} has run.
 */
class LauncherIT {
    private static final String MAVEN_LINES = """
            [INFO] Scanning for projects...
            [INFO] ------------------------------------------------------------------------
            [INFO] Building mcugen 0.1.0-SNAPSHOT                                     [1/2]
            [INFO]   from pom.xml
            [INFO] --- compiler:3.13.0:compile (default-compile) @ mcugen-ir ---
            [INFO] Building mcugen cli 0.1.0-SNAPSHOT                                 [2/2]
            [INFO] --- shade:3.6.0:shade (default) @ mcugen-cli ---
            """;

    @TempDir
    Path tmp;

    @Test
    void firstRunShowsTheModulesThenRunsTheTool() throws Exception {
        Path root = checkout("mkdir -p cli/target && cp '" + ShadedJarIT.JAR.toAbsolutePath() + "' cli/target/mcugen.jar\n");
        Run r = run(root);
        assertThat(r.code).as(r.err).isZero();
        assertThat(r.out).startsWith("mcugen ");
        assertThat(r.err).contains("mcugen: building the command-line tool (first run, about a minute)...",
                "mcugen:   [1/2] mcugen\n", "mcugen:   [2/2] mcugen cli\n", "mcugen: built in ")
                .doesNotContain("Scanning", "shade");
        assertThat(Files.readString(root.resolve("cli/target/mcugen-build.log"))).isEqualTo(MAVEN_LINES);

        Run again = run(root);
        assertThat(again.code).isZero();
        assertThat(again.err).as("built once").isEmpty();
    }

    @Test
    void aFailedBuildShowsTheEndOfTheLogAndItsPath() throws Exception {
        Path root = checkout("echo '[ERROR] COMPILATION ERROR: Foo.java:[3,1] class, interface, enum, or record expected'\nexit 1\n");
        Run r = run(root);
        assertThat(r.code).isEqualTo(1);
        Path log = root.resolve("cli/target/mcugen-build.log");
        assertThat(r.err).contains("mcugen:   [2/2] mcugen cli", "mcugen: building the tool failed; the end of the Maven log (" + log + "):",
                "[ERROR] COMPILATION ERROR: Foo.java:[3,1]", "the full log is " + log);
        assertThat(r.out).isEmpty();
    }

    /** The launcher in a folder laid out as the checkout, with a stand-in mvnw ending with {@code tail}. */
    private Path checkout(String tail) throws Exception {
        Path root = tmp.resolve("checkout");
        Files.createDirectories(root);
        Files.copy(CliTest.ROOT.resolve("mcugen"), root.resolve("mcugen"));
        Files.writeString(root.resolve("pom.xml"), "<project/>\n");
        Files.writeString(root.resolve("mvnw"), "#!/bin/sh\ncat <<'EOF'\n" + MAVEN_LINES + "EOF\n" + tail, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(root.resolve("mvnw"), PosixFilePermissions.fromString("rwxr-xr-x"));
        return root;
    }

    private record Run(int code, String out, String err) {}

    private static Run run(Path root) throws Exception {
        Process p = new ProcessBuilder("bash", root.resolve("mcugen").toString(), "--version")
                .redirectError(root.resolve("stderr.txt").toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out, Files.readString(root.resolve("stderr.txt")));
    }
}
