package dev.mcugen.scale.ff;

import dev.mcugen.ir.Node;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.quant.IntTensor;
import dev.mcugen.ir.quant.QChannelAffine;
import dev.mcugen.ir.quant.QNode;
import dev.mcugen.ir.quant.QuantType;
import dev.mcugen.ir.quant.Rescale;
import dev.mcugen.scale.LoweringContext;
import dev.mcugen.scale.OverflowProof;
import dev.mcugen.scale.Recipe;
import dev.mcugen.scale.RecipeContext;
import dev.mcugen.scale.ScaleRules;

import java.util.ArrayList;
import java.util.List;

/**
 * A BatchNormalization that {@link BatchNormFolding} could not fold into the Dense/Conv before it:
 * a per-channel integer affine map ({@link QChannelAffine}), {@code y = γ'_c x + b'_c} with
 * {@code γ'_c = γ_c / sqrt(σ²_c + ε)} (ε as the model file writes it, as the float interpreter) and
 * {@code b'_c = β_c - γ'_c μ_c}. The output gets its own type (calibrated range, width and symmetry of
 * the input). Per channel, {@code w_c} has the activations' width ({@code B}-bit, {@code qmax = 2^(B-1) - 1},
 * since a single scalar per channel costs nothing in flash) with scale
 * {@code s_c = max(|γ'_c|, |b'_c| · qmax / (s_x 2^30)) / qmax} (a power of two under {@code --rescale
 * pot}), the second term only where {@code b'_c} would otherwise exceed {@code 2^30} as an int32 bias.
 */
final class BatchNormRecipe implements Recipe {
    @Override
    public void declare(Node node, RecipeContext ctx) {
        Specs.like(ctx, node.name(), Specs.input(ctx, node.inputs().get(0)));
    }

    @Override
    public List<QNode> lower(Node node, LoweringContext ctx) {
        String x = node.inputs().get(0);
        QuantType tx = ctx.solution().type(x);
        QuantType ty = ctx.solution().type(node.name());
        double[][] affine = affine(node);
        double[] gamma = affine[0];
        double[] beta = affine[1];
        int c = gamma.length;
        long[] w = new long[c];
        long[] b = new long[c];
        List<Rescale> rescale = new ArrayList<>();
        int bits = tx.bits() == 8 ? 8 : 16;
        int qmax = QuantType.fullMax(bits);
        for (int k = 0; k < c; k++) {
            double need = Math.max(Math.abs(gamma[k]), Math.abs(beta[k]) * qmax / (tx.scale() * 0x1p30));
            QuantType wt = ScaleRules.symmetric(bits, -need, need, ctx.options().powerOfTwoRescale());
            double s = wt.scale();
            w[k] = wt.quantize(gamma[k]);
            b[k] = WeightQuantizer.round(beta[k] / (s * tx.scale())) - (long) tx.zeroPoint() * w[k];
            rescale.add(Rescales.of(ctx, node.name(), "output[" + k + "]", s * tx.scale() / ty.scale()));
        }
        int[] wi = new int[c];
        for (int k = 0; k < c; k++) {
            wi[k] = (int) w[k];
        }
        ctx.bound(OverflowProof.matmul(node.name(), "affine", wi, c, b, OverflowProof.maxAbsInput(tx, true),
                OverflowProof.INT32_LIMIT, "none: the bias scale keeps |bias| <= 2^30"));
        return List.of(new QChannelAffine(node.name(), x, node.outputShape(), ty, IntTensor.of(Shape.of(c), bits, w),
                IntTensor.of(Shape.of(c), 32, b), rescale, ty.qmin(), ty.qmax()));
    }

    /** {γ', b'} of a BatchNorm node, in double as the float interpreter computes them. */
    static double[][] affine(Node node) {
        float[] gamma = node.weight("gamma").toArray();
        float[] beta = node.weight("beta").toArray();
        float[] mean = node.weight("moving_mean").toArray();
        float[] var = node.weight("moving_variance").toArray();
        double eps = Double.parseDouble(Float.toString(((Op.BatchNorm) node.op()).epsilon()));
        double[] g = new double[gamma.length];
        double[] b = new double[gamma.length];
        for (int k = 0; k < g.length; k++) {
            g[k] = gamma[k] / Math.sqrt(var[k] + eps);
            b[k] = beta[k] - mean[k] * g[k];
        }
        return new double[][] {g, b};
    }
}
