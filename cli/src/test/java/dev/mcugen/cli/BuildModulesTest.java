package dev.mcugen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The build modules' own logic: {@code cmake/Mcugen.cmake} ({@code mcugen_add_model}) and
 * {@code make/mcugen.mk} ({@code mcugen_model}) pass every argument to mcugen as documented, run it
 * again exactly when an input (the model, its weight files, the calibration data, extra dependencies)
 * or an option changed, and stop the build when it fails. mcugen is a stand-in script here that logs its
 * arguments and writes a folder shaped like mcugen's (a CMakeLists.txt declaring the library, the
 * {@code <id>.mk} fragment, one C file), so that only the modules are under test and the test is fast;
 * {@code FirmwareCMakeIT} runs them with the real mcugen, compiler and QEMU.
 */
class BuildModulesTest {
    /** Writes a generated folder as mcugen does: into a temporary folder, moved into place on success. */
    private static final String STAND_IN = """
            #!/bin/sh
            echo "$*" >> "$MCUGEN_LOG"
            if [ "$(wc -l < "$MCUGEN_LOG")" -gt 50 ]; then echo "mcugen: run in a loop" >&2; exit 1; fi
            if [ -n "$MCUGEN_FAIL" ]; then echo "mcugen: refused [MCG_TEST_REFUSED]" >&2; exit 3; fi
            out=; name=standin
            while [ $# -gt 0 ]; do
              case "$1" in --out) out=$2; shift;; --name) name=$2; shift;; esac
              shift
            done
            up=$(echo "$name" | tr a-z A-Z)
            tmp="$out.partial"
            rm -rf "$tmp"; mkdir -p "$tmp"
            echo "int ${name}_answer(void) { return 42; }" > "$tmp/$name.c"
            echo "int ${name}_answer(void);" > "$tmp/$name.h"
            echo "add_library($name STATIC $name.c)" > "$tmp/CMakeLists.txt"
            echo "target_include_directories($name PUBLIC \\${CMAKE_CURRENT_LIST_DIR})" >> "$tmp/CMakeLists.txt"
            echo "${up}_DIR ?= \\$(dir \\$(lastword \\$(MAKEFILE_LIST)))" > "$tmp/$name.mk"
            echo "${up}_SRCS := \\$(${up}_DIR)$name.c" >> "$tmp/$name.mk"
            echo "${up}_CFLAGS := -I\\$(${up}_DIR)" >> "$tmp/$name.mk"
            rm -rf "$out"; mv "$tmp" "$out"
            echo "$name: written"
            """;
    private static final String MAIN = "int %1$s_answer(void);\nint main(void) { return %1$s_answer() == 42 ? 0 : 1; }\n";

    @TempDir
    Path tmp;
    Path log;
    Path mcugen;
    Path model;

    @BeforeEach
    void standIn() throws IOException {
        FirmwareFragmentTest.requireCommand("cmake");
        FirmwareFragmentTest.requireCommand("make");
        FirmwareFragmentTest.requireCommand("cc");
        log = tmp.resolve("calls.log");
        mcugen = tmp.resolve("mcugen");
        Files.writeString(mcugen, STAND_IN, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(mcugen, PosixFilePermissions.fromString("rwxr-xr-x"));
        model = tmp.resolve("model");
        Files.createDirectories(model);
        Files.writeString(model.resolve("model.json"), "{}");
        Files.write(model.resolve("weights.bin"), new byte[] {1, 2, 3});
        Files.write(model.resolve("calibration.npy"), new byte[] {4});
        Files.write(model.resolve("other.npy"), new byte[] {5});
    }

    @Test
    void cmakeModulePassesEveryArgumentAndRerunsOnlyForAChangedInput() throws Exception {
        Path app = tmp.resolve("app");
        Files.createDirectories(app);
        Files.writeString(app.resolve("main.c"), String.format(MAIN, "standin"));
        Files.write(app.resolve("extra.dat"), new byte[] {6});
        Files.writeString(app.resolve("CMakeLists.txt"), String.join("\n",
                "cmake_minimum_required(VERSION 3.13)",
                "project(app C)",
                "include(" + CliTest.ROOT.toAbsolutePath().normalize().resolve("cmake/Mcugen.cmake") + ")",
                "add_executable(app main.c)",
                "mcugen_add_model(TARGET app MODEL " + model.resolve("model.json") + " ISA cortex-m0 BOARD nrf52840",
                "    CALIBRATION " + model.resolve("other.npy") + " " + model.resolve("calibration.npy"),
                "    OPTIONS --per-channel --precision int16 DEPENDS extra.dat)",
                ""));
        Path build = tmp.resolve("build");
        exec(List.of("cmake", "-S", app.toString(), "-B", build.toString(), "-DMCUGEN_EXECUTABLE=" + mcugen), Map.of());
        Path out = build.resolve("mcugen/app_model");
        assertThat(calls()).containsExactly("build " + model.resolve("model.json") + " --out " + out + " --no-progress"
                + " --target cortex-m0 --board nrf52840 --calibration " + model.resolve("other.npy")
                + " --calibration " + model.resolve("calibration.npy") + " --per-channel --precision int16");
        exec(List.of("cmake", "--build", build.toString()), Map.of());
        assertThat(build.resolve("app")).as("linked with the library the generated folder declares").exists();

        exec(List.of("cmake", "--build", build.toString()), Map.of());
        touch(model.resolve("weights.bin"));
        exec(List.of("cmake", "--build", build.toString()), Map.of());
        assertThat(calls()).as("unchanged, then touched: no run").hasSize(1);

        int runs = 1;
        for (Path input : List.of(model.resolve("model.json"), model.resolve("weights.bin"), model.resolve("other.npy"),
                model.resolve("calibration.npy"), app.resolve("extra.dat"))) {
            Files.write(input, new byte[] {9, 9}, StandardOpenOption.APPEND);
            exec(List.of("cmake", "--build", build.toString()), Map.of());
            assertThat(calls()).as("after changing %s", input.getFileName()).hasSize(++runs);
        }

        // A failing mcugen stops the configure step naming the target; the folder stays as it was and
        // the next configure tries again.
        String c = Files.readString(out.resolve("standin.c"));
        Files.write(model.resolve("model.json"), new byte[] {' '}, StandardOpenOption.APPEND);
        String failed = execFailing(List.of("cmake", build.toString()), Map.of("MCUGEN_FAIL", "1"));
        assertThat(failed).contains("MCG_TEST_REFUSED", "mcugen_add_model(app): mcugen failed (exit 3");
        assertThat(Files.readString(out.resolve("standin.c"))).isEqualTo(c);
        exec(List.of("cmake", build.toString()), Map.of());
        assertThat(calls()).hasSize(runs + 2);
    }

    @Test
    void cmakeModuleFoundAsAPackageRefusesANameThatIsTheTarget() throws Exception {
        Path app = tmp.resolve("app");
        Files.createDirectories(app);
        Files.writeString(app.resolve("main.c"), String.format(MAIN, "app"));
        Files.writeString(app.resolve("CMakeLists.txt"), String.join("\n",
                "cmake_minimum_required(VERSION 3.13)",
                "project(app C)",
                "find_package(Mcugen CONFIG REQUIRED PATHS " + CliTest.ROOT.toAbsolutePath().normalize().resolve("cmake") + ")",
                "add_executable(app main.c)",
                "mcugen_add_model(TARGET app MODEL " + model + " NAME app)",
                ""));
        String out = execFailing(List.of("cmake", "-S", app.toString(), "-B", tmp.resolve("build").toString(),
                "-DMCUGEN_EXECUTABLE=" + mcugen), Map.of());
        assertThat(out).contains("NAME app must differ from TARGET");
        assertThat(calls()).isEmpty();
    }

    @Test
    void makeModuleRegeneratesForAChangedModelCalibrationOrOption() throws Exception {
        Path app = tmp.resolve("app");
        Files.createDirectories(app);
        Files.writeString(app.resolve("main.c"), String.format(MAIN, "kws"));
        Files.writeString(app.resolve("Makefile"), String.join("\n",
                "MCUGEN := " + mcugen,
                "MCUGEN_OUT := " + tmp.resolve("build"),
                "include " + CliTest.ROOT.toAbsolutePath().normalize().resolve("make/mcugen.mk"),
                "$(eval $(call mcugen_model,kws," + model.resolve("model.json") + ",--target cortex-m0 $(OPTS)))",
                "app: main.c $(KWS_SRCS)",
                "\tcc $(KWS_CFLAGS) -o $@ $^",
                "clean:",
                "\trm -f app",
                ""));
        List<String> make = List.of("make", "-C", app.toString());
        exec(make, Map.of());
        Path out = tmp.resolve("build/kws");
        assertThat(calls()).containsExactly("build " + model.resolve("model.json") + " --name kws --out " + out
                + " --no-progress --target cortex-m0");
        assertThat(app.resolve("app")).exists();
        exec(make, Map.of());
        exec(List.of("make", "-C", app.toString(), "clean"), Map.of());
        assertThat(calls()).as("unchanged, and clean: no run").hasSize(1);

        exec(List.of("make", "-C", app.toString(), "OPTS=--per-channel"), Map.of());
        assertThat(calls()).hasSize(2);
        assertThat(calls().get(1)).endsWith("--target cortex-m0 --per-channel");
        exec(List.of("make", "-C", app.toString(), "OPTS=--per-channel"), Map.of());
        assertThat(calls()).hasSize(2);

        int runs = 2;
        // The model, its weights beside it and mcugen's default calibration data beside it.
        for (Path input : List.of(model.resolve("model.json"), model.resolve("weights.bin"), model.resolve("calibration.npy"))) {
            touch(input);
            exec(List.of("make", "-C", app.toString(), "OPTS=--per-channel"), Map.of());
            assertThat(calls()).as("after changing %s", input.getFileName()).hasSize(++runs);
        }

        // A failing mcugen fails make; the folder stays; the next make tries again.
        touch(model.resolve("model.json"));
        String failed = execFailing(List.of("make", "-C", app.toString(), "OPTS=--per-channel"), Map.of("MCUGEN_FAIL", "1"));
        assertThat(failed).contains("MCG_TEST_REFUSED");
        assertThat(out.resolve("kws.c")).exists();
        exec(List.of("make", "-C", app.toString(), "OPTS=--per-channel"), Map.of());
        assertThat(calls()).hasSize(runs + 2);
    }

    private List<String> calls() throws IOException {
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    /** Modified now (the file systems under test keep sub-second times, as GNU Make and CMake read them). */
    private static void touch(Path f) throws IOException {
        Files.setLastModifiedTime(f, FileTime.from(Instant.now()));
    }

    private String exec(List<String> cmd, Map<String, String> env) throws Exception {
        Result r = run(cmd, env);
        assertThat(r.code).as("%s%n%s", String.join(" ", cmd), r.out).isZero();
        return r.out;
    }

    private String execFailing(List<String> cmd, Map<String, String> env) throws Exception {
        Result r = run(cmd, env);
        assertThat(r.code).as("%s%n%s", String.join(" ", cmd), r.out).isNotZero();
        return r.out;
    }

    private record Result(int code, String out) {}

    private Result run(List<String> cmd, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(cmd)).redirectErrorStream(true);
        pb.environment().put("MCUGEN_LOG", log.toString());
        pb.environment().remove("MCUGEN_FAIL");
        pb.environment().putAll(env);
        Process p = pb.start();
        byte[] bytes = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + cmd);
        }
        return new Result(p.exitValue(), new String(bytes, StandardCharsets.UTF_8));
    }
}
