package dev.mcugen.scale.ff;

import dev.mcugen.ir.Node;
import dev.mcugen.ir.quant.QAdd;
import dev.mcugen.ir.quant.QNode;
import dev.mcugen.ir.quant.QuantType;
import dev.mcugen.ir.quant.Rescale;
import dev.mcugen.scale.AccumulatorBound;
import dev.mcugen.scale.LoweringContext;
import dev.mcugen.scale.OverflowProof;
import dev.mcugen.scale.Recipe;
import dev.mcugen.scale.RecipeContext;

import java.util.ArrayList;
import java.util.List;

/**
 * Element-wise Add, TFLite style ({@link QAdd}): inputs keep their own types, the output gets its
 * own (calibrated range, like the first input). With {@code d = max_k max|x_k - zp_k|},
 * {@code b = bitlength(d)} and {@code c = ceil(log2 n)}: {@code leftShift = min(20, 31 - b - c)}
 * (20 for two int8 inputs, 15 for two int16, as TFLite), so that {@code |x - zp| · 2^leftShift < 2^(31-c)}
 * and the {@code n} terms, each at most half of that after {@code R_k <= 1/2}, sum below 2^30.
 * An Add with a constant or a per-channel vector operand goes to {@link ElementwiseRecipe} (the
 * same scheme, broadcasting).
 */
final class AddRecipe implements Recipe {
    @Override
    public void declare(Node node, RecipeContext ctx) {
        List<String> in = node.inputs();
        if (ElementwiseRecipe.needed(node, in.stream().map(ctx.graph().shapes()::get).toList())) {
            new ElementwiseRecipe().declare(node, ctx);
            return;
        }
        var first = Specs.input(ctx, in.get(0));
        for (String x : in) {
            Specs.input(ctx, x);
        }
        Specs.like(ctx, node.name(), first);
    }

    @Override
    public List<QNode> lower(Node node, LoweringContext ctx) {
        List<String> in = node.inputs();
        if (ElementwiseRecipe.needed(node, in.stream().map(ctx.graph().shapes()::get).toList())) {
            return new ElementwiseRecipe().lower(node, ctx);
        }
        QuantType ty = ctx.solution().type(node.name());
        double maxScale = 0;
        long maxDiff = 0;
        List<QuantType> types = new ArrayList<>();
        for (String x : in) {
            QuantType t = ctx.solution().type(x);
            types.add(t);
            maxScale = Math.max(maxScale, t.scale());
            maxDiff = Math.max(maxDiff, OverflowProof.maxAbsInput(t, false));
        }
        int b = 64 - Long.numberOfLeadingZeros(maxDiff);
        int c = 32 - Integer.numberOfLeadingZeros(in.size() - 1);
        int leftShift = Math.min(20, 31 - b - c);
        double twiceMax = 2 * maxScale;
        List<Integer> zps = new ArrayList<>();
        List<Rescale> rescales = new ArrayList<>();
        long bound = 0;
        for (int k = 0; k < types.size(); k++) {
            QuantType t = types.get(k);
            zps.add(t.zeroPoint());
            Rescale r = Rescales.of(ctx, node.name(), "input[" + k + "]", t.scale() / twiceMax);
            rescales.add(r);
            bound += (long) Math.ceil(OverflowProof.maxAbsInput(t, false) * Math.scalb(r.real(), leftShift)) + 1;
        }
        Rescale out = Rescales.of(ctx, node.name(), "output", twiceMax / (Math.scalb(1.0, leftShift) * ty.scale()));
        ctx.bound(new AccumulatorBound(node.name(), "sum", 0, bound, OverflowProof.INT32_LIMIT, ""));
        return List.of(new QAdd(node.name(), in, node.outputShape(), ty, zps, leftShift, rescales, out));
    }
}
