package dev.mcugen.ir.interp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcugen.ir.Activation;
import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Node;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Shape;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The float32 formulas of {@link PointwiseKernels} at their joints and against the frameworks' own
 * float32 expressions (written out here operation by operation).
 */
class PointwiseKernelsTest {
    @Test
    void hardSwishAndRelu6HardSigmoidJoints() {
        assertThat(PointwiseKernels.hardSwish(-3f)).isEqualTo(-0f);
        assertThat(PointwiseKernels.hardSwish(-5f)).isEqualTo(-0f);
        assertThat(PointwiseKernels.hardSwish(3f)).isEqualTo(3f);
        assertThat(PointwiseKernels.hardSwish(10f)).isEqualTo(10f);
        assertThat(PointwiseKernels.hardSigmoid6(-3f)).isEqualTo(0f);
        assertThat(PointwiseKernels.hardSigmoid6(0f)).isEqualTo(0.5f);
        assertThat(PointwiseKernels.hardSigmoid6(3f)).isEqualTo(1f);
        for (float x = -4f; x <= 4f; x += 0.0371f) {
            float hs6 = Math.min(Math.max(x + 3f, 0f), 6f) / 6f; // Keras 3: relu6(x + 3) / 6, float32 ops
            assertThat(PointwiseKernels.hardSigmoid6(x)).isEqualTo(hs6);
            assertThat(PointwiseKernels.hardSwish(x)).isEqualTo(x * hs6);
            assertThat(Kernels.activate(Activation.HARD_SWISH, x)).isEqualTo(x * hs6);
        }
    }

    @Test
    void eluLeakyAndGeneralHardSigmoid() {
        assertThat(PointwiseKernels.elu(0f, 0.5f)).isEqualTo(0f);
        assertThat(PointwiseKernels.elu(2f, 0.5f)).isEqualTo(2f);
        assertThat(PointwiseKernels.elu(-1f, 1f)).isEqualTo((float) (Math.exp(-1.0) - 1.0)); // TF.js Math.exp(x) - 1
        assertThat(PointwiseKernels.elu(-1f, 0.5f)).isEqualTo(0.5f * (float) (Math.exp(-1.0) - 1.0));
        assertThat(PointwiseKernels.elu(-30f, 1f)).isEqualTo(-1f);
        assertThat(PointwiseKernels.leakyRelu(-2f, -0.25f)).isEqualTo(0.5f);
        assertThat(PointwiseKernels.leakyRelu(0f, 0.3f)).isEqualTo(0f);
        assertThat(Kernels.activate(Activation.LEAKY_RELU, -1f)).isEqualTo(-0.2f);
        assertThat(PointwiseKernels.hardSigmoid(-10f, 1f / 6f, 0.5f)).isEqualTo(0f);
        assertThat(PointwiseKernels.hardSigmoid(10f, 1f / 6f, 0.5f)).isEqualTo(1f);
        assertThat(PointwiseKernels.hardSigmoid(1f, 1f / 6f, 0.5f)).isEqualTo(1f / 6f * 1f + 0.5f);
        assertThat(PointwiseKernels.swish(2f)).isEqualTo(2f * Kernels.sigmoid(2f));
    }

    @Test
    void preluBroadcastsAlphaOverTheSharedAxes() {
        // x [2, 3], alpha [1, 3]: one slope per column
        Node n = new Node("p", new Op.PRelu(List.of(0)), List.of("x"), Shape.of(2, 3),
                Map.of("alpha", FloatTensor.of(Shape.of(1, 3), new float[] {0.5f, -1f, 0f})));
        float[] y = PointwiseKernels.apply(n, new float[] {-2f, -2f, -2f, 4f, -4f, -4f}, Shape.of(2, 3));
        assertThat(y).containsExactly(-1f, 2f, -0f, 4f, 4f, -0f);
        // alpha [2, 1]: one slope per row
        Node m = new Node("p", new Op.PRelu(List.of(1)), List.of("x"), Shape.of(2, 3),
                Map.of("alpha", FloatTensor.of(Shape.of(2, 1), new float[] {0.5f, 2f})));
        assertThat(PointwiseKernels.apply(m, new float[] {-2f, 1f, -2f, -1f, -1f, 3f}, Shape.of(2, 3)))
                .containsExactly(-1f, 1f, -1f, -2f, -2f, 3f);
    }
}
