package dev.mcugen.scale.ff;

import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Node;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.WeightSpecs;
import dev.mcugen.ir.quant.QNode;
import dev.mcugen.ir.quant.QuantType;
import dev.mcugen.scale.LoweringContext;
import dev.mcugen.scale.Recipe;
import dev.mcugen.scale.RecipeContext;

import java.util.List;

/**
 * The stand-alone LeakyReLU, PReLU, ELU and general hard sigmoid layers: input and output with
 * their own calibrated types ({@code Coverage}), the integer op from {@link PointwiseStage}. PReLU's
 * alpha, broadcast over the shared axes, becomes one slope per element of the input's shortest tail
 * that repeats (one per channel for {@code shared_axes} covering every axis but the last).
 */
final class PointwiseRecipe implements Recipe {
    @Override
    public void declare(Node node, RecipeContext ctx) {
        Specs.input(ctx, node.inputs().get(0));
        Specs.activation(ctx, node.name());
    }

    @Override
    public List<QNode> lower(Node node, LoweringContext ctx) {
        String x = node.inputs().get(0);
        QuantType tin = ctx.solution().type(x);
        QuantType tout = ctx.solution().type(node.name());
        Shape shape = node.outputShape();
        if (node.op() instanceof Op.PRelu) {
            return List.of(PointwiseStage.prelu(ctx, node.name(), x, tin, shape, tout,
                    slopes(node.weight("alpha"), ctx.graph().shapes().get(x))));
        }
        return List.of(PointwiseStage.lower(ctx, node.name(), x, tin, shape, tout, node.op()));
    }

    /** PReLU's slopes for the elements of the input's shortest repeating tail ({@link WeightSpecs#preluTailIndex}). */
    static double[] slopes(FloatTensor alpha, Shape x) {
        int[] idx = WeightSpecs.preluTailIndex(alpha.shape(), x);
        double[] out = new double[idx.length];
        for (int i = 0; i < idx.length; i++) {
            out[i] = alpha.get(idx[i]);
        }
        return out;
    }
}
