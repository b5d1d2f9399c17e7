package dev.mcugen.ir.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.mcugen.ir.Shape;
import dev.mcugen.ir.interp.TableAndNormKernels;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The integer layer normalization against the float one it stands for, and the embedding's contract (the
 * table holds the output's integers).
 */
class NormKernelsTest {
    /** int16 in and out, gamma 1 (32767 at scale 1/32767), beta 0: y = x' quantized with s_y = 2^-11. */
    private static QLayerNormalization unitNorm(int n, int rows, long epsilonTerm) {
        int f = QLayerNormalization.normFracBits(n);
        long[] g = new long[n];
        java.util.Arrays.fill(g, 32767);
        QuantType ty = QuantType.powerOfTwo(16, 11);
        // R = s_g 2^-f / s_y = (1/32767) 2^(11 - f)
        Rescale r = Rescale.forReal(Math.scalb(1.0 / 32767, 11 - f), false);
        return new QLayerNormalization("ln", "x", Shape.of(rows, n), ty, f, epsilonTerm, IntTensor.of(Shape.of(n), 16, g),
                IntTensor.of(Shape.of(n), 32, new long[n]), r, ty.qmin(), ty.qmax());
    }

    @Test
    void integerNormalizationFollowsTheFloatOne() {
        Random rnd = new Random(3);
        for (int n : new int[] {2, 5, 16, 33, 100, 700}) {
            int rows = 3;
            QLayerNormalization ln = unitNorm(n, rows, 0);
            int[] x = new int[rows * n];
            float[] xf = new float[x.length];
            for (int i = 0; i < x.length; i++) {
                x[i] = rnd.nextInt(60001) - 30000;
                xf[i] = x[i];
            }
            int[] y = NormKernels.layerNorm(ln, x);
            float[] gamma = new float[n];
            java.util.Arrays.fill(gamma, 1f);
            float[] want = TableAndNormKernels.layerNorm(xf, gamma, new float[n], 0f);
            for (int i = 0; i < x.length; i++) {
                // Q(15-f).f normalized value: within 2^-f (plus the output step 2^-11)
                assertThat(y[i] / 2048.0).as("n %d i %d", n, i).isCloseTo(want[i],
                        within(Math.scalb(1.0, -ln.normFracBits()) + 1.0 / 2048));
            }
        }
    }

    @Test
    void aConstantRowNormalizesToBetaAndEpsilonShrinksTheRest() {
        QLayerNormalization ln = unitNorm(8, 1, 0);
        int[] constant = {-77, -77, -77, -77, -77, -77, -77, -77};
        assertThat(NormKernels.layerNorm(ln, constant)).containsOnly(0);
        // epsilon as large as the variance (E = D): every value divided by sqrt(2) more
        int[] x = {-3, -1, 1, 3, -3, -1, 1, 3};
        long s = 0;
        long q = 0;
        for (int v : x) {
            s += v;
            q += (long) v * v;
        }
        long d = 8 * q - s * s;
        int[] plain = NormKernels.layerNorm(ln, x);
        int[] damped = NormKernels.layerNorm(unitNorm(8, 1, d), x);
        for (int i = 0; i < 8; i++) {
            assertThat((double) damped[i]).isCloseTo(plain[i] / Math.sqrt(2), within(2.0));
        }
    }

    @Test
    void embeddingCopiesTheRowsOfTheOutputsIntegersAndClampsIds() {
        QuantType ty = new QuantType(8, -128, 127, 0.05, -3);
        int[] table = {10, 11, 20, 21, 30, 31};
        QEmbedding e = new QEmbedding("e", "ids", Shape.of(4, 2), ty, IntTensor.of(Shape.of(3, 2), 8, table));
        assertThat(NormKernels.embedding(e, new int[] {0, 2, -5, 9})).containsExactly(10, 11, 30, 31, 10, 11, 30, 31);
        assertThat(FeedForwardKernels.run(e, List.of(new int[] {1, 1, 1, 1}))).containsExactly(20, 21, 20, 21, 20, 21,
                20, 21);
    }
}
