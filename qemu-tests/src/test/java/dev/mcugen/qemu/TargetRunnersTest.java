package dev.mcugen.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TargetRunnersTest {

    @TempDir
    Path work;

    private final List<String> log = new ArrayList<>();

    private BoardSupport boards() {
        return BoardSupport.at(Toolchains.boardsDir());
    }

    private static Map<String, String> env(String... kv) {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.remove(TargetRunners.ENV);
        for (int i = 0; i < kv.length; i += 2) {
            env.put(kv[i], kv[i + 1]);
        }
        return env;
    }

    @Test
    void localOverrideRunsLocallyAndSaysSo() {
        try (TargetRunner r = TargetRunners.select(boards(), work, log::add, env(TargetRunners.ENV, "local"),
                ContainerQemuRunner.IMAGE)) {
            assertThat(r).isInstanceOf(LocalQemuRunner.class);
        }
        assertThat(log).containsExactly("MCUGEN_RUNNER=local: running QEMU locally");
    }

    @Test
    void unknownOverrideIsAnError() {
        assertThatThrownBy(() -> TargetRunners.select(boards(), work, log::add, env(TargetRunners.ENV, "qemu"),
                ContainerQemuRunner.IMAGE))
                .isInstanceOf(RunnerException.class)
                .hasMessage("MCUGEN_RUNNER must be local, container or auto, not 'qemu'");
    }

    /** No usable container (no engine, or an engine without the image): local QEMU, with one line saying why. */
    @Test
    void autoFallsBackToLocalQemuAndSaysWhy() {
        try (TargetRunner r = TargetRunners.select(boards(), work, log::add, env(), "mcugen-qemu:no-such-tag")) {
            assertThat(r).isInstanceOf(LocalQemuRunner.class);
        }
        assertThat(log).hasSize(1);
        assertThat(log.get(0)).endsWith("; running QEMU locally")
                .matches("(no container engine answers \\(.*\\)"
                        + "|the container engine \\(.*\\) has no image mcugen-qemu:no-such-tag \\(build it with .*\\))"
                        + "; running QEMU locally");
    }

    @Test
    void containerForcedButUnusableIsAnError() {
        assertThatThrownBy(() -> TargetRunners.select(boards(), work, log::add, env(TargetRunners.ENV, "container"),
                "mcugen-qemu:no-such-tag"))
                .isInstanceOf(RunnerException.class)
                .hasMessageStartingWith("MCUGEN_RUNNER=container, but ")
                .hasMessageMatching(".*(no container engine answers|has no image mcugen-qemu:no-such-tag).*");
        assertThat(log).isEmpty();
    }

    /** With an engine and the image (as .ci/run sets up), the automatic choice is the container. */
    @Test
    void autoPicksTheContainerWhenOneIsUsable() {
        try (TargetRunner r = TargetRunners.select(boards(), work, log::add, env(), ContainerQemuRunner.IMAGE)) {
            if (!(r instanceof ContainerQemuRunner)) {
                String message = "the container runner was not picked: " + log;
                if (System.getenv("CI") != null) {
                    fail(message);
                }
                assumeTrue(false, message);
            }
            assertThat(r.description()).startsWith("QEMU in container " + ContainerQemuRunner.IMAGE);
        }
        assertThat(log).isEmpty();
    }

    @Test
    void engineHintsNameWhatWasLookedAt() {
        assertThat(ContainerEmulator.engineHint(Map.of()))
                .startsWith("DOCKER_HOST unset, /var/run/docker.sock ");
        assertThat(ContainerEmulator.engineHint(Map.of("DOCKER_HOST", "unix:///nonexistent/podman.sock")))
                .isEqualTo("DOCKER_HOST=unix:///nonexistent/podman.sock but the socket is missing");
        assertThat(ContainerEmulator.engineHint(Map.of("DOCKER_HOST", "tcp://127.0.0.1:1")))
                .isEqualTo("DOCKER_HOST=tcp://127.0.0.1:1 does not answer");
    }

    /** qemu-tests/container/build-image.sh builds the image the runner asks for. */
    @Test
    void buildScriptMakesTheImageTheRunnerUses() throws IOException {
        String script = Files.readString(Toolchains.boardsDir().resolveSibling("container/build-image.sh"));
        assertThat(script).contains("\nIMAGE=" + ContainerQemuRunner.IMAGE + "\n");
    }
}
