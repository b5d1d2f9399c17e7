package dev.mcugen.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcugen.gen.Templates;
import dev.mcugen.ir.Names;
import dev.mcugen.gen.View;
import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.ModelStats;
import dev.mcugen.ir.interp.Batch;
import dev.mcugen.ir.interp.FloatInterpreter;
import dev.mcugen.ir.interp.RecurrentInternals;
import dev.mcugen.ir.interp.TensorObserver;
import dev.mcugen.ir.quant.QNode;
import dev.mcugen.ir.quant.QRecurrent;
import dev.mcugen.ir.quant.QuantType;
import dev.mcugen.ir.sim.FixedPointSimulator;
import dev.mcugen.scale.ContractReport;
import dev.mcugen.scale.QuantizedModel;
import dev.mcugen.ir.quant.QGraph;
import java.util.function.IntFunction;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code report.html} (DESIGN §8): one self-contained page (HTML, inline CSS and inline SVG, no
 * script, nothing fetched) beside {@code report.json}. Java prepares every value and every SVG
 * coordinate as a string; {@code templates/report.html.ftl} only prints them, HTML-escaped (the
 * template's output format is HTML, so every interpolation is escaped).
 *
 * <p>The page opens with the verdict (PASS or FAIL and each check, {@link Verdict}) and the provenance
 * ({@link Provenance}); figures are labelled and formatted by {@link ReportFormat}, and every metric says
 * how many samples it comes from. A top-level report.json section the page has no place for is shown
 * as a table of its own, so that what other options add to report.json reaches the page too.
 *
 * <p>The quantization tables render the very JSON written to report.json. The errors vs float run
 * the float interpreter and the fixed-point simulator on the same samples and compare every node
 * output whose name both graphs share (dequantized with the node's type); recurrent layers also
 * get an error per time step (their sequence output, else their {@code hidden} internal).
 */
final class ReportHtml {
    static final String FILE = "report.html";

    private static final int BAR_W = 360;
    private static final int LABEL_W = 170;
    private static final int ROW_H = 18;
    private static final int CHART_W = 560;
    private static final int CHART_H = 180;
    private static final int BINS = 41;

    private ReportHtml() {
    }

    /**
     * The page.
     *
     * @param title   the command ("build" or "verify")
     * @param root    the report.json root, as written
     * @param g       the float model as loaded
     * @param qm      the quantized model
     * @param view    the lowered C model (memory figures)
     * @param samples the float samples to compare on
     * @param n       how many of them (the first n)
     */
    static String render(String title, ObjectNode root, Graph g, QuantizedModel qm, View.Model view, Batch samples, int n) {
        FixedPointSimulator sim = new FixedPointSimulator(qm.graph());
        int k = Math.min(n, samples.size());
        return page(title, root, layers(g), view, List.of(), m -> errors(g, qm.graph(), qm.solution().types()::get, sim,
                samples::sample, s -> sim.quantizeInputs(samples.sample(s)), k, m));
    }

    /**
     * The page of a model quantized in its file (a quantized {@code .tflite}): its layers with the
     * file's parameters ({@code fileLayers}: one row per layer, already formatted), and the errors
     * against {@code floatModel} when there is one ({@code floatIn}: its float samples; {@code intIn}:
     * the same samples as the file's integers).
     */
    static String renderFile(String title, ObjectNode root, QGraph qg, List<Map<String, String>> fileLayers,
                             View.Model view, Graph floatModel, IntFunction<Map<String, FloatTensor>> floatIn,
                             IntFunction<Map<String, int[]>> intIn, int n) {
        FixedPointSimulator sim = new FixedPointSimulator(qg);
        return page(title, root, qlayers(qg), view, fileLayers, m -> errors(floatModel, qg, t -> null, sim, floatIn, intIn,
                floatModel == null ? 0 : n, m));
    }

    private static String page(String title, ObjectNode root, List<Map<String, String>> layers, View.Model view,
                               List<Map<String, String>> fileLayers, java.util.function.Consumer<Map<String, Object>> errors) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("title", title);
        m.put("model", text(root.get("model")));
        m.put("name", text(root.get("name")));
        m.put("target", text(root.get("target")));
        verdict(root.get("verdict"), m);
        provenance(root.get("provenance"), m);
        m.put("board", board(root.get("board")));
        JsonNode q = root.get(ContractReport.SECTION);
        m.put("options", pairs(q.get("options")));
        m.put("summary", pairs(q.get("summary")));
        m.put("layers", layers);
        m.put("fileLayers", fileLayers);
        m.put("tensors", rows(q.get("tensors"), "name", "bits", "symmetry", "scale", "zero_point", "qmin", "qmax",
                "q_format", "scale_log2", "calibrated_min", "calibrated_max", "real_min", "real_max", "clipped"));
        m.put("contracts", contracts(q.get("contracts")));
        m.put("rescales", rows(q.get("rescales"), "layer", "name", "real", "form", "multiplier", "shift", "realized", "residual"));
        m.put("accumulators", accumulators(q.get("accumulators")));
        // Which range method, what it clipped per tensor, and the outlier warning (absent in reports
        // of callers that do not calibrate through the CLI).
        JsonNode cal = root.get("calibration");
        m.put("calibrationMethod", cal == null ? fileLayers.isEmpty() ? "minmax" : "none, every scale and zero point is the"
                + " file's" : text(cal.get("method")));
        // The method's settings and how many samples calibration saw, as report.json has them.
        List<Map<String, String>> calSettings = new ArrayList<>();
        if (cal != null) {
            for (String k : List.of("samples", "percentile", "dominance_factor")) {
                if (cal.has(k)) {
                    calSettings.add(pair(k.equals("samples") ? "calibration samples" : ReportFormat.label(k).text(),
                            cell(cal.get(k))));
                }
            }
        }
        m.put("calibrationSettings", calSettings);
        m.put("calibrationWarning", cal == null || cal.get("warning").isNull() ? "" : text(cal.get("warning")));
        m.put("calibration", cal == null ? List.of() : rows(cal.get("tensors"), "tensor", "seen_min", "seen_max", "min", "max",
                "clipped_fraction", "abs_p99_99", "dominated"));
        verifyParts(root, m);
        errors.accept(m);
        memory(view, root.get(MODEL_MEMORY), root.get("cost"), m);
        m.put("others", others(root));
        // The template escapes markup; names from the model may also hold bidi / control characters.
        return new Templates().render("report.html.ftl", visible(m));
    }

    /** The report.json section of the model's own memory (both commands). */
    static final String MODEL_MEMORY = "model_memory";

    /**
     * The top-level report.json keys the page shows in their own sections; any other is shown as it is
     * (the board, for one: its name in the header, every figure in a table of its own).
     */
    private static final java.util.Set<String> SHOWN = java.util.Set.of("model", "name", "target", "verdict", "provenance",
            ContractReport.SECTION, "calibration", "emulated_board", "runner", "bit_exact", "samples", "outputs_per_sample",
            "soft_float_symbols", "streaming", "metrics", "metrics_per_output", "accuracy_thresholds", "cost", MODEL_MEMORY);

    // ---- verdict and provenance -------------------------------------------------------------

    private static void verdict(JsonNode v, Map<String, Object> m) {
        List<Map<String, String>> checks = new ArrayList<>();
        boolean pass = v == null || !"FAIL".equals(v.path("status").asText());
        if (v != null) {
            for (JsonNode c : v.path("checks")) {
                Map<String, String> r = new LinkedHashMap<>();
                r.put("check", text(c.get("check")));
                r.put("status", text(c.get("status")));
                r.put("css", text(c.get("status")).replace(' ', '-'));
                r.put("detail", text(c.get("detail")));
                checks.add(r);
            }
        }
        m.put("verdict", pass ? "PASS" : "FAIL");
        m.put("verdictCss", pass ? "verdict-pass" : "verdict-fail");
        m.put("verdictSummary", v == null ? "" : text(v.get("summary")));
        m.put("checks", checks);
    }

    private static void provenance(JsonNode p, Map<String, Object> m) {
        List<Map<String, String>> files = new ArrayList<>();
        m.put("hasProvenance", p != null);
        if (p == null) {
            m.put("files", files);
            return;
        }
        m.put("version", text(p.get("mcugen_version")));
        m.put("commandLine", text(p.get("command_line")));
        m.put("generated", text(p.get("generated_utc")));
        for (JsonNode f : p.path("files")) {
            Map<String, String> r = new LinkedHashMap<>();
            r.put("role", text(f.get("role")));
            r.put("path", text(f.get("path")));
            r.put("bytes", ReportFormat.value(ReportFormat.Kind.BYTES, f.get("bytes")));
            r.put("sha256", text(f.get("sha256")));
            files.add(r);
        }
        m.put("files", files);
    }

    /**
     * Top-level report.json sections this page has no section of its own for (added by newer
     * options): each as a table of its keys, nested objects and arrays as their JSON text.
     */
    static List<Map<String, Object>> others(ObjectNode root) {
        List<Map<String, Object>> sections = new ArrayList<>();
        root.fields().forEachRemaining(e -> {
            if (SHOWN.contains(e.getKey())) {
                return;
            }
            List<Map<String, String>> rows = new ArrayList<>();
            JsonNode v = e.getValue();
            // Labelled plainly: a key of another section may mean something else than the same key here.
            if (v.isObject()) {
                v.fields().forEachRemaining(f -> rows.add(plain(f.getKey(), f.getValue())));
            } else {
                rows.add(plain(e.getKey(), v));
            }
            Map<String, Object> sec = new LinkedHashMap<>();
            sec.put("id", "other-" + Names.cFragment(e.getKey()));
            String title = ReportFormat.plainLabel(e.getKey()).text();
            sec.put("title", title.isEmpty() ? title : title.substring(0, 1).toUpperCase(Locale.ROOT) + title.substring(1));
            sec.put("rows", rows);
            sections.add(sec);
        });
        return sections;
    }

    /** {@code o} with every string passed through {@link Names#visible} (maps and lists copied). */
    @SuppressWarnings("unchecked")
    static <T> T visible(T o) {
        if (o instanceof String s) {
            return (T) Names.visible(s);
        }
        if (o instanceof Map<?, ?> map) {
            Map<Object, Object> r = new LinkedHashMap<>();
            map.forEach((k, v) -> r.put(k, visible(v)));
            return (T) r;
        }
        if (o instanceof List<?> list) {
            List<Object> r = new ArrayList<>(list.size());
            list.forEach(v -> r.add(visible(v)));
            return (T) r;
        }
        return o;
    }

    // ---- verify figures -------------------------------------------------------------------

    private static void verifyParts(ObjectNode root, Map<String, Object> m) {
        List<Map<String, String>> run = new ArrayList<>();
        List<Map<String, String>> accuracy = new ArrayList<>();
        List<Map<String, String>> cost = new ArrayList<>();
        boolean verify = root.has("bit_exact");
        m.put("hasVerify", verify);
        String samples = verify ? ReportFormat.integer(root.get("samples").asLong()) : "";
        m.put("verifySamples", samples);
        m.put("verifySamplesWord", verify && root.get("samples").asLong() == 1 ? "sample" : "samples");
        if (verify) {
            for (String k : List.of("runner", "samples", "bit_exact", "outputs_per_sample")) {
                if (root.has(k)) {
                    run.add(pair(ReportFormat.label(k).text(), ReportFormat.value(k, root.get(k))));
                }
            }
            JsonNode emulated = root.get("emulated_board");
            if (emulated != null && !emulated.isNull()) {
                // The QEMU board the program ran on, and why when it is not the user's board.
                run.add(pair("emulated board", text(emulated.get("machine")) + " (" + text(emulated.get("core")) + ", "
                        + ReportFormat.value(ReportFormat.Kind.BYTES, emulated.get("flash_bytes")) + " flash, "
                        + ReportFormat.value(ReportFormat.Kind.BYTES, emulated.get("ram_bytes")) + " RAM, "
                        + ReportFormat.value(ReportFormat.Kind.BYTES, emulated.get("stack_bytes")) + " stack)"
                        + " running the " + text(emulated.get("program_target")) + " program: " + text(emulated.get("note"))));
            }
            JsonNode streaming = root.get("streaming");
            if (streaming != null) {
                run.add(pair("streaming (_step)", text(streaming.get("status"))
                        + (streaming.path("has_step").asBoolean() ? " on " + ReportFormat.integer(streaming.path("samples_checked")
                        .asLong()) + " samples" : "") + ": " + text(streaming.get("note"))));
            }
            JsonNode soft = root.get("soft_float_symbols");
            run.add(pair("float-free", "no float or double in the generated C"
                    + (soft == null ? "" : "; " + ReportFormat.integer(soft.asLong()) + " soft-float routines linked")));
        }
        JsonNode metrics = root.get("metrics");
        if (metrics != null) {
            metrics.fields().forEachRemaining(e -> accuracy.add(metric("", e.getKey(), e.getValue())));
        }
        JsonNode perOutput = root.get("metrics_per_output");
        if (perOutput != null) {
            // A model with several outputs: each output's metrics, named by the output.
            for (JsonNode o : perOutput) {
                String prefix = "output '" + text(o.get("output")) + "': ";
                o.fields().forEachRemaining(e -> {
                    if (!e.getKey().equals("output")) {
                        accuracy.add(metric(prefix, e.getKey(), e.getValue()));
                    }
                });
            }
        }
        List<Map<String, String>> thresholds = new ArrayList<>();
        JsonNode th = root.get("accuracy_thresholds");
        if (th != null) {
            // --min-top1 / --min-sqnr: each output's figure against the threshold (null value: infinite SQNR).
            for (JsonNode t : th) {
                String metric = text(t.get("metric"));
                ReportFormat.Label l = ReportFormat.label(metric);
                Map<String, String> r = new LinkedHashMap<>();
                r.put("output", text(t.get("output")));
                r.put("metric", l.text());
                r.put("threshold", "at least " + ReportFormat.value(l.kind(), t.get("threshold")));
                r.put("value", ReportFormat.value(l.kind(), t.get("value")));
                boolean met = t.path("met").asBoolean();
                r.put("met", met ? "met" : "NOT met");
                r.put("css", met ? "pass" : "fail");
                thresholds.add(r);
            }
        }
        JsonNode c = root.get("cost");
        if (c != null) {
            // The test image's flash and RAM are shown with the model's own memory (Memory section).
            for (String k : List.of("instructions_per_inference", "stack_bytes")) {
                if (c.has(k)) {
                    cost.add(pair(ReportFormat.label(k).text(), ReportFormat.value(k, c.get(k))));
                }
            }
        }
        m.put("run", run);
        m.put("accuracy", accuracy);
        m.put("thresholds", thresholds);
        m.put("cost", cost);
    }

    private static Map<String, String> plain(String key, JsonNode v) {
        ReportFormat.Label l = ReportFormat.plainLabel(key);
        return pair(l.text(), v.isContainerNode() ? v.toString() : ReportFormat.value(l.kind(), v));
    }

    private static Map<String, String> metric(String prefix, String key, JsonNode v) {
        return pair(prefix + ReportFormat.label(key).text(), ReportFormat.value(key, v));
    }

    // ---- graph -----------------------------------------------------------------------------

    private static List<Map<String, String>> layers(Graph g) {
        ModelStats stats = ModelStats.of(g);
        List<Map<String, String>> rows = new ArrayList<>();
        for (ModelStats.LayerStats l : stats.layers()) {
            var node = g.node(l.name()).orElseThrow();
            rows.add(layerRow(l.name(), InspectCommand.describe(node.op()), String.join(", ", node.inputs()),
                    l.outputShape().toString(), ReportFormat.integer(l.parameters()), l.macs() == ModelStats.UNKNOWN
                            ? ReportFormat.integer(l.macsPerStep()) + " per step" : ReportFormat.integer(l.macs())));
        }
        rows.add(layerRow("total", "", "", "", ReportFormat.integer(stats.parameters()),
                stats.macs() == ModelStats.UNKNOWN ? "per step only" : ReportFormat.integer(stats.macs())));
        return rows;
    }

    /** One row of the graph table. */
    private static Map<String, String> layerRow(String name, String op, String inputs, String shape, String params,
                                                String macs) {
        Map<String, String> r = new LinkedHashMap<>();
        r.put("name", name);
        r.put("op", op);
        r.put("inputs", inputs);
        r.put("shape", shape);
        r.put("params", params);
        r.put("macs", macs);
        return r;
    }

    /** The layers of an integer graph read from a file: op, inputs, shape, parameters, MACs. */
    static List<Map<String, String>> qlayers(QGraph g) {
        List<Map<String, String>> rows = new ArrayList<>();
        for (QNode x : g.nodes()) {
            long[] pm = QuantizedLayers.paramsAndMacs(x);
            rows.add(layerRow(x.name(), QuantizedLayers.op(x), String.join(", ", x.inputs()), x.outputShape().toString(),
                    ReportFormat.integer(pm[0]), ReportFormat.integer(pm[1])));
        }
        long[] totals = QuantizedLayers.totals(g);
        rows.add(layerRow("total", "", "", "", ReportFormat.integer(totals[0]), ReportFormat.integer(totals[1])));
        return rows;
    }

    // ---- quantization tables -------------------------------------------------------------

    private static List<Map<String, String>> rows(JsonNode array, String... keys) {
        List<Map<String, String>> rows = new ArrayList<>();
        if (array == null) {
            return rows;
        }
        for (JsonNode o : array) {
            Map<String, String> r = new LinkedHashMap<>();
            for (String k : keys) {
                r.put(k, cell(o.get(k)));
            }
            rows.add(r);
        }
        return rows;
    }

    private static List<Map<String, String>> contracts(JsonNode array) {
        List<Map<String, String>> rows = new ArrayList<>();
        for (JsonNode o : array) {
            Map<String, String> r = new LinkedHashMap<>();
            r.put("kind", text(o.get("kind")));
            List<String> ts = new ArrayList<>();
            o.get("tensors").forEach(t -> ts.add(t.asText()));
            r.put("tensors", String.join(", ", ts));
            r.put("status", text(o.get("status")));
            r.put("residual", cell(o.get("residual")));
            r.put("detail", text(o.get("detail")));
            rows.add(r);
        }
        return rows;
    }

    private static List<Map<String, String>> accumulators(JsonNode array) {
        List<Map<String, String>> rows = rows(array, "layer", "accumulator", "worst_row", "bound", "limit",
                "headroom_bits", "safe", "action");
        for (Map<String, String> r : rows) {
            r.put("status", "yes".equals(r.get("safe")) ? "held" : r.get("action").isEmpty() ? "violated" : "handled");
        }
        return rows;
    }

    private static List<Map<String, String>> pairs(JsonNode o) {
        List<Map<String, String>> list = new ArrayList<>();
        if (o != null) {
            Iterator<Map.Entry<String, JsonNode>> it = o.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                list.add(pair(ReportFormat.label(e.getKey()).text(), ReportFormat.value(e.getKey(), e.getValue())));
            }
        }
        return list;
    }

    private static Map<String, String> pair(String k, String v) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("key", k);
        p.put("value", v);
        return p;
    }

    /** The board line of the page's header (name, part, core, memory, source), or "" without a board. */
    private static String board(JsonNode b) {
        if (b == null || b.isNull()) {
            return "";
        }
        return text(b.get("name")) + " (" + text(b.get("part")) + (b.get("core").isNull() ? "" : ", " + text(b.get("core")))
                + "; " + (b.get("flash_bytes").isNull() ? "unlimited" : ReportFormat.bytes(b.get("flash_bytes").asLong())) + " flash, "
                + (b.get("ram_bytes").isNull() ? "unlimited" : ReportFormat.bytes(b.get("ram_bytes").asLong())) + " RAM; source: "
                + text(b.get("source")) + ")";
    }

    private static String text(JsonNode v) {
        if (v == null || v.isNull()) {
            return "—";
        }
        if (v.isFloatingPointNumber()) {
            return num(v.asDouble());
        }
        return v.asText();
    }

    /**
     * A table cell: integers grouped by thousands, quantization figures (scales, ranges, residuals)
     * with {@link #PARAM_DIGITS} significant digits, booleans as yes / no.
     */
    private static String cell(JsonNode v) {
        if (v != null && v.isNumber() && !v.isIntegralNumber()) {
            return ReportFormat.figure(v.asDouble(), PARAM_DIGITS);
        }
        return ReportFormat.value(ReportFormat.Kind.TEXT, v);
    }

    /** Significant digits of quantization parameters in the tables (report.json has them exactly). */
    static final int PARAM_DIGITS = 6;

    // ---- errors vs float --------------------------------------------------------------------

    /** Sums of squares of one compared tensor. */
    private static final class Acc {
        double signal;
        double noise;
        long count;

        void add(float[] ref, int[] q, QuantType t) {
            for (int i = 0; i < ref.length; i++) {
                double d = t.dequantize(q[i]) - ref[i];
                signal += (double) ref[i] * ref[i];
                noise += d * d;
            }
            count += ref.length;
        }

        double sqnr() {
            return noise == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(signal / noise);
        }
    }

    /**
     * The errors vs float: {@code g} (null: none) on {@code floatIn}'s samples, {@code sim} (running
     * {@code qg}) on {@code intIn}'s; {@code internalTypes} types the recurrent layers' internal tensors.
     */
    private static void errors(Graph g, QGraph qg, java.util.function.Function<String, QuantType> internalTypes,
                               FixedPointSimulator sim, IntFunction<Map<String, FloatTensor>> floatIn,
                               IntFunction<Map<String, int[]>> intIn, int n, Map<String, Object> m) {
        FloatInterpreter fl = g == null ? null : new FloatInterpreter(g);
        Map<String, QNode> qnodes = new LinkedHashMap<>();
        qg.nodes().forEach(x -> qnodes.put(x.name(), x));
        // Per-step tensors: a recurrent layer's sequence output rows, else its hidden internal.
        Map<String, String> stepTensor = new LinkedHashMap<>();
        for (QNode x : qg.nodes()) {
            if (x instanceof QRecurrent r) {
                stepTensor.put(x.name(), r.returnSequences() ? x.name()
                        : x.name() + RecurrentInternals.SEPARATOR + RecurrentInternals.HIDDEN);
            }
        }
        Map<String, Acc> perLayer = new LinkedHashMap<>();
        Map<String, List<Acc>> perStep = new LinkedHashMap<>();
        String outName = qg.outputs().get(0);
        QuantType outType = qnodes.containsKey(outName) ? qnodes.get(outName).outputType() : sim.outputType(outName);
        List<Double> outErrors = new ArrayList<>();
        // The float model runs on every sample first and is dropped before the simulator runs: the
        // float interpreter's copy of the weights and the simulator's are never held together (a
        // model of 10^8 weights and more needs the heap for one of them at a time).
        List<Map<String, float[]>> fwAll = new ArrayList<>();
        List<Map<String, List<float[]>>> fsAll = new ArrayList<>();
        for (int s = 0; s < n; s++) {
            Map<String, float[]> fw = new HashMap<>();
            Map<String, List<float[]>> fs = new HashMap<>();
            fl.run(floatIn.apply(s), (tensor, step, values) -> {
                if (step == TensorObserver.WHOLE) {
                    fw.put(tensor, values.clone());
                } else if (stepTensor.containsValue(tensor)) {
                    fs.computeIfAbsent(tensor, k -> new ArrayList<>()).add(values.clone());
                }
            });
            fwAll.add(fw);
            fsAll.add(fs);
        }
        fl = null;
        for (int s = 0; s < n; s++) {
            Map<String, float[]> fw = fwAll.get(s);
            Map<String, List<float[]>> fs = fsAll.get(s);
            fwAll.set(s, null);
            fsAll.set(s, null);
            Map<String, int[]> qw = new HashMap<>();
            Map<String, List<int[]>> qs = new HashMap<>();
            sim.run(intIn.apply(s), (tensor, step, values) -> {
                if (step < 0) {
                    qw.put(tensor, values.clone());
                } else if (stepTensor.containsValue(tensor)) {
                    qs.computeIfAbsent(tensor, k -> new ArrayList<>()).add(values.clone());
                }
            });
            for (QNode x : qg.nodes()) {
                float[] ref = fw.get(x.name());
                int[] got = qw.get(x.name());
                if (ref == null || got == null || ref.length != got.length) {
                    continue;
                }
                perLayer.computeIfAbsent(x.name(), k -> new Acc()).add(ref, got, x.outputType());
            }
            float[] ref = fw.get(g.outputs().get(0));
            int[] got = qw.get(outName);
            if (ref != null && got != null && ref.length == got.length) {
                for (int i = 0; i < ref.length; i++) {
                    outErrors.add(outType.dequantize(got[i]) - ref[i]);
                }
            }
            for (Map.Entry<String, String> e : stepTensor.entrySet()) {
                String layer = e.getKey();
                String tensor = e.getValue();
                List<float[]> fr;
                List<int[]> qr;
                QuantType t;
                if (tensor.equals(layer)) {
                    QNode x = qnodes.get(layer);
                    int units = x.outputShape().dim(x.outputShape().rank() - 1);
                    fr = split(fw.get(layer), units);
                    qr = splitInt(qw.get(layer), units);
                    t = x.outputType();
                } else {
                    fr = fs.get(tensor);
                    qr = qs.get(tensor);
                    t = internalTypes.apply(tensor);
                }
                if (fr == null || qr == null || t == null || fr.size() != qr.size()) {
                    continue;
                }
                List<Acc> steps = perStep.computeIfAbsent(layer + (tensor.equals(layer) ? " (output)" : " (" + tensor + ")"),
                        k -> new ArrayList<>());
                for (int k = 0; k < fr.size(); k++) {
                    if (fr.get(k).length != qr.get(k).length) {
                        continue;
                    }
                    while (steps.size() <= k) {
                        steps.add(new Acc());
                    }
                    steps.get(k).add(fr.get(k), qr.get(k), t);
                }
            }
        }
        m.put("samples", ReportFormat.integer(n));
        m.put("samplesWord", n == 1 ? "sample" : "samples");
        m.put("sqnr", sqnrBars(perLayer));
        m.put("histogram", histogram(outErrors));
        // With several outputs the histogram is the first output's (their units differ).
        m.put("histogramOf", qg.outputs().size() == 1 ? "" : " (output '" + outName + "', the first of "
                + qg.outputs().size() + ")");
        List<Map<String, Object>> charts = new ArrayList<>();
        perStep.forEach((name, steps) -> {
            if (!steps.isEmpty()) {
                charts.add(lineChart(name, steps));
            }
        });
        m.put("stepCharts", charts);
    }

    private static List<float[]> split(float[] v, int width) {
        if (v == null || width <= 0 || v.length % width != 0) {
            return null;
        }
        List<float[]> rows = new ArrayList<>();
        for (int i = 0; i < v.length; i += width) {
            rows.add(java.util.Arrays.copyOfRange(v, i, i + width));
        }
        return rows;
    }

    private static List<int[]> splitInt(int[] v, int width) {
        if (v == null || width <= 0 || v.length % width != 0) {
            return null;
        }
        List<int[]> rows = new ArrayList<>();
        for (int i = 0; i < v.length; i += width) {
            rows.add(java.util.Arrays.copyOfRange(v, i, i + width));
        }
        return rows;
    }

    /** Horizontal bars: one row per layer, length by SQNR (exact layers at full length). */
    private static Map<String, Object> sqnrBars(Map<String, Acc> perLayer) {
        double max = perLayer.values().stream().mapToDouble(Acc::sqnr).filter(Double::isFinite).max().orElse(1);
        max = Math.max(max, 1);
        List<Map<String, String>> bars = new ArrayList<>();
        int y = 0;
        for (Map.Entry<String, Acc> e : perLayer.entrySet()) {
            double s = e.getValue().sqnr();
            double w = Double.isFinite(s) ? Math.max(0, s) / max * BAR_W : BAR_W;
            Map<String, String> b = new LinkedHashMap<>();
            b.put("label", e.getKey());
            b.put("y", Integer.toString(y));
            b.put("ty", Integer.toString(y + ROW_H - 5));
            b.put("w", fix(w));
            b.put("tx", fix(w + 4));
            b.put("value", Double.isFinite(s) ? ReportFormat.db(s) + " dB" : "exact");
            bars.add(b);
            y += ROW_H;
        }
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("bars", bars);
        box(c, LABEL_W, BAR_W + 80, Math.max(y, ROW_H));
        return c;
    }

    /** The output errors (dequantized minus float), in bins symmetric around zero. */
    private static Map<String, Object> histogram(List<Double> errs) {
        double maxAbs = errs.stream().mapToDouble(Math::abs).max().orElse(0);
        double half = maxAbs > 0 ? maxAbs : 1;
        int[] counts = new int[BINS];
        for (double e : errs) {
            int b = (int) Math.floor((e + half) / (2 * half) * BINS);
            counts[Math.max(0, Math.min(BINS - 1, b))]++;
        }
        int top = 1;
        for (int c : counts) {
            top = Math.max(top, c);
        }
        double bw = (double) CHART_W / BINS;
        List<Map<String, String>> bars = new ArrayList<>();
        for (int i = 0; i < BINS; i++) {
            double h = (double) counts[i] / top * CHART_H;
            Map<String, String> b = new LinkedHashMap<>();
            b.put("x", fix(i * bw));
            b.put("y", fix(CHART_H - h));
            b.put("w", fix(Math.max(bw - 1, 1)));
            b.put("h", fix(h));
            b.put("count", ReportFormat.integer(counts[i]));
            b.put("from", num(-half + 2 * half * i / BINS));
            b.put("to", num(-half + 2 * half * (i + 1) / BINS));
            bars.add(b);
        }
        double rmse = Math.sqrt(errs.stream().mapToDouble(e -> e * e).average().orElse(0));
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("bars", bars);
        c.put("width", Integer.toString(CHART_W));
        c.put("height", Integer.toString(CHART_H));
        margins(c);
        c.put("min", num(-half));
        c.put("max", num(half));
        c.put("top", ReportFormat.integer(top));
        c.put("count", ReportFormat.integer(errs.size()));
        c.put("maxAbs", num(maxAbs));
        c.put("rmse", num(rmse));
        return c;
    }

    /** SQNR per time step as a polyline (exact steps drawn at the top). */
    private static Map<String, Object> lineChart(String name, List<Acc> steps) {
        double hi = steps.stream().mapToDouble(Acc::sqnr).filter(Double::isFinite).max().orElse(1);
        double lo = steps.stream().mapToDouble(Acc::sqnr).filter(Double::isFinite).min().orElse(0);
        lo = Math.min(0, Math.floor(lo / 10) * 10);
        hi = Math.max(lo + 10, Math.ceil(hi / 10) * 10);
        StringBuilder pts = new StringBuilder();
        List<Map<String, String>> dots = new ArrayList<>();
        int k = steps.size();
        for (int i = 0; i < k; i++) {
            double s = steps.get(i).sqnr();
            double v = Double.isFinite(s) ? s : hi;
            double x = k == 1 ? CHART_W / 2.0 : (double) i / (k - 1) * CHART_W;
            double y = CHART_H - (v - lo) / (hi - lo) * CHART_H;
            if (pts.length() > 0) {
                pts.append(' ');
            }
            pts.append(fix(x)).append(',').append(fix(y));
            Map<String, String> d = new LinkedHashMap<>();
            d.put("x", fix(x));
            d.put("y", fix(y));
            d.put("label", "step " + i + ": " + (Double.isFinite(s) ? ReportFormat.db(s) + " dB" : "exact"));
            dots.add(d);
        }
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("name", name);
        c.put("points", pts.toString());
        c.put("dots", dots);
        c.put("width", Integer.toString(CHART_W));
        c.put("height", Integer.toString(CHART_H));
        margins(c);
        c.put("lo", fix(lo));
        c.put("hi", fix(hi));
        c.put("steps", ReportFormat.integer(k));
        c.put("xTicks", stepTicks(k));
        c.put("midY", fix(CHART_H / 2.0));
        c.put("mid", fix((lo + hi) / 2));
        return c;
    }

    /** Tick labels on a per-step plot's x axis: step 0, the last step and about 8 round steps between. */
    static List<Map<String, String>> stepTicks(int k) {
        List<Map<String, String>> ticks = new ArrayList<>();
        int every = 1;
        for (int s : new int[] {1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000}) {
            every = s;
            if ((k - 1) / s <= 8) {
                break;
            }
        }
        while ((k - 1) / every > 8) {
            every *= 10;
        }
        for (int i = 0; i < k; i += every) {
            // The last step gets its own label; a round step too close to it gives way.
            if (i != k - 1 && (k - 1 - i) * 2 < every) {
                continue;
            }
            ticks.add(tick(i, k));
        }
        if (k > 1 && (k - 1) % every != 0) {
            ticks.add(tick(k - 1, k));
        }
        return ticks;
    }

    private static Map<String, String> tick(int i, int k) {
        Map<String, String> t = new LinkedHashMap<>();
        t.put("x", fix(k == 1 ? CHART_W / 2.0 : (double) i / (k - 1) * CHART_W));
        t.put("label", ReportFormat.integer(i));
        return t;
    }

    // ---- memory ------------------------------------------------------------------------------

    private static void memory(View.Model view, JsonNode model, JsonNode cost, Map<String, Object> m) {
        View.Footprint f = view.footprint();
        m.put("arenaBytes", ReportFormat.integer(f.arenaBytes()));
        // The model alone (report.json model_memory), then the whole test image verify linked (cost).
        List<Map<String, String>> alone = new ArrayList<>();
        if (model != null) {
            model.fields().forEachRemaining(e -> {
                if (!e.getKey().equals("note")) {
                    alone.add(pair(ReportFormat.label(e.getKey()).text(), e.getValue().isNull()
                            ? (m.get("hasVerify") == Boolean.TRUE ? "not measured" : "measured by verify")
                            : ReportFormat.value(e.getKey(), e.getValue())));
                }
            });
        }
        m.put("modelMemory", alone);
        m.put("modelMemoryNote", model == null ? "" : text(model.get("note")));
        List<Map<String, String>> image = new ArrayList<>();
        if (cost != null) {
            for (String k : List.of("flash_bytes", "ram_bytes", "image_text_bytes", "image_data_bytes", "image_bss_bytes")) {
                if (cost.has(k)) {
                    image.add(pair(ReportFormat.label(k).text(), ReportFormat.value(k, cost.get(k))));
                }
            }
        }
        m.put("imageMemory", image);
        m.put("imageNote", cost == null ? "" : text(cost.get("note")));
        long max = Math.max(1, f.constByLayer().stream().mapToLong(View.LayerConst::bytes).max().orElse(1));
        List<Map<String, String>> bars = new ArrayList<>();
        int y = 0;
        for (View.LayerConst l : f.constByLayer()) {
            double w = (double) l.bytes() / max * BAR_W;
            Map<String, String> b = new LinkedHashMap<>();
            b.put("label", l.layer().isEmpty() ? "(model)" : l.layer());
            b.put("y", Integer.toString(y));
            b.put("ty", Integer.toString(y + ROW_H - 5));
            b.put("w", fix(w));
            b.put("tx", fix(w + 4));
            b.put("value", ReportFormat.bytes(l.bytes()) + " in " + l.arrays() + (l.arrays() == 1 ? " array" : " arrays"));
            bars.add(b);
            y += ROW_H;
        }
        Map<String, Object> flash = new LinkedHashMap<>();
        flash.put("bars", bars);
        box(flash, LABEL_W, BAR_W + 140, Math.max(y, ROW_H));
        m.put("flash", flash);

        // The arena map: x = steps (live range), y = byte offsets.
        List<View.ArenaBuffer> arena = f.arena();
        int steps = arena.stream().mapToInt(View.ArenaBuffer::last).max().orElse(0) + 1;
        double bytes = Math.max(1, f.arenaBytes());
        double sx = (double) CHART_W / steps;
        List<Map<String, String>> rects = new ArrayList<>();
        List<Map<String, String>> rows = new ArrayList<>();
        int i = 0;
        for (View.ArenaBuffer b : arena) {
            Map<String, String> r = new LinkedHashMap<>();
            r.put("tensor", b.tensor());
            r.put("x", fix(b.first() * sx));
            r.put("w", fix(Math.max(1, (b.last() - b.first() + 1) * sx - 1)));
            r.put("y", fix(b.offset() / bytes * CHART_H));
            r.put("h", fix(Math.max(1, b.bytes() / bytes * CHART_H - 1)));
            r.put("tx", fix(b.first() * sx + 3));
            r.put("ty", fix(b.offset() / bytes * CHART_H + 12));
            r.put("fill", "hsl(" + (i * 67 % 360) + ",55%,70%)");
            r.put("label", b.tensor() + ": bytes " + ReportFormat.integer(b.offset()) + ".."
                    + ReportFormat.integer(b.offset() + b.bytes() - 1) + ", steps " + b.first() + ".." + b.last());
            rects.add(r);
            Map<String, String> row = new LinkedHashMap<>();
            row.put("tensor", b.tensor());
            row.put("offset", ReportFormat.integer(b.offset()));
            row.put("bytes", ReportFormat.integer(b.bytes()));
            row.put("steps", b.first() + ".." + b.last());
            rows.add(row);
            i++;
        }
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("rects", rects);
        a.put("rows", rows);
        a.put("width", Integer.toString(CHART_W));
        a.put("height", Integer.toString(CHART_H));
        a.put("steps", Integer.toString(steps));
        m.put("arena", a);
    }

    /** A bar chart's frame: labels left of x = 0. */
    private static void box(Map<String, Object> c, int left, int right, int height) {
        c.put("width", Integer.toString(left + right));
        c.put("height", Integer.toString(height));
        c.put("box", -left + " 0 " + (left + right) + " " + height);
    }

    /** A plot's frame: the plot at 0..CHART_W x 0..CHART_H, axis labels in the margins. */
    private static void margins(Map<String, Object> c) {
        c.put("outerWidth", Integer.toString(CHART_W + 80));
        c.put("outerHeight", Integer.toString(CHART_H + 48));
        c.put("box", "-65 -10 " + (CHART_W + 80) + " " + (CHART_H + 48));
        // Axis titles: the x title centred under the tick labels, the y title turned along the axis.
        c.put("xTitleX", fix(CHART_W / 2.0));
        c.put("xTitleY", fix(CHART_H + 33));
        c.put("yTitleX", fix(-CHART_H / 2.0));
        c.put("tickY", Integer.toString(CHART_H + 4));
    }

    private static String fix(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "—" : ReportFormat.figure(v);
    }
}
