package dev.mcugen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcugen.ir.npy.Npy;
import dev.mcugen.ir.npy.NpyArray;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes report.html (issue 17, docs/fuzzing.md): arbitrary layer, input and model names and arbitrary
 * weight and calibration values go through {@code mcugen build}; the build either refuses them (exit 3,
 * one line on stderr) or writes a page whose tags balance, whose text holds no raw markup character
 * and which shows every name escaped. Without {@code JAZZER_FUZZ=1} it replays its committed inputs.
 */
class ReportHtmlFuzzTest {
    private static final Path ROOT = Path.of(System.getProperty("java.io.tmpdir"), "mcugen-report-fuzz-" + ProcessHandle.current().pid());
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Elements without an end tag in HTML. */
    private static final Set<String> VOID = Set.of("meta", "br", "hr", "img", "input", "link", "col", "wbr");
    private static final Pattern TAG = Pattern.compile("<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\\s+[a-zA-Z_:][-a-zA-Z0-9_:.]*"
            + "(?:\\s*=\\s*\"[^\"<>]*\")?)*)\\s*(/?)>");
    private static final Pattern ENTITY = Pattern.compile("&(?:[a-zA-Z]+|#[0-9]+|#x[0-9a-fA-F]+);");

    @AfterAll
    static void cleanUp() throws IOException {
        deleteTree(ROOT);
    }

    @FuzzTest(maxDuration = "10m")
    @Timeout(120)
    void report(FuzzedDataProvider data) throws Exception {
        // A different first letter each: the names are never empty and never equal (both refused before
        // any report), so the fuzzer spends its time on what the page does with them.
        String model = "m" + data.consumeString(40);
        String input = "x" + data.consumeString(40);
        String hidden = "h" + data.consumeString(40);
        String output = "y" + data.consumeString(40);
        float[] kernel1 = floats(data, 6);
        float[] kernel2 = floats(data, 6);
        float[] calibration = floats(data, 8);

        Path dir = fresh();
        Path graph = dir.resolve("model.mcugen.json");
        Files.writeString(graph, graphJson(model, input, hidden, output, kernel1, kernel2));
        Path cal = dir.resolve("calibration.npy");
        Npy.write(cal, NpyArray.ofFloat32(List.of(4, 2), calibration));
        Path out = dir.resolve("out");

        StringWriter stdout = new StringWriter();
        StringWriter stderr = new StringWriter();
        int code = Main.run(new PrintWriter(stdout, true), new PrintWriter(stderr, true), "build", graph.toString(),
                "--name", "fuzz", "--calibration", cal.toString(), "--target", "cortex-m4", "--out", out.toString(),
                "--no-progress");
        if (code != ExitCodes.OK) {
            // Names and values the build refuses are refused as input errors, in one line.
            assertThat(code).as("exit code; stderr: %s", stderr).isEqualTo(ExitCodes.REJECTED);
            assertThat(stderr.toString().strip().lines()).as("stderr: %s", stderr).hasSize(1);
            return;
        }
        String page = Files.readString(out.resolve(ReportHtml.FILE));
        wellFormed(page);
        for (String name : List.of(hidden, output)) {
            assertThat(page).as("layer name %s escaped", name).contains("<td>" + escape(name) + "</td>");
        }
    }

    /** Values in [-8, 8], finite: the fuzzer picks the bits, the model stays one a build accepts. */
    private static float[] floats(FuzzedDataProvider data, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = data.consumeRegularFloat(-8f, 8f);
        }
        return v;
    }

    private static String graphJson(String model, String input, String hidden, String output, float[] k1, float[] k2)
            throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", "mcugen-graph");
        root.put("version", 1);
        root.put("name", model);
        ObjectNode in = root.putArray("inputs").addObject();
        in.put("name", input);
        in.putArray("shape").add(2);
        ArrayNode nodes = root.putArray("nodes");
        dense(nodes.addObject(), hidden, input, "relu", 2, 3, k1);
        dense(nodes.addObject(), output, hidden, "softmax", 3, 2, k2);
        root.putArray("outputs").add(output);
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    }

    private static void dense(ObjectNode n, String name, String input, String activation, int in, int units, float[] kernel) {
        n.put("name", name);
        n.put("op", "dense");
        n.putArray("inputs").add(input);
        n.putObject("attrs").put("units", units).put("activation", activation);
        ObjectNode w = n.putObject("weights");
        ObjectNode k = w.putObject("kernel");
        k.putArray("shape").add(in).add(units);
        ArrayNode kd = k.putArray("data");
        for (float f : kernel) {
            kd.add(f);
        }
        ObjectNode b = w.putObject("bias");
        b.putArray("shape").add(units);
        ArrayNode bd = b.putArray("data");
        for (int i = 0; i < units; i++) {
            bd.add(0.1 * i);
        }
    }

    /**
     * Tags open and close in order (void elements and self-closed SVG shapes excepted), attributes are
     * quoted without markup inside, and the text between tags holds no '<' or '>' and only valid entities.
     */
    static void wellFormed(String page) {
        assertThat(page).startsWith("<!DOCTYPE html>");
        String body = page.substring("<!DOCTYPE html>".length());
        Deque<String> open = new ArrayDeque<>();
        Matcher m = TAG.matcher(body);
        int at = 0;
        while (m.find()) {
            text(body.substring(at, m.start()), body, at);
            at = m.end();
            String name = m.group(2).toLowerCase(java.util.Locale.ROOT);
            boolean closing = !m.group(1).isEmpty();
            boolean selfClosed = !m.group(4).isEmpty();
            if (name.equals("style")) {
                // Inline CSS is the template's own text; skip to its end tag.
                int end = body.indexOf("</style>", at);
                assertThat(end).as("</style>").isPositive();
                at = end + "</style>".length();
                m.region(at, body.length());
                continue;
            }
            if (closing) {
                assertThat(open).as("end tag </%s> at %d with open %s", name, m.start(), open).isNotEmpty();
                assertThat(open.pop()).as("end tag </%s> at %d", name, m.start()).isEqualTo(name);
            } else if (!selfClosed && !VOID.contains(name)) {
                open.push(name);
            }
        }
        text(body.substring(at), body, at);
        assertThat(open).as("elements left open").isEmpty();
    }

    private static void text(String t, String body, int at) {
        assertThat(t).as("text at %d: %s", at, t).doesNotContain("<", ">");
        Matcher amp = Pattern.compile("&").matcher(t);
        while (amp.find()) {
            Matcher e = ENTITY.matcher(t);
            assertThat(e.find(amp.start()) && e.start() == amp.start()).as("bare & in text at %d: %s", at, t).isTrue();
        }
    }

    /** FreeMarker's HTML output format escaping: the five markup characters. */
    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&#39;");
    }

    private static Path fresh() throws IOException {
        deleteTree(ROOT);
        return Files.createDirectories(ROOT);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
