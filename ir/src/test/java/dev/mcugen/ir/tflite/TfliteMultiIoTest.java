package dev.mcugen.ir.tflite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.GraphInput;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.interp.FloatInterpreter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A float TFLite model with two inputs and two outputs whose {@code inputs} / {@code outputs} lists are
 * in another order than the tensors and operators: the graph keeps the lists' order, and the float
 * interpreter computes each output from the right inputs.
 */
class TfliteMultiIoTest {
    @TempDir
    Path tmp;

    @Test
    void inputsAndOutputsKeepTheOrderOfTheModelsLists() throws Exception {
        Random r = new Random(11);
        float[] wa = random(r, 4 * 3);
        float[] wc = random(r, 2 * 8);
        TfliteWriter w = new TfliteWriter();
        int a = w.activation("serving_default_a:0", 1, 3);
        int b = w.activation("serving_default_b:0", 1, 5);
        int ka = w.floats("model/head_a/MatMul", wa, 4, 3);
        int ya = w.activation("model/head_a/MatMul;model/head_a/BiasAdd", 1, 4);
        w.op(Builtin.FULLY_CONNECTED, new int[] {a, ka, -1}, new int[] {ya}, TfliteWriter.FULLY_CONNECTED_OPTIONS,
                TfliteWriter.fullyConnected(0, false));
        int c = w.activation("model/concat/concat", 1, 8);
        w.op(Builtin.CONCATENATION, new int[] {a, b}, new int[] {c}, TfliteWriter.CONCATENATION_OPTIONS,
                TfliteWriter.concatenation(1, 0));
        int kc = w.floats("model/head_c/MatMul", wc, 2, 8);
        int yc = w.activation("model/head_c/MatMul;model/head_c/BiasAdd", 1, 2);
        w.op(Builtin.FULLY_CONNECTED, new int[] {c, kc, -1}, new int[] {yc}, TfliteWriter.FULLY_CONNECTED_OPTIONS,
                TfliteWriter.fullyConnected(0, false));
        // the lists: b before a, the concatenation's head before a's
        Path p = tmp.resolve("m.tflite");
        Files.write(p, w.io(new int[] {b, a}, new int[] {yc, ya}).build());

        Graph g = TfliteImporter.load(p).graph();
        assertThat(g.inputs()).extracting(GraphInput::shape).containsExactly(Shape.of(5), Shape.of(3));
        assertThat(g.outputs()).hasSize(2);
        assertThat(g.shapes().get(g.outputs().get(0))).isEqualTo(Shape.of(2));
        assertThat(g.shapes().get(g.outputs().get(1))).isEqualTo(Shape.of(4));

        float[] xa = random(r, 3);
        float[] xb = random(r, 5);
        Map<String, FloatTensor> y = new FloatInterpreter(g).run(Map.of(g.inputs().get(0).name(), FloatTensor.of(Shape.of(5), xb),
                g.inputs().get(1).name(), FloatTensor.of(Shape.of(3), xa)));
        float[] cat = new float[8];
        System.arraycopy(xa, 0, cat, 0, 3);
        System.arraycopy(xb, 0, cat, 3, 5);
        assertClose(y.get(g.outputs().get(0)).toArray(), matVec(wc, cat, 2));
        assertClose(y.get(g.outputs().get(1)).toArray(), matVec(wa, xa, 4));
    }

    private static float[] matVec(float[] w, float[] x, int rows) {
        float[] y = new float[rows];
        for (int i = 0; i < rows; i++) {
            double s = 0;
            for (int j = 0; j < x.length; j++) {
                s += (double) w[i * x.length + j] * x[j];
            }
            y[i] = (float) s;
        }
        return y;
    }

    private static void assertClose(float[] got, float[] want) {
        assertThat(got).hasSize(want.length);
        for (int i = 0; i < got.length; i++) {
            assertThat((double) got[i]).as("element %d", i).isCloseTo(want[i], org.assertj.core.data.Offset.offset(1e-5));
        }
    }

    private static float[] random(Random r, int n) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = (float) (r.nextGaussian() * 0.5);
        }
        return f;
    }
}
