package dev.mcugen.cli;

import dev.mcugen.ir.ImportedModel;
import dev.mcugen.compiler.CompilePipeline;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcugen.gen.CGenerator;
import dev.mcugen.gen.GenOptions;
import dev.mcugen.gen.View;
import dev.mcugen.ir.Diag;
import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.ModelLoader;
import dev.mcugen.ir.interp.Batch;
import dev.mcugen.ir.interp.FloatInterpreter;
import dev.mcugen.ir.metrics.ErrorMetrics;
import dev.mcugen.ir.quant.IntObserver;
import dev.mcugen.ir.quant.QuantType;
import dev.mcugen.ir.sim.FixedPointSimulator;
import dev.mcugen.qemu.BoardSupport;
import dev.mcugen.qemu.LocalQemuRunner;
import dev.mcugen.qemu.ModelPipeline;
import dev.mcugen.qemu.RunResult;
import dev.mcugen.qemu.Target;
import dev.mcugen.qemu.TargetRunner;
import dev.mcugen.qemu.RunnerException;
import dev.mcugen.qemu.TargetRunners;
import dev.mcugen.scale.ContractReport;
import dev.mcugen.scale.QuantOptions;
import dev.mcugen.scale.QuantizedModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mcugen verify MODEL --target T --data X.npy}: quantize and generate C as {@code build} does,
 * compile it with a harness that embeds the first samples of X as quantized constants, run it on the
 * target (local QEMU), and require every output integer to equal the Java fixed-point simulator's
 * (DESIGN §8). Also compares with the float model and records instructions, flash, RAM and stack.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Build C for a target, run it under QEMU on data and check it bit for bit against the simulator.",
                "Writes into --out: the C sources, harness/main.c, report.json and report.html. Models with _step are also streamed and compared.",
                "A program too big for the target's QEMU board (e.g. for a --board with more memory) runs on a bigger",
                "QEMU board whose core executes its instructions; verify says so.",
                "Several targets (--target A,B or repeated) run --jobs at a time, each into --out/<target>, with a summary"
                        + " table; the exit status is the most severe of theirs.",
                "With --target java: the Java twin instead, compiled in memory and run in this JVM (no QEMU).",
                "Exit status 4 when the target and the simulator disagree on any output integer,"
                        + " 6 when it is bit-exact but below --min-top1 or --min-sqnr against float."})
final class VerifyCommand implements Callable<Integer> {
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(2);

    /** Test hook: rewrites the simulator's expected outputs (per sample) before the comparison. */
    static volatile UnaryOperator<List<int[]>> expectedHook = UnaryOperator.identity();

    /** Test hook: rewrites the float/double places found in the generated C ({@code file:line}). */
    static volatile UnaryOperator<List<String>> floatTokensHook = UnaryOperator.identity();

    /**
     * Set while this thread runs one target of several ({@link VerifyTargets}): its --junit file is a
     * temporary one the combined report is made from, not named to the user.
     */
    static final ThreadLocal<Boolean> ONE_OF_SEVERAL = ThreadLocal.withInitial(() -> false);

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

    @Option(names = "--data", required = true, paramLabel = "DATA",
            description = "float32 (or float64, converted) .npy [N, ...input shape]; its first --samples samples run on the"
                    + " target;"
                    + " repeat once per model input, in input order")
    List<Path> data;

    @Option(names = "--samples", paramLabel = "N", defaultValue = "20",
            description = "how many samples to embed in the harness (default: ${DEFAULT-VALUE}; they must fit the emulated"
                    + " board's flash with the model)")
    int samples;

    @Option(names = "--out", paramLabel = "DIR", description = "output folder (default: mcugen-out/<name>-verify-<target>); with several"
            + " targets a subfolder per target (default: mcugen-out/<name>-verify/<target>)")
    Path out;

    @Option(names = "--name", paramLabel = "ID", description = "C identifier prefix of the generated code (default: the model's name, or the file's or"
            + " folder's name when the model has a framework's default name such as sequential_1)")
    String name;

    @Option(names = "--junit", paramLabel = "FILE", description = "also write a JUnit XML report for CI: a test case"
            + " per sample (bit-exact), streaming, float-free and each accuracy threshold")
    Path junit;

    @Option(names = "--min-top1", paramLabel = "PCT", description = "fail (exit 6) when the top-1 agreement with the float"
            + " model is below PCT percent on any output")
    Double minTop1;

    @Option(names = "--min-sqnr", paramLabel = "DB", description = "fail (exit 6) when the SQNR against the float model is"
            + " below DB decibels on any output")
    Double minSqnr;

    @Option(names = "--float-model", paramLabel = "FILE", description = "for a quantized .tflite: the float model to"
            + " measure it against (e.g. the float .tflite it was converted from; same inputs and outputs, in order):"
            + " accuracy in the reports, --min-top1 and --min-sqnr (default: the file itself, its weights dequantized)")
    Path floatModel;

    /** With --requantize: the file's own integer graph, reported beside mcugen's quantization of it. */
    java.util.Optional<dev.mcugen.ir.quant.QGraph> requantizedFile = java.util.Optional.empty();

    @Option(names = "--requantize", description = "for a quantized .tflite: instead of its own integers, quantize its"
            + " weights dequantized with mcugen's recipe (calibrated on --calibration, with the quantization options), and"
            + " report both against that float model")
    boolean requantize;

    @Option(names = "--force", description = "replace --out even if it holds files mcugen did not write (or that changed):"
            + " they are moved to a backup folder beside it, never deleted")
    boolean force;

    @Option(names = "--jobs", paramLabel = "N", description = "with several targets: how many run at once (default: the"
            + " number of processors, at most the number of targets)")
    Integer jobs;

    @Option(names = "--verbose", description = "also print how the target runs (which runner and why) and the log lines of"
            + " the container runner's libraries (Testcontainers, docker-java)")
    boolean verbose;

    @Override
    public Integer call() {
        if (jobs != null && jobs < 1) {
            throw new McugenException(Diag.MCG_CLI_USAGE, "--jobs", "must be at least 1, got " + jobs);
        }
        VerifyTargets.checkDistinct(quant.targets);
        AutoCloseable log = verbose ? RunnerLog.verbose(spec.commandLine().getErr()) : null;
        try {
            return verify();
        } finally {
            if (log != null) {
                try {
                    log.close();
                } catch (Exception ignored) {
                    // restoring the log level cannot fail
                }
            }
        }
    }

    private int verify() {
        long started = System.nanoTime();
        List<String> missing = new ArrayList<>();
        if (modelArg.model == null) {
            missing.add("MODEL");
        }
        if (data == null) {
            missing.add("--data");
        }
        if (boardOptions.listed(spec.commandLine().getOut(), missing)) {
            return ExitCodes.OK;
        }
        if (quant.targets.size() > 1 && boardOptions.board != null) {
            throw new McugenException(Diag.MCG_CLI_USAGE, "--board", "is one microcontroller, with one core: give it one"
                    + " --target or none, not " + quant.targets.stream().map(QuantOptions.Target::cliName).toList());
        }
        // Before the model is read: an unknown board or a target its core cannot run is a usage error. With
        // several targets each target's verify resolves --flash / --ram for itself.
        java.util.Optional<dev.mcugen.compiler.TargetBoard> board = quant.targets.size() > 1 ? java.util.Optional.empty()
                : boardOptions.apply(quant);
        if (samples < 1) {
            throw new McugenException(Diag.MCG_CLI_USAGE, "--samples", "must be at least 1, got " + samples);
        }
        // NaN compares false both ways: written so that it fails these checks too.
        if (minTop1 != null && !(minTop1 >= 0 && minTop1 <= 100)) {
            throw new McugenException(Diag.MCG_CLI_USAGE, "--min-top1", "is a percentage from 0 to 100, got " + minTop1);
        }
        if (minSqnr != null && !(minSqnr >= 0 && Double.isFinite(minSqnr))) {
            throw new McugenException(Diag.MCG_CLI_USAGE, "--min-sqnr", "is a finite number of decibels, 0 or more, got "
                    + minSqnr);
        }
        ioFormats.validate();
        // --java-package is for the Java twin: among several targets, for its run alone (VerifyTargets).
        javaTwin.check(quant.targets.contains(QuantOptions.Target.JAVA) ? QuantOptions.Target.JAVA : quant.targets.get(0));
        Path file = ModelLoader.resolve(modelArg.model);
        java.util.Optional<dev.mcugen.ir.quant.QGraph> inFile = CompilePipeline.loadQuantized(file);
        if (requantize && inFile.isEmpty()) {
            throw new McugenException(Diag.MCG_CLI_USAGE, "--requantize", "is for a quantized .tflite; " + file
                    + " is a float model, which verify quantizes anyway");
        }
        if (requantize && floatModel != null) {
            throw new McugenException(Diag.MCG_CLI_USAGE, "--float-model", "does not apply with --requantize: the float"
                    + " model mcugen quantizes and compares with is the file itself dequantized");
        }
        if (inFile.isPresent() && !requantize) {
            quant.refuseWeightBits(file);
            // Quantized in its file (an int8 .tflite): its own integers, nothing to calibrate. The data and
            // --samples are refused here, once, before any target runs.
            dev.mcugen.ir.quant.QGraph qg = inFile.get();
            if (quant.calibration != null) {
                throw new McugenException(Diag.MCG_CLI_USAGE, "--calibration", file + " is a quantized .tflite: it keeps"
                        + " its own scales, nothing to calibrate (--requantize calibrates mcugen's own quantization of it)");
            }
            String qid = QuantizedTflite.cId(name, qg, file);
            if (quant.targets.size() > 1) {
                QuantizedTflite.Samples d = QuantizedTflite.read(qg, data);
                if (samples > d.samples().size() && spec.commandLine().getParseResult().hasMatchedOption("--samples")) {
                    throw new McugenException(Diag.MCG_CLI_USAGE, "--samples", samples + " asked but the data holds "
                            + d.samples().size() + " sample(s)");
                }
                if (floatModel != null) {
                    FloatReference.load(floatModel, file, qg);
                }
                List<Path> inputs = new ArrayList<>(List.of(file));
                if (floatModel != null) {
                    inputs.add(floatModel);
                }
                inputs.addAll(data);
                return VerifyTargets.run(this, qid, inputs, file);
            }
            return QuantizedTflite.verify(this, file, qg, qid, board);
        }
        if (floatModel != null) {
            throw new McugenException(Diag.MCG_CLI_USAGE, "--float-model", "is for a quantized .tflite; " + file
                    + " is a float model, which verify quantizes and compares with itself");
        }
        // --requantize: the quantized file's weights dequantized are the float model mcugen quantizes itself.
        ImportedModel model = requantize ? dev.mcugen.ir.tflite.TfliteDequantized.load(file) : CompilePipeline.load(file);
        java.util.Optional<dev.mcugen.ir.quant.QGraph> fileGraph = requantize ? inFile : java.util.Optional.empty();
        requantizedFile = fileGraph;
        Graph g = model.graph();
        String id = BuildCommand.cId(name, g, file);
        boolean several = quant.targets.size() > 1;
        PrintWriter w = spec.commandLine().getOut();
        if (name == null) {
            w.printf("C name: %s%n", dev.mcugen.ir.ModelNames.choose(g.name(), file).describe(g.name()));
        }
        // With several targets the data is read here only to refuse bad data or --samples once, before any
        // target runs (the notes about it are each target's to print).
        Batch in = several ? dev.mcugen.ir.data.InputData.read(model, data, note -> { }) : common.readData(model, data);
        String dataNames = String.join(", ", data.stream().map(Path::toString).toList());
        int n = samples;
        if (samples > in.size()) {
            // Never a silent clamp: a count the user asked for is refused, the default is said to shrink.
            if (spec.commandLine().getParseResult().hasMatchedOption("--samples")) {
                throw new McugenException(Diag.MCG_CLI_USAGE, "--samples", samples + " asked but " + dataNames + " holds "
                        + in.size() + " sample(s); give --samples " + in.size() + " or fewer");
            }
            n = in.size();
            if (!several) {
                w.println("mcugen: " + dataNames + " holds " + n + " sample(s), fewer than the default --samples " + samples
                        + ": verifying all " + n);
                w.flush();
            }
        }
        if (several) {
            // One verify per target, each reading the model and the data itself (VerifyTargets).
            List<Path> inputs = new ArrayList<>(List.of(file));
            inputs.addAll(quant.calibrationFiles(file, g));
            inputs.addAll(data);
            in = null; // not kept while the targets run
            return VerifyTargets.run(this, id, inputs, file);
        }
        dev.mcugen.compiler.CompilePipeline.Quantized quantized = Quantize.run(model, file, quant, common, w);
        QuantizedModel qm = quantized.model();
        QuantOptions o = qm.options();
        if (o.target() == QuantOptions.Target.JAVA) {
            // The Java twin: compiled and run in this JVM, no QEMU.
            List<Path> inputs = new ArrayList<>(List.of(file));
            inputs.addAll(quant.calibrationFiles(file, g));
            inputs.addAll(data);
            return JavaTwin.verify(this, file, g, id, quantized, CompilePipeline.withRangeMethod(
                    CompilePipeline.genOptions(id, model, file, o), quant.calibrationMethod), in, n, inputs, w);
        }
        Target target = Target.fromId(o.target().cliName());
        String opts = CompilePipeline.optionsLine(o);
        GenOptions gen = CompilePipeline.withRangeMethod(CompilePipeline.genOptions(id, model, file, o), quant.calibrationMethod);
        if (board.isPresent()) {
            gen = CompilePipeline.withBoard(gen, board.get());
        }
        gen = ioFormats.apply(gen); // last: the steps above rebuild the options without the formats
        // Refuses what the C runtime cannot run (MCG_GEN_UNSUPPORTED) or the board cannot hold
        // (MCG_GEN_TOO_BIG) before anything is written.
        CGenerator.Output generated = CompilePipeline.generate(qm, gen);
        View.Model view = generated.view();
        boolean streams = view.streaming();
        // The QEMU board the program runs on: the target's own, or a bigger one whose core runs its code.
        EmulatedBoard emulated = EmulatedBoard.choose(g.name(), target, board.orElse(null), view, n);
        emulated.notice().ifPresent(line -> {
            w.println("mcugen: " + line);
            w.flush();
        });
        // DESIGN §6 on every target: the linked image is checked for soft-float routines on Cortex-M only
        // (ModelPipeline), the C text on all of them (a failure after the run, like a differing output).
        List<String> floatTokens = floatTokensHook.apply(floatTokens(generated.files()));

        // The simulator and the float model on the same samples.
        FixedPointSimulator sim = new FixedPointSimulator(qm.graph());
        FloatInterpreter fl = new FloatInterpreter(g);
        // Per sample: every input's integers one after the other (the model's input order), every
        // output's likewise; the float outputs per output.
        List<int[]> xs = new ArrayList<>();
        List<int[]> expected = new ArrayList<>();
        List<List<float[]>> floats = new ArrayList<>();
        try (ProgressBar bar = new ProgressBar("simulating", !common.noProgress)) {
            for (int i = 0; i < n; i++) {
                Map<String, FloatTensor> s = in.sample(i);
                Map<String, int[]> q = sim.quantizeInputs(s);
                xs.add(concat(qm.graph().inputs().stream().map(x -> q.get(x.name())).toList()));
                Map<String, int[]> y = sim.run(q, IntObserver.NONE);
                expected.add(concat(qm.graph().outputs().stream().map(y::get).toList()));
                Map<String, FloatTensor> f = fl.run(s);
                floats.add(g.outputs().stream().map(name -> f.get(name).toArray()).toList());
                bar.update(i + 1, n);
            }
        }
        expected = expectedHook.apply(expected);
        List<Path> inputs = new ArrayList<>(List.of(file));
        inputs.addAll(quant.calibrationFiles(file, g));
        inputs.addAll(data);
        GenOptions genOptions = gen;
        int count = n;
        Batch batch = in;
        return runOnTarget(new Run(file, g.name(), id, target, n, started, generated, List.of(opts), xs, expected,
                emulated, inputs, floatTokens, streams, qm.graph()), (m, d, scratch) -> {
            ModelPipeline.HarnessRun hr = m.run();
            List<int[]> got = hr.outputs();
            // Accuracy vs float per output (dequantized target outputs, identical to the simulator's by now).
            List<String> outNames = qm.graph().outputs();
            List<ErrorMetrics> perOutput = perOutputMetrics(outNames, sim, floats, got, count);
            int classes = floats.get(0).stream().mapToInt(v -> v.length).sum();
            List<Threshold> thresholds = thresholds(outNames, perOutput, count);
            ObjectNode root = reportHead(g.name(), id, target, board, hr.how(), emulated, count, classes,
                    BuildCommand.provenanceFiles(file, quant.calibrationFiles(file, g), data));
            streamingJson(root, streams, hr.streamed(), view);
            metricsJson(root, outNames, perOutput, floats.get(0));
            cost(root, m, count, target, view, d, id, scratch);
            Verdict verdict = verdict(count, classes, streams, hr.streamed(), view, "no float or double in the generated C"
                    + (target.isCortexM() ? "; no soft-float routine linked into the image" : ""), thresholds)
                    .addAll(Verdict.quantization(qm, genOptions, view.footprint(), true, m.stack()));
            verdict.into(root.putObject("verdict"));
            putThresholds(root, thresholds);
            qm.report().into(root);
            root.set("calibration", Quantize.json(quantized.calibration()));
            java.io.StringWriter lines = new java.io.StringWriter();
            PrintWriter pw = new PrintWriter(lines);
            printVsFloat(pw, outNames, perOutput, count);
            if (fileGraph.isPresent()) {
                Requantized.compare(root, pw, fileGraph.get(), g, batch, floats, count);
            }
            pw.flush();
            return new Reported(root, () -> ReportHtml.render("verify", root, g, qm, view, batch, count), verdict, thresholds,
                    lines.toString());
        });
    }

    /**
     * What one verify on a C target runs, whichever the model's kind: the generated C, the harness's
     * integer inputs and the simulator's outputs per sample, and where the run's files go.
     */
    record Run(Path file, String modelName, String id, Target target, int n, long started, CGenerator.Output generated,
               List<String> banner, List<int[]> xs, List<int[]> expected, EmulatedBoard emulated, List<Path> inputs,
               List<String> floatTokens, boolean streams, dev.mcugen.ir.quant.QGraph graph) {
    }

    /** A bit-exact run's figures: instructions of sample 0 (null on host) and the stack of one inference. */
    record Measured(ModelPipeline.HarnessRun run, Long instructions, Long stack) {
    }

    /** A model's report once the target agreed with the simulator. */
    record Reported(ObjectNode root, java.util.function.Supplier<String> html, Verdict verdict, List<Threshold> thresholds,
                    String vsFloat) {
    }

    /** The model's part of the report: report.json's root (verdict included), the page, the terminal's lines. */
    interface Reporting {
        Reported report(Measured m, Path dir, Path scratch) throws IOException;
    }

    /**
     * Runs the C of {@code run} on its target and checks it bit for bit (shared by every model kind):
     * --out and --junit refused before the run when they are not mcugen's, the runner chosen, the
     * harness run, a differing output or float in the C reported (the JUnit file still written), then
     * {@code reporting}'s report.json, report.html and JUnit file, the summary lines, and exit 6 when a
     * threshold is not met or the measured stack does not fit the board.
     */
    int runOnTarget(Run run, Reporting reporting) {
        PrintWriter w = spec.commandLine().getOut();
        Target target = run.target();
        String id = run.id();
        int n = run.n();
        Path dest = out != null ? out : Path.of("mcugen-out", id + "-verify-" + target.id());
        TargetRunner runner = null;
        Path scratch;
        try {
            scratch = Files.createTempDirectory("mcugen-verify-");
        } catch (IOException e) {
            throw dev.mcugen.ir.IoFailure.writing("temporary folder", "cannot create", e);
        }
        // Ctrl-C (or a CI timeout) runs no finally block: the exit hook kills QEMU and removes these.
        TargetRunner[] running = new TargetRunner[1];
        AutoCloseable atExit = ExitCleanup.register(() -> {
            if (running[0] != null) {
                running[0].close();
            }
            deleteTree(scratch);
        });
        View.Model view = run.generated().view();
        // A JUnit file inside --out is written with the folder (listed in its marker, replaced with it next
        // time); put there afterwards it would make the folder not mcugen's for the next run.
        String junitInOut = junit == null ? null : insideOut(junit, dest, run.generated().files().keySet());
        // Checked before the run like --out: never an input, never a file mcugen did not write (without --force).
        try (OutputFiles junitFile = junit == null || junitInOut != null ? null
                : OutputFiles.open(List.of(junit), run.inputs(), run.file(), force, "--junit");
             OutputDir dir = OutputDir.open(dest, run.inputs(), force, w)) {
            Path d = dir.dir();
            // The runner's notice (e.g. why it falls back to local QEMU) goes with the normal output:
            // stderr stays the one-line error channel.
            PrintWriter note = spec.commandLine().getOut();
            // A container engine when one answers, else local QEMU; the fallback says why in one line.
            // The host target runs natively whichever runner it is: no container to start for it.
            try {
                BoardSupport boards = BoardSupport.bundled(scratch.resolve("boards"));
                // Said only with --verbose: the summary line names the runner anyway.
                runner = target == Target.HOST ? new LocalQemuRunner(boards, scratch.resolve("run"))
                        : TargetRunners.select(boards, scratch.resolve("run"), line -> {
                            if (verbose) {
                                note.println("mcugen: " + line);
                                note.flush();
                            }
                        });
            } catch (RunnerException e) {
                // MCUGEN_RUNNER=container without a usable engine is the machine's problem, not a bug.
                throw ModelPipeline.failure(target, e);
            }
            running[0] = runner;
            // Writes the C and harness/main.c, runs it and checks it bit for bit (shared with the
            // benchmark suite: ModelPipeline).
            ModelPipeline.HarnessChecks checks;
            // A bar per sample the harness prints (followed live on the Cortex-M boards).
            try (ProgressBar bar = new ProgressBar("running on " + target.id(), !common.noProgress)) {
                checks = ModelPipeline.runHarnessChecks(runner, target, run.emulated().machine(), d, run.generated(),
                        run.banner(), run.xs(), run.expected(), RUN_TIMEOUT, line -> {
                            Matcher pm = ModelPipeline.OUTPUT_LINE.matcher(line);
                            if (pm.matches()) {
                                bar.update(Integer.parseInt(pm.group(1)) + 1, n);
                            }
                        });
            }
            McugenException differs = checks.firstFailure();
            if (differs == null && !run.floatTokens().isEmpty()) {
                // Reported like linked soft-float routines: after the outputs, before anything is written.
                differs = new McugenException(Diag.MCG_VERIFY_SOFT_FLOAT, id, "the generated C uses float or double: "
                        + String.join(", ", run.floatTokens()));
            }
            if (differs != null) {
                // --out is not written when the C is wrong (it is not a result to build on); a JUnit file outside
                // it still lists every check that failed (each sample that differs), so CI shows which.
                if (junitFile != null) {
                    junitFile.write(junit, junitReport(id, target, n, run.streams(), view, checks, run.floatTokens(),
                            List.of()).render((System.nanoTime() - run.started()) / 1e9));
                    junitFile.commit(w);
                }
                throw differs;
            }
            ModelPipeline.HarnessRun hr = checks.passed();
            RunResult r = hr.run();
            Long instructions = r.instructionCounts().isEmpty() ? null : r.instructionCounts().get(0);
            // Measured by the board between the counting markers (stack painting), on every target.
            Long stack = r.stackBytes().isEmpty() ? null : r.stackBytes().get(0);
            Reported rep = reporting.report(new Measured(hr, instructions, stack), d, scratch);
            ObjectNode root = rep.root();
            Verdict verdict = rep.verdict();
            List<Threshold> thresholds = rep.thresholds();
            write(d.resolve("report.json"),
                    ContractReport.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n");
            write(d.resolve(ReportHtml.FILE), rep.html().get());
            byte[] junitXml = junit == null ? null : junitReport(id, target, n, run.streams(), view, checks,
                    run.floatTokens(), thresholds).render((System.nanoTime() - run.started()) / 1e9);
            commitWithJunit(dir, junitInOut, junitFile, junit, junitXml, w);

            List<String> outNames = run.graph().outputs();
            int classes = run.expected().get(0).length;
            w.printf("%s on %s (%s): %d sample(s) x %s bit-exact with the simulator%n", id, target.id(),
                    hr.how(), n, outNames.size() == 1 ? classes + " outputs" : outNames.size() + " outputs (" + classes
                            + " values)");
            if (run.streams()) {
                w.printf("streaming: _reset + %s x _step equals _invoke on all %d sample(s)%n",
                        view.stream().timeSteps(), hr.streamed());
            } else if (run.graph().nodes().stream().anyMatch(x -> x instanceof dev.mcugen.ir.quant.QRecurrent)) {
                w.printf("streaming: not applicable, no _step (%s)%n", view.noStepReason());
            }
            w.print(rep.vsFloat());
            w.println(costLine(r, instructions, stack));
            for (Threshold t : thresholds) {
                w.printf("%s: %s, on %d sample%s%n", t.met() ? "met" : "NOT met", t.describe(), n, n == 1 ? "" : "s");
            }
            java.util.Optional<Verdict.Check> tight = verdict.checks().stream()
                    .filter(c -> c.name().equals(Verdict.FITS_THE_BOARD) && c.status() != Verdict.Status.PASS
                            && c.status() != Verdict.Status.NOT_APPLICABLE).findFirst();
            if (tight.isPresent() && tight.get().status() == Verdict.Status.WARNING) {
                w.println("warning: " + dev.mcugen.ir.Names.terminal(tight.get().detail(), 400));
            }
            w.println("verdict: " + dev.mcugen.ir.Names.terminal(verdict.line(), 400));
            w.printf("-> %s + %s%s%n", dest.resolve("report.json"), ReportHtml.FILE,
                    junit == null || ONE_OF_SEVERAL.get() ? "" : " + " + junit);
            w.flush();
            // After every file is written: CI reads report.json and the JUnit file to see why it failed.
            if (tight.isPresent() && tight.get().status() == Verdict.Status.FAIL) {
                throw new McugenException(Diag.MCG_VERIFY_STACK, "model '" + run.modelName() + "'",
                        dev.mcugen.ir.Names.terminal(tight.get().detail(), 400));
            }
            List<Threshold> unmet = thresholds.stream().filter(t -> !t.met()).toList();
            if (!unmet.isEmpty()) {
                throw new McugenException(Diag.MCG_VERIFY_ACCURACY, run.modelName() + " on " + target.id(),
                        String.join("; ", unmet.stream().map(Threshold::describe).toList()) + " (on " + n
                                + (n == 1 ? " sample)" : " samples)"));
            }
        } catch (IOException e) {
            throw dev.mcugen.ir.IoFailure.writing(dest.toString(), "cannot write", e);
        } finally {
            if (runner != null) {
                runner.close();
            }
            deleteTree(scratch);
            try {
                atExit.close();
            } catch (Exception ignored) {
                // unregistering cannot fail
            }
        }
        return ExitCodes.OK;
    }

    /**
     * Commits --out with the JUnit XML: written into the folder first when {@code junitInOut} (its path
     * inside) is given, else beside itself through {@code junitFile} once the folder is in place.
     */
    static void commitWithJunit(OutputDir dir, String junitInOut, OutputFiles junitFile, Path junit, byte[] junitXml,
                                PrintWriter w) throws IOException {
        if (junitInOut != null) {
            Path staged = dir.dir().resolve(junitInOut);
            Files.createDirectories(staged.getParent());
            Files.write(staged, junitXml, java.nio.file.StandardOpenOption.CREATE_NEW);
        }
        dir.commit();
        if (junitFile != null) {
            junitFile.write(junit, junitXml);
            junitFile.commit(w);
        }
    }

    /**
     * report.json's first fields: names, the verdict (null, filled once every check is known),
     * provenance, runner, board, the emulated board, bit-exactness, samples and values per sample,
     * the soft-float count on Cortex-M.
     */
    ObjectNode reportHead(String model, String id, Target target, java.util.Optional<dev.mcugen.compiler.TargetBoard> board,
                          String how, EmulatedBoard emulated, int n, int values, Map<String, List<Path>> files) {
        ObjectNode root = ContractReport.mapper().createObjectNode();
        root.put("model", model);
        root.put("name", id);
        root.put("target", target.id());
        // Filled in below, once every check is known; first in the file after the names.
        root.putNull("verdict");
        root.set("provenance", Provenance.json(spec.commandLine().getParseResult().originalArgs(), files));
        root.put("runner", how);
        if (board.isPresent()) {
            board.get().into(root.putObject("board"));
        } else {
            root.putNull("board");
        }
        emulated.into(root);
        root.put("bit_exact", true);
        root.put("samples", n);
        root.put("outputs_per_sample", values);
        if (target.isCortexM()) {
            root.put("soft_float_symbols", 0);
        }
        return root;
    }

    /** report.json's {@code streaming}. */
    static void streamingJson(ObjectNode root, boolean streams, int streamed, View.Model view) {
        ObjectNode streaming = root.putObject("streaming");
        streaming.put("has_step", streams);
        streaming.put("samples_checked", streamed);
        // Without _step (a backward recurrent direction, a convolution over time...) streaming is not
        // applicable: reported with the generated header's reason, not a failure.
        streaming.put("status", streams ? "checked" : "not applicable");
        streaming.put("note", streams ? "per sample: _invoke, then _reset and _step once per time step; equal bit for bit"
                : "no _step for this model: " + view.noStepReason());
    }

    /** report.json's {@code cost} of the test image and {@code model_memory} of the model alone. */
    static void cost(ObjectNode root, Measured m, int n, Target target, View.Model view, Path d, String id, Path scratch) {
        RunResult r = m.run().run();
        ObjectNode cost = costJson(root, r, m.instructions(), m.stack());
        cost.put("image_text_bytes", r.size().text());
        cost.put("image_data_bytes", r.size().data());
        cost.put("image_bss_bytes", r.size().bss());
        cost.put("note", "whole image (model + runtime + harness with " + n + " embedded samples + board support); "
                + "instructions for sample 0 between the counting markers"
                + (m.instructions() == null ? " (no counting on host)" : "")
                + "; stack of sample 0's inference by painting");
        root.set(ReportHtml.MODEL_MEMORY, ModelMemory.json(view.footprint(), m.stack(), objectSizes(target, d, id, r, scratch),
                target.id(), true));
    }

    /** The verification's own checks, in the order of the JUnit cases (the quantization's follow). */
    static Verdict verdict(int n, int values, boolean streams, int streamed, View.Model view, String floatFree,
                           List<Threshold> thresholds) {
        Verdict v = new Verdict();
        v.add("bit-exact with the simulator", Verdict.Status.PASS, ReportFormat.integer(n) + (n == 1 ? " sample" : " samples")
                + " x " + ReportFormat.integer(values) + " output values equal, integer for integer");
        if (streams) {
            v.add("streaming (_reset + _step equals _invoke)", Verdict.Status.PASS, "all " + ReportFormat.integer(streamed)
                    + (streamed == 1 ? " sample" : " samples") + ", " + view.stream().timeSteps() + " steps each");
        } else {
            v.add("streaming (_reset + _step equals _invoke)", Verdict.Status.NOT_APPLICABLE, "no _step for this model: "
                    + view.noStepReason());
        }
        v.add("float-free", Verdict.Status.PASS, floatFree);
        for (Threshold t : thresholds) {
            boolean top1 = t.option().equals("--min-top1");
            String value = !Double.isFinite(t.value()) ? (t.value() > 0 ? "inf" : String.valueOf(t.value()))
                    : top1 ? ReportFormat.percent(t.value()) : ReportFormat.db(t.value()) + " dB";
            v.add((top1 ? "top-1 agreement" : "SQNR") + " of output '" + t.output() + "'", t.met() ? Verdict.Status.PASS
                    : Verdict.Status.FAIL, value + (t.met() ? " >= " : " below ") + t.option() + " "
                    + Threshold.plain(t.threshold()) + (top1 ? " %" : " dB") + ", on " + ReportFormat.integer(n)
                    + (n == 1 ? " sample" : " samples"));
        }
        return v;
    }

    /**
     * The model's own object files measured ({@link dev.mcugen.qemu.ObjectSizes}): those the run linked
     * the test image from ({@link RunResult#objects()}), so nothing is compiled twice; compiled here only
     * when the runner kept none. Null when they cannot be measured (the figure is then absent, never
     * guessed).
     */
    private static dev.mcugen.qemu.ObjectSizes objectSizes(Target target, Path dir, String id, RunResult run,
                                                           Path scratch) {
        try {
            List<Path> sources = new ArrayList<>();
            sources.add(dir.resolve(id + ".c"));
            Path rt = dir.resolve("runtime/src");
            if (Files.isDirectory(rt)) {
                try (Stream<Path> s = Files.list(rt)) {
                    s.filter(p -> p.getFileName().toString().endsWith(".c")).sorted().forEach(sources::add);
                }
            }
            List<Path> objects = new ArrayList<>();
            for (Path src : sources) {
                Path obj = run.objects().get(src);
                if (obj == null || !Files.isRegularFile(obj)) {
                    Path work = Files.createDirectories(scratch.resolve("objects"));
                    return dev.mcugen.qemu.ObjectSizes.measure(target, sources, List.of(dir, dir.resolve("runtime/include")),
                            work);
                }
                objects.add(obj);
            }
            return dev.mcugen.qemu.ObjectSizes.of(target, objects);
        } catch (IOException | RunnerException e) {
            return null;
        }
    }

    /**
     * One accuracy threshold on one output.
     *
     * @param output    the output's name
     * @param metric    the report.json key of the figure ({@code top1_agreement_percent}, {@code sqnr_db})
     * @param option    the option that set it
     * @param value     the figure (percent for top-1; +inf SQNR when float and C agree exactly)
     * @param threshold the least value allowed
     */
    record Threshold(String output, String metric, String option, double value, double threshold) {
        boolean met() {
            return value >= threshold; // false for NaN
        }

        /** One line: the output, the figure, the threshold. */
        String describe() {
            boolean top1 = option.equals("--min-top1");
            String v = !Double.isFinite(value) ? (value > 0 ? "inf" : String.valueOf(value))
                    : String.format(Locale.ROOT, "%.2f", value);
            return "output '" + dev.mcugen.ir.Names.terminal(output, 60) + "': "
                    + (top1 ? "top-1 agreement " + v + "%" : "SQNR " + v + " dB")
                    + (met() ? " >= " : " below ") + option + " " + plain(threshold) + (top1 ? "%" : " dB");
        }

        private static String plain(double d) {
            return java.math.BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
        }
    }

    /** The thresholds into report.json's {@code accuracy_thresholds} (nothing when none was asked for). */
    static void putThresholds(ObjectNode root, List<Threshold> thresholds) {
        if (!thresholds.isEmpty()) {
            com.fasterxml.jackson.databind.node.ArrayNode th = root.putArray("accuracy_thresholds");
            for (Threshold t : thresholds) {
                ObjectNode e = th.addObject();
                e.put("output", t.output());
                e.put("metric", t.metric());
                e.put("threshold", t.threshold());
                if (Double.isFinite(t.value())) {
                    e.put("value", t.value());
                } else {
                    e.putNull("value");
                }
                e.put("met", t.met());
            }
        }
    }

    /** Every threshold asked for, on every output in the model's order (top-1 first). */
    List<Threshold> thresholds(List<String> outNames, List<ErrorMetrics> perOutput, int n) {
        List<Threshold> all = new ArrayList<>();
        for (int k = 0; k < outNames.size(); k++) {
            ErrorMetrics e = perOutput.get(k);
            if (minTop1 != null) {
                // From the count of agreeing samples, so that 19 of 20 is exactly 95 (0.95 * 100 is not).
                long agree = Math.round(e.top1Agreement() * n);
                all.add(new Threshold(outNames.get(k), "top1_agreement_percent", "--min-top1", 100.0 * agree / n, minTop1));
            }
            if (minSqnr != null) {
                all.add(new Threshold(outNames.get(k), "sqnr_db", "--min-sqnr", e.sqnrDb(), minSqnr));
            }
        }
        return all;
    }

    private static final java.util.regex.Pattern FLOAT_TOKEN = java.util.regex.Pattern.compile("\\b(float|double)\\b");

    /**
     * Where the generated C and headers (comments aside) name {@code float} or {@code double}, as
     * {@code file:line}; at most 10.
     */
    static List<String> floatTokens(java.util.SortedMap<String, byte[]> files) {
        List<String> hits = new ArrayList<>();
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            if (!f.getKey().endsWith(".c") && !f.getKey().endsWith(".h")) {
                continue; // build files carry names only in '#' comments
            }
            String[] lines = codeOnly(new String(f.getValue(), StandardCharsets.UTF_8)).split("\n", -1);
            for (int i = 0; i < lines.length && hits.size() < 10; i++) {
                if (FLOAT_TOKEN.matcher(lines[i]).find()) {
                    hits.add(f.getKey() + ":" + (i + 1));
                }
            }
        }
        return hits;
    }

    /** C text with comments blanked, line breaks kept (so line numbers stay those of the file). */
    static String codeOnly(String c) {
        StringBuilder b = new StringBuilder(c.length());
        Matcher m = java.util.regex.Pattern.compile("(?s)/\\*.*?\\*/|//[^\n]*").matcher(c);
        int at = 0;
        while (m.find()) {
            b.append(c, at, m.start());
            b.append(m.group().replaceAll("[^\n]", " "));
            at = m.end();
        }
        return b.append(c, at, c.length()).toString();
    }

    /**
     * {@code file}'s path inside {@code dir} ('/'-separated), or null when it lies outside (spelled
     * relatively or through a link to a parent alike); refuses {@code dir} itself and a name verify
     * writes there (the C, the harness, the reports, the marker) or a folder of them.
     */
    static String insideOut(Path file, Path dir, java.util.Collection<String> generatedFiles) {
        Path f;
        Path d;
        try {
            f = realPrefix(file.toAbsolutePath().normalize());
            d = realPrefix(dir.toAbsolutePath().normalize());
        } catch (IOException e) {
            return null; // unresolvable: OutputFiles reports it when it tries to write there
        }
        if (!f.startsWith(d)) {
            return null;
        }
        if (f.equals(d)) {
            throw new McugenException(Diag.MCG_CLI_USAGE, "--junit", file + " is the --out folder; give a file name");
        }
        String rel = d.relativize(f).toString().replace('\\', '/');
        List<String> ours = new ArrayList<>(generatedFiles);
        ours.addAll(List.of("harness/main.c", "report.json", ReportHtml.FILE, OutputDir.MARKER));
        for (String o : ours) {
            if (o.equals(rel) || o.startsWith(rel + "/") || rel.startsWith(o + "/")) {
                throw new McugenException(Diag.MCG_CLI_USAGE, "--junit", file + " would take the place of " + o
                        + ", which verify writes into --out; give another name");
            }
        }
        return rel;
    }

    /** The real path of the longest existing ancestor of {@code p}, with the rest appended. */
    private static Path realPrefix(Path p) throws IOException {
        Path existing = p;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return p;
        }
        return existing.toRealPath().resolve(existing.relativize(p));
    }

    /**
     * The JUnit cases, in this order: bit-exact per sample, streaming, float-free, each threshold
     * (outputs in the model's order; none when the C differs from the simulator). Class name
     * {@code mcugen.verify.<target>.<name>}: a CI page groups the cases by target, then model.
     */
    private static JUnitReport junitReport(String id, Target target, int n, boolean streams, View.Model view,
                                           ModelPipeline.HarnessChecks checks, List<String> floatTokens,
                                           List<Threshold> thresholds) {
        String cls = "mcugen.verify." + JUnitReport.segment(target.id()) + "." + JUnitReport.segment(id);
        JUnitReport ju = new JUnitReport("mcugen verify " + id + " on " + target.id(), cls);
        for (int s = 0; s < n; s++) {
            McugenException e = checks.sampleMismatches().get(s);
            String name = "bit-exact with the simulator, sample " + s;
            ju.add(e == null ? JUnitReport.Case.passed(name) : failed(name, e));
        }
        String stream = "streaming: _reset + _step equals _invoke";
        if (checks.streamMismatch() != null) {
            ju.add(failed(stream, checks.streamMismatch()));
        } else if (!streams) {
            ju.add(JUnitReport.Case.skipped(stream, "no _step for this model: " + view.noStepReason()));
        } else if (checks.streamed() == n) {
            ju.add(JUnitReport.Case.passed(stream));
        } else {
            // Only when samples differ (missing stream lines are a failed run otherwise): no verdict on the rest.
            ju.add(JUnitReport.Case.skipped(stream, "the harness streamed " + checks.streamed() + " of " + n
                    + " sample(s); the outputs differ from the simulator (see the bit-exact cases)"));
        }
        String ff = "float-free: no float or double in the generated C"
                + (target.isCortexM() ? ", no soft-float routine linked" : "");
        List<String> why = new ArrayList<>();
        if (!floatTokens.isEmpty()) {
            why.add("the generated C uses float or double: " + String.join(", ", floatTokens));
        }
        if (checks.softFloat() != null) {
            why.add(checks.softFloat().detail());
        }
        ju.add(why.isEmpty() ? JUnitReport.Case.passed(ff)
                : JUnitReport.Case.failed(ff, Diag.MCG_VERIFY_SOFT_FLOAT.name(), String.join("; ", why), String.join("; ", why)));
        for (Threshold t : thresholds) {
            String name = (t.option().equals("--min-top1") ? "top-1 agreement" : "SQNR") + " " + t.option() + " "
                    + Threshold.plain(t.threshold()) + ", output '" + t.output() + "'";
            ju.add(t.met() ? JUnitReport.Case.passed(name)
                    : JUnitReport.Case.failed(name, Diag.MCG_VERIFY_ACCURACY.name(), t.describe(), t.describe()));
        }
        return ju;
    }

    private static JUnitReport.Case failed(String name, McugenException e) {
        String message = e.subject() + ": " + e.detail();
        return JUnitReport.Case.failed(name, e.diag().name(), message, message);
    }

    /**
     * Accuracy against float per output, in output order: each sample's float outputs ({@code floats},
     * n samples) against the dequantized integer outputs ({@code ints}: a sample's outputs concatenated
     * in output order).
     */
    static List<ErrorMetrics> perOutputMetrics(List<String> outNames, FixedPointSimulator sim, List<List<float[]>> floats,
                                               List<int[]> ints, int n) {
        List<ErrorMetrics> perOutput = new ArrayList<>();
        int at = 0;
        for (int k = 0; k < outNames.size(); k++) {
            QuantType t = sim.outputType(outNames.get(k));
            int size = floats.get(0).get(k).length;
            float[] ref = new float[n * size];
            float[] deq = new float[n * size];
            for (int s = 0; s < n; s++) {
                System.arraycopy(floats.get(s).get(k), 0, ref, s * size, size);
                for (int i = 0; i < size; i++) {
                    deq[s * size + i] = (float) t.dequantize(ints.get(s)[at + i]);
                }
            }
            perOutput.add(ErrorMetrics.compare(ref, deq, n, size));
            at += size;
        }
        return perOutput;
    }

    /**
     * report.json's {@code cost} of the whole test image: instructions of sample 0 (null on host),
     * flash, RAM, stack of one inference (null when not measured); returned for more fields.
     */
    static ObjectNode costJson(ObjectNode root, RunResult r, Long instructions, Long stack) {
        ObjectNode cost = root.putObject("cost");
        if (instructions != null) {
            cost.put("instructions_per_inference", instructions);
        } else {
            cost.putNull("instructions_per_inference");
        }
        cost.put("flash_bytes", r.size().flashBytes());
        cost.put("ram_bytes", r.size().ramBytes());
        if (stack != null) {
            cost.put("stack_bytes", stack);
        } else {
            cost.putNull("stack_bytes");
        }
        return cost;
    }

    /** The terminal's cost line: the whole test image's figures (report.json's model_memory has the model's alone). */
    static String costLine(RunResult r, Long instructions, Long stack) {
        return String.format(Locale.ROOT, "cost: %s instructions/inference, flash %s (text+data), RAM %s (data+bss), stack %s",
                instructions == null ? "n/a" : ReportFormat.integer(instructions), ReportFormat.bytes(r.size().flashBytes()),
                ReportFormat.bytes(r.size().ramBytes()), stack == null ? "n/a" : ReportFormat.bytes(stack));
    }

    /**
     * report.json's accuracy against float: {@code metrics} for one output, else {@code metrics_per_output},
     * one entry per output in the model's order with its name and values per sample ({@code first}: the
     * first sample's float outputs).
     */
    static void metricsJson(ObjectNode root, List<String> outNames, List<ErrorMetrics> perOutput, List<float[]> first) {
        if (outNames.size() == 1) {
            metrics(root.putObject("metrics"), perOutput.get(0));
            return;
        }
        com.fasterxml.jackson.databind.node.ArrayNode per = root.putArray("metrics_per_output");
        for (int k = 0; k < outNames.size(); k++) {
            ObjectNode e = per.addObject();
            e.put("output", outNames.get(k));
            e.put("values_per_sample", first.get(k).length);
            metrics(e, perOutput.get(k));
        }
    }

    /** The terminal's "vs float" line per output. */
    static void printVsFloat(PrintWriter w, List<String> outNames, List<ErrorMetrics> perOutput, int n) {
        for (int k = 0; k < outNames.size(); k++) {
            ErrorMetrics e = perOutput.get(k);
            w.printf(Locale.ROOT, "%svs float: on %d sample%s, max |err| %.6g, RMSE %.6g, SQNR %s dB, cosine %.6f,"
                            + " top-1 agreement %.2f%%%n",
                    outNames.size() == 1 ? "" : "output '" + dev.mcugen.ir.Names.terminal(outNames.get(k), 60) + "' ",
                    n, n == 1 ? "" : "s", e.maxAbsError(), e.rmse(), Double.isFinite(e.sqnrDb())
                            ? String.format(Locale.ROOT, "%.2f", e.sqnrDb()) : "inf", e.cosine(), 100 * e.top1Agreement());
        }
    }

    /** The metrics vs float into {@code o}. */
    static void metrics(ObjectNode o, ErrorMetrics m) {
        o.put("max_abs_error", m.maxAbsError());
        o.put("rmse", m.rmse());
        if (Double.isFinite(m.sqnrDb())) {
            o.put("sqnr_db", m.sqnrDb());
        } else {
            o.putNull("sqnr_db");
        }
        o.put("cosine", m.cosine());
        o.put("correlation", m.correlation());
        o.put("top1_agreement", m.top1Agreement());
    }

    /** The arrays one after the other. */
    static int[] concat(List<int[]> parts) {
        int[] all = new int[parts.stream().mapToInt(p -> p.length).sum()];
        int off = 0;
        for (int[] p : parts) {
            System.arraycopy(p, 0, all, off, p.length);
            off += p.length;
        }
        return all;
    }

    private static void write(Path p, String text) throws IOException {
        Files.createDirectories(p.getParent());
        Files.writeString(p, text, StandardCharsets.UTF_8);
    }

    static void deleteTree(Path root) {
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // temporary
        }
    }
}
