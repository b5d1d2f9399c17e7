package dev.mcugen.ir.h5;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcugen.ir.Diag;
import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.ImportedModel;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.ModelLoader;
import dev.mcugen.ir.Text;
import dev.mcugen.ir.keras.KerasGraphs;
import dev.mcugen.ir.keras.KerasTopology;
import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Imports Keras {@code .h5} files and Keras 3 {@code .keras} archives, read with jhdf (pure Java HDF5).
 * The model configuration goes through the Keras mapping shared with TF.js ({@code dev.mcugen.ir.keras}),
 * so a layer supported in one format is supported in all; this class only finds the configuration
 * and the weights.
 * <ul>
 *   <li>{@code .h5} (Keras 2 {@code model.save}, Keras 3 {@code legacy_h5_format}): root attributes
 *       {@code model_config} (JSON), {@code keras_version}, {@code backend}; weights in
 *       {@code model_weights/<layer>/}, whose attribute {@code weight_names} lists dataset paths relative to
 *       that group ({@code dense/kernel:0}, {@code lstm/lstm_cell/kernel:0}; Keras 3 drops {@code :0}, and
 *       may write positional {@code .../vars/<i>}). A nested model's group holds the weights of all its
 *       layers, named after the inner layers.</li>
 *   <li>{@code .keras} (Keras 3 {@code saving_lib}): zip with {@code config.json}, {@code metadata.json},
 *       {@code model.weights.h5}; the variables of a layer are {@code <path>/vars/<i>}, path
 *       {@code layers/<snake_case class>[_<n>]} (see {@link KerasTopology.Layer#weightPath()}), an RNN's
 *       in {@code <path>/cell/vars/<i>}.</li>
 * </ul>
 * Positional weights are counted in Keras' variable order for the layer's configuration (kernel,
 * recurrent_kernel, bias; gamma, beta, moving_mean, moving_variance, without those the configuration
 * turns off). Every failure is a {@link McugenException} whose subject starts with the file's path.
 */
public final class KerasH5Importer {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> RNN = Set.of("SimpleRNN", "LSTM", "GRU");
    private static final Pattern POSITIONAL = Pattern.compile("(?:^|/)vars/(\\d{1,6})$");
    private static final Pattern TF_SUFFIX = Pattern.compile(":\\d+$");

    private KerasH5Importer() {
    }

    /** Reads a Keras HDF5 model file ({@code model.save('x.h5')}). */
    public static ImportedModel loadH5(Path file) {
        String where = file.toString();
        long size = fileSize(file);
        try (HdfFile h5 = HdfFile.fromByteBuffer(map(file, size))) {
            return fromH5(h5, size, file);
        } catch (McugenException e) {
            throw e.within(where);
        } catch (RuntimeException e) {
            throw corrupt(where, e);
        }
    }

    /** Reads a Keras 3 {@code .keras} archive ({@code model.save('x.keras')}). */
    public static ImportedModel loadKerasArchive(Path file) {
        String where = file.toString();
        try {
            KerasArchive archive = KerasArchive.read(file);
            JsonNode config = json(archive.config, KerasArchive.CONFIG);
            String version = "";
            if (archive.metadata != null) {
                version = json(archive.metadata, KerasArchive.METADATA).path("keras_version").asText("");
            }
            KerasTopology topology = KerasTopology.parseModel(config, version);
            HdfFile h5;
            try {
                h5 = HdfFile.fromBytes(archive.weights);
            } catch (RuntimeException e) {
                throw corrupt(KerasArchive.WEIGHTS, e);
            }
            try (h5) {
                return KerasGraphs.build(topology, baseName(file), !version.startsWith("2."), ModelLoader.Format.KERAS_V3,
                        (layer, stored) -> archiveWeights(h5, archive.weights.length, layer, stored));
            } catch (McugenException e) {
                throw e;
            } catch (RuntimeException e) {
                throw corrupt(KerasArchive.WEIGHTS, e);
            }
        } catch (McugenException e) {
            throw e.within(where);
        }
    }

    // --- .h5 -----------------------------------------------------------------------------------------

    private static ImportedModel fromH5(HdfFile h5, long size, Path file) {
        String modelConfig = H5Reads.string(h5, "model_config", size);
        if (modelConfig == null) {
            boolean weightsOnly = h5.getAttribute("layer_names") != null || h5.getChildren().containsKey("model_weights");
            throw new McugenException(Diag.MCG_IMPORT_FORMAT, "model_config", weightsOnly
                    ? "is absent: this is a weights-only file (model.save_weights) without the model's architecture;"
                    + " save the whole model with model.save('model.h5') or model.save('model.keras')"
                    : "is absent: this HDF5 file is not a Keras model (no model_config attribute)");
        }
        JsonNode config = json(modelConfig.getBytes(StandardCharsets.UTF_8), "model_config");
        String version = H5Reads.string(h5, "keras_version", size);
        version = version == null ? "" : version;
        KerasTopology topology = KerasTopology.parseModel(config, version);
        Node mw = h5.getChildren().get("model_weights");
        Group weightsRoot = mw instanceof Group g ? g : h5;
        Map<String, List<Stored>> byNode = h5Weights(weightsRoot, topology, size);
        return KerasGraphs.build(topology, baseName(file), version.startsWith("3."), ModelLoader.Format.KERAS_H5,
                (layer, stored) -> resolve(layer, stored, byNode.getOrDefault(layer.name(), List.of())));
    }

    /** A weight read from a layer group, keyed by name ({@code kernel}) or by position ({@code vars/0}). */
    /**
     * @param direction for a Bidirectional layer's weight, "forward" or "backward" (its position then counts
     *                  within that direction's weights), else ""
     */
    private record Stored(String path, String key, int position, FloatTensor value, String direction) {
    }

    /**
     * Reads every layer group's weights and gives each to its node: the group of a plain layer holds that
     * layer's weights, the group of a nested model those of its inner layers, named after them.
     */
    private static Map<String, List<Stored>> h5Weights(Group root, KerasTopology topology, long size) {
        Map<String, List<KerasTopology.Layer>> byGroup = new LinkedHashMap<>();
        for (KerasTopology.Layer l : topology.layers()) {
            byGroup.computeIfAbsent(l.sourcePath().get(0), k -> new ArrayList<>()).add(l);
        }
        Map<String, List<Stored>> out = new HashMap<>();
        for (Map.Entry<String, Node> child : root.getChildren().entrySet()) {
            if (!(child.getValue() instanceof Group group)) {
                continue;
            }
            String groupName = child.getKey();
            List<String> names = H5Reads.chunkedStrings(group, "weight_names", size);
            if (names == null || names.isEmpty()) {
                continue;
            }
            List<KerasTopology.Layer> owners = byGroup.get(groupName);
            String gWho = "weights of '" + Text.clip(groupName, 80) + "'";
            if (owners == null) {
                throw new McugenException(Diag.MCG_IMPORT_WEIGHT_UNUSED, gWho, "belong to no layer of model_config"
                        + " that has weights; the file's weights do not match its model");
            }
            Map<String, Integer> positions = new HashMap<>();
            for (String raw : names) {
                String name = TF_SUFFIX.matcher(raw).replaceFirst("");
                String who = "weight '" + Text.clip(groupName + "/" + raw, 120) + "'";
                KerasTopology.Layer owner = owner(owners, name, who);
                Node n = at(group, raw);
                if (!(n instanceof Dataset d)) {
                    throw new McugenException(Diag.MCG_IMPORT_CORRUPT, who, "is listed in weight_names but is not a dataset"
                            + " of the file");
                }
                FloatTensor value = H5Reads.floats(d, size, owner.config().subject() + " " + who);
                Matcher m = POSITIONAL.matcher(name);
                String last = name.substring(name.lastIndexOf('/') + 1);
                // Without a vars/<i> name, a weight's position is its rank among its layer's weights.
                int index = positions.merge(owner.name(), 1, Integer::sum) - 1;
                String key = null;
                // bidirectional/forward_lstm/lstm_cell/kernel: the forward direction's kernel
                String direction = owner.config().className().equals("Bidirectional") ? direction(name) : "";
                boolean varsNamed = m.find();
                if (varsNamed) {
                    index = Integer.parseInt(m.group(1));
                } else if (!last.matches("\\d{1,6}")) {
                    // A key the layer does not use (depthwise_kernel...) is refused once the layer is mapped,
                    // so that an unsupported layer is reported as such.
                    key = direction.isEmpty() ? last : direction + "/" + last;
                }
                if (!direction.isEmpty() && !varsNamed) {
                    // the rank among that direction's weights
                    index = positions.merge(owner.name() + "/" + direction, 1, Integer::sum) - 1;
                }
                out.computeIfAbsent(owner.name(), k -> new ArrayList<>()).add(new Stored(who, key, index, value, direction));
            }
        }
        return out;
    }

    /**
     * "forward" or "backward" for a Bidirectional layer's weight named under its direction
     * ({@code forward_lstm/...} in Keras 2, {@code forward_layer/...} in Keras 3), else "".
     */
    private static String direction(String name) {
        String[] segments = name.split("/");
        for (int i = segments.length - 2; i >= 0; i--) {
            if (segments[i].startsWith("forward_")) {
                return "forward";
            }
            if (segments[i].startsWith("backward_")) {
                return "backward";
            }
        }
        return "";
    }

    /** The layer of a group that a weight name belongs to: the only one, or the inner layer it names. */
    private static KerasTopology.Layer owner(List<KerasTopology.Layer> owners, String name, String who) {
        if (owners.size() == 1 && owners.get(0).sourcePath().size() == 1) {
            return owners.get(0);
        }
        String[] segments = name.split("/");
        for (int i = segments.length - 2; i >= 0; i--) {
            for (KerasTopology.Layer l : owners) {
                if (l.sourceName().equals(segments[i])) {
                    return l;
                }
            }
        }
        throw new McugenException(Diag.MCG_IMPORT_WEIGHT_UNUSED, who, "names no layer of the nested model "
                + "it is stored with; the file's weights do not match its model");
    }

    /** A layer's weights by key: named ones as named, positional ones in Keras' variable order. */
    private static Map<String, FloatTensor> resolve(KerasTopology.Layer layer, List<String> stored, List<Stored> found) {
        Map<String, FloatTensor> out = new LinkedHashMap<>();
        boolean anyPositional = found.stream().anyMatch(s -> s.key() == null);
        for (Stored s : found) {
            String key = s.key();
            if (key == null || anyPositional) {
                // Keras 2 itself loads HDF5 weights by position; so do we once a name does not say. A
                // Bidirectional layer's positions count within each direction.
                List<String> order = s.direction().isEmpty() ? stored
                        : stored.stream().filter(k -> k.startsWith(s.direction() + "/")).toList();
                if (s.position() >= order.size()) {
                    throw new McugenException(Diag.MCG_IMPORT_WEIGHT_UNUSED, layer.config().subject(), s.path()
                            + " is weight #" + s.position() + ", but the configuration stores only " + order);
                }
                key = order.get(s.position());
            }
            if (!stored.contains(key)) {
                throw new McugenException(Diag.MCG_IMPORT_WEIGHT_UNUSED, layer.config().subject(), "does not use "
                        + s.path() + "; its configuration stores only " + stored);
            }
            if (out.put(key, s.value()) != null) {
                throw new McugenException(Diag.MCG_IMPORT_WEIGHT_DUPLICATE, layer.config().subject(),
                        "gets its '" + key + "' twice (again from " + s.path() + ")");
            }
        }
        return out;
    }

    // --- .keras ----------------------------------------------------------------------------------------

    private static Map<String, FloatTensor> archiveWeights(HdfFile h5, long size, KerasTopology.Layer layer,
                                                           List<String> stored) {
        if (stored.isEmpty()) {
            return Map.of();
        }
        String layerPath = layerGroup(h5, size, layer);
        String cls = layer.config().className();
        if (cls.equals("Bidirectional")) {
            // Keras 3 saves the two directions as the wrapper's forward_layer / backward_layer, each an RNN
            // with its cell: layers/<name>/forward_layer/cell/vars/<i>.
            Map<String, FloatTensor> out = new LinkedHashMap<>();
            for (String dir : List.of("forward", "backward")) {
                List<String> sub = stored.stream().filter(k -> k.startsWith(dir + "/"))
                        .map(k -> k.substring(dir.length() + 1)).toList();
                vars(h5, size, layer, layerPath + "/" + dir + "_layer/cell/vars", sub)
                        .forEach((k, v) -> out.put(dir + "/" + k, v));
            }
            return out;
        }
        String inner = cls.equals("TimeDistributed") ? "/layer" : RNN.contains(cls) ? "/cell" : "";
        return vars(h5, size, layer, layerPath + inner + "/vars", stored);
    }

    /** The variables {@code <path>/<i>} of {@code layer}, keyed by {@code stored.get(i)}. */
    private static Map<String, FloatTensor> vars(HdfFile h5, long size, KerasTopology.Layer layer, String path,
                                                 List<String> stored) {
        Node vars = at(h5, path);
        String who = KerasArchive.WEIGHTS + " group '" + path + "'";
        if (!(vars instanceof Group group)) {
            throw new McugenException(Diag.MCG_IMPORT_WEIGHT_MISSING, layer.config().subject(), "has no " + who
                    + " with its " + stored + "; the weights do not match config.json");
        }
        Map<String, FloatTensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Node> e : group.getChildren().entrySet()) {
            String name = e.getKey();
            String dWho = "weight '" + Text.clip(path + "/" + name, 120) + "'";
            if (!name.matches("\\d{1,6}") || Integer.parseInt(name) >= stored.size()) {
                throw new McugenException(Diag.MCG_IMPORT_WEIGHT_UNUSED, layer.config().subject(), dWho
                        + " is not one of the " + stored.size() + " variables " + stored + " its configuration stores");
            }
            if (!(e.getValue() instanceof Dataset d)) {
                throw new McugenException(Diag.MCG_IMPORT_CORRUPT, layer.config().subject() + " " + dWho, "is not a dataset");
            }
            out.put(stored.get(Integer.parseInt(name)), H5Reads.floats(d, size, layer.config().subject() + " " + dWho));
        }
        return out;
    }

    /**
     * Where {@code layer}'s state is in {@code model.weights.h5}: its saving_lib path (Keras 2.13-2.15 named
     * the container {@code _layer_checkpoint_dependencies}). Keras 3.6+ also stores each layer's name as
     * attribute {@code name} of its {@code vars} group; where that names another layer, the path rule did
     * not hold for this file, and the sibling whose {@code vars} carries the layer's name is taken instead.
     */
    private static String layerGroup(HdfFile h5, long size, KerasTopology.Layer layer) {
        String path = layer.weightPath();
        if (at(h5, path) == null && at(h5, path.replace("layers/", "_layer_checkpoint_dependencies/")) != null) {
            path = path.replace("layers/", "_layer_checkpoint_dependencies/");
        }
        String named = varsName(h5, path, size);
        if (named == null || named.equals(layer.sourceName())) {
            return path;
        }
        int slash = path.lastIndexOf('/');
        Node container = at(h5, path.substring(0, slash));
        if (container instanceof Group g) {
            for (String sibling : g.getChildren().keySet()) {
                String candidate = path.substring(0, slash + 1) + sibling;
                if (layer.sourceName().equals(varsName(h5, candidate, size))) {
                    return candidate;
                }
            }
        }
        throw new McugenException(Diag.MCG_IMPORT_WEIGHT_MISSING, layer.config().subject(), KerasArchive.WEIGHTS
                + " holds layer '" + Text.clip(named, 80) + "' at '" + Text.clip(path, 120)
                + "' and this layer nowhere; the weights do not match config.json");
    }

    /** The {@code name} attribute of {@code <path>/vars}, or null. */
    private static String varsName(HdfFile h5, String path, long size) {
        Node vars = at(h5, path + "/vars");
        return vars == null ? null : H5Reads.string(vars, "name", size);
    }

    // --- shared ----------------------------------------------------------------------------------------

    /** The node at a relative path, or null: walked by children, so a missing link is no exception. */
    private static Node at(Group g, String path) {
        Node n = g;
        for (String seg : path.split("/")) {
            if (seg.isEmpty()) {
                continue;
            }
            if (!(n instanceof Group group)) {
                return null;
            }
            n = group.getChildren().get(seg);
            if (n == null) {
                return null;
            }
        }
        return n;
    }

    private static JsonNode json(byte[] bytes, String what) {
        try {
            JsonNode n = JSON.readTree(bytes);
            if (n == null || !n.isObject()) {
                throw new McugenException(Diag.MCG_IMPORT_JSON, what, "is not a JSON object");
            }
            return n;
        } catch (JsonProcessingException e) {
            // Jackson's message goes on with a source location that says nothing here: keep its first clause.
            String why = String.valueOf(e.getOriginalMessage()).replaceAll("\\s+", " ").replaceAll(" ?\\(start marker.*|\\[Source.*", "");
            String at = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr();
            throw new McugenException(Diag.MCG_IMPORT_JSON, what, "is not valid JSON" + at + ": " + Text.clip(why, 160));
        } catch (IOException e) {
            throw new McugenException(Diag.MCG_IMPORT_JSON, what, "cannot be read: " + Text.clip(e.getMessage(), 160));
        }
    }

    private static long fileSize(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new McugenException(Diag.MCG_IO_FAILED, file.toString(), "cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * The file mapped read-only. jhdf reading through a FileChannel allocates a heap buffer of whatever
     * length a heap or object header in the file states before reading it (a 30 KB file asked for 700 MB);
     * over a mapped buffer it slices instead, and a length past the end fails as a corrupt file.
     */
    private static ByteBuffer map(Path file, long size) {
        if (size > Integer.MAX_VALUE) {
            throw new McugenException(Diag.MCG_IMPORT_FORMAT, file.toString(), "is " + size
                    + " bytes; mcugen reads Keras HDF5 files up to 2 GiB (a model for a microcontroller is far smaller)");
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
        } catch (IOException e) {
            throw new McugenException(Diag.MCG_IO_FAILED, file.toString(), "cannot be read: " + e.getMessage(), e);
        }
    }

    private static String baseName(Path file) {
        String n = file.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }

    /** jhdf's failure on a broken file, as one line (no stack trace reaches the user). */
    private static McugenException corrupt(String where, RuntimeException e) {
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new McugenException(Diag.MCG_IMPORT_CORRUPT, where, "is not a readable HDF5 file ("
                + Text.clip(msg.replaceAll("\\s+", " "), 160) + ")", e);
    }
}
