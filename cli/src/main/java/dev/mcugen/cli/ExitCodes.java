package dev.mcugen.cli;

import dev.mcugen.ir.Diag;
import dev.mcugen.ir.Names;
import dev.mcugen.ir.McugenException;
import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * The one place where failures become exit codes and one-line messages (DESIGN §1):
 * 0 ok, 1 internal error, 2 bad usage, 3 model or data rejected, 4 verification mismatch.
 */
final class ExitCodes {
    static final int OK = 0;
    static final int INTERNAL = 1;
    static final int USAGE = 2;
    static final int REJECTED = 3;
    static final int MISMATCH = 4;
    /** Stopped by SIGINT/SIGTERM (the shell's 128 + SIGINT; the JVM exits with 128 + the signal anyway). */
    static final int INTERRUPTED = 130;

    private ExitCodes() {
    }

    static int of(Diag.Kind kind) {
        return switch (kind) {
            case REJECTED -> REJECTED;
            case USAGE -> USAGE;
            case INTERNAL -> INTERNAL;
            case MISMATCH -> MISMATCH;
        };
    }

    static void install(CommandLine cl) {
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine cmd = ex.getCommandLine();
            PrintWriter err = cmd.getErr();
            err.println("mcugen: " + oneLine(ex.getMessage()) + " (try '" + cmd.getCommandSpec().qualifiedName() + " --help')");
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
            } else if (ex instanceof McugenException m) {
                // Misuse found after parsing (incompatible options...) gets the same --help hint.
                String hint = m.diag().kind() == Diag.Kind.USAGE
                        ? " (try '" + cmd.getCommandSpec().qualifiedName() + " --help')" : "";
                err.println("mcugen: " + oneLine(m.getMessage()) + hint);
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

    private static String oneLine(String s) {
        // messages quote names from model files: no control or bidirectional character reaches the terminal
        return s == null ? "" : Names.terminal(s.replaceAll("\\s*\\R\\s*", " ").strip(), Integer.MAX_VALUE);
    }
}
