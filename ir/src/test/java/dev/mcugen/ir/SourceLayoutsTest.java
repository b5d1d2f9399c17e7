package dev.mcugen.ir;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SourceLayoutsTest {
    @Test
    void nchwBecomesNhwcAndBack() {
        int n = 2, c = 3, h = 4, w = 5;
        float[] src = new float[n * c * h * w];
        for (int i = 0; i < src.length; i++) {
            src[i] = i;
        }
        List<Integer> perm = List.of(1, 2, 0);
        float[] ir = SourceLayouts.toIr(src, new int[] {n, c, h, w}, perm);
        for (int b = 0; b < n; b++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    for (int k = 0; k < c; k++) {
                        assertThat(ir[((b * h + y) * w + x) * c + k]).isEqualTo(src[((b * c + k) * h + y) * w + x]);
                    }
                }
            }
        }
        assertThat(SourceLayouts.toSource(ir, new int[] {n, h, w, c}, perm)).containsExactly(src);
        FloatTensor t = FloatTensor.of(Shape.of(n, c, h, w), src);
        FloatTensor t2 = SourceLayouts.toIr(t, perm);
        assertThat(t2.shape()).isEqualTo(Shape.of(n, h, w, c));
        assertThat(SourceLayouts.toSource(t2, perm)).isEqualTo(t);
    }

    @Test
    void nclBecomesNlc() {
        float[] src = {1, 2, 3, 4, 5, 6}; // [1, C=2, L=3]
        assertThat(SourceLayouts.toIr(src, new int[] {1, 2, 3}, List.of(1, 0))).containsExactly(1, 4, 2, 5, 3, 6);
    }

    @Test
    void wrongRankIsADataError() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                SourceLayouts.toIr(new float[6], new int[] {6}, List.of(1, 0)))
                .isInstanceOfSatisfying(McugenException.class, e -> assertThat(e.diag()).isEqualTo(Diag.MCG_DATA_SHAPE));
    }
}
