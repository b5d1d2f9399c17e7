package dev.mcugen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code examples/ci/Dockerfile} (no container engine runs here to build it): its image installs
 * exactly the Debian packages the project's CI ({@code .ci/run}) installs for the tools {@code mcugen
 * verify} runs, and puts the jar the launcher builds on the PATH as {@code mcugen}.
 */
class CiDockerfileTest {
    static final Path DOCKERFILE = CiExamplesTest.CI.resolve("Dockerfile");

    /**
     * What .ci/run installs for its own tests only: Node for the fixture scripts, curl and the container
     * engine for the container runner's tests, ONNX's conformance data, Chromium for report.html, PyTorch
     * and ONNX for the retraining loop's test (examples/qat).
     */
    static final Set<String> TEST_ONLY = Set.of("nodejs", "npm", "curl", "podman", "runc", "debootstrap",
            "libonnx-testdata", "chromium", "python3-torch", "python3-onnx");

    /** Every package in .ci/run's {@code need_apt+=(...)} lines. */
    static Set<String> ciRunPackages() throws IOException {
        Set<String> all = new LinkedHashSet<>();
        Matcher m = Pattern.compile("need_apt\\+=\\(([^)]*)\\)").matcher(Files.readString(CliTest.ROOT.resolve(".ci/run")));
        while (m.find()) {
            all.addAll(Arrays.asList(m.group(1).trim().split("\\s+")));
        }
        return all;
    }

    /** The packages of the last stage's {@code apt-get install} (backslash-continued lines joined). */
    static List<String> imagePackages() throws IOException {
        String text = Files.readString(DOCKERFILE).replaceAll("\\\\\\n", " ");
        String lastStage = text.substring(text.lastIndexOf("\nFROM "));
        Matcher m = Pattern.compile("apt-get install ([^&\\n]*)").matcher(lastStage);
        assertThat(m.find()).as("an apt-get install in the image's stage").isTrue();
        List<String> pkgs = new ArrayList<>();
        for (String w : m.group(1).trim().split("\\s+")) {
            if (!w.startsWith("-")) {
                pkgs.add(w);
            }
        }
        assertThat(m.find()).as("one apt-get install in the image's stage").isFalse();
        return pkgs;
    }

    @Test
    void installsExactlyTheRunnerToolsOfCiRun() throws IOException {
        Set<String> ci = ciRunPackages();
        assertThat(ci).as(".ci/run still installs the test-only packages this test sets aside").containsAll(TEST_ONLY);
        Set<String> tools = new LinkedHashSet<>(ci);
        tools.removeAll(TEST_ONLY);
        assertThat(tools).contains("openjdk-17-jdk-headless", "qemu-system-arm", "qemu-user", "gcc-arm-none-eabi",
                "libnewlib-arm-none-eabi", "gcc-aarch64-linux-gnu", "libc6-dev-arm64-cross");
        List<String> image = imagePackages();
        assertThat(image).doesNotHaveDuplicates();
        assertThat(image).containsExactlyInAnyOrderElementsOf(tools);
    }

    @Test
    void theImageRunsTheJarTheLauncherBuilds() throws IOException {
        String docker = Files.readString(DOCKERFILE);
        String launcher = Files.readString(CliTest.ROOT.resolve("mcugen"));
        // The launcher's jar and build command, the image's copy of both.
        Matcher jar = Pattern.compile("jar=\"\\$root/([^\"]+)\"").matcher(launcher);
        assertThat(jar.find()).isTrue();
        assertThat(docker).contains("COPY --from=build /src/" + jar.group(1) + " /opt/mcugen/mcugen.jar");
        Matcher build = Pattern.compile("\\./mvnw -B (-q )?-DskipTests -pl cli -am package").matcher(launcher);
        assertThat(build.find()).as("the launcher's build command").isTrue();
        assertThat(docker).contains("RUN " + build.group());
        assertThat(docker).contains("-jar /opt/mcugen/mcugen.jar").contains("> /usr/local/bin/mcugen");
        // No engine inside the container: QEMU runs locally there.
        assertThat(CiExamplesTest.imageEnv()).containsEntry("MCUGEN_RUNNER", "local");
        // GitLab and GitHub run their scripts through a shell in the image: no ENTRYPOINT in the way.
        assertThat(docker).doesNotContainPattern("(?m)^ENTRYPOINT");
        // The build context leaves out what the jar is not built from.
        assertThat(Files.readAllLines(CiExamplesTest.CI.resolve("Dockerfile.dockerignore"))).contains("**/target",
                "**/node_modules", ".git");
    }
}
