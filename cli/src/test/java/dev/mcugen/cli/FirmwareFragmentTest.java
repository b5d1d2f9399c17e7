package dev.mcugen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcugen.qemu.BoardSupport;
import dev.mcugen.qemu.Target;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What a firmware engineer does with a generated folder: add it to a project with the CMake
 * fragment ({@code add_subdirectory} + {@code target_link_libraries}) or the Make fragment
 * ({@code include <id>.mk}, {@code $(ID_SRCS)}, {@code $(ID_CFLAGS)}) and nothing else, compile with
 * the strict flags, run. The application is the verify harness (it prints every output and
 * streams through {@code _step}); its outputs must equal the simulator's, on the host and on a
 * Cortex-M4 board under QEMU.
 */
class FirmwareFragmentTest {
    private static final Pattern Y = Pattern.compile("^y (\\d+):((?: -?\\d+)*)$", Pattern.MULTILINE);
    private static final String STRICT = "-std=c99 -O2 -Wall -Wextra -Werror -Wconversion";

    @TempDir
    Path tmp;

    @AfterEach
    void resetHook() {
        VerifyCommand.expectedHook = java.util.function.UnaryOperator.identity();
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"cmake, host", "make, host", "cmake, cortex-m4", "make, cortex-m4", "make, cortex-m33", "cmake, cortex-m55"})
    void theFragmentAloneBuildsAWorkingProgram(String tool, String targetId) throws Exception {
        Target target = Target.fromId(targetId);
        VerifyCommandTest.requireTools(target);
        requireCommand(tool);
        // The generated folder (and a harness as the application), plus the simulator's outputs.
        List<int[]> expected = new ArrayList<>();
        VerifyCommand.expectedHook = ys -> {
            expected.addAll(ys);
            return ys;
        };
        Path gen = tmp.resolve("model");
        Path har = CliTest.ROOT.resolve("examples/har_lstm");
        CliTest.Result v = CliTest.run("verify", har.toString(), "--target", targetId, "--data",
                har.resolve("test.npy").toString(), "--samples", "3", "--out", gen.toString(), "--no-progress");
        assertThat(v.code()).as(v.err()).isZero();
        Path app = tmp.resolve("app");
        Files.createDirectories(app);
        Files.move(gen.resolve("harness/main.c"), app.resolve("main.c"));
        BoardSupport boards = BoardSupport.bundled(tmp.resolve("boards"));
        String boardSources = boards.sources(target).stream().map(Path::toString).collect(Collectors.joining(" "));
        String cflags = STRICT + (target.isCortexM() ? " " + String.join(" ", target.cpuFlags()) + " -ffreestanding" : "");
        String includes = "-I" + boards.includeDir() + (target.isCortexM() ? " -I" + boards.cortexMDir() : "");
        String ldflags = target.isCortexM() ? "-nostartfiles -L" + boards.cortexMDir() + " -T" + boards.linkerScript(target)
                + " -Wl,--gc-sections" : "";
        String cc = target.compiler();
        Path exe = app.resolve("build/app");
        if (tool.equals("cmake")) {
            // The board files are the application's own; only the model comes through the fragment.
            Files.writeString(app.resolve("CMakeLists.txt"), String.join("\n",
                    "cmake_minimum_required(VERSION 3.13)",
                    "project(app C)",
                    "add_subdirectory(" + gen + " har_lstm)",
                    "target_compile_options(har_lstm PRIVATE -Wall -Wextra -Werror -Wconversion)",
                    "add_executable(app main.c " + boardSources + ")",
                    "target_include_directories(app PRIVATE " + includes.replace("-I", "") + ")",
                    "target_link_libraries(app PRIVATE har_lstm)",
                    target.isCortexM() ? "target_link_options(app PRIVATE " + ldflags + ")" : "",
                    ""), StandardCharsets.UTF_8);
            List<String> configure = new ArrayList<>(List.of("cmake", "-S", app.toString(), "-B", app.resolve("build").toString(),
                    "-DCMAKE_C_COMPILER=" + cc, "-DCMAKE_C_FLAGS=" + cflags));
            if (target.isCortexM()) {
                configure.addAll(List.of("-DCMAKE_SYSTEM_NAME=Generic", "-DCMAKE_TRY_COMPILE_TARGET_TYPE=STATIC_LIBRARY"));
            }
            exec(configure, app, 120);
            exec(List.of("cmake", "--build", app.resolve("build").toString()), app, 300);
        } else {
            Files.writeString(app.resolve("Makefile"), String.join("\n",
                    "HAR_LSTM_DIR := " + gen + "/",
                    "include $(HAR_LSTM_DIR)har_lstm.mk",
                    "CC := " + cc,
                    "CFLAGS := " + cflags + " $(HAR_LSTM_CFLAGS) " + includes,
                    "LDFLAGS := " + ldflags,
                    "build/app: main.c " + boardSources + " $(HAR_LSTM_SRCS)",
                    "\tmkdir -p build",
                    "\t$(CC) $(CFLAGS) -o $@ $^ $(LDFLAGS)",
                    ""), StandardCharsets.UTF_8);
            exec(List.of("make", "-C", app.toString()), app, 300);
        }
        assertThat(exe).exists();

        String out;
        if (target.isCortexM()) {
            Path semihosting = app.resolve("semihosting.out");
            exec(List.of(Target.QEMU_SYSTEM_ARM, "-M", target.board().orElseThrow(), "-nographic", "-chardev",
                    "file,id=sh,path=" + semihosting, "-semihosting-config", "enable=on,target=native,chardev=sh",
                    "-kernel", exe.toString()), app, 120);
            out = Files.readString(semihosting);
        } else {
            out = exec(List.of(exe.toString()), app, 60);
        }
        Matcher m = Y.matcher(out);
        List<int[]> got = new ArrayList<>();
        while (m.find()) {
            got.add(Arrays.stream(m.group(2).strip().split(" ")).mapToInt(Integer::parseInt).toArray());
        }
        assertThat(got).as(out).hasSize(3);
        for (int s = 0; s < 3; s++) {
            assertThat(got.get(s)).as("sample %d", s).containsExactly(expected.get(s));
        }
        assertThat(out).contains("stream 0: ok", "stream 1: ok", "stream 2: ok", "done");
    }

    static void requireCommand(String tool) {
        boolean present = System.getenv("PATH") != null && Arrays.stream(System.getenv("PATH").split(":"))
                .anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
        if (!present && System.getenv("CI") != null) {
            throw new AssertionError(tool + " is required in CI");
        }
        Assumptions.assumeTrue(present, tool + " missing");
    }

    private static String exec(List<String> cmd, Path dir, int seconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        byte[] bytes = p.getInputStream().readAllBytes();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + cmd);
        }
        String out = new String(bytes, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("%s%n%s", String.join(" ", cmd), out).isZero();
        return out;
    }
}
