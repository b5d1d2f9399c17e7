package dev.mcugen.cli;

import dev.mcugen.ir.Diag;
import dev.mcugen.ir.McugenException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An exclusive lock on an output path, held by one mcugen process from the checks until the output
 * is in place: {@code .<name>.lock} beside it, locked with {@link FileChannel#tryLock()} (the OS drops
 * the lock when the process dies, even by SIGKILL). The file is deleted on release, so it holds a
 * token: a process that locked a file just unlinked by the previous owner sees its token missing at
 * the path and tries again, instead of two processes each locking a different file.
 */
final class OutputLock implements AutoCloseable {
    /** Lock files held by this JVM. */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;
    private boolean released;

    private OutputLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /** The lock file of {@code target} ({@code .<name>.lock} in its folder). */
    static Path fileFor(Path target) {
        return target.getParent().resolve("." + target.getFileName() + ".lock");
    }

    /** Locks {@code target} or refuses with {@link Diag#MCG_OUT_LOCKED} naming the process that holds it. */
    static OutputLock acquire(Path target) {
        Path file = fileFor(target);
        // Another command of this JVM (tests run several in one): refused before the file is even opened,
        // since closing any descriptor of it would drop that command's lock (POSIX record locks).
        if (!HELD.add(file)) {
            throw locked(target, file, false);
        }
        try {
            return lock(target, file);
        } catch (RuntimeException e) {
            HELD.remove(file);
            throw e;
        }
    }

    private static OutputLock lock(Path target, Path file) {
        for (int attempt = 0; attempt < 5; attempt++) {
            FileChannel ch = null;
            try {
                Object before = keyOrCreate(file);
                try {
                    ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
                } catch (NoSuchFileException gone) {
                    continue; // unlinked by its owner meanwhile
                }
                FileLock l;
                try {
                    l = ch.tryLock();
                } catch (OverlappingFileLockException e) {
                    // Another command of this JVM holds it; reading the file now would drop that lock
                    // (closing any descriptor of a file releases the process's POSIX locks on it).
                    ch.close();
                    throw locked(target, file, false);
                }
                if (l == null) {
                    ch.close();
                    throw locked(target, file, true);
                }
                // The file we locked must still be the one at the path: its previous owner may have
                // unlinked it between our stat and our lock (never read by path: see above).
                if (before.equals(keyOrNull(file))) {
                    String token = "mcugen pid " + ProcessHandle.current().pid() + "\n";
                    ch.truncate(0);
                    ch.write(ByteBuffer.wrap(token.getBytes(StandardCharsets.UTF_8)), 0);
                    return new OutputLock(file, ch, l);
                }
                l.release();
                ch.close();
            } catch (IOException e) {
                closeQuietly(ch);
                throw new McugenException(Diag.MCG_IO_FAILED, file.toString(), "cannot create the lock of --out: " + e.getMessage(), e);
            }
        }
        throw locked(target, file, true);
    }

    private static Object keyOrCreate(Path file) throws IOException {
        try {
            Files.createFile(file);
        } catch (FileAlreadyExistsException ignored) {
            // someone's lock file, or a stale one: locked below
        }
        Object k = keyOrNull(file);
        return k == null ? new Object() : k;
    }

    private static Object keyOrNull(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            // No inode numbers on this file system: fall back to trusting the lock alone.
            return a.fileKey() != null ? a.fileKey() : "no-file-key";
        } catch (IOException e) {
            return null;
        }
    }

    private static McugenException locked(Path target, Path file, boolean readable) {
        String holder = readable ? readQuietly(file) : null;
        String who = holder != null && holder.startsWith("mcugen pid ")
                ? "mcugen process " + holder.split("\\s+")[2] : "another mcugen command";
        return new McugenException(Diag.MCG_OUT_LOCKED, target.toString(), who + " is writing there now (lock "
                + file.getFileName() + "); wait for it to finish or choose another --out");
    }

    private static String readQuietly(Path file) {
        try {
            byte[] b = Files.readAllBytes(file);
            return new String(b, 0, Math.min(b.length, 200), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        }
    }

    /** Deletes the lock file (while still holding it, so nobody locks a file about to vanish unnoticed), then unlocks. */
    @Override
    public synchronized void close() {
        if (released) {
            return;
        }
        released = true;
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // A leftover lock file is harmless: the next run locks it.
        }
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel releases it too
        }
        closeQuietly(channel);
        HELD.remove(file);
    }
}
