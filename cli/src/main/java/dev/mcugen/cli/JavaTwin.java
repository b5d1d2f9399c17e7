package dev.mcugen.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcugen.compiler.CompilePipeline;
import dev.mcugen.gen.GenOptions;
import dev.mcugen.gen.View;
import dev.mcugen.gen.twin.FloatFree;
import dev.mcugen.gen.twin.JavaTwinGenerator;
import dev.mcugen.gen.twin.TwinCompiler;
import dev.mcugen.gen.twin.TwinRunner;
import dev.mcugen.ir.Diag;
import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.Names;
import dev.mcugen.ir.Text;
import dev.mcugen.ir.interp.Batch;
import dev.mcugen.ir.interp.FloatInterpreter;
import dev.mcugen.ir.metrics.ErrorMetrics;
import dev.mcugen.ir.quant.IntObserver;
import dev.mcugen.ir.sim.FixedPointSimulator;
import dev.mcugen.scale.QuantizedModel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * {@code --target java} for {@code build} and {@code verify}: the Java twin of the generated C
 * ({@link JavaTwinGenerator}), written as {@code <package path>/<Class>.java}, and its proof: compiled
 * in memory, run on the samples and compared bit for bit with the simulator, and streamed through
 * {@code step} for models that have it.
 */
final class JavaTwin {
    /** The {@code --java-package} option of build and verify. */
    static final class Options {
        @Option(names = "--java-package", paramLabel = "PKG",
                description = "with --target java: the package of the generated class (default: "
                        + JavaTwinGenerator.DEFAULT_PACKAGE + "; \"\" for none)")
        String javaPackage;

        /**
         * Checks the options before any work: {@code --java-package} only with {@code --target java},
         * and a Java package name.
         */
        void check(dev.mcugen.scale.QuantOptions.Target target) {
            if (target != dev.mcugen.scale.QuantOptions.Target.JAVA) {
                if (javaPackage != null) {
                    throw new McugenException(Diag.MCG_CLI_USAGE, "--java-package", "is for --target java only, not --target "
                            + target.cliName());
                }
                return;
            }
            packageName();
        }

        /** The package, checked (usage error when it is not a Java package name). */
        String packageName() {
            String p = javaPackage == null ? JavaTwinGenerator.DEFAULT_PACKAGE : javaPackage;
            String why = JavaTwinGenerator.checkPackage(p);
            if (why != null) {
                throw new McugenException(Diag.MCG_CLI_USAGE, "--java-package", "'" + Text.clip(p, 60) + "' " + why);
            }
            return p;
        }
    }

    private JavaTwin() {
    }

    /** Writes the twin's source under {@code dir}. */
    static void write(Path dir, JavaTwinGenerator.Output twin) {
        Path p = dir.resolve(twin.path());
        try {
            Files.createDirectories(p.getParent());
            Files.writeString(p, twin.source(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw dev.mcugen.ir.IoFailure.writing(p.toString(), "cannot write", e);
        }
    }

    /**
     * The outcome of {@link #check}: outputs per sample, per sample the mismatch with the simulator (or
     * null), the first sample whose streaming differed from {@code invoke} (or null), how many samples
     * were streamed equal.
     */
    record Checked(List<int[]> outputs, List<McugenException> sampleMismatches, McugenException streamMismatch,
                   int streamed, boolean streams) {
        /** The first failure, or null. */
        McugenException firstFailure() {
            return sampleMismatches.stream().filter(java.util.Objects::nonNull).findFirst().orElse(streamMismatch);
        }
    }

    /**
     * Compiles {@code twin} in memory and runs it on {@code xs} (each sample's inputs one after the
     * other): every output integer must equal {@code expected}'s (else {@link Diag#MCG_VERIFY_MISMATCH}
     * naming sample, index and both values), and for a model with {@code step}, {@code reset} + one
     * {@code step} per row must equal {@code invoke}. The class must be float-free
     * ({@link Diag#MCG_VERIFY_SOFT_FLOAT} otherwise).
     */
    static Checked check(JavaTwinGenerator.Output twin, View.Model view, List<List<int[]>> xs, List<int[]> expected) {
        List<String> floats = FloatFree.violations(twin.source());
        if (!floats.isEmpty()) {
            throw new McugenException(Diag.MCG_VERIFY_SOFT_FLOAT, twin.path(), "the Java twin uses floating point: "
                    + String.join(", ", floats));
        }
        Class<?> cls;
        try {
            cls = TwinCompiler.compile(twin);
        } catch (TwinCompiler.NoCompilerException e) {
            throw new McugenException(Diag.MCG_ENV_TOOL_MISSING, "java", e.getMessage(), e);
        } catch (TwinCompiler.CompileException e) {
            throw new McugenException(Diag.MCG_VERIFY_RUN_FAILED, twin.path(), "does not compile: " + e.getMessage(), e);
        }
        int[] outSizes = view.outputs().stream().mapToInt(p -> Integer.parseInt(p.size())).toArray();
        TwinRunner run = new TwinRunner(cls, view.inputs().size(), outSizes);
        List<int[]> got = new ArrayList<>();
        List<McugenException> mismatches = new ArrayList<>();
        McugenException streamMismatch = null;
        int streamed = 0;
        for (int s = 0; s < xs.size(); s++) {
            int[] y;
            try {
                y = run.invoke(xs.get(s));
            } catch (RuntimeException e) {
                throw new McugenException(Diag.MCG_VERIFY_RUN_FAILED, twin.path(), "sample " + s + ": invoke threw " + e, e);
            }
            mismatches.add(compare("sample " + s, y, expected.get(s), view, "java twin", "simulator"));
            got.add(y);
            if (run.streams()) {
                boolean seq = view.stream().seqOutput();
                int[] st = run.stream(xs.get(s).get(0), seq);
                int[] want = seq ? y : java.util.Arrays.copyOfRange(y, y.length - st.length, y.length);
                McugenException e = compare("sample " + s + " streamed (reset + " + view.stream().timeSteps() + " x step)",
                        st, want, view, "step", "invoke");
                if (e == null) {
                    streamed++;
                } else if (streamMismatch == null) {
                    streamMismatch = e;
                }
            }
        }
        return new Checked(got, mismatches, streamMismatch, streamed, run.streams());
    }

    private static McugenException compare(String what, int[] have, int[] want, View.Model view, String haveName,
                                           String wantName) {
        if (have.length != want.length) {
            return new McugenException(Diag.MCG_VERIFY_MISMATCH, "java", what + ": " + haveName + " gave " + have.length
                    + " outputs, " + wantName + " " + want.length);
        }
        for (int k = 0; k < want.length; k++) {
            if (have[k] != want[k]) {
                return new McugenException(Diag.MCG_VERIFY_MISMATCH, "java", what + ", " + where(view, k) + ": "
                        + haveName + " " + have[k] + " != " + wantName + " " + want[k]);
            }
        }
        return null;
    }

    /** "output index k" for one output, else "output 'name' index i". */
    private static String where(View.Model view, int k) {
        if (view.outputs().size() == 1) {
            return "output index " + k;
        }
        int at = k;
        for (View.Port p : view.outputs()) {
            int n = Integer.parseInt(p.size());
            if (at < n) {
                return "output '" + Names.terminal(p.tensor(), 60) + "' index " + at;
            }
            at -= n;
        }
        return "output index " + k;
    }

    /** {@code verify --target java}: the figures of report.json that apply (no QEMU, no instruction counts). */
    static int verify(VerifyCommand cmd, Path modelFile, Graph g, String id, CompilePipeline.Quantized quantized, GenOptions gen, Batch in,
                      int n, List<Path> inputs, java.io.PrintWriter w) {
        QuantizedModel qm = quantized.model();
        String pkg = cmd.javaTwin.packageName();
        View.Model view = CompilePipeline.generate(qm, gen).view();
        JavaTwinGenerator.Output twin = JavaTwinGenerator.generate(qm.graph(), view, pkg, gen.banner());
        FixedPointSimulator sim = new FixedPointSimulator(qm.graph());
        FloatInterpreter fl = new FloatInterpreter(g);
        List<List<int[]>> xs = new ArrayList<>();
        List<int[]> expected = new ArrayList<>();
        List<List<float[]>> floats = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Map<String, FloatTensor> s = in.sample(i);
            Map<String, int[]> q = sim.quantizeInputs(s);
            xs.add(qm.graph().inputs().stream().map(x -> q.get(x.name())).toList());
            Map<String, int[]> y = sim.run(q, IntObserver.NONE);
            expected.add(VerifyCommand.concat(qm.graph().outputs().stream().map(y::get).toList()));
            Map<String, FloatTensor> f = fl.run(s);
            floats.add(g.outputs().stream().map(name -> f.get(name).toArray()).toList());
        }
        return run(cmd, modelFile, g.name(), id, qm.graph(), twin, view, xs, expected, inputs, w, checked -> {
            List<String> outNames = qm.graph().outputs();
            List<ErrorMetrics> perOutput = VerifyCommand.perOutputMetrics(outNames, sim, floats, checked.outputs(), n);
            int classes = floats.get(0).stream().mapToInt(v -> v.length).sum();
            List<VerifyCommand.Threshold> thresholds = cmd.thresholds(outNames, perOutput, n);
            Verdict verdict = twinVerdict(n, classes, checked, view, thresholds)
                    .addAll(Verdict.quantization(qm, gen, view.footprint(), true));
            ObjectNode root = head(cmd, g.name(), id, twin, n, classes, checked, view,
                    BuildCommand.provenanceFiles(modelFile, cmd.quant.calibrationFiles(modelFile, g), cmd.data));
            VerifyCommand.metricsJson(root, outNames, perOutput, floats.get(0));
            VerifyCommand.putThresholds(root, thresholds);
            // The twin holds the same constants, arena and state as the C (its arrays); no stack or
            // object files to measure in a JVM.
            root.set(ReportHtml.MODEL_MEMORY, ModelMemory.json(view.footprint(), null, null, "java", false));
            verdict.into(root.putObject("verdict"));
            qm.report().into(root);
            root.set("calibration", Quantize.json(quantized.calibration()));
            java.io.StringWriter lines = new java.io.StringWriter();
            java.io.PrintWriter pw = new java.io.PrintWriter(lines);
            VerifyCommand.printVsFloat(pw, outNames, perOutput, n);
            if (cmd.requantizedFile.isPresent()) {
                Requantized.compare(root, pw, cmd.requantizedFile.get(), g, in, floats, n);
            }
            pw.flush();
            return new VerifyCommand.Reported(root, () -> ReportHtml.render("verify", root, g, qm, view, in, n), verdict,
                    thresholds, lines.toString());
        });
    }

    /** The twin's part of a report once it ran bit-exact (as {@link VerifyCommand.Reporting} for the C). */
    interface TwinReporting {
        VerifyCommand.Reported report(Checked checked);
    }

    /**
     * Compiles and runs {@code twin} on {@code xs} against the simulator's {@code expected} (shared by
     * every model kind): --junit refused before the run when it is not mcugen's, a differing output
     * reported (the JUnit file still written), then {@code reporting}'s report.json and report.html, the
     * twin's source, the JUnit file, the summary lines, and exit 6 when a threshold is not met.
     */
    static int run(VerifyCommand cmd, Path modelFile, String modelName, String id, dev.mcugen.ir.quant.QGraph graph,
                   JavaTwinGenerator.Output twin, View.Model view, List<List<int[]>> xs, List<int[]> expected,
                   List<Path> inputs, java.io.PrintWriter w, TwinReporting reporting) {
        int n = xs.size();
        expected = VerifyCommand.expectedHook.apply(expected);
        Path dest = cmd.out != null ? cmd.out : Path.of("mcugen-out", id + "-verify-java");
        // --junit inside --out is one of its files; elsewhere written beside itself and moved into place.
        String junitInOut = cmd.junit == null ? null : VerifyCommand.insideOut(cmd.junit, dest, List.of(twin.path()));
        try (OutputFiles junitFile = cmd.junit == null || junitInOut != null ? null
                : OutputFiles.open(List.of(cmd.junit), inputs, modelFile, cmd.force, "--junit")) {
            Checked checked = check(twin, view, xs, expected);
            McugenException differs = checked.firstFailure();
            if (differs != null) {
                // --out is not written; a JUnit file outside it still lists each check that failed.
                if (junitFile != null) {
                    junitFile.write(cmd.junit, junit(id, n, view, checked, List.of()).render(0));
                    junitFile.commit(w);
                }
                throw differs;
            }
            VerifyCommand.Reported rep = reporting.report(checked);
            List<VerifyCommand.Threshold> thresholds = rep.thresholds();
            byte[] junitXml = cmd.junit == null ? null : junit(id, n, view, checked, thresholds).render(0);
            try (OutputDir dir = OutputDir.open(dest, inputs, cmd.force, w)) {
                Path d = dir.dir();
                write(d, twin);
                Files.writeString(d.resolve("report.json"), dev.mcugen.scale.ContractReport.mapper()
                        .writerWithDefaultPrettyPrinter().writeValueAsString(rep.root()) + "\n", StandardCharsets.UTF_8);
                Files.writeString(d.resolve(ReportHtml.FILE), rep.html().get(), StandardCharsets.UTF_8);
                VerifyCommand.commitWithJunit(dir, junitInOut, junitFile, cmd.junit, junitXml, w);
            } catch (IOException e) {
                throw dev.mcugen.ir.IoFailure.writing(dest.toString(), "cannot write", e);
            }
            List<String> outNames = graph.outputs();
            int classes = expected.isEmpty() ? 0 : expected.get(0).length;
            w.printf("%s as Java (%s, compiled in memory): %d sample(s) x %s bit-exact with the simulator%n", id,
                    twin.qualifiedName(), n, outNames.size() == 1 ? classes + " outputs"
                            : outNames.size() + " outputs (" + classes + " values)");
            if (checked.streams()) {
                w.printf("streaming: reset + %s x step equals invoke on all %d sample(s)%n", view.stream().timeSteps(),
                        checked.streamed());
            } else if (graph.nodes().stream().anyMatch(x -> x instanceof dev.mcugen.ir.quant.QRecurrent)) {
                w.printf("streaming: not applicable, no step (%s)%n", view.noStepReason());
            }
            w.print(rep.vsFloat());
            for (VerifyCommand.Threshold t : thresholds) {
                w.printf("%s: %s, on %d sample%s%n", t.met() ? "met" : "NOT met", t.describe(), n, n == 1 ? "" : "s");
            }
            w.println("verdict: " + Names.terminal(rep.verdict().line(), 400));
            w.printf("-> %s + %s + %s%s%n", dest.resolve(twin.path()), dest.resolve("report.json"), ReportHtml.FILE,
                    cmd.junit == null || VerifyCommand.ONE_OF_SEVERAL.get() ? "" : " + " + cmd.junit);
            w.flush();
            List<VerifyCommand.Threshold> unmet = thresholds.stream().filter(t -> !t.met()).toList();
            if (!unmet.isEmpty()) {
                throw new McugenException(Diag.MCG_VERIFY_ACCURACY, modelName + " on java",
                        String.join("; ", unmet.stream().map(VerifyCommand.Threshold::describe).toList()));
            }
            return ExitCodes.OK;
        }
    }

    /** The twin's own checks (bit-exact, streaming, float-free, thresholds); the model's follow. */
    static Verdict twinVerdict(int n, int values, Checked checked, View.Model view, List<VerifyCommand.Threshold> thresholds) {
        return VerifyCommand.verdict(n, values, checked.streams(), checked.streamed(), view,
                "no float or double in the generated class (checked on its syntax tree)", thresholds);
    }

    /** report.json's first fields for the twin, the verdict null until every check is known. */
    static ObjectNode head(VerifyCommand cmd, String model, String id, JavaTwinGenerator.Output twin, int n, int values,
                           Checked checked, View.Model view, Map<String, List<Path>> files) {
        ObjectNode root = dev.mcugen.scale.ContractReport.mapper().createObjectNode();
        root.put("model", model);
        root.put("name", id);
        root.put("target", "java");
        // The same verdict as the C's (bit-exact, streaming, float-free, thresholds, then the
        // quantization's checks), filled in below once every check is known.
        root.putNull("verdict");
        root.set("provenance", Provenance.json(cmd.spec.commandLine().getParseResult().originalArgs(), files));
        root.put("runner", "in this JVM (" + System.getProperty("java.version") + "), compiled in memory");
        root.put("class", twin.qualifiedName());
        root.put("bit_exact", true);
        root.put("samples", n);
        root.put("outputs_per_sample", values);
        root.put("float_free", true);
        ObjectNode streaming = root.putObject("streaming");
        streaming.put("has_step", checked.streams());
        streaming.put("samples_checked", checked.streamed());
        streaming.put("status", checked.streams() ? "checked" : "not applicable");
        streaming.put("note", checked.streams()
                ? "per sample: invoke, then reset and step once per time step; equal bit for bit"
                : "no step for this model: " + view.noStepReason());
        return root;
    }

    /** The JUnit cases: bit-exact per sample, streaming, float-free, each threshold. */
    private static JUnitReport junit(String id, int n, View.Model view, Checked checked,
                                     List<VerifyCommand.Threshold> thresholds) {
        JUnitReport ju = new JUnitReport("mcugen verify " + id + " on java", "mcugen.verify.java." + JUnitReport.segment(id));
        for (int s = 0; s < n; s++) {
            McugenException e = checked.sampleMismatches().get(s);
            String name = "bit-exact with the simulator, sample " + s;
            ju.add(e == null ? JUnitReport.Case.passed(name) : failed(name, e));
        }
        String stream = "streaming: reset + step equals invoke";
        if (checked.streamMismatch() != null) {
            ju.add(failed(stream, checked.streamMismatch()));
        } else if (!checked.streams()) {
            ju.add(JUnitReport.Case.skipped(stream, "no step for this model: " + view.noStepReason()));
        } else {
            ju.add(JUnitReport.Case.passed(stream));
        }
        // Reached only float-free: check() refuses a class with floating point before it runs.
        ju.add(JUnitReport.Case.passed("float-free: no floating point in the Java twin"));
        for (VerifyCommand.Threshold t : thresholds) {
            String name = (t.option().equals("--min-top1") ? "top-1 agreement" : "SQNR") + " " + t.option() + ", output '"
                    + t.output() + "'";
            ju.add(t.met() ? JUnitReport.Case.passed(name)
                    : JUnitReport.Case.failed(name, Diag.MCG_VERIFY_ACCURACY.name(), t.describe(), t.describe()));
        }
        return ju;
    }

    private static JUnitReport.Case failed(String name, McugenException e) {
        String message = e.subject() + ": " + e.detail();
        return JUnitReport.Case.failed(name, e.diag().name(), message, message);
    }
}
