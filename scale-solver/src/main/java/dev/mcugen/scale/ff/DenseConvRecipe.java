package dev.mcugen.scale.ff;

import dev.mcugen.ir.Activation;
import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Node;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Padding;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.quant.IntTensor;
import dev.mcugen.ir.quant.QConv;
import dev.mcugen.ir.quant.QFullyConnected;
import dev.mcugen.ir.quant.QNode;
import dev.mcugen.ir.quant.QuantType;
import dev.mcugen.ir.quant.Rescale;
import dev.mcugen.scale.AccumulatorBound;
import dev.mcugen.scale.Contract;
import dev.mcugen.scale.LoweringContext;
import dev.mcugen.scale.QuantOptions;
import dev.mcugen.scale.OverflowProof;
import dev.mcugen.scale.Recipe;
import dev.mcugen.scale.RecipeContext;
import dev.mcugen.scale.TensorSpec;
import dev.mcugen.scale.wordlength.WeightGrid;

import java.util.ArrayList;
import java.util.List;

/**
 * Dense, Conv1D and Conv2D (DESIGN §4): int8 symmetric weights (per tensor, or per output channel
 * with {@code --per-channel}), int32 bias in the accumulator's scale with the input zero point
 * folded in, int32 accumulator proven not to overflow, requantization to the output, fused
 * activation (see {@link ActivationStage}).
 *
 * <p>Declares: {@code layer/kernel} (int8 symmetric, its actual range); {@code layer/bias} (int32,
 * {@code Product(layer/bias, layer/kernel, x)}); the output {@code layer} (activation, calibrated
 * range, {@code Coverage}; {@code ExactZero} with ReLU/ReLU6, whose clamp is at real 0); for SAME
 * convolutions {@code ExactZero(x)} (the pad value is the input zero point); with a fused
 * sigmoid/tanh/hard sigmoid {@code layer/preact} int16 {@code FixedFormat Q3.12}; with a fused ELU,
 * swish, hard swish, relu6 hard sigmoid or leaky ReLU {@code layer/preact} an activation with its
 * calibrated range ({@link PointwiseStage}); with a fused
 * softmax {@code layer/logits} int32 with {@code Product(layer/logits, layer/kernel, x)} — or, with
 * {@code dropSoftmax} on a model output, {@code layer} itself is those int32 logits.
 */
class DenseConvRecipe implements Recipe {
    static final String KERNEL = "/kernel";
    static final String BIAS = "/bias";

    @Override
    public void declare(Node node, RecipeContext ctx) {
        String layer = node.name();
        String x = node.inputs().get(0);
        TensorSpec in = Specs.input(ctx, x);
        if (in.bits() > 16) {
            throw new IllegalStateException("layer '" + layer + "' reads int" + in.bits() + " tensor '" + x + "'");
        }
        String kernel = layer + KERNEL;
        WeightGrid narrow = WeightGrid.choose(group(node), kernel(node).toArray(), ctx.options());
        ctx.system().tensor(narrow == null ? Specs.constant(kernel, 8, kernel(node).toArray())
                : new TensorSpec(kernel, 8, TensorSpec.Symmetry.SYMMETRIC, -narrow.declaredMaxAbs(), narrow.declaredMaxAbs()));
        if (useBias(node)) {
            ctx.system().tensor(Specs.constant(layer + BIAS, 32, node.weight("bias").toArray()));
            ctx.system().add(new Contract.Product(layer + BIAS, kernel, x));
        }
        if (padding(node.op()) == Padding.SAME) {
            ctx.system().add(new Contract.ExactZero(x));
        }
        Activation act = activation(node.op());
        switch (ActivationStage.kind(act)) {
            case CLAMP, LOGISTIC:
                clampOrLogisticSpecs(ctx, layer, act);
                break;
            case POINTWISE:
                Specs.activation(ctx, layer + ActivationStage.PREACT);
                Specs.activation(ctx, layer);
                break;
            default:
                String logits = ActivationStage.dropSoftmax(node, ctx.graph(), ctx.options()) ? layer
                        : layer + ActivationStage.LOGITS;
                double[] range = logitRange(node, ctx.range(x).min(), ctx.range(x).max());
                ctx.system().tensor(new TensorSpec(logits, 32, TensorSpec.Symmetry.SYMMETRIC, range[0], range[1]));
                ctx.system().add(new Contract.Product(logits, kernel, x));
                if (logits.equals(layer)) {
                    break;
                }
                int bits = Specs.activationBits(ctx.options());
                ctx.system().tensor(new TensorSpec(layer, bits, bits == 8 ? TensorSpec.Symmetry.ASYMMETRIC
                        : TensorSpec.Symmetry.SYMMETRIC, 0, ActivationStage.softmaxMax(bits)));
        }
    }

    @Override
    public List<QNode> lower(Node node, LoweringContext ctx) {
        String layer = node.name();
        String x = node.inputs().get(0);
        QuantType tx = ctx.solution().type(x);
        Activation act = activation(node.op());
        ActivationStage.Kind kind = ActivationStage.kind(act);
        FloatTensor w = kernel(node);
        int units = w.shape().last();

        // Weights, per tensor or per channel (softmax logits need one scale: per tensor).
        boolean perChannel = perChannel(ctx) && kind != ActivationStage.Kind.SOFTMAX;
        // --weight-bits below 8: the group's narrowed grid (NarrowWeights), else the int8 grid
        WeightGrid narrow = WeightGrid.choose(group(node), w.toArray(), ctx.options());
        double[] ws = narrow != null ? NarrowWeights.steps(group(node), w, perChannel, ctx.options(),
                ctx.solution().type(layer + KERNEL).scale(), useBias(node) ? node.weight("bias") : null, tx.scale())
                : perChannel ? WeightQuantizer.channelScales(w, ctx.options().powerOfTwoRescale(),
                useBias(node) ? node.weight("bias") : null, tx.scale())
                : WeightQuantizer.uniform(ctx.solution().type(layer + KERNEL).scale(), units);
        // Which grid point each weight takes: nearest, or error-compensating over the calibration
        // data's input statistics; the grid (scales, narrow range) and so every contract is the same.
        QuantOptions.WeightRounding rounding = ctx.options().weightRounding();
        // narrowed groups (--weight-bits below 8) take their grid's nearest level: no error-compensating rounding
        SequentialRounding.Result fitted = narrow == null && rounding == QuantOptions.WeightRounding.SEQUENTIAL
                ? ctx.replayFit(layer).map(f -> SequentialRounding.round(w, useBias(node) ? node.weight("bias") : null,
                        ws, f)).orElse(null) : null;
        boolean gptq = narrow == null && rounding != QuantOptions.WeightRounding.NEAREST;
        int[] q;
        double[] realBias;
        if (fitted != null) {
            // The bias was fitted with the weights, to the integer model's input means.
            q = fitted.q();
            realBias = fitted.bias();
        } else {
            q = narrow != null ? NarrowWeights.levels(w, ws, narrow)
                    : gptq ? ctx.inputMoment(layer).map(h -> WeightRounding.gptq(w, ws, h))
                    .orElseGet(() -> WeightQuantizer.weights(w, ws)) : WeightQuantizer.weights(w, ws);
            // Under GPTQ the bias absorbs the mean error of the weights just chosen. Depthwise layers round
            // to nearest (no input moments) and their bias was corrected before quantization
            // (BiasCorrection, which knows that one column reads one input channel): not a second time here.
            boolean correct = gptq && !(node.op() instanceof Op.DepthwiseConv);
            realBias = WeightQuantizer.correctedBias(useBias(node) ? node.weight("bias") : null, w, ws, q,
                    correct ? ctx.channelMean(x).orElse(null) : null);
        }
        double[] accScale = new double[units];
        for (int o = 0; o < units; o++) {
            accScale[o] = ws[o] * tx.scale();
        }
        long[] bias = WeightQuantizer.foldedBias(realBias, accScale, q, tx.zeroPoint());

        // Overflow proof; int64 with a pre-shift only where int32 cannot be proven.
        long[] rows = OverflowProof.rowBounds(q, units, bias, OverflowProof.maxAbsInput(tx, true));
        AccumulatorBound worst = OverflowProof.worst(layer, "matmul", rows, OverflowProof.INT32_LIMIT, "");
        int accShift = 0;
        if (!worst.safe()) {
            accShift = Math.max(1, 64 - Long.numberOfLeadingZeros(worst.bound()) - 30);
            worst = new AccumulatorBound(layer, "matmul", worst.row(), worst.bound(), worst.limit(),
                    "int64 accumulator, rounded shift right by " + accShift + " before requantization");
        }
        ctx.bound(worst);

        // Output of the integer layer: the activation itself, Q3.12, or the raw logits.
        String out;
        QuantType tout;
        if (kind == ActivationStage.Kind.CLAMP) {
            out = layer;
            tout = ctx.solution().type(layer);
        } else if (kind == ActivationStage.Kind.LOGISTIC || kind == ActivationStage.Kind.POINTWISE) {
            out = layer + ActivationStage.PREACT;
            tout = ctx.solution().type(out);
        } else {
            out = ActivationStage.dropSoftmax(node, ctx.graph(), ctx.options()) ? layer : layer + ActivationStage.LOGITS;
            // The accumulator itself (after the pre-shift): no requantization before softmax.
            tout = new QuantType(32, -Integer.MAX_VALUE, Integer.MAX_VALUE, Math.scalb(accScale[0], accShift), 0);
        }
        List<Rescale> rescale = new ArrayList<>();
        for (int o = 0; o < (perChannel ? units : 1); o++) {
            rescale.add(Rescales.of(ctx, layer, perChannel ? "output[" + o + "]" : "output",
                    Math.scalb(accScale[o], accShift) / tout.scale()));
        }
        int lo = kind == ActivationStage.Kind.CLAMP ? ActivationStage.clampLow(act, tout) : tout.qmin();
        int hi = kind == ActivationStage.Kind.CLAMP ? ActivationStage.clampHigh(act, tout) : tout.qmax();
        IntTensor qw = NarrowWeights.declare(IntTensor.of(w.shape(), 8, q), narrow);
        IntTensor qb = IntTensor.of(Shape.of(units), accShift > 0 ? 64 : 32, bias);
        Shape outShape = node.outputShape();

        List<QNode> nodes = new ArrayList<>();
        Op op = node.op();
        Shape inShape = ctx.graph().shapes().get(x);
        if (op instanceof Op.DepthwiseConv c) {
            nodes.add(DepthwiseConvRecipe.integerLayer(out, x, inShape, outShape, tout, c, tx.zeroPoint(), q, qb,
                    rescale, accShift, lo, hi, narrow));
        } else if (op instanceof Op.Dense) {
            nodes.add(new QFullyConnected(out, x, outShape, tout, w.shape().dim(0), units, qw, qb, rescale,
                    accShift, lo, hi));
        } else if (op instanceof Op.Conv1D c) {
            IntTensor k4 = NarrowWeights.declare(IntTensor.of(Shape.of(1, c.kernelSize(), inShape.last(), units), 8, q), narrow);
            nodes.add(new QConv(out, x, inShape, outShape, tout, 1, c.kernelSize(), 1, c.stride(), 1, c.dilation(),
                    c.padding(), tx.zeroPoint(), k4, qb, rescale, accShift, lo, hi));
        } else {
            Op.Conv2D c = (Op.Conv2D) op;
            nodes.add(new QConv(out, x, inShape, outShape, tout, c.kernelH(), c.kernelW(), c.strideH(), c.strideW(),
                    c.dilationH(), c.dilationW(), c.padding(), tx.zeroPoint(), qw, qb, rescale, accShift, lo, hi));
        }
        if (kind != ActivationStage.Kind.CLAMP && !out.equals(layer)) {
            nodes.addAll(ActivationStage.lower(ctx, layer, out, tout, outShape, ctx.solution().type(layer), act));
        }
        return nodes;
    }

    /**
     * Interval bound of the layer's pre-activation from its input range, for the report only (the
     * logits' scale is the product {@code s_w s_x}): per output {@code b + Σ min/max(w·lo, w·hi)}.
     */
    double[] logitRange(Node node, double lo, double hi) {
        FloatTensor w = kernel(node);
        int units = w.shape().last();
        double[] min = new double[units];
        double[] max = new double[units];
        for (int i = 0; i < w.size(); i++) {
            double a = w.get(i) * lo;
            double b = w.get(i) * hi;
            min[i % units] += Math.min(a, b);
            max[i % units] += Math.max(a, b);
        }
        double rMin = 0;
        double rMax = 0;
        for (int o = 0; o < units; o++) {
            double b = useBias(node) ? node.weight("bias").get(o) : 0;
            rMin = Math.min(rMin, min[o] + b);
            rMax = Math.max(rMax, max[o] + b);
        }
        return new double[] {rMin, rMax};
    }

    /** Whether this layer quantizes its weights per output channel. */
    boolean perChannel(LoweringContext ctx) {
        return ctx.options().perChannel();
    }

    /** The weight group of the kernel, "layer/kernel" (as {@code mcugen analyze} names it). */
    String group(Node node) {
        return node.name() + "/kernel";
    }

    /** The float kernel with the output channels on its last axis. */
    FloatTensor kernel(Node node) {
        return node.weight("kernel");
    }

    /**
     * The output specs of a layer whose activation is a clamp (linear, ReLU, ReLU6: real 0 exact
     * unless linear, so the clamp bound is an integer) or sigmoid / tanh (a Q3.12 pre-activation the
     * int16 activation kernels read, then the calibrated output).
     */
    static void clampOrLogisticSpecs(RecipeContext ctx, String layer, Activation act) {
        if (ActivationStage.kind(act) == ActivationStage.Kind.CLAMP) {
            Specs.activation(ctx, layer);
            if (act != Activation.LINEAR) {
                ctx.system().add(new Contract.ExactZero(layer));
            }
            return;
        }
        ctx.system().tensor(new TensorSpec(layer + ActivationStage.PREACT, 16, TensorSpec.Symmetry.SYMMETRIC, -8, 8));
        ctx.system().add(new Contract.FixedFormat(layer + ActivationStage.PREACT, 16, ActivationStage.PREACT_FRACTIONAL_BITS));
        Specs.activation(ctx, layer);
    }

    static Activation activation(Op op) {
        if (op instanceof Op.Dense d) {
            return d.activation();
        }
        if (op instanceof Op.DepthwiseConv c) {
            return c.activation();
        }
        if (op instanceof Op.Conv1D c) {
            return c.activation();
        }
        return ((Op.Conv2D) op).activation();
    }

    static boolean useBias(Node node) {
        return node.weights().containsKey("bias");
    }

    static Padding padding(Op op) {
        if (op instanceof Op.Conv1D c) {
            return c.padding();
        }
        if (op instanceof Op.Conv2D c) {
            return c.padding();
        }
        if (op instanceof Op.DepthwiseConv c) {
            return c.padding();
        }
        return Padding.VALID;
    }
}
