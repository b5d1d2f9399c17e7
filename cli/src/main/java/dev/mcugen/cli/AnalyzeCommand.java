package dev.mcugen.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcugen.compiler.CompilePipeline;
import dev.mcugen.compiler.analyze.Sensitivity;
import dev.mcugen.compiler.analyze.WordLengthSearch;
import dev.mcugen.ir.Diag;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.ImportedModel;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.ModelLoader;
import dev.mcugen.ir.Names;
import dev.mcugen.ir.interp.Batch;
import dev.mcugen.scale.wordlength.WeightQuant;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mcugen analyze MODEL --data D [--calibration C] [--metric top1|sqnr|mse]}: the layer-wise
 * word-length sensitivity table ({@link Sensitivity}), each weight group at 2..8 bits and each layer
 * output at 4..16 bits, alone, everything else float.
 */
@Command(name = "analyze", mixinStandardHelpOptions = true,
        description = {"Word-length sensitivity: quantize one weight group (a layer's kernel or recurrent kernel)"
                + " or one layer's output at a time, everything else float, and compare the outputs with the float"
                + " model's on data.",
                "Prints the table (a row per group, a column per word length), writes it as JSON with --out and as"
                        + " plots in an HTML page with --report."})
final class AnalyzeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    ModelArgument modelArg;

    @Option(names = "--data", required = true, paramLabel = "DATA",
            description = "float32 (or float64) .npy of samples the outputs are compared on; repeat once per model input")
    List<Path> data;

    @Option(names = "--calibration", paramLabel = "DATA",
            description = "representative inputs the layer outputs' ranges are taken from (default: calibration.npy beside"
                    + " the model); repeat once per model input")
    List<Path> calibration;

    @Option(names = "--metric", paramLabel = "M", description = "top1 (agreement of the first output's largest value"
            + " with the float model's, in %%), sqnr (dB over every output value) or mse; default: top1 for a model whose"
            + " first output has several values, else sqnr")
    String metric;

    @Option(names = "--weight-quant", paramLabel = "Q", defaultValue = "l2",
            description = "how a weight group is quantized: l2 (the step of least squared error; default), minmax"
                    + " (the largest weight on the last level) or balanced (2^b levels over +-1.25 mean|w|, filled about"
                    + " equally)")
    String weightQuant;

    @Option(names = "--samples", paramLabel = "N", defaultValue = "200",
            description = "compare on the first N samples of --data (default ${DEFAULT-VALUE})")
    int samples;

    @Option(names = "--budget", paramLabel = "METRIC=VALUE",
            description = "also choose a word length per weight group (2..8 bits) within this budget, e.g. top1=0.5 (at"
                    + " most 0.5 points of top-1 agreement lost), sqnr=30 (at least 30 dB) or mse=1e-4: greedy, the most"
                    + " weight bits saved per unit of metric lost first, on half of the samples, confirmed on the other half")
    String budget;

    @Option(names = "--objective", paramLabel = "O", defaultValue = "bits",
            description = "with --budget: bits (every word length 8, 6, 5, 4, 3, 2; the fewest weight bits; default) or"
                    + " flash (8, 4 and 2 bits only, the widths the C stores without waste: the least flash)")
    String objective;

    @Option(names = "--out", paramLabel = "FILE.json", description = "also write the table (and the chosen word"
            + " lengths) as JSON")
    Path out;

    @Option(names = "--report", paramLabel = "FILE.html", description = "also write the table as plots (the metric"
            + " against word length, a line per group) and, with --budget, the chosen word lengths, as one HTML page")
    Path report;

    @Option(names = "--force", description = "replace an --out or --report file that mcugen did not write")
    boolean force;

    @Override
    public Integer call() {
        if (samples < 1) {
            throw new McugenException(Diag.MCG_CLI_USAGE, "--samples", "must be at least 1, got " + samples);
        }
        WeightQuant.Method method = WeightBitsChoice.method(weightQuant);
        boolean flash = switch (objective.toLowerCase(Locale.ROOT)) {
            case "bits" -> false;
            case "flash" -> true;
            default -> throw new McugenException(Diag.MCG_CLI_USAGE, "--objective", "is bits or flash, got '"
                    + Names.terminal(objective, 40) + "'");
        };
        Sensitivity.Metric m = metric == null ? null : switch (metric.toLowerCase(Locale.ROOT)) {
            case "top1" -> Sensitivity.Metric.TOP1;
            case "sqnr" -> Sensitivity.Metric.SQNR;
            case "mse" -> Sensitivity.Metric.MSE;
            default -> throw new McugenException(Diag.MCG_CLI_USAGE, "--metric", "is top1, sqnr or mse, got '"
                    + Names.terminal(metric, 40) + "'");
        };
        Sensitivity.Metric budgetMetric = null;
        double budgetValue = 0;
        if (budget != null) {
            WeightBitsChoice.Budget parsed = WeightBitsChoice.budget(budget);
            budgetMetric = parsed.metric();
            budgetValue = parsed.value();
            if (m != null && m != budgetMetric) {
                throw new McugenException(Diag.MCG_CLI_USAGE, "--budget", "is in " + budgetMetric.cliName()
                        + " but --metric is " + m.cliName() + "; give one metric");
            }
            m = budgetMetric;
            if (samples < 2) {
                throw new McugenException(Diag.MCG_CLI_USAGE, "--samples", "the word-length search needs at least 2"
                        + " (half of them held out), got " + samples);
            }
        }
        Path file = ModelLoader.resolve(modelArg.model);
        ImportedModel model = CompilePipeline.load(file);
        Graph g = model.graph();
        List<Path> cal = calibration != null ? calibration : List.of(besideCalibration(file, g));
        Batch in = common.readData(model, data);
        Batch calib = common.readData(model, cal);
        if (m == null) {
            int first = g.nodes().stream().filter(x -> x.name().equals(g.outputs().get(0))).findFirst()
                    .map(x -> x.outputShape().size()).orElse(1);
            m = first > 1 ? Sensitivity.Metric.TOP1 : Sensitivity.Metric.SQNR;
        }
        List<Path> inputs = new ArrayList<>(data);
        inputs.addAll(cal);
        inputs.add(file);
        PrintWriter w = spec.commandLine().getOut();
        List<Path> written = new ArrayList<>();
        if (out != null) {
            written.add(out);
        }
        if (report != null) {
            if (out != null && out.toAbsolutePath().normalize().equals(report.toAbsolutePath().normalize())) {
                throw new McugenException(Diag.MCG_CLI_USAGE, "--report", "is the same file as --out (" + out + ")");
            }
            written.add(report);
        }
        OutputFiles files = written.isEmpty() ? null : OutputFiles.open(written, inputs, file, force,
                out == null ? "--report" : report == null ? "--out" : "--out/--report");
        try {
            int total = Sensitivity.runs(g);
            Sensitivity.Table t;
            try (ProgressBar bar = new ProgressBar("analyze", !common.noProgress)) {
                t = Sensitivity.analyze(g, calib, in, samples, m, method, k -> bar.update(k, total));
            }
            print(w, g, t);
            ObjectNode j = json(g, file, t);
            WordLengthSearch.Result res = null;
            if (budgetMetric != null) {
                w.println();
                w.printf(Locale.ROOT, "word lengths within %s (greedy, %s weights%s; searched on %d samples, %d held"
                                + " out):%n", budget.strip(), method.cliName(), flash ? ", 8/4/2 bits for flash" : "", Math.min(samples, in.size()) / 2,
                        Math.min(samples, in.size()) - Math.min(samples, in.size()) / 2);
                w.flush();
                res = WordLengthSearch.search(g, in, samples, budgetMetric, budgetValue, method,
                        flash ? WordLengthSearch.STORED_BITS : Sensitivity.WEIGHT_BITS, line -> { });
                printSearch(w, t.metric(), res);
                searchJson(j, budget.strip(), budgetMetric, budgetValue, res);
                ((ObjectNode) j.get("word_lengths")).put("objective", flash ? "flash" : "bits");
            }
            if (files != null) {
                if (out != null) {
                    Files.writeString(files.staging(out), dev.mcugen.scale.ContractReport.mapper()
                            .writerWithDefaultPrettyPrinter().writeValueAsString(j) + "\n", StandardCharsets.UTF_8);
                }
                if (report != null) {
                    Files.writeString(files.staging(report), AnalyzeReport.render(g.name(), file.getFileName().toString(), t,
                            budget == null ? null : budget.strip(), budgetMetric, budgetValue, res), StandardCharsets.UTF_8);
                }
                files.commit(w);
                for (Path p : written) {
                    w.println("-> " + p);
                }
            }
            w.flush();
            return ExitCodes.OK;
        } catch (IOException e) {
            throw dev.mcugen.ir.IoFailure.writing(String.valueOf(out != null ? out : report), "cannot write", e);
        } finally {
            if (files != null) {
                files.close();
            }
        }
    }

    private static Path besideCalibration(Path file, Graph g) {
        Path beside = file.toAbsolutePath().getParent().resolve("calibration.npy");
        if (g.inputs().size() != 1 || !Files.isRegularFile(beside)) {
            throw new McugenException(Diag.MCG_CLI_USAGE, "--calibration", "not given and there is no calibration.npy"
                    + " beside " + file + "; pass representative data with --calibration DATA (once per input)");
        }
        return beside;
    }

    /** The terminal table: weight groups, then layer outputs. */
    static void print(PrintWriter w, Graph g, Sensitivity.Table t) {
        w.printf("%s of model '%s' against its float outputs, one group quantized at a time, everything else float,"
                        + " on %d sample%s (the float model itself: %s)%n", label(t.metric()), Names.terminal(g.name(), 60),
                t.samples(), t.samples() == 1 ? "" : "s", figure(t.metric(), Sensitivity.perfect(t.metric())));
        for (String kind : List.of("weight", "signal")) {
            List<Sensitivity.Row> rows = t.rows().stream().filter(r -> r.kind().equals(kind)).toList();
            if (rows.isEmpty()) {
                continue;
            }
            List<Integer> bits = rows.get(0).bits();
            List<String> header = new ArrayList<>(List.of(kind.equals("weight") ? "weight group (" + t.weightQuant().cliName()
                    + ")" : "layer output", "values"));
            bits.forEach(b -> header.add(b + " bit"));
            Table table = new Table(header.toArray(String[]::new));
            for (Sensitivity.Row r : rows) {
                List<String> cells = new ArrayList<>(List.of(Names.terminal(r.layer(), 40)
                        + (kind.equals("weight") ? "/" + Names.terminal(r.tensor(), 30) : ""), ReportFormat.integer(r.values())));
                for (double v : r.metric()) {
                    cells.add(figure(t.metric(), v));
                }
                table.row(cells.toArray(String[]::new));
            }
            w.println();
            table.print(w);
        }
    }

    private static void printSearch(PrintWriter w, Sensitivity.Metric metric, WordLengthSearch.Result r) {
        Table table = new Table("weight group", "values", "bits");
        r.bits().forEach((group, b) -> table.row(Names.terminal(group, 70), ReportFormat.integer(r.values().get(group)),
                String.valueOf(b)));
        table.print(w);
        long floatBits = r.int8Bits() * 4;
        w.printf(Locale.ROOT, "weights: %s bits, %.1f %% of all-int8 (%s bits), %.1f %% of float32; %s %s searched, %s held out%n",
                ReportFormat.integer(r.weightBits()), 100.0 * r.weightBits() / r.int8Bits(), ReportFormat.integer(r.int8Bits()),
                100.0 * r.weightBits() / floatBits, label(metric), figure(metric, r.searchMetric()), figure(metric, r.heldOut()));
    }

    private static void searchJson(ObjectNode j, String budget, Sensitivity.Metric metric, double value,
                                   WordLengthSearch.Result r) {
        ObjectNode s = j.putObject("word_lengths");
        s.put("budget", budget);
        s.put("budget_metric", metric.cliName());
        s.put("budget_value", value);
        ObjectNode b = s.putObject("bits");
        r.bits().forEach(b::put);
        s.put("weight_bits", r.weightBits());
        s.put("int8_weight_bits", r.int8Bits());
        s.put("search_samples", r.searchSamples());
        s.put("held_out_samples", r.heldOutSamples());
        putFinite(s, "search_metric", r.searchMetric());
        putFinite(s, "held_out_metric", r.heldOut());
        s.put("note", "weights only (layer outputs float), one grid per tensor; build, verify and simulate take these"
                + " word lengths with --weight-bits FILE.json");
    }

    private static void putFinite(ObjectNode o, String key, double v) {
        if (Double.isFinite(v)) {
            o.put(key, v);
        } else {
            o.putNull(key);
        }
    }

    static String label(Sensitivity.Metric m) {
        return switch (m) {
            case TOP1 -> "top-1 agreement (%)";
            case SQNR -> "SQNR (dB)";
            case MSE -> "mean squared error";
        };
    }

    static String figure(Sensitivity.Metric m, double v) {
        return switch (m) {
            case TOP1 -> String.format(Locale.ROOT, "%.1f", v);
            case SQNR -> Double.isFinite(v) ? String.format(Locale.ROOT, "%.1f", v) : "inf";
            case MSE -> String.format(Locale.ROOT, "%.3g", v);
        };
    }

    static ObjectNode json(Graph g, Path file, Sensitivity.Table t) {
        ObjectNode o = dev.mcugen.scale.ContractReport.mapper().createObjectNode();
        o.put("model", g.name());
        o.put("file", file.getFileName().toString());
        o.put("metric", t.metric().cliName());
        o.put("weight_quant", t.weightQuant().cliName());
        o.put("samples", t.samples());
        o.put("note", "one group quantized at a time, everything else float, compared with the float model: weight groups"
                + " per tensor with one step (biases and normalization vectors float), layer outputs uniform over their"
                + " calibrated range with zero exact (a recurrent layer's state inside its loop float)");
        ArrayNode rows = o.putArray("groups");
        for (Sensitivity.Row r : t.rows()) {
            ObjectNode e = rows.addObject();
            e.put("kind", r.kind());
            e.put("layer", r.layer());
            e.put("tensor", r.tensor());
            e.put("values", r.values());
            ObjectNode by = e.putObject("by_bits");
            for (int k = 0; k < r.bits().size(); k++) {
                double v = r.metric()[k];
                if (Double.isFinite(v)) {
                    by.put(String.valueOf(r.bits().get(k)), v);
                } else {
                    by.putNull(String.valueOf(r.bits().get(k)));
                }
            }
        }
        return o;
    }
}
