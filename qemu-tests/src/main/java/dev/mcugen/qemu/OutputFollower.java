package dev.mcugen.qemu;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Follows a file a program appends to (QEMU's semihosting chardev) and hands each complete line to
 * a listener as it appears, for progress displays: a daemon thread polls every 100 ms; {@link
 * #finish()} stops it after the program ended and delivers the rest. Marker lines of the board
 * support ({@code @mcugen ...}) are not passed on.
 */
final class OutputFollower {
    private final Path file;
    private final Consumer<String> listener;
    private final Thread thread;
    private final StringBuilder partial = new StringBuilder();
    private volatile boolean stop;
    private long offset;

    private OutputFollower(Path file, Consumer<String> listener) {
        this.file = file;
        this.listener = listener;
        this.thread = new Thread(this::loop, "mcugen-output-follower");
        this.thread.setDaemon(true);
    }

    static OutputFollower start(Path file, Consumer<String> listener) {
        OutputFollower f = new OutputFollower(file, listener);
        f.thread.start();
        return f;
    }

    private void loop() {
        while (!stop) {
            poll();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Stops following and delivers what the program wrote since the last poll. */
    void finish() {
        stop = true;
        thread.interrupt();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        poll();
    }

    private synchronized void poll() {
        if (!Files.exists(file)) {
            return;
        }
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long length = f.length();
            if (length <= offset) {
                return;
            }
            byte[] bytes = new byte[(int) Math.min(length - offset, 1 << 20)];
            f.seek(offset);
            f.readFully(bytes);
            offset += bytes.length;
            partial.append(new String(bytes, StandardCharsets.UTF_8));
            int nl;
            while ((nl = partial.indexOf("\n")) >= 0) {
                String line = partial.substring(0, nl);
                partial.delete(0, nl + 1);
                if (!line.startsWith(RunPipeline.MARKER)) {
                    listener.accept(line);
                }
            }
        } catch (IOException e) {
            // progress only: the run's result is read from the file afterwards either way
        }
    }
}
