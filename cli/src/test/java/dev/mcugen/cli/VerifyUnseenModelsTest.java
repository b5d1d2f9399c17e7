package dev.mcugen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcugen.qemu.Target;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mcugen verify} on models the project has never seen: TF.js makes them afresh
 * from a new seed each run ({@code examples/gen-fixtures.js --seed}: random widths, sequence
 * lengths and weights, plus the odd 13-input / 29-unit layers and a 120-step LSTM), and each one
 * must be bit-exact on the host at int8 and int16 (streaming checked where it has a {@code _step}),
 * and the {@code unseen_*} ones on every emulated target. Replay a seed with {@code -Dmcugen.seed=N}.
 * The verify runs are independent and run one per processor at a time. The host runs at int8 / lut
 * stand for {@link FixtureVerifyTest}'s on the committed versions of the same fixtures.
 */
class VerifyUnseenModelsTest {
    @TempDir
    Path tmp;

    /**
     * Whether the TF.js generator can run here (node with {@code examples/node_modules}); {@link
     * FixtureVerifyTest} leaves the fixtures this test regenerates to it then.
     */
    static boolean canRun() {
        return Files.isDirectory(CliTest.ROOT.resolve("examples").resolve("node_modules/@tensorflow/tfjs"));
    }

    @Test
    void freshModelsAreBitExactEverywhere() throws Exception {
        Path examples = CliTest.ROOT.resolve("examples");
        boolean ready = canRun();
        if (System.getenv("CI") != null) {
            assertThat(ready).as("CI must have examples/node_modules (npm ci in examples/)").isTrue();
        }
        Assumptions.assumeTrue(ready, "node and examples/node_modules are needed (cd examples && npm ci)");
        long seed = Long.getLong("mcugen.seed", System.nanoTime() % 1_000_000_000L);
        System.out.println("VerifyUnseenModelsTest: seed " + seed + " (replay with -Dmcugen.seed=" + seed + ")");
        Path models = tmp.resolve("models");
        Process p = new ProcessBuilder("node", "gen-fixtures.js", "--seed", Long.toString(seed), "--out", models.toString())
                .directory(examples.toFile()).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("gen.log").toFile()).start();
        assertThat(p.waitFor(10, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(tmp.resolve("gen.log"))).isZero();

        List<Path> fresh = new ArrayList<>();
        try (Stream<Path> s = Files.list(models)) {
            // every model, those with several inputs too (one --data per input)
            s.filter(d -> Files.exists(d.resolve("model.json"))).sorted().forEach(fresh::add);
        }
        assertThat(fresh).hasSizeGreaterThan(80);
        assertThat(fresh.stream().filter(d -> d.getFileName().toString().matches(".*(lstm|gru|simplernn|rnn).*")))
                .hasSizeGreaterThan(25);
        // The verify runs are independent (each its own --out): one per processor at a time, in order of submission.
        List<Callable<Void>> runs = new ArrayList<>();
        for (Path d : fresh) {
            boolean unseen = d.getFileName().toString().startsWith("unseen_");
            List<String[]> configs = new ArrayList<>();
            configs.add(new String[] {"host", "int8", "lut"});
            configs.add(new String[] {"host", "int16", "poly"});
            if (unseen) {
                configs.add(new String[] {"cortex-m0", "int8", "poly"});
                configs.add(new String[] {"cortex-m3", "int16", "lut"});
                configs.add(new String[] {"cortex-m4", "int8", "lut"});
                configs.add(new String[] {"cortex-m7", "int16", "poly"});
                configs.add(new String[] {"cortex-m33", "int8", "lut"});
                configs.add(new String[] {"cortex-m55", "int16", "poly"});
                configs.add(new String[] {"neon", "int8", "poly"});
            }
            for (String[] c : configs) {
                Target t = Target.fromId(c[0]);
                VerifyCommandTest.requireTools(t);
                runs.add(() -> {
                    verify(d, t, c[1], c[2], seed);
                    return null;
                });
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors());
        try {
            for (Future<Void> f : pool.invokeAll(runs)) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    // the run's own assertion error (seed, model, target, output), as if it ran on this thread
                    if (e.getCause() instanceof Error err) {
                        throw err;
                    }
                    throw e;
                }
            }
        } finally {
            pool.shutdownNow();
        }
        System.out.printf("VerifyUnseenModelsTest: %d models, %d verify runs, all bit-exact%n", fresh.size(), runs.size());
    }

    private void verify(Path model, Target t, String precision, String activation, long seed) throws IOException {
        Path out = tmp.resolve("out-" + model.getFileName() + "-" + t.id() + "-" + precision);
        List<String> args = new ArrayList<>(List.of("verify", model.resolve("model.json").toString(), "--target", t.id(),
                "--precision", precision, "--activation", activation,
                "--samples", t == Target.NEON ? "1" : "3", "--out", out.toString(), "--no-progress"));
        args.addAll(FixtureVerifyTest.dataArgs(model));
        CliTest.Result r = CliTest.run(args.toArray(String[]::new));
        assertThat(r.code()).as("seed %d, %s on %s %s %s%nstdout %s%nstderr %s", seed, model.getFileName(), t.id(),
                precision, activation, r.out(), r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(Files.readString(out.resolve("report.json")));
        assertThat(j.get("bit_exact").asBoolean()).isTrue();
        if (j.at("/streaming/has_step").asBoolean()) {
            assertThat(j.at("/streaming/samples_checked").asInt()).isEqualTo(j.get("samples").asInt());
        }
    }
}
