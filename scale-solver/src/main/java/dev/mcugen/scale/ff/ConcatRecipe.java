package dev.mcugen.scale.ff;

import dev.mcugen.ir.Node;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.quant.QConcat;
import dev.mcugen.ir.quant.QNode;
import dev.mcugen.ir.quant.QuantType;
import dev.mcugen.ir.quant.Rescale;
import dev.mcugen.scale.Contract;
import dev.mcugen.scale.LoweringContext;
import dev.mcugen.scale.Recipe;
import dev.mcugen.scale.RecipeContext;

import java.util.ArrayList;
import java.util.List;

/**
 * Concatenate under {@code EqualScale(x_1, ..., x_n, layer)}: a copy when the solver gives every
 * input the output's type, a per-input requantization for those it could not ({@link QConcat}).
 */
final class ConcatRecipe implements Recipe {
    @Override
    public void declare(Node node, RecipeContext ctx) {
        var first = Specs.input(ctx, node.inputs().get(0));
        for (String x : node.inputs()) {
            Specs.input(ctx, x);
        }
        Specs.like(ctx, node.name(), first);
        List<String> all = new ArrayList<>(node.inputs());
        all.add(node.name());
        ctx.system().add(new Contract.EqualScale(all));
    }

    @Override
    public List<QNode> lower(Node node, LoweringContext ctx) {
        QuantType ty = ctx.solution().type(node.name());
        List<Shape> shapes = new ArrayList<>();
        List<Integer> zps = new ArrayList<>();
        List<Rescale> rescales = new ArrayList<>();
        for (int k = 0; k < node.inputs().size(); k++) {
            String x = node.inputs().get(k);
            QuantType t = ctx.solution().type(x);
            shapes.add(ctx.graph().shapes().get(x));
            boolean same = t.scale() == ty.scale() && t.zeroPoint() == ty.zeroPoint();
            zps.add(same ? ty.zeroPoint() : t.zeroPoint());
            rescales.add(same ? Rescale.IDENTITY : Rescales.of(ctx, node.name(), "input[" + k + "]", t.scale() / ty.scale()));
        }
        int axis = ((Op.Concatenate) node.op()).axis();
        return List.of(new QConcat(node.name(), node.inputs(), shapes, node.outputShape(), ty, axis, zps, rescales));
    }
}
