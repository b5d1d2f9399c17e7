package dev.mcugen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcugen.qemu.Target;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * mcugen inside the firmware's own build: {@code examples/firmware} built through the CMake module
 * ({@code cmake/Mcugen.cmake}, configure + build with arm-none-eabi-gcc, run under qemu-system-arm)
 * prints what its Make build (through {@code make/mcugen.mk}) prints, from the same generated C. Then
 * the build reacts to its inputs as a firmware engineer expects: an unchanged rebuild runs no mcugen,
 * a merely touched model re-runs the configure step but not mcugen, a changed model (its model.json
 * and a weight file) and a changed option each regenerate the C and rebuild the image, and a failing mcugen
 * stops the build leaving the generated folder as it was. mcugen runs through a wrapper that logs each
 * call.
 */
class FirmwareCMakeIT {
    private static final Pattern PROGRAM = Pattern.compile("integer program sha256: ([0-9a-f]{64})");
    private static final Pattern MODEL_FILE = Pattern.compile("model file: model.json sha256 ([0-9a-f]{64})");

    @TempDir
    Path tmp;

    @Test
    void cmakeBuildRunsLikeTheMakeBuildAndRegeneratesOnlyWhenAnInputChanged() throws Exception {
        VerifyCommandTest.requireTools(Target.CORTEX_M4);
        FirmwareFragmentTest.requireCommand("cmake");
        Path example = CliTest.ROOT.resolve("examples/firmware");
        // The model in a folder of its own, so that the test can change it.
        Path model = tmp.resolve("har_lstm");
        Files.createDirectories(model);
        try (Stream<Path> files = Files.list(CliTest.ROOT.resolve("examples/har_lstm"))) {
            for (Path f : files.filter(f -> f.toString().endsWith(".json") || f.toString().endsWith(".bin")
                    || f.getFileName().toString().equals("calibration.npy")).collect(Collectors.toList())) {
                Files.copy(f, model.resolve(f.getFileName()));
            }
        }
        Path modelJson = model.resolve("model.json");
        Path log = tmp.resolve("mcugen-calls.log");
        Path mcugen = tmp.resolve("mcugen");
        Files.writeString(mcugen, "#!/bin/sh\necho \"$*\" >> '" + log + "'\nexec java -jar '"
                + ShadedJarIT.JAR.toAbsolutePath() + "' \"$@\"\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(mcugen, PosixFilePermissions.fromString("rwxr-xr-x"));

        // The Make build, as the README runs it.
        Path makeBuild = tmp.resolve("make");
        List<String> make = List.of("make", "-C", example.toString(), "BUILD=" + makeBuild, "MCUGEN=" + mcugen,
                "MODEL=" + modelJson);
        String makeOut = exec(concat(make, "run"), 300);
        assertThat(calls(log)).hasSize(1);
        exec(make, 60);
        assertThat(calls(log)).as("an unchanged make runs no mcugen").hasSize(1);

        // The CMake build: mcugen runs once, at configure time.
        Path build = tmp.resolve("cmake");
        exec(List.of("cmake", "-S", example.toString(), "-B", build.toString(), "-DMCUGEN_EXECUTABLE=" + mcugen,
                "-DHAR_MODEL=" + modelJson), 180);
        assertThat(calls(log)).hasSize(2);
        assertThat(calls(log).get(1)).startsWith("build " + modelJson + " --out " + build.resolve("mcugen/har"))
                .contains("--name har", "--target cortex-m4");
        String cmakeOut = exec(List.of("cmake", "--build", build.toString(), "--target", "run"), 300);
        assertThat(windows(cmakeOut)).as(cmakeOut).hasSize(9).isEqualTo(windows(makeOut));
        Path harC = build.resolve("mcugen/har/har.c");
        assertThat(Files.readString(harC)).as("the same C from both builds")
                .isEqualTo(Files.readString(makeBuild.resolve("har/har.c")));
        Path elf = build.resolve("firmware.elf");

        // Unchanged: nothing runs again.
        FileTime cTime = Files.getLastModifiedTime(harC);
        FileTime elfTime = Files.getLastModifiedTime(elf);
        exec(List.of("cmake", "--build", build.toString()), 120);
        assertThat(calls(log)).as("an unchanged rebuild runs no mcugen").hasSize(2);
        assertThat(Files.getLastModifiedTime(harC)).isEqualTo(cTime);
        assertThat(Files.getLastModifiedTime(elf)).isEqualTo(elfTime);

        // Touched, same content: the configure step re-runs, mcugen does not.
        Files.setLastModifiedTime(modelJson, FileTime.fromMillis(System.currentTimeMillis() + 2000));
        String touched = exec(List.of("cmake", "--build", build.toString()), 120);
        assertThat(touched).contains("Configuring done");
        assertThat(calls(log)).as("a touched but unchanged model is not recompiled").hasSize(2);
        assertThat(Files.getLastModifiedTime(harC)).isEqualTo(cTime);

        // A changed model: model.json (its hash is in the generated banner) and a weight file (the
        // sign of the first float32 weight): regenerated by the next build, another program, another image.
        String program = match(PROGRAM, Files.readString(harC));
        Files.writeString(modelJson, Files.readString(modelJson) + "\n", StandardCharsets.UTF_8);
        Path shard = model.resolve("group1-shard1of5.bin");
        byte[] weights = Files.readAllBytes(shard);
        weights[3] ^= (byte) 0x80;
        Files.write(shard, weights);
        exec(List.of("cmake", "--build", build.toString()), 180);
        assertThat(calls(log)).hasSize(3);
        assertThat(match(MODEL_FILE, Files.readString(harC))).isEqualTo(sha256(modelJson));
        assertThat(match(PROGRAM, Files.readString(harC))).isNotEqualTo(program);
        assertThat(Files.getLastModifiedTime(elf)).isNotEqualTo(elfTime);

        // A changed option with the model unchanged.
        exec(List.of("cmake", "-DHAR_OPTIONS=--per-channel", build.toString()), 120);
        exec(List.of("cmake", "--build", build.toString()), 180);
        assertThat(calls(log)).hasSize(4);
        assertThat(calls(log).get(3)).endsWith("--per-channel");
        assertThat(Files.readString(harC)).contains("--per-channel");

        // mcugen fails (an unknown precision): the build stops, the generated folder is as it was.
        String before = Files.readString(harC);
        Process bad = new ProcessBuilder("cmake", "-DHAR_OPTIONS=--precision;int4", build.toString())
                .redirectErrorStream(true).start();
        String badOut = new String(bad.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(bad.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(bad.exitValue()).as(badOut).isNotZero();
        assertThat(badOut).contains("MCG_CLI_USAGE", "mcugen_add_model(firmware): mcugen failed (exit 2");
        assertThat(calls(log)).hasSize(5);
        assertThat(Files.readString(harC)).isEqualTo(before);
        // Back to the options of the folder: its stamp still matches, mcugen does not run.
        exec(List.of("cmake", "-DHAR_OPTIONS=--per-channel", build.toString()), 120);
        assertThat(calls(log)).hasSize(5);

        // BOARD is passed through as --board once mcugen knows the option.
        if (exec(List.of("java", "-jar", ShadedJarIT.JAR.toAbsolutePath().toString(), "build", "--help"), 60).contains("--board")) {
            exec(List.of("cmake", "-DHAR_BOARD=nrf52840", build.toString()), 120);
            assertThat(calls(log)).hasSize(6);
            assertThat(calls(log).get(5)).contains("--board nrf52840");
        }
    }

    private static List<String> concat(List<String> a, String b) {
        List<String> out = new ArrayList<>(a);
        out.add(b);
        return out;
    }

    /** The firmware's own lines: one per window and the summary. */
    private static List<String> windows(String out) {
        return out.lines().filter(l -> l.startsWith("window ") || l.startsWith("windows matching")).collect(Collectors.toList());
    }

    private static List<String> calls(Path log) throws IOException {
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    private static String match(Pattern p, String s) {
        Matcher m = p.matcher(s);
        assertThat(m.find()).as(p.pattern()).isTrue();
        return m.group(1);
    }

    private static String sha256(Path f) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
    }

    private static String exec(List<String> cmd, int seconds) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
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
