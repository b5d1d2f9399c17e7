package dev.mcugen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code report.html} beside report.json (DESIGN §8): self-contained (nothing fetched, no script),
 * with the graph, the quantization tables, the error plots and the memory plots as inline SVG; and
 * headless Chromium renders it without a console error (CI installs Chromium, .ci/run).
 */
class ReportHtmlTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"har_lstm", "gesture_conv1d"})
    void buildWritesASelfContainedReport(String example) throws Exception {
        Path model = CliTest.ROOT.resolve("examples").resolve(example);
        Path out = tmp.resolve(example);
        CliTest.Result r = CliTest.run("build", model.toString(), "--target", "cortex-m4", "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        Path html = out.resolve("report.html");
        assertThat(html).isRegularFile();
        String page = Files.readString(html);

        assertThat(page).startsWith("<!DOCTYPE html>").contains("</html>");
        // Self-contained: nothing loaded from anywhere, no script at all.
        assertThat(page).doesNotContainPattern("(?i)(src|href)\\s*=\\s*\"?(https?:)?//")
                .doesNotContainPattern("(?i)<script").doesNotContainPattern("(?i)<link")
                .doesNotContainPattern("(?i)@import").doesNotContainPattern("(?i)url\\(");
        // The sections.
        assertThat(page).contains("id=\"graph\"", "id=\"quantization\"", "id=\"contracts\"", "id=\"overflow\"",
                "id=\"error\"", "id=\"memory\"", "Q format", "zero point", "headroom bits");
        // The plots.
        assertThat(page).contains("<svg id=\"sqnr-plot\"", "<svg id=\"error-histogram\"", "<svg id=\"flash-plot\"",
                "<svg id=\"arena-map\"");
        assertThat(page.split("<rect ", -1).length).as("bars drawn").isGreaterThan(10);
        if (example.equals("har_lstm")) {
            // The LSTM: its row in the graph table, a per-step chart, the cell state's Q format.
            assertThat(page).contains("<td>lstm</td>", "class=\"step-plot\"", "lstm/cell", "<polyline");
            assertThat(page).containsPattern("<td>lstm</td><td>lstm tanh/hard_sigmoid</td><td>lstm_input</td><td>\\[32\\]</td>"
                    + "<td class=\"n\">4,608</td><td class=\"n\">224,000</td>");
        } else {
            assertThat(page).contains("conv1d");
        }
        // The verdict first, provenance, the model's own memory; tables print whole (no inner scroll box).
        assertThat(page).contains("<section id=\"verdict\" class=\"verdict-pass\">", "<span class=\"word\">PASS</span>",
                "id=\"provenance\"", "mcugen version", "command line", "SHA-256", "The model alone",
                "constants: weights and parameters (flash)", "activation arena (RAM)", "code size: measured by verify")
                .doesNotContain("class=\"scroll\"");
        navFollowsThePage(page);
        // Model-derived strings are escaped: no raw '<' from a value inside table cells.
        assertThat(page).doesNotContainPattern("<td><[^/]").doesNotContain("&amp;amp;");

        chromiumRendersWithoutErrors(html);
    }

    @org.junit.jupiter.api.Test
    void modelDerivedStringsAreEscaped() throws Exception {
        // The HAR model with its dense layer renamed to something that is markup.
        Path graph = tmp.resolve("har.mcugen.json");
        dev.mcugen.ir.json.GraphJson.write(dev.mcugen.ir.ModelLoader.load(CliTest.HAR), graph);
        String json = Files.readString(graph);
        assertThat(json).contains("\"output\"");
        // A script tag, a bell and a bidi override in the layer name; markup in the model's name and in the
        // --out folder (the command line and the provenance show it).
        Files.writeString(graph, json.replace("\"output\"", "\"out<script>alert(1)</script>&x\\u0007\\u202e\"")
                .replace("\"har_lstm\"", "\"har<b>\""));
        Path out = tmp.resolve("esc<img src=x onerror=alert(1)>aped");
        CliTest.Result r = CliTest.run("build", graph.toString(), "--name", "har", "--calibration",
                CliTest.HAR.resolve("calibration.npy").toString(), "--target", "cortex-m4", "--out", out.toString(),
                "--no-progress");
        assertThat(r.code()).as(r.err()).isZero();
        String page = Files.readString(out.resolve("report.html"));
        assertThat(page).contains("out&lt;script&gt;alert(1)&lt;/script&gt;&amp;xU+0007U+202E", "har&lt;b&gt;",
                        "esc&lt;img src=x onerror=alert(1)&gt;aped")
                .doesNotContain("out<", "har<b>", "<img", "\u0007", "\u202e").doesNotContainPattern("(?i)<script");
        ReportHtmlFuzzTest.wellFormed(page);
        // report.json keeps the names exactly; the command line there shows the folder as typed, quoted.
        String report = Files.readString(out.resolve("report.json"));
        assertThat(report).contains("'" + out.toString().replace("'", "'\\''") + "'");
    }

    /** The four variants the screenshot check renders: build and verify, each passing and failing. */
    enum Variant { BUILD_PASS, BUILD_FAIL, VERIFY_PASS, VERIFY_FAIL }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(Variant.class)
    void theRenderedPageShowsTheVerdictAndEverySection(Variant variant) throws Exception {
        Path out = tmp.resolve(variant.name().toLowerCase(java.util.Locale.ROOT));
        boolean verify = variant == Variant.VERIFY_PASS || variant == Variant.VERIFY_FAIL;
        boolean pass = variant == Variant.BUILD_PASS || variant == Variant.VERIFY_PASS;
        CliTest.Result r;
        if (verify) {
            // --min-sqnr 200 dB: the C is bit-exact with the simulator, but int8 is nowhere near as close to float.
            r = CliTest.run("verify", CliTest.HAR.toString(), "--target", "cortex-m4", "--data",
                    CliTest.HAR.resolve("test.npy").toString(), "--samples", "4", "--out", out.toString(), "--no-progress",
                    "--min-sqnr", pass ? "10" : "200");
            assertThat(r.code()).as("stdout %s%nstderr %s", r.out(), r.err()).isEqualTo(pass ? ExitCodes.OK : 6);
        } else {
            // No example model violates a contract; the hook adds a failed check as a violated contract would.
            if (!pass) {
                BuildCommand.verdictHook = v -> v.add("contracts", Verdict.Status.FAIL, "1 violated (test hook)");
            }
            try {
                r = CliTest.run("build", CliTest.HAR.toString(), "--target", "cortex-m4", "--out", out.toString(), "--no-progress");
            } finally {
                BuildCommand.verdictHook = java.util.function.UnaryOperator.identity();
            }
            assertThat(r.code()).as(r.err()).isZero();
        }
        assertThat(r.out()).contains("verdict: " + (pass ? "PASS" : "FAIL"));
        com.fasterxml.jackson.databind.JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(out.resolve("report.json").toFile());
        assertThat(json.path("verdict").path("status").asText()).isEqualTo(pass ? "PASS" : "FAIL");
        assertThat(json.fieldNames().next()).isEqualTo("model");
        assertThat(json.path("provenance").path("files").get(0).path("sha256").asText()).hasSize(64);
        assertThat(json.path(ReportHtml.MODEL_MEMORY).path("constants_bytes").asLong()).isPositive();
        if (verify) {
            assertThat(json.path(ReportHtml.MODEL_MEMORY).path("stack_bytes").asLong()).isPositive();
            assertThat(json.path(ReportHtml.MODEL_MEMORY).path("code_bytes").asLong()).isPositive();
        }
        String page = Files.readString(out.resolve(ReportHtml.FILE));
        ReportHtmlFuzzTest.wellFormed(page);
        assertThat(page).doesNotContainPattern("(?i)<script");

        if (variant == Variant.VERIFY_PASS) {
            // The target's figures, with human labels, the sample count and the test image beside the model's own memory.
            assertThat(page).contains("id=\"target\"", "bit-exact with the simulator", "instructions per inference",
                    "test image flash (text + data)", "test image static RAM (data + bss)", "stack of one inference (measured)",
                    "SQNR (dB)", "top-1 agreement</td><td class=\"n\">100.0 %", "errors vs float on 4 samples",
                    "Accuracy vs float on 4 samples", "streaming (_step)", "float-free", "soft-float routines linked",
                    "code (.text of the model&#39;s objects)", "<svg id=\"sqnr-plot\"", "class=\"step-plot\"")
                    .doesNotContain("sqnr db", "sample(s)");
            assertThat(r.out()).contains("vs float: on 4 samples, ");
            navFollowsThePage(page);
            chromiumRendersWithoutErrors(out.resolve(ReportHtml.FILE));
        }
        ChromiumPage.Rendered shot = ChromiumPage.render(out.resolve(ReportHtml.FILE), tmp);
        // The banner: near the top, as wide as the page's text, tall enough for the word and the checks.
        com.fasterxml.jackson.databind.JsonNode banner = shot.box("verdict");
        assertThat(banner.get("y").asDouble()).as("banner top").isLessThan(250);
        assertThat(banner.get("w").asDouble()).as("banner width").isGreaterThan(800);
        assertThat(banner.get("h").asDouble()).as("banner height").isGreaterThan(150);
        // Every section has a box, and the navigation lists them in the order they appear.
        List<String> sections = new java.util.ArrayList<>(List.of("verdict", "provenance", "graph", "quantization",
                "contracts", "overflow", "error", "memory", "sqnr-plot", "error-histogram", "flash-plot", "arena-map"));
        if (verify) {
            sections.add("target");
        }
        for (String id : sections) {
            assertThat(shot.box(id).get("w").asDouble()).as("#%s width", id).isPositive();
            assertThat(shot.box(id).get("h").asDouble()).as("#%s height", id).isPositive();
        }
        List<String> nav = new java.util.ArrayList<>();
        shot.layout().get("nav").forEach(n -> nav.add(n.asText()));
        List<String> order = new java.util.ArrayList<>();
        shot.layout().get("h2").forEach(n -> order.add(n.asText()));
        assertThat(nav).as("navigation").isEqualTo(order).contains(verify ? "target" : "graph");
        double y = -1;
        for (String id : nav) {
            assertThat(shot.box(id).get("y").asDouble()).as("#%s below the previous section", id).isGreaterThan(y);
            y = shot.box(id).get("y").asDouble();
        }
        // No inner scroll box; every table and plot drawn.
        assertThat(shot.layout().get("scrollers")).as("elements that scroll inside the page").isEmpty();
        shot.layout().get("tables").forEach(t -> assertThat(t.get("h").asDouble()).as("table height").isPositive());
        shot.layout().get("svgs").forEach(t -> assertThat(t.get("h").asDouble()).as("plot height").isPositive());
        // The LSTM's per-step plot has its step numbers under the x axis.
        assertThat(shot.layout().get("ticks").asInt()).as("x tick labels drawn").isGreaterThanOrEqualTo(3);
        // The screenshot: the banner's background fills its box, the word is drawn in the verdict's colour,
        // and nothing of the other verdict's colours shows.
        int bg = pass ? 0xEAF6EC : 0xFDECEE;
        int word = pass ? 0x176B2C : 0xB00020;
        int otherBg = pass ? 0xFDECEE : 0xEAF6EC;
        assertThat(shot.pixels(bg, ChromiumPage.HEIGHT)).as("banner background pixels").isGreaterThan(20_000);
        assertThat(shot.pixels(word, ChromiumPage.HEIGHT)).as("verdict word pixels").isGreaterThan(30);
        assertThat(shot.pixels(otherBg, ChromiumPage.HEIGHT)).as("the other verdict's background").isLessThan(50);
    }

    /** The navigation's links in the order of the sections they point to. */
    private static void navFollowsThePage(String page) {
        String nav = page.substring(page.indexOf("<nav>"), page.indexOf("</nav>"));
        java.util.regex.Matcher links = java.util.regex.Pattern.compile("href=\"#([^\"]+)\"").matcher(nav);
        int at = page.indexOf("</nav>");
        List<String> ids = new java.util.ArrayList<>();
        while (links.find()) {
            String id = links.group(1);
            ids.add(id);
            int where = page.indexOf("id=\"" + id + "\"", at);
            assertThat(where).as("section #%s after the previous one in %s", id, ids).isGreaterThan(at);
            at = where;
        }
        assertThat(ids).startsWith("verdict", "provenance");
    }

    private void chromiumRendersWithoutErrors(Path html) throws Exception {
        ChromiumPage.Output o = ChromiumPage.run(tmp, html, "--enable-logging=stderr", "--v=0", "--dump-dom");
        assertThat(o.stdout()).as("the rendered DOM").contains("<svg id=\"sqnr-plot\"", "<svg id=\"error-histogram\"",
                "<svg id=\"flash-plot\"", "<svg id=\"arena-map\"", "<rect ");
        assertThat(o.stderr().lines().filter(l -> l.contains("Uncaught") || l.contains("CONSOLE") || l.contains(":CONSOLE(")
                || l.matches(".*console.*(error|Error).*")).toList()).as("console errors in: %s", o.stderr()).isEmpty();
    }
}
