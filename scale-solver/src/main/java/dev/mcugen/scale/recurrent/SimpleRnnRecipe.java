package dev.mcugen.scale.recurrent;

import dev.mcugen.ir.Node;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.quant.QActivation;
import dev.mcugen.ir.quant.QMatVec;
import dev.mcugen.ir.quant.QNode;
import dev.mcugen.ir.quant.QSimpleRnn;
import dev.mcugen.ir.quant.QuantType;
import dev.mcugen.ir.quant.Rescale;
import dev.mcugen.scale.LoweringContext;
import dev.mcugen.scale.QuantOptions;
import dev.mcugen.scale.Recipe;
import dev.mcugen.scale.RecipeContext;

import java.util.List;

import static dev.mcugen.ir.interp.RecurrentInternals.*;

/**
 * The integer SimpleRNN ({@link QSimpleRnn}), built like the GRU: x and the layer output at the
 * activation precision (int8: range / 255), W and R int8 max / 127, b int32 s_h * s_R; the state h
 * int16: Q0.15 with a Q3.12 pre-activation for tanh/sigmoid/hard_sigmoid, or one power-of-two format
 * shared (equal scale) by the pre-activation and h for relu/linear.
 */
final class SimpleRnnRecipe implements Recipe {
    @Override
    public void declare(Node node, RecipeContext ctx) {
        Op.SimpleRnn op = (Op.SimpleRnn) node.op();
        RecurrentRecipes.checkActivations(node, op.activation(), null);
        Declarer d = new Declarer(ctx, node.name());
        String layer = node.name();
        String h = d.name(HIDDEN);
        String pre = d.name(PRE);
        d.weight("W", Weights.transposed(node, "kernel"), Names.group(node, "kernel"));
        d.weight("R", Weights.transposed(node, "recurrent_kernel"), Names.group(node, "recurrent_kernel"));
        if (QActivation.saturating(op.activation())) {
            d.fixed(pre, LstmRecipe.PRE_FRAC);
            d.fixed(h, LstmRecipe.OUT_FRAC);
        } else {
            d.powerOfTwo(pre, 0.0);
            d.powerOfTwo(h, 0.0);
            d.equal(pre, h);
        }
        if (op.useBias()) {
            d.bias("b", Weights.all(node, "bias"), d.name("R"), h);
        }
        d.activation(layer);
        if (ctx.options().precision() == QuantOptions.Precision.INT16) {
            d.equal(layer, h);
        }
    }

    @Override
    public List<QNode> lower(Node node, LoweringContext ctx) {
        Op.SimpleRnn op = (Op.SimpleRnn) node.op();
        Lowerer lo = new Lowerer(ctx, node.name());
        String layer = node.name();
        int u = op.units();
        int in = node.weight("kernel").shape().dim(0);
        QuantType x = lo.type(node.inputs().get(0));
        QuantType h = lo.part(HIDDEN);
        QuantType pre = lo.part(PRE);
        float[] bias = op.useBias() ? Weights.all(node, "bias") : null;
        QMatVec wx = lo.matVec("W·x", Weights.transposed(node, "kernel"), u, in, lo.part("W"), x, null, pre.scale(),
                Names.group(node, "kernel"));
        QMatVec rh = lo.matVec("R·h", Weights.transposed(node, "recurrent_kernel"), u, u, lo.part("R"), h, bias,
                pre.scale(), Names.group(node, "recurrent_kernel"));
        QActivation act = lo.activation(op.activation(), pre.fractionalBits());
        QuantType out = lo.type(layer);
        Rescale outRescale = null;
        if (ctx.options().precision() == QuantOptions.Precision.INT16) {
            RecurrentRecipes.checkSameType(layer, out, h);
            out = h;
        } else {
            outRescale = lo.rescale("output", h.scale() / out.scale());
        }
        return List.of(new QSimpleRnn(layer, node.inputs(), node.outputShape(), out, x, u, op.returnSequences(),
                op.goBackwards(), h, wx, rh, pre, act, outRescale));
    }
}
