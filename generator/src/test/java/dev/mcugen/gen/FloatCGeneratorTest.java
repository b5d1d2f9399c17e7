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
import dev.mcugen.ir.PoolKind;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.data.InputData;
import dev.mcugen.ir.interp.Batch;
import dev.mcugen.ir.interp.FloatInterpreter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
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
        Path fixture = root().resolve("ir/src/test/resources/tfjs").resolve(name).resolve("model.json");
        return Files.exists(bench) ? bench : Files.exists(fixture) ? fixture
                : root().resolve("examples").resolve(name).resolve("model.json");
    }

    @Execution(ExecutionMode.CONCURRENT) // cases one per processor, the class alone (junit-platform.properties)
    @ParameterizedTest
    @ValueSource(strings = {"fc256", "fc64", "conv1d", "lstm64", "lstm128", "gru64", "har_lstm", "kws_gru",
            "gesture_conv1d", "stacked_rnn", "kws_conv", "avgpool1d_same_p3_s2",
            // not sequential: the two directions of Bidirectional layers, merged by concat and sum
            "bidi_stacked_go_backwards", "bidi_lstm_concat_seq", "bidi_gru_sum_seq", "bidi_simple_rnn_concat_last"})
    void matchesTheFloatInterpreter(String name, @TempDir Path dir) throws Exception {
        HostC.requireGcc();
        Path file = model(name);
        Graph g = ModelLoader.load(file);
        Path test = file.getParent().resolve("test.npy");
        Batch data = InputData.read(g, List.of(Files.exists(test) ? test : file.getParent().resolve("input.npy")));
        int n = Math.min(4, data.size());
        FloatCGenerator.Output out = new FloatCGenerator().build(g, "m_" + name, List.of("test"));
        assertThat(out.view().weightBytes()).isEqualTo(4 * g.parameterCount());

        List<Map<String, FloatTensor>> samples = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            samples.add(data.sample(i));
        }
        compare(dir, "m_" + name, g, out, samples);
    }

    /** Runs the float C on the samples and holds it to the Java float interpreter ({@link #TOLERANCE}). */
    private static void compare(Path dir, String id, Graph g, FloatCGenerator.Output out,
                                List<Map<String, FloatTensor>> samples) throws Exception {
        FloatInterpreter fl = new FloatInterpreter(g);
        List<float[]> inputs = new ArrayList<>();
        List<float[]> want = new ArrayList<>();
        for (Map<String, FloatTensor> s : samples) {
            inputs.add(s.get(g.inputs().get(0).name()).toArray());
            want.add(fl.run(s).get(g.outputs().get(0)).toArray());
        }
        int n = samples.size();
        List<float[]> got = run(dir, id, out, inputs);
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
        assertThat(maxDiff / maxRef).as(id + ": max |C - Java| relative to max |Java| (max diff " + maxDiff + ")")
                .isLessThanOrEqualTo(TOLERANCE);
    }

    /** Each element-wise op with a constant per-channel operand, first or second, in a sequential model. */
    @Test
    void elementwiseOpsWithAConstantMatchTheFloatInterpreterExactly(@TempDir Path dir) throws Exception {
        HostC.requireGcc();
        java.util.Random r = new java.util.Random(5);
        GraphBuilder b = new GraphBuilder("elt").input("x", Shape.of(4, 3));
        String prev = "x";
        List<Op> ops = List.of(new Op.Subtract(0), new Op.Multiply(1), new Op.Average(1), new Op.Maximum(0),
                new Op.Minimum(1), new Op.Add(1), new Op.Subtract(1));
        for (int k = 0; k < ops.size(); k++) {
            float[] c = new float[3];
            for (int i = 0; i < 3; i++) {
                c[i] = (float) r.nextGaussian();
            }
            b.add("e" + k, ops.get(k), List.of(prev), Map.of("constant", FloatTensor.of(Shape.of(3), c)));
            prev = "e" + k;
        }
        Graph g = b.output(prev).build();
        FloatCGenerator.Output out = new FloatCGenerator().build(g, "elt", List.of("test"));
        assertThat(out.sources()).contains("runtime/float/mcf_elementwise_f32.c");
        FloatInterpreter fl = new FloatInterpreter(g);
        List<float[]> inputs = new ArrayList<>();
        List<float[]> want = new ArrayList<>();
        for (int s = 0; s < 3; s++) {
            float[] x = new float[12];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (r.nextGaussian() * 2);
            }
            inputs.add(x);
            want.add(fl.run(FloatTensor.of(Shape.of(4, 3), x)).toArray());
        }
        List<float[]> got = run(dir, "elt", out, inputs);
        for (int s = 0; s < inputs.size(); s++) {
            // one float operation per element and op in both, in the same order
            assertThat(got.get(s)).containsExactly(want.get(s));
        }
    }

    /** A depthwise layer (multiplier 2, SAME, stride 2x1, ReLU), a VALID dilated one (multiplier 1), pooling and Dense. */
    @Test
    void depthwiseConvolutionsMatchTheFloatInterpreter(@TempDir Path dir) throws Exception {
        HostC.requireGcc();
        java.util.Random r = new java.util.Random(7);
        GraphBuilder b = new GraphBuilder("dw").input("x", Shape.of(9, 7, 3));
        b.add("dw1", new Op.DepthwiseConv(2, 2, 3, 3, 2, 1, 1, 1, Padding.SAME, Activation.RELU, true), List.of("x"),
                Map.of("depthwise_kernel", random(r, Shape.of(3, 3, 3, 2)), "bias", random(r, Shape.of(6))));
        b.add("dw2", new Op.DepthwiseConv(2, 1, 2, 2, 1, 1, 2, 1, Padding.VALID, Activation.LINEAR, false), List.of("dw1"),
                Map.of("depthwise_kernel", random(r, Shape.of(2, 2, 6, 1))));
        b.add("gap", new Op.GlobalPool(PoolKind.AVG, 2), List.of("dw2"), Map.of());
        b.add("fc", new Op.Dense(4, Activation.SOFTMAX, true), List.of("gap"),
                Map.of("kernel", random(r, Shape.of(6, 4)), "bias", random(r, Shape.of(4))));
        Graph g = b.output("fc").build();
        FloatCGenerator.Output out = new FloatCGenerator().build(g, "m_dw", List.of("test"));
        FloatInterpreter fl = new FloatInterpreter(g);
        List<float[]> inputs = new ArrayList<>();
        List<float[]> want = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            FloatTensor x = random(r, Shape.of(9, 7, 3));
            inputs.add(x.toArray());
            want.add(fl.run(Map.of("x", x)).get("fc").toArray());
        }
        List<float[]> got = run(dir, "m_dw", out, inputs);
        assertThat(got).hasSize(3);
        for (int s = 0; s < 3; s++) {
            for (int k = 0; k < 4; k++) {
                assertThat((double) got.get(s)[k]).as("sample %d output %d", s, k)
                        .isCloseTo(want.get(s)[k], org.assertj.core.data.Offset.offset(TOLERANCE));
            }
        }
    }

    private static FloatTensor random(java.util.Random r, Shape s) {
        float[] v = new float[s.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return FloatTensor.of(s, v);
    }

    /** ELU, swish, hard swish, the hard sigmoids, leaky ReLU and PReLU, fused and as layers. */
    @Test
    void pointwiseActivationsMatchTheFloatInterpreter(@TempDir Path dir) throws Exception {
        HostC.requireGcc();
        java.util.Random r = new java.util.Random(3);
        GraphBuilder b = new GraphBuilder("acts").input("x", Shape.of(10, 3));
        java.util.function.BiFunction<Integer, Float, FloatTensor> rnd = (size, scale) -> {
            float[] v = new float[size];
            for (int i = 0; i < size; i++) {
                v[i] = (float) (r.nextGaussian() * scale);
            }
            return FloatTensor.of(Shape.of(size), v);
        };
        b.add("c", new Op.Conv1D(4, 3, 1, 1, Padding.SAME, Activation.SWISH, true), List.of("x"),
                Map.of("kernel", rnd.apply(36, 1f).reshape(Shape.of(3, 3, 4)), "bias", rnd.apply(4, 0.5f)));
        b.add("p", new Op.PRelu(List.of(0)), List.of("c"), Map.of("alpha", rnd.apply(4, 0.5f).reshape(Shape.of(1, 4))));
        b.add("l", new Op.LeakyRelu(-0.3f), List.of("p"), Map.of());
        b.add("e", new Op.Elu(0.5f), List.of("l"), Map.of());
        b.add("f", new Op.Flatten(), List.of("e"), Map.of());
        Activation[] acts = {Activation.ELU, Activation.HARD_SWISH, Activation.HARD_SIGMOID6, Activation.LEAKY_RELU};
        String last = "f";
        int width = 40;
        for (int k = 0; k < acts.length; k++) {
            b.add("d" + k, new Op.Dense(8, acts[k], true), List.of(last),
                    Map.of("kernel", rnd.apply(width * 8, 0.8f).reshape(Shape.of(width, 8)), "bias", rnd.apply(8, 0.5f)));
            last = "d" + k;
            width = 8;
        }
        b.add("h", new Op.HardSigmoid(1f / 6f, 0.5f), List.of(last), Map.of());
        b.add("s", new Op.Act(Activation.SWISH), List.of("h"), Map.of());
        Graph g = b.output("s").build();
        List<Map<String, FloatTensor>> samples = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            samples.add(Map.of("x", rnd.apply(30, 2f).reshape(Shape.of(10, 3))));
        }
        compare(dir, "acts", g, new FloatCGenerator().build(g, "acts", List.of("test")), samples);
    }

    @Test
    void layerNormAndEmbeddingMatchTheFloatInterpreter(@TempDir Path dir) throws Exception {
        HostC.requireGcc();
        java.util.Random r = new java.util.Random(21);
        for (Graph g : List.of(NormEmbeddingSanitizedTest.tokenModel(r), NormEmbeddingSanitizedTest.rowsModel(r))) {
            FloatCGenerator.Output out = new FloatCGenerator().build(g, "m_" + g.name(), List.of("test"));
            FloatInterpreter fl = new FloatInterpreter(g);
            Shape in = g.inputs().get(0).shape();
            List<float[]> inputs = new ArrayList<>();
            List<float[]> want = new ArrayList<>();
            for (int s = 0; s < 3; s++) {
                float[] x = new float[in.size()];
                for (int i = 0; i < x.length; i++) {
                    // token ids 0..29 (ids 0 and 29 in the first sample), or real values
                    x[i] = g.inputs().get(0).isTokenIds() ? (s == 0 ? (i % 2) * 29 : r.nextInt(30)) : (float) (3 * r.nextGaussian());
                }
                inputs.add(x);
                want.add(fl.run(Map.of(g.inputs().get(0).name(), FloatTensor.of(in, x))).get(g.outputs().get(0)).toArray());
            }
            List<float[]> got = run(dir.resolve(g.name()), "m_" + g.name(), out, inputs);
            double maxDiff = 0;
            double maxRef = 0;
            for (int s = 0; s < 3; s++) {
                for (int k = 0; k < want.get(s).length; k++) {
                    maxDiff = Math.max(maxDiff, Math.abs(got.get(s)[k] - want.get(s)[k]));
                    maxRef = Math.max(maxRef, Math.abs(want.get(s)[k]));
                }
            }
            assertThat(maxRef).isGreaterThan(0);
            assertThat(maxDiff / maxRef).as(g.name() + ": max diff " + maxDiff).isLessThanOrEqualTo(TOLERANCE);
        }
    }

    @Test
    void refusesWhatItCannotRun() {
        // an Add broadcasting a per-channel vector: mcf_add_f32 adds equal-length arrays only
        GraphBuilder b = new GraphBuilder("bcast").input("x", Shape.of(4, 3));
        b.add("g", new Op.GlobalPool(PoolKind.AVG, 1), List.of("x"), Map.of());
        b.add("a", new Op.Add(-1), List.of("x", "g"), Map.of());
        Graph g = b.output("a").build();
        assertThatThrownBy(() -> FloatCGenerator.lower(g, "bcast", List.of()))
                .isInstanceOfSatisfying(McugenException.class, e -> assertThat(e.diag()).isEqualTo(Diag.MCG_GEN_UNSUPPORTED))
                .hasMessageContaining("layer 'a' (add)");
    }

    /**
     * Conv2D (SAME with stride 2 and a non-square kernel, VALID dilated without bias), batch
     * normalization, 2-D max and average pooling (SAME windows clipped at the border), as in the
     * image models, against the float interpreter.
     */
    @Test
    void convolutions2dBatchNormAndPooling2dMatchTheFloatInterpreter(@TempDir Path dir) throws Exception {
        HostC.requireGcc();
        java.util.Random r = new java.util.Random(11);
        GraphBuilder b = new GraphBuilder("c2").input("x", Shape.of(11, 9, 3));
        b.add("c1", new Op.Conv2D(5, 3, 2, 2, 2, 1, 1, Padding.SAME, Activation.RELU, true), List.of("x"),
                Map.of("kernel", random(r, Shape.of(3, 2, 3, 5)), "bias", random(r, Shape.of(5))));
        FloatTensor var = random(r, Shape.of(5));
        float[] v = var.toArray();
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.abs(v[i]) + 0.1f;
        }
        b.add("bn", new Op.BatchNorm(0.001f), List.of("c1"), Map.of("gamma", random(r, Shape.of(5)), "beta",
                random(r, Shape.of(5)), "moving_mean", random(r, Shape.of(5)), "moving_variance",
                FloatTensor.of(Shape.of(5), v)));
        b.add("mp", new Op.Pool(PoolKind.MAX, List.of(3, 3), List.of(2, 2), Padding.SAME), List.of("bn"), Map.of());
        b.add("c2", new Op.Conv2D(4, 2, 2, 1, 1, 2, 1, Padding.VALID, Activation.LINEAR, false), List.of("mp"),
                Map.of("kernel", random(r, Shape.of(2, 2, 5, 4))));
        b.add("ap", new Op.Pool(PoolKind.AVG, List.of(2, 2), List.of(1, 1), Padding.SAME), List.of("c2"), Map.of());
        Graph g = b.output("ap").build();
        FloatCGenerator.Output out = new FloatCGenerator().build(g, "m_c2", List.of("test"));
        assertThat(out.sources()).contains("runtime/float/mcf_conv2d_f32.c", "runtime/float/mcf_batch_norm_f32.c",
                "runtime/float/mcf_pool2d_f32.c");
        List<Map<String, FloatTensor>> samples = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            samples.add(Map.of("x", random(r, Shape.of(11, 9, 3))));
        }
        compare(dir, "m_c2", g, out, samples);
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
                """.replace("ID", id).replace("UP", up)); // ID first: an upper-case id may hold "ID"
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
