package dev.mcugen.ir.tfjs;

import dev.mcugen.ir.Diag;
import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.McugenException;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Sorts manifest weights by layer. A weight name is {@code <layer>/<key>} (TF.js {@code model.save},
 * Keras 2 HDF5 via the converter) or {@code <layer>/<cell>/<key>} (RNN cells since TF 2.2, e.g.
 * {@code lstm/lstm_cell/kernel}); TF.js' {@code Container.loadWeights} drops the cell segment the same
 * way. The layer is the longest layer name followed by {@code /} at the start of the weight name (so
 * {@code dense_1/kernel} goes to {@code dense_1}, not {@code dense}); the key is the last segment
 * ({@code kernel}, {@code recurrent_kernel}, {@code bias}, {@code gamma}, {@code beta},
 * {@code moving_mean}, {@code moving_variance}). Optimizer weights ({@code "group": "optimizer"}) are
 * skipped. Weights that belong to no layer, or that a layer does not use, and weights given twice are
 * refused: a model file that does not match its own layers is not guessed at.
 */
final class LayerWeights {
    private final Map<String, Map<String, WeightDecoder.Decoded>> byLayer;

    private LayerWeights(Map<String, Map<String, WeightDecoder.Decoded>> byLayer) {
        this.byLayer = byLayer;
    }

    /** Assigns every model weight of {@code weights} to one of {@code layerNames}. */
    static LayerWeights assign(Collection<String> layerNames, List<WeightDecoder.Decoded> weights) {
        Map<String, Map<String, WeightDecoder.Decoded>> byLayer = new HashMap<>();
        Set<String> names = new HashSet<>();
        for (WeightDecoder.Decoded d : weights) {
            String name = d.entry().name();
            if (!names.add(name)) {
                throw new McugenException(Diag.MCG_IMPORT_WEIGHT_DUPLICATE, d.entry().subject(),
                        "appears twice in the weightsManifest; each weight must be listed once");
            }
            if (d.entry().optimizer()) {
                continue;
            }
            String layer = owner(layerNames, name);
            if (layer == null) {
                throw new McugenException(Diag.MCG_IMPORT_WEIGHT_UNUSED, d.entry().subject(),
                        "belongs to no layer of the model (weight names start with their layer's name and '/');"
                                + " the weightsManifest does not match the modelTopology");
            }
            String key = name.substring(name.lastIndexOf('/') + 1);
            WeightDecoder.Decoded before = byLayer.computeIfAbsent(layer, k -> new LinkedHashMap<>()).put(key, d);
            if (before != null) {
                throw new McugenException(Diag.MCG_IMPORT_WEIGHT_DUPLICATE, d.entry().subject(), "gives layer '" + layer
                        + "' its '" + key + "' a second time (also '" + before.entry().name() + "')");
            }
        }
        return new LayerWeights(byLayer);
    }

    /**
     * The weights of {@code layer} by key, refusing any the layer's configuration does not use
     * ({@code uses}: the keys it stores, in any order).
     */
    Map<String, FloatTensor> of(LayerConfig layer, Set<String> uses) {
        Map<String, FloatTensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, WeightDecoder.Decoded> e : byLayer.getOrDefault(layer.name(), Map.of()).entrySet()) {
            if (!uses.contains(e.getKey())) {
                throw new McugenException(Diag.MCG_IMPORT_WEIGHT_UNUSED, layer.subject(), "does not use weight '"
                        + e.getValue().entry().name() + "'; its configuration stores only " + uses
                        + ", so the weightsManifest does not match the layer");
            }
            out.put(e.getKey(), e.getValue().value());
        }
        return out;
    }

    private static String owner(Collection<String> layerNames, String weightName) {
        String best = null;
        for (String layer : layerNames) {
            if (weightName.startsWith(layer + "/") && (best == null || layer.length() > best.length())) {
                best = layer;
            }
        }
        return best;
    }
}
