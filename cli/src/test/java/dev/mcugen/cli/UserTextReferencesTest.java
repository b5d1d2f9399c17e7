package dev.mcugen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Users have neither the project's design notes nor its issue tracker nor the papers' file names, so
 * nothing they read may cite them ("DESIGN §7", "seed 000 §3.2.1", "issue 6"): the docs, the C runtime
 * and templates that {@code mcugen build} copies into its output, the command line's help, and the
 * string literals of the main Java code (messages, report text, generated banners). Papers are cited
 * by title instead. Developer comments in Java may keep such references; Java comment lines are
 * therefore skipped.
 */
class UserTextReferencesTest {
    /** A citation of an internal document: the design notes, a seed paper by number, or an issue. */
    static final Pattern INTERNAL = Pattern.compile(
            "DESIGN(\\.md)?\\s*§|\\b[Ss]eeds? 0\\d\\d\\b|shared/seeds|\\b[Ii]ssue #?\\d+|§\\s*\\d");

    @Test
    void userDocumentsCiteNoInternalDocument() throws IOException {
        List<Path> files = new ArrayList<>(List.of(CliTest.ROOT.resolve("README.md"),
                CliTest.ROOT.resolve("qemu-tests/README.md")));
        files.addAll(under("docs", p -> p.toString().endsWith(".md")));
        files.addAll(under("examples", p -> p.getFileName().toString().startsWith("README")
                && !p.toString().contains("node_modules")));
        files.addAll(under("qemu-tests/bench/models", p -> p.getFileName().toString().equals("README.md")));
        assertThat(files).hasSizeGreaterThan(15);
        assertThat(offending(files, false)).isEmpty();
    }

    @Test
    void shippedCAndTemplatesCiteNoInternalDocument() throws IOException {
        // Everything under runtime-c/ and templates/ can end up beside the generated model.
        List<Path> files = new ArrayList<>(under("runtime-c", p -> true));
        files.addAll(under("templates", p -> true));
        assertThat(files).anyMatch(p -> p.endsWith("mcu_rnn.h")).anyMatch(p -> p.toString().endsWith(".ftl"));
        assertThat(offending(files, false)).isEmpty();
    }

    @Test
    void messagesAndReportTextCiteNoInternalDocument() throws IOException {
        List<Path> files = new ArrayList<>();
        for (String module : List.of("ir", "scale-solver", "compiler", "generator", "cli", "qemu-tests")) {
            files.addAll(under(module + "/src/main", p -> p.toString().endsWith(".java")));
        }
        assertThat(files).hasSizeGreaterThan(100);
        assertThat(offending(files, true)).isEmpty();
    }

    @Test
    void helpCitesNoInternalDocument() {
        List<String> commands = List.of("build", "verify", "inspect", "simulate", "convert");
        for (String c : commands) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), c, "--help");
            assertThat(code).as(c).isZero();
            assertThat(out.toString()).as(c).contains("Usage: mcugen " + c).doesNotContainPattern(INTERNAL);
        }
        StringWriter out = new StringWriter();
        Main.run(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true), "--help");
        assertThat(out.toString()).contains("Exit codes").doesNotContainPattern(INTERNAL);
    }

    @Test
    void builtFoldersCiteNoInternalDocument(@org.junit.jupiter.api.io.TempDir Path tmp) throws IOException {
        // What a user actually receives: the generated C and headers, the runtime copied beside them,
        // the build fragments, report.json (contract details) and report.html. LSTM, GRU and SimpleRNN
        // models bring in every recurrent runtime file; int16 and pot change the contract texts.
        List<Path> files = new ArrayList<>();
        String[][] builds = {{"har_lstm"}, {"kws_gru", "--precision", "int16"}, {"stacked_rnn", "--rescale", "pot"}};
        for (String[] b : builds) {
            Path out = tmp.resolve(b[0]);
            List<String> args = new ArrayList<>(List.of("build", CliTest.ROOT.resolve("examples").resolve(b[0]).toString(),
                    "--no-progress", "--out", out.toString()));
            args.addAll(List.of(b).subList(1, b.length));
            CliTest.Result r = CliTest.run(args.toArray(String[]::new));
            assertThat(r.code()).as("%s: %s", b[0], r.err()).isZero();
            assertThat(r.err() + r.out()).doesNotContainPattern(INTERNAL);
            try (Stream<Path> s = Files.walk(out)) {
                files.addAll(s.filter(Files::isRegularFile).toList());
            }
        }
        assertThat(files).anyMatch(p -> p.endsWith("report.json")).anyMatch(p -> p.endsWith("report.html"))
                .anyMatch(p -> p.getFileName().toString().startsWith("mcu_lstm"))
                .anyMatch(p -> p.getFileName().toString().startsWith("mcu_gru"));
        List<String> bad = new ArrayList<>();
        for (Path f : files) {
            String text = new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.UTF_8);
            java.util.regex.Matcher m = INTERNAL.matcher(text);
            if (m.find()) {
                bad.add(f.getFileName() + ": ..." + text.substring(Math.max(0, m.start() - 60), Math.min(text.length(), m.end() + 60)));
            }
        }
        assertThat(bad).isEmpty();
    }

    @Test
    void thePatternCatchesTheFormsThatLeaked() {
        assertThat(List.of("see DESIGN §7", "seed 000 §3.2.1", "Seed 001 observes", "issue 6's figures",
                "(Issue 17)", "in `shared/seeds/`")).allMatch(s -> INTERNAL.matcher(s).find());
        assertThat(List.of("random weights (seed 604)", "Li & Alvarez, section 3.2.1", "--seed 12345",
                "the issue's figures")).noneMatch(s -> INTERNAL.matcher(s).find());
    }

    private static List<Path> under(String dir, java.util.function.Predicate<Path> keep) throws IOException {
        try (Stream<Path> s = Files.walk(CliTest.ROOT.resolve(dir))) {
            return s.filter(Files::isRegularFile).filter(p -> !p.toString().contains("/target/")).filter(keep).toList();
        }
    }

    /** "file:line: text" for each line citing an internal document; in Java only lines with a string literal. */
    private static List<String> offending(List<Path> files, boolean javaLiterals) throws IOException {
        List<String> bad = new ArrayList<>();
        for (Path f : files) {
            byte[] bytes = Files.readAllBytes(f);
            String text = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
            if (text.indexOf('\0') >= 0) {
                continue; // binary
            }
            String[] lines = text.split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                String line = lines[i];
                if (javaLiterals) {
                    String t = line.strip();
                    if (t.startsWith("*") || t.startsWith("/*") || t.startsWith("//")) {
                        continue;
                    }
                    int slashes = line.indexOf("//");
                    line = slashes >= 0 ? line.substring(0, slashes) : line;
                    if (line.indexOf('"') < 0) {
                        continue;
                    }
                }
                if (INTERNAL.matcher(line).find()) {
                    bad.add(CliTest.ROOT.relativize(f) + ":" + (i + 1) + ": " + lines[i].strip());
                }
            }
        }
        return bad;
    }
}
