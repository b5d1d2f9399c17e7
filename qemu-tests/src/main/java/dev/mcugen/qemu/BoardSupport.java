package dev.mcugen.qemu;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The board support folder ({@code qemu-tests/boards}): the common {@code include/board.h}, the
 * Cortex-M startup, semihosting and linker scripts, and the hosted board for host and neon.
 */
public final class BoardSupport {

    /** Every file of the board support, relative to its folder (also the jar's resource list). */
    static final List<String> FILES = List.of(
            "include/board.h",
            "common/stack_paint.h",
            "common/board_format.h",
            "cortexm/semihosting.h",
            "cortexm/startup.c",
            "cortexm/board_cortexm.c",
            "cortexm/sections.ld",
            "microbit.ld",
            "mps2-an385.ld",
            "mps2-an386.ld",
            "mps2-an500.ld",
            "mps2-an505.ld",
            "mps3-an547.ld",
            "hosted/board_hosted.c");

    private static final String RESOURCE_ROOT = "/dev/mcugen/qemu/boards/";

    private final Path root;

    private BoardSupport(Path root) {
        this.root = root;
    }

    /** Board support in a folder on disk, e.g. {@code <checkout>/qemu-tests/boards}. */
    public static BoardSupport at(Path root) {
        if (!Files.isRegularFile(root.resolve("include/board.h"))) {
            throw new RunnerException("no board support in " + root + " (include/board.h missing)");
        }
        return new BoardSupport(root.toAbsolutePath());
    }

    /** Unpacks the copy bundled in this jar into {@code dir}. */
    public static BoardSupport bundled(Path dir) {
        try {
            for (String file : FILES) {
                Path out = dir.resolve(file);
                Files.createDirectories(out.getParent());
                try (InputStream in = BoardSupport.class.getResourceAsStream(RESOURCE_ROOT + file)) {
                    if (in == null) {
                        throw new RunnerException("board support file missing from the jar: " + file);
                    }
                    Files.copy(in, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new RunnerException("cannot unpack board support into " + dir, e);
        }
        return at(dir);
    }

    public Path root() {
        return root;
    }

    public Path includeDir() {
        return root.resolve("include");
    }

    public Path cortexMDir() {
        return root.resolve("cortexm");
    }

    /** The C files linked into every program for this target. */
    public List<Path> sources(Target target) {
        return target.isCortexM()
                ? List.of(root.resolve("cortexm/startup.c"), root.resolve("cortexm/board_cortexm.c"))
                : List.of(root.resolve("hosted/board_hosted.c"));
    }

    public Path linkerScript(Target target) {
        return root.resolve(target.linkerScript()
                .orElseThrow(() -> new IllegalArgumentException(target + " has no linker script")));
    }
}
