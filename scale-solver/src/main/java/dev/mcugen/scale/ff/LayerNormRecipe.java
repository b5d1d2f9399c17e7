package dev.mcugen.scale.ff;

import dev.mcugen.ir.Diag;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.Node;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.quant.IntTensor;
import dev.mcugen.ir.quant.QLayerNormalization;
import dev.mcugen.ir.quant.QNode;
import dev.mcugen.ir.quant.QuantType;
import dev.mcugen.ir.quant.Rescale;
import dev.mcugen.scale.AccumulatorBound;
import dev.mcugen.scale.LoweringContext;
import dev.mcugen.scale.OverflowProof;
import dev.mcugen.scale.Recipe;
import dev.mcugen.scale.RecipeContext;
import dev.mcugen.scale.ScaleRules;

import java.util.List;

/**
 * LayerNormalization over the last axis as {@link QLayerNormalization}. Contracts:
 * <ul>
 *   <li>the output is an activation of its own (calibrated range, {@code --precision} width and
 *       symmetry; Coverage);</li>
 *   <li>the input's scale and zero point cancel in the normalization (mean and variance are taken of
 *       the integers); only epsilon depends on the input scale, as {@code E = round(n^2 epsilon / s_x^2)}
 *       in the input's integer units (refused with {@link Diag#MCG_QUANT_RANGE} above 2^61);</li>
 *   <li>the normalized value has the fixed format Q(15-f).f with {@code f} the largest that holds
 *       {@code sqrt(n - 1)} ({@link QLayerNormalization#normFracBits});</li>
 *   <li>gamma is int16 symmetric with scale {@code s_g = max(max|gamma|, max|beta| 32767 / (2^-f 2^30)) / 32767}
 *       (a power of two under {@code --rescale pot}) and {@code bias = round(beta / (s_g 2^-f))}: Product
 *       {@code s_bias = s_g 2^-f}, {@code |bias| <= 2^30}, so {@code x' gamma + bias} is exact in int32;</li>
 *   <li>one rescale {@code R = s_g 2^-f / s_y}.</li>
 * </ul>
 */
final class LayerNormRecipe implements Recipe {
    @Override
    public void declare(Node node, RecipeContext ctx) {
        Specs.input(ctx, node.inputs().get(0));
        Specs.activation(ctx, node.name());
    }

    @Override
    public List<QNode> lower(Node node, LoweringContext ctx) {
        String x = node.inputs().get(0);
        String who = "layer '" + node.name() + "' (layer_norm)";
        QuantType tx = ctx.solution().type(x);
        QuantType ty = ctx.solution().type(node.name());
        int n = node.outputShape().last();
        if (n > QLayerNormalization.MAX_ROW) {
            throw new McugenException(Diag.MCG_QUANT_UNSUPPORTED, who, "normalizes rows of " + n
                    + " values; the integer layer normalization handles rows of up to " + QLayerNormalization.MAX_ROW);
        }
        if (tx.bits() == 32) {
            throw new McugenException(Diag.MCG_QUANT_UNSUPPORTED, who, "reads an int32 tensor; it takes int8 or int16");
        }
        int f = QLayerNormalization.normFracBits(n);
        double eps = Double.parseDouble(Float.toString(((Op.LayerNorm) node.op()).epsilon()));
        double e = (double) n * n * eps / (tx.scale() * tx.scale());
        if (!(e <= QLayerNormalization.MAX_EPSILON_TERM)) {
            throw new McugenException(Diag.MCG_QUANT_RANGE, who, "epsilon " + eps + " is " + String.format(
                    java.util.Locale.ROOT, "%.3g", eps / (tx.scale() * tx.scale())) + " squared input steps, more than"
                    + " the integer variance holds; calibrate with data of the model's real scale or lower epsilon");
        }
        long epsilonTerm = Math.round(e);
        float[] gamma = node.weight("gamma").toArray();
        float[] beta = node.weight("beta").toArray();
        double normScale = Math.scalb(1.0, -f);
        double maxGamma = 0;
        double maxBeta = 0;
        for (int i = 0; i < n; i++) {
            maxGamma = Math.max(maxGamma, Math.abs(gamma[i]));
            maxBeta = Math.max(maxBeta, Math.abs(beta[i]));
        }
        double need = Math.max(maxGamma, maxBeta * 32767 / (normScale * 0x1p30));
        QuantType tg = need > 0 ? ScaleRules.symmetric(16, -need, need, ctx.options().powerOfTwoRescale())
                : QuantType.symmetric(16, 1.0);
        long[] g = new long[n];
        long[] b = new long[n];
        double biasScale = tg.scale() * normScale;
        for (int i = 0; i < n; i++) {
            g[i] = tg.quantize(gamma[i]);
            b[i] = Math.max(-(1L << 30), Math.min(1L << 30, WeightQuantizer.round(beta[i] / biasScale)));
        }
        Rescale r = Rescales.of(ctx, node.name(), "output", biasScale / ty.scale());
        long worst = 0;
        for (int i = 0; i < n; i++) {
            worst = Math.max(worst, 32768L * Math.abs(g[i]) + Math.abs(b[i]));
        }
        ctx.bound(new AccumulatorBound(node.name(), "affine", 0, worst, OverflowProof.INT32_LIMIT, ""));
        return List.of(new QLayerNormalization(node.name(), x, node.outputShape(), ty, f, epsilonTerm,
                IntTensor.of(Shape.of(n), 16, g), IntTensor.of(Shape.of(n), 32, b), r, ty.qmin(), ty.qmax()));
    }
}
