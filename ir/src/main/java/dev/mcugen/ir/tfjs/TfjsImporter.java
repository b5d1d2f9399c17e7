package dev.mcugen.ir.tfjs;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcugen.ir.Diag;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.ImportedModel;
import dev.mcugen.ir.ModelLoader;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.Text;
import dev.mcugen.ir.keras.KerasGraphs;
import dev.mcugen.ir.keras.KerasTopology;
import dev.mcugen.ir.keras.LayerWeights;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Imports a TensorFlow.js layers model: the {@code model.json} that {@code tensorflowjs_converter}
 * writes from Keras ({@code --output_format tfjs_layers_model}) or that TF.js {@code model.save}
 * writes, with its weight shards. The file is
 * {@code {"format": "layers-model", "modelTopology": {...}, "weightsManifest": [...]}}
 * (tfjs-core {@code io/types.ts}, {@code ModelJSON}); older TF.js writes no {@code format}.
 * This package reads only the JSON wrapper, the manifest and the shards ({@link WeightsManifest} /
 * {@link ShardReader} / {@link WeightDecoder}); the Keras configuration goes through the mapping shared
 * with Keras {@code .h5} and {@code .keras} in {@code dev.mcugen.ir.keras} ({@link KerasTopology} for the
 * topology, {@link LayerWeights} for how weights find their layers, {@code LayerMapper} for the layers).
 *
 * <p>Every failure is a {@link McugenException} whose subject starts with the model file's path.
 */
public final class TfjsImporter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TfjsImporter() {
    }

    /**
     * Reads {@code modelJson} (or {@code model.json} inside it, if it is a folder) and its shards into
     * a {@link Graph} whose nodes are named after the Keras layers and whose inputs are named after the
     * InputLayers.
     */
    public static Graph load(Path modelJson) {
        return open(modelJson).graph();
    }

    /** {@link #load}, with the Keras class of each layer as its source op. */
    public static ImportedModel open(Path modelJson) {
        Path file = Files.isDirectory(modelJson) ? modelJson.resolve("model.json") : modelJson;
        String where = file.toString();
        if (!Files.isRegularFile(file)) {
            throw new McugenException(Diag.MCG_IO_NOT_FOUND, where,
                    "no such file; give the model.json written by tensorflowjs_converter or TF.js model.save");
        }
        JsonNode root = readJson(file);
        try {
            return importModel(file, root);
        } catch (McugenException e) {
            throw e.within(where);
        }
    }

    private static JsonNode readJson(Path file) {
        try {
            JsonNode root = JSON.readTree(file.toFile());
            if (root == null || root.isMissingNode()) {
                throw new McugenException(Diag.MCG_IMPORT_JSON, file.toString(), "is empty; expected a TF.js model.json");
            }
            return root;
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String position = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new McugenException(Diag.MCG_IMPORT_JSON, file.toString(), "is not valid JSON" + position + ": "
                    + Text.clip(String.valueOf(e.getOriginalMessage()).replaceAll("\\s+", " "), 200), e);
        } catch (IOException e) {
            throw new McugenException(Diag.MCG_IO_FAILED, file.toString(), "cannot be read: " + e.getMessage(), e);
        }
    }

    private static ImportedModel importModel(Path file, JsonNode root) {
        checkFormat(root);
        KerasTopology topology = KerasTopology.parse(root.get("modelTopology"));
        List<WeightsManifest.Group> groups = WeightsManifest.parse(root.get("weightsManifest"));
        Path folder = file.toAbsolutePath().getParent();
        ShardReader shards = new ShardReader(folder);
        List<LayerWeights.Named> named = new ArrayList<>();
        for (WeightsManifest.Group g : groups) {
            for (WeightDecoder.Decoded d : WeightDecoder.decode(g, shards.read(g))) {
                // Optimizer state is loaded apart from the model by TF.js; it is no layer's weight.
                if (!d.entry().optimizer()) {
                    named.add(new LayerWeights.Named(d.entry().name(), d.value(), d.entry().subject()));
                }
            }
        }
        checkNoDuplicates(groups);
        // Weight names start with the layer's own name; an inlined nested model's layers keep theirs.
        Map<String, String> prefixes = new LinkedHashMap<>();
        for (KerasTopology.Layer l : topology.layers()) {
            prefixes.put(l.name(), l.name());
        }
        for (KerasTopology.Layer l : topology.layers()) {
            prefixes.putIfAbsent(l.sourceName(), l.name());
        }
        LayerWeights weights = LayerWeights.assign(prefixes, named, "the weightsManifest");
        return KerasGraphs.build(topology, folder.getFileName().toString(), isKeras3(root, topology),
                ModelLoader.Format.TFJS_LAYERS, (layer, stored) -> weights.of(layer.config(), new HashSet<>(stored)));
    }

    /** A weight listed twice (optimizer entries included) makes the manifest ambiguous. */
    private static void checkNoDuplicates(List<WeightsManifest.Group> groups) {
        Set<String> names = new HashSet<>();
        for (WeightsManifest.Group g : groups) {
            for (WeightsManifest.Entry e : g.entries()) {
                if (!names.add(e.name())) {
                    throw new McugenException(Diag.MCG_IMPORT_WEIGHT_DUPLICATE, e.subject(),
                            "appears twice in the weightsManifest; each weight must be listed once");
                }
            }
        }
    }

    /** {@code format} must be "layers-model"; a file without it must at least not be a graph model. */
    private static void checkFormat(JsonNode root) {
        if (!root.isObject()) {
            throw new McugenException(Diag.MCG_IMPORT_FORMAT, "top level", "is not a JSON object; expected a TF.js model.json");
        }
        JsonNode format = root.get("format");
        JsonNode topology = root.get("modelTopology");
        boolean graphModel = format == null && topology != null && topology.has("node");
        if ((format != null && !"layers-model".equals(format.asText())) || graphModel) {
            throw new McugenException(Diag.MCG_IMPORT_FORMAT, "format", "is '" + (graphModel ? "graph-model" : format.asText())
                    + "'; mcugen reads TF.js layers models: convert the Keras model with tensorflowjs_converter"
                    + " --output_format tfjs_layers_model");
        }
        if (topology == null) {
            throw new McugenException(Diag.MCG_IMPORT_FORMAT, "modelTopology",
                    "is missing; this is not a TF.js layers model.json");
        }
    }

    /** Keras 3 wrote the model: its {@code hard_sigmoid} differs from Keras 2 and TF.js. */
    private static boolean isKeras3(JsonNode root, KerasTopology topology) {
        return topology.kerasVersion().startsWith("3.") || root.path("generatedBy").asText("").startsWith("keras v3");
    }
}
