package dev.mcugen.cli;

import java.io.PrintWriter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Where the log lines of the libraries behind the container runner go (Testcontainers and docker-java
 * log through SLF4J, bound to {@code java.util.logging} in the CLI): nowhere by default, so that a
 * user sees mcugen's own lines only; with {@code verify --verbose}, one line each on the error
 * stream, {@code mcugen: [log] LEVEL logger: message} (prefixed with the target when verify runs several). The JDK's default logging configuration would
 * print them on stderr in two lines each: {@link #quiet()} removes it before any command runs.
 */
final class RunnerLog {
    private static final Logger ROOT = Logger.getLogger("");

    /** What the lines logged on this thread start with ({@code [<target>] } while verify runs one of several targets). */
    static final ThreadLocal<String> PREFIX = ThreadLocal.withInitial(() -> "");
    private static Handler handler;
    private static int users;

    private RunnerLog() {
    }

    /** No library log line reaches the terminal (the root logger off, its console handler removed). */
    static synchronized void quiet() {
        if (users > 0) {
            return; // a verbose command is running (verify runs its targets as commands of its own)
        }
        for (Handler h : ROOT.getHandlers()) {
            ROOT.removeHandler(h);
        }
        ROOT.setLevel(Level.OFF);
    }

    /**
     * Shows library log lines of level INFO and above on {@code err} until the handle is closed. Nested
     * calls (verify's targets) share the first caller's stream: each line is printed once.
     */
    static synchronized AutoCloseable verbose(PrintWriter err) {
        if (users++ == 0) {
            handler = new Handler() {
                @Override
                public void publish(LogRecord r) {
                    if (!isLoggable(r)) {
                        return;
                    }
                    String name = r.getLoggerName() == null ? "" : r.getLoggerName();
                    String message = r.getMessage() == null ? "" : new java.util.logging.SimpleFormatter().formatMessage(r);
                    if (r.getThrown() != null) {
                        message += " (" + r.getThrown() + ")";
                    }
                    synchronized (err) {
                        err.println(PREFIX.get() + "mcugen: [log] " + r.getLevel() + " " + name.substring(name.lastIndexOf('.') + 1)
                                + ": " + ExitCodes.oneLine(message));
                        err.flush();
                    }
                }

                @Override
                public void flush() {
                    err.flush();
                }

                @Override
                public void close() {
                    // the stream belongs to the command
                }
            };
            handler.setLevel(Level.INFO);
            ROOT.addHandler(handler);
            ROOT.setLevel(Level.INFO);
        }
        boolean[] closed = new boolean[1];
        return () -> {
            synchronized (RunnerLog.class) {
                if (!closed[0]) {
                    closed[0] = true;
                    if (--users == 0) {
                        ROOT.removeHandler(handler);
                        handler = null;
                        ROOT.setLevel(Level.OFF);
                    }
                }
            }
        };
    }
}
