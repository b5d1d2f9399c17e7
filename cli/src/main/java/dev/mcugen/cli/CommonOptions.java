package dev.mcugen.cli;

import picocli.CommandLine.Option;

/** Options every command takes. */
final class CommonOptions {
    @Option(names = "--stacktrace", description = "Print the stack trace of a failure (for bug reports).")
    boolean stacktrace;

    @Option(names = "--no-progress", description = "Never draw progress bars (they are drawn only on a terminal anyway).")
    boolean noProgress;
}
