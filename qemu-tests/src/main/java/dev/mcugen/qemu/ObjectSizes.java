package dev.mcugen.qemu;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The size of a model's own code: its C sources (the generated {@code <id>.c} and the runtime sources
 * it calls) compiled to object files with the flags the test image is built with, one section per
 * function and per object, and each object's sections summed by kind ({@code size -A}). The figures
 * are those of the objects before linking: what the model adds to any firmware, without the harness,
 * the board support or the C library that the linked test image also holds.
 *
 * @param textBytes   code: the {@code .text*} sections
 * @param rodataBytes constants: the {@code .rodata*} sections (weights, parameters, activation tables)
 * @param dataBytes   initialized data: the {@code .data*} sections (flash and RAM)
 * @param bssBytes    zeroed data: the {@code .bss*} sections and common symbols (RAM)
 */
public record ObjectSizes(long textBytes, long rodataBytes, long dataBytes, long bssBytes) {
    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    /**
     * Compiles {@code sources} into {@code work} ({@code -c}, the target's CPU flags, {@code -O2}) and
     * sums the objects' sections ({@link #of}).
     *
     * @throws RunnerException when the compiler or the size tool fails
     */
    public static ObjectSizes measure(Target target, List<Path> sources, List<Path> includeDirs, Path work) {
        List<Path> objects = new ArrayList<>();
        for (int i = 0; i < sources.size(); i++) {
            Path obj = work.resolve("obj" + i + ".o");
            List<String> cmd = new ArrayList<>();
            cmd.add(target.compiler());
            cmd.addAll(target.cpuFlags());
            cmd.add("-O2");
            if (target.isCortexM()) {
                cmd.add("-ffreestanding");
            }
            cmd.addAll(List.of("-ffunction-sections", "-fdata-sections"));
            for (Path inc : includeDirs) {
                cmd.add("-I" + inc.toAbsolutePath());
            }
            cmd.addAll(List.of("-c", sources.get(i).toAbsolutePath().toString(), "-o", obj.toString()));
            ProcessRunner.Outcome out = ProcessRunner.run(cmd, work, TIMEOUT);
            if (out.timedOut() || out.exitCode() != 0) {
                throw new RunnerException("compiling " + sources.get(i).getFileName() + " for " + target + " failed:\n"
                        + out.stdout() + out.stderr());
            }
            objects.add(obj);
        }
        return of(target, objects);
    }

    /**
     * Sums the sections of object files already compiled (e.g. those a run linked its image from,
     * {@link RunResult#objects()}) by kind, with one call of the target's size tool.
     *
     * @throws RunnerException when the size tool fails
     */
    public static ObjectSizes of(Target target, List<Path> objects) {
        if (objects.isEmpty()) {
            return new ObjectSizes(0, 0, 0, 0);
        }
        List<String> cmd = new ArrayList<>(List.of(target.sizeTool(), "-A"));
        objects.forEach(o -> cmd.add(o.toAbsolutePath().toString()));
        ProcessRunner.Outcome size = ProcessRunner.run(cmd, null, Duration.ofSeconds(30));
        if (size.timedOut() || size.exitCode() != 0) {
            throw new RunnerException(target.sizeTool() + " failed on " + objects + ":\n" + size.stderr());
        }
        long text = 0;
        long rodata = 0;
        long data = 0;
        long bss = 0;
        // One block per object ("<file>  :", "section size addr" lines, "Total"): every section line counts.
        for (String line : size.stdout().split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 2 || !f[1].matches("\\d+")) {
                continue;
            }
            long bytes = Long.parseLong(f[1]);
            String s = f[0];
            if (s.equals(".text") || s.startsWith(".text.")) {
                text += bytes;
            } else if (s.equals(".rodata") || s.startsWith(".rodata.")) {
                rodata += bytes;
            } else if (s.equals(".data") || s.startsWith(".data.")) {
                data += bytes;
            } else if (s.equals(".bss") || s.startsWith(".bss.") || s.equals("COMMON")) {
                bss += bytes;
            }
        }
        return new ObjectSizes(text, rodata, data, bss);
    }
}
