package dev.mcugen.gen;

import dev.mcugen.ir.Names;
import dev.mcugen.ir.fixed.IoFormat;
import dev.mcugen.scale.QuantOptions;

import java.util.List;

/**
 * What the generator needs besides the quantized model.
 *
 * @param id      C identifier prefix of every generated name ({@code <id>_invoke}, ...)
 * @param banner  extra banner lines (model source hash, options), printed as given
 * @param budget  the memory of the board the code is for, or null (no check)
 * @param target  the target the code is for: it picks the flash layout of the int8 weight matrices
 *                ({@link WeightLayout}); the C still runs bit-exact on every target, only fastest on
 *                this one
 * @param inputFormat  how the caller stores input values ({@code --input-format}): the C gets
 *                     {@code <id>_quantize_input} from it; null: no helper
 * @param outputFormat how the caller wants output values ({@code --output-format}): the C gets
 *                     {@code <id>_dequantize_output}; null: no helper
 */
public record GenOptions(String id, List<String> banner, Budget budget, QuantOptions.Target target, IoFormat inputFormat,
                         IoFormat outputFormat) {
    public GenOptions {
        String why = Names.checkCIdentifier(id);
        if (why != null) {
            // callers pass Names.cIdentifier(...) or a checked --name: this is a programming error
            throw new IllegalArgumentException("'" + id + "' " + why);
        }
        banner = List.copyOf(banner);
        if (target == null) {
            target = QuantOptions.Target.HOST;
        }
    }

    /** Options without caller formats (no conversion helpers). */
    public GenOptions(String id, List<String> banner, Budget budget, QuantOptions.Target target) {
        this(id, banner, budget, target, null, null);
    }

    /** Options for the host target. */
    public GenOptions(String id, List<String> banner, Budget budget) {
        this(id, banner, budget, QuantOptions.Target.HOST);
    }

    /** Options without a memory budget, for the host target. */
    public GenOptions(String id, List<String> banner) {
        this(id, banner, null, QuantOptions.Target.HOST);
    }

    /** These options for another target. */
    public GenOptions withTarget(QuantOptions.Target t) {
        return new GenOptions(id, banner, budget, t, inputFormat, outputFormat);
    }

    /**
     * These options with the caller's formats (either may be null), recorded in the banner: the
     * helpers they make are part of the generated code.
     */
    public GenOptions withIoFormats(IoFormat in, IoFormat out) {
        if (in == null && out == null) {
            return new GenOptions(id, banner, budget, target, null, null);
        }
        List<String> b = new java.util.ArrayList<>(banner);
        b.add("caller formats:" + (in == null ? "" : " --input-format " + in.spelling())
                + (out == null ? "" : " --output-format " + out.spelling()));
        return new GenOptions(id, b, budget, target, in, out);
    }

    /**
     * A board's memory: the generator refuses a model whose context (arena and state) plus the
     * board's stack reserve exceeds {@code ramBytes}, or whose constants exceed {@code flashBytes}.
     *
     * @param where        the board and target, for the message (e.g. "cortex-m0 (microbit)")
     * @param flashBytes   flash
     * @param ramBytes     RAM
     * @param stackBytes   the stack the board keeps free in RAM
     */
    public record Budget(String where, long flashBytes, long ramBytes, long stackBytes) {
    }
}
