package dev.mcugen.qemu.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcugen.compiler.CompilePipeline;
import dev.mcugen.gen.CGenerator;
import dev.mcugen.gen.FloatCGenerator;
import dev.mcugen.gen.Templates;
import dev.mcugen.ir.Diag;
import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.ModelLoader;
import dev.mcugen.ir.ModelStats;
import dev.mcugen.ir.data.InputData;
import dev.mcugen.ir.interp.Batch;
import dev.mcugen.ir.interp.FloatInterpreter;
import dev.mcugen.ir.interp.Progress;
import dev.mcugen.ir.quant.IntObserver;
import dev.mcugen.ir.quant.QuantType;
import dev.mcugen.ir.sim.FixedPointSimulator;
import dev.mcugen.qemu.BoardSupport;
import dev.mcugen.qemu.LocalQemuRunner;
import dev.mcugen.qemu.ModelPipeline;
import dev.mcugen.qemu.RunResult;
import dev.mcugen.qemu.RunnerException;
import dev.mcugen.qemu.Target;
import dev.mcugen.qemu.TargetRunner;
import dev.mcugen.qemu.TargetRunners;
import dev.mcugen.scale.ContractReport;
import dev.mcugen.scale.QuantOptions;
import dev.mcugen.scale.QuantizedModel;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.stream.Stream;

/**
 * The benchmark suite of issue 6: for each target and model, the mcugen pipeline exactly as
 * {@code mcugen verify} runs it ({@link ModelPipeline}: import, calibrate, solve, generate C, compile
 * with the board, run under QEMU, every output integer equal to the simulator's), and in the same run
 * the float32 baseline C of the same float graph ({@link FloatCGenerator}) compiled and run for the
 * same target (soft-float on the Cortex-M boards, DESIGN §7), checked against the Java float
 * interpreter to {@link #FLOAT_TOLERANCE}. Records instructions per inference and per MAC, flash, RAM
 * and stack of both, the speed-up (float instructions / integer instructions) and the flash ratios
 * (integer / float, weights and image); prints a table and writes JSON.
 *
 * <p>Run it with {@code ./bench} at the checkout's root ({@code ./bench --help}).
 */
public final class Bench {
    /** Float C vs the Java float interpreter: max |difference| relative to max |reference|. */
    public static final double FLOAT_TOLERANCE = 1e-4;
    public static final List<Target> DEFAULT_TARGETS = List.of(Target.CORTEX_M0, Target.CORTEX_M3, Target.CORTEX_M4,
            Target.CORTEX_M7, Target.CORTEX_M33, Target.CORTEX_M55, Target.NEON);
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(10);

    /**
     * What to run.
     *
     * @param root    the checkout (models, examples)
     * @param models  the models, in table order
     * @param targets the targets, in table order
     * @param samples input samples per run (each checked; sample 0 is measured)
     * @param json    where the JSON goes
     * @param work    where the generated C, harnesses and images go (kept for inspection)
     */
    public record Config(Path root, List<BenchModel> models, List<Target> targets, int samples, Path json, Path work) {
    }

    private final Config config;
    private final PrintStream log;

    public Bench(Config config, PrintStream log) {
        this.config = config;
        this.log = log;
    }

    public static void main(String[] args) {
        // Library log lines are not the bench's output (jHDF logs each dataset of a Keras file at INFO).
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        Config c;
        try {
            c = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        if (c == null) {
            System.out.println(USAGE);
            return;
        }
        ObjectNode result = new Bench(c, System.out).run();
        System.out.println();
        System.out.print(table(result));
        System.out.println("-> " + c.json().toAbsolutePath());
        System.exit(result.get("all_passed").asBoolean() ? 0 : 1);
    }

    static final String USAGE = """
            usage: ./bench [--models a,b,...] [--targets t,...] [--samples N] [--out FILE.json] [--work DIR]
              Runs mcugen's integer C and the float32 baseline C of each model on each target under QEMU
              and prints/writes instructions per inference and per MAC, flash, RAM, stack, speed-up and
              flash ratios. Default: all models (fc256 fc64 conv1d lstm64 lstm128 gru64 kws_conv dw_s1
              dw_s2 pw64 pw16 res3x3 har_lstm kws_gru gesture_conv1d stacked_rnn) on cortex-m0 cortex-m3 cortex-m4 cortex-m7 cortex-m33 cortex-m55
              neon (host optional), 2 samples, JSON to target/bench/bench.json. MCUGEN_RUNNER=local skips
              the container check. Whole real models on request: resnet8 vww ad01 (Keras files of the
              model zoo in ../shared/zoo, or -Dmcugen.zoo=DIR; quantized per channel).
              Exit status 0 when every run is bit-exact and every float run matches the interpreter.""";

    /** Parses the command line; null for --help. */
    static Config parse(String[] args) {
        Path root = Path.of(System.getProperty("mcugen.root", ".")).toAbsolutePath().normalize();
        List<String> models = null;
        List<Target> targets = DEFAULT_TARGETS;
        int samples = 2;
        Path json = null;
        Path work = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) {
                return null;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(a + ": unknown option or missing value");
            }
            String v = args[++i];
            switch (a) {
                case "--root" -> root = Path.of(v).toAbsolutePath().normalize();
                case "--models" -> models = Arrays.asList(v.split(","));
                case "--targets" -> targets = Arrays.stream(v.split(",")).map(Target::fromId).toList();
                case "--samples" -> samples = Integer.parseInt(v);
                case "--out" -> json = Path.of(v);
                case "--work" -> work = Path.of(v);
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (samples < 1) {
            throw new IllegalArgumentException("--samples must be at least 1");
        }
        Path r = root;
        List<BenchModel> ms = models == null ? BenchModel.all(root) : models.stream().map(n -> BenchModel.named(r, n)).toList();
        Path out = json != null ? json : root.resolve("target/bench/bench.json");
        return new Config(root, ms, targets, samples, out,
                work != null ? work : out.toAbsolutePath().getParent().resolve("work"));
    }

    /** Runs every model on every target; writes the JSON and returns it. */
    public ObjectNode run() {
        ObjectNode root = ContractReport.mapper().createObjectNode();
        root.put("suite", "mcugen benchmark: integer C vs float32 baseline C per target");
        root.put("date", Instant.now().toString());
        root.put("samples", config.samples());
        root.put("float_tolerance", FLOAT_TOLERANCE);
        root.put("note", "instructions: sample 0's inference between the counting markers (QEMU -icount shift=0, SysTick"
                + " x40 on mps2, x62.5 on microbit; neon from the exec trace); flash = text + data and RAM = data + bss of"
                + " the whole image (model + runtime + harness + board support), stack by painting; speedup = float"
                + " instructions / integer instructions; flash_ratio_weights = integer constants / float weights;"
                + " flash_ratio_image = integer / float image flash, each without its embedded input samples");
        ArrayNode results = root.putArray("results");
        boolean allPassed = true;
        try {
            Files.createDirectories(config.work());
        } catch (IOException e) {
            throw new McugenException(Diag.MCG_IO_FAILED, config.work().toString(), "cannot create: " + e.getMessage(), e);
        }
        Path scratch = config.work().resolve("run");
        BoardSupport boards = BoardSupport.bundled(config.work().resolve("boards"));
        boolean emulated = config.targets().stream().anyMatch(t -> t != Target.HOST);
        try (TargetRunner local = new LocalQemuRunner(boards, scratch);
             TargetRunner runner = emulated ? TargetRunners.select(boards, scratch, line -> log.println("bench: " + line))
                     : local) {
            root.put("runner", emulated ? runner.description() : "natively on this machine");
            for (BenchModel model : config.models()) {
                Prepared p = prepare(model);
                for (Target target : config.targets()) {
                    log.printf("bench: %s on %s ...%n", model.name(), target.id());
                    ObjectNode r = results.addObject();
                    allPassed &= runOne(p, target, target == Target.HOST ? local : runner, r);
                    log.println("bench:   " + summary(r));
                }
                write(root, allPassed);
            }
        }
        write(root, allPassed);
        return root;
    }

    private void write(ObjectNode root, boolean allPassed) {
        root.put("all_passed", allPassed);
        try {
            Files.createDirectories(config.json().toAbsolutePath().getParent());
            Files.writeString(config.json(), ContractReport.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(root)
                    + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new McugenException(Diag.MCG_IO_FAILED, config.json().toString(), "cannot write: " + e.getMessage(), e);
        }
    }

    /** A model loaded once for all targets: graph, data, float references. */
    private record Prepared(BenchModel model, Graph graph, Batch calibration, Batch test, int n, long macs,
                            long parameters, List<float[]> floatInputs, List<float[]> floatOutputs) {
    }

    private Prepared prepare(BenchModel m) {
        Graph g = ModelLoader.load(m.modelFile());
        Batch cal = InputData.read(g, List.of(m.calibration()));
        Batch test = InputData.read(g, List.of(m.testData()));
        int n = Math.min(config.samples(), test.size());
        FloatInterpreter fl = new FloatInterpreter(g);
        List<float[]> ins = new ArrayList<>();
        List<float[]> outs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Map<String, FloatTensor> s = test.sample(i);
            ins.add(s.get(g.inputs().get(0).name()).toArray());
            outs.add(fl.run(s).get(g.outputs().get(0)).toArray());
        }
        return new Prepared(m, g, cal, test, n, ModelStats.of(g).macs(), g.parameterCount(), ins, outs);
    }

    /** One model on one target into {@code r}; true when everything that ran passed its checks. */
    private boolean runOne(Prepared p, Target target, TargetRunner runner, ObjectNode r) {
        r.put("model", p.model().name());
        r.put("target", target.id());
        r.put("macs", p.macs());
        r.put("parameters", p.parameters());
        ObjectNode in = r.putObject("int");
        ObjectNode fl = r.putObject("float");
        boolean ok = runInt(p, target, runner, in);
        ok &= runFloat(p, target, runner, fl);
        Long ii = count(in);
        Long fi = count(fl);
        if (ii != null && fi != null && ii > 0) {
            r.put("speedup", (double) fi / ii);
        } else {
            r.putNull("speedup");
        }
        if (in.has("weight_bytes") && fl.has("weight_bytes")) {
            r.put("flash_ratio_weights", in.get("weight_bytes").asDouble() / fl.get("weight_bytes").asDouble());
        } else {
            r.putNull("flash_ratio_weights");
        }
        if (in.has("flash_bytes") && fl.has("flash_bytes")) {
            double i = in.get("flash_bytes").asDouble() - in.get("embedded_input_bytes").asDouble();
            double f = fl.get("flash_bytes").asDouble() - fl.get("embedded_input_bytes").asDouble();
            r.put("flash_ratio_image", i / f);
        } else {
            r.putNull("flash_ratio_image");
        }
        return ok;
    }

    private static Long count(ObjectNode side) {
        return side.has("instructions") && !side.get("instructions").isNull() ? side.get("instructions").asLong() : null;
    }

    private Path workDir(Prepared p, Target target, String kind) {
        Path d = config.work().resolve(p.model().name()).resolve(target.id()).resolve(kind);
        deleteTree(d);
        return d;
    }

    private boolean runInt(Prepared p, Target target, TargetRunner runner, ObjectNode r) {
        String id = cName(p.model().name());
        try {
            QuantOptions d = QuantOptions.defaults(quantTarget(target));
            QuantOptions o = p.model().perChannel() ? new QuantOptions(d.precision(), d.rescale(), d.activation(), true,
                    d.target()) : d;
            QuantizedModel qm = CompilePipeline.quantize(p.graph(), p.calibration(), o, Progress.NONE);
            CGenerator.Output generated;
            try {
                generated = CompilePipeline.generate(qm, CompilePipeline.genOptions(id, p.model().modelFile(), o));
            } catch (McugenException e) {
                if (e.diag() == Diag.MCG_GEN_TOO_BIG) {
                    return doesNotFit(r, e.getMessage());
                }
                throw e;
            }
            FixedPointSimulator sim = new FixedPointSimulator(qm.graph());
            String inName = qm.graph().inputs().get(0).name();
            String outName = qm.graph().outputs().get(0);
            List<int[]> xs = new ArrayList<>();
            List<int[]> expected = new ArrayList<>();
            for (int i = 0; i < p.n(); i++) {
                Map<String, int[]> q = sim.quantizeInputs(p.test().sample(i));
                xs.add(q.get(inName));
                expected.add(sim.run(q, IntObserver.NONE).get(outName));
            }
            ModelPipeline.HarnessRun hr;
            try {
                hr = ModelPipeline.runHarness(runner, target, workDir(p, target, "int"), generated,
                        List.of(CompilePipeline.optionsLine(o)), xs, expected, RUN_TIMEOUT, null);
            } catch (McugenException e) {
                if (e.diag() == Diag.MCG_VERIFY_RUN_FAILED && linkerOverflow(e.getMessage())) {
                    return doesNotFit(r, "the linked image does not fit the board: " + overflowLine(e.getMessage()));
                }
                throw e;
            }
            r.put("status", "ok");
            r.put("bit_exact", true);
            r.put("samples_checked", p.n());
            r.put("streamed", hr.streamed());
            r.put("options", CompilePipeline.optionsLine(o));
            QuantType inType = sim.outputType(inName);
            r.put("embedded_input_bytes", (long) p.n() * xs.get(0).length * (inType.bits() <= 8 ? 1 : 2));
            r.put("weight_bytes", generated.view().footprint().constBytes());
            measures(r, hr.run(), p.macs());
            return true;
        } catch (McugenException | RunnerException | IOException e) {
            r.put("status", "failed");
            r.put("bit_exact", false);
            r.put("reason", e.getMessage());
            return false;
        }
    }

    private boolean runFloat(Prepared p, Target target, TargetRunner runner, ObjectNode r) {
        String id = cName(p.model().name()) + "_f32";
        try {
            FloatCGenerator.Output fo;
            try {
                fo = new FloatCGenerator().build(p.graph(), id, List.of("benchmark baseline for " + target.id()));
            } catch (McugenException e) {
                if (e.diag() == Diag.MCG_GEN_UNSUPPORTED) {
                    r.put("status", "unsupported");
                    r.put("reason", e.getMessage());
                    return false;
                }
                throw e;
            }
            r.put("weight_bytes", fo.view().weightBytes());
            var mem = target.memory();
            if (mem.isPresent()) {
                var b = mem.get();
                if (fo.view().weightBytes() > b.flashBytes()) {
                    return doesNotFit(r, String.format(Locale.ROOT, "needs at least %,d B of flash for its float weights"
                            + " (before code) but %s (QEMU board %s) has %,d B", fo.view().weightBytes(), target.id(),
                            b.board(), b.flashBytes()));
                }
                if (fo.view().ctxBytes() + b.stackBytes() > b.ramBytes()) {
                    return doesNotFit(r, String.format(Locale.ROOT, "needs %,d B of RAM (buffers %,d B + the board's"
                            + " %,d B stack) but %s has %,d B", fo.view().ctxBytes() + b.stackBytes(), fo.view().ctxBytes(),
                            b.stackBytes(), target.id(), b.ramBytes()));
                }
            }
            Path dir = workDir(p, target, "float");
            CGenerator.write(fo.files(), dir);
            Map<String, Object> hm = new LinkedHashMap<>();
            hm.put("id", id);
            hm.put("macro", id.toUpperCase(Locale.ROOT));
            hm.put("samples", String.valueOf(p.n()));
            hm.put("banner", List.of(dev.mcugen.ir.Names.cComment("model " + p.model().name() + ", target " + target.id())));
            hm.put("rows", p.floatInputs().stream().map(x -> {
                StringBuilder sb = new StringBuilder();
                for (int i = 0; i < x.length; i++) {
                    sb.append(i == 0 ? "" : ", ").append(Float.toHexString(x[i])).append('f');
                }
                return sb.toString();
            }).toList());
            Path harness = dir.resolve("harness/main.c");
            Files.createDirectories(harness.getParent());
            Files.writeString(harness, new Templates().render("float_harness.c.ftl", hm), StandardCharsets.UTF_8);
            List<Path> sources = new ArrayList<>();
            sources.add(harness);
            fo.sources().forEach(s -> sources.add(dir.resolve(s)));
            RunResult run;
            try {
                run = runner.run(target, sources, List.of(dir, dir.resolve("runtime/float")),
                        FloatCGenerator.LINK_LIBRARIES, RUN_TIMEOUT, line -> { });
            } catch (RunnerException e) {
                if (linkerOverflow(e.getMessage())) {
                    return doesNotFit(r, "the linked image does not fit the board: " + overflowLine(e.getMessage()));
                }
                throw e;
            }
            if (!run.passed()) {
                throw new RunnerException("the float harness ended " + run.status() + " (exit " + run.exitCode() + "): "
                        + ModelPipeline.tail(run.stdout() + run.stderr()));
            }
            List<float[]> got = parseFloats(run.stdout(), p.n());
            double maxDiff = 0;
            double maxRef = 0;
            for (int s = 0; s < p.n(); s++) {
                float[] want = p.floatOutputs().get(s);
                float[] have = got.get(s);
                if (have.length != want.length) {
                    throw new RunnerException("sample " + s + ": the float C printed " + have.length + " outputs, the"
                            + " interpreter has " + want.length);
                }
                for (int k = 0; k < want.length; k++) {
                    maxDiff = Math.max(maxDiff, Math.abs((double) have[k] - want[k]));
                    maxRef = Math.max(maxRef, Math.abs(want[k]));
                }
            }
            double rel = maxRef > 0 ? maxDiff / maxRef : maxDiff;
            boolean within = rel <= FLOAT_TOLERANCE;
            r.put("status", within ? "ok" : "mismatch");
            r.put("samples_checked", p.n());
            r.put("max_abs_diff", maxDiff);
            r.put("max_rel_diff", rel);
            r.put("within_tolerance", within);
            r.put("embedded_input_bytes", 4L * p.n() * p.floatInputs().get(0).length);
            measures(r, run, p.macs());
            return within;
        } catch (McugenException | RunnerException | IOException e) {
            r.put("status", "failed");
            r.put("reason", e.getMessage());
            return false;
        }
    }

    private static boolean doesNotFit(ObjectNode r, String reason) {
        r.put("status", "does_not_fit");
        r.put("reason", reason);
        return true;
    }

    private static boolean linkerOverflow(String message) {
        return message != null && (message.contains("overflowed by") || message.contains("will not fit in region"));
    }

    private static String overflowLine(String message) {
        return message.lines().filter(l -> l.contains("overflowed by") || l.contains("will not fit"))
                .map(l -> l.replaceAll("^.*?ld: ", "")).findFirst().orElse(message);
    }

    private static void measures(ObjectNode r, RunResult run, long macs) {
        Long instructions = run.instructionCounts().isEmpty() ? null : run.instructionCounts().get(0);
        if (instructions != null) {
            r.put("instructions", instructions);
            r.put("instructions_per_mac", macs > 0 ? (double) instructions / macs : null);
        } else {
            r.putNull("instructions");
            r.putNull("instructions_per_mac");
        }
        r.put("flash_bytes", run.size().flashBytes());
        r.put("ram_bytes", run.size().ramBytes());
        if (run.stackBytes().isEmpty()) {
            r.putNull("stack_bytes");
        } else {
            r.put("stack_bytes", run.stackBytes().get(0));
        }
    }

    private static List<float[]> parseFloats(String stdout, int n) {
        List<float[]> got = new ArrayList<>();
        Matcher m = ModelPipeline.OUTPUT_LINE.matcher(stdout.replace("\r", ""));
        while (m.find()) {
            String body = m.group(2).strip();
            int[] bits = body.isEmpty() ? new int[0] : Arrays.stream(body.split(" ")).mapToInt(Integer::parseInt).toArray();
            float[] y = new float[bits.length];
            for (int i = 0; i < y.length; i++) {
                y[i] = Float.intBitsToFloat(bits[i]);
            }
            got.add(y);
        }
        if (got.size() != n || !stdout.contains("done\n")) {
            throw new RunnerException("the float harness printed " + got.size() + " of " + n + " samples: "
                    + ModelPipeline.tail(stdout));
        }
        return got;
    }

    private static QuantOptions.Target quantTarget(Target t) {
        return Arrays.stream(QuantOptions.Target.values()).filter(q -> q.cliName().equals(t.id())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no quantization target for " + t.id()));
    }

    private static String cName(String name) {
        return dev.mcugen.ir.Names.cIdentifier(name);
    }

    private static String summary(ObjectNode r) {
        return "int " + side(r.get("int")) + "; float " + side(r.get("float"))
                + (r.get("speedup").isNull() ? "" : String.format(Locale.ROOT, "; speed-up %.2fx", r.get("speedup").asDouble()));
    }

    private static String side(com.fasterxml.jackson.databind.JsonNode s) {
        String status = s.path("status").asText();
        if (!status.equals("ok")) {
            return status + (s.has("reason") ? " (" + s.get("reason").asText() + ")" : "");
        }
        return (s.get("instructions").isNull() ? "n/a" : s.get("instructions").asText()) + " instructions, flash "
                + s.get("flash_bytes").asText() + " B";
    }

    // ---------------------------------------------------------------------------------------------
    // Table

    /** The table of a result (what {@link #main} prints). */
    public static String table(ObjectNode root) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"model", "target", "MACs", "int instr", "instr/MAC", "flash", "RAM", "stack",
            "float instr", "instr/MAC", "flash", "RAM", "stack", "speed-up", "weights i/f", "image i/f", "float rel diff"});
        List<String> notes = new ArrayList<>();
        for (var r : root.get("results")) {
            var in = r.get("int");
            var fl = r.get("float");
            List<String> row = new ArrayList<>(List.of(r.get("model").asText(), r.get("target").asText(),
                    String.valueOf(r.get("macs").asLong())));
            row.addAll(cells(in, notes, r));
            row.addAll(cells(fl, notes, r));
            row.add(ratio(r.get("speedup"), "%.1fx"));
            row.add(ratio(r.get("flash_ratio_weights"), "%.0f%%", 100));
            row.add(ratio(r.get("flash_ratio_image"), "%.0f%%", 100));
            row.add(fl.has("max_rel_diff") ? String.format(Locale.ROOT, "%.1e", fl.get("max_rel_diff").asDouble()) : "-");
            rows.add(row.toArray(String[]::new));
        }
        int[] w = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                w[i] = Math.max(w[i], row[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < rows.size(); k++) {
            String[] row = rows.get(k);
            for (int i = 0; i < row.length; i++) {
                String cell = i < 2 ? String.format("%-" + w[i] + "s", row[i]) : String.format("%" + w[i] + "s", row[i]);
                sb.append(i == 0 ? "" : "  ").append(cell);
            }
            sb.append('\n');
            if (k == 0) {
                sb.append("-".repeat(Arrays.stream(w).sum() + 2 * (w.length - 1))).append('\n');
            }
        }
        sb.append("int = mcugen's integer C (bit-exact with the simulator), float = float32 baseline C; flash/RAM in bytes of"
                + " the whole image; speed-up = float/int instructions; weights i/f and image i/f = integer/float flash\n");
        notes.stream().distinct().forEach(n -> sb.append(n).append('\n'));
        return sb.toString();
    }

    private static List<String> cells(com.fasterxml.jackson.databind.JsonNode s, List<String> notes,
                                      com.fasterxml.jackson.databind.JsonNode r) {
        String status = s.path("status").asText();
        if (!status.equals("ok") && !status.equals("mismatch")) {
            String label = status.equals("does_not_fit") ? "does not fit" : status;
            notes.add(r.get("model").asText() + " on " + r.get("target").asText() + ", "
                    + (s == r.get("int") ? "int" : "float") + ": " + label + ": " + s.path("reason").asText());
            return List.of(label, "", "", "", "");
        }
        return List.of(s.get("instructions").isNull() ? "n/a" : String.valueOf(s.get("instructions").asLong()),
                s.get("instructions_per_mac").isNull() ? "n/a"
                        : String.format(Locale.ROOT, "%.2f", s.get("instructions_per_mac").asDouble()),
                String.valueOf(s.get("flash_bytes").asLong()), String.valueOf(s.get("ram_bytes").asLong()),
                s.get("stack_bytes").isNull() ? "n/a" : String.valueOf(s.get("stack_bytes").asLong()));
    }

    private static String ratio(com.fasterxml.jackson.databind.JsonNode v, String fmt) {
        return ratio(v, fmt, 1);
    }

    private static String ratio(com.fasterxml.jackson.databind.JsonNode v, String fmt, double scale) {
        return v == null || v.isNull() ? "-" : String.format(Locale.ROOT, fmt, v.asDouble() * scale);
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a stale folder is overwritten file by file
        }
    }
}
