package dev.mcugen.ir.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.mcugen.ir.ModelLoader;
import dev.mcugen.ir.h5.KerasH5Importer;
import dev.mcugen.ir.json.GraphJson;
import dev.mcugen.ir.npy.Npy;
import dev.mcugen.ir.onnx.OnnxImporter;
import dev.mcugen.ir.tfjs.TfjsImporter;
import dev.mcugen.ir.tflite.TfliteImporter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzz tests of every importer and of the format detection (issue 17, docs/fuzzing.md).
 * Without {@code JAZZER_FUZZ=1} each method replays its committed inputs in
 * {@code src/test/resources/dev/mcugen/ir/fuzz/ImporterFuzzTestInputs/<method>/} (seeds, minimized
 * variants and every finding), which is what {@code ./mvnw verify} runs. The @Timeout is the per-input
 * hard stop in both modes (Jazzer passes it to libFuzzer as {@code -timeout}).
 */
class ImporterFuzzTest {
    private static final Pattern PATHS = Pattern.compile("\"paths\"\\s*:\\s*\\[([^\\]]*)\\]");
    private static final Pattern SAFE_NAME = Pattern.compile("\"([A-Za-z0-9_-][A-Za-z0-9._-]{0,63})\"");

    @AfterAll
    static void cleanUp() {
        FuzzContract.cleanUp();
    }

    /** Any bytes, as {@code mcugen build FILE} gets them: detection, then whichever importer it picks. */
    @FuzzTest(maxDuration = "10m")
    @Timeout(30)
    void modelLoader(byte[] data) throws Exception {
        Path file = FuzzContract.write("model", data);
        FuzzContract.holds(() -> ModelLoader.open(file));
    }

    /**
     * A TF.js layers model: {@code model.json}, then after each {@link FuzzContract#MARK} the next shard
     * named in its weightsManifest, in order (names that are not plain file names get no file).
     */
    @FuzzTest(maxDuration = "10m")
    @Timeout(30)
    void tfjs(byte[] data) throws Exception {
        List<byte[]> parts = FuzzContract.split(data);
        Path json = FuzzContract.write("model.json", parts.get(0));
        List<String> shards = shardNames(new String(parts.get(0), StandardCharsets.UTF_8));
        for (int i = 0; i < shards.size() && i + 1 < parts.size(); i++) {
            Files.write(json.resolveSibling(shards.get(i)), parts.get(i + 1));
        }
        FuzzContract.holds(() -> TfjsImporter.open(json.getParent()));
    }

    /** mcugen graph JSON, and after a {@link FuzzContract#MARK} its external weights file. */
    @FuzzTest(maxDuration = "10m")
    @Timeout(30)
    void graphJson(byte[] data) throws Exception {
        List<byte[]> parts = FuzzContract.split(data);
        Path json = FuzzContract.write("graph.json", parts.get(0));
        if (parts.size() > 1) {
            Files.write(json.resolveSibling(GraphJson.externalWeightsName(json)), parts.get(1));
        }
        FuzzContract.holds(() -> GraphJson.open(json));
    }

    @FuzzTest(maxDuration = "10m")
    @Timeout(30)
    void npy(byte[] data) throws Exception {
        Path file = FuzzContract.write("data.npy", data);
        FuzzContract.holds(() -> Npy.read(file));
    }

    @FuzzTest(maxDuration = "10m")
    @Timeout(30)
    void kerasH5(byte[] data) throws Exception {
        Path file = FuzzContract.write("model.h5", data);
        FuzzContract.holds(() -> KerasH5Importer.loadH5(file));
    }

    @FuzzTest(maxDuration = "10m")
    @Timeout(30)
    void kerasArchive(byte[] data) throws Exception {
        Path file = FuzzContract.write("model.keras", data);
        FuzzContract.holds(() -> KerasH5Importer.loadKerasArchive(file));
    }

    @FuzzTest(maxDuration = "10m")
    @Timeout(30)
    void tflite(byte[] data) throws Exception {
        Path file = FuzzContract.write("model.tflite", data);
        FuzzContract.holds(() -> TfliteImporter.load(file));
    }

    @FuzzTest(maxDuration = "10m")
    @Timeout(30)
    void onnx(byte[] data) throws Exception {
        Path file = FuzzContract.write("model.onnx", data);
        FuzzContract.holds(() -> OnnxImporter.load(file));
    }

    /** The plain file names in the weightsManifest's "paths" lists, in order. */
    static List<String> shardNames(String json) {
        Set<String> names = new LinkedHashSet<>();
        Matcher lists = PATHS.matcher(json);
        while (lists.find()) {
            Matcher m = SAFE_NAME.matcher(lists.group(1));
            while (m.find()) {
                if (!m.group(1).equals("model.json")) {
                    names.add(m.group(1));
                }
            }
        }
        return List.copyOf(names);
    }
}
