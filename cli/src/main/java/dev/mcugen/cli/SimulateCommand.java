package dev.mcugen.cli;

import dev.mcugen.ir.ImportedModel;
import dev.mcugen.compiler.CompilePipeline;
import dev.mcugen.ir.Diag;
import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.Text;
import dev.mcugen.ir.ModelLoader;
import dev.mcugen.ir.data.Layouts;
import dev.mcugen.ir.interp.Batch;
import dev.mcugen.ir.interp.FloatInterpreter;
import dev.mcugen.ir.metrics.ErrorMetrics;
import dev.mcugen.ir.npy.Npy;
import dev.mcugen.ir.npy.NpyArray;
import dev.mcugen.ir.npy.NpyDtype;
import dev.mcugen.ir.sim.FixedPointSimulator;
import dev.mcugen.ir.quant.QuantType;
import dev.mcugen.scale.QuantizedModel;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mcugen simulate MODEL --data X.npy --mode float|fixed --out Y.npy}: the float reference, or
 * the fixed-point simulator (quantize the input, run the integer program, dequantize the output).
 */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = {"Run a model in Java on data and write its outputs as .npy.",
                "--mode float runs the float32 reference with the framework's semantics;",
                "--mode fixed calibrates, quantizes and runs the integer program the generated C runs."})
final class SimulateCommand implements Callable<Integer> {
    /** What to run. */
    enum Mode { FLOAT, FIXED }

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    ModelArgument modelArg;

    @Mixin
    QuantizationOptions quant;

    @Option(names = "--data", required = true, paramLabel = "DATA",
            description = "float32 (or float64, converted) .npy of shape [N, ...input shape]; repeat once per model input,"
                    + " in input order")
    List<Path> data;

    @Option(names = "--mode", paramLabel = "MODE",
            description = "float (the float32 reference) or fixed (the integer simulator); required, except for a"
                    + " quantized .tflite, which runs fixed")
    Mode mode;

    @Option(names = "--out", required = true, paramLabel = "OUT.npy",
            description = "where to write the outputs [N, ...output shape]; a model with several outputs writes"
                    + " OUT_<output>.npy per output (or repeat --out once per output, in output order)")
    List<Path> out;

    @Option(names = "--raw", description = "with --mode fixed: write the integer output tensors (int8/int16/int32) instead of dequantized float32")
    boolean raw;

    @Option(names = "--force", description = "replace an --out file that mcugen did not write (never an input"
            + " or a file of the model's folder)")
    boolean force;

    @Option(names = "--compare", description = "with --mode fixed: also run float and print max abs error, RMSE, SQNR, cosine and top-1 agreement")
    boolean compare;

    @Override
    public Integer call() {
        if (mode == null && !quantizedFile()) {
            throw new McugenException(Diag.MCG_CLI_USAGE, "--mode", "is required: float (the float32 reference) or fixed"
                    + " (the integer simulator)");
        }
        if (mode == Mode.FLOAT && (raw || compare)) {
            throw new McugenException(Diag.MCG_CLI_USAGE, raw ? "--raw" : "--compare", "only applies to --mode fixed");
        }
        if (mode == Mode.FLOAT && (quant.weightBits != null || quant.weightQuant != null)) {
            throw new McugenException(Diag.MCG_CLI_USAGE, quant.weightBits != null ? "--weight-bits" : "--weight-quant",
                    "only applies to --mode fixed (the float reference keeps float weights)");
        }
        quant.target(); // one target: refused before anything is read
        Path file = ModelLoader.resolve(modelArg.model);
        java.util.Optional<dev.mcugen.ir.quant.QGraph> inFile = CompilePipeline.loadQuantized(file);
        if (inFile.isPresent()) {
            // quantized in its file (an int8 .tflite): its own integers, nothing to calibrate
            quant.refuseWeightBits(file);
            return QuantizedTflite.simulate(this, file, inFile.get());
        }
        ImportedModel model = CompilePipeline.load(file);
        Graph g = model.graph();
        if (out.size() == 1 && g.outputs().size() > 1) {
            out = perOutput(out.get(0), g.outputs());
        } else if (out.size() != g.outputs().size()) {
            throw new McugenException(Diag.MCG_CLI_USAGE, "--out", "model '" + g.name() + "' has " + g.outputs().size()
                    + " output(s) " + g.outputs() + " but " + out.size() + " --out file(s) were given; give one --out"
                    + " (OUT_<output>.npy is written per output) or one per output");
        }
        Batch in = common.readData(model, data);
        // Checked before anything runs: an --out that is an input, or a file mcugen did not write, is refused.
        List<Path> inputs = new ArrayList<>(data);
        inputs.add(file);
        if (mode == Mode.FIXED) {
            inputs.addAll(quant.calibrationFiles(file, g));
        }
        try (OutputFiles files = OutputFiles.open(out, inputs, file, force)) {
            this.files = files;
            int code = run(file, model, g, in);
            files.commit(spec.commandLine().getOut());
            return code;
        } finally {
            this.files = null;
        }
    }

    /** True when the model is quantized in its file (an int8 .tflite), which needs no --mode. */
    private boolean quantizedFile() {
        Path file = ModelLoader.resolve(modelArg.model);
        return ModelLoader.detect(file) == ModelLoader.Format.TFLITE
                && CompilePipeline.loadQuantized(file).isPresent();
    }

    /**
     * {@code OUT_<name>.npy} beside {@code out} for each output ({@code OUT} is {@code out} without
     * {@code .npy}): the name made file-safe (letters, digits and '_'), names that meet after that,
     * case ignored, take their position in the model's outputs.
     */
    static List<Path> perOutput(Path out, List<String> outputs) {
        String file = out.getFileName().toString();
        String stem = file.endsWith(".npy") ? file.substring(0, file.length() - 4) : file;
        java.util.Set<String> seen = new java.util.HashSet<>();
        List<Path> paths = new ArrayList<>();
        for (int k = 0; k < outputs.size(); k++) {
            String f = dev.mcugen.ir.Names.cFragment(outputs.get(k));
            if (f.isEmpty() || !seen.add(f.toLowerCase(Locale.ROOT))) {
                f = f + (f.isEmpty() ? "" : "_") + k;
                while (!seen.add(f.toLowerCase(Locale.ROOT))) {
                    f = f + "_" + k;
                }
            }
            paths.add(out.resolveSibling(stem + "_" + f + ".npy"));
        }
        return paths;
    }

    /** Where the outputs go until they are moved into place. */
    private OutputFiles files;

    private int run(Path file, ImportedModel model, Graph g, Batch in) {
        PrintWriter w = spec.commandLine().getOut();
        Map<String, FloatTensor> floats = null;
        if (mode == Mode.FLOAT || compare) {
            try (ProgressBar bar = new ProgressBar("float", !common.noProgress)) {
                floats = new FloatInterpreter(g).runBatch(in, bar::update);
            }
        }
        if (mode == Mode.FLOAT) {
            for (int k = 0; k < out.size(); k++) {
                write(w, model, k, floats.get(g.outputs().get(k)), in.size());
            }
            w.flush();
            return ExitCodes.OK;
        }

        QuantizedModel qm = Quantize.run(model, file, quant, common, spec.commandLine().getOut()).model();
        FixedPointSimulator sim = new FixedPointSimulator(qm.graph());
        Map<String, int[]> ints = new LinkedHashMap<>();
        Map<String, List<Integer>> shapes = new LinkedHashMap<>();
        try (ProgressBar bar = new ProgressBar("fixed", !common.noProgress)) {
            for (int i = 0; i < in.size(); i++) {
                Map<String, int[]> y = sim.run(sim.quantizeInputs(in.sample(i)), dev.mcugen.ir.quant.IntObserver.NONE);
                for (String name : g.outputs()) {
                    int[] v = y.get(name);
                    int[] all = ints.computeIfAbsent(name, k -> new int[in.size() * v.length]);
                    System.arraycopy(v, 0, all, i * v.length, v.length);
                    if (i == 0) {
                        List<Integer> s = new ArrayList<>();
                        s.add(in.size());
                        qm.graph().nodes().stream().filter(n -> n.name().equals(name)).findFirst()
                                .ifPresent(n -> s.addAll(n.outputShape().dims()));
                        shapes.put(name, s);
                    }
                }
                bar.update(i + 1, in.size());
            }
        }
        for (int k = 0; k < out.size(); k++) {
            String name = g.outputs().get(k);
            QuantType t = sim.outputType(name);
            int[] q = ints.get(name);
            List<Integer> shape = shapes.get(name);
            if (raw) {
                NpyDtype dtype = t.bits() == 8 ? NpyDtype.INT8 : t.bits() == 16 ? NpyDtype.INT16 : NpyDtype.INT32;
                int[] perm = Layouts.samplePerm(model, name);
                if (perm != null) {
                    // The source framework's axis order, as the float outputs.
                    files.write(out.get(k), Npy.toBytes(NpyArray.ofInts(dtype, Layouts.batchDims(shape, Layouts.inverse(perm)),
                            Layouts.toSource(q, shape, perm))));
                } else {
                    files.write(out.get(k), Npy.toBytes(NpyArray.ofInts(dtype, shape, q)));
                }
                w.printf("%s: %d sample(s), output '%s' %s %s (scale %s, zero point %d) -> %s%n", Text.clip(g.name(), 80), in.size(),
                        Text.clip(name, 80),
                        shape, dtype.descr(), t.scale(), t.zeroPoint(), out.get(k));
            } else {
                float[] f = new float[q.length];
                for (int i = 0; i < q.length; i++) {
                    f[i] = (float) t.dequantize(q[i]);
                }
                write(w, model, k, FloatTensor.of(new dev.mcugen.ir.Shape(shape), f), in.size());
            }
            if (compare) {
                FloatTensor ref = floats.get(name);
                float[] deq = new float[q.length];
                for (int i = 0; i < q.length; i++) {
                    deq[i] = (float) t.dequantize(q[i]);
                }
                ErrorMetrics m = ErrorMetrics.compare(ref.toArray(), deq, in.size(), shape.get(shape.size() - 1));
                w.printf(Locale.ROOT, "output '%s' vs float: on %d sample%s, max |err| %.6g, RMSE %.6g, SQNR %.2f dB, cosine %.6f,"
                                + " top-1 agreement %.2f%%%n",
                        dev.mcugen.ir.Names.terminal(name, 80), in.size(), in.size() == 1 ? "" : "s", m.maxAbsError(), m.rmse(), m.sqnrDb(), m.cosine(), 100 * m.top1Agreement());
            }
        }
        w.flush();
        return ExitCodes.OK;
    }

    /** Writes output {@code k} in the source framework's layout (PyTorch's NCHW for an ONNX model from it). */
    private void write(PrintWriter w, ImportedModel model, int k, FloatTensor irBatch, int n) {
        Graph g = model.graph();
        int[] perm = Layouts.samplePerm(model, g.outputs().get(k));
        FloatTensor y = perm == null ? irBatch : Layouts.toSource(irBatch, perm);
        files.write(out.get(k), Npy.toBytes(NpyArray.ofFloat32(y.shape().dims(), y.toArray())));
        w.printf("%s: %d sample(s), output '%s' %s -> %s%n", Text.clip(g.name(), 80), n, Text.clip(g.outputs().get(k), 80),
                y.shape(), out.get(k));
    }
}
