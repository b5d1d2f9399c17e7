package dev.mcugen.scale.ff;

import dev.mcugen.ir.Node;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.PoolKind;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.quant.QGlobalPool;
import dev.mcugen.ir.quant.QNode;
import dev.mcugen.ir.quant.QuantType;
import dev.mcugen.ir.quant.Rescale;
import dev.mcugen.scale.AccumulatorBound;
import dev.mcugen.scale.LoweringContext;
import dev.mcugen.scale.OverflowProof;
import dev.mcugen.scale.Recipe;
import dev.mcugen.scale.RecipeContext;

import java.util.List;
import java.util.Optional;

/**
 * Global pooling. Max: {@code EqualScale(x, layer)}. Average: when the number of positions is
 * fixed by the model and rescales use multipliers, the mean gets its own (finer) type from its
 * calibrated range and one requantization by {@code s_x / (n s_y)}; otherwise (an open sequence
 * length, or {@code --rescale pot}, where {@code 1/n} is rarely a power of two) it keeps the
 * input's type ({@code EqualScale}) and divides with rounding. See {@link QGlobalPool}.
 */
final class GlobalPoolRecipe implements Recipe {
    @Override
    public void declare(Node node, RecipeContext ctx) {
        String x = node.inputs().get(0);
        if (rescaled(node, ctx.graph().shapes().get(x), ctx.options().powerOfTwoRescale())) {
            Specs.like(ctx, node.name(), Specs.input(ctx, x));
        } else {
            EqualScale.declare(ctx, x, node.name());
        }
    }

    @Override
    public List<QNode> lower(Node node, LoweringContext ctx) {
        Op.GlobalPool g = (Op.GlobalPool) node.op();
        String x = node.inputs().get(0);
        Shape inShape = ctx.graph().shapes().get(x);
        QuantType tin = ctx.solution().type(x);
        QuantType tout = ctx.solution().type(node.name());
        if (g.pool() == PoolKind.AVG && inShape.isFullyKnown()) {
            // Σ over n positions of |x| (division form) or |x - zp| (rescaled form).
            long n = inShape.size() / inShape.last();
            boolean folded = !rescaled(node, inShape, ctx.options().powerOfTwoRescale());
            ctx.bound(new AccumulatorBound(node.name(), "sum", 0, n * OverflowProof.maxAbsInput(tin, folded),
                    OverflowProof.INT32_LIMIT, "none: the sequence is too long for an int32 sum"));
        }
        if (rescaled(node, inShape, ctx.options().powerOfTwoRescale())) {
            int n = inShape.size() / inShape.last();
            Rescale r = Rescales.of(ctx, node.name(), "output", tin.scale() / (n * tout.scale()));
            return List.of(new QGlobalPool(node.name(), x, inShape, node.outputShape(), tout, PoolKind.AVG,
                    tin.zeroPoint(), Optional.of(r)));
        }
        return EqualScale.finish(ctx, node.name(), node.outputShape(), tin, tout,
                name -> new QGlobalPool(name, x, inShape, node.outputShape(), tin, g.pool(), tin.zeroPoint(),
                        Optional.empty()));
    }

    private static boolean rescaled(Node node, Shape inShape, boolean powerOfTwo) {
        Op.GlobalPool g = (Op.GlobalPool) node.op();
        return g.pool() == PoolKind.AVG && !powerOfTwo && inShape.isFullyKnown();
    }
}
