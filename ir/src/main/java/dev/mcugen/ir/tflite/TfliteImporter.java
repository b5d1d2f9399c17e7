package dev.mcugen.ir.tflite;

import dev.mcugen.ir.Diag;
import dev.mcugen.ir.ImportedModel;
import dev.mcugen.ir.McugenException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Imports a float {@code .tflite} file (TFLite flatbuffer, file identifier {@code TFL3}) into the IR.
 * The file is read once into memory (refused beyond 2 GB, where TFLite itself moves buffers out of
 * the flatbuffer) and parsed by {@link TfliteModel} with every offset, length and index checked
 * against it; {@link TfliteMapper} turns its operators into IR nodes.
 *
 * <p>Quantized files (int8 / uint8 / int16 tensors, QUANTIZE, DEQUANTIZE of integers, hybrid int8
 * weights) are refused here with {@link Diag#MCG_IMPORT_TFLITE_QUANTIZED}; those taking integers are read
 * with their own integers by {@link #loadQuantized} instead. Ops the IR cannot express are refused with
 * {@link Diag#MCG_IMPORT_UNSUPPORTED}; broken files with {@link Diag#MCG_IMPORT_CORRUPT}. Every
 * failure is a {@link McugenException} whose subject is the file.
 */
public final class TfliteImporter {
    /** The TFLite builtin ops the importer maps (some only in the forms the docs name). */
    public static final List<String> SUPPORTED = List.of(
            "ADD", "AVERAGE_POOL_2D", "CONCATENATION", "CONV_2D", "DEPTHWISE_CONV_2D", "DEQUANTIZE", "ELU", "EXPAND_DIMS",
            "FULLY_CONNECTED", "GATHER", "HARD_SWISH", "LEAKY_RELU", "LOGISTIC", "MAXIMUM", "MAX_POOL_2D", "MEAN", "MINIMUM", "MUL",
            "PACK", "PAD", "PADV2", "PRELU", "RELU", "RELU6", "RESHAPE", "RESIZE_NEAREST_NEIGHBOR", "REVERSE_V2", "SHAPE", "SOFTMAX", "SQUEEZE",
            "STRIDED_SLICE", "SUB", "TANH", "TRANSPOSE", "TRANSPOSE_CONV", "UNIDIRECTIONAL_SEQUENCE_LSTM");

    private static final String ELEMENTWISE = "two tensors of equal shape, or one a per-channel vector"
            + " ([C] or [1, ..., 1, C]) or a constant per-channel vector or scalar";

    /** What each op of {@link #SUPPORTED} is limited to, for the docs and refusals. */
    public static final Map<String, String> LIMITS = Map.ofEntries(
            Map.entry("PRELU", "a constant alpha that broadcasts to the input"),
            Map.entry("DEQUANTIZE", "float16 constants only (dequantized at import)"),
            Map.entry("STRIDED_SLICE", "the last time step of an UNIDIRECTIONAL_SEQUENCE_LSTM (return_sequences=False),"
                    + " or computing a RESHAPE's target shape"),
            Map.entry("SHAPE", "only computing a RESHAPE's target shape (a Flatten with a dynamic batch)"),
            Map.entry("PACK", "only computing a RESHAPE's target shape (a Flatten with a dynamic batch)"),
            Map.entry("MEAN", "over the spatial axes only (global average pooling)"),
            Map.entry("SOFTMAX", "beta 1 only"),
            Map.entry("GATHER", "rows (axis 0) of a constant float table by the int32 / int64 token ids of a model input (an"
                    + " embedding)"),
            Map.entry("REVERSE_V2", "one axis other than the batch (the time reversal around the backward LSTM of a Keras"
                    + " Bidirectional layer)"),
            Map.entry("ADD", ELEMENTWISE),
            Map.entry("SUB", ELEMENTWISE),
            Map.entry("MUL", ELEMENTWISE),
            Map.entry("MAXIMUM", ELEMENTWISE),
            Map.entry("MINIMUM", ELEMENTWISE),
            Map.entry("UNIDIRECTIONAL_SEQUENCE_LSTM", "float, batch major, zero initial state; cell_clip is not applied"
                    + " (see TfliteMapper), proj_clip refused"));

    private TfliteImporter() {
    }

    /** Reads {@code file} into an {@link ImportedModel} with each node's TFLite ops as its source ops. */
    public static ImportedModel load(Path file) {
        String where = file.toString();
        byte[] bytes = read(file);
        try {
            TfliteModel model = TfliteModel.parse(new Flat(bytes, where));
            return new TfliteMapper(model, where, graphName(file)).map();
        } catch (McugenException e) {
            if (e.subject().startsWith(where)) {
                throw e;
            }
            throw e.within(where);
        }
    }

    /**
     * The integer graph of a quantized {@code .tflite} (int8 inputs), keeping the file's scales and zero
     * points and TFLite's integer semantics ({@link TfliteQuantMapper}); empty for a float file, which
     * {@link #load} imports.
     */
    public static java.util.Optional<dev.mcugen.ir.quant.QGraph> loadQuantized(Path file) {
        String where = file.toString();
        byte[] bytes = read(file);
        try {
            TfliteModel model = TfliteModel.parse(new Flat(bytes, where));
            if (!TfliteQuantMapper.isQuantized(model)) {
                return java.util.Optional.empty();
            }
            return java.util.Optional.of(new TfliteQuantMapper(model, where, graphName(file)).map());
        } catch (McugenException e) {
            if (e.subject().startsWith(where)) {
                throw e;
            }
            throw e.within(where);
        }
    }

    /** The ops a quantized {@code .tflite} may use (see {@link #loadQuantized}). */
    public static final List<String> SUPPORTED_QUANTIZED = TfliteQuantMapper.SUPPORTED;

    /** The bytes of {@code file}, refused when larger than a flatbuffer addresses. */
    static byte[] bytes(Path file) {
        return read(file);
    }

    private static byte[] read(Path file) {
        try {
            long size = Files.size(file);
            // the flatbuffer's 32-bit offsets cannot address more, and the bytes must fit one array
            if (size > Integer.MAX_VALUE - 8) {
                throw new McugenException(Diag.MCG_IMPORT_UNSUPPORTED, file.toString(), "is " + size
                        + " bytes; mcugen reads .tflite files up to 2 GB");
            }
            byte[] bytes = dev.mcugen.ir.InputFiles.readAll(file);
            if (bytes.length != size) {
                throw new McugenException(Diag.MCG_IO_FAILED, file.toString(), "changed size while being read");
            }
            return bytes;
        } catch (IOException e) {
            throw new McugenException(Diag.MCG_IO_FAILED, file.toString(), "cannot be read: "
                    + dev.mcugen.ir.Text.clip(String.valueOf(e.getMessage()), 200), e);
        }
    }

    private static String graphName(Path file) {
        String n = file.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dev.mcugen.ir.Text.clip(dot > 0 ? n.substring(0, dot) : n, 80);
    }
}
