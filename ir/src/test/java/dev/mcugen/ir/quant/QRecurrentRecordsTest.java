package dev.mcugen.ir.quant;

import dev.mcugen.ir.Activation;
import dev.mcugen.ir.Shape;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The recurrent records refuse parameters the kernels and the C could not run. */
class QRecurrentRecordsTest {
    private static QMatVec matVec(int rows, int cols) {
        return new QMatVec(rows, cols, IntTensor.of(Shape.of(rows, cols), 8, new int[rows * cols]),
                IntTensor.of(Shape.of(rows), 32, new int[rows]), Rescale.pot(-3), false);
    }

    private static QGate gate(int units, int in, int rec) {
        return new QGate(matVec(units, in), matVec(units, rec), null, null, QuantType.powerOfTwo(16, 12),
                QActivation.of(Activation.SIGMOID, QActivation.Impl.LUT, 12), QuantType.powerOfTwo(16, 15));
    }

    private static QLstm lstm(QuantType cell, QGate input) {
        QuantType h = QuantType.asymmetric(8, -1, 1);
        return new QLstm("l", List.of("x"), Shape.of(4), h, h, 4, false, false, input, gate(4, 3, 4), gate(4, 3, 4),
                gate(4, 3, 4), cell, 15, 18, QActivation.of(Activation.TANH, QActivation.Impl.LUT, 12), h,
                Rescale.pot(-8), null);
    }

    @Test
    void matVecNeedsInt8WeightsOfItsShapeAndInt32Biases() {
        assertThatThrownBy(() -> new QMatVec(2, 3, IntTensor.of(Shape.of(3, 2), 8, new int[6]),
                IntTensor.of(Shape.of(2), 32, new int[2]), Rescale.IDENTITY, false))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new QMatVec(2, 3, IntTensor.of(Shape.of(2, 3), 16, new int[6]),
                IntTensor.of(Shape.of(2), 32, new int[2]), Rescale.IDENTITY, false))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new QMatVec(2, 3, IntTensor.of(Shape.of(2, 3), 8, new int[6]),
                IntTensor.of(Shape.of(2), 16, new int[2]), Rescale.IDENTITY, false))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void lstmCellMustBeAPowerOfTwoInt16() {
        QLstm ok = lstm(QuantType.powerOfTwo(16, 12), gate(4, 3, 4));
        assertThat(ok.cifg()).isFalse();
        assertThat(ok.outputUnits()).isEqualTo(4);
        assertThat(ok.inputSize()).isEqualTo(3);
        assertThat(ok.internalTypes()).containsKeys("input_gate_pre", "cell", "hidden").doesNotContainKey("projection");
        assertThatThrownBy(() -> lstm(QuantType.symmetric(16, 3.0), gate(4, 3, 4)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> lstm(QuantType.powerOfTwo(16, 12), gate(5, 3, 4)))
                .isInstanceOf(IllegalArgumentException.class);
        QLstm cifg = lstm(QuantType.powerOfTwo(16, 12), null);
        assertThat(cifg.cifg()).isTrue();
        assertThat(cifg.internalTypes().get("input_gate")).isEqualTo(QuantType.powerOfTwo(16, 15));
    }

    @Test
    void gruAndSimpleRnnStatesAreInt16AndOutputsRescaled() {
        QuantType q015 = QuantType.powerOfTwo(16, 15);
        QuantType out = QuantType.asymmetric(8, -1, 1);
        QActivation tanh = QActivation.of(Activation.TANH, QActivation.Impl.POLY, 12);
        assertThatThrownBy(() -> new QGru("g", List.of("x"), Shape.of(4), out, out, 4, false, false, false, q015,
                gate(4, 3, 4), gate(4, 3, 4), matVec(4, 3), matVec(4, 4), 15, null, null, QuantType.powerOfTwo(16, 12),
                tanh, 15, null)).as("int8 output without a rescale").isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new QGru("g", List.of("x"), Shape.of(4), out, out, 4, false, false, true, q015,
                gate(4, 3, 4), gate(4, 3, 4), matVec(4, 3), matVec(4, 4), 0, null, null, QuantType.powerOfTwo(16, 12),
                tanh, 15, Rescale.pot(-8))).as("reset_after without its product")
                .isInstanceOf(IllegalArgumentException.class);
        QGru g = new QGru("g", List.of("x"), Shape.of(4), out, out, 4, false, false, false, q015, gate(4, 3, 4),
                gate(4, 3, 4), matVec(4, 3), matVec(4, 4), 15, null, null, QuantType.powerOfTwo(16, 12), tanh, 15,
                Rescale.pot(-8));
        assertThat(g.internalTypes()).containsEntry("hidden", q015).containsKey("reset_hidden");
        assertThatThrownBy(() -> new QSimpleRnn("s", List.of("x"), Shape.of(4), out, out, 4, false, false, out,
                matVec(4, 3), matVec(4, 4), QuantType.powerOfTwo(16, 12), tanh, Rescale.pot(-8)))
                .as("int8 state").isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new QSimpleRnn("s", List.of("x"), Shape.of(4), out, out, 4, false, false,
                QuantType.powerOfTwo(16, 12), matVec(4, 3), matVec(4, 4), QuantType.powerOfTwo(16, 12), tanh,
                Rescale.pot(-8))).as("tanh output Q0.15 into a Q3.12 state").isInstanceOf(IllegalArgumentException.class);
    }
}
