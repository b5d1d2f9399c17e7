package dev.mcugen.qemu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What both runners do around the emulator: compile and link on this machine, read the image's
 * sizes, run it through an {@link Emulator}, and turn what it printed into a {@link RunResult}
 * (stdout without the board's {@code @mcugen} lines, status, instruction counts, stack figures).
 * Keeping this in one place is what makes a container run and a local run of the same program
 * give identical results.
 *
 * Each source is compiled to its own object ({@code -c -ffunction-sections -fdata-sections}), then the
 * objects are linked (objects compiled before in this JVM are reused when {@link ObjectCache} is on):
 * <ul>
 *   <li>Cortex-M: {@code arm-none-eabi-gcc -mcpu=.. -mthumb -O2 -ffreestanding}, linked with
 *       {@code -nostartfiles --gc-sections}, the board's startup and linker script, then {@code qemu-system-arm -M <board> -nographic
 *       -semihosting-config enable=on,target=native -icount shift=0 -kernel image.elf}. Each
 *       {@code @mcugen ticks N} line becomes N × the board's instructions-per-tick factor.</li>
 *   <li>neon: {@code aarch64-linux-gnu-gcc -O2 -static}, run by {@code qemu-aarch64}; when regions
 *       were counted, a traced re-run counts their instructions ({@link TraceCounter}).</li>
 *   <li>host: {@code gcc -O2 -Wl,-z,now} (no lazy binding, whose resolver would add to the measured
 *       stack), always run natively on this machine.</li>
 * </ul>
 * Every target reports one {@code @mcugen stack N} line per counted region (the board paints the
 * stack in {@code board_count_begin}, see boards/common/stack_paint.h): {@link RunResult#stackBytes()}.
 * Every run gets its own folder under the work root; the image stays there for inspection.
 */
final class RunPipeline {

    static final String MARKER = "@mcugen ";
    private static final String TICKS = MARKER + "ticks ";
    private static final String STACK = MARKER + "stack ";
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(2);

    private final BoardSupport boards;
    private final Path workRoot;
    private final Emulator emulator;

    /**
     * @param emulator where QEMU runs; native host programs always run on this machine
     */
    RunPipeline(BoardSupport boards, Path workRoot, Emulator emulator) {
        this.boards = boards;
        this.workRoot = workRoot;
        this.emulator = emulator;
    }

    Emulator emulator() {
        return emulator;
    }

    /** @param progress told every program line as it appears (null: nobody listens) */
    RunResult run(Target target, List<Path> cSources, List<Path> includeDirs, Duration timeout,
                  java.util.function.Consumer<String> progress) {
        return run(target, cSources, includeDirs, List.of(), timeout, progress);
    }

    /** @param libraries libraries to link ({@code -l<name>}, e.g. "m"), after the sources */
    RunResult run(Target target, List<Path> cSources, List<Path> includeDirs, List<String> libraries, Duration timeout,
                  java.util.function.Consumer<String> progress) {
        return run(target, target, cSources, includeDirs, libraries, timeout, progress);
    }

    /**
     * @param machine the Cortex-M target whose QEMU board (machine, link script, ticks factor) runs the
     *                program compiled for {@code target}; {@code target} itself but for a program too big
     *                for its own board
     */
    RunResult run(Target target, Target machine, List<Path> cSources, List<Path> includeDirs, List<String> libraries,
                  Duration timeout, java.util.function.Consumer<String> progress) {
        if (machine != target && !(target.isCortexM() && machine.isCortexM()
                && dev.mcugen.compiler.Core.valueOf(machine.name()).runs(target.quantTarget()))) {
            throw new IllegalArgumentException("the " + machine + " board's core cannot run " + target + " code");
        }
        Emulator em = target.kind() == Target.Kind.NATIVE ? LocalEmulator.INSTANCE : emulator;
        List<String> missing = new ArrayList<>(Tools.missingBuildTools(target));
        missing.addAll(em.missing(target));
        if (!missing.isEmpty()) {
            throw RunnerException.environment("cannot run " + target + " with " + emulator.description() + ": missing "
                    + missing + " (apt-get install qemu-system-arm qemu-user gcc-arm-none-eabi libnewlib-arm-none-eabi"
                    + " gcc-aarch64-linux-gnu libc6-dev-arm64-cross)", null);
        }
        Path dir;
        try {
            Files.createDirectories(workRoot);
            dir = Files.createTempDirectory(workRoot, target.id() + "-");
        } catch (IOException e) {
            String why = "cannot create a build folder under " + workRoot;
            throw dev.mcugen.ir.IoFailure.noSpace(e) ? RunnerException.environment(why + ": the disk is full", e)
                    : new RunnerException(why, e);
        }
        Path image = dir.resolve(target.isCortexM() ? "image.elf" : "program");
        Map<Path, Path> objects = compile(target, machine, cSources, includeDirs, libraries, image);
        RunResult.ImageSize size = size(target, image);

        Path semihosting = dir.resolve("semihosting.out");
        OutputFollower follower = progress != null && target.isCortexM() ? OutputFollower.start(semihosting, progress) : null;
        ProcessRunner.Outcome out;
        try {
            out = em.run(runCommand(machine, image, semihosting), dir, timeout, List.of(semihosting));
        } finally {
            if (follower != null) {
                follower.finish();
            }
        }
        // QEMU 7.2 sends semihosting output to stderr unless given a chardev: ours is a file.
        String programOut = target.isCortexM() ? readLenient(semihosting) : out.stdout();
        if (progress != null && !target.isCortexM()) {
            programOut.lines().filter(l -> !l.startsWith(MARKER)).forEach(progress);
        }
        String programErr = target.isCortexM() ? out.stdout() + out.stderr() : out.stderr();
        if (out.outputCapped()) {
            programErr = "killed after printing more than " + ProcessRunner.OUTPUT_CAP + " bytes; " + programErr;
        }

        List<Long> counts = new ArrayList<>();
        List<Long> stacks = new ArrayList<>();
        StringBuilder stdout = new StringBuilder();
        for (String line : programOut.split("(?<=\n)")) {
            if (line.startsWith(TICKS) && target.isCortexM()) {
                long ticks = Long.parseLong(line.substring(TICKS.length()).trim());
                long num = machine.instructionsPerTickNumerator();
                long den = machine.instructionsPerTickDenominator();
                counts.add((ticks * num + den / 2) / den);
            } else if (line.startsWith(STACK)) {
                stacks.add(Long.parseLong(line.substring(STACK.length()).trim()));
            } else if (!line.startsWith(MARKER)) {
                stdout.append(line);
            }
        }
        if (target.kind() == Target.Kind.LINUX_USER && !stacks.isEmpty() && !out.timedOut()) {
            // The traced re-run is far slower than the plain run (about 1 s per million instructions,
            // a MobileNet inference is about 10^8): it gets TRACE_SLOWDOWN times the run's timeout.
            counts.addAll(TraceCounter.countByReRun(em, image, dir, stacks.size(), timeout.multipliedBy(TRACE_SLOWDOWN)));
        }
        return new RunResult(target, status(target, out, programOut), out.exitCode(), stdout.toString(), programErr,
                size, counts, stacks, image, out.elapsed(), objects);
    }

    /** How many times the run's timeout the instruction-counting re-run on neon may take. */
    static final int TRACE_SLOWDOWN = 5;

    private static String readLenient(Path file) {
        try {
            return ProcessRunner.readTail(file, ProcessRunner.OUTPUT_CAP);
        } catch (IOException e) {
            throw new RunnerException("cannot read " + file, e);
        }
    }

    private static RunResult.Status status(Target target, ProcessRunner.Outcome out, String programOut) {
        if (out.timedOut()) {
            return RunResult.Status.TIMEOUT;
        }
        if (out.outputCapped()) {
            return RunResult.Status.FAILED;
        }
        if (target.isCortexM() && programOut.contains("*** HardFault")) {
            return RunResult.Status.FAULT;
        }
        if (!target.isCortexM() && out.exitCode() >= 128) {
            return RunResult.Status.FAULT; // killed by a signal (128 + n), e.g. SIGSEGV
        }
        return out.exitCode() == 0 ? RunResult.Status.PASSED : RunResult.Status.FAILED;
    }

    /**
     * Compiles each source to its own object file in {@code image}'s folder ({@code -c}, one section per
     * function and per object on every target), then links them into {@code image}. Returns each
     * source's object, in the order of {@code cSources} (the board's sources follow, not returned): the
     * objects the model's memory figures are read from ({@link ObjectSizes#of}), so a verify compiles
     * each source once.
     */
    private Map<Path, Path> compile(Target target, Target machine, List<Path> cSources, List<Path> includeDirs,
                                    List<String> libraries, Path image) {
        List<String> cc = new ArrayList<>();
        cc.add(target.compiler());
        cc.addAll(target.cpuFlags());
        cc.add("-O2");
        cc.add("-Wall");
        cc.add("-Wextra");
        if (target.isCortexM()) {
            cc.add("-ffreestanding");
        }
        cc.addAll(List.of("-ffunction-sections", "-fdata-sections"));
        cc.add("-I" + boards.includeDir());
        if (target.isCortexM()) {
            cc.add("-I" + boards.cortexMDir());
        }
        for (Path inc : includeDirs) {
            cc.add("-I" + inc.toAbsolutePath());
        }
        Path objDir = image.getParent().resolve("obj");
        try {
            Files.createDirectories(objDir);
        } catch (IOException e) {
            throw new RunnerException("cannot create " + objDir, e);
        }
        Map<Path, Path> objects = new LinkedHashMap<>();
        List<Path> all = new ArrayList<>(cSources);
        all.addAll(boards.sources(target));
        List<String> link = new ArrayList<>();
        link.add(target.compiler());
        link.addAll(target.cpuFlags());
        link.add("-O2");
        if (target.isCortexM()) {
            link.add("-nostartfiles");
        }
        for (int i = 0; i < all.size(); i++) {
            Path src = all.get(i);
            String base = src.getFileName().toString().replaceFirst("\\.c$", "");
            Path obj = objDir.resolve(i + "-" + base + ".o");
            // With the object cache on (tests), a unit compiled before in this JVM is copied, not compiled again.
            String key = ObjectCache.enabled() ? ObjectCache.key(cc, src, objDir.resolve(i + "-" + base + ".i"), target)
                    : null;
            if (key == null || !ObjectCache.fetch(key, obj)) {
                List<String> cmd = new ArrayList<>(cc);
                cmd.addAll(List.of("-c", src.toAbsolutePath().toString(), "-o", obj.toString()));
                run(target, cmd, image.getParent());
                if (key != null) {
                    ObjectCache.store(key, obj);
                }
            }
            if (i < cSources.size()) {
                objects.put(src, obj);
            }
            link.add(obj.toString());
        }
        if (target.isCortexM()) {
            // newlib (full, not nano) is linked only for what the compiler itself may call (memcpy, memset).
            link.add("-L" + boards.cortexMDir());
            link.add("-T" + boards.linkerScript(machine));
            link.add("-Wl,--gc-sections");
        }
        for (String lib : libraries) {
            link.add("-l" + lib);
        }
        if (target.kind() == Target.Kind.NATIVE) {
            link.add("-Wl,-z,now");
        }
        link.add("-o");
        link.add(image.toString());
        run(target, link, image.getParent());
        return objects;
    }

    private static void run(Target target, List<String> cmd, Path dir) {
        ProcessRunner.Outcome out = ProcessRunner.run(cmd, dir, BUILD_TIMEOUT);
        if (out.timedOut() || out.exitCode() != 0) {
            throw new RunnerException("build for " + target + " failed:\n" + String.join(" ", cmd) + "\n"
                    + out.stdout() + out.stderr());
        }
    }

    private static List<String> runCommand(Target target, Path image, Path semihosting) {
        return switch (target.kind()) {
            case NATIVE -> List.of(image.toString());
            case CORTEX_M -> List.of(Target.QEMU_SYSTEM_ARM, "-M", target.board().orElseThrow(), "-nographic",
                    "-chardev", "file,id=semihosting,path=" + semihosting,
                    "-semihosting-config", "enable=on,target=native,chardev=semihosting", "-icount", "shift=0",
                    "-kernel", image.toString());
            case LINUX_USER -> List.of(Target.QEMU_AARCH64, image.toString());
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
}
