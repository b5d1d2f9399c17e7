package dev.mcugen.scale;

import dev.mcugen.ir.Node;
import dev.mcugen.ir.quant.QNode;
import java.util.List;

/**
 * How one op is quantized: first it declares its tensors (activations, weights, biases, internal
 * gates and states) and the contracts between them; once the solver has fixed every scale it
 * lowers the node to integer ops with all their parameters.
 */
public interface Recipe {
    /** Declares the node's tensors and contracts into {@code ctx.system()}. */
    void declare(Node node, RecipeContext ctx);

    /** The integer ops for {@code node} under the solved types (usually one). */
    List<QNode> lower(Node node, LoweringContext ctx);
}
