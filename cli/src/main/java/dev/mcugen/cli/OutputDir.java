package dev.mcugen.cli;

import dev.mcugen.ir.Diag;
import dev.mcugen.ir.McugenException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A command's output folder, written completely in a temporary folder beside it and moved into
 * place only when everything succeeded (DESIGN §1). An existing folder is replaced only if mcugen
 * made it (it holds the {@link #MARKER} file); anything else the user has there is never touched.
 */
final class OutputDir implements AutoCloseable {
    /** Written into every output folder so a later build may replace it. */
    static final String MARKER = ".mcugen-output";

    private final Path target;
    private final Path temp;
    private boolean committed;

    private OutputDir(Path target, Path temp) {
        this.target = target;
        this.temp = temp;
    }

    static OutputDir open(Path target) {
        Path abs = target.toAbsolutePath().normalize();
        if (Files.exists(abs) && !replaceable(abs)) {
            throw new McugenException(Diag.MCG_CLI_USAGE, target.toString(), "exists and was not made by mcugen;"
                    + " choose another --out or remove it (mcugen never overwrites files it did not write)");
        }
        try {
            Files.createDirectories(abs.getParent());
            Path temp = Files.createTempDirectory(abs.getParent(), "." + abs.getFileName() + ".tmp");
            // A temp folder is private (0700); the finished output should look like any folder the user makes.
            try {
                Files.setPosixFilePermissions(temp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            } catch (UnsupportedOperationException e) {
                // Not a POSIX file system: keep the default.
            }
            Files.writeString(temp.resolve(MARKER), "written by mcugen; this folder is replaced by the next build\n");
            return new OutputDir(abs, temp);
        } catch (IOException e) {
            throw new McugenException(Diag.MCG_IO_FAILED, target.toString(), "cannot create the output folder: " + e.getMessage(), e);
        }
    }

    private static boolean replaceable(Path dir) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        if (Files.isRegularFile(dir.resolve(MARKER))) {
            return true;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    /** Where to write: the temporary folder. */
    Path dir() {
        return temp;
    }

    Path target() {
        return target;
    }

    /** Moves the finished folder into place, replacing an earlier mcugen output. */
    void commit() {
        try {
            if (Files.exists(target)) {
                Path old = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".old");
                Files.move(target, old.resolve("x"), StandardCopyOption.ATOMIC_MOVE);
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
                delete(old);
            } else {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            }
            committed = true;
        } catch (IOException e) {
            throw new McugenException(Diag.MCG_IO_FAILED, target.toString(), "cannot move the output into place: " + e.getMessage(), e);
        }
    }

    /** Removes the temporary folder if the command failed before {@link #commit()}. */
    @Override
    public void close() {
        if (!committed) {
            delete(temp);
        }
    }

    private static void delete(Path p) {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // Best effort: a leftover hidden temp folder does no harm to the user's files.
        }
    }
}
