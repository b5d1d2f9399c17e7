package dev.mcugen.gen;

import dev.mcugen.ir.quant.Rescale;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** C literal spelling: integers that compile warning-free for every width, wrapped lists, comments. */
final class CLit {
    /** Longest generated line of array literals (characters, without the indentation). */
    static final int LINE = 96;

    private CLit() {
    }

    /** An int32 literal; INT32_MIN is spelled {@code (-2147483647 - 1)} (a bare 2147483648 is not an int). */
    static String i32(long v) {
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(v + " does not fit int32");
        }
        return v == Integer.MIN_VALUE ? "(-2147483647 - 1)" : Long.toString(v);
    }

    /** An int64 literal through {@code INT64_C}. */
    static String i64(long v) {
        return v == Long.MIN_VALUE ? "(-INT64_C(9223372036854775807) - 1)" : "INT64_C(" + v + ")";
    }

    /** A rescale as the initializer of {@code mcu_rescale_t}. */
    static String rescale(Rescale r) {
        return "{ " + i32(r.multiplier()) + ", " + i32(r.shift()) + " }";
    }

    /** A real number for a comment (9 significant digits, locale-free). */
    static String real(double v) {
        return String.format(Locale.ROOT, "%.9g", v);
    }

    /** Literals joined by ", " and wrapped at {@link #LINE} characters; every line but the last ends with ",". */
    static List<String> wrap(List<String> items) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < items.size(); i++) {
            String item = items.get(i) + (i + 1 < items.size() ? "," : "");
            if (line.length() > 0 && line.length() + 1 + item.length() > LINE) {
                lines.add(line.toString());
                line.setLength(0);
            }
            if (line.length() > 0) {
                line.append(' ');
            }
            line.append(item);
        }
        if (line.length() > 0) {
            lines.add(line.toString());
        }
        return lines;
    }

    /** A C identifier made of {@code name}: other characters become '_', a leading digit gets '_'. */
    static String ident(String name) {
        String s = name.replaceAll("[^A-Za-z0-9_]", "_");
        return s.isEmpty() || Character.isDigit(s.charAt(0)) ? "_" + s : s;
    }

    /** A comment text safe inside {@code /* ... *}{@code /}. */
    static String comment(String text) {
        return text.replace("*/", "* /").replace("/*", "/ *");
    }
}
