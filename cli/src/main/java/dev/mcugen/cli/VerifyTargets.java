package dev.mcugen.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcugen.ir.Diag;
import dev.mcugen.ir.McugenException;
import dev.mcugen.scale.QuantOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParseResult;

/**
 * {@code verify --target A,B,C --jobs N}: runs one single-target {@code verify} per target, N at a
 * time on this machine, each exactly the command a user would type for that target alone (the same
 * options, {@code --out OUT/<target>}), in this JVM. Their lines reach the terminal whole, each
 * prefixed with {@code [<target>]}; at the end a summary table, one JUnit XML file with a test suite
 * per target when {@code --junit} is given, and the worst exit code of the targets ({@link #worst}).
 * Ctrl-C stops every target: the exit hook ({@link ExitCleanup}) kills all child processes (compilers,
 * QEMU) and runs each target's clean-up; targets not yet started are not started.
 */
final class VerifyTargets {
    /**
     * Exit codes from the least to the most severe: accuracy below a threshold, then usage, a model
     * rejected for a target, a machine lacking a tool, a C that differs from the simulator, an internal
     * error, an interrupted run. The combined run exits with the most severe of its targets.
     */
    static final List<Integer> SEVERITY = List.of(ExitCodes.OK, ExitCodes.ACCURACY, ExitCodes.USAGE,
            ExitCodes.REJECTED, ExitCodes.ENVIRONMENT, ExitCodes.MISMATCH, ExitCodes.INTERNAL, ExitCodes.INTERRUPTED);

    /** Options the per-target commands get from this class, not from the user's command line. */
    private static final Set<String> OWN = Set.of("--target", "--out", "--junit", "--jobs");

    /** The key at the end of an error line ({@code ... [MCG_...]}). */
    private static final Pattern KEY = Pattern.compile("\\[(MCG_[A-Z0-9_]+)]");

    /** One target's outcome. */
    record Result(QuantOptions.Target target, int exit, String error, double seconds) {
    }

    private VerifyTargets() {
    }

    /** The most severe of {@code codes} ({@link #SEVERITY}; an unknown code counts as internal). */
    static int worst(Collection<Integer> codes) {
        return codes.stream().max(Comparator.comparingInt(c -> {
            int i = SEVERITY.indexOf(c);
            return i < 0 ? SEVERITY.indexOf(ExitCodes.INTERNAL) : i;
        })).orElse(ExitCodes.OK);
    }

    /**
     * Runs every target of {@code v} (already checked: several distinct targets, {@code jobs >= 1}) and
     * returns the exit code.
     */
    static int run(VerifyCommand v, String id, List<Path> inputs, Path modelFile) {
        List<QuantOptions.Target> targets = v.quant.targets;
        PrintWriter out = v.spec.commandLine().getOut();
        PrintWriter err = v.spec.commandLine().getErr();
        Path dest = v.out != null ? v.out : Path.of("mcugen-out", id + "-verify");
        if (v.junit != null) {
            Path j = v.junit.toAbsolutePath().normalize();
            for (QuantOptions.Target t : targets) {
                if (j.startsWith(dest.toAbsolutePath().normalize().resolve(t.cliName()))) {
                    throw new McugenException(Diag.MCG_CLI_USAGE, "--junit", v.junit + " lies in " + dest.resolve(t.cliName())
                            + ", the folder of target " + t.cliName() + "; give a file outside it");
                }
            }
        }
        int jobs = Math.min(v.jobs == null ? Runtime.getRuntime().availableProcessors() : v.jobs, targets.size());
        Path scratch;
        try {
            scratch = Files.createTempDirectory("mcugen-verify-targets-");
        } catch (IOException e) {
            throw dev.mcugen.ir.IoFailure.writing("temporary folder", "cannot create", e);
        }
        AutoCloseable atExit = ExitCleanup.register(() -> VerifyCommand.deleteTree(scratch));
        // Checked before any target runs, like a single target's --junit.
        try (OutputFiles junitFile = v.junit == null ? null
                : OutputFiles.open(List.of(v.junit), inputs, modelFile, v.force, "--junit")) {
            out.printf("mcugen: verifying on %d targets (%s), %d at a time; each target's files in %s%s<target>%n",
                    targets.size(), String.join(", ", targets.stream().map(QuantOptions.Target::cliName).toList()), jobs,
                    dest, dest.getFileSystem().getSeparator());
            out.flush();
            long started = System.nanoTime();
            List<Result> results = runAll(v, targets, jobs, dest, scratch, out, err);
            double seconds = (System.nanoTime() - started) / 1e9;
            summary(out, results, dest);
            if (junitFile != null) {
                junitFile.write(v.junit, junit(id, results, scratch, seconds));
                junitFile.commit(out);
                out.println("-> " + v.junit);
            }
            out.flush();
            return worst(results.stream().map(Result::exit).toList());
        } finally {
            VerifyCommand.deleteTree(scratch);
            try {
                atExit.close();
            } catch (Exception ignored) {
                // unregistering cannot fail
            }
        }
    }

    private static List<Result> runAll(VerifyCommand v, List<QuantOptions.Target> targets, int jobs, Path dest,
                                       Path scratch, PrintWriter out, PrintWriter err) {
        ExecutorService pool = Executors.newFixedThreadPool(jobs, r -> {
            Thread t = new Thread(r, "mcugen-verify-target");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Result>> futures = new ArrayList<>();
            for (QuantOptions.Target t : targets) {
                List<String> args = childArgs(v.spec.commandLine().getParseResult(), t, dest.resolve(t.cliName()),
                        v.junit == null ? null : scratch.resolve(t.cliName() + ".xml"));
                futures.add(pool.submit(() -> runOne(t, args, out, err)));
            }
            List<Result> results = new ArrayList<>();
            for (int i = 0; i < futures.size(); i++) {
                try {
                    results.add(futures.get(i).get());
                } catch (ExecutionException e) {
                    results.add(new Result(targets.get(i), ExitCodes.INTERNAL, "internal error: " + e.getCause(), 0));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    results.add(new Result(targets.get(i), ExitCodes.INTERRUPTED, "interrupted", 0));
                }
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    /** One target's verify, its lines prefixed; its error line (with the key) kept for the summary. */
    private static Result runOne(QuantOptions.Target t, List<String> args, PrintWriter out, PrintWriter err) {
        if (ExitCleanup.exiting()) {
            return new Result(t, ExitCodes.INTERRUPTED, "not started: interrupted", 0);
        }
        String prefix = "[" + t.cliName() + "] ";
        List<String> errors = new ArrayList<>();
        long started = System.nanoTime();
        int code;
        try (PrintWriter o = new PrintWriter(new PrefixedLines(out, prefix, null), true);
             PrintWriter e = new PrintWriter(new PrefixedLines(err, prefix, errors), true)) {
            VerifyCommand.ONE_OF_SEVERAL.set(true);
            RunnerLog.PREFIX.set(prefix); // --verbose: the libraries' lines logged on this thread name the target too
            try {
                code = Main.run(o, e, args.toArray(String[]::new));
            } finally {
                VerifyCommand.ONE_OF_SEVERAL.remove();
                RunnerLog.PREFIX.remove();
            }
        }
        String error = null;
        for (String line : errors) {
            if (KEY.matcher(line).find()) {
                error = line; // the one-line error (a note has no key)
            }
        }
        return new Result(t, code, error, (System.nanoTime() - started) / 1e9);
    }

    /**
     * The command line of one target: every option and parameter the user gave except those this class
     * sets, each in its {@code --name=value} form (a value starting with '-' stays a value), then
     * {@code --target}, {@code --out}, {@code --junit} and {@code --no-progress} (bars of several
     * targets would overwrite each other's line); {@code --java-package} only for {@code java}.
     */
    static List<String> childArgs(ParseResult pr, QuantOptions.Target target, Path out, Path junit) {
        List<String> a = new ArrayList<>();
        boolean noProgress = false;
        // Listed once per occurrence: a repeated option's values are all in its first entry.
        for (OptionSpec o : new LinkedHashSet<>(pr.matchedOptions())) {
            String name = o.longestName();
            if (OWN.contains(name) || name.equals("--java-package") && target != QuantOptions.Target.JAVA) {
                continue;
            }
            noProgress |= name.equals("--no-progress");
            if (o.arity().max() == 0) {
                a.add(name);
            } else {
                for (String s : o.originalStringValues()) {
                    a.add(name + "=" + s);
                }
            }
        }
        a.add("--target=" + target.cliName());
        a.add("--out=" + out);
        if (junit != null) {
            a.add("--junit=" + junit);
        }
        if (!noProgress) {
            a.add("--no-progress");
        }
        a.add("--");
        for (PositionalParamSpec p : pr.matchedPositionals()) {
            a.addAll(p.originalStringValues());
        }
        a.add(0, "verify");
        return a;
    }

    /** The table printed at the end: one row per target, its figures from its report.json. */
    private static void summary(PrintWriter out, List<Result> results, Path dest) {
        Table table = new Table("target", "result", "exit", "samples", "top-1 %", "SQNR dB", "instructions", "flash B",
                "RAM B", "stack B", "seconds");
        ObjectMapper json = new ObjectMapper();
        for (Result r : results) {
            JsonNode rep = null;
            Path report = dest.resolve(r.target().cliName()).resolve("report.json");
            if (Files.isRegularFile(report)) {
                try {
                    rep = json.readTree(report.toFile());
                } catch (IOException e) {
                    rep = null;
                }
            }
            String result = r.exit() == ExitCodes.OK ? "bit-exact" : r.error() == null ? "exit " + r.exit() : key(r.error());
            boolean figures = rep != null && (r.exit() == ExitCodes.OK || r.exit() == ExitCodes.ACCURACY);
            // With several outputs the first output's figures (report.json has every output's).
            JsonNode m = !figures ? null : rep.has("metrics") ? rep.path("metrics") : rep.path("metrics_per_output").path(0);
            JsonNode c = figures ? rep.path("cost") : null;
            table.row(r.target().cliName(), result, String.valueOf(r.exit()),
                    figures ? rep.path("samples").asText("-") : "-",
                    figures && m.path("top1_agreement").isNumber()
                            ? String.format(Locale.ROOT, "%.2f", 100 * m.path("top1_agreement").asDouble()) : "-",
                    !figures || m.isMissingNode() ? "-" : m.path("sqnr_db").isNumber()
                            ? String.format(Locale.ROOT, "%.2f", m.path("sqnr_db").asDouble()) : "inf",
                    figures ? number(c.path("instructions_per_inference")) : "-",
                    figures ? number(c.path("flash_bytes")) : "-",
                    figures ? number(c.path("ram_bytes")) : "-",
                    figures ? number(c.path("stack_bytes")) : "-",
                    String.format(Locale.ROOT, "%.1f", r.seconds()));
        }
        out.println();
        table.print(out);
        for (Result r : results) {
            if (r.exit() != ExitCodes.OK && r.error() != null) {
                out.println(r.target().cliName() + ": " + r.error());
            }
        }
        long ok = results.stream().filter(r -> r.exit() == ExitCodes.OK).count();
        out.printf("%d of %d target(s) passed; exit %d (the most severe of the targets')%n", ok, results.size(),
                worst(results.stream().map(Result::exit).toList()));
    }

    private static String number(JsonNode n) {
        return n.isIntegralNumber() ? ReportFormat.integer(n.asLong()) : n.isNumber() ? n.asText() : "n/a";
    }

    private static String key(String errorLine) {
        Matcher k = KEY.matcher(errorLine);
        String last = null;
        while (k.find()) {
            last = k.group(1);
        }
        return last == null ? "failed" : last;
    }

    /**
     * One JUnit document: each target's own suite as its verify wrote it, in target order; a target
     * that stopped before writing one (model rejected for the board, tool missing) gets a suite with
     * one failed case carrying its error line.
     */
    static byte[] junit(String id, List<Result> results, Path scratch, double seconds) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newDefaultInstance();
            f.setExpandEntityReferences(false);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            Document doc = f.newDocumentBuilder().newDocument();
            Element root = doc.createElement("testsuites");
            doc.appendChild(root);
            long tests = 0;
            long failures = 0;
            long skipped = 0;
            for (Result r : results) {
                Path file = scratch.resolve(r.target().cliName() + ".xml");
                byte[] xml;
                if (Files.isRegularFile(file)) {
                    xml = Files.readAllBytes(file);
                } else {
                    String cls = "mcugen.verify." + JUnitReport.segment(r.target().cliName()) + "." + JUnitReport.segment(id);
                    JUnitReport ju = new JUnitReport("mcugen verify " + id + " on " + r.target().cliName(), cls);
                    String why = r.error() == null ? "exit " + r.exit() : r.error();
                    ju.add(JUnitReport.Case.failed("verify on " + r.target().cliName(), r.error() == null ? "exit " + r.exit()
                            : key(r.error()), why, why));
                    xml = ju.render(r.seconds());
                }
                Document one = f.newDocumentBuilder().parse(new java.io.ByteArrayInputStream(xml));
                NodeList suites = one.getElementsByTagName("testsuite");
                for (int i = 0; i < suites.getLength(); i++) {
                    Element s = (Element) suites.item(i);
                    tests += Long.parseLong(s.getAttribute("tests"));
                    failures += Long.parseLong(s.getAttribute("failures"));
                    skipped += Long.parseLong(s.getAttribute("skipped"));
                    root.appendChild(doc.createTextNode("\n  "));
                    root.appendChild(doc.importNode(s, true));
                }
            }
            root.appendChild(doc.createTextNode("\n"));
            root.setAttribute("name", "mcugen verify " + id);
            root.setAttribute("tests", String.valueOf(tests));
            root.setAttribute("failures", String.valueOf(failures));
            root.setAttribute("errors", "0");
            root.setAttribute("skipped", String.valueOf(skipped));
            root.setAttribute("time", String.format(Locale.ROOT, "%.3f", seconds));
            var t = TransformerFactory.newDefaultInstance().newTransformer();
            t.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
            t.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            bytes.writeBytes("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            t.transform(new DOMSource(doc), new StreamResult(bytes));
            bytes.write('\n');
            return bytes.toByteArray();
        } catch (Exception e) {
            // Our own XML, read back: only a bug gets here.
            throw new IllegalStateException("cannot combine the JUnit reports: " + e.getMessage(), e);
        }
    }

    /**
     * Passes whole lines to {@code to}, each prefixed: lines of targets running at once never mix. A
     * carriage return (a progress bar redrawing its line) ends a line too. {@code keep} collects them.
     */
    static final class PrefixedLines extends Writer {
        private final PrintWriter to;
        private final String prefix;
        private final List<String> keep;
        private final StringBuilder line = new StringBuilder();

        PrefixedLines(PrintWriter to, String prefix, List<String> keep) {
            this.to = to;
            this.prefix = prefix;
            this.keep = keep;
        }

        @Override
        public synchronized void write(char[] buf, int off, int len) {
            for (int i = off; i < off + len; i++) {
                char c = buf[i];
                if (c == '\n' || c == '\r') {
                    emit();
                } else {
                    line.append(c);
                }
            }
        }

        private void emit() {
            if (line.isEmpty()) {
                return;
            }
            String s = line.toString();
            line.setLength(0);
            if (keep != null) {
                keep.add(s);
            }
            synchronized (to) {
                to.println(prefix + s);
                to.flush();
            }
        }

        @Override
        public synchronized void flush() {
            // whole lines only: a partial line waits for its end (or close)
        }

        @Override
        public synchronized void close() {
            emit();
        }
    }

    /** Distinct targets in the order given; a repeated one is refused (two runs would share a folder). */
    static void checkDistinct(List<QuantOptions.Target> targets) {
        Set<QuantOptions.Target> seen = new LinkedHashSet<>();
        for (QuantOptions.Target t : targets) {
            if (!seen.add(t)) {
                throw new McugenException(Diag.MCG_CLI_USAGE, "--target", t.cliName() + " is given twice");
            }
        }
    }
}
