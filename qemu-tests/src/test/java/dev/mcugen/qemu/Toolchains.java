package dev.mcugen.qemu;

import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;

/** Test helpers: skip a target whose tools are missing, unless on CI (env CI set), where that fails. */
final class Toolchains {
    private Toolchains() {
    }

    static void require(Target target) {
        List<String> missing = Tools.missing(target);
        if (missing.isEmpty()) {
            return;
        }
        String message = target + " needs " + missing + " on the PATH (.ci/run installs them; Debian packages in qemu-tests/README.md)";
        if (System.getenv("CI") != null) {
            fail(message);
        }
        assumeTrue(false, message);
    }

    static Path boardsDir() {
        String root = System.getProperty("mcugen.root");
        Path base = root != null ? Path.of(root) : Path.of("..").toAbsolutePath().normalize();
        return base.resolve("qemu-tests/boards");
    }

    static Path program(String name) {
        try {
            return Path.of(Toolchains.class.getResource("programs/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("test program " + name + " missing", e);
        }
    }
}
