package dev.mcugen.scale.ff;

import dev.mcugen.ir.Activation;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.Node;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.quant.QLogistic;
import dev.mcugen.ir.quant.QNode;
import dev.mcugen.ir.quant.QRequant;
import dev.mcugen.ir.quant.QSoftmax;
import dev.mcugen.ir.quant.QuantType;
import dev.mcugen.ir.quant.Rescale;
import dev.mcugen.scale.LoweringContext;
import dev.mcugen.scale.QuantOptions;

import java.util.ArrayList;
import java.util.List;

/**
 * Activations on integers, fused into a Dense/Conv or stand-alone:
 * <ul>
 *   <li>linear, ReLU, ReLU6: clamps of the output ({@link #clampLow}, {@link #clampHigh}); fused,
 *       they cost nothing;</li>
 *   <li>sigmoid, tanh ({@link QLogistic}): from a Q3.12 int16 pre-activation, the format of seed
 *       000's gates; a fused layer writes its accumulator straight to Q3.12 ({@link #PREACT}), a
 *       stand-alone one requantizes its input to it; hard sigmoid is an integer affine map with clamp
 *       ({@link QRequant} with {@link QRequant#HARD_SIGMOID_GAIN});</li>
 *   <li>softmax ({@link QSoftmax}): a fused layer hands its raw int32 accumulator over
 *       ({@link #LOGITS}); the output is {@code 2^-8, zp -128} for int8 (TFLite) and Q0.15 for
 *       int16.</li>
 * </ul>
 */
final class ActivationStage {
    /** Suffix of the Q3.12 pre-activation of a layer with a fused sigmoid / tanh / hard sigmoid. */
    static final String PREACT = "/preact";
    /** Suffix of the int32 logits of a layer with a fused softmax. */
    static final String LOGITS = "/logits";
    /** Fractional bits of Q3.12. */
    static final int PREACT_FRACTIONAL_BITS = 12;

    private ActivationStage() {
    }

    /** How the activation is realized. */
    enum Kind { CLAMP, LOGISTIC, SOFTMAX }

    static Kind kind(Activation a) {
        switch (a) {
            case LINEAR:
            case RELU:
            case RELU6:
                return Kind.CLAMP;
            case SOFTMAX:
                return Kind.SOFTMAX;
            default:
                return Kind.LOGISTIC;
        }
    }

    /**
     * Whether {@code node}'s softmax is left out ({@link QuantOptions#dropSoftmax()}): only for a
     * softmax whose result is a model output and read by no other layer, where the logits give the
     * same argmax.
     */
    static boolean dropSoftmax(Node node, Graph graph, QuantOptions options) {
        Activation a = node.op() instanceof Op.Act act ? act.activation()
                : node.op() instanceof Op.Dense || node.op() instanceof Op.Conv1D || node.op() instanceof Op.Conv2D
                || node.op() instanceof Op.DepthwiseConv
                ? DenseConvRecipe.activation(node.op()) : null;
        return options.dropSoftmax() && a == Activation.SOFTMAX && graph.outputs().contains(node.name())
                && graph.useCounts().getOrDefault(node.name(), 0) == 1;
    }

    /** Lower clamp of {@code a} on type {@code t}: real 0 ({@code zp}) for ReLU/ReLU6, else qmin. */
    static int clampLow(Activation a, QuantType t) {
        return a == Activation.RELU || a == Activation.RELU6 ? Math.max(t.qmin(), t.zeroPoint()) : t.qmin();
    }

    /** Upper clamp of {@code a} on type {@code t}: real 6 for ReLU6 ({@code zp + round(6 / s)}), else qmax. */
    static int clampHigh(Activation a, QuantType t) {
        if (a == Activation.RELU6) {
            long six = t.zeroPoint() + WeightQuantizer.round(6.0 / t.scale());
            return (int) Math.max(clampLow(a, t), Math.min(t.qmax(), six));
        }
        return t.qmax();
    }

    /** The output type a softmax produces: {@code 2^-8, zp -128} on int8, Q0.15 on int16. */
    static QuantType softmaxType(int bits) {
        return bits == 8 ? new QuantType(8, -128, 127, Math.scalb(1.0, -8), -128)
                : new QuantType(16, -32767, 32767, Math.scalb(1.0, -15), 0);
    }

    /** The largest real value of {@link #softmaxType} (the range the recipes declare). */
    static double softmaxMax(int bits) {
        return softmaxType(bits).realMax();
    }

    /**
     * The node(s) applying {@code a} element-wise (softmax: over the last axis) to tensor {@code in}
     * of type {@code tin}, giving {@code layer} of type {@code tout}.
     */
    static List<QNode> lower(LoweringContext ctx, String layer, String in, QuantType tin, Shape shape, QuantType tout,
                             Activation a) {
        List<QNode> nodes = new ArrayList<>();
        switch (kind(a)) {
            case CLAMP:
                nodes.add(new QRequant(layer, in, shape, tout, tin.zeroPoint(), 1,
                        Rescales.of(ctx, layer, "output", tin.scale() / tout.scale()), 0, clampLow(a, tout),
                        clampHigh(a, tout)));
                break;
            case LOGISTIC:
                nodes.add(logistic(ctx, layer, in, tin, shape, tout, a));
                break;
            default:
                QuantType canonical = softmaxType(tout.bits() == 8 ? 8 : 16);
                boolean direct = canonical.equals(tout);
                String name = direct ? layer : layer + "/softmax";
                Rescale beta = Rescales.of(ctx, layer, "softmax_input", betaScale(tin.scale()));
                int f = -Math.getExponent(canonical.scale());
                nodes.add(new QSoftmax(name, in, shape, canonical, beta, QSoftmax.diffMinFor(beta), f));
                if (!direct) {
                    nodes.add(new QRequant(layer, name, shape, tout, canonical.zeroPoint(), 1,
                            Rescales.of(ctx, layer, "output", canonical.scale() / tout.scale()), 0, tout.qmin(),
                            tout.qmax()));
                }
        }
        return nodes;
    }

    /** {@code s_x · 2^26}: the input difference as Q5.26 (TFLite {@code PreprocessSoftmaxScaling}, beta 1). */
    private static double betaScale(double inputScale) {
        return Math.min(inputScale * Math.scalb(1.0, 31 - 5), Math.scalb(1.0, 30));
    }

    private static QNode logistic(LoweringContext ctx, String layer, String in, QuantType tin, Shape shape,
                                  QuantType tout, Activation a) {
        if (a == Activation.HARD_SIGMOID) {
            // y = clip(0.2 x + 0.5, 0, 1): the slope in the integer gain, the rest a rescale and an offset.
            int offset = (int) WeightQuantizer.round(0.5 / tout.scale());
            int lo = Math.max(tout.qmin(), tout.zeroPoint());
            int hi = (int) Math.max(lo, Math.min(tout.qmax(), tout.zeroPoint() + WeightQuantizer.round(1.0 / tout.scale())));
            return new QRequant(layer, in, shape, tout, tin.zeroPoint(), QRequant.HARD_SIGMOID_GAIN,
                    Rescales.of(ctx, layer, "output", Math.scalb(tin.scale(), -15) / tout.scale()), offset, lo, hi);
        }
        QLogistic.Impl impl = ctx.options().activation() == QuantOptions.ActivationImpl.POLY
                ? QLogistic.Impl.POLY : QLogistic.Impl.LUT;
        Rescale toQ312 = Rescales.of(ctx, layer, "input", tin.scale() / Math.scalb(1.0, -PREACT_FRACTIONAL_BITS));
        return new QLogistic(layer, in, shape, tout, a, impl, tin.zeroPoint(), toQ312,
                Rescales.of(ctx, layer, "output", Math.scalb(1.0, -15) / tout.scale()));
    }
}
