package dev.mcugen.ir;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.mcugen.ir.json.GraphJson;
import dev.mcugen.ir.tfjs.TfjsImporter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Opens a model in any format mcugen reads, telling them apart by content: a TF.js layers model
 * has {@code modelTopology}, an mcugen graph has {@code "format": "mcugen-graph"}. A folder stands
 * for the {@code model.json} inside it.
 */
public final class ModelLoader {
    private ModelLoader() {
    }

    /** The formats {@link #load} recognizes. */
    public enum Format {
        TFJS_LAYERS("TF.js layers"),
        MCUGEN_GRAPH("mcugen graph JSON");

        private final String label;

        Format(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    public static Graph load(Path model) {
        Path file = resolve(model);
        return switch (detect(file)) {
            case TFJS_LAYERS -> TfjsImporter.load(file);
            case MCUGEN_GRAPH -> GraphJson.read(file);
        };
    }

    /** The model file {@code model} names: itself, or {@code model.json} in a folder. */
    public static Path resolve(Path model) {
        Path file = Files.isDirectory(model) ? model.resolve("model.json") : model;
        if (!Files.isRegularFile(file)) {
            throw new McugenException(Diag.MCG_IO_NOT_FOUND, file.toString(),
                    "no such model file; give the path of a model.json (TF.js layers or mcugen graph JSON)");
        }
        return file;
    }

    /** Looks at the top-level keys of the JSON object in {@code file} (streaming, weights not parsed). */
    public static Format detect(Path file) {
        try (JsonParser p = new JsonFactory().createParser(file.toFile())) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw notAModel(file);
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                JsonToken value = p.nextToken();
                if (key.equals("modelTopology")) {
                    return Format.TFJS_LAYERS;
                }
                if (key.equals("format") && value == JsonToken.VALUE_STRING) {
                    String f = p.getText();
                    if (f.equals("mcugen-graph")) {
                        return Format.MCUGEN_GRAPH;
                    }
                    if (!f.equals("layers-model")) {
                        throw new McugenException(Diag.MCG_IMPORT_FORMAT, file.toString(), "is a '" + f
                                + "' model; mcugen reads TF.js layers models (layers-model) and mcugen graph JSON"
                                + (f.equals("graph-model") ? " (convert from Keras with --output_format=tfjs_layers_model)" : ""));
                    }
                }
                p.skipChildren();
            }
            throw notAModel(file);
        } catch (IOException e) {
            throw new McugenException(Diag.MCG_IMPORT_JSON, file.toString(), "is not valid JSON: "
                    + e.getMessage().replaceAll("\\s*\\R.*", ""), e);
        }
    }

    private static McugenException notAModel(Path file) {
        return new McugenException(Diag.MCG_IMPORT_FORMAT, file.toString(),
                "is neither a TF.js layers model (no 'modelTopology') nor an mcugen graph (no \"format\": \"mcugen-graph\")");
    }
}
