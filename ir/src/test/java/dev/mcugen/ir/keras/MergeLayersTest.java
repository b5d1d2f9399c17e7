package dev.mcugen.ir.keras;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Keras merge layers through the shared mapper (TF.js, .h5 and .keras alike). TF.js has no
 * Subtract layer, so no TF.js golden covers it; Keras writes it with the same empty config as the
 * others, checked here.
 */
class MergeLayersTest {
    @Test
    void mergeLayersMapToTheElementwiseOps() throws Exception {
        LayerMapper m = new LayerMapper(false);
        List<Shape> two = List.of(Shape.of(4, 3), Shape.of(4, 3));
        for (var e : java.util.Map.of("Subtract", new Op.Subtract(), "Multiply", new Op.Multiply(), "Average",
                new Op.Average(), "Maximum", new Op.Maximum(), "Minimum", new Op.Minimum(), "Add", new Op.Add()).entrySet()) {
            LayerConfig c = new LayerConfig("merge", e.getKey(), new ObjectMapper().readTree(
                    "{\"name\": \"merge\", \"trainable\": true, \"dtype\": \"float32\"}"));
            assertThat(m.map(c, two).op()).as(e.getKey()).isEqualTo(e.getValue());
            assertThat(LayerMapper.SUPPORTED).contains(e.getKey());
        }
    }
}
