package dev.mcugen.cli;

import dev.mcugen.compiler.analyze.Sensitivity;
import dev.mcugen.compiler.analyze.WordLengthSearch;
import dev.mcugen.gen.Templates;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code mcugen analyze --report FILE.html}: the sensitivity table as plots — one chart for the weight
 * groups (metric against word length, a line per group) and one for the layer outputs — plus the
 * tables the terminal prints and, with {@code --budget}, the chosen word lengths with each group's
 * weight memory at its chosen width against 8 bits.
 *
 * <p>Java computes every coordinate, label and colour; {@code analyze.html.ftl} only prints them,
 * HTML-escaped (names from the model pass {@link ReportHtml#visible} first).
 */
final class AnalyzeReport {
    private static final int CHART_W = 560;
    private static final int CHART_H = 220;
    private static final int BAR_W = 360;
    private static final int LABEL_W = 220;
    private static final int ROW_H = 18;

    private AnalyzeReport() {
    }

    /**
     * The page.
     *
     * @param model     the model's name
     * @param file      the model file's name
     * @param t         the sensitivity table
     * @param budget    the {@code --budget} text, or null
     * @param budgetMetric the budget's metric (null without a budget)
     * @param budgetValue  the budget's value
     * @param search    the word-length search's result, or null
     */
    static String render(String model, String file, Sensitivity.Table t, String budget, Sensitivity.Metric budgetMetric,
                         double budgetValue, WordLengthSearch.Result search) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", model);
        m.put("file", file);
        m.put("metric", AnalyzeCommand.label(t.metric()));
        m.put("weightQuant", t.weightQuant().cliName());
        m.put("samples", ReportFormat.integer(t.samples()));
        m.put("samplesWord", t.samples() == 1 ? "sample" : "samples");
        m.put("perfect", AnalyzeCommand.figure(t.metric(), Sensitivity.perfect(t.metric())));
        // The level a search keeps to, drawn across the weight chart (absent without --budget).
        Double floor = budgetMetric == null ? null : switch (budgetMetric) {
            case TOP1 -> Sensitivity.perfect(budgetMetric) - budgetValue;
            case SQNR, MSE -> budgetValue;
        };
        List<Map<String, Object>> charts = new ArrayList<>();
        List<Map<String, Object>> tables = new ArrayList<>();
        for (String kind : List.of("weight", "signal")) {
            List<Sensitivity.Row> rows = t.rows().stream().filter(r -> r.kind().equals(kind)).toList();
            if (rows.isEmpty()) {
                continue;
            }
            String title = kind.equals("weight") ? "Weight groups (" + t.weightQuant().cliName() + " step)"
                    : "Layer outputs";
            charts.add(chart(title, kind.equals("weight") ? "weight word length (bits)" : "output word length (bits)",
                    AnalyzeCommand.label(t.metric()), t.metric(), rows, kind.equals("weight") ? floor : null,
                    budget));
            tables.add(table(title, kind, t.metric(), rows));
        }
        m.put("charts", charts);
        m.put("tables", tables);
        m.put("hasSearch", search != null);
        if (search != null) {
            m.put("search", search(t.metric(), budget, search));
        }
        return new Templates().render("analyze.html.ftl", ReportHtml.visible(m));
    }

    /** The plotted value: MSE on a log10 axis (its values span decades), the others as they are. */
    private static double plotted(Sensitivity.Metric metric, double v) {
        return metric == Sensitivity.Metric.MSE ? Math.log10(Math.max(v, 1e-30)) : v;
    }

    private static Map<String, Object> chart(String title, String xTitle, String yTitle, Sensitivity.Metric metric,
                                             List<Sensitivity.Row> rows, Double floor, String budget) {
        List<Integer> bits = rows.get(0).bits();
        // y range over every finite value (an exact result, SQNR infinity, sits on the top edge).
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Sensitivity.Row r : rows) {
            for (double v : r.metric()) {
                if (Double.isFinite(v)) {
                    lo = Math.min(lo, plotted(metric, v));
                    hi = Math.max(hi, plotted(metric, v));
                }
            }
        }
        if (floor != null && Double.isFinite(floor)) {
            lo = Math.min(lo, plotted(metric, floor));
            hi = Math.max(hi, plotted(metric, floor));
        }
        if (metric == Sensitivity.Metric.TOP1) {
            lo = Math.min(Double.isFinite(lo) ? Math.floor(lo / 10) * 10 : 0, 100);
            hi = 100;
        } else if (!Double.isFinite(lo)) {
            lo = 0;
            hi = 1;
        } else {
            double step = metric == Sensitivity.Metric.MSE ? 1 : 10;
            lo = Math.floor(lo / step) * step;
            hi = Math.max(lo + step, Math.ceil(hi / step) * step);
        }
        if (hi <= lo) {
            lo = hi - 10;
        }
        List<Map<String, String>> xTicks = new ArrayList<>();
        for (int k = 0; k < bits.size(); k++) {
            Map<String, String> tk = new LinkedHashMap<>();
            tk.put("x", fix(x(k, bits.size())));
            tk.put("label", Integer.toString(bits.get(k)));
            xTicks.add(tk);
        }
        List<Map<String, Object>> lines = new ArrayList<>();
        int i = 0;
        for (Sensitivity.Row r : rows) {
            String name = r.kind().equals("weight") ? r.layer() + "/" + r.tensor() : r.layer();
            String colour = colour(i);
            StringBuilder pts = new StringBuilder();
            List<Map<String, String>> dots = new ArrayList<>();
            for (int k = 0; k < bits.size(); k++) {
                double v = r.metric()[k];
                double p = Double.isFinite(v) ? plotted(metric, v) : v > 0 ? hi : lo;
                String px = fix(x(k, bits.size()));
                String py = fix(y(p, lo, hi));
                pts.append(pts.length() > 0 ? " " : "").append(px).append(',').append(py);
                Map<String, String> d = new LinkedHashMap<>();
                d.put("x", px);
                d.put("y", py);
                d.put("label", name + " at " + bits.get(k) + " bits: " + AnalyzeCommand.figure(metric, v));
                dots.add(d);
            }
            Map<String, Object> l = new LinkedHashMap<>();
            l.put("name", name);
            l.put("colour", colour);
            l.put("dash", dash(i));
            l.put("points", pts.toString());
            l.put("dots", dots);
            // The legend, one row per line, right of the plot.
            l.put("legendY", fix(8 + i * 14.0));
            l.put("legendTextY", fix(12 + i * 14.0));
            lines.add(l);
            i++;
        }
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("title", title);
        c.put("xTitle", xTitle);
        c.put("yTitle", yTitle + (metric == Sensitivity.Metric.MSE ? ", log10" : ""));
        c.put("lines", lines);
        c.put("xTicks", xTicks);
        c.put("width", Integer.toString(CHART_W));
        c.put("height", Integer.toString(CHART_H));
        int legendH = 16 + 14 * rows.size();
        int outerH = Math.max(CHART_H + 48, legendH);
        c.put("outerWidth", Integer.toString(CHART_W + 80 + LABEL_W + 40));
        c.put("outerHeight", Integer.toString(outerH));
        c.put("box", "-65 -10 " + (CHART_W + 80 + LABEL_W + 40) + " " + outerH);
        c.put("legendX", Integer.toString(CHART_W + 24));
        c.put("legendTextX", Integer.toString(CHART_W + 44));
        c.put("xTitleX", fix(CHART_W / 2.0));
        c.put("xTitleY", fix(CHART_H + 33));
        c.put("yTitleX", fix(-CHART_H / 2.0));
        c.put("tickY", Integer.toString(CHART_H + 4));
        c.put("hi", axis(metric, hi));
        c.put("lo", axis(metric, lo));
        c.put("mid", axis(metric, (lo + hi) / 2));
        c.put("midY", fix(CHART_H / 2.0));
        boolean hasFloor = floor != null && Double.isFinite(floor);
        c.put("hasFloor", hasFloor);
        if (hasFloor) {
            double fy = y(plotted(metric, floor), lo, hi);
            c.put("floorY", fix(fy));
            // The label above the line, or below it when the line runs along the top edge.
            c.put("floorTextY", fix(fy < 16 ? fy + 13 : fy - 4));
            c.put("floorLabel", "budget " + budget + ": " + AnalyzeCommand.figure(metric, floor));
        }
        return c;
    }

    private static Map<String, Object> table(String title, String kind, Sensitivity.Metric metric,
                                             List<Sensitivity.Row> rows) {
        List<String> header = new ArrayList<>();
        rows.get(0).bits().forEach(b -> header.add(b + " bit"));
        List<Map<String, Object>> body = new ArrayList<>();
        for (Sensitivity.Row r : rows) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", kind.equals("weight") ? r.layer() + "/" + r.tensor() : r.layer());
            row.put("values", ReportFormat.integer(r.values()));
            List<String> cells = new ArrayList<>();
            for (double v : r.metric()) {
                cells.add(AnalyzeCommand.figure(metric, v));
            }
            row.put("cells", cells);
            body.add(row);
        }
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("title", title);
        t.put("first", kind.equals("weight") ? "weight group" : "layer output");
        t.put("header", header);
        t.put("rows", body);
        return t;
    }

    /** The chosen word lengths: a table and each group's weight memory at its width against 8 bits. */
    private static Map<String, Object> search(Sensitivity.Metric metric, String budget, WordLengthSearch.Result r) {
        long max = Math.max(1, r.values().values().stream().mapToLong(v -> 8 * v).max().orElse(1));
        List<Map<String, String>> rows = new ArrayList<>();
        List<Map<String, String>> bars = new ArrayList<>();
        int y = 0;
        for (Map.Entry<String, Integer> e : r.bits().entrySet()) {
            long values = r.values().get(e.getKey());
            Map<String, String> row = new LinkedHashMap<>();
            row.put("group", e.getKey());
            row.put("values", ReportFormat.integer(values));
            row.put("bits", Integer.toString(e.getValue()));
            row.put("bytes", ReportFormat.integer((values * e.getValue() + 7) / 8));
            row.put("int8Bytes", ReportFormat.integer(values));
            rows.add(row);
            Map<String, String> b = new LinkedHashMap<>();
            b.put("label", e.getKey());
            b.put("y", Integer.toString(y));
            b.put("h", Integer.toString(ROW_H - 4));
            b.put("ty", Integer.toString(y + ROW_H - 5));
            b.put("w8", fix((double) 8 * values / max * BAR_W));
            b.put("w", fix((double) e.getValue() * values / max * BAR_W));
            b.put("tx", fix((double) 8 * values / max * BAR_W + 4));
            b.put("value", e.getValue() + " of 8 bits, " + ReportFormat.integer((values * e.getValue() + 7) / 8) + " of "
                    + ReportFormat.integer(values) + " bytes");
            bars.add(b);
            y += ROW_H;
        }
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("budget", budget);
        s.put("rows", rows);
        s.put("bars", bars);
        s.put("barsWidth", Integer.toString(LABEL_W + BAR_W + 180));
        s.put("barsHeight", Integer.toString(Math.max(y, ROW_H)));
        s.put("barsBox", -LABEL_W + " 0 " + (LABEL_W + BAR_W + 180) + " " + Math.max(y, ROW_H));
        s.put("weightBits", ReportFormat.integer(r.weightBits()));
        s.put("int8Bits", ReportFormat.integer(r.int8Bits()));
        s.put("ofInt8", String.format(Locale.ROOT, "%.1f", 100.0 * r.weightBits() / r.int8Bits()));
        s.put("ofFloat", String.format(Locale.ROOT, "%.1f", 100.0 * r.weightBits() / (4.0 * r.int8Bits())));
        s.put("searchSamples", ReportFormat.integer(r.searchSamples()));
        s.put("heldOutSamples", ReportFormat.integer(r.heldOutSamples()));
        s.put("searchMetric", AnalyzeCommand.figure(metric, r.searchMetric()));
        s.put("heldOut", AnalyzeCommand.figure(metric, r.heldOut()));
        return s;
    }

    private static double x(int k, int n) {
        return n == 1 ? CHART_W / 2.0 : (double) k / (n - 1) * CHART_W;
    }

    private static double y(double v, double lo, double hi) {
        return CHART_H - (Math.max(lo, Math.min(hi, v)) - lo) / (hi - lo) * CHART_H;
    }

    /** Ten colours told apart in print and by most colour-blind readers; past ten, lines also differ by dash. */
    private static final List<String> PALETTE = List.of("#4c78a8", "#f58518", "#e45756", "#54a24b", "#b279a2", "#9d755d",
            "#72b7b2", "#eeca3b", "#ff9da6", "#79706e");

    private static String colour(int i) {
        return PALETTE.get(i % PALETTE.size());
    }

    private static String dash(int i) {
        return switch (i / PALETTE.size() % 3) {
            case 0 -> "none";
            case 1 -> "6,3";
            default -> "2,2";
        };
    }

    private static String axis(Sensitivity.Metric metric, double v) {
        return metric == Sensitivity.Metric.MSE ? String.format(Locale.ROOT, "1e%.1f", v) : fix(v);
    }

    private static String fix(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
