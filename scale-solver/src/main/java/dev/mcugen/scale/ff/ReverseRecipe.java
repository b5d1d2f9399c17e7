package dev.mcugen.scale.ff;

import dev.mcugen.ir.Node;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.quant.QNode;
import dev.mcugen.ir.quant.QReverse;
import dev.mcugen.ir.quant.QuantType;
import dev.mcugen.scale.LoweringContext;
import dev.mcugen.scale.Recipe;
import dev.mcugen.scale.RecipeContext;

import java.util.List;

/**
 * Reverse (the time reversal of a bidirectional layer's backward direction):
 * {@code EqualScale(x, layer)}, a {@link QReverse} that copies integers without arithmetic.
 */
final class ReverseRecipe implements Recipe {
    @Override
    public void declare(Node node, RecipeContext ctx) {
        EqualScale.declare(ctx, node.inputs().get(0), node.name());
    }

    @Override
    public List<QNode> lower(Node node, LoweringContext ctx) {
        String x = node.inputs().get(0);
        int axis = ((Op.Reverse) node.op()).axis();
        QuantType tin = ctx.solution().type(x);
        return EqualScale.finish(ctx, node.name(), node.outputShape(), tin, ctx.solution().type(node.name()),
                name -> new QReverse(name, x, node.outputShape(), tin, axis));
    }
}
