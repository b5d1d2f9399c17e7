package dev.mcugen.qemu;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs programs with the compilers and QEMU installed on this machine (DESIGN §7 packages).
 *
 * <ul>
 *   <li>Cortex-M: {@code arm-none-eabi-gcc -mcpu=.. -mthumb -O2 -ffreestanding -nostartfiles} with the
 *       board's startup and linker script, then {@code qemu-system-arm -M <board> -nographic
 *       -semihosting-config enable=on,target=native -icount shift=0 -kernel image.elf}. Each
 *       {@code @mcugen ticks N} line becomes N × the board's instructions-per-tick factor.</li>
 *   <li>neon: {@code aarch64-linux-gnu-gcc -O2 -static}, run by {@code qemu-aarch64}; when the image
 *       contains {@code board_count_begin}, QEMU runs with {@code -singlestep -d exec,nochain -D trace}
 *       and the instructions executed between the begin and end markers are counted from the trace.</li>
 *   <li>host: {@code gcc -O2}, run natively.</li>
 * </ul>
 * Every run gets its own folder under the work root; the image stays there for inspection.
 */
public final class LocalQemuRunner implements TargetRunner {

    static final String MARKER = "@mcugen ";
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(2);

    private final BoardSupport boards;
    private final Path workRoot;

    /**
     * @param boards   the board support to compile with
     * @param workRoot where each run's build folder is created
     */
    public LocalQemuRunner(BoardSupport boards, Path workRoot) {
        this.boards = boards;
        this.workRoot = workRoot;
    }

    @Override
    public String description() {
        return "local QEMU (tools on this machine's PATH, no container)";
    }

    @Override
    public RunResult run(Target target, List<Path> cSources, List<Path> includeDirs, Duration timeout) {
        List<String> missing = Tools.missing(target);
        if (!missing.isEmpty()) {
            throw new RunnerException("cannot run " + target + " with " + description() + ": missing " + missing
                    + " (apt-get install qemu-system-arm qemu-user gcc-arm-none-eabi libnewlib-arm-none-eabi"
                    + " gcc-aarch64-linux-gnu libc6-dev-arm64-cross)");
        }
        Path dir;
        try {
            Files.createDirectories(workRoot);
            dir = Files.createTempDirectory(workRoot, target.id() + "-");
        } catch (IOException e) {
            throw new RunnerException("cannot create a build folder under " + workRoot, e);
        }
        Path image = dir.resolve(target.isCortexM() ? "image.elf" : "program");
        compile(target, cSources, includeDirs, image);
        RunResult.ImageSize size = size(target, image);

        boolean tracing = target.kind() == Target.Kind.LINUX_USER
                && Symbols.names(target, image).contains("board_count_begin");
        Path trace = dir.resolve("trace.log");
        Path semihosting = dir.resolve("semihosting.out");
        ProcessRunner.Outcome out = ProcessRunner.run(
                runCommand(target, image, tracing ? trace : null, semihosting), dir, timeout);
        // QEMU 7.2 sends semihosting output to stderr unless given a chardev: ours is a file.
        String programOut = target.isCortexM() ? readLenient(semihosting) : out.stdout();
        String programErr = target.isCortexM() ? out.stdout() + out.stderr() : out.stderr();

        List<Long> counts = new ArrayList<>();
        StringBuilder stdout = new StringBuilder();
        for (String line : programOut.split("(?<=\n)")) {
            if (line.startsWith(MARKER + "ticks ") && target.isCortexM()) {
                long ticks = Long.parseLong(line.substring((MARKER + "ticks ").length()).trim());
                long num = target.instructionsPerTickNumerator();
                long den = target.instructionsPerTickDenominator();
                counts.add((ticks * num + den / 2) / den);
            } else if (!line.startsWith(MARKER)) {
                stdout.append(line);
            }
        }
        if (tracing && !out.timedOut()) {
            counts.addAll(countTraced(trace));
        }
        try {
            Files.deleteIfExists(trace);
        } catch (IOException ignored) {
            // large but temporary
        }
        return new RunResult(target, status(target, out, programOut), out.exitCode(), stdout.toString(), programErr, size,
                counts, image, out.elapsed());
    }

    private static String readLenient(Path file) {
        try {
            return Files.exists(file) ? new String(Files.readAllBytes(file), StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new RunnerException("cannot read " + file, e);
        }
    }

    private static RunResult.Status status(Target target, ProcessRunner.Outcome out, String programOut) {
        if (out.timedOut()) {
            return RunResult.Status.TIMEOUT;
        }
        if (target.isCortexM() && programOut.contains("*** HardFault")) {
            return RunResult.Status.FAULT;
        }
        if (!target.isCortexM() && out.exitCode() >= 128) {
            return RunResult.Status.FAULT; // killed by a signal (128 + n), e.g. SIGSEGV
        }
        return out.exitCode() == 0 ? RunResult.Status.PASSED : RunResult.Status.FAILED;
    }

    private void compile(Target target, List<Path> cSources, List<Path> includeDirs, Path image) {
        List<String> cmd = new ArrayList<>();
        cmd.add(target.compiler());
        cmd.addAll(target.cpuFlags());
        cmd.add("-O2");
        cmd.add("-Wall");
        cmd.add("-Wextra");
        if (target.isCortexM()) {
            cmd.addAll(List.of("-ffreestanding", "-nostartfiles", "-ffunction-sections", "-fdata-sections"));
        }
        cmd.add("-I" + boards.includeDir());
        if (target.isCortexM()) {
            cmd.add("-I" + boards.cortexMDir());
        }
        for (Path inc : includeDirs) {
            cmd.add("-I" + inc.toAbsolutePath());
        }
        for (Path src : cSources) {
            cmd.add(src.toAbsolutePath().toString());
        }
        for (Path src : boards.sources(target)) {
            cmd.add(src.toString());
        }
        if (target.isCortexM()) {
            // newlib (full, not nano) is linked only for what the compiler itself may call (memcpy, memset).
            cmd.add("-L" + boards.cortexMDir());
            cmd.add("-T" + boards.linkerScript(target));
            cmd.add("-Wl,--gc-sections");
        }
        cmd.add("-o");
        cmd.add(image.toString());
        ProcessRunner.Outcome out = ProcessRunner.run(cmd, image.getParent(), BUILD_TIMEOUT);
        if (out.timedOut() || out.exitCode() != 0) {
            throw new RunnerException("build for " + target + " failed:\n" + String.join(" ", cmd) + "\n"
                    + out.stdout() + out.stderr());
        }
    }

    private static List<String> runCommand(Target target, Path image, Path trace, Path semihosting) {
        return switch (target.kind()) {
            case NATIVE -> List.of(image.toString());
            case CORTEX_M -> List.of(Target.QEMU_SYSTEM_ARM, "-M", target.board().orElseThrow(), "-nographic",
                    "-chardev", "file,id=semihosting,path=" + semihosting,
                    "-semihosting-config", "enable=on,target=native,chardev=semihosting", "-icount", "shift=0",
                    "-kernel", image.toString());
            case LINUX_USER -> trace == null
                    ? List.of(Target.QEMU_AARCH64, image.toString())
                    : List.of(Target.QEMU_AARCH64, "-singlestep", "-d", "exec,nochain", "-D", trace.toString(),
                            image.toString());
        };
    }

    private static RunResult.ImageSize size(Target target, Path image) {
        ProcessRunner.Outcome out = ProcessRunner.run(List.of(target.sizeTool(), image.toString()), null,
                Duration.ofSeconds(30));
        String[] lines = out.stdout().split("\n");
        if (out.exitCode() != 0 || lines.length < 2) {
            throw new RunnerException(target.sizeTool() + " failed on " + image + ":\n" + out.stderr());
        }
        String[] f = lines[1].trim().split("\\s+");
        return new RunResult.ImageSize(Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]));
    }

    /**
     * Counts exec-trace lines (one per instruction with {@code -singlestep}) after each entry into
     * {@code board_count_begin} up to the next entry into {@code board_count_end}. QEMU ends every
     * line with the symbol of the pc; the begin marker's own return is counted, as SysTick would.
     */
    static List<Long> countTraced(Path trace) {
        List<Long> counts = new ArrayList<>();
        if (!Files.exists(trace)) {
            return counts;
        }
        try (BufferedReader r = Files.newBufferedReader(trace, StandardCharsets.ISO_8859_1)) {
            long n = -1;
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.startsWith("Trace ")) {
                    continue;
                }
                if (line.endsWith(" board_count_begin")) {
                    if (n < 0) {
                        n = 0;
                    }
                    n++;
                } else if (line.endsWith(" board_count_end")) {
                    if (n >= 0) {
                        counts.add(n);
                        n = -1;
                    }
                } else if (n >= 0) {
                    n++;
                }
            }
        } catch (IOException e) {
            throw new RunnerException("cannot read the exec trace " + trace, e);
        }
        return counts;
    }
}
