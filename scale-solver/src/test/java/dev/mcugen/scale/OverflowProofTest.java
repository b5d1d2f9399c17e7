package dev.mcugen.scale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcugen.ir.quant.QuantType;
import java.util.Random;
import org.junit.jupiter.api.Test;

class OverflowProofTest {
    @Test
    void boundIsBiasPlusSumOfAbsWeightsTimesMaxInputPerRow() {
        // [in = 3, out = 2]: column 0 = 1, -2, 3; column 1 = -127, 127, 0
        int[] w = {1, -127, -2, 127, 3, 0};
        long[] rows = OverflowProof.rowBounds(w, 2, new long[] {-10, 5}, 128);
        assertThat(rows).containsExactly(10 + 6 * 128, 5 + 254 * 128);
        AccumulatorBound b = OverflowProof.matmul("dense", "matmul", w, 2, new long[] {-10, 5}, 128,
                OverflowProof.INT32_LIMIT, "saturate");
        assertThat(b.row()).isEqualTo(1);
        assertThat(b.bound()).isEqualTo(5 + 254 * 128);
        assertThat(b.safe()).isTrue();
        assertThat(b.action()).isEmpty();
        assertThat(b.headroomBits()).isEqualTo(31 - 15); // 32517 has bit length 15
    }

    @Test
    void theBoundIsReachedAndNeverExceeded() {
        Random rnd = new Random(3);
        for (int trial = 0; trial < 200; trial++) {
            int in = 1 + rnd.nextInt(40);
            int out = 1 + rnd.nextInt(8);
            int[] w = new int[in * out];
            long[] bias = new long[out];
            for (int i = 0; i < w.length; i++) {
                w[i] = rnd.nextInt(255) - 127;
            }
            for (int o = 0; o < out; o++) {
                bias[o] = rnd.nextInt(2001) - 1000;
            }
            long[] bounds = OverflowProof.rowBounds(w, out, bias, 128);
            for (int o = 0; o < out; o++) {
                // the adversarial input x_j = ±128 with the sign of w (and the bias) reaches the bound
                long worst = Math.abs(bias[o]);
                long partialMax = Math.abs(bias[o]);
                long acc = bias[o];
                for (int j = 0; j < in; j++) {
                    worst += Math.abs((long) w[j * out + o]) * 128;
                    int x = rnd.nextInt(256) - 128;
                    acc += (long) w[j * out + o] * x;
                    partialMax = Math.max(partialMax, Math.abs(acc));
                }
                assertThat(bounds[o]).isEqualTo(worst).isGreaterThanOrEqualTo(partialMax);
            }
        }
    }

    @Test
    void anUnsafeRowIsNamedWithTheAction() {
        int n = 1 << 18; // 127 * 128 * 2^18 is about 2^32
        int[] w = new int[n * 2];
        for (int i = 0; i < w.length; i += 2) {
            w[i] = 1;
            w[i + 1] = 127;
        }
        AccumulatorBound b = OverflowProof.matmul("big", "matmul", w, 2, null, 128, OverflowProof.INT32_LIMIT,
                "accumulates in int64");
        assertThat(b.safe()).isFalse();
        assertThat(b.row()).isEqualTo(1);
        assertThat(b.bound()).isEqualTo(127L * 128 * n);
        assertThat(b.action()).isEqualTo("accumulates in int64");
        assertThat(b.headroomBits()).isEqualTo(-1);
    }

    @Test
    void maxAbsInputWithAndWithoutFoldedZeroPoint() {
        QuantType x = new QuantType(8, -128, 127, 0.1, 100);
        assertThat(OverflowProof.maxAbsInput(x, true)).isEqualTo(128);
        assertThat(OverflowProof.maxAbsInput(x, false)).isEqualTo(228);
        assertThat(OverflowProof.maxAbsInput(QuantType.symmetric(16, 1), false)).isEqualTo(32767);
    }

    @Test
    void saturatesInsteadOfWrapping() {
        long[] rows = OverflowProof.rowBounds(new int[] {Integer.MIN_VALUE}, 1, new long[] {Long.MAX_VALUE}, Long.MAX_VALUE);
        assertThat(rows[0]).isEqualTo(Long.MAX_VALUE);
        assertThatThrownBy(() -> OverflowProof.rowBounds(new int[3], 2, null, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void headroomOfTheLimitItselfIsZero() {
        assertThat(new AccumulatorBound("l", "a", 0, Integer.MAX_VALUE, Integer.MAX_VALUE, "").headroomBits()).isZero();
        assertThat(new AccumulatorBound("l", "a", 0, 0, Integer.MAX_VALUE, "").headroomBits()).isEqualTo(31);
    }
}
