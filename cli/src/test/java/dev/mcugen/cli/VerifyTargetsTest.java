package dev.mcugen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcugen.ir.Diag;
import dev.mcugen.qemu.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * {@code verify} on several targets at once ({@code --target A,B}, {@code --target} repeated,
 * {@code --jobs}): each target's files in its own folder exactly as a single-target run writes them,
 * whole prefixed lines, the summary table, one JUnit file with a suite per target, the most severe exit
 * code; the commands that take one target refuse several.
 */
class VerifyTargetsTest {
    static final Path HAR = CliTest.ROOT.resolve("examples/har_lstm");

    @TempDir
    Path tmp;

    private static List<Element> suites(Document d) {
        NodeList nl = d.getElementsByTagName("testsuite");
        List<Element> all = new ArrayList<>();
        for (int i = 0; i < nl.getLength(); i++) {
            all.add((Element) nl.item(i));
        }
        return all;
    }

    @Test
    void targetsInParallelEachInItsFolderWithOneJunitSuiteEach() throws Exception {
        VerifyCommandTest.requireTools(Target.HOST);
        VerifyCommandTest.requireTools(Target.CORTEX_M4);
        Path out = tmp.resolve("out");
        Path junit = tmp.resolve("junit.xml");
        // The Java twin among them: --java-package reaches its run alone.
        CliTest.Result r = CliTest.run("verify", HAR.resolve("model.json").toString(), "--target", "host,java,cortex-m4",
                "--java-package", "com.acme.twin", "--data", HAR.resolve("test.npy").toString(), "--samples", "2",
                "--jobs", "2", "--out", out.toString(), "--junit", junit.toString());
        assertThat(r.code()).as("stdout %s stderr %s", r.out(), r.err()).isZero();
        assertThat(r.err()).isEmpty();

        // Each target's folder is what verify --target T --out OUT/T writes.
        for (String t : List.of("host", "cortex-m4")) {
            JsonNode rep = VerifyJunitTest.report(out.resolve(t));
            assertThat(rep.path("target").asText()).isEqualTo(t);
            assertThat(rep.path("bit_exact").asBoolean()).isTrue();
            assertThat(rep.path("samples").asInt()).isEqualTo(2);
            assertThat(out.resolve(t).resolve("harness/main.c")).isRegularFile();
            assertThat(out.resolve(t).resolve(ReportHtml.FILE)).isRegularFile();
        }

        JsonNode twin = VerifyJunitTest.report(out.resolve("java"));
        assertThat(twin.path("target").asText()).isEqualTo("java");
        assertThat(twin.path("bit_exact").asBoolean()).isTrue();
        assertThat(out.resolve("java/com/acme/twin/HarLstm.java")).isRegularFile();

        // The targets' own lines are whole and prefixed; the summary has a row per target.
        List<String> lines = r.out().lines().toList();
        assertThat(lines).anyMatch(l -> l.startsWith("[host] har_lstm on host") && l.endsWith("bit-exact with the simulator"));
        assertThat(lines).anyMatch(l -> l.startsWith("[cortex-m4] har_lstm on cortex-m4"));
        assertThat(lines).noneMatch(l -> l.contains("] [")); // two targets' prefixes on one line = interleaved
        assertThat(lines).noneMatch(l -> l.contains(".xml") && l.startsWith("[")); // the targets' temporary JUnit files
        int header = lines.indexOf(lines.stream().filter(l -> l.startsWith("target ")).findFirst().orElseThrow());
        assertThat(lines.get(header)).contains("result", "exit", "top-1 %", "SQNR dB", "instructions", "flash B");
        assertThat(lines.get(header + 1)).matches("host +bit-exact +0 +2 .*");
        assertThat(lines.get(header + 2)).matches("java +bit-exact +0 +2 .*");
        assertThat(lines.get(header + 3)).matches("cortex-m4 +bit-exact +0 +2 .*");
        JsonNode m4 = VerifyJunitTest.report(out.resolve("cortex-m4"));
        assertThat(lines.get(header + 3)).contains(" " + ReportFormat.integer(m4.path("cost").path("instructions_per_inference")
                .asLong()) + " ");
        assertThat(r.out()).contains("3 of 3 target(s) passed; exit 0");

        Document d = VerifyJunitTest.parse(junit);
        Element root = d.getDocumentElement();
        assertThat(root.getTagName()).isEqualTo("testsuites");
        List<Element> suites = suites(d);
        assertThat(suites).extracting(s -> s.getAttribute("name"))
                .containsExactly("mcugen verify har_lstm on host", "mcugen verify har_lstm on java",
                        "mcugen verify har_lstm on cortex-m4");
        // 2 samples + streaming + float-free per target.
        assertThat(suites).allSatisfy(s -> assertThat(s.getAttribute("tests")).isEqualTo("4"));
        assertThat(root.getAttribute("tests")).isEqualTo("12");
        assertThat(root.getAttribute("failures")).isEqualTo("0");
        assertThat(VerifyJunitTest.cases(d)).extracting(c -> c.getAttribute("classname")).containsOnly(
                "mcugen.verify.host.har_lstm", "mcugen.verify.java.har_lstm", "mcugen.verify.cortex-m4.har_lstm");
    }

    @Test
    void theExitCodeIsTheMostSevereTargetsAndTheJunitSaysWhichFailed() throws Exception {
        VerifyCommandTest.requireTools(Target.HOST);
        VerifyCommandTest.requireTools(Target.CORTEX_M0);
        Path out = tmp.resolve("out");
        Path junit = tmp.resolve("junit.xml");
        // cortex-m0 rescales by shifts only: a lower SQNR than the host's multipliers on the same samples.
        double min = 45.5;
        CliTest.Result r = CliTest.run("verify", HAR.resolve("model.json").toString(), "--target", "host",
                "--target", "cortex-m0", "--data", HAR.resolve("test.npy").toString(), "--samples", "3", "--jobs", "1",
                "--out", out.toString(), "--junit", junit.toString(), "--min-sqnr", String.valueOf(min));
        double host = VerifyJunitTest.report(out.resolve("host")).path("metrics").path("sqnr_db").asDouble();
        double m0 = VerifyJunitTest.report(out.resolve("cortex-m0")).path("metrics").path("sqnr_db").asDouble();
        assertThat(host).as("precondition: the threshold lies between the targets' SQNR").isGreaterThanOrEqualTo(min);
        assertThat(m0).as("precondition: the threshold lies between the targets' SQNR").isLessThan(min);
        assertThat(r.code()).as("stdout %s stderr %s", r.out(), r.err()).isEqualTo(ExitCodes.ACCURACY);
        // The target's one-line error, prefixed, on stderr; again under the summary.
        assertThat(r.err().lines().toList()).singleElement().asString()
                .startsWith("[cortex-m0] mcugen: ").contains(Diag.MCG_VERIFY_ACCURACY.name());
        assertThat(r.out()).containsPattern("(?m)^cortex-m0 +MCG_VERIFY_ACCURACY +6 ")
                .containsPattern("(?m)^host +bit-exact +0 ")
                .contains("1 of 2 target(s) passed; exit 6");
        List<Element> suites = suites(VerifyJunitTest.parse(junit));
        assertThat(suites).extracting(s -> s.getAttribute("failures")).containsExactly("0", "1");
    }

    @Test
    void aTargetStoppedBeforeItsReportGetsAFailedSuiteWithItsError() throws Exception {
        byte[] xml = VerifyTargets.junit("m", List.of(new VerifyTargets.Result(dev.mcugen.scale.QuantOptions.Target.CORTEX_M0,
                ExitCodes.REJECTED, "mcugen: m: needs 300000 B of RAM, the board has 16384 [MCG_GEN_TOO_BIG]", 1.5)), tmp, 2.0);
        Path f = tmp.resolve("j.xml");
        Files.write(f, xml);
        Document d = VerifyJunitTest.parse(f);
        assertThat(d.getDocumentElement().getAttribute("failures")).isEqualTo("1");
        assertThat(Files.readString(f)).startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites ");
        Element failure = (Element) d.getElementsByTagName("failure").item(0);
        assertThat(failure.getAttribute("type")).isEqualTo("MCG_GEN_TOO_BIG");
        assertThat(failure.getTextContent()).contains("needs 300000 B of RAM");
        assertThat(((Element) d.getElementsByTagName("testcase").item(0)).getAttribute("classname"))
                .isEqualTo("mcugen.verify.cortex-m0.m");
    }

    @Test
    void severityOrder() {
        assertThat(VerifyTargets.worst(List.of(0, 0))).isZero();
        assertThat(VerifyTargets.worst(List.of(0, 6))).isEqualTo(6);
        assertThat(VerifyTargets.worst(List.of(6, 3, 0))).isEqualTo(3);
        assertThat(VerifyTargets.worst(List.of(3, 5))).isEqualTo(5);
        assertThat(VerifyTargets.worst(List.of(5, 4, 2))).isEqualTo(4);
        assertThat(VerifyTargets.worst(List.of(4, 1))).isEqualTo(1);
        assertThat(VerifyTargets.worst(List.of(1, 130))).isEqualTo(130);
        assertThat(VerifyTargets.worst(List.of(0, 77))).as("unknown counts as internal").isEqualTo(77);
    }

    @Test
    void prefixedLinesStayWholeWhateverTheWrites() {
        java.io.StringWriter sink = new java.io.StringWriter();
        java.io.PrintWriter to = new java.io.PrintWriter(sink);
        List<String> kept = new ArrayList<>();
        try (VerifyTargets.PrefixedLines p = new VerifyTargets.PrefixedLines(to, "[t] ", kept)) {
            p.write("ab".toCharArray(), 0, 2);
            p.write("c\nd\r".toCharArray(), 0, 4);
            p.write("tail".toCharArray(), 0, 4);
        }
        assertThat(sink.toString().lines().toList()).containsExactly("[t] abc", "[t] d", "[t] tail");
        assertThat(kept).containsExactly("abc", "d", "tail");
    }

    @Test
    void misuseIsRefusedInOneLine() {
        String model = HAR.resolve("model.json").toString();
        String data = HAR.resolve("test.npy").toString();
        CliTest.assertOneLineError(CliTest.run("verify", model, "--data", data, "--target", "host,cortex-m4,host"),
                ExitCodes.USAGE, "host is given twice", Diag.MCG_CLI_USAGE.name());
        CliTest.assertOneLineError(CliTest.run("verify", model, "--data", data, "--target", "host,cortex-m4", "--jobs", "0"),
                ExitCodes.USAGE, "--jobs", "at least 1");
        CliTest.assertOneLineError(CliTest.run("build", model, "--target", "host,cortex-m4", "--out",
                tmp.resolve("b").toString()), ExitCodes.USAGE, "build takes one target", Diag.MCG_CLI_USAGE.name());
        CliTest.assertOneLineError(CliTest.run("simulate", model, "--data", data, "--mode", "fixed", "--target",
                "host", "--target", "neon", "--out", tmp.resolve("s.npy").toString()), ExitCodes.USAGE,
                "simulate takes one target");
        Path out = tmp.resolve("v");
        CliTest.assertOneLineError(CliTest.run("verify", model, "--data", data, "--target", "host,cortex-m4", "--out",
                out.toString(), "--junit", out.resolve("host/junit.xml").toString()), ExitCodes.USAGE,
                "the folder of target host");
        CliTest.assertOneLineError(CliTest.run("verify", model, "--data", data, "--target", "cortex-m4,cortex-m7", "--board",
                "nrf52840", "--out", out.toString()), ExitCodes.USAGE, "--board: is one microcontroller, with one core");
        // Refused once, before any target runs, as a single target refuses it.
        CliTest.assertOneLineError(CliTest.run("verify", model, "--data", data, "--target", "host,cortex-m4", "--samples",
                "5000", "--out", out.toString()), ExitCodes.USAGE, "--samples: 5000 asked but", "holds 200 sample(s)");
        assertThat(tmp.resolve("b")).doesNotExist();
        assertThat(out).doesNotExist();
    }

    @Test
    void theChildCommandLineIsTheUsersWithTheTargetsOwnFolder() {
        picocli.CommandLine cl = new picocli.CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
        picocli.CommandLine.ParseResult pr = cl.parseArgs("verify", "--target", "host,neon", "--data", "a.npy",
                "--data=-b.npy", "--per-channel", "--out", "o", "--jobs", "2", "--samples", "3", "--java-package", "a.b",
                "--", "-weird-model.json").subcommand();
        List<String> args = VerifyTargets.childArgs(pr, dev.mcugen.scale.QuantOptions.Target.NEON, Path.of("o", "neon"),
                null);
        assertThat(args).containsExactly("verify", "--data=a.npy", "--data=-b.npy", "--per-channel", "--samples=3",
                "--target=neon", "--out=" + Path.of("o", "neon"), "--no-progress", "--", "-weird-model.json");
        // --java-package is the Java twin's alone.
        assertThat(VerifyTargets.childArgs(pr, dev.mcugen.scale.QuantOptions.Target.JAVA, Path.of("o", "java"), null))
                .contains("--java-package=a.b", "--target=java");
        // It parses back to the same options with the one target.
        picocli.CommandLine.ParseResult back = new picocli.CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true).parseArgs(args.toArray(String[]::new))
                .subcommand();
        assertThat(back.matchedOptionValue("--data", List.<Path>of())).containsExactly(Path.of("a.npy"), Path.of("-b.npy"));
        assertThat(back.matchedPositionals().stream().flatMap(p -> p.originalStringValues().stream())
                .collect(Collectors.toList())).containsExactly("-weird-model.json");
    }
}
