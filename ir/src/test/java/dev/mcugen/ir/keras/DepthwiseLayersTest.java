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

/**
 * The shared Keras mapper on the depthwise and separable layer configurations Keras 2 and 3 write
 * (DepthwiseConv1D and SeparableConv1D have no TF.js layer, so no TF.js-saved fixture covers them).
 */
class DepthwiseLayersTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static LayerConfig config(String cls, String json) throws Exception {
        return new LayerConfig("l", cls, JSON.readTree(json));
    }

    @Test
    void depthwiseConv1dWithMultiplierAndDilation() throws Exception {
        LayerConfig c = config("DepthwiseConv1D", "{\"kernel_size\": [5], \"strides\": [1], \"padding\": \"same\","
                + " \"depth_multiplier\": 3, \"dilation_rate\": [2], \"activation\": \"relu\", \"use_bias\": false,"
                + " \"depthwise_initializer\": {\"class_name\": \"GlorotUniform\"}, \"data_format\": \"channels_last\"}");
        Op op = new LayerMapper(true).map(c, List.of(Shape.of(20, 4))).op();
        assertThat(op).isEqualTo(Op.DepthwiseConv.of1d(3, 5, 1, 2, Padding.SAME, Activation.RELU, false));
        assertThat(op.kind()).isEqualTo("depthwise_conv1d");
    }

    @Test
    void depthwiseConv2dDefaultsToMultiplier1() throws Exception {
        LayerConfig c = config("DepthwiseConv2D", "{\"kernel_size\": [3, 3], \"strides\": [2, 2], \"padding\": \"valid\"}");
        assertThat(new LayerMapper(false).map(c, List.of(Shape.of(8, 8, 2))).op())
                .isEqualTo(new Op.DepthwiseConv(2, 1, 3, 3, 2, 2, 1, 1, Padding.VALID, Activation.LINEAR, true));
    }

    @Test
    void separableConv1dIsDepthwiseThenPointwise() throws Exception {
        LayerConfig c = config("SeparableConv1D", "{\"filters\": 7, \"kernel_size\": [3], \"strides\": [2],"
                + " \"padding\": \"valid\", \"depth_multiplier\": 2, \"activation\": \"tanh\", \"use_bias\": true}");
        LayerMapper.Separable s = new LayerMapper(true).separable(c);
        assertThat(s.depthwise()).isEqualTo(Op.DepthwiseConv.of1d(2, 3, 2, 1, Padding.VALID, Activation.LINEAR, false));
        assertThat(s.pointwise()).isEqualTo(new Op.Conv1D(7, 1, 1, 1, Padding.VALID, Activation.TANH, true));
    }

    @Test
    void channelsFirstIsRefused() throws Exception {
        LayerConfig c = config("DepthwiseConv2D", "{\"kernel_size\": [3, 3], \"data_format\": \"channels_first\"}");
        assertThatThrownBy(() -> new LayerMapper(false).map(c, List.of(Shape.of(8, 8, 2))))
                .isInstanceOfSatisfying(McugenException.class,
                        e -> assertThat(e.diag()).isEqualTo(Diag.MCG_IMPORT_OPTION_UNSUPPORTED))
                .hasMessageContaining("channels_first");
    }
}
