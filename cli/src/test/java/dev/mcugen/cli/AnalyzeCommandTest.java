package dev.mcugen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcugen.ir.Diag;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AnalyzeCommandTest {
    @TempDir
    Path tmp;

    @Test
    void theSensitivityTableOfTheLstmExampleOnTheTerminalAndAsJson() throws Exception {
        Path json = tmp.resolve("har.json");
        CliTest.Result r = CliTest.run("analyze", CliTest.HAR.resolve("model.json").toString(), "--data",
                CliTest.HAR.resolve("test.npy").toString(), "--samples", "40", "--no-progress", "--out", json.toString());
        assertThat(r.code()).as("stdout %s stderr %s", r.out(), r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines.get(0)).startsWith("top-1 agreement (%) of model 'har_lstm' against its float outputs")
                .contains("on 40 samples");
        // the LSTM's input and recurrent kernels apart, the Dense kernel; then each layer's output
        assertThat(lines).anyMatch(l -> l.matches("weight group \\(l2\\) +values +2 bit +3 bit +4 bit +5 bit +6 bit +8 bit"));
        assertThat(lines).anyMatch(l -> l.matches("lstm/kernel +384 .*"));
        assertThat(lines).anyMatch(l -> l.matches("lstm/recurrent_kernel +4,096 .*"));
        assertThat(lines).anyMatch(l -> l.matches("output/kernel +128 .*"));
        assertThat(lines).anyMatch(l -> l.matches("layer output +values +4 bit .* 16 bit"));

        JsonNode j = new ObjectMapper().readTree(json.toFile());
        assertThat(j.path("metric").asText()).isEqualTo("top1");
        assertThat(j.path("weight_quant").asText()).isEqualTo("l2");
        assertThat(j.path("samples").asInt()).isEqualTo(40);
        List<String> groups = new ArrayList<>();
        j.path("groups").forEach(g -> groups.add(g.path("kind").asText() + " " + g.path("layer").asText() + "/"
                + g.path("tensor").asText()));
        assertThat(groups).containsExactly("weight lstm/kernel", "weight lstm/recurrent_kernel", "weight output/kernel",
                "signal lstm/output", "signal output/output");
        for (JsonNode g : j.path("groups")) {
            JsonNode by = g.path("by_bits");
            assertThat(by.size()).isEqualTo(g.path("kind").asText().equals("weight") ? 6 : 9);
            // 8-bit weights and 16-bit outputs keep the float model's decisions on these samples
            double widest = g.path("kind").asText().equals("weight") ? by.path("8").asDouble() : by.path("16").asDouble();
            assertThat(widest).as(g.toString()).isGreaterThanOrEqualTo(97.5);
            by.forEach(v -> assertThat(v.asDouble()).isBetween(0.0, 100.0));
        }
        // 2-bit input weights cost this model decisions (the table is not flat)
        assertThat(j.path("groups").get(0).path("by_bits").path("2").asDouble()).isLessThan(90);
    }

    @Test
    void aBudgetChoosesWordLengthsThatHoldOnTheHeldOutHalf() throws Exception {
        Path json = tmp.resolve("kws.json");
        Path kws = CliTest.ROOT.resolve("examples/kws_gru");
        CliTest.Result r = CliTest.run("analyze", kws.resolve("model.json").toString(), "--data",
                kws.resolve("test.npy").toString(), "--samples", "60", "--budget", "sqnr=25", "--no-progress", "--out",
                json.toString());
        assertThat(r.code()).as("stdout %s stderr %s", r.out(), r.err()).isZero();
        assertThat(r.out()).contains("word lengths within sqnr=25 (greedy, l2 weights; searched on 30 samples, 30 held out)");
        JsonNode s = new ObjectMapper().readTree(json.toFile()).path("word_lengths");
        assertThat(s.path("budget_metric").asText()).isEqualTo("sqnr");
        assertThat(s.path("held_out_metric").asDouble()).isGreaterThanOrEqualTo(25);
        assertThat(s.path("search_metric").asDouble()).isGreaterThanOrEqualTo(25);
        long bits = 0;
        List<String> groups = new ArrayList<>();
        for (var e : (Iterable<java.util.Map.Entry<String, JsonNode>>) s.path("bits")::fields) {
            groups.add(e.getKey());
            assertThat(e.getValue().asInt()).isIn(2, 3, 4, 5, 6, 8);
        }
        assertThat(groups).containsExactly("gru/kernel", "gru/recurrent_kernel", "output/kernel");
        // some group went below 8 bits, and the figure is the sum of bits x values
        assertThat(s.path("weight_bits").asLong()).isLessThan(s.path("int8_weight_bits").asLong());
        assertThat(s.path("int8_weight_bits").asLong()).isEqualTo(8L * (1_248 + 3_072 + 160));
        bits = s.path("bits").path("gru/kernel").asLong() * 1_248 + s.path("bits").path("gru/recurrent_kernel").asLong()
                * 3_072 + s.path("bits").path("output/kernel").asLong() * 160;
        assertThat(s.path("weight_bits").asLong()).isEqualTo(bits);
    }

    @Test
    void theReportPlotsEveryGroupAndTheChosenWordLengths() throws Exception {
        Path html = tmp.resolve("kws.html");
        Path kws = CliTest.ROOT.resolve("examples/kws_gru");
        CliTest.Result r = CliTest.run("analyze", kws.resolve("model.json").toString(), "--data",
                kws.resolve("test.npy").toString(), "--samples", "20", "--budget", "sqnr=20", "--no-progress", "--report",
                html.toString());
        assertThat(r.code()).as("stdout %s stderr %s", r.out(), r.err()).isZero();
        assertThat(r.out()).contains("-> " + html);
        String page = java.nio.file.Files.readString(html);
        assertThat(page).startsWith("<!DOCTYPE html>").contains("<title>mcugen analyze report: kws_gru</title>")
                .contains("SQNR (dB) against the float model on 20 samples");
        // one chart for the weight groups, one for the layer outputs, each a line per group with a point per word length
        assertThat(page.split("<svg class=\"sensitivity-plot\"", -1)).hasSize(3);
        List<String> lines = page.lines().filter(l -> l.startsWith("<polyline class=\"group\"")).toList();
        assertThat(lines).hasSize(3 + 2);
        for (String l : lines) {
            String pts = l.replaceAll(".*points=\"([^\"]*)\".*", "$1");
            int expected = lines.indexOf(l) < 3 ? 6 : 9;
            assertThat(pts.split(" ")).as(l).hasSize(expected).allMatch(p -> p.matches("-?[0-9.]+,-?[0-9.]+"));
        }
        assertThat(page).contains("<title>gru/kernel</title>", "<title>gru/recurrent_kernel</title>",
                "<title>output/kernel</title>");
        // the budget across the weight chart, and the chosen word lengths with their memory
        assertThat(page).contains("class=\"budget\"", "budget sqnr=20: 20.0", "Chosen word lengths (budget sqnr=20)",
                "<svg class=\"memory-bars\"");
        assertThat(page).containsPattern("<td>gru/recurrent_kernel</td><td class=\"n\">3,072</td><td class=\"n\">[2-8]</td>");
        // the same figures as the terminal table
        assertThat(r.out()).contains("gru/kernel");
    }

    @Test
    void badOptionsAreRefusedInOneLine() {
        String model = CliTest.HAR.resolve("model.json").toString();
        String data = CliTest.HAR.resolve("test.npy").toString();
        CliTest.assertOneLineError(CliTest.run("analyze", model, "--data", data, "--metric", "accuracy"), ExitCodes.USAGE,
                "--metric", "top1, sqnr or mse", Diag.MCG_CLI_USAGE.name());
        CliTest.assertOneLineError(CliTest.run("analyze", model, "--data", data, "--weight-quant", "lloyd"),
                ExitCodes.USAGE, "--weight-quant", "l2, minmax or balanced");
        CliTest.assertOneLineError(CliTest.run("analyze", model, "--data", data, "--out", tmp.resolve("a").toString(),
                "--report", tmp.resolve("a").toString()), ExitCodes.USAGE, "--report", "same file as --out");
        CliTest.assertOneLineError(CliTest.run("analyze", model, "--data", data, "--samples", "0"), ExitCodes.USAGE,
                "--samples");
        CliTest.assertOneLineError(CliTest.run("analyze", model, "--data", data, "--budget", "accuracy=99"),
                ExitCodes.USAGE, "--budget", "top1=POINTS, sqnr=DB or mse=VALUE");
        CliTest.assertOneLineError(CliTest.run("analyze", model, "--data", data, "--budget", "top1=0.5", "--metric",
                "sqnr"), ExitCodes.USAGE, "--budget", "give one metric");
        CliTest.assertOneLineError(CliTest.run("analyze", model, "--data", data, "--calibration",
                tmp.resolve("none.npy").toString()), ExitCodes.of(Diag.MCG_IO_NOT_FOUND.kind()), "none.npy",
                Diag.MCG_IO_NOT_FOUND.name());
    }
}
