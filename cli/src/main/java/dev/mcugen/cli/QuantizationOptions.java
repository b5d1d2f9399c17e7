package dev.mcugen.cli;

import dev.mcugen.ir.Diag;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.GraphInput;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.Names;
import dev.mcugen.ir.calib.RangeMethod;
import dev.mcugen.scale.QuantOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;

/**
 * The quantization options {@code build}, {@code verify} and {@code simulate --mode fixed} share
 * (DESIGN §1: the same option means the same thing in every command).
 */
final class QuantizationOptions {
    @Option(names = "--target", paramLabel = "T", defaultValue = "host", converter = TargetConverter.class, split = ",",
            description = "host, cortex-m0, cortex-m3, cortex-m4, cortex-m7, cortex-m33, cortex-m55, neon, or java (a Java class, quantized as for host)"
                    + " (default: ${DEFAULT-VALUE};"
                    + " with --board, the board's core); decides --rescale auto (verify takes several: T,T... or --target repeated)")
    List<QuantOptions.Target> targets;

    /** The command this mixin belongs to (named when several targets are refused). */
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /**
     * The one target of a command that takes one: several (which only {@code verify} runs) are refused
     * here with a usage error naming the command.
     */
    QuantOptions.Target target() {
        if (targets.size() != 1) {
            throw new McugenException(Diag.MCG_CLI_USAGE, "--target", command.name() + " takes one target, got "
                    + targets.stream().map(QuantOptions.Target::cliName).toList() + " (verify runs several)");
        }
        return targets.get(0);
    }

    @Option(names = "--calibration", paramLabel = "DATA",
            description = "representative float32 (or float64, converted) .npy [N, ...input shape]; repeat once per model"
                    + " input, in input order"
                    + " (default: calibration.npy beside the model, calibration_<input>.npy per input with several inputs)")
    List<Path> calibration;

    @Option(names = "--calibration-method", paramLabel = "M", defaultValue = "minmax",
            description = "how each tensor's range is chosen: minmax (every value seen), percentile (99.99th on each side)"
                    + " or mse (the clip minimizing quantization error) (default: ${DEFAULT-VALUE})")
    RangeMethod calibrationMethod;

    @Option(names = "--precision", paramLabel = "P", defaultValue = "int8",
            description = "activation precision: int8 or int16 (weights stay int8; default: ${DEFAULT-VALUE})")
    QuantOptions.Precision precision;

    @Option(names = "--rescale", paramLabel = "R", defaultValue = "auto",
            description = "auto (shift-only on cortex-m0, multiplier elsewhere), pot (every rescale a shift) or multiplier (default: ${DEFAULT-VALUE})")
    QuantOptions.Rescale rescale;

    @Option(names = "--activation", paramLabel = "A", defaultValue = "lut",
            description = "int16 sigmoid/tanh: lut (256-entry table, interpolated) or poly (table-free) (default: ${DEFAULT-VALUE})")
    QuantOptions.ActivationImpl activation;

    @Option(names = "--per-channel", description = "quantize weights per output channel instead of per tensor (depthwise layers always are)")
    boolean perChannel;

    @Option(names = "--weight-rounding", paramLabel = "W", defaultValue = "nearest",
            description = "which int8 grid point each Dense/conv weight takes: gptq (compensates each rounding error"
                    + " over the calibration data, then corrects the bias), sequential (gptq layer after layer on the"
                    + " inputs the integer layers before produce, fitted to the float model's output) or nearest"
                    + " (default: ${DEFAULT-VALUE})")
    QuantOptions.WeightRounding weightRounding;

    @Option(names = "--weight-bits", paramLabel = "N|FILE.json|auto",
            description = "weight word length: N (2..8) for every weight group, FILE.json (per group, as mcugen analyze"
                    + " --budget ... --out writes) or auto (analyze's search within --budget on the calibration data);"
                    + " 4- and 2-bit weights are stored packed (default: 8)")
    String weightBits;

    @Option(names = "--weight-quant", paramLabel = "Q",
            description = "how weight groups below 8 bits are quantized: l2 (least squared error), minmax or balanced"
                    + " (default: the --weight-bits file's, else l2)")
    String weightQuant;

    @Option(names = "--budget", paramLabel = "METRIC=VALUE",
            description = "with --weight-bits auto: the accuracy the search may give up, top1=POINTS, sqnr=DB or mse=VALUE")
    String budget;

    @Option(names = "--drop-softmax",
            description = "leave out a final softmax and output its int32 logits (when only the arg-max matters)")
    boolean dropSoftmax;

    /**
     * Refuses {@code --weight-bits} / {@code --weight-quant} for {@code file}, a quantized .tflite whose
     * integers are its own ({@code MCG_CLI_WEIGHT_BITS}).
     */
    void refuseWeightBits(Path file) {
        if (weightBits != null || weightQuant != null) {
            throw new McugenException(Diag.MCG_CLI_WEIGHT_BITS, weightBits != null ? "--weight-bits" : "--weight-quant",
                    file + " is a quantized .tflite: its weights keep the file's own integers (give the float model)");
        }
    }

    QuantOptions toOptions() {
        return new QuantOptions(precision, rescale, activation, perChannel, target(), dropSoftmax,
                weightRounding);
    }

    /**
     * The calibration files: as given, else beside the model: {@code calibration.npy} for a
     * single-input model, {@code calibration_<input>.npy} per input (the input's name made file-safe:
     * letters, digits and '_') for a model with several inputs.
     */
    List<Path> calibrationFiles(Path modelFile, Graph g) {
        if (calibration != null) {
            return calibration;
        }
        Path dir = modelFile.toAbsolutePath().getParent();
        if (g.inputs().size() == 1) {
            Path beside = dir.resolve("calibration.npy");
            if (!Files.isRegularFile(beside)) {
                throw new McugenException(Diag.MCG_CLI_USAGE, "--calibration",
                        "not given and there is no calibration.npy beside " + modelFile + "; pass representative data with --calibration DATA");
            }
            return List.of(beside);
        }
        List<Path> files = new ArrayList<>();
        for (GraphInput in : g.inputs()) {
            Path f = dir.resolve(defaultCalibrationName(in.name()));
            if (!Files.isRegularFile(f)) {
                throw new McugenException(Diag.MCG_CLI_USAGE, "--calibration", "not given and there is no " + f.getFileName()
                        + " beside " + modelFile + " for input '" + in.name() + "'; pass representative data with --calibration"
                        + " once per input, in input order " + g.inputs().stream().map(GraphInput::name).toList());
            }
            files.add(f);
        }
        return files;
    }

    /** The default calibration file of input {@code input} of a model with several inputs. */
    static String defaultCalibrationName(String input) {
        return "calibration_" + Names.cFragment(input) + ".npy";
    }

    /** Accepts the CLI spelling cortex-m4 as well as the enum name. */
    static final class TargetConverter implements ITypeConverter<QuantOptions.Target> {
        @Override
        public QuantOptions.Target convert(String value) {
            for (QuantOptions.Target t : QuantOptions.Target.values()) {
                if (t.cliName().equals(value.toLowerCase(Locale.ROOT))) {
                    return t;
                }
            }
            throw new picocli.CommandLine.TypeConversionException("unknown target '" + value
                    + "'; expected host, cortex-m0, cortex-m3, cortex-m4, cortex-m7, cortex-m33, cortex-m55, neon or java");
        }
    }
}
