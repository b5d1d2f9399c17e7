package dev.mcugen.ir.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

/** NCHW data of a PyTorch model moves to channels last and back, sample axis untouched. */
class LayoutsTest {
    /** numpy.transpose(x, (0, 2, 3, 1)) of x = arange(2*3*2*2).reshape(2, 3, 2, 2), written out by hand. */
    @Test
    void nchwToNhwcIsNumpysTranspose() {
        float[] x = new float[24];
        for (int i = 0; i < x.length; i++) {
            x[i] = i;
        }
        FloatTensor nchw = FloatTensor.of(Shape.of(2, 3, 2, 2), x);
        int[] perm = {1, 2, 0}; // ir sample axes (H, W, C) from source (C, H, W)
        FloatTensor nhwc = Layouts.toIr(nchw, perm);
        assertThat(nhwc.shape()).isEqualTo(Shape.of(2, 2, 2, 3));
        assertThat(nhwc.toArray()).containsExactly(0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11,
                12, 16, 20, 13, 17, 21, 14, 18, 22, 15, 19, 23);
        assertThat(Layouts.toSource(nhwc, perm)).isEqualTo(nchw);
    }

    @Test
    void integerOutputsMoveLikeFloats() {
        int[] q = {0, 1, 2, 3, 4, 5}; // one sample [T=3, C=2] in the IR
        int[] perm = {1, 0};          // the source holds [C, T]
        assertThat(Layouts.toSource(q, List.of(1, 3, 2), perm)).containsExactly(0, 2, 4, 1, 3, 5);
        assertThat(Layouts.batchDims(List.of(1, 3, 2), Layouts.inverse(perm))).containsExactly(1, 2, 3);
    }
}
