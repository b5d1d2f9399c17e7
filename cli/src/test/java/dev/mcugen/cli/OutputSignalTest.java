package dev.mcugen.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17 part 4 (leftovers), on the real process: {@code verify} is stopped by a signal while its
 * child runs. The child is a stand-in {@code gcc} on the PATH (a shell script running {@code sleep}, so
 * a process tree) that records its pid and waits: the same position as QEMU running a long harness,
 * without needing QEMU. Every wait is bounded; the tests skip where there is no {@code kill}/{@code env}
 * or no /proc (not Linux).
 */
class OutputSignalTest {
    private static final Duration START = Duration.ofSeconds(90);
    private static final Duration STOP = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    private Path bin;
    private Path javaTmp;
    private Path pidFile;
    private Process mcugen;

    @BeforeEach
    void fakeCompiler() throws IOException {
        assumeTrue(Files.isDirectory(Path.of("/proc/self")), "needs /proc (Linux)");
        assumeTrue(executable("kill") && executable("sh") && executable("sleep"), "needs kill, sh, sleep");
        assumeTrue(envDefaultSignal(), "needs env --default-signal (GNU coreutils 8.31+)");
        bin = Files.createDirectories(tmp.resolve("bin"));
        javaTmp = Files.createDirectories(tmp.resolve("java-tmp"));
        pidFile = tmp.resolve("gcc.pid");
        Path gcc = bin.resolve("gcc");
        Files.writeString(gcc, "#!/bin/sh\necho $$ > '" + pidFile + ".tmp' && mv '" + pidFile + ".tmp' '" + pidFile
                + "'\nsleep 300\n");
        Files.setPosixFilePermissions(gcc, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @AfterEach
    void killLeftovers() throws IOException {
        if (mcugen != null) {
            mcugen.descendants().forEach(ProcessHandle::destroyForcibly);
            mcugen.destroyForcibly();
        }
        for (Path pid : pidFile == null ? List.<Path>of() : List.of(pidFile, tmp.resolve("aarch64-gcc.pid"))) {
            if (Files.exists(pid)) {
                ProcessHandle.of(Long.parseLong(Files.readString(pid).strip())).ifPresent(h -> {
                    h.descendants().forEach(ProcessHandle::destroyForcibly);
                    h.destroyForcibly();
                });
            }
        }
    }

    @Test
    void sigintToVerifyKillsTheChildTreeAndRemovesTemporaryFolders() throws Exception {
        stopVerify("INT");
    }

    @Test
    void sigtermToVerifyKillsTheChildTreeAndRemovesTemporaryFolders() throws Exception {
        stopVerify("TERM");
    }

    private void stopVerify(String signal) throws Exception {
        Path out = tmp.resolve("v");
        startVerify(out);
        ProcessHandle gcc = waitForChild();
        List<ProcessHandle> tree = new ArrayList<>(gcc.descendants().toList());
        tree.add(gcc);
        assertThat(tempFolders(out)).as("what a stop would leave").isNotEmpty();

        kill(signal, mcugen.pid());
        assertThat(mcugen.waitFor(STOP.toSeconds(), TimeUnit.SECONDS)).as("mcugen stops").isTrue();
        assertThat(mcugen.exitValue()).isEqualTo(128 + (signal.equals("INT") ? 2 : 15));
        for (ProcessHandle h : tree) {
            h.onExit().get(5, TimeUnit.SECONDS);
            assertThat(h.isAlive()).as("child %s (%s) killed", h.pid(), h.info().command().orElse("?")).isFalse();
        }
        assertThat(tempFolders(out)).isEmpty();
        assertThat(out).doesNotExist();
        assertThat(Files.readString(tmp.resolve("stderr.txt"))).contains("interrupted");
    }

    @Test
    void verifyKilledBySigkillLeavesATempFolderTheNextBuildRemoves() throws Exception {
        Path out = tmp.resolve("v");
        startVerify(out);
        waitForChild();
        kill("KILL", mcugen.pid());
        assertThat(mcugen.waitFor(STOP.toSeconds(), TimeUnit.SECONDS)).isTrue();
        List<String> left = tempFolders(out);
        assertThat(left).as("SIGKILL runs no clean-up").anyMatch(n -> n.startsWith(".v.tmp"));

        CliTest.Result r = CliTest.run("build", CliTest.HAR.toString(), "--target", "host", "--out", out.toString(), "--no-progress");
        assertThat(r.code()).as(r.err()).isZero();
        // (mcugen-verify-* in the system temp folder is not tied to this --out: the OS's tmp cleaning takes it.)
        assertThat(tempFolders(out)).noneMatch(n -> n.startsWith(".v."));
    }

    @Test
    void sigintToVerifyOnSeveralTargetsKillsEveryTargetsChildrenAndRemovesTheirTemporaryFolders() throws Exception {
        VerifyCommandTest.requireTools(dev.mcugen.qemu.Target.NEON);
        // A second stand-in compiler, for neon: both targets run at once (--jobs 2), each waiting in its compiler.
        Path neonPid = tmp.resolve("aarch64-gcc.pid");
        Path gcc = bin.resolve("aarch64-linux-gnu-gcc");
        Files.writeString(gcc, "#!/bin/sh\necho $$ > '" + neonPid + ".tmp' && mv '" + neonPid + ".tmp' '" + neonPid
                + "'\nsleep 300\n");
        Files.setPosixFilePermissions(gcc, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path out = tmp.resolve("v");
        startVerify(out, "host,neon", "--jobs", "2", "--junit", tmp.resolve("junit.xml").toString());
        List<ProcessHandle> tree = new ArrayList<>();
        for (Path pid : List.of(pidFile, neonPid)) {
            ProcessHandle h = waitForChild(pid);
            tree.addAll(h.descendants().toList());
            tree.add(h);
        }
        kill("INT", mcugen.pid());
        assertThat(mcugen.waitFor(STOP.toSeconds(), TimeUnit.SECONDS)).as("mcugen stops").isTrue();
        assertThat(mcugen.exitValue()).isEqualTo(130);
        for (ProcessHandle h : tree) {
            h.onExit().get(5, TimeUnit.SECONDS);
            assertThat(h.isAlive()).as("child %s (%s) killed", h.pid(), h.info().command().orElse("?")).isFalse();
        }
        try (Stream<Path> s = Files.list(javaTmp)) {
            assertThat(s.map(p -> p.getFileName().toString())).as("temporary folders of both targets and of the run")
                    .noneMatch(n -> n.startsWith("mcugen-"));
        }
        for (String t : List.of("host", "neon")) {
            assertThat(out.resolve(t)).doesNotExist();
            if (Files.isDirectory(out)) {
                try (Stream<Path> s = Files.list(out)) {
                    assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("." + t + "."));
                }
            }
        }
        assertThat(tmp.resolve("junit.xml")).doesNotExist();
    }

    private void startVerify(Path out) throws IOException {
        startVerify(out, "host");
    }

    private void startVerify(Path out, String targets, String... extra) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        // A JVM started from a background job inherits SIGINT ignored (and then installs no handler):
        // env --default-signal gives it the default disposition, as in a terminal.
        List<String> cmd = List.of("env", "--default-signal=INT", java, "-Djava.io.tmpdir=" + javaTmp, "-cp", cp,
                "dev.mcugen.cli.Main", "verify", CliTest.HAR.toString(), "--target", targets, "--data",
                CliTest.HAR.resolve("test.npy").toString(), "--samples", "2", "--out", out.toString(), "--no-progress");
        cmd = new ArrayList<>(cmd);
        cmd.addAll(List.of(extra));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectOutput(tmp.resolve("stdout.txt").toFile())
                .redirectError(tmp.resolve("stderr.txt").toFile());
        pb.environment().put("PATH", bin + File.pathSeparator + System.getenv("PATH"));
        pb.environment().put("MCUGEN_RUNNER", "local");
        mcugen = pb.start();
    }

    /** The stand-in compiler once it runs (mcugen then has its temporary folders and the lock). */
    private ProcessHandle waitForChild() throws Exception {
        return waitForChild(pidFile);
    }

    private ProcessHandle waitForChild(Path pidFile) throws Exception {
        long deadline = System.nanoTime() + START.toNanos();
        while (!Files.exists(pidFile)) {
            if (!mcugen.isAlive()) {
                throw new AssertionError("mcugen exited " + mcugen.exitValue() + " before running the compiler: "
                        + Files.readString(tmp.resolve("stderr.txt")));
            }
            assertThat(System.nanoTime()).as("the compiler starts within %s", START).isLessThan(deadline);
            Thread.sleep(100);
        }
        long pid = Long.parseLong(Files.readString(pidFile).strip());
        ProcessHandle h = ProcessHandle.of(pid).orElseThrow();
        // sh has started sleep (the tree has two levels) before mcugen is stopped.
        while (h.descendants().findAny().isEmpty()) {
            assertThat(System.nanoTime()).isLessThan(deadline);
            Thread.sleep(50);
        }
        return h;
    }

    /** mcugen-verify-* in the JVM's temp folder and hidden .v.* beside --out. */
    private List<String> tempFolders(Path out) throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> s = Files.list(javaTmp)) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("mcugen-")).forEach(found::add);
        }
        try (Stream<Path> s = Files.list(out.getParent())) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("." + out.getFileName() + ".")).forEach(found::add);
        }
        return found;
    }

    private static void kill(String signal, long pid) throws Exception {
        Process k = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
        assertThat(k.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(k.exitValue()).isZero();
    }

    private static boolean envDefaultSignal() {
        try {
            Process p = new ProcessBuilder("env", "--default-signal=INT", "true").start();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static boolean executable(String name) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, name))) {
                return true;
            }
        }
        return false;
    }
}
