package dev.mcugen.compiler;

import dev.mcugen.ir.Names;
import dev.mcugen.gen.CGenerator;
import dev.mcugen.gen.GenOptions;
import dev.mcugen.ir.Diag;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.ImportedModel;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.ModelLoader;
import dev.mcugen.ir.calib.CalibrationResult;
import dev.mcugen.ir.calib.RangeClipper;
import dev.mcugen.ir.calib.RangeMethod;
import dev.mcugen.ir.data.Layouts;
import dev.mcugen.ir.calib.Calibrator;
import dev.mcugen.ir.interp.Batch;
import dev.mcugen.ir.interp.Progress;
import dev.mcugen.scale.QuantOptions;
import dev.mcugen.scale.QuantizedModel;
import dev.mcugen.scale.Quantizer;
import dev.mcugen.scale.ff.ActivationFolding;
import dev.mcugen.scale.ff.BatchNormFolding;
import dev.mcugen.scale.ff.BiasCorrection;
import dev.mcugen.scale.ff.ClampRanges;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * The one home of mcugen's compile pipeline: {@link #load} (any model format), {@link #quantize}
 * (fold batch norm, calibrate, solve the contract system), {@link #genOptions} (banner and the
 * board's memory budget) and {@link #generate} (lower to C and render). The command line's
 * {@code build}, {@code verify} and {@code simulate} and the benchmark suite all go through it, so the
 * C that {@code verify} proves on a target is the C that {@code build} writes.
 */
public final class CompilePipeline {
    private CompilePipeline() {
    }

    /** Reads {@code model} in whatever format it is (see {@link ModelLoader}). */
    public static ImportedModel load(Path model) {
        return ModelLoader.open(model);
    }

    /**
     * The integer graph of an already quantized model (an int8 {@code .tflite}): the file's own scales,
     * zero points and per-channel parameters with TFLite's integer semantics, nothing calibrated or
     * solved; empty for any other model, which {@link #load} and {@link #quantize} handle.
     */
    public static java.util.Optional<dev.mcugen.ir.quant.QGraph> loadQuantized(Path model) {
        Path file = ModelLoader.resolve(model);
        if (ModelLoader.detect(file) != ModelLoader.Format.TFLITE) {
            return java.util.Optional.empty();
        }
        return dev.mcugen.ir.tflite.TfliteImporter.loadQuantized(file);
    }

    /**
     * Generator options for a model quantized in its file ({@link #loadQuantized}): the banner records
     * the file's hash and that every integer parameter came from it.
     */
    public static GenOptions genOptionsQuantized(String id, Path modelFile, QuantOptions.Target target) {
        List<String> banner = new java.util.ArrayList<>(List.of("model file: " + modelFile.getFileName() + " sha256 "
                + sha256(modelFile), "parameters: the file's own scales, zero points and per-channel multipliers (TFLite"
                + " integer semantics)"));
        if (dev.mcugen.ir.tflite.TfliteFileParameters.read(modelFile).floatIo()) {
            // The file's QUANTIZE / DEQUANTIZE edges are the caller's: the C stays float-free.
            banner.add("float I/O: the file takes and returns float32 through its QUANTIZE and DEQUANTIZE ops; this C takes"
                    + " and returns their integers: quantize each input as TFLite's QUANTIZE does, q = clamp(round(x /"
                    + " scale) + zero_point) with the input's scale and zero point below (x / scale in float32, ties away"
                    + " from zero), and dequantize each output as real = scale * (q - zero_point)");
        }
        banner.add("options: --target " + target.cliName());
        return new GenOptions(id, banner, Boards.budget(target), target);
    }

    /** Lowers an integer graph quantized in its file ({@link #loadQuantized}) to C and renders it. */
    public static CGenerator.Output generate(dev.mcugen.ir.quant.QGraph graph, GenOptions options) {
        return new CGenerator().build(graph, options);
    }

    /**
     * Calibrates {@code original} on {@code calibration} and quantizes it. Batch normalization, then a
     * stand-alone activation, fold into the layer before them first (the folded layer keeps the last
     * folded layer's name), so calibration sees the tensors the integer model will have.
     */
    public static QuantizedModel quantize(Graph original, Batch calibration, QuantOptions options, Progress progress) {
        return quantize(original, calibration, options, RangeMethod.MINMAX, progress).model();
    }

    /** A quantized model with the ranges it was quantized over and what their selection clipped. */
    public record Quantized(QuantizedModel model, RangeClipper.Selection calibration) {
    }

    /**
     * {@link #quantize(Graph, Batch, QuantOptions, Progress)} with each tensor's range chosen by
     * {@code method} ({@code --calibration-method}); min/max gives the same model as that method.
     */
    public static Quantized quantize(Graph original, Batch calibration, QuantOptions options, RangeMethod method,
                                     Progress progress) {
        Graph g = ActivationFolding.fold(BatchNormFolding.fold(original));
        CalibrationResult seen = new Calibrator(g).calibrate(calibration, progress);
        int bits = options.precision() == QuantOptions.Precision.INT16 ? 16 : 8;
        RangeClipper.Selection selection = RangeClipper.select(seen, method, bits);
        // Depthwise layers always, Dense and convolutions under nearest rounding: under GPTQ rounding their
        // recipe corrects the bias itself from the weights it actually chose.
        Graph corrected = BiasCorrection.correct(g, calibration, options);
        // Sequential rounding fits each layer, as it is lowered, to the float model's own output (g,
        // before any bias correction) over the calibration data replayed through the integer layers so far.
        dev.mcugen.scale.LayerReplay replay = options.weightRounding() == QuantOptions.WeightRounding.SEQUENTIAL
                ? new dev.mcugen.scale.LayerReplay(g, calibration) : null;
        return new Quantized(Quantizer.quantize(corrected, ClampRanges.narrow(corrected, selection.ranges()), options,
                dev.mcugen.scale.Recipes::of, replay), selection);
    }

    /**
     * Generator options for {@code id}: the banner records the model file's hash and every option
     * (so a folder says what made it), and a Cortex-M target brings its board's memory budget.
     */
    public static GenOptions genOptions(String id, Path modelFile, QuantOptions o) {
        return new GenOptions(id, List.of("model file: " + modelFile.getFileName() + " sha256 " + sha256(modelFile),
                optionsLine(o)), Boards.budget(o.target()), o.target());
    }

    /**
     * {@link #genOptions(String, Path, QuantOptions)} for an imported model: where the source framework
     * lays out an input or output in another axis order than the C (an ONNX model from PyTorch takes
     * NCHW; the C is channels last), the banner of the generated files says so, tensor by tensor.
     */
    public static GenOptions genOptions(String id, ImportedModel model, Path modelFile, QuantOptions o) {
        GenOptions base = genOptions(id, modelFile, o);
        List<String> banner = new java.util.ArrayList<>(base.banner());
        Graph g = model.graph();
        java.util.Map<String, dev.mcugen.ir.Shape> shapes = g.shapes();
        for (String tensor : shapes.keySet()) {
            int[] perm = Layouts.samplePerm(model, tensor);
            if (perm != null) {
                dev.mcugen.ir.Shape ir = shapes.get(tensor);
                dev.mcugen.ir.Shape src = new dev.mcugen.ir.Shape(Layouts.permuteDims(ir.dims(), Layouts.inverse(perm)));
                banner.add("layout: " + (g.outputs().contains(tensor) ? "output" : "input") + " '" + commentSafe(tensor)
                        + "' is " + ir + " here (row-major, channels last); the " + model.format().label()
                        + " model holds it as " + src + ": transpose axes " + java.util.Arrays.toString(perm)
                        + " of the source layout to get this one");
            }
        }
        return new GenOptions(base.id(), banner, base.budget(), base.target());
    }

    /**
     * {@code options} with the range method in the banner when it is not min/max (the default, left
     * unsaid so the banner of default builds stays as it was): ranges clipped by another method give
     * other C, and the folder must say what made it.
     */
    public static GenOptions withRangeMethod(GenOptions options, RangeMethod method) {
        if (method == RangeMethod.MINMAX) {
            return options;
        }
        List<String> banner = new java.util.ArrayList<>(options.banner());
        banner.add("calibration method: " + method.cliName());
        return new GenOptions(options.id(), banner, options.budget(), options.target());
    }

    /**
     * {@code options} checked against {@code board} instead of the target's QEMU board; a board the
     * user gave ({@code --board}, {@code --flash}, {@code --ram}) is named in the banner, so the
     * generated files say which chip they are for.
     */
    public static GenOptions withBoard(GenOptions options, TargetBoard board) {
        List<String> banner = new java.util.ArrayList<>(options.banner());
        if (!board.emulated()) {
            banner.add(board.bannerLine());
        }
        return new GenOptions(options.id(), banner, board.budget(), options.target());
    }

    /** A name fit for a C comment line: letters, digits and a few punctuation marks; anything else becomes '?'. */
    /** {@code name} cut to 60 characters for a banner line, then made comment-safe (see {@link Names#cComment}). */
    private static String commentSafe(String name) {
        return Names.cComment(dev.mcugen.ir.Text.clip(name, 60));
    }

    /** Lowers the quantized model to C and renders it (files in memory; {@link CGenerator#write} stores them). */
    public static CGenerator.Output generate(QuantizedModel model, GenOptions options) {
        return new CGenerator().build(model.graph(), options);
    }

    /** The quantization options as a command line. */
    public static String optionsLine(QuantOptions o) {
        return String.format(Locale.ROOT, "options: --target %s --precision %s --rescale %s --activation %s%s%s%s",
                o.target().cliName(), o.precision().name().toLowerCase(Locale.ROOT),
                o.rescale().name().toLowerCase(Locale.ROOT), o.activation().name().toLowerCase(Locale.ROOT),
                o.perChannel() ? " --per-channel" : "", o.dropSoftmax() ? " --drop-softmax" : "",
                // The default rounding is left unsaid, so the banner of default builds stays as it was.
                o.weightRounding() == QuantOptions.WeightRounding.NEAREST ? ""
                        : " --weight-rounding " + o.weightRounding().name().toLowerCase(Locale.ROOT));
    }

    /** The SHA-256 of a file, streamed (model files can be large). */
    static String sha256(Path file) {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            MessageDigest md = ((DigestInputStream) in).getMessageDigest();
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new McugenException(Diag.MCG_IO_FAILED, file.toString(), "cannot read: " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
