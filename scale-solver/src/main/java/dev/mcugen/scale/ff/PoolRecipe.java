package dev.mcugen.scale.ff;

import dev.mcugen.ir.Node;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.PoolKind;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.quant.QNode;
import dev.mcugen.ir.quant.QPool;
import dev.mcugen.ir.quant.QuantType;
import dev.mcugen.scale.AccumulatorBound;
import dev.mcugen.scale.LoweringContext;
import dev.mcugen.scale.OverflowProof;
import dev.mcugen.scale.Recipe;
import dev.mcugen.scale.RecipeContext;

import java.util.List;

/** Max and average pooling under {@code EqualScale(x, layer)}: {@link QPool}. */
final class PoolRecipe implements Recipe {
    @Override
    public void declare(Node node, RecipeContext ctx) {
        EqualScale.declare(ctx, node.inputs().get(0), node.name());
    }

    @Override
    public List<QNode> lower(Node node, LoweringContext ctx) {
        Op.Pool p = (Op.Pool) node.op();
        String x = node.inputs().get(0);
        QuantType tin = ctx.solution().type(x);
        Shape inShape = ctx.graph().shapes().get(x);
        boolean oneD = p.spatialRank() == 1;
        int kh = oneD ? 1 : p.size().get(0);
        int kw = oneD ? p.size().get(0) : p.size().get(1);
        int sh = oneD ? 1 : p.strides().get(0);
        int sw = oneD ? p.strides().get(0) : p.strides().get(1);
        if (p.pool() == PoolKind.AVG) {
            ctx.bound(new AccumulatorBound(node.name(), "sum", 0, (long) kh * kw * OverflowProof.maxAbsInput(tin, true),
                    OverflowProof.INT32_LIMIT, "none: the window is too large for an int32 sum"));
        }
        return EqualScale.finish(ctx, node.name(), node.outputShape(), tin, ctx.solution().type(node.name()),
                name -> new QPool(name, x, inShape, node.outputShape(), tin, p.pool(), kh, kw, sh, sw, p.padding()));
    }
}
