package dev.mcugen.ir;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Files of the project's shared reference folder ({@code ../shared} beside the clone: third-party zoo
 * models with their framework-made outputs, TFLite goldens) and of Debian packages used as references
 * (ONNX's conformance tests). Read in place, never copied. Where one is absent the test is skipped
 * with a message, except under {@code CI=true}, where CI has them and their absence is a failure.
 */
public final class SharedFiles {
    private SharedFiles() {
    }

    /** {@code ../shared/zoo/<model>/<file>}, found from the working directory of any module. */
    public static Path zoo(String model, String file) {
        return require(shared().resolve("zoo").resolve(model).resolve(file), "the zoo model file");
    }

    /** {@code ../shared/<relative>}. */
    public static Path shared(String relative) {
        return require(shared().resolve(relative), "the shared reference file");
    }

    /** A file that a Debian package installs (e.g. libonnx-testdata's tests). */
    public static Path installed(String path, String debianPackage) {
        return require(Path.of(path), "'" + path + "' (apt-get install " + debianPackage + ")");
    }

    private static Path shared() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("../shared/zoo"))) {
                return d.resolve("../shared").normalize();
            }
            if (Files.isRegularFile(d.resolve("mvnw"))) {
                return d.resolve("../shared").normalize();
            }
        }
        return dir.resolve("../shared").normalize();
    }

    private static Path require(Path p, String what) {
        if (Files.exists(p)) {
            return p;
        }
        String message = what + " " + p + " is absent";
        if ("true".equals(System.getenv("CI"))) {
            throw new AssertionError(message + " (CI must have it)");
        }
        Assumptions.abort(message + "; skipped outside CI");
        return p;
    }
}
