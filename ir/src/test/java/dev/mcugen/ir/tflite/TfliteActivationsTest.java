package dev.mcugen.ir.tflite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcugen.ir.Activation;
import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.interp.FloatInterpreter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TFLite float LEAKY_RELU, PRELU, ELU and HARD_SWISH (files made by {@link TfliteWriter}): the ops
 * they map to, fusion into the FULLY_CONNECTED before them, and the float interpreter against the
 * TFLite reference kernels' formulas written out here in float32.
 */
class TfliteActivationsTest {
    @TempDir
    Path tmp;

    private static float[] random(Random r, int n, double std) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = (float) (r.nextGaussian() * std);
        }
        return f;
    }

    /** input [1, 6] -> FULLY_CONNECTED(4) -> {@code builtin}; the dense's kernel is returned in {@code kernel}. */
    private Graph denseThen(int builtin, int optionsType, java.util.function.ToIntFunction<com.google.flatbuffers.FlatBufferBuilder> options,
                            float[] alpha, int[] alphaShape, boolean denseIsOutputToo) throws IOException {
        Random r = new Random(11);
        TfliteWriter w = new TfliteWriter();
        int x = w.activation("serving_default_x:0", 1, 6);
        int k = w.floats("model/dense/MatMul", random(r, 24, 1.0), 4, 6);
        int d = w.activation("model/dense/MatMul;model/dense/BiasAdd", 1, 4);
        w.op(Builtin.FULLY_CONNECTED, new int[] {x, k, -1}, new int[] {d}, TfliteWriter.FULLY_CONNECTED_OPTIONS,
                TfliteWriter.fullyConnected(0, false));
        int y = w.activation("model/act/out", 1, 4);
        int[] in = alpha == null ? new int[] {d} : new int[] {d, w.floats("model/act/alpha", alpha, alphaShape)};
        w.op(builtin, in, new int[] {y}, optionsType, options);
        byte[] bytes = w.io(new int[] {x}, denseIsOutputToo ? new int[] {y, d} : new int[] {y}).build();
        Path p = tmp.resolve("m" + builtin + ".tflite");
        Files.write(p, bytes);
        return TfliteImporter.load(p).graph();
    }

    /** The model output for 50 random inputs, and the dense output (the pre-activation) beside it. */
    private static float[][] run(Graph g) {
        Random r = new Random(5);
        FloatInterpreter f = new FloatInterpreter(g);
        float[][] out = new float[50][];
        for (int s = 0; s < 50; s++) {
            out[s] = f.run(FloatTensor.of(Shape.of(6), random(r, 6, 2.0))).toArray();
        }
        return out;
    }

    @Test
    void eluAndHardSwishFuseIntoTheDense() throws IOException {
        Graph elu = denseThen(Builtin.ELU, 0, null, null, null, false);
        assertThat(elu.nodes()).hasSize(1);
        assertThat(((Op.Dense) elu.nodes().get(0).op()).activation()).isEqualTo(Activation.ELU);
        Graph hs = denseThen(Builtin.HARD_SWISH, 0, null, null, null, false);
        assertThat(((Op.Dense) hs.nodes().get(0).op()).activation()).isEqualTo(Activation.HARD_SWISH);
        // the same dense without activation gives the pre-activations the formulas start from
        Graph lin = denseThen(Builtin.ELU, 0, null, null, null, true);
        assertThat(lin.nodes()).hasSize(2);
        assertThat(lin.nodes().get(1).op()).isEqualTo(new Op.Act(Activation.ELU));
        Random r = new Random(5);
        FloatInterpreter fl = new FloatInterpreter(lin);
        FloatInterpreter fe = new FloatInterpreter(elu);
        FloatInterpreter fh = new FloatInterpreter(hs);
        for (int s = 0; s < 50; s++) {
            FloatTensor in = FloatTensor.of(Shape.of(6), random(r, 6, 2.0));
            float[] pre = fl.run(java.util.Map.of(lin.inputs().get(0).name(), in)).get(lin.outputs().get(1)).toArray();
            float[] ye = fe.run(in).toArray();
            float[] yh = fh.run(in).toArray();
            for (int i = 0; i < 4; i++) {
                float v = pre[i];
                // TFLite reference Elu: x < 0 ? expm1(x) : x; HardSwish: x * relu6(x + 3) / 6
                assertThat(ye[i]).isCloseTo(v < 0 ? (float) Math.expm1(v) : v, org.assertj.core.data.Offset.offset(Math.ulp(1f)));
                float hsRef = v * Math.min(6f, Math.max(0f, v + 3f)) / 6f;
                assertThat(yh[i]).isCloseTo(hsRef, org.assertj.core.data.Offset.offset(2 * Math.ulp(Math.abs(hsRef))));
            }
        }
        assertThat(run(elu)).isNotEmpty();
    }

    @Test
    void leakyReluKeepsItsAlphaAndIsExact() throws IOException {
        Graph g = denseThen(Builtin.LEAKY_RELU, TfliteWriter.LEAKY_RELU_OPTIONS, TfliteWriter.leakyRelu(-0.3f), null, null,
                true);
        assertThat(g.nodes().get(1).op()).isEqualTo(new Op.LeakyRelu(-0.3f));
        FloatInterpreter f = new FloatInterpreter(g);
        Random r = new Random(3);
        for (int s = 0; s < 50; s++) {
            var out = f.run(java.util.Map.of(g.inputs().get(0).name(), FloatTensor.of(Shape.of(6), random(r, 6, 2.0))));
            float[] pre = out.get(g.outputs().get(1)).toArray();
            float[] y = out.get(g.outputs().get(0)).toArray();
            for (int i = 0; i < 4; i++) {
                assertThat(y[i]).isEqualTo(pre[i] > 0 ? pre[i] : pre[i] * -0.3f); // TFLite: x > 0 ? x : x * alpha
            }
        }
    }

    @Test
    void preluAlphaBroadcastsFromTheLastAxis() throws IOException {
        float[] alpha = {0.25f, -0.5f, 0f, 1.5f};
        for (int[] shape : List.of(new int[] {4}, new int[] {1, 4})) {
            Graph g = denseThen(Builtin.PRELU, 0, null, alpha, shape, true);
            Op.PRelu p = (Op.PRelu) g.nodes().get(1).op();
            assertThat(p.sharedAxes()).isEmpty();
            assertThat(g.nodes().get(1).weight("alpha").shape()).isEqualTo(Shape.of(4));
            FloatInterpreter f = new FloatInterpreter(g);
            Random r = new Random(4);
            for (int s = 0; s < 50; s++) {
                var out = f.run(java.util.Map.of(g.inputs().get(0).name(), FloatTensor.of(Shape.of(6), random(r, 6, 2.0))));
                float[] pre = out.get(g.outputs().get(1)).toArray();
                float[] y = out.get(g.outputs().get(0)).toArray();
                for (int i = 0; i < 4; i++) {
                    assertThat(y[i]).isEqualTo(pre[i] >= 0 ? pre[i] : pre[i] * alpha[i]);
                }
            }
        }
        Graph scalar = denseThen(Builtin.PRELU, 0, null, new float[] {0.1f}, new int[] {1}, false);
        assertThat(((Op.PRelu) scalar.nodes().get(1).op()).sharedAxes()).containsExactly(0);
        assertThat(scalar.nodes().get(1).weight("alpha").shape()).isEqualTo(Shape.of(1));
    }

    @Test
    void preluAlphaThatDoesNotBroadcastIsRefused() throws IOException {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> denseThen(Builtin.PRELU, 0, null,
                new float[] {1, 2, 3}, new int[] {3}, false));
        assertThat(t).isInstanceOf(dev.mcugen.ir.McugenException.class);
        assertThat(((dev.mcugen.ir.McugenException) t).diag()).isEqualTo(dev.mcugen.ir.Diag.MCG_IMPORT_UNSUPPORTED);
        assertThat(t.getMessage()).contains("PRELU", "[3]", "does not broadcast").doesNotContain("\n");
    }
}
