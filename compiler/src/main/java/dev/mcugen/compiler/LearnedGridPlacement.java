package dev.mcugen.compiler;

import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.LearnedGrids;
import dev.mcugen.ir.Node;
import dev.mcugen.ir.calib.CalibrationResult;
import dev.mcugen.ir.calib.TensorRange;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The grids and ranges a model file states ({@link LearnedGrids}), carried onto the graph that is quantized:
 * batch normalization and stand-alone activations fold into the layer before them first, and a folded layer
 * may take another layer's name.
 */
final class LearnedGridPlacement {
    private LearnedGridPlacement() {
    }

    /**
     * The grids of {@code folded}'s weights: a weight keeps its grid under its layer's name, or under the
     * name the fold gave the layer when it holds the same values. A weight that folding changed (a batch
     * normalization multiplied into it) is no longer on its grid and keeps none.
     */
    static LearnedGrids onFolded(Graph original, Graph folded, LearnedGrids grids) {
        if (grids.weights().isEmpty()) {
            return grids;
        }
        List<LearnedGrids.WeightGrid> placed = new ArrayList<>();
        for (Node n : folded.nodes()) {
            for (Map.Entry<String, FloatTensor> w : n.weights().entrySet()) {
                String key = w.getKey();
                // The layer of the same name first, then one the fold renamed: either holding these very values.
                Optional<LearnedGrids.WeightGrid> g = java.util.stream.Stream.concat(original.node(n.name()).stream(),
                                original.nodes().stream())
                        .filter(o -> w.getValue().equals(o.weights().get(key)))
                        .map(o -> grids.weight(o.name(), key))
                        .flatMap(Optional::stream).findFirst();
                g.ifPresent(x -> placed.add(new LearnedGrids.WeightGrid(n.name(), key, x.bits(), x.scales(), x.source())));
            }
        }
        return new LearnedGrids(placed, grids.ranges());
    }

    /**
     * {@code corrected} (bias correction applied to {@code g}) with the layers whose weights have a learned grid
     * as they were in {@code g}: their weights are exactly on the grid, so rounding leaves no error to correct.
     */
    static Graph uncorrected(Graph g, Graph corrected, LearnedGrids grids) {
        if (grids.weights().isEmpty() || g == corrected) {
            return corrected;
        }
        List<Node> nodes = new ArrayList<>();
        for (Node n : corrected.nodes()) {
            boolean learned = grids.weights().stream().anyMatch(w -> w.layer().equals(n.name()));
            nodes.add(learned ? g.node(n.name()).orElse(n) : n);
        }
        return new Graph(corrected.name(), corrected.inputs(), nodes, corrected.outputs());
    }

    /** {@code c} with each tensor's range replaced by the range the file states for it, where it has one. */
    static CalibrationResult withRanges(CalibrationResult c, LearnedGrids grids) {
        if (grids.ranges().isEmpty()) {
            return c;
        }
        List<TensorRange> ranges = new ArrayList<>();
        for (TensorRange r : c.ranges()) {
            Optional<LearnedGrids.RangeHint> h = grids.ranges().stream().filter(x -> x.tensor().equals(r.tensor())).findFirst();
            ranges.add(h.map(x -> new TensorRange(r.tensor(), (float) x.min(), (float) x.max(), r.count(), r.mean(),
                    r.meanAbs(), r.histogram())).orElse(r));
        }
        return new CalibrationResult(c.samples(), ranges, c.magnitudes(), c.channelMeans(), c.inputMoments());
    }
}
