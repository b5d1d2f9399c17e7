package dev.mcugen.ir.fixed;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Runs {@code make -C runtime-c <target>} for the C runtime's host tests (used by {@link CRuntimeTest}
 * and, through ir's test-jar, by the scale-solver tests that write vectors from quantized layers).
 * Without gcc or make the calling test is skipped, except in CI (env {@code CI} set), where it fails.
 */
public final class CRuntimeMake {
    /** The line a host test prints when every value matched: {@code <label>: N values compared, all equal}. */
    public static final Pattern COMPARED =
            Pattern.compile("(test_\\w+(?: \\(\\w+\\))?): (\\d+) values compared, all equal");

    private CRuntimeMake() {
    }

    /** The checkout root (system property {@code mcugen.root}, else the parent of the working directory). */
    public static Path root() {
        String prop = System.getProperty("mcugen.root");
        Path root = prop != null && !prop.isBlank() ? Path.of(prop) : Path.of("").toAbsolutePath().getParent();
        return root.toAbsolutePath().normalize();
    }

    private static boolean available(String tool) {
        try {
            Process p = new ProcessBuilder(tool, "--version").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Skips the calling test when gcc or make is missing, unless CI is set (then fails it). */
    public static void requireTools() {
        List<String> missing = new ArrayList<>();
        for (String tool : new String[] {"gcc", "make"}) {
            if (!available(tool)) {
                missing.add(tool);
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        String message = "the C runtime host tests need " + String.join(" and ", missing) + " on the PATH";
        if (System.getenv("CI") != null) {
            fail(message + " (CI is set: install gcc and make, as .ci/run does)");
        }
        Assumptions.abort(message + "; skipped outside CI");
    }

    /**
     * {@code make -j<processors> -C <root>/runtime-c <args>} (the runtime's objects compile in parallel;
     * the tests themselves run one after the other in one recipe, so their lines never interleave);
     * asserts exit status 0 within {@code timeoutSeconds} and returns the combined output.
     */
    public static String make(long timeoutSeconds, String... args) throws IOException, InterruptedException {
        Path runtime = root().resolve("runtime-c");
        assertThat(runtime.resolve("Makefile")).exists();
        List<String> cmd = new ArrayList<>(List.of("make", "-j" + Runtime.getRuntime().availableProcessors(), "-C",
                runtime.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output;
        try {
            output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                fail(String.join(" ", cmd) + " did not finish in " + timeoutSeconds + " s:\n" + output);
            }
        } finally {
            p.destroyForcibly();
        }
        assertThat(p.exitValue()).as("%s exit status; output:\n%s", String.join(" ", cmd), output).isZero();
        return output;
    }

    /** The {@link #COMPARED} lines of {@code output}: label to the number of values compared. */
    public static Map<String, Long> compared(String output) {
        Map<String, Long> m = new TreeMap<>();
        Matcher matcher = COMPARED.matcher(output);
        while (matcher.find()) {
            m.put(matcher.group(1), Long.parseLong(matcher.group(2)));
        }
        return m;
    }

    /**
     * The per-kernel split a recurrent test prints after its total ({@code (mcu_x_s8 A, mcu_x_s16 B)}):
     * kernel name to the number of values compared, over every line of {@code output}.
     */
    public static Map<String, Long> comparedPerKernel(String output) {
        Map<String, Long> m = new TreeMap<>();
        Matcher matcher = Pattern.compile("(mcu_\\w+_s(?:8|16)) (\\d+)").matcher(output);
        while (matcher.find()) {
            m.merge(matcher.group(1), Long.parseLong(matcher.group(2)), Long::sum);
        }
        return m;
    }
}
