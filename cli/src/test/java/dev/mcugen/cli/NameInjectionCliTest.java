package dev.mcugen.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcugen.ir.ModelLoader;
import dev.mcugen.ir.json.GraphJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 17 part 1 through the command line: a graph JSON model (the HAR LSTM) whose model, input and
 * layer names carry a trailing backslash, a preprocessor line, a comment closer, a trigraph and
 * U+202E; {@code --name} with the runtime's prefixes or a keyword.
 */
class NameInjectionCliTest {
    @TempDir
    Path tmp;

    private static final String MODEL = "har\\\n#define HAR_H 1\n#error injected\u202e\\";

    /** HAR as graph JSON with hostile names, calibration.npy beside it. */
    private Path hostileHar() throws Exception {
        return har(MODEL, Map.of("lstm_input", "in*/ int evil; /*\u202e", "lstm", "lstm??/", "output", "out\\"));
    }

    /** HAR as graph JSON named {@code name}, its tensors renamed by {@code to}, calibration.npy beside it. */
    private Path har(String name, Map<String, String> to) throws Exception {
        ObjectMapper om = new ObjectMapper();
        ObjectNode j = (ObjectNode) om.readTree(GraphJson.toJson(ModelLoader.load(CliTest.HAR)));
        j.put("name", name);
        for (JsonNode in : j.get("inputs")) {
            ((ObjectNode) in).put("name", to.get(in.get("name").asText()));
        }
        for (JsonNode n : j.get("nodes")) {
            ((ObjectNode) n).put("name", to.get(n.get("name").asText()));
            ArrayNode ins = (ArrayNode) n.get("inputs");
            for (int i = 0; i < ins.size(); i++) {
                ins.set(i, to.get(ins.get(i).asText()));
            }
        }
        ArrayNode outs = (ArrayNode) j.get("outputs");
        for (int i = 0; i < outs.size(); i++) {
            outs.set(i, to.get(outs.get(i).asText()));
        }
        Path model = tmp.resolve("model/hostile.json");
        Files.createDirectories(model.getParent());
        Files.writeString(model, om.writeValueAsString(j));
        Files.copy(CliTest.HAR.resolve("calibration.npy"), model.resolveSibling("calibration.npy"));
        return model;
    }

    @Test
    void backslashPreprocessorAndBidiInModelAndLayerNamesVerifyBitExact() throws Exception {
        VerifyCommandTest.requireTools(dev.mcugen.qemu.Target.HOST);
        Path out = tmp.resolve("v");
        CliTest.Result r = CliTest.run("verify", hostileHar().toString(), "--target", "host", "--data",
                CliTest.HAR.resolve("test.npy").toString(), "--samples", "4", "--out", out.toString(), "--no-progress");
        assertThat(r.code()).as("stdout %s%nstderr %s", r.out(), r.err()).isZero();
        assertThat(r.out()).contains("bit-exact with the simulator").doesNotContain("\u202e");
        String id = "har___define_HAR_H_1__error_injected__";
        String c = Files.readString(out.resolve(id + ".c"));
        String h = Files.readString(out.resolve(id + ".h"));
        // the statement the trailing backslash of the output layer's name used to swallow
        assertThat(c).containsPattern("\\n\\s+mcu_softmax_\\w+\\(");
        for (String text : List.of(c, h, Files.readString(out.resolve("harness/main.c")))) {
            assertThat(text).matches("[\\x20-\\x7e\\n]*").doesNotContain("??", "\\\n", "\n#define HAR_H 1", "\n#error");
        }
        compile(out, id + ".c");
        // report.json: the names kept exactly, bidi escaped; report.html: shown as U+202E
        String json = Files.readString(out.resolve("report.json"));
        assertThat(json).doesNotContain("\u202e").contains("\\u202e");
        assertThat(new ObjectMapper().readTree(json).get("model").asText()).isEqualTo(MODEL);
        assertThat(Files.readString(out.resolve(ReportHtml.FILE))).doesNotContain("\u202e").contains("U+202E");
    }

    @Test
    void analyzeReportShowsHostileNamesAsText() throws Exception {
        Path html = tmp.resolve("analyze.html");
        Path model = har(MODEL, Map.of("lstm_input", "in", "lstm", "<script>alert(1)</script>\u202e", "output", "out\\"));
        CliTest.Result r = CliTest.run("analyze", model.toString(), "--data", CliTest.HAR.resolve("test.npy").toString(),
                "--samples", "4", "--no-progress", "--report", html.toString());
        assertThat(r.code()).as("stdout %s%nstderr %s", r.out(), r.err()).isZero();
        assertThat(r.out()).doesNotContain("\u202e");
        String page = Files.readString(html);
        assertThat(page).doesNotContain("\u202e", "<script>").contains("&lt;script&gt;alert(1)&lt;/script&gt;U+202E/kernel");
    }

    @Test
    void layerNamedLikeTheLstmsScratchBufferStaysBitExact() throws Exception {
        // the arena keyed scratch buffers "<lstm>#scratch16" beside tensor names: a dense layer of
        // that name shared the LSTM's scratch and the C differed from the simulator
        VerifyCommandTest.requireTools(dev.mcugen.qemu.Target.HOST);
        Path model = har("har", Map.of("lstm_input", "x", "lstm", "a", "output", "a#scratch16"));
        CliTest.Result r = CliTest.run("verify", model.toString(), "--target", "host", "--data",
                CliTest.HAR.resolve("test.npy").toString(), "--samples", "4", "--out", tmp.resolve("s").toString(),
                "--no-progress");
        assertThat(r.code()).as("stdout %s%nstderr %s", r.out(), r.err()).isZero();
        assertThat(r.out()).contains("bit-exact with the simulator");
    }

    @Test
    void backslashInModelNameWithNameGivenBuildsCleanC() throws Exception {
        Path out = tmp.resolve("b");
        CliTest.Result r = CliTest.run("build", hostileHar().toString(), "--target", "host", "--name", "har",
                "--out", out.toString());
        assertThat(r.code()).as("stderr %s", r.err()).isZero();
        String h = Files.readString(out.resolve("har.h"));
        assertThat(h).contains(" * model: har? ?#define HAR_H 1?#error injected? ?\n")
                .doesNotContain("\n#define HAR_H 1", "\n#error");
        assertThat(Files.readString(out.resolve("har.c"))).containsPattern("\\n\\s+mcu_softmax_\\w+\\(");
        compile(out, "har.c");
    }

    @Test
    void nameWithTheRuntimePrefixOrAKeywordIsRefused() {
        for (String bad : List.of("mcu_nn", "mcu_rnn", "MCU_X", "int", "_x", "a\\", "a\u202eb")) {
            CliTest.assertOneLineError(CliTest.run("build", CliTest.HAR.toString(), "--target", "host", "--name", bad,
                    "--out", tmp.resolve("o").toString()), 2, "--name", "MCG_CLI_USAGE");
        }
        CliTest.Result r = CliTest.run("build", CliTest.HAR.toString(), "--target", "host", "--name", "a\u202eb",
                "--out", tmp.resolve("o").toString());
        assertThat(r.err()).doesNotContain("\u202e");
        assertThat(tmp.resolve("o")).doesNotExist();
    }

    @Test
    void namesInErrorMessagesReachTheTerminalWithoutControlOrBidiCharacters() throws Exception {
        String evil = "d\u202e\u001b[2J\u0007";
        CliTest.Result r = CliTest.run("build", har("har", Map.of("lstm_input", "x", "lstm", evil, "output", evil)).toString(),
                "--target", "host", "--out", tmp.resolve("o").toString());
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err()).startsWith("mcugen: ").contains("d??[2J?", "MCG_GRAPH_INVALID")
                .doesNotContain("\u202e", "\u001b", "\u0007");
    }

    private static void compile(Path dir, String file) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("gcc", "-fsyntax-only", "-std=c99", "-Wall", "-Wextra", "-Werror",
                "-Wconversion", "-Wbidi-chars=any", "-I" + dir, "-I" + dir.resolve("runtime/include"),
                dir.resolve(file).toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(log).isZero();
    }
}
