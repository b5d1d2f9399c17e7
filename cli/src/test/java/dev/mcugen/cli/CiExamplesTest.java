package dev.mcugen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.mcugen.qemu.Target;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/**
 * The CI templates of {@code examples/ci/} do what they say: each file's matrix is read, one entry
 * (the first model, on the host for GitHub, on the first Cortex-M target for GitLab) is substituted, and the job's own
 * commands ({@code run} steps of the GitHub workflow, {@code script} lines of the GitLab job) run
 * as written, with the job's variables and the image's environment ({@code ENV} of
 * {@code examples/ci/Dockerfile}), in a copy of a bundled example laid out as the templates expect
 * ({@code models/<model>/}); {@code mcugen} on the PATH is this build's CLI. The JUnit file each job
 * publishes must exist where the publishing step looks and report every check passed.
 */
class CiExamplesTest {
    static final Path CI = CliTest.ROOT.resolve("examples/ci");
    private static final Pattern MATRIX = Pattern.compile("\\$\\{\\{\\s*matrix\\.([A-Za-z0-9_-]+)\\s*}}");

    @TempDir
    Path tmp;

    private static JsonNode yaml(String file) throws IOException {
        return new YAMLMapper().readTree(CI.resolve(file).toFile());
    }

    /** The {@code ENV} the image sets (the jobs run in it). */
    static Map<String, String> imageEnv() throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : Files.readAllLines(CI.resolve("Dockerfile"))) {
            Matcher m = Pattern.compile("^ENV\\s+([A-Za-z_][A-Za-z0-9_]*)=(\\S+)\\s*$").matcher(line);
            if (m.matches()) {
                env.put(m.group(1), m.group(2));
            }
        }
        assertThat(env).as("the image says where QEMU runs").containsKey("MCUGEN_RUNNER");
        return env;
    }

    /**
     * The matrix entry the test runs: the first model, on host (GitHub) or on the first Cortex-M target
     * of the matrix (GitLab); between the two files both kinds of target run, each file's job once.
     */
    private static List<Map<String, String>> entries(String modelKey, List<String> models, String targetKey,
                                                     List<String> targets, boolean cortexM) {
        assertThat(targets).contains("host");
        String target = !cortexM ? "host" : targets.stream().filter(t -> t.startsWith("cortex-m")).findFirst().orElseThrow();
        return List.of(Map.of(modelKey, models.get(0), targetKey, target));
    }

    private static List<String> strings(JsonNode array) {
        List<String> all = new ArrayList<>();
        array.forEach(n -> all.add(n.asText()));
        return all;
    }

    /** A copy of the bundled example {@code model} where the templates look: models/MODEL/. */
    private Path workspace(String name, String model) throws IOException {
        Path ws = Files.createDirectories(tmp.resolve(name));
        Path src = CliTest.ROOT.resolve("examples").resolve(model);
        Path dst = Files.createDirectories(ws.resolve("models").resolve(model));
        try (Stream<Path> files = Files.list(src)) {
            for (Path f : files.toList()) {
                Files.copy(f, dst.resolve(f.getFileName()));
            }
        }
        return ws;
    }

    /** A {@code mcugen} command on the PATH that runs this build's CLI, as the image's launcher runs the jar. */
    private Path mcugenOnPath() throws IOException {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path java = Path.of(ProcessHandle.current().info().command().orElseThrow());
        Path launcher = bin.resolve("mcugen");
        Files.writeString(launcher, "#!/bin/sh\nexec '" + java + "' -cp '" + System.getProperty("java.class.path")
                + "' dev.mcugen.cli.Main \"$@\"\n");
        assertThat(launcher.toFile().setExecutable(true)).isTrue();
        return bin;
    }

    /** Runs {@code script} with bash as the CI runner does (stop at the first failing command). */
    private static void runJob(Path ws, Path bin, Map<String, String> env, String script) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script)
                .directory(ws.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as("the job's commands in %s with %s:%n%s%n%s", ws, env, script,
                new String(out, StandardCharsets.UTF_8)).isZero();
    }

    /** The JUnit files {@code glob} (relative to the workspace) matches: exactly one, every check passed. */
    private static void assertPublished(Path ws, String glob, String model, String target) throws Exception {
        PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + glob.replaceAll("/$", "/**"));
        List<Path> found;
        try (Stream<Path> s = Files.walk(ws)) {
            found = s.filter(Files::isRegularFile).filter(f -> m.matches(ws.relativize(f))).toList();
        }
        List<Path> xml = found.stream().filter(f -> f.toString().endsWith(".xml")).toList();
        assertThat(xml).as("JUnit files matched by %s", glob).hasSize(1);
        Document d = VerifyJunitTest.parse(xml.get(0));
        assertThat(d.getDocumentElement().getAttribute("failures")).isEqualTo("0");
        assertThat(d.getDocumentElement().getAttribute("errors")).isEqualTo("0");
        assertThat(VerifyJunitTest.cases(d)).isNotEmpty().allSatisfy(c -> {
            assertThat(c.getAttribute("classname")).isEqualTo("mcugen.verify." + target + "." + model);
            assertThat(c.getElementsByTagName("failure").getLength()).isZero();
        });
    }

    @Test
    void githubWorkflowJobsRunAsWritten() throws Exception {
        VerifyCommandTest.requireTools(Target.HOST);
        JsonNode wf = yaml("github-actions.yml");
        assertThat(wf.path("jobs")).hasSize(1);
        JsonNode job = wf.path("jobs").elements().next();
        assertThat(job.path("strategy").path("fail-fast").asBoolean(true)).isFalse();
        assertThat(job.path("container").path("image").asText()).isNotEmpty();
        assertThat(job.path("defaults").path("run").path("shell").asText()).isEqualTo("bash");
        JsonNode matrix = job.path("strategy").path("matrix");
        Path bin = mcugenOnPath();
        for (Map<String, String> entry : entries("model", strings(matrix.path("model")), "target",
                strings(matrix.path("target")), false)) {
            Map<String, String> env = imageEnv();
            for (JsonNode scope : List.of(wf.path("env"), job.path("env"))) {
                scope.fields().forEachRemaining(e -> env.put(e.getKey(), substitute(e.getValue().asText(), entry)));
            }
            Path ws = workspace("gh-" + entry.get("target"), entry.get("model"));
            List<String> reportPaths = new ArrayList<>();
            boolean uploads = false;
            for (JsonNode step : job.path("steps")) {
                if (step.has("run")) {
                    step.path("env").fields().forEachRemaining(e -> env.put(e.getKey(), substitute(e.getValue().asText(), entry)));
                    runJob(ws, bin, env, substitute(step.path("run").asText(), entry));
                } else if (step.path("uses").asText().startsWith("actions/upload-artifact@")) {
                    uploads = true;
                    assertThat(step.path("if").asText()).isEqualTo("always()");
                    assertThat(step.path("with").path("path").asText().lines().map(String::strip)).contains("junit/");
                } else if (step.path("uses").asText().startsWith("mikepenz/action-junit-report@")) {
                    assertThat(step.path("if").asText()).isEqualTo("always()");
                    reportPaths.add(step.path("with").path("report_paths").asText());
                }
            }
            assertThat(uploads).as("the reports are uploaded").isTrue();
            assertThat(reportPaths).as("a test-report step").hasSize(1);
            assertPublished(ws, reportPaths.get(0), entry.get("model"), entry.get("target"));
            assertThat(ws.resolve("mcugen-out").resolve(entry.get("model") + "-" + entry.get("target"))
                    .resolve("report.json")).isRegularFile();
        }
    }

    @Test
    void gitlabJobsRunAsWritten() throws Exception {
        VerifyCommandTest.requireTools(Target.CORTEX_M0);
        JsonNode ci = yaml("gitlab-ci.yml");
        List<String> jobs = new ArrayList<>();
        ci.fields().forEachRemaining(e -> {
            if (e.getValue().has("script")) {
                jobs.add(e.getKey());
            }
        });
        assertThat(jobs).hasSize(1);
        JsonNode job = ci.path(jobs.get(0));
        assertThat(job.path("image").asText()).isNotEmpty();
        JsonNode matrix = job.path("parallel").path("matrix");
        assertThat(matrix).hasSize(1);
        Path bin = mcugenOnPath();
        for (Map<String, String> entry : entries("MODEL", strings(matrix.get(0).path("MODEL")), "TARGET",
                strings(matrix.get(0).path("TARGET")), true)) {
            Map<String, String> env = imageEnv();
            for (JsonNode scope : List.of(ci.path("variables"), job.path("variables"))) {
                scope.fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
            }
            env.putAll(entry); // parallel:matrix entries are variables of the job
            Path ws = workspace("gl-" + entry.get("TARGET"), entry.get("MODEL"));
            for (JsonNode line : job.path("script")) {
                runJob(ws, bin, env, line.asText());
            }
            JsonNode artifacts = job.path("artifacts");
            assertThat(artifacts.path("when").asText()).isEqualTo("always");
            assertThat(strings(artifacts.path("paths"))).contains("junit/");
            assertPublished(ws, artifacts.path("reports").path("junit").asText(), entry.get("MODEL"), entry.get("TARGET"));
        }
    }

    /** {@code ${{ matrix.KEY }}} replaced by the entry's value; any other expression cannot run here. */
    private static String substitute(String text, Map<String, String> entry) {
        Matcher m = MATRIX.matcher(text);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            assertThat(entry).as("matrix key in %s", text).containsKey(m.group(1));
            m.appendReplacement(b, Matcher.quoteReplacement(entry.get(m.group(1))));
        }
        m.appendTail(b);
        assertThat(b.toString()).as("an expression this test cannot evaluate").doesNotContain("${{");
        return b.toString();
    }
}
