package dev.mcugen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcugen.qemu.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * {@code verify --junit}, {@code --min-top1} and {@code --min-sqnr} on the host (natively, no QEMU):
 * the JUnit XML parses and lists every check, an unmet threshold ends verify with
 * {@code MCG_VERIFY_ACCURACY} (exit 6) after every file is written, bad thresholds are bad usage, and
 * the JUnit file never replaces an input or a file mcugen did not write.
 */
class VerifyJunitTest {
    static final Path GESTURE = VerifyCommandTest.GESTURE;

    @TempDir
    Path tmp;

    @BeforeEach
    void tools() {
        VerifyCommandTest.requireTools(Target.HOST);
    }

    @AfterEach
    void resetHook() {
        VerifyCommand.expectedHook = UnaryOperator.identity();
        VerifyCommand.floatTokensHook = UnaryOperator.identity();
    }

    private static CliTest.Result verify(Path model, Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of("verify", model.toString(), "--target", "host", "--out", out.toString(),
                "--no-progress"));
        args.addAll(List.of(extra));
        return CliTest.run(args.toArray(String[]::new));
    }

    private CliTest.Result gesture(String... extra) {
        List<String> args = new ArrayList<>(List.of("--data", GESTURE.resolve("test.npy").toString()));
        args.addAll(List.of(extra));
        return verify(GESTURE, tmp.resolve("out"), args.toArray(String[]::new));
    }

    /** Parses like a CI server would, with no DTD (the report has none). */
    static Document parse(Path xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(xml.toFile());
    }

    static List<Element> cases(Document d) {
        NodeList nl = d.getElementsByTagName("testcase");
        List<Element> all = new ArrayList<>();
        for (int i = 0; i < nl.getLength(); i++) {
            all.add((Element) nl.item(i));
        }
        return all;
    }

    static JsonNode report(Path out) throws Exception {
        return new ObjectMapper().readTree(Files.readString(out.resolve("report.json")));
    }

    @Test
    void junitListsEveryCheckInOrderAndMetThresholdsExitZero() throws Exception {
        Path xml = tmp.resolve("reports/junit.xml");
        CliTest.Result r = gesture("--samples", "4", "--junit", xml.toString(), "--min-top1", "50", "--min-sqnr", "10");
        assertThat(r.code()).as("stdout %s%nstderr %s", r.out(), r.err()).isZero();
        assertThat(r.out()).contains("met: output 'output': top-1 agreement", ">= --min-top1 50%",
                ">= --min-sqnr 10 dB", xml.toString());
        JsonNode j = report(tmp.resolve("out"));
        // gesture_conv1d is feed-forward: no _step, so the streaming case is skipped with the header's reason.
        assertThat(j.at("/streaming/has_step").asBoolean()).isFalse();

        Document d = parse(xml);
        Element suites = d.getDocumentElement();
        assertThat(suites.getTagName()).isEqualTo("testsuites");
        Element suite = (Element) suites.getElementsByTagName("testsuite").item(0);
        assertThat(suites.getElementsByTagName("testsuite").getLength()).isEqualTo(1);
        for (Element e : List.of(suites, suite)) {
            assertThat(e.getAttribute("tests")).isEqualTo("8"); // 4 samples, streaming, float-free, 2 thresholds
            assertThat(e.getAttribute("failures")).isEqualTo("0");
            assertThat(e.getAttribute("errors")).isEqualTo("0");
            assertThat(e.getAttribute("skipped")).isEqualTo("1");
            assertThat(Double.parseDouble(e.getAttribute("time"))).isPositive();
        }
        List<Element> cs = cases(d);
        assertThat(cs).extracting(c -> c.getAttribute("name")).containsExactly(
                "bit-exact with the simulator, sample 0", "bit-exact with the simulator, sample 1",
                "bit-exact with the simulator, sample 2", "bit-exact with the simulator, sample 3",
                "streaming: _reset + _step equals _invoke", "float-free: no float or double in the generated C",
                "top-1 agreement --min-top1 50, output 'output'", "SQNR --min-sqnr 10, output 'output'");
        assertThat(cs).extracting(c -> c.getAttribute("classname")).containsOnly("mcugen.verify.host.gesture_conv1d");
        assertThat(d.getElementsByTagName("failure").getLength()).isZero();
        Element skipped = (Element) cs.get(4).getElementsByTagName("skipped").item(0);
        assertThat(skipped.getAttribute("message")).isEqualTo(j.at("/streaming/note").asText());

        // report.json carries the same figures as the "vs float:" metrics.
        JsonNode th = j.get("accuracy_thresholds");
        assertThat(th).hasSize(2);
        assertThat(th.get(0).get("metric").asText()).isEqualTo("top1_agreement_percent");
        assertThat(th.get(0).get("value").asDouble()).isEqualTo(100 * j.at("/metrics/top1_agreement").asDouble());
        assertThat(th.get(1).get("metric").asText()).isEqualTo("sqnr_db");
        assertThat(th.get(1).get("value").asDouble()).isEqualTo(j.at("/metrics/sqnr_db").asDouble());
        assertThat(th).allSatisfy(t -> assertThat(t.get("met").asBoolean()).isTrue());
    }

    @Test
    void aStreamingModelPassesItsStreamingCase() throws Exception {
        Path xml = tmp.resolve("har.xml");
        CliTest.Result r = verify(CliTest.HAR, tmp.resolve("out"), "--data", CliTest.HAR.resolve("test.npy").toString(),
                "--samples", "2", "--junit", xml.toString());
        assertThat(r.code()).as("stdout %s%nstderr %s", r.out(), r.err()).isZero();
        assertThat(report(tmp.resolve("out")).at("/streaming/has_step").asBoolean()).isTrue();
        Document d = parse(xml);
        // No thresholds asked: no threshold cases.
        assertThat(d.getDocumentElement().getAttribute("tests")).isEqualTo("4");
        assertThat(d.getDocumentElement().getAttribute("skipped")).isEqualTo("0");
        assertThat(d.getElementsByTagName("skipped").getLength()).isZero();
        assertThat(cases(d)).extracting(c -> c.getAttribute("classname")).containsOnly("mcugen.verify.host.har_lstm");
    }

    @Test
    void anUnmetSqnrExitsSixWithTheKeyAfterWritingEveryFile() throws Exception {
        Path xml = tmp.resolve("junit.xml");
        CliTest.Result r = gesture("--samples", "4", "--junit", xml.toString(), "--min-sqnr", "200");
        CliTest.assertOneLineError(r, ExitCodes.ACCURACY, "MCG_VERIFY_ACCURACY", "gesture_conv1d on host",
                "output 'output': SQNR ", " dB below --min-sqnr 200 dB");
        JsonNode j = report(tmp.resolve("out"));
        assertThat(Files.readString(tmp.resolve("out").resolve(ReportHtml.FILE)))
                .contains("<td>output</td><td>SQNR (dB)</td><td>at least 200.00</td>", "<td class=\"fail\">NOT met</td>",
                        "<span class=\"word\">FAIL</span>SQNR of output &#39;output&#39;: ");
        JsonNode t = j.get("accuracy_thresholds").get(0);
        assertThat(t.get("met").asBoolean()).isFalse();
        assertThat(t.get("threshold").asDouble()).isEqualTo(200.0);
        assertThat(r.err()).contains(String.format(java.util.Locale.ROOT, "SQNR %.2f dB", t.get("value").asDouble()));
        Document d = parse(xml);
        assertThat(d.getDocumentElement().getAttribute("failures")).isEqualTo("1");
        Element failure = (Element) d.getElementsByTagName("failure").item(0);
        assertThat(failure.getAttribute("type")).isEqualTo("MCG_VERIFY_ACCURACY");
        assertThat(failure.getAttribute("message")).contains("below --min-sqnr 200 dB");
        assertThat(((Element) failure.getParentNode()).getAttribute("name")).isEqualTo("SQNR --min-sqnr 200, output 'output'");
    }

    /**
     * Two outputs (class, value): every output is checked against both thresholds; what fails follows
     * the figures in report.json, and the error line names each output that falls short.
     */
    @Test
    void everyOutputIsCheckedAndTop1BelowItsThresholdFails() throws Exception {
        Path xml = tmp.resolve("multi.xml");
        CliTest.Result r = verify(MultiIoCliTest.MODEL, tmp.resolve("out"), "--data", MultiIoCliTest.IN0.toString(), "--data",
                MultiIoCliTest.IN1.toString(), "--calibration", MultiIoCliTest.IN0.toString(), "--calibration",
                MultiIoCliTest.IN1.toString(), "--junit", xml.toString(), "--min-top1", "100", "--min-sqnr", "200");
        CliTest.assertOneLineError(r, ExitCodes.ACCURACY, "MCG_VERIFY_ACCURACY", "multiio_two_heads on host");
        JsonNode th = report(tmp.resolve("out")).get("accuracy_thresholds");
        assertThat(th).extracting(t -> t.get("output").asText() + " " + t.get("metric").asText())
                .containsExactly("class top1_agreement_percent", "class sqnr_db", "value top1_agreement_percent", "value sqnr_db");
        JsonNode perOutput = report(tmp.resolve("out")).get("metrics_per_output");
        int unmet = 0;
        for (int i = 0; i < th.size(); i++) {
            JsonNode t = th.get(i);
            JsonNode m = perOutput.get(i / 2);
            double value = i % 2 == 0 ? 100 * m.get("top1_agreement").asDouble() : m.get("sqnr_db").asDouble();
            assertThat(t.get("value").asDouble()).isCloseTo(value, org.assertj.core.data.Offset.offset(1e-9));
            assertThat(t.get("met").asBoolean()).isEqualTo(t.get("value").asDouble() >= t.get("threshold").asDouble());
            if (!t.get("met").asBoolean()) {
                unmet++;
                assertThat(r.err()).contains("output '" + t.get("output").asText() + "': "
                        + (i % 2 == 0 ? "top-1 agreement " : "SQNR "));
            }
        }
        // 200 dB is beyond any int8 model; the class head's top-1 on these 5 samples is the fixture's own.
        assertThat(th.get(1).get("met").asBoolean()).isFalse();
        assertThat(th.get(3).get("met").asBoolean()).isFalse();
        Document d = parse(xml);
        assertThat(d.getDocumentElement().getAttribute("failures")).isEqualTo(String.valueOf(unmet));
        // 5 samples, streaming (skipped: two inputs), float-free, 2 thresholds x 2 outputs
        assertThat(d.getDocumentElement().getAttribute("tests")).isEqualTo("11");
        assertThat(cases(d).subList(7, 11)).extracting(c -> c.getAttribute("name")).containsExactly(
                "top-1 agreement --min-top1 100, output 'class'", "SQNR --min-sqnr 200, output 'class'",
                "top-1 agreement --min-top1 100, output 'value'", "SQNR --min-sqnr 200, output 'value'");
    }

    /** A sample that differs: exit 4 and nothing in --out as before, but the JUnit file names that sample. */
    @Test
    void aMismatchStillWritesTheJunitFileWithTheSampleThatDiffers() throws Exception {
        VerifyCommand.expectedHook = ys -> {
            List<int[]> copy = new ArrayList<>(ys);
            int[] y = copy.get(1).clone();
            y[2] += 1;
            copy.set(1, y);
            return copy;
        };
        Path xml = tmp.resolve("junit.xml");
        CliTest.Result r = gesture("--samples", "3", "--junit", xml.toString(), "--min-top1", "50");
        CliTest.assertOneLineError(r, ExitCodes.MISMATCH, "MCG_VERIFY_MISMATCH", "sample 1, output index 2: target ");
        assertThat(tmp.resolve("out")).doesNotExist();
        Document d = parse(xml);
        // 3 samples, streaming (skipped: no _step), float-free; no threshold cases when the C differs.
        assertThat(d.getDocumentElement().getAttribute("tests")).isEqualTo("5");
        assertThat(d.getDocumentElement().getAttribute("failures")).isEqualTo("1");
        List<Element> cs = cases(d);
        assertThat(cs.get(0).getElementsByTagName("failure").getLength()).isZero();
        assertThat(cs.get(2).getElementsByTagName("failure").getLength()).isZero();
        Element failure = (Element) cs.get(1).getElementsByTagName("failure").item(0);
        assertThat(failure.getAttribute("type")).isEqualTo("MCG_VERIFY_MISMATCH");
        assertThat(failure.getAttribute("message")).contains("sample 1, output index 2: target ", " != simulator ");
    }

    /** float in the generated C fails like a differing output: exit 4, --out not written, the JUnit case fails. */
    @Test
    void floatInTheGeneratedCFailsTheFloatFreeCase() throws Exception {
        VerifyCommand.floatTokensHook = found -> {
            assertThat(found).as("the real generated C is float-free").isEmpty();
            return List.of("gesture_conv1d.c:12");
        };
        Path xml = tmp.resolve("junit.xml");
        CliTest.Result r = gesture("--samples", "2", "--junit", xml.toString());
        CliTest.assertOneLineError(r, ExitCodes.MISMATCH, "MCG_VERIFY_SOFT_FLOAT", "gesture_conv1d.c:12");
        assertThat(tmp.resolve("out")).doesNotExist();
        Document d = parse(xml);
        assertThat(d.getDocumentElement().getAttribute("failures")).isEqualTo("1");
        Element failure = (Element) d.getElementsByTagName("failure").item(0);
        assertThat(failure.getAttribute("type")).isEqualTo("MCG_VERIFY_SOFT_FLOAT");
        assertThat(((Element) failure.getParentNode()).getAttribute("name")).startsWith("float-free");
        assertThat(failure.getTextContent()).contains("gesture_conv1d.c:12");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
            "--min-top1, 101",
            "--min-top1, -1",
            "--min-top1, NaN",
            "--min-sqnr, -3",
            "--min-sqnr, NaN",
            "--min-sqnr, Infinity",
    })
    void invalidThresholdsAreBadUsageBeforeAnythingIsWritten(String option, String value) {
        Path xml = tmp.resolve("junit.xml");
        CliTest.Result r = gesture("--junit", xml.toString(), option, value);
        CliTest.assertOneLineError(r, ExitCodes.USAGE, option, "MCG_CLI_USAGE");
        assertThat(tmp.resolve("out")).doesNotExist();
        assertThat(xml).doesNotExist();
    }

    @Test
    void notANumberIsBadUsage() {
        CliTest.assertOneLineError(gesture("--min-top1", "most"), ExitCodes.USAGE, "--min-top1", "most");
    }

    @Test
    void theJunitFileNeverReplacesAnInputOrAFileMcugenDidNotWrite() throws Exception {
        // A copy of the data: if the refusal broke, the repository's example would stay intact.
        Path data = Files.copy(GESTURE.resolve("test.npy"), tmp.resolve("data.npy"));
        byte[] before = Files.readAllBytes(data);
        CliTest.Result in = verify(GESTURE, tmp.resolve("out"), "--data", data.toString(), "--samples", "2", "--junit",
                data.toString(), "--force");
        CliTest.assertOneLineError(in, ExitCodes.USAGE, "data.npy", "give another --junit", "MCG_OUT_IS_INPUT");
        assertThat(Files.readAllBytes(data)).isEqualTo(before);

        Path xml = Files.writeString(tmp.resolve("junit.xml"), "user's file");
        CliTest.assertOneLineError(gesture("--samples", "2", "--junit", xml.toString()), ExitCodes.USAGE, "junit.xml",
                "give another --junit, or add --force", "MCG_OUT_NOT_OURS");
        assertThat(Files.readString(xml)).isEqualTo("user's file");
        assertThat(tmp.resolve("out")).doesNotExist();

        CliTest.Result forced = gesture("--samples", "2", "--junit", xml.toString(), "--force");
        assertThat(forced.code()).as(forced.err()).isZero();
        assertThat(parse(xml).getDocumentElement().getAttribute("tests")).isEqualTo("4");
        // Its own previous report is replaced without --force.
        CliTest.Result again = gesture("--samples", "3", "--junit", xml.toString());
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(parse(xml).getDocumentElement().getAttribute("tests")).isEqualTo("5");
        try (var s = Files.list(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString()))
                    .as("no temporary file left beside it").noneMatch(n -> n.startsWith(".junit.xml.tmp"));
        }
    }

    /** Inside --out the report is one of the folder's files: listed in its marker, replaced with it next time. */
    @Test
    void aJunitFileInsideOutIsWrittenWithTheFolder() throws Exception {
        Path out = tmp.resolve("out");
        Path xml = out.resolve("reports/junit.xml");
        for (String n : List.of("2", "3")) {
            CliTest.Result r = gesture("--samples", n, "--junit", xml.toString());
            assertThat(r.code()).as("run with %s samples: %s", n, r.err()).isZero();
            assertThat(parse(xml).getDocumentElement().getAttribute("tests")).isEqualTo(String.valueOf(Integer.parseInt(n) + 2));
        }
        assertThat(Files.readString(out.resolve(OutputDir.MARKER))).contains("reports/junit.xml");
        assertThat(out.resolve(OutputFiles.RECORD)).doesNotExist();
        assertThat(out.resolve("reports").resolve(OutputFiles.RECORD)).doesNotExist();

        CliTest.assertOneLineError(gesture("--samples", "2", "--junit", out.resolve("report.json").toString()),
                ExitCodes.USAGE, "--junit", "would take the place of report.json", "MCG_CLI_USAGE");
        CliTest.assertOneLineError(gesture("--samples", "2", "--junit", out.resolve("runtime").toString()),
                ExitCodes.USAGE, "--junit", "would take the place of runtime/", "MCG_CLI_USAGE");
        CliTest.assertOneLineError(gesture("--samples", "2", "--junit", out.toString()), ExitCodes.USAGE, "--junit",
                "is the --out folder", "MCG_CLI_USAGE");
        // The refused runs left the previous output as it was.
        assertThat(parse(xml).getDocumentElement().getAttribute("tests")).isEqualTo("5");
    }

    @Test
    void floatTokensAreFoundInCodeNotInCommentsWithTheirLines() {
        java.util.SortedMap<String, byte[]> files = new java.util.TreeMap<>();
        files.put("m.c", ("/* float-free: no double\n   anywhere */\nint a; // a float here is a comment\n"
                + "static float b;\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        files.put("m.h", "int m_float; int double_it;\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        files.put("m.mk", "# float\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        files.put("runtime/src/x.c", "int f(void) { return 1; }\ndouble g;\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        // Identifiers that merely contain the words, build files and comments are not float code.
        assertThat(VerifyCommand.floatTokens(files)).containsExactly("m.c:4", "runtime/src/x.c:2");
    }

    @Test
    void namesFromTheModelAreEscapedAndMadeXmlSafe() throws Exception {
        String hostile = "a<b>&\"c'\u0001\u202e]]>" + "x".repeat(2000);
        JUnitReport ju = new JUnitReport("suite " + hostile, "mcugen.verify.host." + JUnitReport.segment(hostile));
        ju.add(JUnitReport.Case.passed("output '" + hostile + "'"));
        ju.add(JUnitReport.Case.failed("f", "MCG_VERIFY_ACCURACY", hostile, hostile));
        ju.add(JUnitReport.Case.skipped("s", hostile));
        Path xml = Files.write(tmp.resolve("h.xml"), ju.render(1.5));
        Document d = parse(xml);
        List<Element> cs = cases(d);
        assertThat(cs).hasSize(3);
        String name = cs.get(0).getAttribute("name");
        assertThat(name).startsWith("output 'a<b>&\"c'U+0001U+202E]]>xxx").endsWith("...")
                .hasSizeLessThanOrEqualTo(JUnitReport.MAX_TEXT);
        assertThat(cs.get(0).getAttribute("classname")).matches("mcugen\\.verify\\.host\\.a_b___c______x+")
                .hasSizeLessThanOrEqualTo(120);
        assertThat(d.getElementsByTagName("failure").item(0).getTextContent()).startsWith("a<b>&\"c'U+0001");
        assertThat(d.getDocumentElement().getAttribute("time")).isEqualTo("1.500");
        assertThat(d.getDocumentElement().getAttribute("failures")).isEqualTo("1");
        assertThat(d.getDocumentElement().getAttribute("skipped")).isEqualTo("1");
    }
}
