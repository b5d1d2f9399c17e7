package dev.mcugen.gen;

import dev.mcugen.ir.Diag;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.fixed.IoConversion;
import dev.mcugen.ir.fixed.IoFormat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The helpers that convert the caller's fixed-point samples to a model input and a model output to
 * the caller's format ({@code --input-format}, {@code --output-format}): one
 * {@code <id>_quantize_input} per input and one {@code <id>_dequantize_output} per output (with
 * several, {@code <id>_quantize_input_<name>}...). The integers are {@link IoConversion}'s, fixed
 * here from the format and the port's published scale ({@code SCALE_NUM / 2^SCALE_SHIFT}).
 */
final class IoHelpers {
    private IoHelpers() {
    }

    /** The helpers of a model with these ports; {@code tokenInputs}: inputs holding token ids (no format applies). */
    static List<View.Conversion> of(String id, List<View.Port> inputs, List<View.Port> outputs, Set<String> tokenInputs,
                                    GenOptions opts) {
        List<View.Conversion> list = new ArrayList<>();
        if (opts.inputFormat() != null) {
            for (View.Port p : inputs) {
                if (tokenInputs.contains(p.tensor())) {
                    throw new McugenException(Diag.MCG_GEN_IO_FORMAT, "input '" + p.name() + "'",
                            "takes token ids, not samples: --input-format does not apply (pass the ids as they are)");
                }
                IoConversion c = reference(p, opts.inputFormat(), true);
                String fn = id + "_quantize_" + p.macro().toLowerCase(Locale.ROOT);
                list.add(view(fn, opts.inputFormat().ctype(), p.typeName(), c, List.of(
                        fn + "(src, dst, count): count samples in the caller's format " + opts.inputFormat().spelling()
                                + " (" + opts.inputFormat().ctype() + ", " + opts.inputFormat().meaning() + ")",
                        "to " + p.label().toLowerCase(Locale.ROOT) + " values (" + p.ctype() + ", real = " + p.scale()
                                + " * (" + minusZp(p) + ")), integers only:",
                        "q = saturate(zero_point + round(v * " + c.multiplier() + " / 2^" + c.shift() + "), "
                                + p.qmin() + ", " + p.qmax() + "),",
                        multiplierNote(), roundingNote())));
            }
        }
        if (opts.outputFormat() != null) {
            for (View.Port p : outputs) {
                IoConversion c = reference(p, opts.outputFormat(), false);
                String fn = id + "_dequantize_" + p.macro().toLowerCase(Locale.ROOT);
                list.add(view(fn, p.typeName(), opts.outputFormat().ctype(), c, List.of(
                        fn + "(src, dst, count): count " + p.label().toLowerCase(Locale.ROOT) + " values (" + p.ctype()
                                + ", real = " + p.scale() + " * (" + minusZp(p) + "))",
                        "to the caller's format " + opts.outputFormat().spelling() + " (" + opts.outputFormat().ctype() + ", "
                                + opts.outputFormat().meaning() + "), integers only:",
                        "v = saturate(round((" + minusZp(p) + ") * " + c.multiplier() + " / 2^" + c.shift() + "), "
                                + c.min() + ", " + c.max() + "),",
                        multiplierNote(), roundingNote())));
            }
        }
        return list;
    }

    /** {@code q - zp} written plainly ({@code q + 128} for a zero point of -128). */
    private static String minusZp(View.Port p) {
        long zp = Long.parseLong(p.zeroPoint());
        return zp == 0 ? "q" : zp < 0 ? "q + " + -zp : "q - " + zp;
    }

    private static String multiplierNote() {
        return "the multiplier / 2^shift being the ratio of the two scales to 31 significant bits;";
    }

    private static String roundingNote() {
        return "rounding half away from zero (the rounding of gemmlowp's RoundingDivideByPOT).";
    }

    /**
     * The conversion the helper of port {@code p} computes (the Java reference of the C): to the
     * model for an input, from it for an output.
     */
    static IoConversion reference(View.Port p, IoFormat f, boolean input) {
        long num = Long.parseLong(p.scaleNum().replace("u", ""));
        int shift = Integer.parseInt(p.scaleShift());
        long zp = Long.parseLong(p.zeroPoint().replace("L", ""));
        long qmin = Long.parseLong(p.qmin().replace("L", ""));
        long qmax = Long.parseLong(p.qmax().replace("L", ""));
        try {
            return input ? IoConversion.toModel(f, num, shift, zp, qmin, qmax) : IoConversion.fromModel(f, num, shift, zp);
        } catch (IllegalArgumentException e) {
            throw new McugenException(Diag.MCG_GEN_IO_FORMAT, (input ? "input '" : "output '") + p.name() + "'",
                    (input ? "--input-format " : "--output-format ") + f.spelling() + " does not fit its scale " + p.scale()
                            + ": " + e.getMessage());
        }
    }

    private static View.Conversion view(String fn, String src, String dst, IoConversion c, List<String> doc) {
        return new View.Conversion(fn, src, dst, doc, c.inZeroPoint() != 0, CLit.i64(c.inZeroPoint()), CLit.i64(c.multiplier()),
                Integer.toString(c.shift()), c.shift() == 0 ? CLit.i64(0) : CLit.i64(1L << (c.shift() - 1)),
                CLit.i64(c.outZeroPoint()), CLit.i64(c.min()), CLit.i64(c.max()));
    }
}
