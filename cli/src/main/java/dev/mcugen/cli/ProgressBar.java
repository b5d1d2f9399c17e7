package dev.mcugen.cli;

import java.io.PrintStream;

/**
 * A progress bar on stderr, drawn only when stderr is an interactive terminal (not in CI, not in a
 * pipe), so logs stay clean. Redraws at most every 100 ms.
 */
final class ProgressBar implements AutoCloseable {
    private static final int WIDTH = 30;
    private final String label;
    private final PrintStream out;
    private final boolean enabled;
    private long lastDraw;
    private boolean drawn;

    ProgressBar(String label, boolean allowed) {
        this(label, System.err, allowed && System.console() != null && System.getenv("CI") == null
                && !"dumb".equals(System.getenv("TERM")));
    }

    ProgressBar(String label, PrintStream out, boolean enabled) {
        this.label = label;
        this.out = out;
        this.enabled = enabled;
    }

    void update(int done, int total) {
        if (!enabled) {
            return;
        }
        long now = System.nanoTime();
        if (done < total && now - lastDraw < 100_000_000L) {
            return;
        }
        lastDraw = now;
        int filled = total == 0 ? WIDTH : (int) ((long) done * WIDTH / total);
        out.print("\r" + label + " [" + "#".repeat(filled) + " ".repeat(WIDTH - filled) + "] " + done + "/" + total);
        out.flush();
        drawn = true;
    }

    @Override
    public void close() {
        if (enabled && drawn) {
            out.print("\r" + " ".repeat(label.length() + WIDTH + 30) + "\r");
            out.flush();
        }
    }
}
