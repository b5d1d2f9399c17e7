package dev.mcugen.ir.interp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Models the project has never seen: TF.js generates a fresh set of fixture models (other widths,
 * sequence lengths, kernel sizes, drawn from a new seed each run) with its own goldens, and the
 * importer + interpreter must match them within 1e-5. Needs Node and {@code npm ci} in examples/;
 * CI installs both, so there (CI set) their absence is a failure, elsewhere the test is skipped.
 * Set {@code -Dmcugen.seed=N} to replay a failing seed.
 */
class TfjsUnseenModelsTest {
    @TempDir
    Path out;

    @Test
    void freshTfjsModelsMatchTheirGoldens() throws IOException, InterruptedException {
        Path examples = TfjsGoldenTest.examples();
        boolean ready = Files.isDirectory(examples.resolve("node_modules/@tensorflow/tfjs")) && nodeWorks();
        if (System.getenv("CI") != null) {
            assertThat(ready).as("CI must have node and examples/node_modules (npm ci in examples/)").isTrue();
        }
        assumeThat(ready).as("node and examples/node_modules are needed (cd examples && npm ci)").isTrue();

        long seed = Long.getLong("mcugen.seed", System.nanoTime() % 1_000_000_000L);
        System.out.println("TfjsUnseenModelsTest: generating models with seed " + seed + " (replay with -Dmcugen.seed=" + seed + ")");
        Process p = new ProcessBuilder("node", "gen-fixtures.js", "--seed", Long.toString(seed), "--out", out.toString())
                .directory(examples.toFile()).redirectErrorStream(true)
                .redirectOutput(out.resolveSibling(out.getFileName() + ".log").toFile()).start();
        assertThat(p.waitFor(10, TimeUnit.MINUTES)).as("gen-fixtures.js finished").isTrue();
        assertThat(p.exitValue()).as("gen-fixtures.js exit code (log beside %s)", out).isZero();

        List<Path> folders = FrameworkGoldens.modelFolders(out);
        assertThat(folders).hasSizeGreaterThan(20);
        double worst = 0;
        for (Path f : folders) {
            worst = Math.max(worst, FrameworkGoldens.check(f, "input.npy", "expected.npy"));
        }
        System.out.printf("TfjsUnseenModelsTest: %d fresh models, max |diff| vs TF.js %.3g%n", folders.size(), worst);
    }

    private static boolean nodeWorks() {
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
