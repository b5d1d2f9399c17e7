package dev.mcugen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jar the {@code ./mcugen} launcher runs, run as a user runs it: shading can break what the
 * unit tests (on plain classes) cannot see, e.g. multi-release classes FreeMarker needs for records.
 */
class ShadedJarIT {
    static final Path ROOT = Path.of(System.getProperty("mcugen.root", ".."));
    static final Path JAR = Path.of(System.getProperty("mcugen.jar", "target/mcugen.jar"));

    @TempDir
    Path tmp;

    record Run(int code, String out) {
    }

    static Run mcugen(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        return new Run(p.exitValue(), out);
    }

    @Test
    void versionComesFromTheManifest() throws Exception {
        Run r = mcugen("--version");
        assertThat(r.code()).isZero();
        assertThat(r.out()).startsWith("mcugen ").doesNotContain("dev");
    }

    @Test
    void buildGeneratesCFromTheJar() throws Exception {
        Path out = tmp.resolve("gesture");
        Run r = mcugen("build", ROOT.resolve("examples/gesture_conv1d").toString(), "--out", out.toString());
        assertThat(r.code()).as(r.out()).isZero();
        assertThat(out.resolve("report.json")).isRegularFile();
        assertThat(out.resolve("gesture_conv1d.c")).isRegularFile();
        assertThat(Files.readString(out.resolve("gesture_conv1d.h"))).contains("gesture_conv1d_invoke");
    }

    @Test
    void simulateFixedFromTheJar() throws Exception {
        Path har = ROOT.resolve("examples/har_lstm");
        Run r = mcugen("simulate", har.toString(), "--data", har.resolve("test.npy").toString(), "--mode", "fixed",
                "--compare", "--out", tmp.resolve("y.npy").toString());
        assertThat(r.code()).as(r.out()).isZero();
        assertThat(r.out()).contains("top-1 agreement");
    }

    /**
     * Determinism across processes: two separate JVMs (the jar) and the in-process CLI build each
     * example into their own folder; every file is byte-identical.
     */
    @Test
    void buildingTwiceGivesByteIdenticalFolders() throws Exception {
        for (String example : VerifyExamplesTest.EXAMPLES) {
            Path model = ROOT.resolve("examples").resolve(example);
            Path a = tmp.resolve(example + "-a");
            Path b = tmp.resolve(example + "-b");
            Path c = tmp.resolve(example + "-c");
            assertThat(mcugen("build", model.toString(), "--target", "cortex-m4", "--out", a.toString()).code()).isZero();
            assertThat(mcugen("build", model.toString(), "--target", "cortex-m4", "--out", b.toString()).code()).isZero();
            assertThat(CliTest.run("build", model.toString(), "--target", "cortex-m4", "--out", c.toString(),
                    "--no-progress").code()).isZero();
            java.util.SortedMap<String, byte[]> fa = Determinism.tree(a);
            assertThat(fa).containsKeys(example + ".c", example + ".h", "CMakeLists.txt", example + ".mk", "report.json");
            // The reports name the command line (with its --out) and the time they were made: equal without their
            // provenance; the marker lists the reports' hashes, so it differs with them.
            fa = withoutProvenance(fa);
            Determinism.assertSame(fa, withoutProvenance(Determinism.tree(b)), example + ": jar vs jar");
            Determinism.assertSame(fa, withoutProvenance(Determinism.tree(c)), example + ": jar vs in-process");
        }
    }

    /** The folder's files with the reports' provenance (and the marker hashing them) taken out. */
    private static java.util.SortedMap<String, byte[]> withoutProvenance(java.util.SortedMap<String, byte[]> files)
            throws Exception {
        java.util.SortedMap<String, byte[]> m = new java.util.TreeMap<>(files);
        assertThat(m.remove(OutputDir.MARKER)).isNotNull();
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode report = (com.fasterxml.jackson.databind.node.ObjectNode)
                json.readTree(m.get("report.json"));
        assertThat(report.remove("provenance")).isNotNull();
        m.put("report.json", json.writeValueAsBytes(report));
        String html = new String(m.get(ReportHtml.FILE), java.nio.charset.StandardCharsets.UTF_8);
        int from = html.indexOf("<h2 id=\"provenance\">");
        int to = html.indexOf("<h2 id=", from + 1);
        assertThat(from).isPositive();
        m.put(ReportHtml.FILE, (html.substring(0, from) + html.substring(to)).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return m;
    }
}
