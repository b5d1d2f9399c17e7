package dev.mcugen.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcugen.ir.Diag;
import dev.mcugen.ir.McugenException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A command's output folder, written completely in a temporary folder beside it ({@code .<out>.tmpN})
 * and moved into place only when everything succeeded (DESIGN §1). mcugen never deletes or replaces a
 * file it did not write:
 * <ul>
 * <li>{@code --out} is locked ({@link OutputLock}) from the checks to the move, so two mcugen processes
 *     never write the same folder;</li>
 * <li>the marker file lists every file mcugen wrote with its size and SHA-256; a later build replaces
 *     the folder only while it holds nothing else and nothing listed changed, and refuses
 *     ({@link Diag#MCG_OUT_NOT_OURS}) otherwise; with {@code --force} those files are moved to a
 *     backup folder beside it, never deleted;</li>
 * <li>the checks are repeated at the move: the previous output is first renamed aside (out of the
 *     user's reach) and checked again, and a new folder is created with {@code mkdir} (which fails if
 *     anything appeared at {@code --out}) before the finished one is renamed onto it;</li>
 * <li>an existing empty folder the user made is used as it is (same folder, its mode and owner kept):
 *     the finished files are moved into it;</li>
 * <li>SIGINT/SIGTERM remove the temporary folder ({@link ExitCleanup}); one left by SIGKILL is removed
 *     by the next build into the same {@code --out}.</li>
 * </ul>
 */
final class OutputDir implements AutoCloseable {
    /** Written into every output folder: which files mcugen wrote there (JSON, {@link Manifest}). */
    static final String MARKER = ".mcugen-output";

    private static final String NOTE = "written by mcugen: the files it wrote into this folder, so that the next build"
            + " replaces only them (and refuses, or with --force keeps aside, anything else)";

    /** What is at {@code --out} when the command starts. */
    private enum Mode {
        /** Nothing: the finished folder is renamed to it. */
        NEW,
        /** An empty folder: the finished files are moved into it. */
        IN_PLACE,
        /** A previous output (or, with --force, anything): renamed aside, checked again, replaced. */
        REPLACE
    }

    /** Test hook: runs just before the output is moved into place (to play a user acting meanwhile). */
    static volatile Runnable beforeCommit = () -> { };

    private final Path target;
    private final Path temp;
    private final OutputLock lock;
    private final Mode mode;
    private final Object emptyKey;
    private final boolean force;
    private final PrintWriter note;
    private final AutoCloseable atExit;
    private boolean committed;

    private OutputDir(Path target, Path temp, OutputLock lock, Mode mode, Object emptyKey, boolean force, PrintWriter note) {
        this.target = target;
        this.temp = temp;
        this.lock = lock;
        this.mode = mode;
        this.emptyKey = emptyKey;
        this.force = force;
        this.note = note;
        // Ctrl-C or a CI timeout: no finally block runs, the shutdown hook does this.
        this.atExit = ExitCleanup.register(() -> {
            delete(temp);
            lock.close();
        });
    }

    /** {@link #open(Path, List, boolean, PrintWriter)} without inputs to protect and without --force. */
    static OutputDir open(Path target) {
        return open(target, List.of(), false, new PrintWriter(System.out, true));
    }

    /**
     * Locks {@code target}, checks what is there (refusing what is not mcugen's unless {@code force}, and
     * a folder holding one of the command's {@code inputs} in any case) and makes the temporary folder;
     * {@code note} gets the line saying where --force kept files.
     */
    static OutputDir open(Path target, List<Path> inputs, boolean force, PrintWriter note) {
        Path abs = target.toAbsolutePath().normalize();
        if (abs.getParent() == null) {
            throw new McugenException(Diag.MCG_CLI_USAGE, target.toString(), "is the root folder; give a folder to write into");
        }
        try {
            // A link to a folder stands for that folder: renaming over it would replace the user's link.
            if (Files.isSymbolicLink(abs) && Files.isDirectory(abs)) {
                abs = abs.toRealPath();
            }
            Files.createDirectories(abs.getParent());
            // One lock per real folder, however --out was spelled.
            abs = abs.getParent().toRealPath().resolve(abs.getFileName());
        } catch (IOException e) {
            throw new McugenException(Diag.MCG_IO_FAILED, target.toString(), "cannot create the output folder: " + e.getMessage(), e);
        }
        refuseInputs(target, abs, inputs);
        OutputLock lock = OutputLock.acquire(abs);
        try {
            removeStaleTemps(abs);
            Mode mode = Mode.NEW;
            Object emptyKey = null;
            if (Files.exists(abs, LinkOption.NOFOLLOW_LINKS)) {
                if (Files.isDirectory(abs, LinkOption.NOFOLLOW_LINKS) && isEmpty(abs)) {
                    mode = Mode.IN_PLACE;
                    emptyKey = key(abs);
                } else {
                    List<String> foreign = foreign(abs);
                    if (!foreign.isEmpty() && !force) {
                        throw notOurs(target, abs, foreign);
                    }
                    mode = Mode.REPLACE;
                }
            }
            Path temp = Files.createTempDirectory(abs.getParent(), "." + abs.getFileName() + ".tmp");
            // A temp folder is private (0700); the finished output should look like any folder the user makes.
            setPermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
            writeIncompleteMarker(temp);
            return new OutputDir(abs, temp, lock, mode, emptyKey, force, note);
        } catch (IOException e) {
            lock.close();
            throw new McugenException(Diag.MCG_IO_FAILED, target.toString(), "cannot create the output folder: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /** Marks a temporary folder as mcugen's, unfinished, and whose: so that a later run can tell it is stale. */
    static void writeIncompleteMarker(Path temp) throws IOException {
        Files.writeString(temp.resolve(MARKER), Manifest.render(NOTE,
                Map.of("state", "incomplete", "pid", ProcessHandle.current().pid()), Map.of()));
    }

    /** The model, its data or the folder holding them is never moved aside, even with --force. */
    private static void refuseInputs(Path target, Path abs, List<Path> inputs) {
        for (Path in : inputs) {
            try {
                Path real = in.toRealPath();
                if (Files.exists(abs, LinkOption.NOFOLLOW_LINKS) && real.startsWith(abs.toRealPath())) {
                    throw new McugenException(Diag.MCG_OUT_IS_INPUT, target.toString(), "holds " + in.getFileName()
                            + ", an input of this command; give another --out (mcugen never replaces its inputs)");
                }
            } catch (IOException e) {
                // an input that does not resolve is not inside --out
            }
        }
    }

    /** Where to write: the temporary folder. */
    Path dir() {
        return temp;
    }

    Path target() {
        return target;
    }

    /** Records what was written, checks {@code --out} again and moves the finished folder into place. */
    void commit() {
        beforeCommit.run();
        synchronized (ExitCleanup.LOCK) {
            if (ExitCleanup.exiting()) {
                throw new IllegalStateException("interrupted before the output was moved into place");
            }
            try {
                Files.writeString(temp.resolve(MARKER), Manifest.render(NOTE, Map.of("state", "complete"),
                        Manifest.scan(temp, MARKER)));
                switch (mode) {
                    case NEW -> placeNew(null);
                    case IN_PLACE -> fillInPlace();
                    case REPLACE -> replace();
                }
                committed = true;
            } catch (IOException e) {
                throw new McugenException(Diag.MCG_IO_FAILED, target.toString(), "cannot move the output into place: " + e.getMessage(), e);
            }
        }
    }

    /**
     * Renames the temporary folder to the absent {@code --out}: {@code mkdir} first, which fails if
     * anything appeared there since the check, then a rename onto that new empty folder, which fails
     * if anything was written into it meanwhile. {@code previous} is where the old output waits, named
     * in the refusal.
     */
    private void placeNew(Path previous) throws IOException {
        String kept = previous == null ? "" : "; the previous output is in " + previous;
        try {
            Files.createDirectory(target);
        } catch (IOException e) {
            throw appeared(kept);
        }
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw appeared(kept);
        }
    }

    /** Moves the finished files into the user's empty folder, the marker last; undoes the moves if it is not empty any more. */
    private void fillInPlace() throws IOException {
        if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS) || !Objects.equals(key(target), emptyKey) || !isEmpty(target)) {
            throw appeared("");
        }
        List<Path> entries;
        try (Stream<Path> s = Files.list(temp)) {
            entries = new ArrayList<>(s.sorted(Comparator.comparing((Path p) -> p.getFileName().toString().equals(MARKER))
                    .thenComparing(Path::toString)).toList());
        }
        List<Path> moved = new ArrayList<>();
        try {
            for (Path e : entries) {
                Path dest = target.resolve(e.getFileName().toString());
                Files.move(e, dest); // no REPLACE_EXISTING: a file that appeared there is left alone
                moved.add(dest);
            }
        } catch (IOException e) {
            for (Path m : moved) {
                Files.move(m, temp.resolve(m.getFileName().toString()));
            }
            throw appeared("");
        }
        Files.delete(temp);
    }

    /**
     * Renames the previous output aside (out of reach through {@code --out}), checks it again, puts the
     * new one in place, and deletes the old files mcugen wrote; with --force what it did not write goes
     * to a backup folder beside {@code --out}.
     */
    private void replace() throws IOException {
        Path old = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".old");
        Path aside = old.resolve("x");
        try {
            Files.move(target, aside, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            delete(old);
            throw e;
        }
        List<String> foreign = foreign(aside);
        if (!foreign.isEmpty() && !force) {
            // Something was added or changed after the check: put it back as it was.
            String what = "holds " + foreign.size() + " file(s) added or changed while mcugen was writing: " + Manifest.few(foreign);
            try {
                Files.move(aside, target, StandardCopyOption.ATOMIC_MOVE);
                delete(old);
            } catch (IOException e) {
                throw new McugenException(Diag.MCG_OUT_NOT_OURS, target.toString(), what + "; nothing was replaced, the"
                        + " folder is now in " + aside);
            }
            throw new McugenException(Diag.MCG_OUT_NOT_OURS, target.toString(), what + "; nothing was replaced");
        }
        if (Files.isDirectory(aside, LinkOption.NOFOLLOW_LINKS)) {
            // The user's permissions on the folder (e.g. 700) outlive rebuilds.
            try {
                setPermissions(temp, Files.getPosixFilePermissions(aside, LinkOption.NOFOLLOW_LINKS));
            } catch (UnsupportedOperationException e) {
                // not POSIX
            }
        }
        placeNew(aside);
        if (foreign.isEmpty()) {
            delete(old);
            return;
        }
        removeOurs(aside);
        Path backup = backupName();
        Files.move(aside, backup);
        delete(old);
        note.println("mcugen: kept " + foreign.size() + " file(s) mcugen did not write (or that changed since) in "
                + backup + " (--force)");
        note.flush();
    }

    /** Deletes from {@code dir} the files its manifest lists that are unchanged, the marker, and then-empty folders mcugen made. */
    private static void removeOurs(Path dir) throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Map<String, Manifest.Entry> files = Manifest.read(dir.resolve(MARKER));
        if (files != null) {
            for (var e : files.entrySet()) {
                Path f = dir.resolve(e.getKey()).normalize();
                if (f.startsWith(dir) && Manifest.unchanged(f, e.getValue())) {
                    Files.delete(f);
                }
            }
            List<String> dirs = files.keySet().stream().flatMap(OutputDir::parents).distinct()
                    .sorted(Comparator.comparing(String::length).reversed()).toList();
            for (String d : dirs) {
                Path p = dir.resolve(d);
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) && isEmpty(p)) {
                    Files.delete(p);
                }
            }
        }
        Files.deleteIfExists(dir.resolve(MARKER));
    }

    private static Stream<String> parents(String rel) {
        List<String> out = new ArrayList<>();
        for (int i = rel.indexOf('/'); i >= 0; i = rel.indexOf('/', i + 1)) {
            out.add(rel.substring(0, i));
        }
        return out.stream();
    }

    /** {@code <out>.mcugen-backup-<time>} beside --out, visible so the user finds it. */
    private Path backupName() {
        String base = target.getFileName() + ".mcugen-backup-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path p = target.resolveSibling(base);
        for (int i = 2; Files.exists(p, LinkOption.NOFOLLOW_LINKS); i++) {
            p = target.resolveSibling(base + "-" + i);
        }
        return p;
    }

    /** What at {@code p} mcugen did not write, per the marker there (everything when there is no readable manifest). */
    private static List<String> foreign(Path p) throws IOException {
        if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            return List.of(p.getFileName() + " (not a folder mcugen made)");
        }
        Map<String, Manifest.Entry> files = Manifest.read(p.resolve(MARKER));
        return Manifest.foreign(p, MARKER, files == null ? Map.of() : files);
    }

    private static McugenException notOurs(Path target, Path abs, List<String> foreign) {
        String what;
        if (!Files.isDirectory(abs, LinkOption.NOFOLLOW_LINKS)) {
            what = "is a file, not a folder mcugen made";
        } else if (!Files.exists(abs.resolve(MARKER), LinkOption.NOFOLLOW_LINKS)) {
            what = "was not made by mcugen and holds " + foreign.size() + " file(s): " + Manifest.few(foreign);
        } else if (Manifest.read(abs.resolve(MARKER)) == null) {
            what = "was made by an older mcugen that did not list its files, so each may be the user's: " + Manifest.few(foreign);
        } else {
            what = "holds " + foreign.size() + " file(s) mcugen did not write or that changed since it wrote them: "
                    + Manifest.few(foreign);
        }
        return new McugenException(Diag.MCG_OUT_NOT_OURS, target.toString(), what
                + "; move them away, choose another --out, or add --force to keep them aside in a backup folder");
    }

    private McugenException appeared(String kept) {
        return new McugenException(Diag.MCG_OUT_NOT_OURS, target.toString(), "appeared or changed while mcugen was"
                + " writing the output; it is left untouched and nothing was written there" + kept);
    }

    /**
     * Removes {@code .<out>.tmpN} folders a killed build left: only with the lock held (so no mcugen is
     * writing into them), only those holding an unfinished mcugen marker whose process is gone.
     */
    private static void removeStaleTemps(Path abs) {
        removeStaleTemps(abs, true);
    }

    /**
     * Removes the {@code .<name>.tmpN} folders beside {@code abs} holding an unfinished mcugen marker
     * whose process is gone; {@code locked}: the caller holds the lock of {@code abs}, so even its own
     * pid's folders are stale (an earlier command of this JVM).
     */
    static void removeStaleTemps(Path abs, boolean locked) {
        String prefix = "." + abs.getFileName() + ".tmp";
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(abs.getParent(), p -> p.getFileName().toString().startsWith(prefix)
                && p.getFileName().toString().substring(prefix.length()).matches("[0-9]+"))) {
            for (Path p : ds) {
                JsonNode m = Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? Manifest.readJson(p.resolve(MARKER)) : null;
                if (m == null || !"mcugen".equals(m.path("written_by").asText()) || !"incomplete".equals(m.path("state").asText())) {
                    continue;
                }
                long pid = m.path("pid").asLong(-1);
                boolean alive = pid == ProcessHandle.current().pid() ? !locked
                        : ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
                if (!alive) {
                    delete(p);
                }
            }
        } catch (IOException e) {
            // Best effort: a leftover hidden folder does not stop the build.
        }
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }

    private static Object key(Path p) throws IOException {
        return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
    }

    private static void setPermissions(Path p, Set<PosixFilePermission> perms) throws IOException {
        try {
            Files.setPosixFilePermissions(p, perms);
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system: keep the default.
        }
    }

    /** Removes the temporary folder if the command failed before {@link #commit()}, and unlocks. */
    @Override
    public void close() {
        if (!committed) {
            delete(temp);
        }
        lock.close();
        try {
            atExit.close();
        } catch (Exception ignored) {
            // unregistering cannot fail
        }
    }

    private static void delete(Path p) {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // Best effort: a leftover hidden temp folder does no harm to the user's files.
        }
    }
}
