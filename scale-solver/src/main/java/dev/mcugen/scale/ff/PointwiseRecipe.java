package dev.mcugen.scale.ff;

import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Node;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Shape;
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

    /**
     * PReLU's slopes for the elements of the input's shortest repeating tail: alpha has the input's
     * rank with size 1 on the shared axes; the tail starts after the leading run of shared axes.
     */
    static double[] slopes(FloatTensor alpha, Shape x) {
        int[] a = alpha.shape().toArray();
        int[] d = x.toArray();
        int k = 0;
        while (k < a.length - 1 && a[k] == 1) {
            k++;
        }
        int n = 1;
        for (int i = k; i < d.length; i++) {
            n *= d[i];
        }
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            int rest = i;
            int idx = 0;
            int stride = 1;
            for (int j = d.length - 1; j >= k; j--) {
                int c = rest % d[j];
                rest /= d[j];
                if (a[j] != 1) {
                    idx += c * stride;
                }
                stride *= a[j];
            }
            out[i] = alpha.get(idx);
        }
        return out;
    }
}
