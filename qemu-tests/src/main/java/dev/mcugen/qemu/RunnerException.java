package dev.mcugen.qemu;

/**
 * A build or tool failure (not a failure of the program under test, which is a {@link RunResult}).
 * {@link #environment()} tells a machine that lacks what the run needs (a tool not installed, no
 * usable container engine when one is required, a full disk) from a run that went wrong: the CLI
 * reports the first as the user's environment, not as a bug.
 */
public final class RunnerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final boolean environment;

    public RunnerException(String message) {
        this(message, null, false);
    }

    public RunnerException(String message, Throwable cause) {
        this(message, cause, false);
    }

    private RunnerException(String message, Throwable cause, boolean environment) {
        super(message, cause);
        this.environment = environment;
    }

    /** A failure caused by this machine's setup: a missing tool or container engine, no disk space. */
    public static RunnerException environment(String message, Throwable cause) {
        return new RunnerException(message, cause, true);
    }

    /** Whether this machine's setup, not the run, is at fault. */
    public boolean environment() {
        return environment;
    }
}
