package dev.mcugen.gen;

import dev.mcugen.ir.Activation;
import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.GraphBuilder;
import dev.mcugen.ir.ModelLoader;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Padding;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.interp.FloatInterpreter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The float C baseline of the data-movement ops and the transposed convolution (mcf_pad_f32,
 * mcf_upsample_f32, mcf_transpose_f32, mcf_transpose_conv_f32) against the float interpreter: a
 * hand-made graph of every op and the TF.js fixtures the baseline can run (it has no Conv2D).
 */
class FloatCShapeOpsTest {
    static Graph everyOp() {
        Random r = new Random(7);
        GraphBuilder b = new GraphBuilder("shape_ops").input("x", Shape.of(4, 5, 3));
        b.add("pad", new Op.ZeroPadding(List.of(1, 0, 2, 1)), List.of("x"), Map.of());
        b.add("up", new Op.UpSampling(List.of(2, 1)), List.of("pad"), Map.of());
        b.add("crop", new Op.Cropping(List.of(1, 2, 0, 3)), List.of("up"), Map.of());
        b.add("tconv", new Op.ConvTranspose(4, List.of(3, 2), List.of(2, 2), Padding.SAME, List.of(), Activation.RELU,
                true), List.of("crop"), Map.of("kernel", random(r, Shape.of(3, 2, 4, 3)), "bias", random(r, Shape.of(4))));
        b.add("perm", new Op.Permute(List.of(3, 1, 2)), List.of("tconv"), Map.of());
        b.add("flat", new Op.Flatten(), List.of("perm"), Map.of());
        int flat = b.shapeOf("flat").size();
        b.add("dense", new Op.Dense(6, Activation.LINEAR, true), List.of("flat"), Map.of("kernel",
                random(r, Shape.of(flat, 6)), "bias", random(r, Shape.of(6))));
        b.add("rep", new Op.RepeatVector(3), List.of("dense"), Map.of());
        b.add("tconv1d", new Op.ConvTranspose(2, List.of(3), List.of(2), Padding.VALID, List.of(1), Activation.TANH,
                false), List.of("rep"), Map.of("kernel", random(r, Shape.of(3, 2, 6))));
        b.add("pad1d", new Op.ZeroPadding(List.of(2, 1)), List.of("tconv1d"), Map.of());
        return b.output("pad1d").build();
    }

    private static FloatTensor random(Random r, Shape s) {
        float[] v = new float[s.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextGaussian() * 0.3);
        }
        return FloatTensor.of(s, v);
    }

    private static void check(Graph g, String id, Path dir, int samples) throws Exception {
        HostC.requireGcc();
        Shape in = g.inputs().get(0).shape();
        Random r = new Random(11);
        FloatCGenerator.Output out = new FloatCGenerator().build(g, id, List.of("test"));
        FloatInterpreter fl = new FloatInterpreter(g);
        List<float[]> inputs = new ArrayList<>();
        List<float[]> want = new ArrayList<>();
        for (int s = 0; s < samples; s++) {
            FloatTensor x = random(r, in);
            inputs.add(x.toArray());
            want.add(fl.run(Map.of(g.inputs().get(0).name(), x)).get(g.outputs().get(0)).toArray());
        }
        List<float[]> got = FloatCGeneratorTest.run(dir, id, out, inputs);
        double maxDiff = 0;
        double maxRef = 0;
        for (int s = 0; s < samples; s++) {
            assertThat(got.get(s)).hasSameSizeAs(want.get(s));
            for (int k = 0; k < want.get(s).length; k++) {
                maxDiff = Math.max(maxDiff, Math.abs(got.get(s)[k] - want.get(s)[k]));
                maxRef = Math.max(maxRef, Math.abs(want.get(s)[k]));
            }
        }
        assertThat(maxRef).as("the outputs are not all zero").isGreaterThan(0);
        assertThat(maxDiff / maxRef).as(id + ": max |C - Java| relative to max |Java| (max diff " + maxDiff + ")")
                .isLessThanOrEqualTo(FloatCGeneratorTest.TOLERANCE);
    }

    @Test
    void everyOpMatchesTheFloatInterpreter(@TempDir Path dir) throws Exception {
        check(everyOp(), "shape_ops", dir, 3);
    }

    @ParameterizedTest
    @ValueSource(strings = {"repeat_vector", "permute_2d", "conv2d_transpose_s1_valid", "conv2d_transpose_s2_same",
        "conv2d_transpose_s2_k1"})
    void tfjsFixturesMatchTheFloatInterpreter(String name, @TempDir Path dir) throws Exception {
        Path file = FloatCGeneratorTest.root().resolve("ir/src/test/resources/tfjs").resolve(name).resolve("model.json");
        check(ModelLoader.load(file), "fixture", dir, 2);
    }
}
