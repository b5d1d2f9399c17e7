package dev.mcugen.qemu;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Symbol-table checks on a linked image ({@code nm}). */
public final class Symbols {
    private Symbols() {
    }

    /**
     * Soft-float and double helper routines: the ARM EABI names ({@code __aeabi_f*}, {@code __aeabi_d*})
     * and libgcc's generic ones ({@code __addsf3}, {@code __muldf3}, {@code __floatsisf}, {@code __fixdfsi},
     * {@code __extendsfdf2}, ...).
     */
    public static final Pattern SOFT_FLOAT = Pattern.compile(
            "__aeabi_[fd]\\w*"
                    + "|__(?:add|sub|mul|div|neg|cmp|eq|ne|lt|le|gt|ge|unord)[sdtx]f[23]"
                    + "|__(?:fix|fixuns)[sdtx]f[sdt]i"
                    + "|__float(?:un)?[sdt]i[sdtx]f"
                    + "|__(?:extend|trunc)[sdtx]f[sdtx]f2");

    /** Every symbol name in the image. */
    public static List<String> names(Target target, Path image) {
        ProcessRunner.Outcome out = ProcessRunner.run(List.of(target.nmTool(), image.toString()), null,
                Duration.ofSeconds(30));
        if (out.exitCode() != 0) {
            throw new RunnerException(target.nmTool() + " failed on " + image + ":\n" + out.stderr());
        }
        List<String> names = new ArrayList<>();
        for (String line : out.stdout().split("\n")) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length >= 2) {
                names.add(parts[parts.length - 1]);
            }
        }
        return names;
    }

    /** The soft-float / double routines linked into the image; empty for float-free code. */
    public static List<String> softFloat(Target target, Path image) {
        return names(target, image).stream().filter(n -> SOFT_FLOAT.matcher(n).matches()).sorted().toList();
    }
}
