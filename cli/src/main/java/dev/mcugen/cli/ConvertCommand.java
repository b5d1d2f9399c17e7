package dev.mcugen.cli;

import dev.mcugen.compiler.CompilePipeline;
import dev.mcugen.ir.Diag;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.ImportedModel;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.ModelLoader;
import dev.mcugen.ir.Text;
import dev.mcugen.ir.json.GraphJson;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

    @Option(names = "--force", description = "replace an --out file that mcugen did not write (never the model or a file of its folder)")
    boolean force;

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
        // The JSON and, for external weights, OUT.weights.bin: neither may replace the model, a file of
        // its folder or a file mcugen did not write (without --force); checked before the import.
        List<Path> outs = new ArrayList<>(List.of(out));
        if (encoding == GraphJson.WeightEncoding.EXTERNAL) {
            // Moved into place first: a reader never sees a JSON whose weights are not there yet.
            outs.add(0, out.toAbsolutePath().resolveSibling(GraphJson.externalWeightsName(out.toAbsolutePath())));
        }
        if (CompilePipeline.loadQuantized(file).isPresent()) {
            throw new McugenException(Diag.MCG_CLI_USAGE, file.toString(), "is a quantized .tflite: graph JSON holds a float"
                    + " model (float32 weights) and has no form for the file's integers, scales and TFLite integer"
                    + " semantics; 'mcugen inspect' lists its parameters per layer, and the float .tflite it was converted"
                    + " from converts");
        }
        PrintWriter w = spec.commandLine().getOut();
        ImportedModel model;
        try (OutputFiles files = OutputFiles.open(outs, List.of(file), file, force)) {
            model = CompilePipeline.load(file);
            // Written in a temporary folder beside OUT and moved into place: an interrupted run leaves OUT as it was.
            GraphJson.write(model.graph(), model.sourceLayout(), files.staging(out), encoding);
            files.commit(w);
        }
        Graph g = model.graph();
        w.printf("%s (%s): %d layers, %d parameters -> %s%n", Text.clip(g.name(), 80), model.format().label(),
                g.nodes().size(), g.parameterCount(), out);
        w.flush();
        return ExitCodes.OK;
    }
}
