package dev.mcugen.ir.tflite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcugen.ir.Activation;
import dev.mcugen.ir.Diag;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.SharedFiles;
import dev.mcugen.ir.quant.QGraph;
import dev.mcugen.ir.quant.QLstmTfl;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MNIST LSTM's UNIDIRECTIONAL_SEQUENCE_LSTM maps to the parameters TFLite Micro prepares, and the
 * LSTM variants TFLite Micro's integer kernel does not run (made from that file by editing its
 * flatbuffer) are refused with one line naming the op.
 */
class TfliteLstmMapperTest {
    @TempDir
    Path tmp;

    private static Path mnist() {
        return SharedFiles.zoo("mnist_lstm", "trained_lstm_int8.tflite");
    }

    @Test
    void mapsThePreparedParametersOfTheFile() {
        QGraph g = TfliteImporter.loadQuantized(mnist()).orElseThrow();
        QLstmTfl l = (QLstmTfl) g.nodes().get(0);
        assertThat(l.units()).isEqualTo(20);
        assertThat(l.inputSize()).isEqualTo(28);
        assertThat(l.outputShape().dims()).containsExactly(28, 20);
        assertThat(l.cellActivation()).isEqualTo(Activation.TANH);
        // cell state scale 2^-12: Q3.12
        assertThat(l.cellFracBits()).isEqualTo(12);
        // cell_clip 10 over 2^-12 = 40960, clamped to 32767 before the int16 cast
        assertThat(l.cellClip()).isEqualTo(32767);
        // 2^-15 s_c / s_c = 2^-15: QuantizeMultiplier gives 2^30 with shift -14
        assertThat(l.forgetCellRescale().multiplier()).isEqualTo(1 << 30);
        assertThat(l.forgetCellRescale().shift()).isEqualTo(-14);
        // 2^-30 / 2^-12 = 2^-18
        assertThat(l.inputCellRescale().multiplier()).isEqualTo(1 << 30);
        assertThat(l.inputCellRescale().shift()).isEqualTo(-17);
        // input zero point -128 folded into the input bias: b - (-128) * row sum
        assertThat(l.forget().inputBias().get(0)).isNotEqualTo(0);
        assertThat(l.forget().recurrentBias().get(0)).isZero(); // hidden zero point 0
        // s_x s_W / 2^-12 with the forget gate's input weights (slot 2 of the op)
        assertThat(l.forget().inputRescale().real())
                .isCloseTo(0.003921569 * 0.007401021 * 4096, org.assertj.core.data.Offset.offset(1e-7)); // the scales above are printed to 7 digits
    }

    private void refused(Path file, Diag diag, String... words) {
        assertThatThrownBy(() -> TfliteImporter.loadQuantized(file))
                .isInstanceOfSatisfying(McugenException.class, e -> {
                    assertThat(e.diag()).isEqualTo(diag);
                    assertThat(e.getMessage()).doesNotContain("\n").contains(words);
                });
    }

    @Test
    void peepholeProjectionAndLayerNormLstmsAreRefused() {
        refused(TfliteEdits.withOperatorInput(mnist(), 0, 9, 7, tmp.resolve("peephole.tflite")),
                Diag.MCG_TFLITE_QUANT_UNSUPPORTED, "UNIDIRECTIONAL_SEQUENCE_LSTM", "peephole");
        refused(TfliteEdits.withOperatorInput(mnist(), 0, 16, 8, tmp.resolve("projection.tflite")),
                Diag.MCG_TFLITE_QUANT_UNSUPPORTED, "UNIDIRECTIONAL_SEQUENCE_LSTM", "projection");
        refused(TfliteEdits.withOperatorInput(mnist(), 0, 20, 4, tmp.resolve("ln.tflite")),
                Diag.MCG_TFLITE_QUANT_UNSUPPORTED, "UNIDIRECTIONAL_SEQUENCE_LSTM", "layer normalization");
    }

    @Test
    void cifgLstmIsRefused() {
        Path a = TfliteEdits.withOperatorInput(mnist(), 0, 1, -1, tmp.resolve("a.tflite"));
        refused(TfliteEdits.withOperatorInput(a, 0, 5, -1, tmp.resolve("cifg.tflite")),
                Diag.MCG_TFLITE_QUANT_UNSUPPORTED, "UNIDIRECTIONAL_SEQUENCE_LSTM", "CIFG");
    }

    @Test
    void int16ActivationsAreRefusedAsA16x8Lstm() {
        refused(TfliteEdits.withTensorType(mnist(), 0, TfliteModel.INT16, tmp.resolve("16x8.tflite")),
                Diag.MCG_TFLITE_QUANT_UNSUPPORTED, "UNIDIRECTIONAL_SEQUENCE_LSTM", "16x8");
    }

    @Test
    void aCellActivationOtherThanTanhOrSigmoidIsRefused() {
        refused(TfliteEdits.withOptionByte(mnist(), 0, 0, 1, tmp.resolve("relu.tflite")),
                Diag.MCG_TFLITE_QUANT_UNSUPPORTED, "UNIDIRECTIONAL_SEQUENCE_LSTM", "cell activation 1");
    }

    @Test
    void aCellStateThatIsNotInt16IsRefused() {
        refused(TfliteEdits.withOperatorInput(mnist(), 0, 19, 16, tmp.resolve("cell8.tflite")),
                Diag.MCG_TFLITE_QUANT_PARAMS, "cell state");
    }

    @Test
    void theLstmAloneMapsWithEveryStepsHiddenStateAsOutput() {
        QGraph g = TfliteImporter.loadQuantized(TfliteEdits.truncated(mnist(), 1, 23, tmp.resolve("lstm.tflite")))
                .orElseThrow();
        assertThat(g.nodes()).hasSize(1);
        assertThat(g.outputs()).containsExactly(g.nodes().get(0).name());
    }
}
