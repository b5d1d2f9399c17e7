package dev.mcugen.cli;

import static dev.mcugen.cli.CliTest.HAR;
import static dev.mcugen.cli.CliTest.assertOneLineError;
import static dev.mcugen.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcugen.ir.Diag;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17 part 2 (user data deleted): mcugen never deletes or replaces a file it did not write. Each
 * test is one reproduced case; every refusal is one line with its key and exit code 2.
 */
class OutputSafetyTest {
    @TempDir
    Path tmp;

    @AfterEach
    void resetHook() {
        OutputDir.beforeCommit = () -> { };
    }

    private static CliTest.Result build(Path out, String... extra) {
        String[] base = {"build", HAR.toString(), "--target", "host", "--out", out.toString(), "--no-progress"};
        String[] args = Stream.concat(Stream.of(base), Stream.of(extra)).toArray(String[]::new);
        return run(args);
    }

    private static CliTest.Result simulate(Path model, Path data, Path out, String... extra) {
        String[] base = {"simulate", model.toString(), "--data", data.toString(), "--mode", "float", "--out", out.toString(),
                "--no-progress"};
        return run(Stream.concat(Stream.of(base), Stream.of(extra)).toArray(String[]::new));
    }

    private static void assertOk(CliTest.Result r) {
        assertThat(r.code()).as("stderr: %s", r.err()).isZero();
    }

    /** Hidden siblings mcugen uses while writing (.<out>.tmpN, .<out>.oldN, .<out>.lock): none may stay. */
    private List<String> leftovers(Path out) throws IOException {
        try (Stream<Path> s = Files.list(out.getParent())) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("." + out.getFileName() + ".")).toList();
        }
    }

    // --- a folder created at --out between the check and the rename -----------------------------

    @Test
    void folderCreatedAtOutDuringTheBuildIsNeverDeleted() throws Exception {
        Path out = tmp.resolve("o");
        OutputDir.beforeCommit = () -> write(out.resolve("precious.txt"), "mine");
        CliTest.Result r = build(out);
        assertOneLineError(r, 2, "appeared", Diag.MCG_OUT_NOT_OURS.name());
        assertThat(out.resolve("precious.txt")).hasContent("mine");
        try (Stream<Path> s = Files.list(out)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("precious.txt");
        }
        assertThat(leftovers(out)).isEmpty();
    }

    @Test
    void fileAddedToAPreviousOutputDuringTheRebuildIsNeverDeleted() throws Exception {
        Path out = tmp.resolve("o");
        assertOk(build(out));
        byte[] c = Files.readAllBytes(out.resolve("har_lstm.c"));
        OutputDir.beforeCommit = () -> write(out.resolve("added-meanwhile.txt"), "mine");
        assertOneLineError(build(out), 2, "added-meanwhile.txt", "while mcugen was writing", Diag.MCG_OUT_NOT_OURS.name());
        // Put back as it was: the user's file and the previous output.
        assertThat(out.resolve("added-meanwhile.txt")).hasContent("mine");
        assertThat(Files.readAllBytes(out.resolve("har_lstm.c"))).isEqualTo(c);
        assertThat(leftovers(out)).isEmpty();
    }

    // --- rebuilding into a folder mcugen made ----------------------------------------------------

    @Test
    void rebuildRefusesFilesTheUserAddedToTheOutput() throws Exception {
        Path out = tmp.resolve("o");
        assertOk(build(out));
        write(out.resolve("notes.txt"), "my notes");
        Files.createDirectories(out.resolve("mine"));
        assertOneLineError(build(out), 2, "notes.txt (not written by mcugen)", "mine/", "--force", Diag.MCG_OUT_NOT_OURS.name());
        assertThat(out.resolve("notes.txt")).hasContent("my notes");
        assertThat(out.resolve("mine")).isDirectory();
        assertThat(leftovers(out)).isEmpty();
    }

    @Test
    void rebuildRefusesFilesTheUserChanged() throws Exception {
        Path out = tmp.resolve("o");
        assertOk(build(out));
        Files.writeString(out.resolve("har_lstm.c"), "// tuned by hand\n", java.nio.file.StandardOpenOption.APPEND);
        assertOneLineError(build(out), 2, "har_lstm.c (changed since mcugen wrote it)", Diag.MCG_OUT_NOT_OURS.name());
        assertThat(Files.readString(out.resolve("har_lstm.c"))).endsWith("// tuned by hand\n");
    }

    @Test
    void rebuildWithForceKeepsTheUserFilesAsideInABackup() throws Exception {
        Path out = tmp.resolve("o");
        assertOk(build(out));
        write(out.resolve("notes.txt"), "my notes");
        write(out.resolve("runtime/mine.h"), "#define MINE 1\n");
        Files.writeString(out.resolve("har_lstm.c"), "// tuned by hand\n", java.nio.file.StandardOpenOption.APPEND);
        CliTest.Result r = build(out, "--force");
        assertOk(r);
        assertThat(r.out()).contains("kept 3 file(s)").contains(".mcugen-backup-");
        try (Stream<Path> s = Files.list(tmp)) {
            List<Path> backups = s.filter(p -> p.getFileName().toString().startsWith("o.mcugen-backup-")).toList();
            assertThat(backups).hasSize(1);
            Path b = backups.get(0);
            assertThat(b.resolve("notes.txt")).hasContent("my notes");
            assertThat(b.resolve("runtime/mine.h")).hasContent("#define MINE 1");
            assertThat(Files.readString(b.resolve("har_lstm.c"))).endsWith("// tuned by hand\n");
            // Only what was not mcugen's is kept: its own unchanged files are not copied to the backup.
            assertThat(b.resolve("har_lstm.h")).doesNotExist();
            assertThat(b.resolve(OutputDir.MARKER)).doesNotExist();
        }
        assertThat(out.resolve("notes.txt")).doesNotExist();
        assertThat(Files.readString(out.resolve("har_lstm.c"))).doesNotContain("tuned by hand");
        assertThat(leftovers(out)).isEmpty();
    }

    @Test
    void rebuildOfAnUntouchedOutputReplacesItAndKeepsItsMode() throws Exception {
        Path out = tmp.resolve("o");
        assertOk(build(out));
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwx------"));
        Files.delete(out.resolve("har_lstm.h")); // a file mcugen wrote, removed: nothing of the user's is lost
        assertOk(build(out));
        assertThat(out.resolve("har_lstm.h")).exists();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out))).isEqualTo("rwx------");
        assertThat(Files.readString(out.resolve(OutputDir.MARKER))).contains("\"har_lstm.c\"").contains("sha256");
        assertThat(leftovers(out)).isEmpty();
    }

    @Test
    void folderMcugenDidNotMakeIsRefusedAndForceKeepsItsFilesAside() throws Exception {
        Path out = tmp.resolve("o");
        write(out.resolve("thesis.tex"), "chapter 1");
        assertOneLineError(build(out), 2, "thesis.tex", Diag.MCG_OUT_NOT_OURS.name());
        assertThat(out.resolve("thesis.tex")).hasContent("chapter 1");
        assertOk(build(out, "--force"));
        try (Stream<Path> s = Files.list(tmp)) {
            Path b = s.filter(p -> p.getFileName().toString().startsWith("o.mcugen-backup-")).findFirst().orElseThrow();
            assertThat(b.resolve("thesis.tex")).hasContent("chapter 1");
        }
    }

    @Test
    void outputOfAnOlderMcugenWithoutAListIsNotAssumedToBeAllMcugens() throws Exception {
        Path out = tmp.resolve("o");
        write(out.resolve(OutputDir.MARKER), "written by mcugen; this folder is replaced by the next build\n");
        write(out.resolve("har_lstm.c"), "old");
        write(out.resolve("notes.txt"), "mine");
        assertOneLineError(build(out), 2, "older mcugen", "notes.txt", Diag.MCG_OUT_NOT_OURS.name());
        assertThat(out.resolve("notes.txt")).hasContent("mine");
    }

    @Test
    void buildNeverMovesTheModelFolderAsideEvenWithForce() throws Exception {
        Path model = copyOfHar();
        CliTest.Result r = run("build", model.toString(), "--target", "host", "--out", model.toString(), "--force", "--no-progress");
        assertOneLineError(r, 2, "model.json", Diag.MCG_OUT_IS_INPUT.name());
        assertThat(model.resolve("model.json")).exists();
        assertThat(leftovers(model)).isEmpty();
    }

    // --- an empty folder the user made ------------------------------------------------------

    @Test
    void emptyUserFolderIsUsedInPlaceKeepingItsModeAndIdentity() throws Exception {
        Path out = Files.createDirectory(tmp.resolve("o"));
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwx------"));
        Object inode = Files.readAttributes(out, BasicFileAttributes.class).fileKey();
        assertOk(build(out));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out))).isEqualTo("rwx------");
        assertThat(Files.readAttributes(out, BasicFileAttributes.class).fileKey()).isEqualTo(inode);
        assertThat(out.resolve("har_lstm.c")).exists();
        assertThat(out.resolve(OutputDir.MARKER)).exists();
        assertThat(leftovers(out)).isEmpty();
    }

    @Test
    void symlinkAtOutIsFollowedNotReplaced() throws Exception {
        Path real = Files.createDirectory(tmp.resolve("real"));
        Path link = Files.createSymbolicLink(tmp.resolve("o"), real);
        assertOk(build(link));
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(real.resolve("har_lstm.c")).exists();
        assertOk(build(link));
        assertThat(Files.isSymbolicLink(link)).isTrue();
    }

    // --- one mcugen per --out ------------------------------------------------------------------

    @Test
    void outLockedByAnotherMcugenIsRefused() throws Exception {
        Path out = tmp.resolve("o");
        try (OutputLock held = OutputLock.acquire(out.toAbsolutePath())) {
            assertOneLineError(build(out), 2, "is writing there now", Diag.MCG_OUT_LOCKED.name());
            assertThat(out).doesNotExist();
        }
        assertOk(build(out));
        assertThat(leftovers(out)).as("the lock file goes with the lock").isEmpty();
    }

    // --- a build killed by SIGKILL left its temporary folder --------------------------------

    @Test
    void staleTempFolderOfAKilledBuildIsRemovedByTheNextBuild() throws Exception {
        Path out = tmp.resolve("o");
        // What a build killed after making its temporary folder leaves: the folder, with the
        // "incomplete" marker of a process that is gone.
        long deadPid = deadPid();
        Path stale = Files.createDirectories(tmp.resolve(".o.tmp123456"));
        Files.writeString(stale.resolve(OutputDir.MARKER), "{\"written_by\":\"mcugen\",\"state\":\"incomplete\",\"pid\":"
                + deadPid + ",\"files\":{}}");
        write(stale.resolve("har_lstm.c"), "half");
        // Look-alikes that are not clearly mcugen's stay.
        Path noMarker = Files.createDirectories(tmp.resolve(".o.tmp777"));
        write(noMarker.resolve("x"), "user");
        assertOk(build(out));
        assertThat(stale).doesNotExist();
        assertThat(noMarker.resolve("x")).hasContent("user");
    }

    @Test
    void staleTempFolderOfAKilledSimulateIsRemovedByTheNextOne() throws Exception {
        Path stale = Files.createDirectories(tmp.resolve(".y.npy.tmp4242"));
        Files.writeString(stale.resolve(OutputDir.MARKER), "{\"written_by\":\"mcugen\",\"state\":\"incomplete\",\"pid\":"
                + deadPid() + ",\"files\":{}}");
        write(stale.resolve("y.npy"), "half");
        assertOk(simulate(HAR, HAR.resolve("test.npy"), tmp.resolve("y.npy")));
        assertThat(stale).doesNotExist();
        try (Stream<Path> s = Files.list(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("y.npy", OutputFiles.RECORD);
        }
    }

    // --- simulate --out and convert --out --------------------------------------------------------

    @Test
    void simulateNeverOverwritesItsOwnData() throws Exception {
        Path data = Files.copy(HAR.resolve("test.npy"), tmp.resolve("x.npy"));
        byte[] before = Files.readAllBytes(data);
        assertOneLineError(simulate(HAR, data, data), 2, "is an input", Diag.MCG_OUT_IS_INPUT.name());
        assertOneLineError(simulate(HAR, data, data, "--force"), 2, Diag.MCG_OUT_IS_INPUT.name());
        // Through a link too.
        Path link = Files.createSymbolicLink(tmp.resolve("link.npy"), data);
        assertOneLineError(simulate(HAR, data, link), 2, Diag.MCG_OUT_IS_INPUT.name());
        assertThat(Files.readAllBytes(data)).isEqualTo(before);
    }

    @Test
    void simulateNeverOverwritesTheModelOrItsShards() throws Exception {
        Path model = copyOfHar();
        Path data = HAR.resolve("test.npy");
        for (String f : List.of("model.json", "group1-shard1of5.bin", "calibration.npy", "README.md")) {
            byte[] before = Files.readAllBytes(model.resolve(f));
            assertOneLineError(simulate(model, data, model.resolve(f), "--force"), 2, f, Diag.MCG_OUT_IS_INPUT.name());
            assertThat(Files.readAllBytes(model.resolve(f))).as(f).isEqualTo(before);
        }
        // A new file in the model's folder is fine, and so is writing it again.
        assertOk(simulate(model, data, model.resolve("y.npy")));
        assertOk(simulate(model, data, model.resolve("y.npy")));
    }

    @Test
    void simulateOverwritesOnlyItsOwnPreviousOutputWithoutForce() throws Exception {
        Path y = tmp.resolve("y.npy");
        Path data = HAR.resolve("test.npy");
        assertOk(simulate(HAR, data, y));
        assertOk(simulate(HAR, data, y)); // its own previous output: replaced
        assertThat(tmp.resolve(OutputFiles.RECORD)).content().contains("\"y.npy\"");
        Path other = tmp.resolve("results.npy");
        write(other, "not from mcugen");
        assertOneLineError(simulate(HAR, data, other), 2, "--force", Diag.MCG_OUT_NOT_OURS.name());
        assertThat(other).hasContent("not from mcugen");
        // Changed after mcugen wrote it: the user's now.
        Files.write(y, new byte[] {1, 2, 3});
        assertOneLineError(simulate(HAR, data, y), 2, Diag.MCG_OUT_NOT_OURS.name());
        CliTest.Result forced = simulate(HAR, data, other, "--force");
        assertOk(forced);
        assertThat(forced.out()).contains("replacing").contains("--force");
        assertThat(Files.size(other)).isGreaterThan(100);
        try (Stream<Path> s = Files.list(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains(".tmp"));
        }
    }

    @Test
    void convertNeverOverwritesTheModelAndAsksForceForOtherFiles() throws Exception {
        Path model = copyOfHar();
        byte[] before = Files.readAllBytes(model.resolve("model.json"));
        assertOneLineError(run("convert", model.toString(), "--out", model.resolve("model.json").toString(), "--force"), 2,
                Diag.MCG_OUT_IS_INPUT.name());
        // External weights beside OUT.json may not replace a file of the model's folder either.
        write(model.resolve("net.weights.bin"), "the user's weights");
        assertOneLineError(run("convert", model.toString(), "--out", model.resolve("net.json").toString(),
                "--weights", "external", "--force"), 2, "net.weights.bin", Diag.MCG_OUT_IS_INPUT.name());
        assertThat(model.resolve("net.weights.bin")).hasContent("the user's weights");
        assertThat(model.resolve("net.json")).doesNotExist();
        assertThat(Files.readAllBytes(model.resolve("model.json"))).isEqualTo(before);
        Path json = tmp.resolve("g.json");
        write(json, "{\"mine\": true}");
        assertOneLineError(run("convert", model.toString(), "--out", json.toString()), 2, Diag.MCG_OUT_NOT_OURS.name());
        assertThat(json).hasContent("{\"mine\": true}");
        assertOk(run("convert", model.toString(), "--out", json.toString(), "--force"));
        assertOk(run("convert", model.toString(), "--out", json.toString(), "--weights", "external"));
        assertThat(tmp.resolve("g.weights.bin")).exists();
        assertOk(run("convert", model.toString(), "--out", json.toString(), "--weights", "external"));
    }

    @Test
    void simulateNeverReplacesAPipeOrDeviceByAFile() throws Exception {
        Path fifo = tmp.resolve("pipe.npy");
        Process p = new ProcessBuilder("mkfifo", fifo.toString()).start();
        org.junit.jupiter.api.Assumptions.assumeTrue(p.waitFor() == 0, "needs mkfifo");
        assertOneLineError(simulate(HAR, HAR.resolve("test.npy"), fifo, "--force"), 2, "not a regular file",
                Diag.MCG_CLI_USAGE.name());
        assertThat(Files.isRegularFile(fifo)).isFalse();
        assertThat(Files.exists(fifo)).isTrue();
    }

    private Path copyOfHar() throws IOException {
        Path model = Files.createDirectories(tmp.resolve("model"));
        try (Stream<Path> s = Files.list(HAR)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                Files.copy(p, model.resolve(p.getFileName().toString()));
            }
        }
        return model;
    }

    /** A pid no process has (the largest one not in use below the kernel's usual limit). */
    private static long deadPid() {
        for (long pid = 4_000_000; pid > 1000; pid--) {
            if (ProcessHandle.of(pid).isEmpty()) {
                return pid;
            }
        }
        throw new IllegalStateException("no free pid");
    }

    private static void write(Path p, String text) {
        try {
            Files.createDirectories(p.getParent());
            Files.writeString(p, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
