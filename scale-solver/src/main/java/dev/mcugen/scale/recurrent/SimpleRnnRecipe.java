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
import dev.mcugen.scale.Recipe;
import dev.mcugen.scale.RecipeContext;

import java.util.List;

import static dev.mcugen.ir.interp.RecurrentInternals.*;

/**
 * The integer SimpleRNN ({@link QSimpleRnn}): x and h at the activation precision (int8: range / 255;
 * h equal scale with the layer output), W and R int8 max / 127, b int32 s_h * s_R; for
 * tanh/sigmoid/hard_sigmoid the pre-activation is Q3.12 and the activation Q0.15 is requantized to h;
 * relu and linear are output clamps on h's type.
 */
final class SimpleRnnRecipe implements Recipe {
    @Override
    public void declare(Node node, RecipeContext ctx) {
        Op.SimpleRnn op = (Op.SimpleRnn) node.op();
        RecurrentRecipes.checkActivations(node, op.activation(), null);
        Declarer d = new Declarer(ctx, node.name());
        String layer = node.name();
        String h = d.name(HIDDEN);
        d.activation(layer);
        d.activation(h);
        d.equal(layer, h);
        d.weight("W", Weights.all(node, "kernel"), 8);
        d.weight("R", Weights.all(node, "recurrent_kernel"), 8);
        if (op.useBias()) {
            d.bias("b", Weights.all(node, "bias"), d.name("R"), h);
        }
        if (QActivation.saturating(op.activation())) {
            d.fixed(d.name(PRE), LstmRecipe.PRE_FRAC);
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
        RecurrentRecipes.checkSameType(layer, lo.type(layer), h);
        boolean saturating = QActivation.saturating(op.activation());
        QuantType pre = saturating ? lo.part(PRE) : h;
        float[] bias = op.useBias() ? Weights.all(node, "bias") : null;
        QMatVec wx = lo.matVec("W·x", Weights.transposed(node, "kernel"), u, in, lo.part("W"), x, null, pre.scale());
        QMatVec rh = lo.matVec("R·h", Weights.transposed(node, "recurrent_kernel"), u, u, lo.part("R"), h, bias,
                pre.scale());
        QActivation act = lo.activation(op.activation(), saturating ? pre.fractionalBits() : 0);
        Rescale out = saturating ? lo.rescale(Math.scalb(1.0, -act.outputFracBits()) / h.scale()) : null;
        return List.of(new QSimpleRnn(layer, node.inputs(), node.outputShape(), h, x, u, op.returnSequences(),
                op.goBackwards(), wx, rh, pre, act, out));
    }
}
