package dev.mcugen.cli;

import dev.mcugen.ir.Graph;
import dev.mcugen.ir.GraphInput;
import dev.mcugen.ir.Diag;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.ImportedModel;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.Text;
import dev.mcugen.ir.data.Layouts;
import dev.mcugen.ir.ModelLoader;
import dev.mcugen.ir.ModelStats;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.calib.CalibrationResult;
import dev.mcugen.ir.calib.Calibrator;
import dev.mcugen.ir.calib.TensorRange;
import dev.mcugen.ir.interp.Batch;
import dev.mcugen.scale.QuantOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code mcugen inspect MODEL}: layers, shapes, parameters and MACs; calibrated ranges with data. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = {"Show a model's layers, shapes, parameter and MAC counts.",
                "With --calibration, also run the data through the float model and show every tensor's range,",
                "including the gates, cell and hidden state of recurrent layers.",
                "A quantized .tflite: per layer its scales and zero points as the file states them, the contracts they",
                "hold or violate (zero points, bias scales, multipliers, accumulator bounds), flash and RAM in the C."})
final class InspectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    ModelArgument modelArg;

    @Option(names = "--calibration", paramLabel = "DATA",
            description = "float32 (or float64, converted) .npy of shape [N, ...input shape], one per model input, to show"
                    + " calibrated ranges")
    List<Path> calibration;

    @Option(names = "--weight-bits", paramLabel = "N|FILE.json",
            description = "also show each layer's weight flash at these word lengths: N (2..8) for every weight group or"
                    + " FILE.json (per group, as mcugen analyze --budget ... --out writes); 4 and 2 bits packed")
    String weightBits;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Path file = ModelLoader.resolve(modelArg.model);
        java.util.Optional<dev.mcugen.ir.quant.QGraph> quantized = dev.mcugen.compiler.CompilePipeline.loadQuantized(file);
        if (quantized.isPresent()) {
            // quantized in its file: its own parameters per layer and the contracts they hold
            if (calibration != null) {
                throw new McugenException(Diag.MCG_CLI_USAGE, "--calibration", file + " is a quantized .tflite: its"
                        + " ranges are its scales and zero points, nothing to calibrate");
            }
            return QuantizedTflite.inspect(out, file, quantized.get());
        }
        ImportedModel model = ModelLoader.open(file);
        ModelLoader.Format format = model.format();
        Graph g = model.graph();
        ModelStats stats = ModelStats.of(g);

        out.printf("model   %s (%s, %s)%n", Text.clip(g.name(), 80), format.label(), file);
        out.printf("C name  %s%n", dev.mcugen.ir.ModelNames.choose(g.name(), file).describe(g.name()));
        for (int k = 0; k < g.inputs().size(); k++) {
            GraphInput in = g.inputs().get(k);
            // With several inputs: the place of each one's --data / --calibration file.
            out.printf("input   %s %s%s%s%n", Text.clip(in.name(), 80), in.shape(), sourceLayout(model, in.name(), in.shape()),
                    g.inputs().size() == 1 ? "" : " (data file " + (k + 1) + " of " + g.inputs().size() + ")");
        }
        out.println();
        QuantOptions.WeightBits bits = null;
        if (weightBits != null) {
            if (weightBits.strip().equalsIgnoreCase("auto")) {
                throw new McugenException(Diag.MCG_CLI_WEIGHT_BITS, "--weight-bits auto", "searches on data: run mcugen"
                        + " analyze --budget ... --out FILE.json, then inspect --weight-bits FILE.json");
            }
            bits = WeightBitsChoice.resolve(g, weightBits, null, null, null, out);
        }
        List<String> header = new java.util.ArrayList<>(List.of("layer", "source op", "op", "inputs", "output", "params",
                "MACs"));
        if (bits != null) {
            header.add("weight flash (B)");
        }
        Table t = new Table(header.toArray(String[]::new));
        long flash = 0;
        long int8 = 0;
        for (ModelStats.LayerStats l : stats.layers()) {
            var node = g.node(l.name()).orElseThrow();
            List<String> row = new java.util.ArrayList<>(List.of(Text.clip(l.name(), 60),
                    Text.clip(model.sourceOps().getOrDefault(l.name(), ""), 60), describe(node.op()),
                    Text.clip(String.join(",", node.inputs()), 80), l.outputShape().toString(),
                    Long.toString(l.parameters()), macs(l.macs(), l.macsPerStep())));
            if (bits != null) {
                long b = WeightFlash.bytes(node, bits);
                flash += b;
                int8 += WeightFlash.bytes(node, QuantOptions.WeightBits.INT8);
                row.add(b == 0 ? "" : Long.toString(b));
            }
            t.row(row.toArray(String[]::new));
        }
        List<String> total = new java.util.ArrayList<>(List.of("total", "", "", "", "", Long.toString(stats.parameters()),
                stats.macs() == ModelStats.UNKNOWN ? "per step only" : Long.toString(stats.macs())));
        if (bits != null) {
            total.add(Long.toString(flash));
        }
        t.row(total.toArray(String[]::new));
        t.print(out);
        if (bits != null) {
            out.printf(java.util.Locale.ROOT, "weights %s at the stored width (4 and 2 bits packed; int8 weights: %s, %.1f %%)"
                    + "; biases and rescales come on top%n", bytes(flash), bytes(int8), int8 == 0 ? 100.0 : 100.0 * flash / int8);
        }
        out.println();
        out.printf("outputs %s%n", String.join(", ", g.outputs().stream()
                .map(o -> Text.clip(o, 80) + " " + g.shapes().get(o) + sourceLayout(model, o, g.shapes().get(o))).toList()));
        out.printf("params  %d (%s as float32)%n", stats.parameters(), bytes(stats.parameters() * 4));
        if (stats.macs() != ModelStats.UNKNOWN) {
            out.printf("MACs    %d per inference%n", stats.macs());
        } else {
            out.printf("MACs    the model's sequence length is open; figures are per time step%n");
        }

        if (calibration != null) {
            Batch data = common.readData(model, calibration);
            CalibrationResult r;
            try (ProgressBar bar = new ProgressBar("calibrating", !common.noProgress)) {
                r = new Calibrator(g).calibrate(data, bar::update);
            }
            out.println();
            out.printf("calibrated ranges over %d sample(s)%n", data.size());
            Table rt = new Table("tensor", "min", "max");
            for (TensorRange range : r.ranges()) {
                rt.row(range.tensor(), fmt(range.min()), fmt(range.max()));
            }
            rt.print(out);
        }
        out.flush();
        return ExitCodes.OK;
    }

    /**
     * How a tensor the source framework lays out differently is given and returned as data, e.g.
     * {@code " (data as [1, 28, 28], PyTorch's layout)"}; empty where the layouts agree.
     */
    private static String sourceLayout(ImportedModel model, String tensor, Shape irShape) {
        int[] perm = Layouts.samplePerm(model, tensor);
        if (perm == null) {
            return "";
        }
        return " (.npy data as " + new Shape(Layouts.permuteDims(irShape.dims(), Layouts.inverse(perm)))
                + ", the source framework's layout; the generated C uses " + irShape + ")";
    }

    /** The op with the attributes a reader checks first: activation, window, direction. */
    static String describe(Op op) {
        if (op instanceof Op.Dense d) {
            return "dense " + d.activation().kerasName();
        }
        if (op instanceof Op.Conv1D c) {
            return "conv1d k" + c.kernelSize() + " s" + c.stride() + (c.dilation() > 1 ? " d" + c.dilation() : "")
                    + " " + c.padding().kerasName() + " " + c.activation().kerasName();
        }
        if (op instanceof Op.Conv2D c) {
            return "conv2d k" + c.kernelH() + "x" + c.kernelW() + " s" + c.strideH() + "x" + c.strideW()
                    + (c.dilationH() * c.dilationW() > 1 ? " d" + c.dilationH() + "x" + c.dilationW() : "")
                    + " " + c.padding().kerasName() + " " + c.activation().kerasName();
        }
        if (op instanceof Op.DepthwiseConv c) {
            boolean oneD = c.spatialRank() == 1;
            return c.kind() + " k" + (oneD ? c.kernelW() : c.kernelH() + "x" + c.kernelW()) + " s"
                    + (oneD ? c.strideW() : c.strideH() + "x" + c.strideW())
                    + (c.dilationH() * c.dilationW() > 1 ? " d" + (oneD ? c.dilationW() : c.dilationH() + "x" + c.dilationW()) : "")
                    + (c.multiplier() > 1 ? " m" + c.multiplier() : "") + " " + c.padding().kerasName() + " "
                    + c.activation().kerasName();
        }
        if (op instanceof Op.Pool p) {
            return p.kind() + " " + p.size().stream().map(String::valueOf).collect(Collectors.joining("x"))
                    + " s" + p.strides().stream().map(String::valueOf).collect(Collectors.joining("x")) + " " + p.padding().kerasName();
        }
        if (op instanceof Op.Act a) {
            return "activation " + a.activation().kerasName();
        }
        if (op instanceof Op.Elementwise e && e.constantOperand() >= 0) {
            return op.kind() + " constant operand " + e.constantOperand();
        }
        if (op instanceof Op.Recurrent r) {
            StringBuilder sb = new StringBuilder(op.kind());
            if (op instanceof Op.Lstm l) {
                sb.append(' ').append(l.activation().kerasName()).append('/').append(l.recurrentActivation().kerasName());
                sb.append(l.peephole() ? " peephole" : "").append(l.layerNorm() ? " layer-norm" : "").append(l.cifg() ? " cifg" : "");
                sb.append(l.projectionUnits() > 0 ? " proj" + l.projectionUnits() : "");
            } else if (op instanceof Op.Gru g) {
                sb.append(' ').append(g.activation().kerasName()).append('/').append(g.recurrentActivation().kerasName());
                sb.append(g.resetAfter() ? " reset-after" : "");
            } else if (op instanceof Op.SimpleRnn s) {
                sb.append(' ').append(s.activation().kerasName());
            }
            sb.append(r.returnSequences() ? " seq" : "").append(r.goBackwards() ? " backwards" : "");
            return sb.toString();
        }
        return op.kind();
    }

    static String macs(long macs, long perStep) {
        return macs == ModelStats.UNKNOWN ? perStep + "/step" : Long.toString(macs);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.6g", v);
    }

    static String bytes(long b) {
        if (b < 10_000) {
            return b + " B";
        }
        if (b < 10_000_000) {
            return String.format(Locale.ROOT, "%.1f KiB", b / 1024.0);
        }
        return String.format(Locale.ROOT, "%.1f MiB", b / 1048576.0);
    }
}
