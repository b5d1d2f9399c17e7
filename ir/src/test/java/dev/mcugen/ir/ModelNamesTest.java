package dev.mcugen.ir;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The C name of a model the user did not name, for the names each importer yields. */
class ModelNamesTest {
    private static final Path RES = Path.of("src/test/resources");

    @Test
    void frameworkDefaultsAreRecognised() {
        for (String d : new String[] {"sequential", "sequential_1", "model", "model_3", "functional_2", "main_graph",
                "torch_jit", "torch-jit-export", "main", "", "onnx", "tf2onnx"}) {
            assertThat(ModelNames.frameworkDefault(d)).as(d).isTrue();
        }
        for (String n : new String[] {"har_lstm", "kws_gru", "sequential_net", "my_model", "model_a"}) {
            assertThat(ModelNames.frameworkDefault(n)).as(n).isFalse();
        }
    }

    @Test
    void aModelsOwnNameIsKept() {
        ModelNames.Choice c = ModelNames.choose("har lstm", Path.of("x/model.json"));
        assertThat(c.id()).isEqualTo("har_lstm");
        assertThat(c.describe("har lstm")).isEqualTo("har_lstm (the model's name; --name sets another)");
    }

    @Test
    void aDefaultNameGivesWayToTheFileThenTheFolder() {
        assertThat(ModelNames.choose("sequential_1", Path.of("models/wake-word.v2.h5")).id()).isEqualTo("wake_word");
        ModelNames.Choice c = ModelNames.choose("sequential_1", Path.of("models/har_lstm/model.json"));
        assertThat(c.id()).isEqualTo("har_lstm");
        assertThat(c.describe("sequential_1")).isEqualTo("har_lstm (the folder name; the model's own name 'sequential_1' is a"
                + " framework default; --name sets another)");
        // A folder that is no identifier is made one, the way every name is.
        assertThat(ModelNames.choose("model", Path.of("2024 runs/model.keras")).id()).isEqualTo("m_2024_runs");
        // Nothing better anywhere: the model's name after all.
        assertThat(ModelNames.choose("model", Path.of("/model/model.tflite")).id()).isEqualTo("model");
    }

    /** TF.js names an unnamed tf.sequential() {@code sequential_1}: the folder names it here. */
    @Test
    void tfjs(@TempDir Path tmp) throws Exception {
        Path src = RES.resolve("tfjs/activation_elu");
        Path dir = Files.createDirectories(tmp.resolve("gesture_sensor"));
        try (var files = Files.list(src)) {
            for (Path f : files.toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        ObjectMapper om = new ObjectMapper();
        ObjectNode root = (ObjectNode) om.readTree(dir.resolve("model.json").toFile());
        ((ObjectNode) root.get("modelTopology").get("config")).put("name", "sequential_1");
        om.writeValue(dir.resolve("model.json").toFile(), root);
        Graph g = ModelLoader.load(dir.resolve("model.json"));
        assertThat(g.name()).isEqualTo("sequential_1");
        assertThat(ModelNames.choose(g.name(), dir.resolve("model.json")).id()).isEqualTo("gesture_sensor");
    }

    /** Keras names an unnamed Sequential {@code sequential} (functional models {@code functional}). */
    @Test
    void keras(@TempDir Path tmp) throws Exception {
        for (String name : new String[] {"sequential", "functional_2"}) {
            Path file = Files.createDirectories(tmp.resolve("doorbell_" + name)).resolve("model.keras");
            renameKeras(RES.resolve("keras/dense_relu.keras"), file, name);
            Graph g = ModelLoader.load(file);
            assertThat(g.name()).isEqualTo(name);
            assertThat(ModelNames.choose(g.name(), file).id()).isEqualTo("doorbell_" + name);
            Path named = tmp.resolve("vibration_" + name + ".keras");
            Files.copy(file, named);
            assertThat(ModelNames.choose(ModelLoader.load(named).name(), named).id()).isEqualTo("vibration_" + name);
        }
    }

    /** PyTorch's ONNX export names the graph {@code torch_jit} (these fixtures come from torch.onnx.export). */
    @Test
    void onnx(@TempDir Path tmp) throws Exception {
        Path file = RES.resolve("onnx/activations_op13.onnx");
        Graph g = ModelLoader.load(file);
        assertThat(g.name()).isEqualTo("torch_jit");
        assertThat(ModelNames.choose(g.name(), file).id()).isEqualTo("activations_op13");
        Path model = Files.createDirectories(tmp.resolve("kws")).resolve("model.onnx");
        Files.copy(file, model);
        assertThat(ModelNames.choose(ModelLoader.load(model).name(), model).id()).isEqualTo("kws");
    }

    /** A .tflite file carries no model name: the importer names the graph after the file, and model.tflite after its folder. */
    @Test
    void tflite() {
        Path file = RES.resolve("tflite/conv1d_pool1d/model.tflite");
        Graph g = ModelLoader.load(file);
        assertThat(g.name()).isEqualTo("model");
        assertThat(ModelNames.choose(g.name(), file).id()).isEqualTo("conv1d_pool1d");
    }

    /** Copies a .keras archive with the model's name in config.json replaced. */
    private static void renameKeras(Path from, Path to, String name) throws Exception {
        ObjectMapper om = new ObjectMapper();
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(from));
             OutputStream os = Files.newOutputStream(to); ZipOutputStream out = new ZipOutputStream(os)) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                byte[] data = readAll(in);
                if (e.getName().equals("config.json")) {
                    ObjectNode cfg = (ObjectNode) om.readTree(data);
                    ((ObjectNode) cfg.get("config")).put("name", name);
                    data = om.writeValueAsString(cfg).getBytes(StandardCharsets.UTF_8);
                }
                out.putNextEntry(new ZipEntry(e.getName()));
                out.write(data);
                out.closeEntry();
            }
        }
    }

    private static byte[] readAll(InputStream in) throws Exception {
        return in.readAllBytes();
    }
}
