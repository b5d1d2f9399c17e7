package dev.mcugen.cli;

import dev.mcugen.ir.Diag;
import dev.mcugen.ir.McugenException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The single files {@code simulate --out}, {@code convert --out} and {@code verify --junit} write. Each is written into a
 * temporary folder beside it and moved into place at {@link #commit}, and never replaces:
 * <ul>
 * <li>an input of the command (--data, --calibration, the model file, or any file of the model's
 *     folder, such as its weight shards): refused ({@link Diag#MCG_OUT_IS_INPUT}), even with --force;</li>
 * <li>a file mcugen did not write: refused ({@link Diag#MCG_OUT_NOT_OURS}) unless --force.</li>
 * </ul>
 * What mcugen wrote is recorded, with size and SHA-256, in {@value #RECORD} in the file's folder: a file
 * listed there and unchanged is a previous output and is replaced silently. The checks run before the
 * command computes anything and again just before each move; a new file is linked into place with
 * {@code link(2)}, which fails rather than replace something that appeared meanwhile.
 */
final class OutputFiles implements AutoCloseable {
    /** The record of the files mcugen wrote into a folder (a {@link Manifest} keyed by file name). */
    static final String RECORD = ".mcugen-files";

    private static final String NOTE = "written by mcugen simulate/convert/verify --junit: the files it wrote here, which the next"
            + " run may replace; any other file is replaced only with --force";

    private final List<Path> targets;
    private final List<Path> inputs;
    private final Path modelDir;
    private final boolean force;
    /** The option naming these files, for the messages ({@code --out}, {@code --junit}). */
    private final String option;
    private final Map<Path, Path> temps = new LinkedHashMap<>();
    private final AutoCloseable atExit;

    private OutputFiles(List<Path> targets, List<Path> inputs, Path modelDir, boolean force, String option) {
        this.targets = targets;
        this.inputs = inputs;
        this.modelDir = modelDir;
        this.force = force;
        this.option = option;
        this.atExit = ExitCleanup.register(this::deleteTemps);
    }

    /**
     * Checks every output against the inputs and the records, before anything is computed, and makes
     * the temporary folders. {@code inputs} are the files the command reads; {@code model} is the model
     * file, whose folder is protected as a whole.
     */
    static OutputFiles open(List<Path> outs, Collection<Path> inputs, Path model, boolean force) {
        return open(outs, inputs, model, force, "--out");
    }

    /** {@link #open(List, Collection, Path, boolean)} for files named by {@code option} (the messages say which). */
    static OutputFiles open(List<Path> outs, Collection<Path> inputs, Path model, boolean force, String option) {
        List<Path> targets = new ArrayList<>();
        for (Path o : outs) {
            Path abs = o.toAbsolutePath().normalize();
            String name = abs.getFileName() == null ? "" : abs.getFileName().toString();
            if (name.equals(RECORD) || name.equals(OutputDir.MARKER)) {
                throw new McugenException(Diag.MCG_CLI_USAGE, o.toString(), "is the name of mcugen's own record; give another file");
            }
            if (targets.contains(abs)) {
                throw new McugenException(Diag.MCG_CLI_USAGE, o.toString(), "is given twice as --out; give one file per output");
            }
            targets.add(abs);
        }
        List<Path> ins = inputs.stream().map(p -> p.toAbsolutePath().normalize()).toList();
        Path dir = model.toAbsolutePath().normalize().getParent();
        OutputFiles f = new OutputFiles(targets, ins, dir, force, option);
        try {
            for (Path t : targets) {
                f.check(t, record(t.getParent()), null);
            }
            for (Path t : targets) {
                Path parent = t.getParent();
                if (Files.isDirectory(parent)) {
                    // Left by a simulate killed with SIGKILL (its process is gone).
                    OutputDir.removeStaleTemps(t, false);
                }
                if (!f.temps.containsKey(parent)) {
                    Files.createDirectories(parent);
                    Path temp = Files.createTempDirectory(parent, "." + t.getFileName() + ".tmp");
                    f.temps.put(parent, temp);
                    OutputDir.writeIncompleteMarker(temp);
                }
            }
            return f;
        } catch (IOException e) {
            f.close();
            throw new McugenException(Diag.MCG_IO_FAILED, outs.get(0).toString(), "cannot be written: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            f.close();
            throw e;
        }
    }

    /** Where to write {@code out} (same file name, in the temporary folder beside it). */
    Path staging(Path out) {
        Path abs = out.toAbsolutePath().normalize();
        return temps.get(abs.getParent()).resolve(abs.getFileName().toString());
    }

    /** Writes {@code bytes} to the staging file of {@code out}. */
    void write(Path out, byte[] bytes) {
        try {
            Files.write(staging(out), bytes);
        } catch (IOException e) {
            throw new McugenException(Diag.MCG_IO_FAILED, out.toString(), "cannot write: " + e.getMessage(), e);
        }
    }

    /**
     * Checks each output again and moves it into place, recording it; {@code note} gets a line per file
     * --force replaces.
     */
    void commit(PrintWriter note) {
        synchronized (ExitCleanup.LOCK) {
            if (ExitCleanup.exiting()) {
                throw new IllegalStateException("interrupted before the outputs were moved into place");
            }
            Map<Path, List<Path>> byDir = new LinkedHashMap<>();
            targets.forEach(t -> byDir.computeIfAbsent(t.getParent(), k -> new ArrayList<>()).add(t));
            for (var group : byDir.entrySet()) {
                commitFolder(group.getKey(), group.getValue(), note);
            }
        }
    }

    private void commitFolder(Path dir, List<Path> files, PrintWriter note) {
        Path recordFile = dir.resolve(RECORD);
        // The record is read, updated and written under its lock: two simulate runs writing into one
        // folder each keep the other's entries.
        try (FileChannel ch = FileChannel.open(recordFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            ch.lock(); // released when the channel closes
            // Read through the locked channel: opening and closing the file another way would drop
            // this process's lock (POSIX record locks).
            ByteBuffer buf = ByteBuffer.allocate((int) Math.min(ch.size(), 64 << 20));
            while (buf.hasRemaining() && ch.read(buf, buf.position()) > 0) {
                // read it whole
            }
            Map<String, Manifest.Entry> parsed = Manifest.parse(java.util.Arrays.copyOf(buf.array(), buf.position()));
            Map<String, Manifest.Entry> record = parsed == null ? new TreeMap<>() : new TreeMap<>(parsed);
            for (Path t : files) {
                Path staged = staging(t);
                String name = t.getFileName().toString();
                place(t, staged, record, note);
                record.put(name, Manifest.of(t));
            }
            // Forget files removed or rewritten by someone else since (sizes only: hashing every
            // recorded file on each run would cost more than it protects).
            record.entrySet().removeIf(e -> {
                Path p = dir.resolve(e.getKey());
                try {
                    return !Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) || Files.size(p) != e.getValue().size();
                } catch (IOException ex) {
                    return true;
                }
            });
            byte[] text = Manifest.render(NOTE, Map.of(), record).getBytes(StandardCharsets.UTF_8);
            ch.truncate(0);
            ch.write(ByteBuffer.wrap(text), 0);
        } catch (IOException e) {
            throw new McugenException(Diag.MCG_IO_FAILED, files.get(0).toString(), "cannot be moved into place: " + e.getMessage(), e);
        }
    }

    private void place(Path t, Path staged, Map<String, Manifest.Entry> record, PrintWriter note) throws IOException {
        if (!Files.exists(t, LinkOption.NOFOLLOW_LINKS)) {
            try {
                // link(2) fails if the name exists: nothing that appeared since the check is replaced.
                Files.createLink(t, staged);
                Files.delete(staged);
                return;
            } catch (FileAlreadyExistsException e) {
                // appeared meanwhile: judged below like any existing file
            } catch (UnsupportedOperationException | IOException e) {
                // No hard links here (some network or FAT file systems): a move that refuses existing names.
                try {
                    Files.move(staged, t);
                    return;
                } catch (FileAlreadyExistsException again) {
                    // appeared meanwhile
                }
            }
        }
        check(t, record, note);
        Files.move(staged, t, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Refuses replacing {@code t} if it is an input, in the model's folder, or not a previous output (without --force). */
    private void check(Path t, Map<String, Manifest.Entry> record, PrintWriter note) {
        if (!Files.exists(t, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        for (Path in : inputs) {
            if (same(t, in)) {
                throw new McugenException(Diag.MCG_OUT_IS_INPUT, t.toString(), "is an input of this command ("
                        + in.getFileName() + "); give another " + option + " (mcugen never replaces its inputs)");
            }
        }
        if (Files.isDirectory(t)) {
            throw new McugenException(Diag.MCG_CLI_USAGE, t.toString(), "is a folder; " + option + " names the file to write");
        }
        if (!Files.isRegularFile(t, LinkOption.NOFOLLOW_LINKS) && !Files.isSymbolicLink(t)) {
            // A device or pipe would be replaced by a plain file (for root, even /dev/null).
            throw new McugenException(Diag.MCG_CLI_USAGE, t.toString(), "is not a regular file (a device, pipe or socket);"
                    + " " + option + " names the file to write");
        }
        if (Manifest.unchanged(t, record.get(t.getFileName().toString()))) {
            return; // a previous output of mcugen, unchanged since
        }
        if (inModelFolder(t)) {
            throw new McugenException(Diag.MCG_OUT_IS_INPUT, t.toString(), "is a file of the model's folder (" + modelDir
                    + ") that mcugen did not write; give another " + option
                    + " (mcugen never replaces the model's files)");
        }
        if (!force) {
            throw new McugenException(Diag.MCG_OUT_NOT_OURS, t.toString(), "exists and mcugen did not write it (or it"
                    + " changed since); give another " + option + ", or add --force to replace it");
        }
        if (note != null) {
            note.println("mcugen: replacing " + t + ", which mcugen did not write (--force)");
            note.flush();
        }
    }

    private boolean inModelFolder(Path t) {
        try {
            Path real = t.toRealPath();
            return modelDir != null && real.startsWith(modelDir.toRealPath());
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean same(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }

    private static Map<String, Manifest.Entry> record(Path dir) {
        Map<String, Manifest.Entry> m = Manifest.read(dir.resolve(RECORD));
        return m == null ? new TreeMap<>() : m;
    }

    private void deleteTemps() {
        for (Path d : temps.values()) {
            try (Stream<Path> s = Files.walk(d)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // best effort
            }
        }
    }

    /** Removes the temporary folders (emptied by {@link #commit}, or holding what a failed run wrote). */
    @Override
    public void close() {
        deleteTemps();
        try {
            atExit.close();
        } catch (Exception ignored) {
            // unregistering cannot fail
        }
    }
}
