package dev.mcugen.scale;

import dev.mcugen.ir.Graph;
import java.util.ArrayList;
import java.util.List;

/**
 * What a recipe sees while lowering: the solved types, the options and the float graph; recipes
 * record the overflow proof of each accumulator they create with {@link #bound}.
 */
public final class LoweringContext {
    private final Graph graph;
    private final Solution solution;
    private final QuantOptions options;
    private final List<AccumulatorBound> bounds = new ArrayList<>();

    public LoweringContext(Graph graph, Solution solution, QuantOptions options) {
        this.graph = graph;
        this.solution = solution;
        this.options = options;
    }

    public Graph graph() {
        return graph;
    }

    public Solution solution() {
        return solution;
    }

    public QuantOptions options() {
        return options;
    }

    public void bound(AccumulatorBound b) {
        bounds.add(b);
    }

    public List<AccumulatorBound> bounds() {
        return List.copyOf(bounds);
    }
}
