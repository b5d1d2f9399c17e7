package dev.mcugen.qemu;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Finding the external programs a target needs. */
public final class Tools {
    /**
     * Test hook: the PATH searched instead of the environment's when set, so tests can stand for a
     * machine without QEMU or compilers whatever this one has.
     */
    public static volatile String pathOverride;

    private Tools() {
    }

    /** Whether {@code command} is an executable on the PATH. */
    public static boolean onPath(String command) {
        String path = pathOverride != null ? pathOverride : System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }

    /** The tools {@code target} needs that are not on the PATH (empty when it can run here). */
    public static List<String> missing(Target target) {
        return target.requiredTools().stream().filter(t -> !onPath(t)).toList();
    }

    /** The compiler and binutils {@code target} needs that are not on the PATH (the emulator aside). */
    public static List<String> missingBuildTools(Target target) {
        return target.buildTools().stream().filter(t -> !onPath(t)).toList();
    }
}
