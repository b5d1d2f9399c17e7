package dev.mcugen.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code mcugen} command: turns trained networks into float-free C for microcontrollers. */
@Command(name = "mcugen",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Compiles trained neural networks into float-free C for microcontrollers.",
        subcommands = {BuildCommand.class, VerifyCommand.class, InspectCommand.class, SimulateCommand.class, ConvertCommand.class,
                AnalyzeCommand.class},
        footer = {"", "Exit codes: 0 ok, 1 internal error, 2 bad usage, 3 model or data rejected, 4 verification mismatch,"
                + " 5 environment (a missing tool such as QEMU, no disk space, not enough memory)."})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        // SIGINT/SIGTERM: kill child processes (QEMU, gcc) and remove temporary folders.
        ExitCleanup.install();
        int code;
        try {
            code = run(args);
        } finally {
            ExitCleanup.done();
        }
        System.exit(code);
    }

    /** Runs the command line on the process's streams and returns the exit code. */
    public static int run(String... args) {
        return run(new java.io.PrintWriter(System.out, true), new java.io.PrintWriter(System.err, true), args);
    }

    /** Runs the command line on the given streams and returns the exit code (tests call this). */
    public static int run(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setOut(out);
        cl.setErr(err);
        ExitCodes.install(cl);
        // Library log lines (the container runner's Testcontainers) only with verify --verbose.
        RunnerLog.quiet();
        return execute(cl, err, args);
    }

    /** Executes a command line whose handlers {@link ExitCodes#install} set, errors on {@code err}. */
    static int execute(CommandLine cl, java.io.PrintWriter err, String... args) {
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError e) {
            // picocli hands only Exceptions to the execution handler: an exhausted heap ends here.
            err.println(ExitCodes.outOfMemoryLine());
            err.flush();
            return ExitCodes.ENVIRONMENT;
        }
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required (inspect, simulate, build, verify)");
    }

    /** The version from the jar manifest, or "dev" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"mcugen " + (v == null ? "dev" : v)};
        }
    }
}
