package dev.mcugen.ir.keras;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcugen.ir.Activation;
import dev.mcugen.ir.Diag;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Padding;
import dev.mcugen.ir.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Keras config forms of the data-movement layers and the transposed convolutions, and their refusals. */
class ShapeLayersTest {
    private static Op map(String className, String config, Shape in) {
        try {
            LayerConfig c = new LayerConfig("layer", className, new ObjectMapper().readTree(config));
            return new LayerMapper(false).map(c, List.of(in)).op();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private static void refused(String className, String config, Shape in, Diag diag, String contains) {
        assertThatThrownBy(() -> map(className, config, in)).isInstanceOfSatisfying(McugenException.class, e -> {
            assertThat(e.diag()).isEqualTo(diag);
            assertThat(e.getMessage()).contains("layer").contains(contains);
        });
    }

    @Test
    void paddingAndCroppingTakeEveryKerasForm() {
        Shape img = Shape.of(6, 5, 2);
        assertThat(map("ZeroPadding2D", "{\"padding\": [[1, 2], [3, 0]]}", img)).isEqualTo(new Op.ZeroPadding(List.of(1, 2, 3, 0)));
        assertThat(map("ZeroPadding2D", "{\"padding\": [1, 2]}", img)).isEqualTo(new Op.ZeroPadding(List.of(1, 1, 2, 2)));
        assertThat(map("ZeroPadding2D", "{\"padding\": 2}", img)).isEqualTo(new Op.ZeroPadding(List.of(2, 2, 2, 2)));
        assertThat(map("ZeroPadding2D", "{}", img)).isEqualTo(new Op.ZeroPadding(List.of(1, 1, 1, 1)));
        assertThat(map("ZeroPadding1D", "{\"padding\": [0, 3]}", Shape.of(7, 2))).isEqualTo(new Op.ZeroPadding(List.of(0, 3)));
        assertThat(map("Cropping1D", "{\"cropping\": [1, 2]}", Shape.of(7, 2))).isEqualTo(new Op.Cropping(List.of(1, 2)));
        assertThat(map("Cropping2D", "{\"cropping\": [[0, 1], [2, 0]]}", img)).isEqualTo(new Op.Cropping(List.of(0, 1, 2, 0)));
        refused("ZeroPadding2D", "{\"padding\": 1, \"data_format\": \"channels_first\"}", img,
                Diag.MCG_IMPORT_OPTION_UNSUPPORTED, "channels_last only");
        refused("Cropping2D", "{\"cropping\": [[0, -1], [0, 0]]}", img, Diag.MCG_IMPORT_FORMAT, "amounts >= 0");
    }

    @Test
    void upSamplingIsNearestOnly() {
        assertThat(map("UpSampling2D", "{\"size\": [2, 3], \"interpolation\": \"nearest\"}", Shape.of(4, 4, 1)))
                .isEqualTo(new Op.UpSampling(List.of(2, 3)));
        assertThat(map("UpSampling1D", "{\"size\": 4}", Shape.of(5, 2))).isEqualTo(new Op.UpSampling(List.of(4)));
        refused("UpSampling2D", "{\"size\": [2, 2], \"interpolation\": \"bilinear\"}", Shape.of(4, 4, 1),
                Diag.MCG_IMPORT_OPTION_UNSUPPORTED, "interpolation 'bilinear'");
    }

    @Test
    void permuteRepeatVectorAndTransposedConvolutions() {
        assertThat(map("Permute", "{\"dims\": [2, 1]}", Shape.of(3, 4))).isEqualTo(new Op.Permute(List.of(2, 1)));
        assertThat(map("RepeatVector", "{\"n\": 5}", Shape.of(3))).isEqualTo(new Op.RepeatVector(5));
        assertThat(map("Conv2DTranspose", "{\"filters\": 4, \"kernel_size\": [3, 3], \"strides\": [2, 2], \"padding\": \"same\","
                + " \"output_padding\": [1, 0], \"activation\": \"relu\", \"use_bias\": true}", Shape.of(4, 4, 2)))
                .isEqualTo(new Op.ConvTranspose(4, List.of(3, 3), List.of(2, 2), Padding.SAME, List.of(1, 0),
                        Activation.RELU, true));
        assertThat(map("Conv1DTranspose", "{\"filters\": 2, \"kernel_size\": [3], \"strides\": [2], \"padding\": \"valid\","
                + " \"output_padding\": null}", Shape.of(6, 3)))
                .isEqualTo(new Op.ConvTranspose(2, List.of(3), List.of(2), Padding.VALID, List.of(), Activation.LINEAR, true));
        refused("Conv2DTranspose", "{\"filters\": 4, \"kernel_size\": [3, 3], \"dilation_rate\": [2, 2]}", Shape.of(4, 4, 2),
                Diag.MCG_IMPORT_OPTION_UNSUPPORTED, "dilation 1 only");
    }

    @Test
    void kerasThreeArchivesStoreTheNewLayersUnderKerasSnakeCaseNames() {
        // Keras 3's model.weights.h5 holds a layer's variables under layers/<to_snake_case(class)>.
        assertThat(KerasTopology.snakeCase("Conv2DTranspose")).isEqualTo("conv2d_transpose");
        assertThat(KerasTopology.snakeCase("Conv1DTranspose")).isEqualTo("conv1d_transpose");
        assertThat(KerasTopology.snakeCase("ZeroPadding2D")).isEqualTo("zero_padding2d");
        assertThat(KerasTopology.snakeCase("UpSampling1D")).isEqualTo("up_sampling1d");
        assertThat(KerasTopology.snakeCase("RepeatVector")).isEqualTo("repeat_vector");
    }
}
