package dev.mcugen.gen;

import dev.mcugen.ir.Activation;
import dev.mcugen.ir.Diag;
import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.GraphBuilder;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.ModelLoader;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Padding;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.data.InputData;
import dev.mcugen.ir.interp.Batch;
import dev.mcugen.ir.interp.FloatInterpreter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The float baseline C ({@link FloatCGenerator}) against the Java float interpreter on the host: every
 * benchmark model and every bundled example, compiled with gcc (C99, -Wall -Wextra -Werror -Wconversion,
 * UBSan), run on the model's test.npy; both are float32, so they must agree to 1e-4 of the output's
 * magnitude (they differ only in summation order and libm's last bits).
 */
class FloatCGeneratorTest {
    static final double TOLERANCE = 1e-4;
    static final List<String> FLAGS = List.of("-std=c99", "-O2", "-Wall", "-Wextra", "-Werror", "-Wconversion",
            "-Wdouble-promotion", "-fsanitize=undefined", "-fno-sanitize-recover");

    static Path root() {
        return Path.of(System.getProperty("mcugen.root", "..")).toAbsolutePath().normalize();
    }

    static Path model(String name) {
        Path bench = root().resolve("qemu-tests/bench/models").resolve(name).resolve("model.json");
        return Files.exists(bench) ? bench : root().resolve("examples").resolve(name).resolve("model.json");
    }

    @ParameterizedTest
    @ValueSource(strings = {"fc256", "fc64", "conv1d", "lstm64", "lstm128", "gru64", "har_lstm", "kws_gru",
            "gesture_conv1d", "stacked_rnn"})
    void matchesTheFloatInterpreter(String name, @TempDir Path dir) throws Exception {
        HostC.requireGcc();
        Path file = model(name);
        Graph g = ModelLoader.load(file);
        Batch data = InputData.read(g, List.of(file.getParent().resolve("test.npy")));
        int n = Math.min(4, data.size());
        FloatCGenerator.Output out = new FloatCGenerator().build(g, "m_" + name, List.of("test"));
        assertThat(out.view().weightBytes()).isEqualTo(4 * g.parameterCount());

        FloatInterpreter fl = new FloatInterpreter(g);
        List<float[]> inputs = new ArrayList<>();
        List<float[]> want = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Map<String, FloatTensor> s = data.sample(i);
            inputs.add(s.get(g.inputs().get(0).name()).toArray());
            want.add(fl.run(s).get(g.outputs().get(0)).toArray());
        }
        List<float[]> got = run(dir, "m_" + name, out, inputs);
        assertThat(got).hasSize(n);
        double maxDiff = 0;
        double maxRef = 0;
        for (int s = 0; s < n; s++) {
            assertThat(got.get(s)).hasSameSizeAs(want.get(s));
            for (int k = 0; k < want.get(s).length; k++) {
                maxDiff = Math.max(maxDiff, Math.abs(got.get(s)[k] - want.get(s)[k]));
                maxRef = Math.max(maxRef, Math.abs(want.get(s)[k]));
            }
        }
        assertThat(maxRef).as("the outputs are not all zero").isGreaterThan(0);
        assertThat(maxDiff / maxRef).as(name + ": max |C - Java| relative to max |Java| (max diff " + maxDiff + ")")
                .isLessThanOrEqualTo(TOLERANCE);
    }

    @Test
    void refusesWhatItCannotRun() {
        GraphBuilder b = new GraphBuilder("two_d").input("x", Shape.of(8, 8, 1));
        b.add("c", new Op.Conv2D(2, 3, 3, 1, 1, 1, 1, Padding.VALID, Activation.RELU, false), List.of("x"),
                Map.of("kernel", FloatTensor.filled(Shape.of(3, 3, 1, 2), 0.5f)));
        Graph g = b.output("c").build();
        assertThatThrownBy(() -> FloatCGenerator.lower(g, "two_d", List.of()))
                .isInstanceOfSatisfying(McugenException.class, e -> assertThat(e.diag()).isEqualTo(Diag.MCG_GEN_UNSUPPORTED))
                .hasMessageContaining("layer 'c' (conv2d)");
    }

    @Test
    void literalsAreExact() {
        for (float v : new float[] {0f, -0f, 1.5f, -3.25e-7f, Float.MIN_VALUE, Float.MAX_VALUE, 0.1f}) {
            String lit = FloatCGenerator.literal(v);
            assertThat(lit).endsWith("f");
            assertThat(Float.parseFloat(lit.substring(0, lit.length() - 1))).isEqualTo(v);
        }
    }

    /** Compiles the files with a stdin/stdout harness (hex floats both ways) and runs the samples. */
    static List<float[]> run(Path dir, String id, FloatCGenerator.Output out, List<float[]> inputs) throws Exception {
        CGenerator.write(out.files(), dir);
        String up = id.toUpperCase(java.util.Locale.ROOT);
        Files.writeString(dir.resolve("harness.c"), """
                #include <stdio.h>
                #include "ID.h"

                int main(void)
                {
                    static ID_ctx_t ctx;
                    static float x[UP_INPUT_SIZE];
                    static float y[UP_OUTPUT_SIZE];
                    int n, s, i;
                    if (scanf("%d", &n) != 1) {
                        return 2;
                    }
                    for (s = 0; s < n; s++) {
                        for (i = 0; i < UP_INPUT_SIZE; i++) {
                            if (scanf("%f", &x[i]) != 1) {
                                return 3;
                            }
                        }
                        if (ID_invoke(&ctx, x, y) != 0) {
                            return 4;
                        }
                        for (i = 0; i < UP_OUTPUT_SIZE; i++) {
                            printf(i ? " %a" : "%a", (double)y[i]);
                        }
                        printf("\\n");
                    }
                    return 0;
                }
                """.replace("UP", up).replace("ID", id));
        return compileAndRun(dir, out, inputs);
    }

    /**
     * Compiles the files with {@code dir/harness.c} (reading hex floats, printing hex floats: one line of
     * outputs per sample) and runs it on {@code inputs}.
     */
    static List<float[]> compileAndRun(Path dir, FloatCGenerator.Output out, List<float[]> inputs) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add("gcc");
        cmd.addAll(FLAGS);
        cmd.addAll(List.of("-I" + dir, "-I" + dir.resolve("runtime/float"), "-o", dir.resolve("harness").toString(),
                dir.resolve("harness.c").toString()));
        for (String f : out.sources()) {
            cmd.add(dir.resolve(f).toString());
        }
        cmd.add("-lm");
        HostC.exec(cmd, null, dir);
        StringBuilder in = new StringBuilder().append(inputs.size()).append('\n');
        for (float[] x : inputs) {
            for (float v : x) {
                in.append(Float.toHexString(v)).append(' ');
            }
            in.append('\n');
        }
        String text = HostC.exec(List.of(dir.resolve("harness").toString()), in.toString(), dir);
        List<float[]> result = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (!line.isBlank()) {
                String[] parts = line.trim().split(" ");
                float[] y = new float[parts.length];
                for (int i = 0; i < y.length; i++) {
                    y[i] = (float) Double.parseDouble(parts[i]);
                }
                result.add(y);
            }
        }
        return result;
    }
}
