package dev.mcugen.scale.ff;

import dev.mcugen.ir.Node;
import dev.mcugen.ir.quant.QNode;
import dev.mcugen.ir.quant.QReshape;
import dev.mcugen.ir.quant.QuantType;
import dev.mcugen.scale.LoweringContext;
import dev.mcugen.scale.Recipe;
import dev.mcugen.scale.RecipeContext;

import java.util.List;

/** Flatten, Reshape, Dropout and the linear activation: {@code EqualScale(x, layer)}, a {@link QReshape} view. */
final class ViewRecipe implements Recipe {
    @Override
    public void declare(Node node, RecipeContext ctx) {
        EqualScale.declare(ctx, node.inputs().get(0), node.name());
    }

    @Override
    public List<QNode> lower(Node node, LoweringContext ctx) {
        String x = node.inputs().get(0);
        QuantType tin = ctx.solution().type(x);
        return EqualScale.finish(ctx, node.name(), node.outputShape(), tin, ctx.solution().type(node.name()),
                name -> new QReshape(name, x, node.outputShape(), tin));
    }
}
