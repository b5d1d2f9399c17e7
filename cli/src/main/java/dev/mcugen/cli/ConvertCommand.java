package dev.mcugen.cli;

import dev.mcugen.compiler.CompilePipeline;
import dev.mcugen.ir.Diag;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.ImportedModel;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.ModelLoader;
import dev.mcugen.ir.Text;
import dev.mcugen.ir.json.GraphJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code mcugen convert MODEL --out graph.json}: the imported model as mcugen graph JSON. */
@Command(name = "convert", mixinStandardHelpOptions = true,
        description = {"Write the model as mcugen imports it (any format it reads) as mcugen graph JSON:",
                "the IR's ops, shapes and float32 weights, channels last, for diffs, reviews and hand edits.",
                "Every command takes the JSON back and computes the same as with the original file."})
final class ConvertCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    ModelArgument modelArg;

    @Option(names = "--out", required = true, paramLabel = "OUT.json", description = "the graph JSON to write")
    Path out;

    @Option(names = "--weights", paramLabel = "ENCODING", defaultValue = "numbers",
            description = "numbers (JSON numbers, exact and diffable; default), base64 (about half the size) or"
                    + " external (raw float32 in OUT.weights.bin beside the JSON, for large models)")
    String weights;

    @Override
    public Integer call() {
        GraphJson.WeightEncoding encoding = switch (weights.toLowerCase(Locale.ROOT)) {
            case "numbers" -> GraphJson.WeightEncoding.NUMBERS;
            case "base64" -> GraphJson.WeightEncoding.BASE64;
            case "external" -> GraphJson.WeightEncoding.EXTERNAL;
            default -> throw new McugenException(Diag.MCG_CLI_USAGE, "--weights", "'" + Text.clip(weights, 40)
                    + "' is not an encoding; use numbers, base64 or external");
        };
        Path file = ModelLoader.resolve(modelArg.model);
        refuseOverwritingTheModel(file);
        ImportedModel model = CompilePipeline.load(file);
        Graph g = model.graph();
        // Written to a temporary sibling and moved into place: an interrupted run leaves OUT as it was.
        GraphJson.write(g, model.sourceLayout(), out, encoding);
        PrintWriter w = spec.commandLine().getOut();
        w.printf("%s (%s): %d layers, %d parameters -> %s%n", Text.clip(g.name(), 80), model.format().label(),
                g.nodes().size(), g.parameterCount(), out);
        w.flush();
        return ExitCodes.OK;
    }

    private void refuseOverwritingTheModel(Path file) {
        try {
            if (Files.exists(out) && Files.isSameFile(out, file)) {
                throw new McugenException(Diag.MCG_CLI_USAGE, "--out", out + " is the model file itself; give another file");
            }
        } catch (IOException e) {
            throw new McugenException(Diag.MCG_IO_FAILED, out.toString(), "cannot be checked: " + e.getMessage(), e);
        }
    }
}
