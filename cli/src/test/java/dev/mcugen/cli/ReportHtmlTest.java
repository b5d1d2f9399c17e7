package dev.mcugen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code report.html} beside report.json (DESIGN §8): self-contained (nothing fetched, no script),
 * with the graph, the quantization tables, the error plots and the memory plots as inline SVG; and
 * headless Chromium renders it without a console error (CI installs Chromium, .ci/run).
 */
class ReportHtmlTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");

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
                    + "<td class=\"n\">4608</td><td class=\"n\">224000</td>");
        } else {
            assertThat(page).contains("conv1d");
        }
        // Model-derived strings are escaped: no raw '<' from a value inside table cells.
        assertThat(page).doesNotContainPattern("<td><[^/]").doesNotContain("&amp;amp;");

        chromiumRendersWithoutErrors(html);
    }

    @org.junit.jupiter.api.Test
    void verifyWritesTheReportWithTheTargetFigures() throws Exception {
        Path out = tmp.resolve("har-verify");
        CliTest.Result r = CliTest.run("verify", CliTest.HAR.toString(), "--target", "cortex-m4", "--data",
                CliTest.HAR.resolve("test.npy").toString(), "--samples", "4", "--out", out.toString(), "--no-progress");
        assertThat(r.code()).as("stdout %s%nstderr %s", r.out(), r.err()).isZero();
        Path html = out.resolve("report.html");
        String page = Files.readString(html);
        assertThat(page).contains("id=\"target\"", "bit exact with the simulator", "instructions per inference",
                "flash bytes", "ram bytes", "stack bytes", "sqnr db", "errors vs float over 4 sample(s)",
                "<svg id=\"sqnr-plot\"", "class=\"step-plot\"");
        assertThat(page).doesNotContainPattern("(?i)<script").doesNotContainPattern("(?i)(src|href)\\s*=\\s*\"?(https?:)?//");
        chromiumRendersWithoutErrors(html);
    }

    @org.junit.jupiter.api.Test
    void modelDerivedStringsAreEscaped() throws Exception {
        // The HAR model with its dense layer renamed to something that is markup.
        Path graph = tmp.resolve("har.mcugen.json");
        dev.mcugen.ir.json.GraphJson.write(dev.mcugen.ir.ModelLoader.load(CliTest.HAR), graph);
        String json = Files.readString(graph);
        assertThat(json).contains("\"output\"");
        Files.writeString(graph, json.replace("\"output\"", "\"out<i>&x\"").replace("\"har_lstm\"", "\"har<b>\""));
        Path out = tmp.resolve("escaped");
        CliTest.Result r = CliTest.run("build", graph.toString(), "--name", "har", "--calibration",
                CliTest.HAR.resolve("calibration.npy").toString(), "--target", "cortex-m4", "--out", out.toString(),
                "--no-progress");
        assertThat(r.code()).as(r.err()).isZero();
        String page = Files.readString(out.resolve("report.html"));
        assertThat(page).contains("out&lt;i&gt;&amp;x", "har&lt;b&gt;").doesNotContain("out<i>", "har<b>");
    }

    private void chromiumRendersWithoutErrors(Path html) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM), "no /usr/bin/chromium (CI installs it)");
        Path profile = Files.createDirectories(tmp.resolve("chromium-profile"));
        Path dom = tmp.resolve("dom.html");
        Path err = tmp.resolve("chromium.err");
        List<String> cmd = List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0", "--dump-dom",
                html.toAbsolutePath().toUri().toString());
        Process p = new ProcessBuilder(cmd).redirectOutput(dom.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish in 120 s: " + Files.readString(err));
        }
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        String dumped = Files.readString(dom, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("chromium exit; stderr: %s", stderr).isZero();
        assertThat(dumped).as("the rendered DOM").contains("<svg id=\"sqnr-plot\"", "<svg id=\"error-histogram\"",
                "<svg id=\"flash-plot\"", "<svg id=\"arena-map\"", "<rect ");
        assertThat(stderr.lines().filter(l -> l.contains("Uncaught") || l.contains("CONSOLE") || l.contains(":CONSOLE(")
                || l.matches(".*console.*(error|Error).*")).toList()).as("console errors in: %s", stderr).isEmpty();
    }
}
