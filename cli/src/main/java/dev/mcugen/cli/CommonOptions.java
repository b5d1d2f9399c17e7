package dev.mcugen.cli;

import dev.mcugen.ir.ImportedModel;
import dev.mcugen.ir.data.InputData;
import dev.mcugen.ir.interp.Batch;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Options every command takes, and what every command does alike with them. */
final class CommonOptions {
    @Option(names = "--stacktrace", description = "Print the stack trace of a failure (for bug reports).")
    boolean stacktrace;

    @Option(names = "--no-progress", description = "Never draw progress bars (they are drawn only on a terminal anyway).")
    boolean noProgress;

    /** The command this mixin belongs to: its error stream carries the notes. */
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /**
     * The notes already printed: {@code build} reads its calibration data twice (quantizing, then
     * report.html) and {@code verify} may be given the same file for --data and --calibration, yet a
     * user needs to hear about a converted file only once.
     */
    private final Set<String> noted = new HashSet<>();

    /**
     * Reads data files for the model ({@link InputData#read(ImportedModel, List, java.util.function.Consumer)}),
     * saying once per file on stderr when one was float64 and was converted to float32.
     */
    Batch readData(ImportedModel model, List<Path> files) {
        return InputData.read(model, files, note -> {
            if (noted.add(note)) {
                PrintWriter err = command.commandLine().getErr();
                err.println("mcugen: note: " + note);
                err.flush();
            }
        });
    }
}
