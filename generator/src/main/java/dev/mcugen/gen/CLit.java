package dev.mcugen.gen;

import dev.mcugen.ir.Names;
import dev.mcugen.ir.quant.Rescale;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.RandomAccess;
import java.util.function.IntToLongFunction;
import java.util.function.LongFunction;

/** C literal spelling: integers that compile warning-free for every width, wrapped lists, comments. */
final class CLit {
    /** Longest generated line of array literals (characters, without the indentation). */
    static final int LINE = 96;

    /** Smallest value of {@link #SMALL}: the int16 range, which covers every int8/int16 weight. */
    private static final int SMALL_MIN = -32768;
    /**
     * The literals of the int16 range, made once: weights are int8 / int16, and a model of 10^8
     * weights would otherwise format (and allocate) 10^8 strings per pass.
     */
    private static final String[] SMALL = new String[65536];

    static {
        for (int i = 0; i < SMALL.length; i++) {
            SMALL[i] = Integer.toString(i + SMALL_MIN);
        }
    }

    private CLit() {
    }

    /** An int32 literal; INT32_MIN is spelled {@code (-2147483647 - 1)} (a bare 2147483648 is not an int). */
    static String i32(long v) {
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(v + " does not fit int32");
        }
        if (v >= SMALL_MIN && v < SMALL_MIN + SMALL.length) {
            return SMALL[(int) v - SMALL_MIN];
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

    /**
     * {@link #wrap(List)} of the {@code n} literals {@code lit(value(i))}, without holding them: the
     * line breaks are found in one pass (an {@code int} per line) and each line is spelled again when
     * it is read. The literals of a large model's weights (10^8 and more) would not fit the heap as
     * strings; the list reads the tensor it was made from, which the quantized graph holds anyway.
     * Equal, element for element, to {@code wrap} of the same literals.
     */
    static List<String> wrapLazily(int n, IntToLongFunction value, LongFunction<String> lit) {
        return new Wrapped(n, value, lit);
    }

    /** A list of lines that can append line {@code k} to a builder without making it a string first. */
    interface LineAppender {
        /** Appends line {@code line} to {@code b}; returns {@code b}. */
        StringBuilder appendLine(int line, StringBuilder b);
    }

    /** The lines of {@link #wrapLazily}: {@code starts[k]} is the index of line k's first literal. */
    private static final class Wrapped extends AbstractList<String> implements RandomAccess, LineAppender {
        private final int n;
        private final IntToLongFunction value;
        private final LongFunction<String> lit;
        private final int[] starts;

        Wrapped(int n, IntToLongFunction value, LongFunction<String> lit) {
            this.n = n;
            this.value = value;
            this.lit = lit;
            // The same rule as wrap(): an item is the literal plus "," unless it is the last one; a
            // line takes items joined by " " while it stays within LINE characters.
            int[] s = new int[16];
            int lines = 0;
            int length = 0;
            for (int i = 0; i < n; i++) {
                int item = lit.apply(value.applyAsLong(i)).length() + (i + 1 < n ? 1 : 0);
                if (length > 0 && length + 1 + item > LINE) {
                    length = 0;
                }
                if (length == 0) {
                    if (lines == s.length) {
                        s = Arrays.copyOf(s, lines * 2);
                    }
                    s[lines++] = i;
                } else {
                    length++;
                }
                length += item;
            }
            this.starts = Arrays.copyOf(s, lines);
        }

        @Override
        public String get(int line) {
            return appendLine(line, new StringBuilder(LINE + 16)).toString();
        }

        @Override
        public StringBuilder appendLine(int line, StringBuilder b) {
            int from = starts[line];
            int to = line + 1 < starts.length ? starts[line + 1] : n;
            for (int i = from; i < to; i++) {
                if (i > from) {
                    b.append(' ');
                }
                b.append(lit.apply(value.applyAsLong(i)));
                if (i + 1 < n) {
                    b.append(',');
                }
            }
            return b;
        }

        @Override
        public int size() {
            return starts.length;
        }
    }

    /** A comment text safe inside {@code /* ... *}{@code /}: see {@link Names#cComment}. */
    static String comment(String text) {
        return Names.cComment(text);
    }
}
