package dev.mcugen.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcugen.compiler.analyze.Sensitivity;
import dev.mcugen.compiler.analyze.WordLengthSearch;
import dev.mcugen.ir.Diag;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.Names;
import dev.mcugen.ir.interp.Batch;
import dev.mcugen.scale.QuantOptions;
import dev.mcugen.scale.wordlength.WeightQuant;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code --weight-bits N|FILE.json|auto}, {@code --weight-quant} and {@code --budget} of {@code build},
 * {@code verify} and {@code simulate}: the word length of every weight group, as
 * {@link QuantOptions.WeightBits}. {@code N}: every group; a JSON file: the word lengths
 * {@code mcugen analyze --out} writes ({@code word_lengths.bits}, or a top-level {@code bits} object,
 * group -> bits; groups it leaves out keep 8 bits; its {@code weight_quant} unless {@code --weight-quant}
 * is given); {@code auto}: analyze's word-length search within {@code --budget} on the calibration data.
 */
final class WeightBitsChoice {
    private WeightBitsChoice() {
    }

    /** A parsed {@code --budget}: the metric and its value. */
    record Budget(Sensitivity.Metric metric, double value) {
    }

    /** Parses {@code --budget top1=POINTS|sqnr=DB|mse=VALUE}; a bad value fails with MCG_CLI_USAGE. */
    static Budget budget(String budget) {
        Matcher bm = Pattern.compile("(?i)(top1|sqnr|mse)=([0-9.eE+-]+)").matcher(budget.strip());
        Double v = null;
        if (bm.matches()) {
            try {
                v = Double.parseDouble(bm.group(2));
            } catch (NumberFormatException e) {
                v = null;
            }
        }
        if (v == null || !Double.isFinite(v) || v < 0) {
            throw new McugenException(Diag.MCG_CLI_USAGE, "--budget", "is top1=POINTS, sqnr=DB or mse=VALUE (0 or more),"
                    + " got '" + Names.terminal(budget, 40) + "'");
        }
        return new Budget(Sensitivity.Metric.valueOf(bm.group(1).toUpperCase(Locale.ROOT)), v);
    }

    /** Parses {@code --weight-quant l2|minmax|balanced}; a bad value fails with MCG_CLI_USAGE. */
    static WeightQuant.Method method(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "l2" -> WeightQuant.Method.L2;
            case "minmax" -> WeightQuant.Method.MINMAX;
            case "balanced" -> WeightQuant.Method.BALANCED;
            default -> throw new McugenException(Diag.MCG_CLI_USAGE, "--weight-quant", "is l2, minmax or balanced, got '"
                    + Names.terminal(value, 40) + "'");
        };
    }

    /**
     * The word lengths for {@code g}. {@code spec}: the {@code --weight-bits} value (null: every group at
     * 8 bits); {@code quant}: {@code --weight-quant} (null: the file's, else l2); {@code budget}: for
     * {@code auto}; {@code search}: the data the search runs on (half searched, half held out); the chosen
     * word lengths are printed on {@code out}.
     */
    static QuantOptions.WeightBits resolve(Graph g, String spec, String quant, String budget, Batch search,
                                           PrintWriter out) {
        if (spec == null) {
            if (budget != null) {
                throw new McugenException(Diag.MCG_CLI_USAGE, "--budget", "goes with --weight-bits auto");
            }
            return quant == null ? QuantOptions.WeightBits.INT8
                    : new QuantOptions.WeightBits(Map.of(), 8, method(quant));
        }
        String s = spec.strip();
        WeightQuant.Method method = quant == null ? WeightQuant.Method.L2 : method(quant);
        if (s.matches("[0-9]+")) {
            int bits = s.length() > 2 ? -1 : Integer.parseInt(s);
            if (bits < 2 || bits > 8) {
                throw new McugenException(Diag.MCG_CLI_WEIGHT_BITS, "--weight-bits", "is a word length 2..8, FILE.json"
                        + " (mcugen analyze --out) or auto, got " + s);
            }
            refuseBudget(budget);
            return new QuantOptions.WeightBits(Map.of(), bits, method);
        }
        if (s.equalsIgnoreCase("auto")) {
            if (budget == null) {
                throw new McugenException(Diag.MCG_CLI_WEIGHT_BITS, "--weight-bits auto", "needs --budget top1=POINTS,"
                        + " sqnr=DB or mse=VALUE (the accuracy the search may give up)");
            }
            Budget b = budget(budget);
            int samples = Math.min(200, search.size());
            if (samples < 2) {
                throw new McugenException(Diag.MCG_CLI_WEIGHT_BITS, "--weight-bits auto", "the search needs at least 2"
                        + " calibration samples (half of them held out), got " + search.size());
            }
            // the word lengths the C stores without waste: 8, 4 and 2 bits
            WordLengthSearch.Result r = WordLengthSearch.search(g, search, samples, b.metric(), b.value(), method,
                    WordLengthSearch.STORED_BITS, line -> { });
            out.printf(Locale.ROOT, "weight bits (auto, %s, %s weights, 8/4/2 bits, %d calibration samples searched, %d"
                            + " held out): %s;"
                            + " %.1f %% of the all-int8 weight bits%n", budget.strip(), method.cliName(),
                    r.searchSamples(), r.heldOutSamples(), r.bits(), 100.0 * r.weightBits() / r.int8Bits());
            out.flush();
            return new QuantOptions.WeightBits(r.bits(), 8, method);
        }
        refuseBudget(budget);
        return fromFile(g, Path.of(s), quant == null ? null : method);
    }

    private static void refuseBudget(String budget) {
        if (budget != null) {
            throw new McugenException(Diag.MCG_CLI_USAGE, "--budget", "goes with --weight-bits auto");
        }
    }

    /** The word lengths of a JSON file (see the class comment); {@code method} null: the file's, else l2. */
    static QuantOptions.WeightBits fromFile(Graph g, Path file, WeightQuant.Method method) {
        String what = "--weight-bits " + Names.terminal(file.toString(), 60);
        if (!Files.isRegularFile(file)) {
            throw new McugenException(Diag.MCG_CLI_WEIGHT_BITS, what, "is not a word length 2..8, auto, or an existing"
                    + " JSON file of word lengths (mcugen analyze --out)");
        }
        JsonNode root;
        try {
            root = dev.mcugen.scale.ContractReport.mapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new McugenException(Diag.MCG_CLI_WEIGHT_BITS, what, "is not valid JSON: "
                    + Names.terminal(String.valueOf(e.getMessage()).lines().findFirst().orElse(""), 100));
        }
        JsonNode bits = root == null ? null : root.path("word_lengths").path("bits");
        if (bits == null || !bits.isObject()) {
            bits = root == null ? null : root.path("bits");
        }
        if (bits == null || !bits.isObject()) {
            throw new McugenException(Diag.MCG_CLI_WEIGHT_BITS, what, "has no word lengths: expected"
                    + " {\"word_lengths\": {\"bits\": {\"layer/tensor\": N, ...}}} as mcugen analyze --budget ... --out writes");
        }
        Map<String, Long> groups = Sensitivity.weightGroups(g);
        Map<String, Integer> chosen = new LinkedHashMap<>();
        var it = bits.fields();
        while (it.hasNext()) {
            var e = it.next();
            if (!groups.containsKey(e.getKey())) {
                throw new McugenException(Diag.MCG_CLI_WEIGHT_BITS, what, "names weight group '"
                        + Names.terminal(e.getKey(), 60) + "', which model '" + Names.terminal(g.name(), 40)
                        + "' does not have (its groups: " + Names.terminal(String.join(", ", groups.keySet()), 200) + ")");
            }
            JsonNode v = e.getValue();
            if (!v.isIntegralNumber() || v.asInt() < 2 || v.asInt() > 8) {
                throw new McugenException(Diag.MCG_CLI_WEIGHT_BITS, what, "gives weight group '"
                        + Names.terminal(e.getKey(), 60) + "' " + Names.terminal(v.toString(), 20) + " bits; expected 2..8");
            }
            chosen.put(e.getKey(), v.asInt());
        }
        WeightQuant.Method m = method;
        if (m == null) {
            String fileMethod = root.path("weight_quant").asText("l2");
            try {
                m = method(fileMethod);
            } catch (McugenException e) {
                throw new McugenException(Diag.MCG_CLI_WEIGHT_BITS, what, "has weight_quant '"
                        + Names.terminal(fileMethod, 20) + "'; expected l2, minmax or balanced");
            }
        }
        return new QuantOptions.WeightBits(chosen, 8, m);
    }
}
