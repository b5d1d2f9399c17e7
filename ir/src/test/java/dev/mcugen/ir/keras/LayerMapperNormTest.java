package dev.mcugen.ir.keras;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcugen.ir.Diag;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The shared Keras mapper on LayerNormalization and Embedding configs (TF.js, .h5 and .keras alike). */
class LayerMapperNormTest {
    private static LayerMapper.Mapped map(String className, String config, Shape in) throws Exception {
        return new LayerMapper(false).map(new LayerConfig("l", className, new ObjectMapper().readTree(config)), List.of(in));
    }

    @Test
    void layerNormalizationOverTheLastAxisWithImplicitWeights() throws Exception {
        LayerMapper.Mapped m = map("LayerNormalization", "{\"axis\": [2], \"epsilon\": 0.01, \"center\": false}",
                Shape.of(7, 12));
        assertThat(m.op()).isEqualTo(new Op.LayerNorm(0.01f));
        assertThat(m.implicitWeights()).containsOnlyKeys("beta");
        assertThat(m.implicitWeights().get("beta").toArray()).containsOnly(0f);
        assertThat(map("LayerNormalization", "{\"axis\": -1, \"scale\": false}", Shape.of(12)).implicitWeights()
                .get("gamma").toArray()).containsOnly(1f);
    }

    @Test
    void otherAxesAndRmsScalingAreRefusedWithAReason() {
        assertThatThrownBy(() -> map("LayerNormalization", "{\"axis\": 1}", Shape.of(7, 12)))
                .isInstanceOfSatisfying(McugenException.class, e -> assertThat(e.getMessage()).contains("axis"));
        assertThatThrownBy(() -> map("LayerNormalization", "{\"axis\": -1, \"rms_scaling\": true}", Shape.of(12)))
                .isInstanceOfSatisfying(McugenException.class, e -> assertThat(e.getMessage()).contains("rms_scaling"));
    }

    @Test
    void embeddingMapsAndMaskZeroIsRefused() throws Exception {
        assertThat(map("Embedding", "{\"input_dim\": 50, \"output_dim\": 8, \"input_length\": 7}", Shape.of(7)).op())
                .isEqualTo(new Op.Embedding(50, 8));
        assertThatThrownBy(() -> map("Embedding", "{\"input_dim\": 50, \"output_dim\": 8, \"mask_zero\": true}",
                Shape.of(7))).isInstanceOfSatisfying(McugenException.class, e -> {
                    assertThat(e.diag()).isEqualTo(Diag.MCG_IMPORT_OPTION_UNSUPPORTED);
                    assertThat(e.getMessage()).contains("mask_zero");
                });
    }
}
