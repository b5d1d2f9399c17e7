package dev.mcugen.cli;

import dev.mcugen.ir.Diag;
import dev.mcugen.ir.Names;
import dev.mcugen.ir.McugenException;
import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * The one place where failures become exit codes and one-line messages (DESIGN §1):
 * 0 ok, 1 internal error, 2 bad usage, 3 model or data rejected, 4 verification mismatch, 5 this
 * machine lacks what the command needs (a tool, disk space, memory), 6 bit-exact but below an accuracy
 * threshold the user set (a CI job can tell "the quantized model got worse" from "mcugen is broken").
 */
final class ExitCodes {
    static final int OK = 0;
    static final int INTERNAL = 1;
    static final int USAGE = 2;
    static final int REJECTED = 3;
    static final int MISMATCH = 4;
    /** Stopped by SIGINT/SIGTERM (the shell's 128 + SIGINT; the JVM exits with 128 + the signal anyway). */
    static final int INTERRUPTED = 130;
    static final int ENVIRONMENT = 5;
    static final int ACCURACY = 6;

    private ExitCodes() {
    }

    static int of(Diag.Kind kind) {
        return switch (kind) {
            case REJECTED -> REJECTED;
            case USAGE -> USAGE;
            case INTERNAL -> INTERNAL;
            case MISMATCH -> MISMATCH;
            case ENVIRONMENT -> ENVIRONMENT;
            case ACCURACY -> ACCURACY;
        };
    }

    static void install(CommandLine cl) {
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine cmd = ex.getCommandLine();
            PrintWriter err = cmd.getErr();
            // picocli's own message gets the key every other error carries, so scripts can match it too.
            err.println("mcugen: " + oneLine(ex.getMessage()) + " [" + Diag.MCG_CLI_USAGE + "] (try '"
                    + cmd.getCommandSpec().qualifiedName() + " --help')");
            err.flush();
            return USAGE;
        });
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            PrintWriter err = cmd.getErr();
            boolean trace = false;
            for (CommandLine.ParseResult pr = parsed; pr != null; pr = pr.subcommand()) {
                trace |= pr.hasMatchedOption("--stacktrace");
            }
            int code;
            if (ExitCleanup.exiting()) {
                // SIGINT/SIGTERM: whatever failed failed because its child was killed; say what happened.
                err.println("mcugen: interrupted; child processes stopped and temporary files removed");
                code = INTERRUPTED;
            } else if (outOfMemory(ex) != null) {
                err.println(outOfMemoryLine());
                code = ENVIRONMENT;
            } else if (ex instanceof McugenException m) {
                // Misuse found after parsing (incompatible options...) gets the same --help hint.
                String hint = m.diag().kind() == Diag.Kind.USAGE
                        ? " (try '" + cmd.getCommandSpec().qualifiedName() + " --help')" : "";
                // Clipped before the key, so a long quoted header never cuts the key off.
                err.println("mcugen: " + oneLine(m.subject() + ": " + m.detail()) + " [" + m.diag() + "]" + hint);
                code = of(m.diag().kind());
            } else {
                err.println("mcugen: internal error: " + oneLine(String.valueOf(ex)) + " [" + Diag.MCG_INTERNAL
                        + "] (please report it; rerun with --stacktrace for details)");
                code = INTERNAL;
            }
            if (trace) {
                ex.printStackTrace(err);
            }
            err.flush();
            return code;
        });
    }

    /**
     * One printable line of at most {@link #MAX_LINE} characters: messages quote file contents (npy
     * headers, names), which must neither forge terminal output with control bytes nor flood it.
     */
    static String oneLine(String s) {
        return s == null ? "" : Names.terminal(s.replaceAll("\\s*\\R\\s*", " ").strip(), MAX_LINE);
    }

    /** The longest error line printed; the key at its end is kept whatever comes before it. */
    static final int MAX_LINE = 1000;

    /** The OutOfMemoryError in {@code t}'s cause chain, or null. */
    static OutOfMemoryError outOfMemory(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof OutOfMemoryError o) {
                return o;
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return null;
    }

    /** The one line for an exhausted heap: no trace (it would be that of whichever allocation failed last). */
    static String outOfMemoryLine() {
        long mb = Runtime.getRuntime().maxMemory() >> 20;
        return "mcugen: memory: the command needed more than the " + mb + " MB Java heap; give it more with"
                + " MCUGEN_JAVA_OPTS=-Xmx<size> (e.g. -Xmx4g), or use smaller data [" + Diag.MCG_ENV_OUT_OF_MEMORY + "]";
    }
}
