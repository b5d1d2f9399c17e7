package dev.mcugen.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcugen.compiler.CompilePipeline;
import dev.mcugen.compiler.TargetBoard;
import dev.mcugen.gen.CGenerator;
import dev.mcugen.gen.GenOptions;
import dev.mcugen.gen.View;
import dev.mcugen.ir.Diag;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.Names;
import dev.mcugen.ir.Text;
import dev.mcugen.ir.metrics.ErrorMetrics;
import dev.mcugen.ir.npy.Npy;
import dev.mcugen.ir.npy.NpyArray;
import dev.mcugen.ir.npy.NpyDtype;
import dev.mcugen.ir.quant.IntObserver;
import dev.mcugen.ir.quant.QGraph;
import dev.mcugen.ir.quant.QInput;
import dev.mcugen.ir.quant.QNode;
import dev.mcugen.ir.quant.QuantType;
import dev.mcugen.ir.sim.FixedPointSimulator;
import dev.mcugen.ir.tflite.TfliteFileParameters;
import dev.mcugen.qemu.ModelPipeline;
import dev.mcugen.qemu.Target;
import dev.mcugen.scale.ContractReport;
import dev.mcugen.scale.ContractResult;
import dev.mcugen.scale.FileContracts;
import dev.mcugen.scale.QuantOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code simulate}, {@code verify}, {@code build} and {@code inspect} of a model quantized in its file
 * (an int8 or 16x8 {@code .tflite}, with integer or float32 I/O): the integer graph carries the file's
 * own scales and zero points ({@link CompilePipeline#loadQuantized}), so nothing is calibrated (no
 * {@code --calibration}); its parameters are checked against mcugen's contracts ({@link FileContracts}).
 * Data is the model's integers as they are (an int8 {@code .npy}) or float data quantized as the
 * file's QUANTIZE would, with each input's scale and zero point. {@code verify} compares with a float
 * model only when one is given ({@code --float-model}).
 */
final class QuantizedTflite {
    private QuantizedTflite() {
    }

    /**
     * What the data files hold, per sample: every input's integers by name, and its real values (the
     * float data as given, or the integers dequantized) for a float model to compare with.
     */
    record Samples(List<Map<String, int[]>> samples, List<Map<String, float[]>> reals, List<String> notes) {
    }

    /**
     * Reads one {@code .npy} per input: {@code [N, ...input shape]}, integers (taken as they are, each
     * within the input's range) or floats (quantized: {@code clamp(round(x / scale) + zero_point)}).
     */
    static Samples read(QGraph g, List<Path> files) {
        if (files.size() != g.inputs().size()) {
            throw new McugenException(Diag.MCG_DATA_FILE_COUNT, "--data", "model '" + Text.clip(g.name(), 60) + "' has "
                    + g.inputs().size() + " input(s) but " + files.size() + " --data file(s) were given");
        }
        List<Map<String, int[]>> samples = new ArrayList<>();
        List<Map<String, float[]>> reals = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        int n = -1;
        for (int k = 0; k < files.size(); k++) {
            QInput in = g.inputs().get(k);
            Path f = files.get(k);
            NpyArray a = Npy.read(f);
            int size = in.shape().size();
            List<Integer> shape = a.shape();
            if (shape.isEmpty() || (long) shape.get(0) * size != a.size() || !shape.subList(1, shape.size()).equals(in.shape().dims())) {
                throw new McugenException(Diag.MCG_DATA_SHAPE, f.toString(), "has shape " + shape + "; input '"
                        + Text.clip(in.name(), 60) + "' takes [N, " + joined(in.shape().dims()) + "]");
            }
            if (n >= 0 && shape.get(0) != n) {
                throw new McugenException(Diag.MCG_DATA_SAMPLE_COUNT, f.toString(), "holds " + shape.get(0)
                        + " samples, the data of the first input " + n);
            }
            n = shape.get(0);
            QuantType t = in.type();
            int[] q;
            float[] real;
            if (a.dtype().isInteger()) {
                q = a.toIntArray();
                for (int i = 0; i < q.length; i++) {
                    if (q[i] < t.qmin() || q[i] > t.qmax()) {
                        throw new McugenException(Diag.MCG_DATA_SHAPE, f.toString(), "holds " + q[i] + " at element " + i
                                + ", outside input '" + Text.clip(in.name(), 60) + "' (" + t + ")");
                    }
                }
                real = new float[q.length];
                for (int i = 0; i < q.length; i++) {
                    real[i] = (float) t.dequantize(q[i]);
                }
            } else {
                float[] x = a.toFloatArray();
                q = new int[x.length];
                for (int i = 0; i < x.length; i++) {
                    if (!Float.isFinite(x[i])) {
                        throw new McugenException(Diag.MCG_DATA_NONFINITE, f.toString(), "holds " + x[i] + " at element " + i);
                    }
                    q[i] = dev.mcugen.ir.tflite.TfliteFloatIo.quantize(x[i], t); // as the file's QUANTIZE would
                }
                notes.add(f + " is float data; quantized with the scale " + (float) t.scale() + " and zero point "
                        + t.zeroPoint() + " of input '" + Text.clip(in.name(), 60) + "' (integer data is taken as it is)");
                real = x;
            }
            for (int s = 0; s < n; s++) {
                if (samples.size() <= s) {
                    samples.add(new LinkedHashMap<>());
                    reals.add(new LinkedHashMap<>());
                }
                int[] v = new int[size];
                System.arraycopy(q, s * size, v, 0, size);
                samples.get(s).put(in.name(), v);
                float[] r = new float[size];
                System.arraycopy(real, s * size, r, 0, size);
                reals.get(s).put(in.name(), r);
            }
        }
        return new Samples(samples, reals, notes);
    }

    private static String joined(List<Integer> dims) {
        return String.join(", ", dims.stream().map(String::valueOf).toList());
    }

    /** {@code simulate}: the integer program on every sample, outputs raw or dequantized. */
    static int simulate(SimulateCommand c, Path file, QGraph g) {
        if (c.mode == SimulateCommand.Mode.FLOAT) {
            throw new McugenException(Diag.MCG_CLI_USAGE, "--mode float", file + " is a quantized .tflite: it runs with its"
                    + " own integers (--mode fixed); --compare measures them against the file dequantized");
        }
        // --compare: against the file's own weights dequantized, run in float32
        FloatReference ref = !c.compare ? null : FloatReference.dequantized(file, g).orElseThrow(() -> new McugenException(
                Diag.MCG_CLI_USAGE, "--compare", file + " dequantized has an op the float importer lacks: there is no float"
                + " model to compare with (verify --float-model FILE compares with another)"));
        List<Path> out = c.out;
        if (out.size() == 1 && g.outputs().size() > 1) {
            out = SimulateCommand.perOutput(out.get(0), g.outputs());
        } else if (out.size() != g.outputs().size()) {
            throw new McugenException(Diag.MCG_CLI_USAGE, "--out", "model '" + g.name() + "' has " + g.outputs().size()
                    + " output(s) but " + out.size() + " --out file(s) were given");
        }
        Samples data = read(g, c.data);
        PrintWriter w = c.spec.commandLine().getOut();
        List<Path> inputs = new ArrayList<>(c.data);
        inputs.add(file);
        FixedPointSimulator sim = new FixedPointSimulator(g);
        int n = data.samples().size();
        Map<String, int[]> ints = new LinkedHashMap<>();
        try (ProgressBar bar = new ProgressBar("fixed", !c.common.noProgress)) {
            for (int i = 0; i < n; i++) {
                Map<String, int[]> y = sim.run(data.samples().get(i), IntObserver.NONE);
                for (String name : g.outputs()) {
                    int[] v = y.get(name);
                    System.arraycopy(v, 0, ints.computeIfAbsent(name, k -> new int[n * v.length]), i * v.length, v.length);
                }
                bar.update(i + 1, n);
            }
        }
        try (OutputFiles files = OutputFiles.open(out, inputs, file, c.force)) {
            data.notes().forEach(note -> c.spec.commandLine().getErr().println("mcugen: note: " + note));
            for (int k = 0; k < out.size(); k++) {
                String name = g.outputs().get(k);
                QuantType t = sim.outputType(name);
                int[] q = ints.computeIfAbsent(name, x -> new int[0]);
                List<Integer> shape = new ArrayList<>();
                shape.add(n);
                shape.addAll(node(g, name).outputShape().dims());
                if (c.raw) {
                    NpyDtype dtype = t.bits() == 8 ? NpyDtype.INT8 : t.bits() == 16 ? NpyDtype.INT16 : NpyDtype.INT32;
                    files.write(out.get(k), Npy.toBytes(NpyArray.ofInts(dtype, shape, q)));
                    w.printf("%s: %d sample(s), output '%s' %s %s (scale %s, zero point %d, from the file) -> %s%n",
                            Text.clip(g.name(), 80), n, Text.clip(name, 80), shape, dtype.descr(), (float) t.scale(),
                            t.zeroPoint(), out.get(k));
                } else {
                    float[] f = new float[q.length];
                    for (int i = 0; i < q.length; i++) {
                        f[i] = dev.mcugen.ir.tflite.TfliteFloatIo.dequantize(q[i], t);
                    }
                    files.write(out.get(k), Npy.toBytes(NpyArray.ofFloat32(shape, f)));
                    w.printf("%s: %d sample(s), output '%s' %s dequantized -> %s%n", Text.clip(g.name(), 80), n,
                            Text.clip(name, 80), shape, out.get(k));
                }
            }
            files.commit(w);
        }
        if (ref != null) {
            List<List<float[]>> floats = new ArrayList<>();
            List<int[]> got = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                floats.add(ref.run(data.reals().get(i)));
                int s = i;
                got.add(VerifyCommand.concat(g.outputs().stream().map(name -> {
                    int size = node(g, name).outputShape().size();
                    return java.util.Arrays.copyOfRange(ints.get(name), s * size, (s + 1) * size);
                }).toList()));
            }
            w.println("float reference: " + ref.describe());
            VerifyCommand.printVsFloat(w, g.outputs(), VerifyCommand.perOutputMetrics(g.outputs(), sim, floats, got, n), n);
        }
        w.flush();
        return ExitCodes.OK;
    }

    private static QNode node(QGraph g, String name) {
        return g.nodes().stream().filter(x -> x.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no node '" + name + "'"));
    }

    /** The parameters line of report.json and the terminal. */
    static final String PARAMETERS = "from the file: every scale, zero point and per-channel multiplier of the quantized"
            + " .tflite, with TFLite's integer semantics (nothing calibrated)";

    /**
     * {@code verify} on one C target: generates the C of the file's integer graph, runs it on the first
     * {@code --samples} samples and checks every output integer against the simulator, then reports
     * as for any model ({@link VerifyCommand#runOnTarget}): the verdict with the file's contracts
     * ({@link FileContracts}), the board, report.json, report.html, --junit, and the accuracy against
     * the float model of {@code --float-model} with its thresholds.
     */
    static int verify(VerifyCommand c, Path file, QGraph g, String id, Optional<TargetBoard> board) {
        QuantOptions.Target qt = c.quant.targets.get(0);
        // The float model given, else the file's own weights dequantized (when the float importer maps its ops).
        FloatReference ref = c.floatModel != null ? FloatReference.load(c.floatModel, file, g)
                : FloatReference.dequantized(file, g).orElse(null);
        if (ref == null && (c.minTop1 != null || c.minSqnr != null)) {
            throw new McugenException(Diag.MCG_CLI_USAGE, c.minTop1 != null ? "--min-top1" : "--min-sqnr", "measures the"
                    + " quantized file against a float model, and " + file.getFileName() + " dequantized has an op the"
                    + " float importer lacks: give one with --float-model FILE (e.g. the float .tflite it was converted"
                    + " from)");
        }
        long started = System.nanoTime();
        PrintWriter w = c.spec.commandLine().getOut();
        Samples data = read(g, c.data);
        data.notes().forEach(note -> c.spec.commandLine().getErr().println("mcugen: note: " + note));
        int n = samples(c, data);
        GenOptions gen = CompilePipeline.genOptionsQuantized(id, file, qt);
        if (board.isPresent()) {
            gen = CompilePipeline.withBoard(gen, board.get());
        }
        gen = c.ioFormats.apply(gen);
        CGenerator.Output generated = CompilePipeline.generate(g, gen);
        View.Model view = generated.view();

        FixedPointSimulator sim = new FixedPointSimulator(g);
        List<List<int[]>> perInput = new ArrayList<>();
        List<int[]> xs = new ArrayList<>();
        List<int[]> expected = new ArrayList<>();
        List<List<float[]>> floats = new ArrayList<>();
        try (ProgressBar bar = new ProgressBar("simulating", !c.common.noProgress)) {
            for (int i = 0; i < n; i++) {
                Map<String, int[]> x = data.samples().get(i);
                perInput.add(g.inputs().stream().map(in -> x.get(in.name())).toList());
                xs.add(VerifyCommand.concat(perInput.get(i)));
                Map<String, int[]> y = sim.run(x, IntObserver.NONE);
                expected.add(VerifyCommand.concat(g.outputs().stream().map(y::get).toList()));
                if (ref != null) {
                    floats.add(ref.run(data.reals().get(i)));
                }
                bar.update(i + 1, n);
            }
        }
        List<Path> inputs = new ArrayList<>(List.of(file));
        if (ref != null && !ref.isDequantized()) {
            inputs.add(ref.file());
        }
        inputs.addAll(c.data);
        TfliteFileParameters.Parameters params = TfliteFileParameters.read(file);
        FileContracts.Checked checked = FileContracts.check(g, params);
        GenOptions genOptions = gen;
        int count = n;
        w.println("parameters: " + PARAMETERS);
        Map<String, List<Path>> files = BuildCommand.provenanceFiles(file, List.of(), c.data);
        if (ref != null && !ref.isDequantized()) {
            files.put("float model", Provenance.modelFiles(ref.file()));
        }
        if (qt == QuantOptions.Target.JAVA) {
            // The Java twin: the simulator's own kernels (TFLite's integer semantics included), compiled in this JVM.
            dev.mcugen.gen.twin.JavaTwinGenerator.Output twin = dev.mcugen.gen.twin.JavaTwinGenerator.generate(g, view,
                    c.javaTwin.packageName(), gen.banner());
            return JavaTwin.run(c, file, g.name(), id, g, twin, view, perInput, expected, inputs, w, checkedTwin -> {
                int values = expected.isEmpty() ? 0 : expected.get(0).length;
                ObjectNode root = JavaTwin.head(c, g.name(), id, twin, count, values, checkedTwin, view, files);
                Accuracy acc = accuracy(c, root, g, sim, ref, floats, checkedTwin.outputs(), count);
                root.set(ReportHtml.MODEL_MEMORY, ModelMemory.json(view.footprint(), null, null, "java", false));
                Verdict verdict = JavaTwin.twinVerdict(count, values, checkedTwin, view, acc.thresholds())
                        .addAll(fileChecks(checked, genOptions, view.footprint(), qt.cliName(), null));
                return reported(root, verdict, acc, g, params, checked, view, ref, data, count);
            });
        }
        Target target = Target.fromId(qt.cliName());
        EmulatedBoard emulated = EmulatedBoard.choose(g.name(), target, board.orElse(null), view, n);
        emulated.notice().ifPresent(line -> w.println("mcugen: " + line));
        List<String> floatTokens = VerifyCommand.floatTokensHook.apply(VerifyCommand.floatTokens(generated.files()));
        return c.runOnTarget(new VerifyCommand.Run(file, g.name(), id, target, n, started, generated,
                List.of(gen.banner().get(gen.banner().size() - 1)), xs, VerifyCommand.expectedHook.apply(expected), emulated,
                inputs, floatTokens,
                view.streaming(), g), (m, d, scratch) -> {
            ModelPipeline.HarnessRun hr = m.run();
            int values = xs.isEmpty() ? 0 : hr.outputs().get(0).length;
            ObjectNode root = c.reportHead(g.name(), id, target, board, hr.how(), emulated, count, values, files);
            root.put("parameters", PARAMETERS);
            VerifyCommand.streamingJson(root, view.streaming(), hr.streamed(), view);
            Accuracy acc = accuracy(c, root, g, sim, ref, floats, hr.outputs(), count);
            VerifyCommand.cost(root, m, count, target, view, d, id, scratch);
            Verdict verdict = VerifyCommand.verdict(count, values, view.streaming(), hr.streamed(), view,
                    "no float or double in the generated C" + (target.isCortexM()
                            ? "; no soft-float routine linked into the image" : ""), acc.thresholds())
                    .addAll(fileChecks(checked, genOptions, view.footprint(), qt.cliName(), m.stack()));
            return reported(root, verdict, acc, g, params, checked, view, ref, data, count);
        });
    }

    /** The report's last parts (verdict, thresholds, the file's quantization section) and its page. */
    private static VerifyCommand.Reported reported(ObjectNode root, Verdict verdict, Accuracy acc, QGraph g,
                                                   TfliteFileParameters.Parameters params, FileContracts.Checked checked,
                                                   View.Model view, FloatReference ref, Samples data, int n) {
        verdict.into(root.putObject("verdict"));
        VerifyCommand.putThresholds(root, acc.thresholds());
        root.set(ContractReport.SECTION, FileContracts.json(g, params, checked));
        List<Map<String, String>> layers = QuantizedLayers.rows(params, checked, view.footprint());
        return new VerifyCommand.Reported(root, () -> ReportHtml.renderFile("verify", root, g, layers, view,
                ref == null ? null : ref.graph(), s -> ref.inputs(data.reals().get(s)), s -> data.samples().get(s), n),
                verdict, acc.thresholds(), acc.lines());
    }

    /** The accuracy against the float model (when given): its thresholds and the terminal's {@code vs float} lines. */
    private record Accuracy(List<VerifyCommand.Threshold> thresholds, String lines) {
    }

    /** report.json's {@code float_reference} and metrics, the thresholds, the {@code vs float} lines. */
    private static Accuracy accuracy(VerifyCommand c, ObjectNode root, QGraph g, FixedPointSimulator sim, FloatReference ref,
                                     List<List<float[]>> floats, List<int[]> got, int n) {
        if (ref == null) {
            root.putNull("float_reference");
            return new Accuracy(List.of(), "vs float: not measured (the file dequantized has an op the float importer"
                    + " lacks; give the float model with --float-model FILE)\n");
        }
        root.put("float_reference", ref.describe());
        List<ErrorMetrics> perOutput = VerifyCommand.perOutputMetrics(g.outputs(), sim, floats, got, n);
        VerifyCommand.metricsJson(root, g.outputs(), perOutput, floats.get(0));
        java.io.StringWriter lines = new java.io.StringWriter();
        PrintWriter pw = new PrintWriter(lines);
        if (ref.isDequantized()) {
            pw.println("float reference: " + ref.describe());
        }
        VerifyCommand.printVsFloat(pw, g.outputs(), perOutput, n);
        pw.flush();
        return new Accuracy(c.thresholds(g.outputs(), perOutput, n), lines.toString());
    }

    /**
     * The file's checks in a verdict: its contracts (a violated one fails: the file's integers are
     * kept, nothing re-solves them), the overflow proof, and whether it fits the board.
     */
    static Verdict fileChecks(FileContracts.Checked checked, GenOptions gen, View.Footprint f, String target,
                              Long measuredStack) {
        Verdict v = new Verdict();
        Verdict.contracts(v, checked.contracts(), false);
        Verdict.overflow(v, checked.bounds());
        Verdict.board(v, f, gen.budget(), target, measuredStack);
        return v;
    }

    /** How many samples verify runs: --samples, at most the data's (refused when asked for explicitly). */
    private static int samples(VerifyCommand c, Samples data) {
        int n = c.samples;
        if (n > data.samples().size()) {
            if (c.spec.commandLine().getParseResult().hasMatchedOption("--samples")) {
                throw new McugenException(Diag.MCG_CLI_USAGE, "--samples", n + " asked but the data holds "
                        + data.samples().size() + " sample(s)");
            }
            n = data.samples().size();
        }
        return n;
    }

    /**
     * {@code build}: the C of the file's integer graph (refused before anything is written when the
     * runtime cannot run it or the board cannot hold it) with report.json into the output folder.
     */
    static int build(BuildCommand c, Path file, QGraph g, String id, java.util.Optional<dev.mcugen.compiler.TargetBoard> board) {
        QuantOptions.Target qt = c.quant.target();
        PrintWriter w = c.spec.commandLine().getOut();
        GenOptions gen = CompilePipeline.genOptionsQuantized(id, file, qt);
        if (board.isPresent()) {
            gen = CompilePipeline.withBoard(gen, board.get());
        }
        gen = c.ioFormats.apply(gen);
        CGenerator.Output generated = CompilePipeline.generate(g, gen);
        View.Model view = generated.view();
        // --target java: the Java twin (the simulator's kernels, TFLite's semantics included) instead of the C.
        dev.mcugen.gen.twin.JavaTwinGenerator.Output twin = qt != QuantOptions.Target.JAVA ? null
                : dev.mcugen.gen.twin.JavaTwinGenerator.generate(g, view, c.javaTwin.packageName(), gen.banner());
        TfliteFileParameters.Parameters params = TfliteFileParameters.read(file);
        FileContracts.Checked checked = FileContracts.check(g, params);
        Verdict verdict = BuildCommand.verdictHook.apply(fileChecks(checked, gen, view.footprint(), qt.cliName(), null));
        Path target = c.out != null ? c.out : Path.of("mcugen-out", id);
        try (OutputDir dir = OutputDir.open(target, List.of(file), c.force, w)) {
            ObjectNode root = ContractReport.mapper().createObjectNode();
            root.put("model", g.name());
            root.put("name", id);
            root.put("target", qt.cliName());
            if (board.isPresent()) {
                board.get().into(root.putObject("board"));
            } else {
                root.putNull("board");
            }
            verdict.into(root.putObject("verdict"));
            root.set("provenance", Provenance.json(c.spec.commandLine().getParseResult().originalArgs(),
                    BuildCommand.provenanceFiles(file, List.of(), List.of())));
            root.put("parameters", PARAMETERS);
            root.put("layers", g.nodes().size());
            root.set(ReportHtml.MODEL_MEMORY, ModelMemory.json(view.footprint(), null, null, qt.cliName(), false));
            root.set(ContractReport.SECTION, FileContracts.json(g, params, checked));
            Files.writeString(dir.dir().resolve("report.json"),
                    ContractReport.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n");
            // report.html: the same data with the file's parameters per layer (no data, so no errors vs float)
            Files.writeString(dir.dir().resolve(ReportHtml.FILE), ReportHtml.renderFile("build", root, g,
                    QuantizedLayers.rows(params, checked, view.footprint()), view, null, s -> null, s -> null, 0));
            if (twin != null) {
                JavaTwin.write(dir.dir(), twin);
            } else {
                generated.write(dir.dir());
            }
            dir.commit();
        } catch (IOException e) {
            throw dev.mcugen.ir.IoFailure.writing(target.toString(), "cannot write", e);
        }
        long violated = checked.contracts().stream().filter(r -> r.status() == ContractResult.Status.VIOLATED).count();
        long unsafe = checked.bounds().stream().filter(b -> !b.safe()).count();
        w.printf("%s: %d layers, parameters from the file (TFLite's integer semantics), nothing calibrated; %d contracts"
                        + " (%d violated), %d accumulators (%d could overflow) -> %s%n", id, g.nodes().size(),
                checked.contracts().size(), violated, checked.bounds().size(), unsafe, target.resolve("report.json")
                        + " + report.html + " + (twin != null ? twin.path() : id + ".c/.h"));
        w.println("verdict: " + Names.terminal(verdict.line(), 400));
        w.flush();
        return ExitCodes.OK;
    }

    /**
     * {@code inspect}: the file's inputs and outputs with their scales and zero points, then per layer
     * its TFLite op, each operand's parameters as the file states them, the contracts held or violated,
     * the flash of its constants and the RAM of its output in the generated C; then the totals and the
     * contracts that do not hold.
     */
    static int inspect(PrintWriter out, Path file, QGraph g) {
        TfliteFileParameters.Parameters params = TfliteFileParameters.read(file);
        FileContracts.Checked checked = FileContracts.check(g, params);
        String id = dev.mcugen.ir.ModelNames.choose(g.name(), file).id();
        // The C's memory per layer; a model the C runtime cannot run (yet) is still listed, without it.
        View.Model view = null;
        String noC = null;
        try {
            view = CompilePipeline.generate(g, CompilePipeline.genOptionsQuantized(id, file, QuantOptions.Target.HOST)).view();
        } catch (McugenException e) {
            noC = e.subject() + ": " + e.detail() + " [" + e.diag() + "]";
        }
        out.printf("model   %s (quantized TFLite, %s)%n", Text.clip(g.name(), 80), file);
        out.printf("C name  %s%n", dev.mcugen.ir.ModelNames.choose(g.name(), file).describe(g.name()));
        for (int k = 0; k < g.inputs().size(); k++) {
            QInput in = g.inputs().get(k);
            out.printf("input   %s %s %s (float .npy data is quantized with these, integer data taken as it is)%n",
                    Text.clip(in.name(), 80), in.shape(), typeLine(in.type()));
        }
        out.println("parameters: " + PARAMETERS);
        out.println();
        Table t = new Table("layer", "op", "input", "weights", "bias", "output", "contracts", "flash B", "RAM B");
        View.Footprint footprint = view == null ? new View.Footprint(0, 0, 0) : view.footprint();
        for (Map<String, String> r : QuantizedLayers.rows(params, checked, footprint)) {
            t.row(Text.clip(r.get("layer"), 48), r.get("op"), r.get("input"), r.get("weights"), r.get("bias"), r.get("output"),
                    r.get("contracts"), r.get("flash"), r.get("ram"));
        }
        t.print(out);
        out.println();
        for (String name : g.outputs()) {
            QNode x = node(g, name);
            out.printf("output  %s %s %s%n", Text.clip(name, 80), x.outputShape(), typeLine(x.outputType()));
        }
        long[] totals = QuantizedLayers.totals(g);
        if (view == null) {
            out.printf("params  %d%n", totals[0]);
            out.printf("MACs    %d per inference%n", totals[1]);
            out.println("memory  no C for this model yet (flash and RAM per layer not known): " + noC);
        } else {
            View.Footprint f = view.footprint();
            out.printf("params  %d (constants in the C: %s flash)%n", totals[0], InspectCommand.bytes(f.constBytes()));
            out.printf("MACs    %d per inference%n", totals[1]);
            out.printf("RAM     %s (arena %s, state %s), stack not included%n", InspectCommand.bytes(f.contextBytes()),
                    InspectCommand.bytes(f.arenaBytes()), InspectCommand.bytes(f.stateBytes()));
        }
        long held = checked.contracts().stream().filter(r -> r.status() != ContractResult.Status.VIOLATED).count();
        long rounded = checked.contracts().stream().filter(r -> r.status() == ContractResult.Status.ROUNDED).count();
        long inRange = checked.rescales().stream().filter(r -> r.scale().multiplier() >= 1 << 30
                && r.scale().shift() >= -31 && r.scale().shift() <= 30).count();
        List<ContractResult> violated = checked.contracts().stream()
                .filter(r -> r.status() == ContractResult.Status.VIOLATED).toList();
        long unsafe = checked.bounds().stream().filter(b -> !b.safe()).count();
        int least = checked.bounds().stream().mapToInt(dev.mcugen.scale.AccumulatorBound::headroomBits).min().orElse(0);
        int n = checked.rescales().size();
        out.printf("contracts %d: %d held%s, %d violated; multipliers %d%s; accumulators %d%s%n", checked.contracts().size(),
                held, rounded == 0 ? "" : " (" + rounded + " within float32 rounding)", violated.size(), n,
                n == 0 ? "" : ", " + (inRange == n ? "all" : inRange + "") + " in [2^30, 2^31) with shifts in [-31, 30]",
                checked.bounds().size(), checked.bounds().isEmpty() ? "" : unsafe == 0
                        ? ", all within their limit for any input (int32; int64 for 16x8 convolutions; least headroom "
                        + least + " bits)" : ", " + unsafe + " could overflow");
        for (int i = 0; i < checked.contracts().size(); i++) {
            ContractResult r = checked.contracts().get(i);
            if (r.status() == ContractResult.Status.VIOLATED) {
                out.printf("  VIOLATED %s on %s (layer '%s'): %s%n", r.contract().kind(), Text.clip(String.join(", ",
                        r.contract().tensors()), 80), Text.clip(checked.layerOf().get(i), 60), r.detail());
            }
        }
        for (dev.mcugen.scale.AccumulatorBound b : checked.bounds()) {
            if (!b.safe()) {
                out.printf("  VIOLATED accumulator of layer '%s': bound %d > %d (row %d)%n", Text.clip(b.layer(), 60),
                        b.bound(), b.limit(), b.row());
            }
        }
        out.flush();
        return ExitCodes.OK;
    }

    private static String typeLine(QuantType t) {
        return "int" + t.bits() + " scale " + (float) t.scale() + " zero point " + t.zeroPoint();
    }

    /** The C name of a quantized model: {@code --name}, or one chosen from the graph's or file's name. */
    static String cId(String name, QGraph g, Path file) {
        if (name == null) {
            return dev.mcugen.ir.ModelNames.choose(g.name(), file).id();
        }
        String why = Names.checkCIdentifier(name);
        if (why != null) {
            throw new McugenException(Diag.MCG_CLI_USAGE, "--name", "'" + Text.clip(name, 60) + "' " + why);
        }
        return name;
    }
}
