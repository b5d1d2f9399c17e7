package dev.mcugen.cli;

import dev.mcugen.gen.GenOptions;
import dev.mcugen.ir.Diag;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.Text;
import dev.mcugen.ir.fixed.IoFormat;
import picocli.CommandLine.Option;

/**
 * {@code --input-format} / {@code --output-format}: how the firmware stores the model's input
 * samples and wants its outputs; each adds an integer-only conversion helper to the generated C.
 */
final class IoFormatOptions {
    static final String SYNTAX = "q7, q15, q31, q<m>.<n> (e.g. q3.12), int8|int16|int32:frac=<n> or"
            + " int8|int16|int32:scale=<s> (e.g. int16:scale=1/1000)";

    @Option(names = "--input-format", paramLabel = "FMT", description = "how the firmware stores input samples: " + SYNTAX
            + "; adds <name>_quantize_input() (integer only) to the C")
    String input;

    @Option(names = "--output-format", paramLabel = "FMT", description = "how the firmware wants outputs, same syntax;"
            + " adds <name>_dequantize_output() (integer only) to the C")
    String output;

    /** Refuses a mistyped format before any work (MCG_CLI_USAGE naming the option). */
    void validate() {
        parse("--input-format", input);
        parse("--output-format", output);
    }

    /** {@code options} with the parsed formats (unchanged without the options). */
    GenOptions apply(GenOptions options) {
        IoFormat in = parse("--input-format", input);
        IoFormat out = parse("--output-format", output);
        return in == null && out == null ? options : options.withIoFormats(in, out);
    }

    private static IoFormat parse(String option, String text) {
        if (text == null) {
            return null;
        }
        try {
            return IoFormat.parse(text);
        } catch (IllegalArgumentException e) {
            throw new McugenException(Diag.MCG_CLI_USAGE, option, Text.clip(e.getMessage(), 300));
        }
    }
}
