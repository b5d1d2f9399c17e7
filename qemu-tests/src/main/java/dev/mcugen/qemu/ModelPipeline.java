package dev.mcugen.qemu;

import dev.mcugen.gen.CGenerator;
import dev.mcugen.gen.Templates;
import dev.mcugen.gen.View;
import dev.mcugen.ir.Diag;
import dev.mcugen.ir.McugenException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The step {@code mcugen verify} adds to the compile pipeline ({@code dev.mcugen.compiler.CompilePipeline}),
 * shared by the command line and the benchmark suite ({@code dev.mcugen.qemu.bench}): {@link #runHarness}
 * writes the C and the verify harness, compiles and runs it on the target, requires every output
 * integer to equal the simulator's, and checks streaming and that no soft-float routine is linked.
 */
public final class ModelPipeline {
    /** One line per sample printed by the harness: {@code y <sample>: <outputs...>}. */
    // The group's repetition is possessive: a backtracking one recurses once per value and overflows the stack on
    // outputs of thousands of values (the convolution bench models).
    public static final Pattern OUTPUT_LINE = Pattern.compile("^y (\\d+):((?: -?\\d+)*+)$", Pattern.MULTILINE);
    private static final Pattern STREAM_LINE = Pattern.compile("^stream (\\d+): (.*)$", Pattern.MULTILINE);

    private ModelPipeline() {
    }

    /**
     * What {@link #runHarness} found, all checks passed.
     *
     * @param run      the run (image sizes, instruction counts and stack of sample 0's inference)
     * @param outputs  the target's output integers per sample (equal to the simulator's)
     * @param streamed samples whose {@code _reset} + {@code _step} streaming equalled {@code _invoke}
     * @param how      how the program ran (the runner's description, or natively on the host)
     */
    public record HarnessRun(RunResult run, List<int[]> outputs, int streamed, String how) {
    }

    /**
     * What {@link #runHarnessChecks} found, each check's outcome kept rather than thrown, so that a
     * report can list every sample that differs (verify --junit).
     *
     * @param run              as in {@link HarnessRun}
     * @param outputs          the target's output integers per sample
     * @param sampleMismatches per sample: null when every output integer equals the simulator's,
     *                         else the {@link Diag#MCG_VERIFY_MISMATCH} naming the first that differs
     * @param streamMismatch   the first sample whose streaming differed from {@code _invoke}, or null
     * @param streamed         samples whose streaming equalled {@code _invoke}
     * @param softFloat        the {@link Diag#MCG_VERIFY_SOFT_FLOAT} naming linked soft-float routines, or null
     * @param how              how the program ran
     */
    public record HarnessChecks(RunResult run, List<int[]> outputs, List<McugenException> sampleMismatches,
                                McugenException streamMismatch, int streamed, McugenException softFloat, String how) {
        /** The failure {@link #runHarness} throws: the first differing sample, else streaming, else soft-float; or null. */
        public McugenException firstFailure() {
            for (McugenException e : sampleMismatches) {
                if (e != null) {
                    return e;
                }
            }
            return streamMismatch != null ? streamMismatch : softFloat;
        }

        /** All checks passed: as {@link #runHarness} returns it. */
        public HarnessRun passed() {
            McugenException e = firstFailure();
            if (e != null) {
                throw e;
            }
            return new HarnessRun(run, outputs, streamed, how);
        }
    }

    /**
     * Writes the generated C into {@code dir} with {@code harness/main.c} embedding the quantized
     * samples {@code xs} (per sample every input's integers one after the other, in the model's input
     * order; {@code expected} likewise every output's), compiles and runs it on {@code target}, and requires every output integer to
     * equal {@code expected} (the simulator's), streaming to equal {@code _invoke} for a model with
     * {@code _step}, and (Cortex-M) no soft-float/double routine in the image (DESIGN §6).
     *
     * @throws McugenException MCG_VERIFY_RUN_FAILED, MCG_VERIFY_MISMATCH or MCG_VERIFY_SOFT_FLOAT
     */
    /**
     * A runner failure as a diagnostic: a missing tool or container engine is the machine's
     * ({@link Diag#MCG_ENV_TOOL_MISSING}), anything else a failed run ({@link Diag#MCG_VERIFY_RUN_FAILED}).
     */
    public static McugenException failure(Target target, RunnerException e) {
        return new McugenException(e.environment() ? Diag.MCG_ENV_TOOL_MISSING : Diag.MCG_VERIFY_RUN_FAILED, target.id(),
                e.getMessage(), e);
    }

    public static HarnessRun runHarness(TargetRunner runner, Target target, Path dir, CGenerator.Output generated,
                                        List<String> banner, List<int[]> xs, List<int[]> expected, Duration timeout,
                                        Consumer<String> progress) throws IOException {
        return runHarnessChecks(runner, target, dir, generated, banner, xs, expected, timeout, progress).passed();
    }

    /**
     * {@link #runHarness}, with the comparisons' outcomes returned instead of the first thrown; a run that
     * fails or prints what cannot be read still throws {@link Diag#MCG_VERIFY_RUN_FAILED}.
     */
    public static HarnessChecks runHarnessChecks(TargetRunner runner, Target target, Path dir, CGenerator.Output generated,
                                                 List<String> banner, List<int[]> xs, List<int[]> expected,
                                                 Duration timeout, Consumer<String> progress) throws IOException {
        return runHarnessChecks(runner, target, target, dir, generated, banner, xs, expected, timeout, progress);
    }

    /**
     * {@link #runHarnessChecks(TargetRunner, Target, Path, CGenerator.Output, List, List, List, Duration, Consumer)}
     * with the program compiled for {@code target} and run on the QEMU board of {@code machine} (a
     * Cortex-M target whose core runs {@code target}'s code, see {@link TargetRunner#run(Target, Target,
     * List, List, Duration, Consumer)}); {@code machine == target} is the usual run.
     */
    public static HarnessChecks runHarnessChecks(TargetRunner runner, Target target, Target machine, Path dir,
                                                 CGenerator.Output generated, List<String> banner, List<int[]> xs,
                                                 List<int[]> expected, Duration timeout, Consumer<String> progress)
            throws IOException {
        String id = generated.view().id();
        int n = xs.size();
        CGenerator.write(generated.files(), dir);
        Map<String, Object> hm = new LinkedHashMap<>();
        hm.put("id", id);
        hm.put("macro", id.toUpperCase(Locale.ROOT));
        hm.put("samples", String.valueOf(n));
        hm.put("banner", banner.stream().map(dev.mcugen.ir.Names::cComment).toList());
        View.Model view = generated.view();
        String macro = id.toUpperCase(Locale.ROOT);
        hm.put("single", view.single());
        // xs holds per sample every input's integers one after the other, in the model's input order.
        List<Map<String, Object>> ins = new ArrayList<>();
        int off = 0;
        for (int k = 0; k < view.inputs().size(); k++) {
            View.Port p = view.inputs().get(k);
            int size = Integer.parseInt(p.size());
            int from = off;
            Map<String, Object> pm = new LinkedHashMap<>();
            pm.put("type", p.typeName());
            pm.put("var", view.single() ? "inputs" : "in" + k);
            pm.put("size", macro + "_" + p.macro() + "_SIZE");
            pm.put("rows", xs.stream().map(x -> Arrays.stream(x, from, from + size).mapToObj(String::valueOf)
                    .collect(Collectors.joining(", "))).toList());
            ins.add(pm);
            off += size;
        }
        for (int[] x : xs) {
            if (x.length != off) {
                throw new IllegalArgumentException("a sample holds " + x.length + " input integers, the model takes " + off);
            }
        }
        List<Map<String, Object>> outs = new ArrayList<>();
        for (int k = 0; k < view.outputs().size(); k++) {
            View.Port p = view.outputs().get(k);
            Map<String, Object> pm = new LinkedHashMap<>();
            pm.put("type", p.typeName());
            pm.put("var", view.single() ? "y" : "out" + k);
            pm.put("size", macro + "_" + p.macro() + "_SIZE");
            outs.add(pm);
        }
        hm.put("inputs", ins);
        hm.put("outputs", outs);
        Path harness = dir.resolve("harness/main.c");
        Files.createDirectories(harness.getParent());
        Files.writeString(harness, new Templates().render("harness.c.ftl", hm), StandardCharsets.UTF_8);

        String how = target == Target.HOST ? "natively on this machine" : runner.description();
        List<Path> sources = new ArrayList<>();
        sources.add(harness);
        sources.add(dir.resolve(id + ".c"));
        generated.files().keySet().stream().filter(k -> k.startsWith("runtime/src/") && k.endsWith(".c")).sorted()
                .forEach(k -> sources.add(dir.resolve(k)));
        RunResult r;
        try {
            r = runner.run(target, machine, sources, List.of(dir, dir.resolve("runtime/include")), timeout,
                    progress == null ? line -> { } : progress);
        } catch (RunnerException e) {
            throw failure(target, e);
        }
        if (!r.passed()) {
            throw new McugenException(Diag.MCG_VERIFY_RUN_FAILED, target.id(), "the harness ended " + r.status()
                    + " (exit " + r.exitCode() + ") with " + how + ": " + tail(r.stdout() + r.stderr()));
        }
        List<int[]> got = parse(r.stdout(), n, target);
        List<McugenException> mismatches = new ArrayList<>();
        for (int s = 0; s < n; s++) {
            mismatches.add(compare(s, got.get(s), expected.get(s), generated.view(), target));
        }
        McugenException[] streamMismatch = new McugenException[1];
        boolean samplesDiffer = mismatches.stream().anyMatch(java.util.Objects::nonNull);
        int streamed = checkStreaming(r.stdout(), n, generated.view().streaming(), target, streamMismatch, samplesDiffer);
        // DESIGN §6: no soft-float or double helper may be linked (the symbol table says).
        List<String> softFloat = target.isCortexM() ? Symbols.softFloat(target, r.image()) : List.of();
        McugenException soft = softFloat.isEmpty() ? null : new McugenException(Diag.MCG_VERIFY_SOFT_FLOAT, target.id(),
                "the linked image contains " + softFloat.size() + " soft-float/double routine(s): " + String.join(", ", softFloat));
        return new HarnessChecks(r, got, mismatches, streamMismatch[0], streamed, soft, how);
    }

    /** Null when {@code have} equals {@code want}, else the mismatch naming sample {@code s}'s first differing integer. */
    private static McugenException compare(int s, int[] have, int[] want, View.Model view, Target target) {
        if (have.length != want.length) {
            return new McugenException(Diag.MCG_VERIFY_MISMATCH, target.id(), "sample " + s + ": the target printed "
                    + have.length + " outputs, the simulator has " + want.length);
        }
        for (int k = 0; k < want.length; k++) {
            if (have[k] != want[k]) {
                return new McugenException(Diag.MCG_VERIFY_MISMATCH, target.id(), "sample " + s + ", " + where(view, k)
                        + ": target " + have[k] + " != simulator " + want[k]);
            }
        }
        return null;
    }

    /**
     * Where flat index {@code k} of a sample's printed outputs falls: "output index k" for a single
     * output, else "output 'name' index i".
     */
    static String where(View.Model view, int k) {
        if (view.outputs().size() == 1) {
            return "output index " + k;
        }
        int i = k;
        for (View.Port p : view.outputs()) {
            int size = Integer.parseInt(p.size());
            if (i < size) {
                return "output '" + p.name() + "' index " + i;
            }
            i -= size;
        }
        return "output index " + k;
    }

    private static List<int[]> parse(String stdout, int n, Target target) {
        List<int[]> got = new ArrayList<>();
        Matcher m = OUTPUT_LINE.matcher(stdout.replace("\r", ""));
        while (m.find()) {
            if (Integer.parseInt(m.group(1)) != got.size()) {
                throw new McugenException(Diag.MCG_VERIFY_RUN_FAILED, target.id(), "harness output out of order: " + m.group());
            }
            String body = m.group(2).strip();
            got.add(body.isEmpty() ? new int[0] : Arrays.stream(body.split(" ")).mapToInt(Integer::parseInt).toArray());
        }
        if (got.size() != n || !stdout.contains("done\n")) {
            throw new McugenException(Diag.MCG_VERIFY_RUN_FAILED, target.id(), "the harness printed " + got.size() + " of "
                    + n + " samples: " + tail(stdout));
        }
        return got;
    }

    /**
     * Checks the harness's streaming lines: none without {@code _step}, else one "ok" per sample;
     * returns how many samples streamed equal to {@code _invoke}, and puts the first that did not into
     * {@code mismatch[0]}. Missing lines are a failed run, unless a sample already differs (that is
     * reported first, as it always was).
     */
    private static int checkStreaming(String stdout, int n, boolean streams, Target target, McugenException[] mismatch,
                                      boolean samplesDiffer) {
        Matcher m = STREAM_LINE.matcher(stdout.replace("\r", ""));
        int ok = 0;
        int lines = 0;
        while (m.find()) {
            lines++;
            if (!m.group(2).equals("ok")) {
                if (mismatch[0] == null) {
                    mismatch[0] = new McugenException(Diag.MCG_VERIFY_MISMATCH, target.id(), "sample " + m.group(1)
                            + ": streaming with _step differs from _invoke: " + m.group(2));
                }
            } else {
                ok++;
            }
        }
        if (mismatch[0] == null && !samplesDiffer && streams && lines != n) {
            throw new McugenException(Diag.MCG_VERIFY_RUN_FAILED, target.id(), "the harness streamed " + ok + " of " + n
                    + " samples: " + tail(stdout));
        }
        return ok;
    }

    /** The last 300 characters of a program's output, for a one-line error. */
    public static String tail(String s) {
        String t = s.strip();
        return t.length() > 300 ? "..." + t.substring(t.length() - 300) : t;
    }
}
