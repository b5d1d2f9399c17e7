package dev.mcugen.gen;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcugen.ir.Graph;
import dev.mcugen.ir.ModelLoader;
import dev.mcugen.ir.calib.CalibrationResult;
import dev.mcugen.ir.calib.Calibrator;
import dev.mcugen.ir.data.InputData;
import dev.mcugen.ir.interp.Progress;
import dev.mcugen.scale.QuantOptions;
import dev.mcugen.scale.QuantOptions.Target;
import dev.mcugen.scale.QuantizedModel;
import dev.mcugen.scale.Quantizer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The generated folder holds the runtime files the model needs and no other, checked by the
 * target's own compiler rather than by the generator's reading of the runtime: every object's
 * undefined symbols are defined by another object of the folder (or are the C library's), every
 * runtime object defines something another one uses, and the headers copied are exactly the ones
 * the compiler opens ({@code -M}).
 */
class RuntimeFilesTest {
    /** Each target's compiler and flags (the boards' {@code -mcpu}), with its {@code nm}. */
    static final Map<Target, List<String>> COMPILERS = new LinkedHashMap<>();

    static {
        COMPILERS.put(Target.HOST, List.of("gcc"));
        COMPILERS.put(Target.CORTEX_M0, List.of("arm-none-eabi-gcc", "-mcpu=cortex-m0", "-mthumb"));
        COMPILERS.put(Target.CORTEX_M3, List.of("arm-none-eabi-gcc", "-mcpu=cortex-m3", "-mthumb"));
        COMPILERS.put(Target.CORTEX_M4, List.of("arm-none-eabi-gcc", "-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=soft"));
        COMPILERS.put(Target.CORTEX_M7, List.of("arm-none-eabi-gcc", "-mcpu=cortex-m7", "-mthumb"));
        COMPILERS.put(Target.CORTEX_M33, List.of("arm-none-eabi-gcc", "-mcpu=cortex-m33", "-mthumb", "-mfloat-abi=soft"));
        COMPILERS.put(Target.CORTEX_M55, List.of("arm-none-eabi-gcc", "-mcpu=cortex-m55", "-mthumb", "-mfloat-abi=soft"));
        COMPILERS.put(Target.NEON, List.of("aarch64-linux-gnu-gcc"));
    }

    /** Symbols the C library or the compiler's support library provides. */
    private static boolean libc(String sym) {
        return Set.of("memcpy", "memset", "memmove").contains(sym) || sym.startsWith("__");
    }

    static QuantizedModel quantize(String example, Target target) throws Exception {
        return quantize(example, QuantOptions.defaults(target));
    }

    static QuantizedModel quantize(String example, QuantOptions options) throws Exception {
        Path root = Path.of(System.getProperty("mcugen.root", "..")).resolve("examples").resolve(example);
        Graph g = ModelLoader.load(root.resolve("model.json"));
        if (example.equals("gesture_conv1d")) {
            g = dev.mcugen.scale.ff.BatchNormFolding.fold(g);
        }
        CalibrationResult ranges = new Calibrator(g).calibrate(InputData.read(g, List.of(root.resolve("calibration.npy"))),
                Progress.NONE);
        return Quantizer.quantize(g, ranges, options);
    }

    @ParameterizedTest(name = "{0} on {1}")
    @CsvSource({"har_lstm, HOST", "har_lstm, CORTEX_M3", "har_lstm, NEON", "kws_gru, CORTEX_M4",
            "kws_gru, CORTEX_M0", "gesture_conv1d, CORTEX_M0"})
    void theFolderHoldsExactlyWhatTheCompilerAndLinkerNeed(String example, Target target, @TempDir Path dir) throws Exception {
        HostC.requireGcc();
        List<String> cc = COMPILERS.get(target);
        if (!onPath(cc.get(0))) {
            assertThat(System.getenv("CI")).as(cc.get(0) + " is required in CI").isNull();
            return;
        }
        QuantizedModel qm = quantize(example, target);
        SortedMap<String, byte[]> files = new CGenerator().generate(qm, new GenOptions("m", List.of()).withTarget(target));
        CGenerator.write(files, dir);

        // A readable statement of the point: an LSTM folder has no GRU, conv or other target's SIMD file.
        Set<String> names = files.keySet().stream().map(f -> f.substring(f.lastIndexOf('/') + 1)).collect(Collectors.toSet());
        if (example.equals("har_lstm")) {
            assertThat(names).contains("mcu_lstm_step_s8.c").noneMatch(n -> n.contains("gru") || n.contains("conv")
                    || n.contains("pool") || n.contains("simple_rnn"));
        }
        if (example.equals("kws_gru")) {
            assertThat(names).contains("mcu_gru_step_s8.c").noneMatch(n -> n.contains("lstm") || n.contains("conv"));
        }
        if (example.equals("gesture_conv1d")) {
            assertThat(names).contains("mcu_conv_s8.c", "mcu_conv_out_length.c")
                    .noneMatch(n -> n.contains("lstm") || n.contains("gru") || n.contains("rnn_"));
        }
        assertThat(names.contains("mcu_matvec_neon.h")).as("NEON header").isEqualTo(target == Target.NEON || target == Target.HOST);
        assertThat(names.contains("mcu_matvec_dsp.h")).as("DSP header").isEqualTo(target == Target.CORTEX_M4);
        assertThat(names.contains("mcu_matvec_m3.h")).as("Cortex-M3 header").isEqualTo(target == Target.CORTEX_M3);
        assertThat(names.contains("mcu_matvec_v6m.h")).as("Cortex-M0 header").isEqualTo(target == Target.CORTEX_M0);

        // Compile every C file with the target's compiler, recording the headers it opens.
        List<String> cfiles = files.keySet().stream().filter(f -> f.endsWith(".c")).toList();
        Set<String> opened = new TreeSet<>();
        Map<String, Set<String>> defined = new HashMap<>();
        Map<String, Set<String>> undefined = new HashMap<>();
        List<List<String>> compilers = new ArrayList<>(List.of(cc));
        if (target == Target.HOST && onPath("aarch64-linux-gnu-gcc")) {
            compilers.add(COMPILERS.get(Target.NEON)); // the host may be an arm64 machine
        }
        for (List<String> c : compilers) {
            String nm = c.get(0).replace("gcc", "nm");
            for (String f : cfiles) {
                Path obj = dir.resolve(f.replace('/', '_') + ".o");
                Path dep = dir.resolve(f.replace('/', '_') + ".d");
                List<String> cmd = new ArrayList<>(c);
                cmd.addAll(List.of("-std=c99", "-O2", "-Wall", "-Wextra", "-Werror", "-Wconversion", "-ffreestanding",
                        "-I" + dir, "-I" + dir.resolve("runtime/include"), "-MD", "-MF", dep.toString(), "-c",
                        dir.resolve(f).toString(), "-o", obj.toString()));
                run(cmd, dir);
                opened.addAll(headersIn(dep, dir));
                // The folder also builds with the portable paths only (a user's -DMCU_MATVEC_PORTABLE):
                // the headers that build opens must be there too (preprocessing is enough).
                List<String> portable = new ArrayList<>(c);
                portable.addAll(List.of("-std=c99", "-O2", "-DMCU_MATVEC_PORTABLE", "-DMCU_PORTABLE_ONLY", "-I" + dir,
                        "-I" + dir.resolve("runtime/include"), "-M", "-MF", dep.toString(), dir.resolve(f).toString()));
                run(portable, dir);
                opened.addAll(headersIn(dep, dir));
                if (c == cc) {
                    for (String line : run(List.of(nm, obj.toString()), dir).split("\n")) {
                        String[] parts = line.trim().split("\\s+");
                        if (parts.length == 2 && parts[0].equals("U")) {
                            undefined.computeIfAbsent(f, k -> new HashSet<>()).add(parts[1]);
                        } else if (parts.length == 3 && Character.isUpperCase(parts[1].charAt(0))) {
                            defined.computeIfAbsent(f, k -> new HashSet<>()).add(parts[2]);
                        }
                    }
                }
            }
        }
        // ... and compiled elsewhere with the portable paths only (the host's gcc here).
        for (String f : cfiles) {
            Path dep = dir.resolve(f.replace('/', '_') + ".host.d");
            run(List.of("gcc", "-std=c99", "-DMCU_MATVEC_PORTABLE", "-I" + dir, "-I" + dir.resolve("runtime/include"), "-M",
                    "-MF", dep.toString(), dir.resolve(f).toString()), dir);
            opened.addAll(headersIn(dep, dir));
        }
        Set<String> headers = files.keySet().stream().filter(f -> f.startsWith("runtime/") && f.endsWith(".h"))
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(opened).as("headers the compiler opens vs headers copied").isEqualTo(headers);

        Set<String> all = new HashSet<>();
        defined.values().forEach(all::addAll);
        undefined.forEach((f, syms) -> syms.stream().filter(s -> !libc(s))
                .forEach(s -> assertThat(all).as("%s uses %s: its file must be in the folder", f, s).contains(s)));
        for (String f : cfiles) {
            if (!f.startsWith("runtime/")) {
                continue;
            }
            Set<String> mine = defined.getOrDefault(f, Set.of());
            boolean used = undefined.entrySet().stream().anyMatch(e -> !e.getKey().equals(f)
                    && e.getValue().stream().anyMatch(mine::contains));
            assertThat(used).as("%s (defines %s) is used by another file of the folder", f, mine).isTrue();
        }

        // The build fragments list exactly the .c files written.
        String mk = new String(files.get("m.mk"), StandardCharsets.UTF_8);
        String cmake = new String(files.get("CMakeLists.txt"), StandardCharsets.UTF_8);
        for (String f : cfiles) {
            assertThat(mk).contains(f);
            assertThat(cmake).contains(f);
        }
        assertThat(mk.split("\\.c\\b", -1).length - 1).as("sources in m.mk").isEqualTo(cfiles.size());
        assertThat(cmake.split("\\.c\\b", -1).length - 1).as("sources in CMakeLists.txt").isEqualTo(cfiles.size());
    }

    /** The architecture macros each target is assumed to define are what its compiler defines. */
    @Test
    void theTargetMacroTableMatchesTheCompilers(@TempDir Path dir) throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.c"), "");
        int checked = 0;
        for (Map.Entry<Target, List<String>> e : COMPILERS.entrySet()) {
            if (!onPath(e.getValue().get(0))) {
                assertThat(System.getenv("CI")).as(e.getValue().get(0) + " is required in CI").isNull();
                continue;
            }
            List<String> cmd = new ArrayList<>(e.getValue());
            cmd.addAll(List.of("-dM", "-E", empty.toString()));
            Set<String> macros = new HashSet<>();
            for (String line : run(cmd, dir).split("\n")) {
                String[] parts = line.split("\\s+");
                if (parts.length >= 2 && parts[0].equals("#define")) {
                    macros.add(parts[1]);
                }
            }
            for (Map.Entry<String, Boolean> m : RuntimeFiles.predefined(e.getKey()).entrySet()) {
                assertThat(macros.contains(m.getKey())).as("%s defines %s", e.getKey(), m.getKey()).isEqualTo(m.getValue());
                checked++;
            }
        }
        assertThat(checked).isPositive();
    }

    @Test
    void conditionalIncludesFollowTheTarget() {
        String text = """
                #ifndef GUARD
                #define GUARD
                #include "always.h"
                #if defined(__ARM_FEATURE_DSP) && !defined(MCU_MATVEC_PORTABLE)
                #include "dsp.h"
                #define HAVE_DSP 1
                #elif defined(__ARM_ARCH_7M__)
                #include "m3.h"
                #else
                #include "other.h"
                #endif
                #ifdef __aarch64__
                #include "neon.h"
                #endif
                #endif
                """;
        assertThat(RuntimeFiles.includes(text, RuntimeFiles.predefined(Target.CORTEX_M4))).containsExactly("always.h", "dsp.h", "other.h");
        assertThat(RuntimeFiles.includes(text, RuntimeFiles.predefined(Target.CORTEX_M3))).containsExactly("always.h", "m3.h");
        assertThat(RuntimeFiles.includes(text, RuntimeFiles.predefined(Target.CORTEX_M0))).containsExactly("always.h", "other.h");
        assertThat(RuntimeFiles.includes(text, RuntimeFiles.predefined(Target.HOST))).containsExactly("always.h", "other.h", "neon.h");
        assertThat(RuntimeFiles.includes(text, RuntimeFiles.predefined(Target.NEON))).containsExactly("always.h", "other.h", "neon.h");
    }

    @Test
    void commentsAreNotUses() {
        assertThat(RuntimeFiles.stripComments("a /* mcu_x() */ b // mcu_y()\n\"/* kept */\"")).isEqualTo("a   b \n\"/* kept */\"");
        assertThat(RuntimeFiles.stripComments("c = '\"'; /* mcu_z */ d")).isEqualTo("c = '\"';   d");
    }

    /** The runtime headers a {@code -M} dependency file lists, relative to the folder. */
    private static Set<String> headersIn(Path dep, Path dir) throws Exception {
        Set<String> found = new TreeSet<>();
        String deps = Files.readString(dep).replace("\\\n", " ");
        for (String d : deps.substring(deps.indexOf(':') + 1).trim().split("\\s+")) {
            Path p = Path.of(d).toAbsolutePath().normalize();
            if (p.startsWith(dir.resolve("runtime")) && d.endsWith(".h")) {
                found.add(dir.relativize(p).toString());
            }
        }
        return found;
    }

    private static String run(List<String> cmd, Path dir) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("%s%n%s", String.join(" ", cmd), out).isZero();
        return out;
    }

    static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String d : path.split(":")) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }
}
