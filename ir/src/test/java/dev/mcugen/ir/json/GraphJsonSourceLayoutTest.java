package dev.mcugen.ir.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.mcugen.ir.Diag;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.ImportedModel;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.ModelLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A converted model keeps the axis order its framework gives data in, so the JSON takes the same .npy files. */
class GraphJsonSourceLayoutTest {
    @TempDir
    Path tmp;

    @Test
    void sourceLayoutRoundTripsThroughTheLoader() {
        Graph g = TestGraphs.everyOp(7);
        String in = g.inputs().get(0).name();
        int rank = g.inputs().get(0).shape().rank();
        List<Integer> perm = new java.util.ArrayList<>();
        for (int i = rank - 1; i >= 0; i--) {
            perm.add(i);
        }
        Path file = tmp.resolve("g.json");
        GraphJson.write(g, Map.of(in, perm), file, GraphJson.WeightEncoding.BASE64);
        ImportedModel m = ModelLoader.open(file);
        assertThat(m.graph()).isEqualTo(g);
        assertThat(m.sourceLayout()).containsExactly(Map.entry(in, perm));
        // Without a layout the file is as before (no key).
        GraphJson.write(g, tmp.resolve("plain.json"), GraphJson.WeightEncoding.BASE64);
        assertThat(ModelLoader.open(tmp.resolve("plain.json")).sourceLayout()).isEmpty();
    }

    @Test
    void aLayoutThatIsNoPermutationOrNamesNoBoundaryIsRefused() throws Exception {
        Graph g = TestGraphs.everyOp(7);
        String json = GraphJson.toJson(g);
        String in = g.inputs().get(0).name();
        String bad = json.substring(0, json.lastIndexOf('}')).stripTrailing() + ",\n  \"source_layout\": {\"" + in + "\": [0, 0]}\n}\n";
        McugenException e = catchThrowableOfType(McugenException.class,
                () -> ModelLoader.open(Files.writeString(tmp.resolve("bad.json"), bad)));
        assertThat(e.diag()).isEqualTo(Diag.MCG_GRAPH_ATTR);
        assertThat(e.getMessage()).contains("permutation");
        String node = g.nodes().get(0).name();
        String inner = json.substring(0, json.lastIndexOf('}')).stripTrailing() + ",\n  \"source_layout\": {\"" + node + "\": [0]}\n}\n";
        if (!g.outputs().contains(node)) {
            McugenException e2 = catchThrowableOfType(McugenException.class,
                    () -> ModelLoader.open(Files.writeString(tmp.resolve("inner.json"), inner)));
            assertThat(e2.diag()).isEqualTo(Diag.MCG_GRAPH_ATTR);
            assertThat(e2.getMessage()).contains("neither a model input nor an output");
        }
    }
}
