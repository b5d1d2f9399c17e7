package dev.mcugen.ir.h5;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.ModelLoader;
import dev.mcugen.ir.Node;
import dev.mcugen.ir.tfjs.TfjsImporter;
import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keras {@code Bidirectional} and {@code TimeDistributed} read from Keras' own files, written here
 * with jhdf from the TF.js fixture {@code bidi_lstm_concat_seq} (Bidirectional(LSTM) then
 * TimeDistributed(Dense)) in the layouts Keras uses: a Keras 2 {@code .h5}
 * ({@code weight_names} such as {@code bidi/forward_lstm/lstm_cell/kernel:0}, and the positional form),
 * and a Keras 3 {@code .keras} archive (the config's {@code layer} is the forward layer named
 * {@code forward_lstm}, {@code backward_layer} is given; variables under
 * {@code layers/bidirectional/forward_layer/cell/vars} and {@code backward_layer/cell/vars}, the wrapped
 * Dense's under {@code layers/time_distributed/layer/vars}, as Keras 3's saving walks the layers'
 * attributes). Each must give the graph the TF.js model gives.
 */
class KerasBidirectionalH5Test {
    static final Path FIXTURE = Path.of("src/test/resources/tfjs/bidi_lstm_concat_seq");
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private static Object nested(FloatTensor t) {
        int[] d = t.shape().toArray();
        float[] v = t.toArray();
        if (d.length == 1) {
            return v;
        }
        float[][] m = new float[d[0]][d[1]];
        for (int r = 0; r < d[0]; r++) {
            System.arraycopy(v, r * d[1], m[r], 0, d[1]);
        }
        return m;
    }

    private static void put(WritableGroup g, String path, FloatTensor t) {
        String[] seg = path.split("/");
        WritableGroup at = g;
        for (int i = 0; i < seg.length - 1; i++) {
            WritableGroup next = (WritableGroup) at.getChild(seg[i]);
            at = next != null ? next : at.putGroup(seg[i]);
        }
        Object data = nested(t);
        if (data instanceof float[] f) {
            at.putDataset(seg[seg.length - 1], f);
        } else {
            at.putDataset(seg[seg.length - 1], (float[][]) data);
        }
    }

    private static JsonNode topology() throws IOException {
        return JSON.readTree(FIXTURE.resolve("model.json").toFile()).get("modelTopology");
    }

    /** Keras 2 HDF5: one group per layer, weights at the paths weight_names lists. */
    private Path keras2(Graph want, boolean positional) throws IOException {
        Path f = tmp.resolve(positional ? "positional.h5" : "named.h5");
        try (WritableHdfFile h = HdfFile.write(f)) {
            h.putAttribute("model_config", JSON.writeValueAsString(topology()));
            h.putAttribute("keras_version", "2.15.0");
            h.putAttribute("backend", "tensorflow");
            WritableGroup mw = h.putGroup("model_weights");
            mw.putAttribute("layer_names", new String[] {"bidi", "td"});
            List<String> names = new ArrayList<>();
            WritableGroup bidi = mw.putGroup("bidi");
            for (String dir : List.of("forward_lstm", "backward_lstm")) {
                Node n = want.node("bidi/" + dir).orElseThrow();
                int k = 0;
                for (String key : List.of("kernel", "recurrent_kernel", "bias")) {
                    String name = positional ? "bidi/" + dir + "/" + k++ : "bidi/" + dir + "/lstm_cell/" + key + ":0";
                    put(bidi, name, n.weight(key));
                    names.add(name);
                }
            }
            bidi.putAttribute("weight_names", names.toArray(String[]::new));
            WritableGroup td = mw.putGroup("td");
            Node dense = want.node("td").orElseThrow();
            put(td, "td/kernel:0", dense.weight("kernel"));
            put(td, "td/bias:0", dense.weight("bias"));
            td.putAttribute("weight_names", new String[] {"td/kernel:0", "td/bias:0"});
        }
        return f;
    }

    @Test
    void keras2H5WithNamedWeightsGivesTheTfjsGraph() throws IOException {
        Graph want = TfjsImporter.load(FIXTURE);
        assertThat(ModelLoader.load(keras2(want, false))).isEqualTo(want);
    }

    @Test
    void keras2H5WithPositionalWeightsCountsWithinEachDirection() throws IOException {
        Graph want = TfjsImporter.load(FIXTURE);
        assertThat(ModelLoader.load(keras2(want, true))).isEqualTo(want);
    }

    /** The fixture as Keras 3 configures it: forward layer named forward_lstm, backward_layer given, sigmoid gates. */
    private static JsonNode keras3Topology() throws IOException {
        JsonNode t = topology().deepCopy();
        ObjectNode bidi = (ObjectNode) t.at("/config/layers/0/config");
        ObjectNode fwd = (ObjectNode) bidi.at("/layer/config");
        fwd.put("name", "forward_lstm");
        fwd.put("recurrent_activation", "sigmoid"); // Keras 3's hard_sigmoid is another function
        ObjectNode back = bidi.get("layer").deepCopy();
        ((ObjectNode) back.get("config")).put("name", "backward_lstm").put("go_backwards", true);
        bidi.set("backward_layer", back);
        return t;
    }

    @Test
    void keras3ArchiveGivesTheGraphOfTheSameConfigurationInTfjs() throws IOException {
        // the expected graph: the TF.js folder with the Keras 3 configuration (same weights, same names)
        Path dir = tmp.resolve("tfjs");
        Files.createDirectories(dir);
        try (Stream<Path> files = Files.list(FIXTURE)) {
            files.forEach(p -> {
                try {
                    Files.copy(p, dir.resolve(p.getFileName()));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        ObjectNode model = (ObjectNode) JSON.readTree(FIXTURE.resolve("model.json").toFile());
        model.set("modelTopology", keras3Topology());
        Files.writeString(dir.resolve("model.json"), JSON.writeValueAsString(model));
        Graph want = TfjsImporter.load(dir);
        assertThat(want.node("bidi/forward_lstm")).isPresent();
        assertThat(want.node("bidi/backward_lstm")).isPresent();

        Path weights = tmp.resolve("model.weights.h5");
        try (WritableHdfFile h = HdfFile.write(weights)) {
            WritableGroup layers = h.putGroup("layers");
            WritableGroup bidi = layers.putGroup("bidirectional");
            for (String dir2 : List.of("forward", "backward")) {
                Node n = want.node("bidi/" + dir2 + "_lstm").orElseThrow();
                WritableGroup vars = bidi.putGroup(dir2 + "_layer").putGroup("cell").putGroup("vars");
                put(vars, "0", n.weight("kernel"));
                put(vars, "1", n.weight("recurrent_kernel"));
                put(vars, "2", n.weight("bias"));
            }
            WritableGroup vars = layers.putGroup("time_distributed").putGroup("layer").putGroup("vars");
            put(vars, "0", want.node("td").orElseThrow().weight("kernel"));
            put(vars, "1", want.node("td").orElseThrow().weight("bias"));
        }
        Path f = tmp.resolve("model.keras");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(f))) {
            zip.putNextEntry(new ZipEntry("metadata.json"));
            zip.write("{\"keras_version\": \"3.6.0\"}".getBytes(StandardCharsets.UTF_8));
            zip.putNextEntry(new ZipEntry("config.json"));
            zip.write(JSON.writeValueAsBytes(keras3Topology()));
            zip.putNextEntry(new ZipEntry("model.weights.h5"));
            zip.write(Files.readAllBytes(weights));
        }
        Graph got = ModelLoader.load(f);
        assertThat(got.nodes()).isEqualTo(want.nodes());
        assertThat(((ArrayNode) keras3Topology().at("/config/layers"))).hasSize(2);
    }
}
