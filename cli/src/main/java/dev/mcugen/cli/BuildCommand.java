package dev.mcugen.cli;

import dev.mcugen.ir.ImportedModel;
import dev.mcugen.compiler.CompilePipeline;
import dev.mcugen.gen.CGenerator;
import dev.mcugen.gen.GenOptions;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcugen.ir.Diag;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.ModelNames;
import dev.mcugen.ir.Names;
import dev.mcugen.ir.Text;
import dev.mcugen.ir.ModelLoader;
import dev.mcugen.ir.interp.Batch;
import dev.mcugen.scale.ContractReport;
import dev.mcugen.scale.QuantizedModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mcugen build MODEL --target T}: calibrate, solve the contract system, fix every integer
 * parameter, generate the C (refusing, before anything is written, what the runtime cannot run or
 * the board cannot hold) and write it with {@code report.json}.
 */
@Command(name = "build", mixinStandardHelpOptions = true,
        description = {"Calibrate and quantize a model for a target and generate its integer-only C.",
                "Writes into --out: <name>.h/.c, the runtime sources it calls, CMakeLists.txt and <name>.mk fragments,",
                "report.json (every contract, every tensor's bits/scale/zero point, overflow bounds) and report.html",
                "(the same, with the graph, errors vs float and memory as a self-contained page).",
                "Refuses (exit 3, nothing written) a model too big for the board (--board,",
                "--flash/--ram, else the target's QEMU board); --board list prints the boards.",
                "With --target java: <package path>/<Class>.java (the Java twin) instead of the C files."})
final class BuildCommand implements Callable<Integer> {
    /** How many calibration samples report.html compares float and fixed point on. */
    static final int REPORT_SAMPLES = 32;

    /** Test hook: rewrites the verdict before it is written (a failed check without a model that fails it). */
    static volatile java.util.function.UnaryOperator<Verdict> verdictHook = java.util.function.UnaryOperator.identity();

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    ModelArgument modelArg;

    @Mixin
    IoFormatOptions ioFormats;

    @Mixin
    QuantizationOptions quant;

    @Mixin
    JavaTwin.Options javaTwin;

    @Mixin
    BoardOptions boardOptions;

    @Option(names = "--out", paramLabel = "DIR", description = "output folder (default: mcugen-out/<name>)")
    Path out;

    @Option(names = "--name", paramLabel = "ID", description = "C identifier prefix of the generated code (default: the model's name, or the file's or"
            + " folder's name when the model has a framework's default name such as sequential_1)")
    String name;

    @Option(names = "--force", description = "replace --out even if it holds files mcugen did not write (or that changed):"
            + " they are moved to a backup folder beside it, never deleted")
    boolean force;

    /**
     * The C prefix: {@code --name} as typed when it is a usable identifier (refused otherwise: the
     * user calls these names, so they are not silently changed), else the model's name mangled by
     * {@link Names#cIdentifier} (a hostile file cannot inject through it); a framework's default
     * model name ({@code sequential_1}, {@code main_graph}...) gives way to the file's or folder's
     * name ({@link ModelNames}).
     */
    static String cId(String name, Graph g, Path file) {
        if (name == null) {
            return ModelNames.choose(g.name(), file).id();
        }
        String why = Names.checkCIdentifier(name);
        if (why != null) {
            throw new McugenException(Diag.MCG_CLI_USAGE, "--name", "'" + Text.clip(name, 60) + "' " + why);
        }
        return name;
    }

    /** The files a report's provenance lists, by role (the model with its weight files first). */
    static java.util.Map<String, List<Path>> provenanceFiles(Path model, List<Path> calibration, List<Path> data) {
        java.util.Map<String, List<Path>> files = new java.util.LinkedHashMap<>();
        files.put("model", Provenance.modelFiles(model));
        files.put("calibration", calibration);
        files.put("data", data);
        return files;
    }

    @Override
    public Integer call() {
        ioFormats.validate();
        if (boardOptions.listed(spec.commandLine().getOut(), modelArg.model == null ? List.of("MODEL") : List.of())) {
            return ExitCodes.OK;
        }
        quant.target(); // one target: refused before anything is read
        // Before the model is read: an unknown board or a target its core cannot run is a usage error.
        java.util.Optional<dev.mcugen.compiler.TargetBoard> board = boardOptions.apply(quant);
        javaTwin.check(quant.target());
        Path file = ModelLoader.resolve(modelArg.model);
        java.util.Optional<dev.mcugen.ir.quant.QGraph> inFile = CompilePipeline.loadQuantized(file);
        if (inFile.isPresent()) {
            // quantized in its file (an int8 .tflite): its own integers, nothing to calibrate
            quant.refuseWeightBits(file);
            return QuantizedTflite.build(this, file, inFile.get(), QuantizedTflite.cId(name, inFile.get(), file), board);
        }
        ImportedModel model = CompilePipeline.load(file);
        Graph g = model.graph();
        String id = BuildCommand.cId(name, g, file);
        PrintWriter w = spec.commandLine().getOut();
        if (name == null) {
            w.printf("C name: %s%n", ModelNames.choose(g.name(), file).describe(g.name()));
        }
        dev.mcugen.compiler.CompilePipeline.Quantized quantized = Quantize.run(model, file, quant, common, w);
        QuantizedModel qm = quantized.model();
        // Generated before anything is written: a model the C cannot run, or one too big for the
        // board, is refused (exit 3) and leaves no folder behind.
        GenOptions gen = CompilePipeline.withRangeMethod(CompilePipeline.genOptions(id, model, file, qm.options()),
                quant.calibrationMethod);
        if (board.isPresent()) {
            gen = CompilePipeline.withBoard(gen, board.get());
        }
        gen = ioFormats.apply(gen); // last: the steps above rebuild the options without the formats
        CGenerator.Output generated = CompilePipeline.generate(qm, gen);
        // --target java: the Java twin instead of the C files (from the same lowering: refused alike).
        dev.mcugen.gen.twin.JavaTwinGenerator.Output twin = qm.options().target() != dev.mcugen.scale.QuantOptions.Target.JAVA
                ? null : dev.mcugen.gen.twin.JavaTwinGenerator.generate(qm.graph(), generated.view(), javaTwin.packageName(),
                gen.banner());
        Path target = out != null ? out : Path.of("mcugen-out", id);
        List<Path> inputs = new java.util.ArrayList<>(List.of(file));
        inputs.addAll(quant.calibrationFiles(file, g));
        Verdict verdict = verdictHook.apply(Verdict.quantization(qm, gen, generated.view().footprint(), false));
        try (OutputDir dir = OutputDir.open(target, inputs, force, w)) {
            ObjectNode root = ContractReport.mapper().createObjectNode();
            root.put("model", g.name());
            root.put("name", id);
            root.put("target", quant.target().cliName());
            if (board.isPresent()) {
                board.get().into(root.putObject("board"));
            } else {
                root.putNull("board");
            }
            verdict.into(root.putObject("verdict"));
            root.set("provenance", Provenance.json(spec.commandLine().getParseResult().originalArgs(),
                    provenanceFiles(file, quant.calibrationFiles(file, g), List.of())));
            root.set(ReportHtml.MODEL_MEMORY, ModelMemory.json(generated.view().footprint(), null, null, quant.target().cliName(), false));
            qm.report().into(root);
            boolean narrowed = !qm.options().weightBits().equals(dev.mcugen.scale.QuantOptions.WeightBits.INT8);
            if (narrowed) {
                root.set("weight_flash", WeightFlash.json(qm.graph(), generated.view().footprint()));
            }
            root.set("calibration", Quantize.json(quantized.calibration()));
            try {
                Files.writeString(dir.dir().resolve("report.json"),
                        ContractReport.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n");
            } catch (IOException e) {
                throw dev.mcugen.ir.IoFailure.writing(target.resolve("report.json").toString(), "cannot write", e);
            }
            // report.html: the same data, with errors vs float on the first calibration samples.
            Batch cal = common.readData(model, quant.calibrationFiles(file, g));
            String html = ReportHtml.render("build", root, g, qm, generated.view(), cal, REPORT_SAMPLES);
            try {
                Files.writeString(dir.dir().resolve(ReportHtml.FILE), html);
            } catch (IOException e) {
                throw dev.mcugen.ir.IoFailure.writing(target.resolve(ReportHtml.FILE).toString(), "cannot write", e);
            }
            // Rendered straight into the files: a large model's C is more text than the heap should hold.
            if (twin != null) {
                JavaTwin.write(dir.dir(), twin);
            } else {
                generated.write(dir.dir());
            }
            dir.commit();
        }
        long violated = qm.solution().results().stream()
                .filter(r -> r.status() == dev.mcugen.scale.ContractResult.Status.VIOLATED).count();
        long unsafe = qm.bounds().stream().filter(b -> !b.safe()).count();
        w.printf("%s: %d tensors, %d contracts (%d violated), %d accumulators (%d could overflow) -> %s%n", id,
                qm.solution().types().size(), qm.solution().results().size(), violated, qm.bounds().size(), unsafe,
                target.resolve("report.json") + " + report.html + " + (twin != null ? twin.path() : id + ".c/.h"));
        if (!qm.options().weightBits().equals(dev.mcugen.scale.QuantOptions.WeightBits.INT8)) {
            WeightFlash.print(w, qm.graph(), generated.view().footprint());
        }
        w.println("verdict: " + Names.terminal(verdict.line(), 400));
        w.flush();
        return ExitCodes.OK;
    }
}
