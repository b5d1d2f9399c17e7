package dev.mcugen.ir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The checks every file mcugen reads from outside goes through before a byte is read: it must be a
 * regular file (a FIFO would block forever, /dev/zero never ends; symlinks to regular files are
 * fine), and no larger than a cap, so that a hostile or mistaken path cannot exhaust memory or time.
 */
public final class InputFiles {
    /**
     * The most mcugen reads of one file: arrays and weights are indexed by int, so nothing larger
     * than 2 GiB of payload can be held anyway.
     */
    public static final long MAX_BYTES = Integer.MAX_VALUE;

    private InputFiles() {
    }

    /**
     * The size of {@code file}, after checking it is a regular file (following symlinks).
     *
     * @throws McugenException {@link Diag#MCG_IO_NOT_FOUND}, {@link Diag#MCG_IO_NOT_REGULAR} or
     *                         {@link Diag#MCG_IO_FAILED}
     */
    public static long requireRegular(Path file) {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new McugenException(Diag.MCG_IO_NOT_FOUND, file.toString(), "no such file");
        } catch (IOException e) {
            throw new McugenException(Diag.MCG_IO_FAILED, file.toString(), "cannot be read: " + e.getMessage(), e);
        }
        if (!a.isRegularFile()) {
            throw new McugenException(Diag.MCG_IO_NOT_REGULAR, file.toString(), "is " + what(a)
                    + ", not a regular file; mcugen reads only regular files (a FIFO or device could block or never end)");
        }
        return a.size();
    }

    /** {@link #requireRegular} and at most {@code cap} bytes; returns the size. */
    public static long requireRegular(Path file, long cap) {
        long size = requireRegular(file);
        if (size > cap) {
            throw new McugenException(Diag.MCG_IO_TOO_LARGE, file.toString(), "holds " + size + " bytes; mcugen reads at most "
                    + cap + " bytes from one file");
        }
        return size;
    }

    /** The whole of a regular file of at most {@link #MAX_BYTES} bytes. */
    public static byte[] readAll(Path file) {
        return readAll(file, MAX_BYTES);
    }

    /**
     * The whole of a regular file of at most {@code cap} bytes. The read itself stops at the size
     * seen when checking, plus one byte to notice a file that grew meanwhile.
     */
    public static byte[] readAll(Path file, long cap) {
        long size = requireRegular(file, cap);
        MemoryBudget.require(file.toString(), size, "reading it");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes((int) size);
            if (in.read() >= 0) {
                throw new McugenException(Diag.MCG_IO_FAILED, file.toString(), "grew while being read; read it once it is complete");
            }
            return bytes;
        } catch (NoSuchFileException e) {
            throw new McugenException(Diag.MCG_IO_NOT_FOUND, file.toString(), "no such file");
        } catch (IOException e) {
            throw new McugenException(Diag.MCG_IO_FAILED, file.toString(), "cannot be read: " + e.getMessage(), e);
        }
    }

    private static String what(BasicFileAttributes a) {
        if (a.isDirectory()) {
            return "a folder";
        }
        if (a.isOther()) {
            return "a FIFO, device or socket";
        }
        return "not a regular file";
    }
}
