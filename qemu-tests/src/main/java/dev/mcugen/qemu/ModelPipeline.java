package dev.mcugen.qemu;

import dev.mcugen.gen.CGenerator;
import dev.mcugen.gen.GenOptions;
import dev.mcugen.gen.Templates;
import dev.mcugen.ir.Diag;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.calib.CalibrationResult;
import dev.mcugen.ir.calib.Calibrator;
import dev.mcugen.ir.interp.Batch;
import dev.mcugen.ir.interp.Progress;
import dev.mcugen.scale.QuantOptions;
import dev.mcugen.scale.QuantizedModel;
import dev.mcugen.scale.Quantizer;
import dev.mcugen.scale.ff.BatchNormFolding;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The steps {@code mcugen build} / {@code mcugen verify} take from a float graph to integers checked on
 * a target, shared by the command line and the benchmark suite ({@code dev.mcugen.qemu.bench}) so that
 * both run the very same pipeline: {@link #quantize} (fold batch norm, calibrate, solve),
 * {@link #genOptions} (banner and the board's memory budget), and {@link #runHarness} (write the C and
 * the verify harness, compile and run it on the target, require every output integer to equal the
 * simulator's, check streaming and that no soft-float routine is linked).
 */
public final class ModelPipeline {
    /** One line per sample printed by the harness: {@code y <sample>: <outputs...>}. */
    public static final Pattern OUTPUT_LINE = Pattern.compile("^y (\\d+):((?: -?\\d+)*)$", Pattern.MULTILINE);
    private static final Pattern STREAM_LINE = Pattern.compile("^stream (\\d+): (.*)$", Pattern.MULTILINE);

    private ModelPipeline() {
    }

    /** Calibrates {@code original} on {@code calibration} and quantizes it (batch norm folded first, DESIGN §4). */
    public static QuantizedModel quantize(Graph original, Batch calibration, QuantOptions options, Progress progress) {
        // BatchNorm folds into the layer before it; the folded layer keeps the BN's name.
        Graph g = BatchNormFolding.fold(original);
        CalibrationResult ranges = new Calibrator(g).calibrate(calibration, progress);
        return Quantizer.quantize(g, ranges, options);
    }

    /**
     * Generator options for {@code id}: the banner records the model file's hash and every option
     * (so a folder says what made it), and a Cortex-M target brings its board's memory budget.
     */
    public static GenOptions genOptions(String id, Path modelFile, QuantOptions o, Target target) {
        return new GenOptions(id, List.of("model file: " + modelFile.getFileName() + " sha256 " + sha256(modelFile),
                optionsLine(o)), budget(target), o.target());
    }

    /** The memory budget of {@code target}'s board, or null (host, neon: no fixed budget). */
    public static GenOptions.Budget budget(Target target) {
        return target.memory()
                .map(m -> new GenOptions.Budget(target.id() + " (QEMU board " + m.board() + ")", m.flashBytes(),
                        m.ramBytes(), m.stackBytes()))
                .orElse(null);
    }

    /** The quantization options as a command line. */
    public static String optionsLine(QuantOptions o) {
        return String.format(Locale.ROOT, "options: --target %s --precision %s --rescale %s --activation %s%s%s",
                o.target().cliName(), o.precision().name().toLowerCase(Locale.ROOT),
                o.rescale().name().toLowerCase(Locale.ROOT), o.activation().name().toLowerCase(Locale.ROOT),
                o.perChannel() ? " --per-channel" : "", o.dropSoftmax() ? " --drop-softmax" : "");
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
     * Writes the generated C into {@code dir} with {@code harness/main.c} embedding the quantized
     * samples {@code xs}, compiles and runs it on {@code target}, and requires every output integer to
     * equal {@code expected} (the simulator's), streaming to equal {@code _invoke} for a model with
     * {@code _step}, and (Cortex-M) no soft-float/double routine in the image (DESIGN §6).
     *
     * @throws McugenException MCG_VERIFY_RUN_FAILED, MCG_VERIFY_MISMATCH or MCG_VERIFY_SOFT_FLOAT
     */
    public static HarnessRun runHarness(TargetRunner runner, Target target, Path dir, CGenerator.Output generated,
                                        List<String> banner, List<int[]> xs, List<int[]> expected, Duration timeout,
                                        Consumer<String> progress) throws IOException {
        String id = generated.view().id();
        int n = xs.size();
        CGenerator.write(generated.files(), dir);
        Map<String, Object> hm = new LinkedHashMap<>();
        hm.put("id", id);
        hm.put("macro", id.toUpperCase(Locale.ROOT));
        hm.put("samples", String.valueOf(n));
        hm.put("banner", banner);
        hm.put("rows", xs.stream().map(x -> Arrays.stream(x).mapToObj(String::valueOf).collect(Collectors.joining(", ")))
                .toList());
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
            r = runner.run(target, sources, List.of(dir, dir.resolve("runtime/include")), timeout,
                    progress == null ? line -> { } : progress);
        } catch (RunnerException e) {
            throw new McugenException(Diag.MCG_VERIFY_RUN_FAILED, target.id(), e.getMessage(), e);
        }
        if (!r.passed()) {
            throw new McugenException(Diag.MCG_VERIFY_RUN_FAILED, target.id(), "the harness ended " + r.status()
                    + " (exit " + r.exitCode() + ") with " + how + ": " + tail(r.stdout() + r.stderr()));
        }
        List<int[]> got = parse(r.stdout(), n, target);
        for (int s = 0; s < n; s++) {
            int[] want = expected.get(s);
            int[] have = got.get(s);
            if (have.length != want.length) {
                throw new McugenException(Diag.MCG_VERIFY_MISMATCH, target.id(), "sample " + s + ": the target printed "
                        + have.length + " outputs, the simulator has " + want.length);
            }
            for (int k = 0; k < want.length; k++) {
                if (have[k] != want[k]) {
                    throw new McugenException(Diag.MCG_VERIFY_MISMATCH, target.id(), "sample " + s + ", output index "
                            + k + ": target " + have[k] + " != simulator " + want[k]);
                }
            }
        }
        int streamed = checkStreaming(r.stdout(), n, generated.view().streaming(), target);
        // DESIGN §6: no soft-float or double helper may be linked (the symbol table says).
        List<String> softFloat = target.isCortexM() ? Symbols.softFloat(target, r.image()) : List.of();
        if (!softFloat.isEmpty()) {
            throw new McugenException(Diag.MCG_VERIFY_SOFT_FLOAT, target.id(), "the linked image contains "
                    + softFloat.size() + " soft-float/double routine(s): " + String.join(", ", softFloat));
        }
        return new HarnessRun(r, got, streamed, how);
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
     * returns how many samples streamed equal to {@code _invoke}.
     */
    private static int checkStreaming(String stdout, int n, boolean streams, Target target) {
        Matcher m = STREAM_LINE.matcher(stdout.replace("\r", ""));
        int ok = 0;
        while (m.find()) {
            if (!m.group(2).equals("ok")) {
                throw new McugenException(Diag.MCG_VERIFY_MISMATCH, target.id(), "sample " + m.group(1)
                        + ": streaming with _step differs from _invoke: " + m.group(2));
            }
            ok++;
        }
        if (streams && ok != n) {
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

    private static String sha256(Path file) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new McugenException(Diag.MCG_IO_FAILED, file.toString(), "cannot read: " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
