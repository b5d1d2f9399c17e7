package dev.mcugen.scale.ff;

import dev.mcugen.ir.Node;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.SpatialOps;
import dev.mcugen.ir.quant.QNode;
import dev.mcugen.ir.quant.QPad;
import dev.mcugen.ir.quant.QTranspose;
import dev.mcugen.ir.quant.QUpsample;
import dev.mcugen.ir.quant.QuantType;
import dev.mcugen.scale.Contract;
import dev.mcugen.scale.LoweringContext;
import dev.mcugen.scale.Recipe;
import dev.mcugen.scale.RecipeContext;

import java.util.List;

/**
 * ZeroPadding, Cropping, UpSampling (nearest), Permute and RepeatVector: exact integer copies under
 * {@code EqualScale(x, layer)} ({@link QPad}, {@link QUpsample}, {@link QTranspose}). Zero padding
 * also declares {@code ExactZero(x)}: the padded positions hold the zero point, which must be the
 * integer of real 0 exactly (for int8 asymmetric the solver picks a zero point that makes 0
 * representable; int16 is symmetric with zero point 0).
 */
final class MovementRecipe implements Recipe {
    @Override
    public void declare(Node node, RecipeContext ctx) {
        String x = node.inputs().get(0);
        EqualScale.declare(ctx, x, node.name());
        if (node.op() instanceof Op.ZeroPadding) {
            ctx.system().add(new Contract.ExactZero(x));
        }
    }

    @Override
    public List<QNode> lower(Node node, LoweringContext ctx) {
        String x = node.inputs().get(0);
        QuantType tin = ctx.solution().type(x);
        Shape in = ctx.graph().shapes().get(x);
        Shape out = node.outputShape();
        Op op = node.op();
        return EqualScale.finish(ctx, node.name(), out, tin, ctx.solution().type(node.name()), name -> {
            if (op instanceof Op.ZeroPadding || op instanceof Op.Cropping) {
                int[] p = SpatialOps.padAmounts(op);
                return new QPad(name, x, in, out, tin, p[0], p[1], p[2], p[3], tin.zeroPoint());
            }
            if (op instanceof Op.UpSampling u) {
                int fh = u.spatialRank() == 2 ? u.size().get(0) : 1;
                return new QUpsample(name, x, in, out, tin, fh, u.size().get(u.spatialRank() - 1));
            }
            if (op instanceof Op.RepeatVector r) {
                return new QUpsample(name, x, in, out, tin, 1, r.n());
            }
            return new QTranspose(name, x, in, out, tin, ((Op.Permute) op).dims().stream().map(d -> d - 1).toList());
        });
    }
}
