package dev.mcugen.ir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 17 part 5: shape arithmetic near 2^31 is a refusal naming the layer (exit 3), never an internal error or a wrapped length. */
class ShapeOverflowTest {
    private static Op.Conv1D conv1d(int kernel, int stride, int dilation, Padding padding) {
        return new Op.Conv1D(4, kernel, stride, dilation, padding, Activation.LINEAR, true);
    }

    @Test
    void conv1dStridesNear2to31AreRefusedNamingTheLayer() {
        for (Padding p : Padding.values()) {
            for (int stride : new int[] {Integer.MAX_VALUE, Integer.MAX_VALUE - 63, 1 << 30}) {
                assertThatThrownBy(() -> ShapeInference.outputShape("conv2", conv1d(3, stride, 1, p), List.of(Shape.of(30, 8))))
                        .as("%s stride %d", p, stride)
                        .isInstanceOfSatisfying(McugenException.class, e -> {
                            assertThat(e.diag()).isEqualTo(Diag.MCG_GRAPH_SHAPE);
                            assertThat(e.subject()).contains("conv2");
                            assertThat(e.detail()).contains("stride " + stride);
                        });
            }
        }
    }

    @Test
    void conv1dDilationWrappingAroundIsRefused() {
        // (5 - 1) * 2^30 + 1 wraps to 1 in int: the window would seem to fit any input.
        assertThatThrownBy(() -> ShapeInference.outputShape("conv1", conv1d(5, 1, 1 << 30, Padding.VALID), List.of(Shape.of(64, 6))))
                .isInstanceOfSatisfying(McugenException.class, e -> assertThat(e.diag()).isEqualTo(Diag.MCG_GRAPH_SHAPE));
    }

    @Test
    void flattenOf70000x70000IsRefusedNamingTheLayer() {
        assertThatThrownBy(() -> ShapeInference.outputShape("flat", new Op.Flatten(), List.of(Shape.of(70000, 70000))))
                .isInstanceOfSatisfying(McugenException.class, e -> {
                    assertThat(e.diag()).isEqualTo(Diag.MCG_GRAPH_SHAPE);
                    assertThat(e.subject()).contains("flat");
                    assertThat(e.detail()).contains("[70000, 70000]");
                });
    }

    @Test
    void denseOutputBeyond2to31ElementsIsRefused() {
        assertThatThrownBy(() -> ShapeInference.outputShape("fc", new Op.Dense(70000, Activation.LINEAR, true),
                List.of(Shape.of(70000, 8))))
                .isInstanceOfSatisfying(McugenException.class, e -> assertThat(e.diag()).isEqualTo(Diag.MCG_GRAPH_SHAPE));
    }

    @Test
    void ordinaryStridesStillWork() {
        assertThat(ShapeInference.outputShape("c", conv1d(3, 2, 1, Padding.SAME), List.of(Shape.of(30, 8)))).isEqualTo(Shape.of(15, 4));
        assertThat(ShapeInference.outputShape("c", conv1d(3, 30, 1, Padding.VALID), List.of(Shape.of(30, 8)))).isEqualTo(Shape.of(1, 4));
    }
}
