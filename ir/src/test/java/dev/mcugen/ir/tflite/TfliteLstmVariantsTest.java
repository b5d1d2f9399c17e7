package dev.mcugen.ir.tflite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.ImportedModel;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.interp.FloatInterpreter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The LSTM variants TFLite's UNIDIRECTIONAL_SEQUENCE_LSTM carries (peephole, CIFG, projection, layer norm)
 * imported from writer-built models and run by the float interpreter, against a direct implementation
 * of TFLite's float kernel ({@code lstm_eval.cc}) over the weights as the file holds them: one matrix
 * per gate {@code [units, in]}, gates i, f, c, o. A wrong transpose or gate order in the import shows.
 */
class TfliteLstmVariantsTest {
    private static final int T = 6;
    private static final int F = 3;
    private static final int U = 5;

    @TempDir
    Path tmp;

    /** The file's weights by input index of the op (null where absent). */
    private record Weights(float[][] byInput, int p) {
    }

    private static float[] random(Random r, int n, double scale) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = (float) (r.nextGaussian() * scale);
        }
        return f;
    }

    private static byte[] model(boolean peephole, boolean cifg, int projection, boolean layerNorm, Weights[] out) {
        Random r = new Random(77);
        int p = projection > 0 ? projection : U;
        float[][] wts = new float[24][];
        TfliteWriter w = new TfliteWriter();
        int x = w.activation("serving_default_input:0", 1, T, F);
        int[] in = new int[24];
        Arrays.fill(in, -1);
        in[0] = x;
        for (int g = cifg ? 1 : 0; g < 4; g++) {
            wts[1 + g] = random(r, U * F, 0.5);
            in[1 + g] = w.floats("w" + g, wts[1 + g], U, F);
            wts[5 + g] = random(r, U * p, 0.5);
            in[5 + g] = w.floats("r" + g, wts[5 + g], U, p);
            wts[12 + g] = random(r, U, 0.3);
            in[12 + g] = w.floats("b" + g, wts[12 + g], U);
            if (layerNorm) {
                wts[20 + g] = random(r, U, 0.5);
                for (int j = 0; j < U; j++) {
                    wts[20 + g][j] += 1f;
                }
                in[20 + g] = w.floats("ln" + g, wts[20 + g], U);
            }
        }
        if (peephole) {
            for (int g = cifg ? 1 : 0; g < 3; g++) {
                wts[9 + g] = random(r, U, 0.4);
                in[9 + g] = w.floats("peep" + g, wts[9 + g], U);
            }
        }
        if (projection > 0) {
            wts[16] = random(r, p * U, 0.5);
            in[16] = w.floats("proj", wts[16], p, U);
            wts[17] = random(r, p, 0.2);
            in[17] = w.floats("proj_bias", wts[17], p);
        }
        in[18] = w.variable("h0", 1, p);
        in[19] = w.variable("c0", 1, U);
        int seq = w.activation("model/lstm/PartitionedCall:1", 1, T, p);
        w.op(Builtin.UNIDIRECTIONAL_SEQUENCE_LSTM, in, new int[] {seq}, TfliteWriter.UNIDIRECTIONAL_SEQUENCE_LSTM_OPTIONS,
                TfliteWriter.lstm(4, 0f, false));
        out[0] = new Weights(wts, p);
        return w.io(new int[] {x}, new int[] {seq}).build();
    }

    private static float sigmoid(float v) {
        return (float) (1.0 / (1.0 + Math.exp(-v)));
    }

    private static float[] matVec(float[] m, int rows, int cols, float[] v) {
        float[] y = new float[rows];
        for (int i = 0; i < rows; i++) {
            float s = 0f;
            for (int j = 0; j < cols; j++) {
                s += m[i * cols + j] * v[j];
            }
            y[i] = s;
        }
        return y;
    }

    private static void layerNorm(float[] a, float[] coeff) {
        double mean = 0;
        for (float v : a) {
            mean += v;
        }
        mean /= a.length;
        double var = 0;
        for (float v : a) {
            var += (v - mean) * (v - mean);
        }
        var /= a.length;
        for (int j = 0; j < a.length; j++) {
            a[j] = (float) ((a[j] - mean) / Math.sqrt(var + 1e-8)) * coeff[j];
        }
    }

    /** Gate g's activation input: W x + R h (+ peep c) then layer norm or not, plus the bias. */
    private static float[] gate(Weights w, int g, float[] x, float[] h, float[] c) {
        float[][] b = w.byInput();
        float[] a = matVec(b[1 + g], U, F, x);
        float[] rh = matVec(b[5 + g], U, w.p(), h);
        for (int j = 0; j < U; j++) {
            a[j] += rh[j];
            if (b[9 + Math.min(g, 2)] != null && g != 2) {
                a[j] += b[9 + (g == 3 ? 2 : g)][j] * c[j];
            }
        }
        if (b[20 + g] != null) {
            layerNorm(a, b[20 + g]);
        }
        for (int j = 0; j < U; j++) {
            a[j] += b[12 + g][j];
        }
        return a;
    }

    /** TFLite's float LSTM over one sequence, from zero state; returns [T, p]. */
    private static float[] reference(Weights w, float[] xs, boolean cifg) {
        float[][] b = w.byInput();
        int p = w.p();
        float[] h = new float[p];
        float[] c = new float[U];
        float[] out = new float[T * p];
        for (int t = 0; t < T; t++) {
            float[] x = Arrays.copyOfRange(xs, t * F, (t + 1) * F);
            float[] f = gate(w, 1, x, h, c);
            float[] i = cifg ? null : gate(w, 0, x, h, c);
            float[] z = gate(w, 2, x, h, c);
            float[] cNew = new float[U];
            for (int j = 0; j < U; j++) {
                float fj = sigmoid(f[j]);
                float ij = cifg ? 1f - fj : sigmoid(i[j]);
                cNew[j] = fj * c[j] + ij * (float) Math.tanh(z[j]);
            }
            float[] o = gate(w, 3, x, h, cNew);
            float[] m = new float[U];
            for (int j = 0; j < U; j++) {
                m[j] = sigmoid(o[j]) * (float) Math.tanh(cNew[j]);
            }
            if (b[16] != null) {
                h = matVec(b[16], p, U, m);
                for (int j = 0; j < p; j++) {
                    h[j] += b[17][j];
                }
            } else {
                h = m;
            }
            c = cNew;
            System.arraycopy(h, 0, out, t * p, p);
        }
        return out;
    }

    @ParameterizedTest(name = "peephole {0}, cifg {1}, projection {2}, layer norm {3}")
    @CsvSource({"false, false, 0, false", "true, false, 0, false", "false, true, 0, false", "false, false, 3, false",
        "false, false, 0, true", "true, true, 4, true"})
    void importedLstmComputesWhatTfliteDoes(boolean peephole, boolean cifg, int projection, boolean layerNorm)
            throws IOException {
        Weights[] w = new Weights[1];
        Path file = tmp.resolve("lstm.tflite");
        Files.write(file, model(peephole, cifg, projection, layerNorm, w));
        ImportedModel im = TfliteImporter.load(file);
        Op.Lstm op = (Op.Lstm) im.graph().nodes().get(0).op();
        assertThat(op.peephole()).isEqualTo(peephole);
        assertThat(op.cifg()).isEqualTo(cifg);
        assertThat(op.projectionUnits()).isEqualTo(projection);
        assertThat(op.layerNorm()).isEqualTo(layerNorm);

        Random r = new Random(5);
        float[] xs = random(r, T * F, 1.0);
        float[] got = new FloatInterpreter(im.graph()).run(FloatTensor.of(Shape.of(T, F), xs)).toArray();
        float[] want = reference(w[0], xs, cifg);
        double maxErr = 0;
        double maxAbs = 0;
        for (int k = 0; k < want.length; k++) {
            maxErr = Math.max(maxErr, Math.abs(got[k] - want[k]));
            maxAbs = Math.max(maxAbs, Math.abs(want[k]));
        }
        System.out.printf("lstm peephole=%s cifg=%s projection=%d layerNorm=%s: max abs error %.3g (max|h| %.3g)%n",
                peephole, cifg, projection, layerNorm, maxErr, maxAbs);
        assertThat(got).hasSize(want.length);
        assertThat(maxErr).isLessThanOrEqualTo(1e-5 * Math.max(1.0, maxAbs));
    }
}
