package dev.mcugen.qemu;

/** A build or tool failure (not a failure of the program under test, which is a {@link RunResult}). */
public final class RunnerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RunnerException(String message) {
        super(message);
    }

    public RunnerException(String message, Throwable cause) {
        super(message, cause);
    }
}
