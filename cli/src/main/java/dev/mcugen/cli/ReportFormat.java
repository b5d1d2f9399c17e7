package dev.mcugen.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.Map;

/**
 * How report.html and the terminal show report.json's figures to people: a label with its unit for
 * each key ({@code sqnr_db} is "SQNR (dB)"), numbers with thousands separators and a fixed number of
 * significant digits. Locale-independent: the separator is always ',' and the decimal point '.', so a
 * report reads the same on every machine (report.json keeps the exact values).
 */
final class ReportFormat {
    /** Significant digits of measured figures (errors, scales, ranges). */
    static final int DIGITS = 4;

    private ReportFormat() {
    }

    /** How a key's value is shown. */
    enum Kind {
        /** A count: grouped integer. */
        COUNT,
        /** Bytes: grouped integer and " B". */
        BYTES,
        /** A fraction 0..1 shown as a percentage with one decimal. */
        FRACTION_PERCENT,
        /** Already a percentage. */
        PERCENT,
        /** Decibels: two decimals; null (infinite) is "inf (exact)". */
        DB,
        /** A figure with {@link #DIGITS} significant digits. */
        FIGURE,
        /** A cosine similarity: six decimals (it is close to 1). */
        COSINE,
        /** Text or a boolean as is ("yes"/"no" for booleans). */
        TEXT
    }

    /** A key's label (with its unit) and kind. */
    record Label(String text, Kind kind) {
    }

    /** The keys report.json writes that read better otherwise; any other key is shown with '_' as ' '. */
    private static final Map<String, Label> LABELS = Map.ofEntries(
            Map.entry("bit_exact", new Label("bit-exact with the simulator", Kind.TEXT)),
            Map.entry("runner", new Label("runner", Kind.TEXT)),
            Map.entry("samples", new Label("samples run on the target", Kind.COUNT)),
            Map.entry("outputs_per_sample", new Label("output values per sample", Kind.COUNT)),
            Map.entry("values_per_sample", new Label("values per sample", Kind.COUNT)),
            Map.entry("soft_float_symbols", new Label("soft-float routines linked", Kind.COUNT)),
            Map.entry("max_abs_error", new Label("max |error|", Kind.FIGURE)),
            Map.entry("rmse", new Label("RMSE", Kind.FIGURE)),
            Map.entry("sqnr_db", new Label("SQNR (dB)", Kind.DB)),
            Map.entry("cosine", new Label("cosine similarity", Kind.COSINE)),
            Map.entry("correlation", new Label("correlation (Pearson)", Kind.COSINE)),
            Map.entry("top1_agreement", new Label("top-1 agreement", Kind.FRACTION_PERCENT)),
            Map.entry("top1_agreement_percent", new Label("top-1 agreement", Kind.PERCENT)),
            Map.entry("instructions_per_inference", new Label("instructions per inference", Kind.COUNT)),
            Map.entry("flash_bytes", new Label("test image flash (text + data)", Kind.BYTES)),
            Map.entry("ram_bytes", new Label("test image static RAM (data + bss)", Kind.BYTES)),
            Map.entry("stack_bytes", new Label("stack of one inference (measured)", Kind.BYTES)),
            Map.entry("image_text_bytes", new Label("test image text", Kind.BYTES)),
            Map.entry("image_data_bytes", new Label("test image data", Kind.BYTES)),
            Map.entry("image_bss_bytes", new Label("test image bss", Kind.BYTES)),
            Map.entry("max_rescale_residual", new Label("largest rescale residual (relative)", Kind.FIGURE)),
            Map.entry("per_channel", new Label("per-channel weights", Kind.TEXT)),
            Map.entry("rescale_resolved", new Label("rescale (resolved)", Kind.TEXT)),
            Map.entry("clipped_tensors", new Label("clipped tensors", Kind.COUNT)),
            Map.entry("unsafe_accumulators", new Label("accumulators that could overflow int32", Kind.COUNT)),
            Map.entry("constants_bytes", new Label("constants: weights and parameters (flash)", Kind.BYTES)),
            Map.entry("arena_bytes", new Label("activation arena (RAM)", Kind.BYTES)),
            Map.entry("state_bytes", new Label("recurrent state (RAM)", Kind.BYTES)),
            Map.entry("context_bytes", new Label("context: arena + state (RAM)", Kind.BYTES)),
            Map.entry("code_bytes", new Label("code (.text of the model's objects)", Kind.BYTES)),
            Map.entry("object_constants_bytes", new Label("constants in the objects (.rodata: weights and tables)", Kind.BYTES)),
            Map.entry("object_data_bytes", new Label("initialized data (.data)", Kind.BYTES)),
            Map.entry("object_bss_bytes", new Label("zeroed data (.bss)", Kind.BYTES)));

    /** The label of a report.json key. */
    static Label label(String key) {
        Label l = LABELS.get(key);
        if (l != null) {
            return l;
        }
        return plainLabel(key);
    }

    /**
     * The label of a key whose meaning this class does not know (a section other options add): '_' as
     * ' ', and a {@code *_bytes} key's value in bytes.
     */
    static Label plainLabel(String key) {
        return new Label(key.replace('_', ' '), key.endsWith("_bytes") ? Kind.BYTES : Kind.TEXT);
    }

    /** {@code v} (a value of {@code key}) as shown: see {@link Kind}. */
    static String value(String key, JsonNode v) {
        return value(label(key).kind(), v);
    }

    static String value(Kind kind, JsonNode v) {
        if (v == null || v.isNull()) {
            return kind == Kind.DB ? "inf (exact)" : "—";
        }
        if (v.isBoolean()) {
            return v.asBoolean() ? "yes" : "no";
        }
        if (!v.isNumber()) {
            return v.asText();
        }
        double d = v.asDouble();
        return switch (kind) {
            case COUNT -> v.isIntegralNumber() ? integer(v.asLong()) : figure(d);
            case BYTES -> v.isIntegralNumber() ? bytes(v.asLong()) : figure(d) + " B";
            case FRACTION_PERCENT -> percent(100 * d);
            case PERCENT -> percent(d);
            case DB -> db(d);
            case COSINE -> Double.isFinite(d) ? String.format(Locale.ROOT, "%.6f", d) : figure(d);
            case FIGURE, TEXT -> v.isIntegralNumber() ? integer(v.asLong()) : figure(d);
        };
    }

    /** An integer with ',' between thousands: {@code 1,270,000}. */
    static String integer(long v) {
        return String.format(Locale.ROOT, "%,d", v);
    }

    /** Bytes: {@code 29,404 B}. */
    static String bytes(long v) {
        return integer(v) + " B";
    }

    /** A percentage with one decimal: {@code 100.0 %}. */
    static String percent(double p) {
        return Double.isFinite(p) ? String.format(Locale.ROOT, "%.1f %%", p) : figure(p);
    }

    /** Decibels with two decimals; +inf (no error at all) is "inf (exact)". */
    static String db(double d) {
        if (d == Double.POSITIVE_INFINITY) {
            return "inf (exact)";
        }
        return Double.isFinite(d) ? String.format(Locale.ROOT, "%,.2f", d) : figure(d);
    }

    /**
     * A measured figure with {@link #DIGITS} significant digits, plain (with thousands separators)
     * from 0.001 up to 10^9, in scientific notation outside that: {@code 0.006104}, {@code 12,345},
     * {@code 2.534e-10}.
     */
    static String figure(double v) {
        return figure(v, DIGITS);
    }

    /** {@link #figure(double)} with {@code digits} significant digits. */
    static String figure(double v, int digits) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        if (v == 0) {
            return "0";
        }
        BigDecimal b = new BigDecimal(v).round(new MathContext(digits, RoundingMode.HALF_EVEN));
        double a = Math.abs(b.doubleValue());
        if (a >= 1e-3 && a < 1e9) {
            b = b.stripTrailingZeros();
            if (b.scale() <= 0) {
                return String.format(Locale.ROOT, "%,d", b.longValueExact());
            }
            String plain = b.toPlainString();
            int dot = plain.indexOf('.');
            String whole = plain.substring(0, dot);
            boolean neg = whole.startsWith("-");
            long w = Long.parseLong(neg ? whole.substring(1) : whole);
            return (neg ? "-" : "") + String.format(Locale.ROOT, "%,d", w) + plain.substring(dot);
        }
        String s = String.format(Locale.ROOT, "%." + (digits - 1) + "e", v);
        // 2.534e-10, not 2.534e-10 with a zero-padded or '+' exponent: 1.000e+12 -> 1.000e12
        int e = s.indexOf('e');
        String mant = s.substring(0, e);
        int exp = Integer.parseInt(s.substring(e + 1));
        return mant + "e" + exp;
    }
}
