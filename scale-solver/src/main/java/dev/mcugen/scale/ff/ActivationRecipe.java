package dev.mcugen.scale.ff;

import dev.mcugen.ir.Activation;
import dev.mcugen.ir.Node;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.quant.QNode;
import dev.mcugen.ir.quant.QReshape;
import dev.mcugen.ir.quant.QuantType;
import dev.mcugen.scale.LoweringContext;
import dev.mcugen.scale.Recipe;
import dev.mcugen.scale.RecipeContext;
import dev.mcugen.scale.TensorSpec;

import java.util.List;

/**
 * Stand-alone activations (Keras Activation / ReLU layers): linear is a view and ReLU/ReLU6 a clamp,
 * both under {@code EqualScale(x, layer)}; sigmoid, tanh, hard sigmoid and softmax give the output
 * its own type (calibrated range; softmax the fixed {@code 2^-8 / -128} or Q0.15), see
 * {@link ActivationStage}. A softmax left out by {@code dropSoftmax} is a view of its input.
 */
final class ActivationRecipe implements Recipe {
    @Override
    public void declare(Node node, RecipeContext ctx) {
        Activation a = ((Op.Act) node.op()).activation();
        String x = node.inputs().get(0);
        if (ActivationStage.dropSoftmax(node, ctx.graph(), ctx.options())) {
            EqualScale.declare(ctx, x, node.name());
            return;
        }
        switch (ActivationStage.kind(a)) {
            case CLAMP:
                EqualScale.declare(ctx, x, node.name());
                break;
            case LOGISTIC:
            case POINTWISE:
                Specs.input(ctx, x);
                Specs.activation(ctx, node.name());
                break;
            default:
                Specs.input(ctx, x);
                int bits = Specs.activationBits(ctx.options());
                ctx.system().tensor(new TensorSpec(node.name(), bits, bits == 8 ? TensorSpec.Symmetry.ASYMMETRIC
                        : TensorSpec.Symmetry.SYMMETRIC, 0, ActivationStage.softmaxMax(bits)));
        }
    }

    @Override
    public List<QNode> lower(Node node, LoweringContext ctx) {
        Activation a = ((Op.Act) node.op()).activation();
        String x = node.inputs().get(0);
        QuantType tin = ctx.solution().type(x);
        QuantType tout = ctx.solution().type(node.name());
        if ((a == Activation.LINEAR || ActivationStage.dropSoftmax(node, ctx.graph(), ctx.options())) && tin.equals(tout)) {
            return List.of(new QReshape(node.name(), x, node.outputShape(), tin));
        }
        return ActivationStage.lower(ctx, node.name(), x, tin, node.outputShape(), tout, a);
    }
}
