package dev.mcugen.qemu;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.ExecCreateCmdResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import com.github.dockerjava.api.model.Version;
import com.github.dockerjava.api.model.VersionComponent;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.dockerclient.DockerClientProviderStrategy;
import org.testcontainers.dockerclient.TransportConfig;
import org.testcontainers.utility.DockerImageName;

/**
 * QEMU inside one long-lived container ({@code sleep infinity}, no network) started from the
 * locally built image, through Testcontainers and whatever Docker-API engine it finds (Docker, or
 * Podman's {@code podman system service} where no Docker daemon runs). The runner's work root is
 * bind-mounted at the same path, so commands, images, the semihosting file and the trace pipe keep
 * their paths; each command is one {@code exec}, wrapped in coreutils {@code timeout} so that the
 * container, not this JVM, enforces the limit.
 */
final class ContainerEmulator implements Emulator {

    /** How {@code timeout(1)} reports a command it stopped. */
    private static final int TIMEOUT_EXIT = 124;
    private static final String PODMAN_SOCKET = "/run/podman/podman.sock";

    private final GenericContainer<?> container;
    private final DockerClient client;
    private final String description;

    private ContainerEmulator(GenericContainer<?> container, DockerClient client, String description) {
        this.container = container;
        this.client = client;
        this.description = description;
    }

    /**
     * Finds an engine, checks that it has {@code image} and starts the container.
     *
     * @throws RunnerException with a one-line reason when any of that is not possible
     */
    @SuppressWarnings("resource") // closed by close()
    static ContainerEmulator start(String image, Path workRoot, Map<String, String> env) {
        DockerClientFactory factory = DockerClientFactory.instance();
        // Probe with a plain client first: Testcontainers' own client() starts Ryuk at once, which
        // needs an image from a registry.
        TransportConfig transport;
        try {
            transport = factory.getTransportConfig();
        } catch (RuntimeException e) {
            throw new RunnerException("no container engine answers (" + engineHint(env) + ")", e);
        }
        String engine;
        try (DockerClient probe = DockerClientProviderStrategy.getClientForConfig(transport)) {
            engine = engineName(probe) + " at " + transport.getDockerHost();
            if (!imageExists(probe, image)) {
                throw new RunnerException("the container engine (" + engine + ") has no image " + image
                        + " (build it with qemu-tests/container/build-image.sh, or docker build -t " + image
                        + " qemu-tests/container)");
            }
        } catch (java.io.IOException | RuntimeException e) {
            if (e instanceof RunnerException) {
                throw (RunnerException) e;
            }
            throw new RunnerException("the container engine at " + transport.getDockerHost() + " does not answer: "
                    + oneLine(e), e);
        }
        DockerClient client;
        try {
            client = factory.client(); // starts Ryuk unless TESTCONTAINERS_RYUK_DISABLED=true
        } catch (RuntimeException e) {
            throw new RunnerException("Testcontainers could not start its Ryuk container on " + engine + " (" + oneLine(e)
                    + "); where image registries are out of reach set TESTCONTAINERS_RYUK_DISABLED=true (the"
                    + " container is then removed by a JVM shutdown hook)", e);
        }
        Path root = workRoot.toAbsolutePath().normalize();
        GenericContainer<?> c = new GenericContainer<>(DockerImageName.parse(image))
                .withImagePullPolicy(name -> false) // built locally (DESIGN §7): never pulled
                .withNetworkMode("none")
                .withCommand("sleep", "infinity");
        try {
            Files.createDirectories(root);
            c.withFileSystemBind(root.toString(), root.toString(), BindMode.READ_WRITE);
            c.start();
        } catch (Exception e) {
            c.close();
            throw new RunnerException("cannot start a container from " + image + " on " + engine + ": " + oneLine(e), e);
        }
        return new ContainerEmulator(c, client, "QEMU in container " + image + " (" + engine + ")");
    }

    /** The first line of an exception's message, at most 200 characters. */
    private static String oneLine(Throwable e) {
        String m = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
        return e.getClass().getSimpleName() + ": " + (m.length() > 200 ? m.substring(0, 200) + "..." : m);
    }

    private static boolean imageExists(DockerClient client, String image) {
        try {
            client.inspectImageCmd(image).exec();
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    /** E.g. "Podman Engine 4.3.1" or "Docker Engine 27.3.1". */
    private static String engineName(DockerClient client) {
        Version v = client.versionCmd().exec();
        List<VersionComponent> components = v.getComponents();
        String name = components == null || components.isEmpty() ? "container engine" : components.get(0).getName();
        if (name.equals("Engine")) {
            name = "Docker Engine";
        }
        return name + " " + v.getVersion();
    }

    /** Why no engine answered, from what Testcontainers looks at. */
    static String engineHint(Map<String, String> env) {
        List<String> facts = new ArrayList<>();
        String host = env.get("DOCKER_HOST");
        if (host == null || host.isBlank()) {
            facts.add("DOCKER_HOST unset");
            facts.add("/var/run/docker.sock " + (Files.exists(Path.of("/var/run/docker.sock")) ? "not answering" : "missing"));
            if (Files.exists(Path.of(PODMAN_SOCKET))) {
                facts.add("a Podman socket is at " + PODMAN_SOCKET + ": export DOCKER_HOST=unix://" + PODMAN_SOCKET);
            }
        } else if (host.startsWith("unix://") && !Files.exists(Path.of(host.substring("unix://".length())))) {
            facts.add("DOCKER_HOST=" + host + " but the socket is missing");
        } else {
            facts.add("DOCKER_HOST=" + host + " does not answer");
        }
        return String.join(", ", facts);
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public List<String> missing(Target target) {
        return List.of(); // the image has qemu-system-arm and qemu-aarch64
    }

    @Override
    public ProcessRunner.Outcome run(List<String> command, Path dir, Duration timeout) {
        List<String> cmd = new ArrayList<>(List.of("timeout", "-k", "2",
                String.format(Locale.ROOT, "%.3f", timeout.toMillis() / 1000.0)));
        cmd.addAll(command);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        long start = System.nanoTime();
        boolean finished;
        ExecCreateCmdResponse exec;
        try {
            exec = client.execCreateCmd(container.getContainerId())
                    .withCmd(cmd.toArray(String[]::new))
                    .withWorkingDir(dir.toString())
                    .withAttachStdout(true)
                    .withAttachStderr(true)
                    .exec();
            ResultCallback.Adapter<Frame> callback = new ResultCallback.Adapter<>() {
                @Override
                public void onNext(Frame frame) {
                    ByteArrayOutputStream to = frame.getStreamType() == StreamType.STDERR ? err : out;
                    to.writeBytes(frame.getPayload());
                    // Bounded like a local run: past twice the cap, only the last cap bytes are kept.
                    if (to.size() > 2 * ProcessRunner.OUTPUT_CAP) {
                        byte[] all = to.toByteArray();
                        to.reset();
                        to.write(all, all.length - (int) ProcessRunner.OUTPUT_CAP, (int) ProcessRunner.OUTPUT_CAP);
                    }
                }
            };
            try (ResultCallback.Adapter<Frame> cb = client.execStartCmd(exec.getId()).exec(callback)) {
                // timeout(1) ends the command; the margin covers the engine's own latency.
                finished = cb.awaitCompletion(timeout.toMillis() + 30_000, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RunnerException("interrupted running " + command + " in " + description, e);
        } catch (RuntimeException | java.io.IOException e) {
            throw new RunnerException("cannot run " + command.get(0) + " in " + description + ": " + e.getMessage(), e);
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        Long code = finished ? client.inspectExecCmd(exec.getId()).exec().getExitCodeLong() : null;
        boolean timedOut = code == null || (code == TIMEOUT_EXIT && elapsed.compareTo(timeout) >= 0);
        return new ProcessRunner.Outcome(timedOut ? -1 : code.intValue(), timedOut,
                out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8), elapsed);
    }

    @Override
    public void close() {
        container.stop();
    }
}
