package dev.mcugen.cli.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The compiler scaling benchmark: for each model of {@link ScalingModels}' families and sizes, runs
 * the real {@code mcugen build} (the shaded jar, a separate JVM with the default heap: no
 * {@code -Xmx}) and records its wall time and peak Java heap, then prints a markdown table, the
 * per-parameter cost and its growth between sizes, and writes JSON.
 *
 * <p>Heap is read from the JVM's own GC log ({@code -Xlog:gc,gc+heap+exit}): every collection logs
 * the heap in use before and after it ({@code 1234M->567M(6028M)}), and the exit line logs the heap in
 * use at exit. The heap in use only grows between collections, so the largest "before" value (or the
 * exit value, if larger) is the peak heap in use: what the build needed the heap to hold, garbage not
 * yet collected included. The largest "after" value is a lower bound of the peak live set.
 * Wall time is measured around the child process (JVM start included).
 *
 * <p>Usage (the script {@code qemu-tests/bench/scaling} compiles and runs this):
 * {@code ScalingBench --jar cli/target/mcugen.jar --work DIR [--json FILE] [--families dense,lstm]
 * [--sizes 1e3,1e4,...] [--big] [--big-only] [--target host]}.
 */
public final class ScalingBench {
    private static final Pattern PAUSE = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");
    private static final Pattern EXIT_USED = Pattern.compile("garbage-first heap\\s+total (\\d+)K, used (\\d+)K");

    /** One measured build. */
    record Row(String model, String family, int layers, int width, int steps, int samples, long params,
               long weightBytes, long cBytes, double seconds, double cpuSeconds, double rssMb, double peakHeapMb, double liveHeapMb, long committedHeapMb,
               int gcs, int exit) {
        double secondsPerMparam() {
            return seconds / (params / 1e6);
        }

        double cpuSecondsPerMparam() {
            return cpuSeconds / (params / 1e6);
        }

        double mbPerMparam() {
            return peakHeapMb / (params / 1e6);
        }
    }

    private ScalingBench() {
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of("cli/target/mcugen.jar");
        Path work = Path.of(System.getProperty("java.io.tmpdir"), "mcugen-scaling");
        Path json = null;
        List<String> families = List.of("dense", "lstm");
        List<Long> sizes = List.of(1_000L, 10_000L, 100_000L, 1_000_000L, 10_000_000L, 100_000_000L);
        boolean big = false;
        boolean bigOnly = false;
        boolean keep = false;
        String target = "host";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--jar" -> jar = Path.of(args[++i]);
                case "--work" -> work = Path.of(args[++i]);
                case "--json" -> json = Path.of(args[++i]);
                case "--families" -> families = List.of(args[++i].split(","));
                case "--sizes" -> sizes = Stream.of(args[++i].split(",")).map(s -> (long) Double.parseDouble(s)).toList();
                case "--big" -> big = true;
                case "--big-only" -> bigOnly = big = true;
                case "--keep" -> keep = true;
                case "--target" -> target = args[++i];
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        List<ScalingModels.Spec> specs = new ArrayList<>();
        if (!bigOnly) {
            for (String f : families) {
                // Dense: 4 layers; LSTM: 2 layers over 8 time steps. 4 calibration samples each.
                int layers = f.equals("dense") ? 4 : 2;
                for (long p : sizes) {
                    specs.add(new ScalingModels.Spec(f, layers, ScalingModels.widthFor(f, layers, p), 8, 4, 1));
                }
            }
        }
        if (big) {
            // Seed 000 §5: 10 LSTM layers of 2048 units (input 2048 features): 335.6 M parameters.
            specs.add(new ScalingModels.Spec("lstm", 10, 2048, 4, 2, 1));
        }
        Files.createDirectories(work);
        List<Row> rows = new ArrayList<>();
        for (ScalingModels.Spec s : specs) {
            Row r = measure(jar, work, s, target, keep);
            rows.add(r);
            System.err.printf(Locale.ROOT, "%-14s %,13d params  %8.2f s (CPU %.1f s)  peak heap %,8.0f MB  (exit %d)%n",
                    r.model(), r.params(), r.seconds(), r.cpuSeconds(), r.peakHeapMb(), r.exit());
        }
        String table = table(rows);
        System.out.print(table);
        if (json != null) {
            Files.writeString(json, json(rows, target));
            System.out.println("\nJSON: " + json);
        }
        if (rows.stream().anyMatch(r -> r.exit() != 0)) {
            System.exit(1);
        }
    }

    static Row measure(Path jar, Path work, ScalingModels.Spec s, String target, boolean keep) throws Exception {
        Path dir = work.resolve(s.name() + "-t" + s.steps() + "-n" + s.samples());
        Path model = dir.resolve("model");
        if (!Files.exists(model.resolve("model.json"))) {
            ScalingModels.write(s, model);
        }
        long weightBytes = 0;
        try (Stream<Path> files = Files.list(model)) {
            for (Path p : files.filter(p -> p.getFileName().toString().endsWith(".bin")).toList()) {
                weightBytes += Files.size(p);
            }
        }
        Path out = dir.resolve("out");
        deleteTree(out);
        Path gcLog = dir.resolve("gc.log");
        Files.deleteIfExists(gcLog);
        // CPU time and peak RSS by GNU time when it is there: wall time alone depends on what else
        // runs on the machine's cores.
        Path timeOut = dir.resolve("time.txt");
        Files.deleteIfExists(timeOut);
        boolean gnuTime = Files.isExecutable(Path.of("/usr/bin/time"));
        List<String> cmd = new ArrayList<>();
        if (gnuTime) {
            cmd.addAll(List.of("/usr/bin/time", "-f", "%U %S %M", "-o", timeOut.toString()));
        }
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xlog:gc,gc+heap+exit:file=" + gcLog, "-jar", jar.toString(), "build", model.resolve("model.json").toString(),
                "--target", target, "--out", out.toString(), "--no-progress"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("build.log").toFile());
        long t0 = System.nanoTime();
        int exit = pb.start().waitFor();
        double seconds = (System.nanoTime() - t0) / 1e9;
        long peak = 0;
        long live = 0;
        long max = 0;
        int gcs = 0;
        for (String line : Files.readAllLines(gcLog, StandardCharsets.UTF_8)) {
            Matcher m = PAUSE.matcher(line);
            if (line.contains("Pause") && m.find()) {
                peak = Math.max(peak, Long.parseLong(m.group(1)) << 20);
                live = Math.max(live, Long.parseLong(m.group(2)) << 20);
                max = Math.max(max, Long.parseLong(m.group(3)) << 20);
                gcs++;
            }
            Matcher e = EXIT_USED.matcher(line);
            if (e.find()) {
                peak = Math.max(peak, Long.parseLong(e.group(2)) << 10);
                max = Math.max(max, Long.parseLong(e.group(1)) << 10);
            }
        }
        double cpu = -1;
        long rssKb = -1;
        if (gnuTime && Files.exists(timeOut)) {
            List<String> lines = Files.readAllLines(timeOut);
            String[] f = lines.get(lines.size() - 1).trim().split("\\s+");
            cpu = Double.parseDouble(f[0]) + Double.parseDouble(f[1]);
            rssKb = Long.parseLong(f[2]);
        }
        Path c = out.resolve(s.name() + ".c");
        long cBytes = Files.exists(c) ? Files.size(c) : -1;
        if (!keep) {
            deleteTree(out);
        }
        return new Row(s.name(), s.family(), s.layers(), s.width(), s.steps(), s.samples(), s.params(), weightBytes, cBytes,
                seconds, cpu, rssKb / 1024.0, peak / 1048576.0, live / 1048576.0, max >> 20, gcs, exit);
    }

    static String table(List<Row> rows) {
        StringBuilder b = new StringBuilder();
        b.append("| model | params | weights MB | .c MB | build s | CPU s | peak heap MB | live heap MB | RSS MB | s / Mparam"
                + " | CPU s / Mparam | MB / Mparam | CPU s/Mparam vs previous | MB/Mparam vs previous |\n");
        b.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        Row prev = null;
        for (Row r : rows) {
            boolean same = prev != null && prev.family().equals(r.family()) && prev.layers() == r.layers();
            b.append(String.format(Locale.ROOT, "| %s%s | %,d | %.1f | %s | %.1f | %.1f | %,.0f | %,.0f | %,.0f | %.3f | %.3f | %.1f | %s | %s |%n",
                    r.model(), r.exit() != 0 ? " (exit " + r.exit() + ")" : "", r.params(), r.weightBytes() / 1048576.0,
                    r.cBytes() < 0 ? "-" : String.format(Locale.ROOT, "%.1f", r.cBytes() / 1048576.0), r.seconds(),
                    r.cpuSeconds(), r.peakHeapMb(), r.liveHeapMb(), r.rssMb(), r.secondsPerMparam(), r.cpuSecondsPerMparam(),
                    r.mbPerMparam(),
                    same ? String.format(Locale.ROOT, "x%.2f", r.cpuSecondsPerMparam() / prev.cpuSecondsPerMparam()) : "",
                    same ? String.format(Locale.ROOT, "x%.2f", r.mbPerMparam() / prev.mbPerMparam()) : ""));
            prev = r;
        }
        return b.toString();
    }

    static String json(List<Row> rows, String target) {
        StringBuilder b = new StringBuilder("{\n  \"benchmark\": \"mcugen build scaling\",\n");
        b.append("  \"target\": \"").append(target).append("\",\n");
        b.append("  \"java\": \"").append(System.getProperty("java.version")).append("\",\n");
        b.append("  \"cpus\": ").append(Runtime.getRuntime().availableProcessors()).append(",\n");
        b.append("  \"heap_method\": \"peak = max heap in use before any GC pause or at exit (-Xlog:gc,gc+heap+exit);"
                + " live = max heap in use after a GC pause\",\n");
        b.append("  \"models\": [\n");
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            b.append(String.format(Locale.ROOT, "    {\"model\": \"%s\", \"family\": \"%s\", \"layers\": %d, \"width\": %d,"
                            + " \"time_steps\": %d, \"calibration_samples\": %d, \"params\": %d, \"weight_bytes\": %d,"
                            + " \"c_bytes\": %d, \"build_seconds\": %.3f, \"cpu_seconds\": %.2f, \"rss_mb\": %.1f, \"peak_heap_mb\": %.1f, \"live_heap_mb\": %.1f,"
                            + " \"committed_heap_mb\": %d, \"gc_pauses\": %d, \"seconds_per_mparam\": %.4f,"
                            + " \"cpu_seconds_per_mparam\": %.4f, \"mb_per_mparam\": %.2f,"
                            + " \"exit\": %d}%s%n",
                    r.model(), r.family(), r.layers(), r.width(), r.steps(), r.samples(), r.params(), r.weightBytes(),
                    r.cBytes(), r.seconds(), r.cpuSeconds(), r.rssMb(), r.peakHeapMb(), r.liveHeapMb(), r.committedHeapMb(), r.gcs(), r.secondsPerMparam(),
                    r.cpuSecondsPerMparam(), r.mbPerMparam(), r.exit(), i + 1 < rows.size() ? "," : ""));
        }
        return b.append("  ]\n}\n").toString();
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(q);
            }
        }
    }
}
