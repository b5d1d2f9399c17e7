package dev.mcugen.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcugen.compiler.CompilePipeline;
import dev.mcugen.gen.CGenerator;
import dev.mcugen.gen.GenOptions;
import dev.mcugen.gen.View;
import dev.mcugen.ir.Diag;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.Names;
import dev.mcugen.ir.Text;
import dev.mcugen.ir.npy.Npy;
import dev.mcugen.ir.npy.NpyArray;
import dev.mcugen.ir.npy.NpyDtype;
import dev.mcugen.ir.quant.IntObserver;
import dev.mcugen.ir.quant.QGraph;
import dev.mcugen.ir.quant.QInput;
import dev.mcugen.ir.quant.QNode;
import dev.mcugen.ir.quant.QuantType;
import dev.mcugen.ir.sim.FixedPointSimulator;
import dev.mcugen.qemu.LocalQemuRunner;
import dev.mcugen.qemu.ModelPipeline;
import dev.mcugen.qemu.RunResult;
import dev.mcugen.qemu.RunnerException;
import dev.mcugen.qemu.Target;
import dev.mcugen.qemu.TargetRunner;
import dev.mcugen.qemu.TargetRunners;
import dev.mcugen.qemu.BoardSupport;
import dev.mcugen.scale.ContractReport;
import dev.mcugen.scale.QuantOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code simulate} and {@code verify} of a model quantized in its file (an int8 {@code .tflite}): the
 * integer graph carries the file's own scales and zero points ({@link CompilePipeline#loadQuantized}),
 * so nothing is calibrated (no {@code --calibration}) and there is no float reference to compare
 * with. Data is the model's integers as they are (an int8 {@code .npy}) or float data quantized with
 * each input's scale and zero point.
 */
final class QuantizedTflite {
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(2);

    private QuantizedTflite() {
    }

    /** What the data files hold, per sample: every input's integers by name. */
    record Samples(List<Map<String, int[]>> samples, List<String> notes) {
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
            if (a.dtype().isInteger()) {
                q = a.toIntArray();
                for (int i = 0; i < q.length; i++) {
                    if (q[i] < t.qmin() || q[i] > t.qmax()) {
                        throw new McugenException(Diag.MCG_DATA_SHAPE, f.toString(), "holds " + q[i] + " at element " + i
                                + ", outside input '" + Text.clip(in.name(), 60) + "' (" + t + ")");
                    }
                }
            } else {
                float[] x = a.toFloatArray();
                q = new int[x.length];
                for (int i = 0; i < x.length; i++) {
                    if (!Float.isFinite(x[i])) {
                        throw new McugenException(Diag.MCG_DATA_NONFINITE, f.toString(), "holds " + x[i] + " at element " + i);
                    }
                    q[i] = t.quantize(x[i]);
                }
                notes.add(f + " is float data; quantized with the scale " + (float) t.scale() + " and zero point "
                        + t.zeroPoint() + " of input '" + Text.clip(in.name(), 60) + "' (integer data is taken as it is)");
            }
            for (int s = 0; s < n; s++) {
                if (samples.size() <= s) {
                    samples.add(new LinkedHashMap<>());
                }
                int[] v = new int[size];
                System.arraycopy(q, s * size, v, 0, size);
                samples.get(s).put(in.name(), v);
            }
        }
        return new Samples(samples, notes);
    }

    private static String joined(List<Integer> dims) {
        return String.join(", ", dims.stream().map(String::valueOf).toList());
    }

    /** {@code simulate}: the integer program on every sample, outputs raw or dequantized. */
    static int simulate(SimulateCommand c, Path file, QGraph g) {
        if (c.mode == SimulateCommand.Mode.FLOAT || c.compare) {
            throw new McugenException(Diag.MCG_CLI_USAGE, c.compare ? "--compare" : "--mode float", file
                    + " is a quantized .tflite: it runs with its own integers (--mode fixed) and holds no float model to"
                    + " compare with");
        }
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
                        f[i] = (float) t.dequantize(q[i]);
                    }
                    files.write(out.get(k), Npy.toBytes(NpyArray.ofFloat32(shape, f)));
                    w.printf("%s: %d sample(s), output '%s' %s dequantized -> %s%n", Text.clip(g.name(), 80), n,
                            Text.clip(name, 80), shape, out.get(k));
                }
            }
            files.commit(w);
        }
        w.flush();
        return ExitCodes.OK;
    }

    private static QNode node(QGraph g, String name) {
        return g.nodes().stream().filter(x -> x.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no node '" + name + "'"));
    }

    /**
     * {@code verify}: generates the C of the file's integer graph, runs it on the target on the first
     * {@code --samples} samples and checks every output integer against the simulator; writes the C,
     * the harness and report.json into the output folder.
     */
    static int verify(VerifyCommand c, Path file, QGraph g, String id) {
        if (c.quant.targets.size() != 1 || c.quant.targets.get(0) == QuantOptions.Target.JAVA) {
            throw new McugenException(Diag.MCG_CLI_USAGE, "--target", file + " is a quantized .tflite: verify it on one C"
                    + " target at a time (host, cortex-m0 ... m55, neon)");
        }
        if (c.minTop1 != null || c.minSqnr != null || c.junit != null || c.boardOptions.board != null) {
            throw new McugenException(Diag.MCG_CLI_USAGE, c.minTop1 != null ? "--min-top1" : c.minSqnr != null ? "--min-sqnr"
                    : c.junit != null ? "--junit" : "--board", "does not apply to a quantized .tflite yet (it has no"
                    + " float model to compare with)");
        }
        QuantOptions.Target qt = c.quant.targets.get(0);
        PrintWriter w = c.spec.commandLine().getOut();
        Samples data = read(g, c.data);
        data.notes().forEach(note -> c.spec.commandLine().getErr().println("mcugen: note: " + note));
        int n = c.samples;
        if (n > data.samples().size()) {
            if (c.spec.commandLine().getParseResult().hasMatchedOption("--samples")) {
                throw new McugenException(Diag.MCG_CLI_USAGE, "--samples", n + " asked but the data holds "
                        + data.samples().size() + " sample(s)");
            }
            n = data.samples().size();
        }
        Target target = Target.fromId(qt.cliName());
        GenOptions gen = CompilePipeline.genOptionsQuantized(id, file, qt);
        CGenerator.Output generated = CompilePipeline.generate(g, gen);
        View.Model view = generated.view();
        EmulatedBoard emulated = EmulatedBoard.choose(g.name(), target, null, view, n);
        emulated.notice().ifPresent(line -> w.println("mcugen: " + line));
        List<String> floatTokens = VerifyCommand.floatTokens(generated.files());

        FixedPointSimulator sim = new FixedPointSimulator(g);
        List<int[]> xs = new ArrayList<>();
        List<int[]> expected = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Map<String, int[]> x = data.samples().get(i);
            xs.add(VerifyCommand.concat(g.inputs().stream().map(in -> x.get(in.name())).toList()));
            Map<String, int[]> y = sim.run(x, IntObserver.NONE);
            expected.add(VerifyCommand.concat(g.outputs().stream().map(y::get).toList()));
        }
        expected = VerifyCommand.expectedHook.apply(expected);
        Path dest = c.out != null ? c.out : Path.of("mcugen-out", id + "-verify-" + target.id());
        List<Path> inputs = new ArrayList<>(List.of(file));
        inputs.addAll(c.data);
        Path scratch;
        try {
            scratch = Files.createTempDirectory("mcugen-verify-");
        } catch (IOException e) {
            throw dev.mcugen.ir.IoFailure.writing("temporary folder", "cannot create", e);
        }
        TargetRunner runner = null;
        try (OutputDir dir = OutputDir.open(dest, inputs, c.force, w)) {
            BoardSupport boards = BoardSupport.bundled(scratch.resolve("boards"));
            try {
                runner = target == Target.HOST ? new LocalQemuRunner(boards, scratch.resolve("run"))
                        : TargetRunners.select(boards, scratch.resolve("run"), line -> { });
            } catch (RunnerException e) {
                throw ModelPipeline.failure(target, e);
            }
            ModelPipeline.HarnessChecks checks = ModelPipeline.runHarnessChecks(runner, target, emulated.machine(), dir.dir(),
                    generated, List.of(gen.banner().get(gen.banner().size() - 1)), xs, expected, RUN_TIMEOUT, line -> { });
            McugenException differs = checks.firstFailure();
            if (differs == null && !floatTokens.isEmpty()) {
                differs = new McugenException(Diag.MCG_VERIFY_SOFT_FLOAT, id, "the generated C uses float or double: "
                        + String.join(", ", floatTokens));
            }
            if (differs != null) {
                throw differs;
            }
            ModelPipeline.HarnessRun hr = checks.passed();
            RunResult r = hr.run();
            int values = expected.get(0).length;
            Long instructions = r.instructionCounts().isEmpty() ? null : r.instructionCounts().get(0);
            Long stack = r.stackBytes().isEmpty() ? null : r.stackBytes().get(0);
            ObjectNode root = ContractReport.mapper().createObjectNode();
            root.put("model", g.name());
            root.put("name", id);
            root.put("target", target.id());
            root.put("runner", hr.how());
            root.put("parameters", "from the file: every scale, zero point and per-channel multiplier of the quantized"
                    + " .tflite, with TFLite's integer semantics (nothing calibrated)");
            root.put("bit_exact", true);
            root.put("samples", n);
            root.put("outputs_per_sample", values);
            if (target.isCortexM()) {
                root.put("soft_float_symbols", 0);
            }
            VerifyCommand.costJson(root, r, instructions, stack);
            emulated.into(root);
            Files.writeString(dir.dir().resolve("report.json"),
                    ContractReport.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n");
            dir.commit();
            w.printf("%s on %s (%s): %d sample(s) x %d outputs bit-exact with the simulator%n", id, target.id(), hr.how(),
                    n, values);
            w.println("parameters: from the file (its scales, zero points and per-channel multipliers; TFLite's integer"
                    + " semantics), nothing calibrated");
            if (view.streaming()) {
                w.printf("streaming: _reset + %s x _step equals _invoke on all %d sample(s)%n", view.stream().timeSteps(),
                        hr.streamed());
            }
            w.println(VerifyCommand.costLine(r, instructions, stack));
            w.printf("-> %s%n", dest.resolve("report.json"));
            w.flush();
        } catch (IOException e) {
            throw dev.mcugen.ir.IoFailure.writing(dest.toString(), "cannot write", e);
        } finally {
            if (runner != null) {
                runner.close();
            }
            VerifyCommand.deleteTree(scratch);
        }
        return ExitCodes.OK;
    }

    /**
     * {@code build}: the C of the file's integer graph (refused before anything is written when the
     * runtime cannot run it or the board cannot hold it) with report.json into the output folder.
     */
    static int build(BuildCommand c, Path file, QGraph g, String id, java.util.Optional<dev.mcugen.compiler.TargetBoard> board) {
        QuantOptions.Target qt = c.quant.target();
        if (qt == QuantOptions.Target.JAVA) {
            throw new McugenException(Diag.MCG_CLI_USAGE, "--target java", file + " is a quantized .tflite: it builds C"
                    + " for host, cortex-m0 ... m55 or neon");
        }
        PrintWriter w = c.spec.commandLine().getOut();
        GenOptions gen = CompilePipeline.genOptionsQuantized(id, file, qt);
        if (board.isPresent()) {
            gen = CompilePipeline.withBoard(gen, board.get());
        }
        gen = c.ioFormats.apply(gen);
        CGenerator.Output generated = CompilePipeline.generate(g, gen);
        Path target = c.out != null ? c.out : Path.of("mcugen-out", id);
        try (OutputDir dir = OutputDir.open(target, List.of(file), c.force, w)) {
            ObjectNode root = ContractReport.mapper().createObjectNode();
            root.put("model", g.name());
            root.put("name", id);
            root.put("target", qt.cliName());
            root.put("parameters", "from the file: every scale, zero point and per-channel multiplier of the quantized"
                    + " .tflite, with TFLite's integer semantics (nothing calibrated)");
            root.put("layers", g.nodes().size());
            root.set(ReportHtml.MODEL_MEMORY, ModelMemory.json(generated.view().footprint(), null, null, qt.cliName(), false));
            Files.writeString(dir.dir().resolve("report.json"),
                    ContractReport.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n");
            generated.write(dir.dir());
            dir.commit();
        } catch (IOException e) {
            throw dev.mcugen.ir.IoFailure.writing(target.toString(), "cannot write", e);
        }
        w.printf("%s: %d layers, parameters from the file (TFLite's integer semantics), nothing calibrated -> %s%n", id,
                g.nodes().size(), target.resolve("report.json") + " + " + id + ".c/.h");
        w.flush();
        return ExitCodes.OK;
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
