package dev.mcugen.ir.keras;

import dev.mcugen.ir.Diag;
import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.Text;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Sorts weights named {@code <layer>/<key>} by layer: TF.js manifests ({@code model.save}, or Keras 2
 * HDF5 via the converter) and the weight names of a Keras 2 HDF5 layer group. A name may carry a cell
 * segment ({@code <layer>/<cell>/<key>}, RNN cells since TF 2.2, e.g. {@code lstm/lstm_cell/kernel}),
 * which TF.js' {@code Container.loadWeights} drops the same way. The layer is the longest layer name
 * followed by {@code /} at the start of the weight name (so {@code dense_1/kernel} goes to
 * {@code dense_1}, not {@code dense}); the key is the last segment ({@code kernel},
 * {@code recurrent_kernel}, {@code bias}, {@code gamma}, {@code beta}, {@code moving_mean},
 * {@code moving_variance}). Weights that belong to no layer, or that a layer does not use, and weights
 * given twice are refused: a model file that does not match its own layers is not guessed at.
 */
public final class LayerWeights {
    /** One weight as the file names it; {@code subject} is how errors name it. */
    public record Named(String name, FloatTensor value, String subject) {
    }

    private final Map<String, Map<String, Named>> byNode;
    private final String source;

    private LayerWeights(Map<String, Map<String, Named>> byNode, String source) {
        this.byNode = byNode;
        this.source = source;
    }

    /**
     * Assigns every weight to the node whose name prefix it starts with.
     *
     * @param prefixes the name each node's weights start with (its name in the file) -> node name
     * @param source   what errors call the list of weights, e.g. "the weightsManifest"
     */
    public static LayerWeights assign(Map<String, String> prefixes, List<Named> weights, String source) {
        Map<String, Map<String, Named>> byNode = new HashMap<>();
        Set<String> names = new HashSet<>();
        for (Named d : weights) {
            String name = d.name();
            if (!names.add(name)) {
                throw new McugenException(Diag.MCG_IMPORT_WEIGHT_DUPLICATE, d.subject(),
                        "appears twice in " + source + "; each weight must be listed once");
            }
            String prefix = owner(prefixes.keySet(), name);
            if (prefix == null) {
                throw new McugenException(Diag.MCG_IMPORT_WEIGHT_UNUSED, d.subject(),
                        "belongs to no layer of the model (weight names start with their layer's name and '/');"
                                + " " + source + " does not match the model's layers");
            }
            String node = prefixes.get(prefix);
            String key = KerasWrappers.key(name.substring(prefix.length() + 1));
            Named before = byNode.computeIfAbsent(node, k -> new LinkedHashMap<>()).put(key, d);
            if (before != null) {
                throw new McugenException(Diag.MCG_IMPORT_WEIGHT_DUPLICATE, d.subject(), "gives layer '"
                        + Text.clip(node, 80) + "' its '" + Text.clip(key, 40) + "' a second time (also '"
                        + Text.clip(before.name(), 80) + "')");
            }
        }
        return new LayerWeights(byNode, source);
    }

    /**
     * The weights of {@code layer} by key, refusing any the layer's configuration does not use
     * ({@code uses}: the keys it stores, in any order).
     */
    public Map<String, FloatTensor> of(LayerConfig layer, Set<String> uses) {
        Map<String, FloatTensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Named> e : byNode.getOrDefault(layer.name(), Map.of()).entrySet()) {
            if (!uses.contains(e.getKey())) {
                throw new McugenException(Diag.MCG_IMPORT_WEIGHT_UNUSED, layer.subject(), "does not use weight '"
                        + Text.clip(e.getValue().name(), 80) + "'; its configuration stores only " + uses
                        + ", so " + source + " does not match the layer");
            }
            out.put(e.getKey(), e.getValue().value());
        }
        return out;
    }

    private static String owner(Set<String> prefixes, String weightName) {
        String best = null;
        for (String layer : prefixes) {
            if (weightName.startsWith(layer + "/") && (best == null || layer.length() > best.length())) {
                best = layer;
            }
        }
        return best;
    }
}
