package dev.mcugen.scale.ff;

import dev.mcugen.ir.Activation;
import dev.mcugen.ir.Diag;
import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.Node;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.SpatialOps;
import dev.mcugen.ir.quant.IntTensor;
import dev.mcugen.ir.quant.QNode;
import dev.mcugen.ir.quant.QTransposeConv;
import dev.mcugen.ir.quant.QuantType;
import dev.mcugen.ir.quant.Rescale;
import dev.mcugen.scale.AccumulatorBound;
import dev.mcugen.scale.Contract;
import dev.mcugen.scale.LoweringContext;
import dev.mcugen.scale.OverflowProof;
import dev.mcugen.scale.Recipe;
import dev.mcugen.scale.RecipeContext;
import dev.mcugen.scale.TensorSpec;

import java.util.ArrayList;
import java.util.List;

/**
 * Conv1DTranspose and Conv2DTranspose ({@link QTransposeConv}), quantized like a convolution: int8
 * symmetric weights per tensor or per filter ({@code --per-channel}), bias in the accumulator's
 * scale, int32 accumulator proven not to overflow (int64 with a rounding pre-shift otherwise),
 * requantization to the output, fused activation.
 *
 * <p>Declares {@code layer/kernel} (int8 symmetric); {@code layer/bias} (int32,
 * {@code Product(layer/bias, layer/kernel, x)}: the bias is added in the accumulator's scale
 * {@code s_w s_x}); the output {@code layer} with its calibrated range and {@code Coverage}
 * ({@code ExactZero(layer)} with ReLU / ReLU6, whose clamp is at real 0); with a fused
 * sigmoid / tanh / hard sigmoid {@code layer/preact} int16 {@code FixedFormat Q3.12} as for Conv.
 * No {@code ExactZero(x)}: the kernel subtracts the input zero point per tap and skips the taps that
 * fall outside the input, so padding contributes exactly 0 whatever the zero point.
 */
final class TransposeConvRecipe implements Recipe {
    @Override
    public void declare(Node node, RecipeContext ctx) {
        String layer = node.name();
        String x = node.inputs().get(0);
        TensorSpec in = Specs.input(ctx, x);
        if (in.bits() > 16) {
            throw new IllegalStateException("layer '" + layer + "' reads int" + in.bits() + " tensor '" + x + "'");
        }
        Op.ConvTranspose c = (Op.ConvTranspose) node.op();
        String kernel = layer + DenseConvRecipe.KERNEL;
        ctx.system().tensor(Specs.constant(kernel, 8, node.weight("kernel").toArray()));
        if (c.useBias()) {
            ctx.system().tensor(Specs.constant(layer + DenseConvRecipe.BIAS, 32, node.weight("bias").toArray()));
            ctx.system().add(new Contract.Product(layer + DenseConvRecipe.BIAS, kernel, x));
        }
        Activation act = c.activation();
        switch (ActivationStage.kind(act)) {
            case CLAMP, LOGISTIC:
                DenseConvRecipe.clampOrLogisticSpecs(ctx, layer, act);
                break;
            case POINTWISE:
                // the table stage (swish, ELU, ...) is wired into Dense and convolutions only
                throw new McugenException(Diag.MCG_QUANT_UNSUPPORTED, "layer '" + layer + "' (" + c.kind() + ")",
                        "has a fused " + act.name().toLowerCase(java.util.Locale.ROOT) + ", which a transposed"
                                + " convolution does not apply itself; put it in an Activation layer after this one");
            default:
                throw new McugenException(Diag.MCG_QUANT_UNSUPPORTED, "layer '" + layer + "' (" + c.kind() + ")",
                        "has a fused softmax, which mcugen quantizes after Dense only; put the softmax in an"
                                + " Activation layer after a Flatten and Dense");
        }
    }

    @Override
    public List<QNode> lower(Node node, LoweringContext ctx) {
        String layer = node.name();
        String x = node.inputs().get(0);
        Op.ConvTranspose c = (Op.ConvTranspose) node.op();
        QuantType tx = ctx.solution().type(x);
        Activation act = c.activation();
        boolean logistic = ActivationStage.kind(act) == ActivationStage.Kind.LOGISTIC;
        FloatTensor w = node.weight("kernel");
        int f = c.filters();
        Shape inShape = ctx.graph().shapes().get(x);
        int ch = inShape.last();
        int taps = w.size() / (f * ch);

        // Per-filter scales over axis F of [.., F, C]: quantize the [.., C, F] transpose as a conv kernel.
        float[] wt = new float[w.size()];
        for (int t = 0; t < taps; t++) {
            for (int o = 0; o < f; o++) {
                for (int k = 0; k < ch; k++) {
                    wt[(t * ch + k) * f + o] = w.get((t * f + o) * ch + k);
                }
            }
        }
        FloatTensor wcf = FloatTensor.of(Shape.of(taps, ch, f), wt);
        boolean perChannel = ctx.options().perChannel();
        double[] ws = perChannel ? WeightQuantizer.channelScales(wcf, ctx.options().powerOfTwoRescale())
                : WeightQuantizer.uniform(ctx.solution().type(layer + DenseConvRecipe.KERNEL).scale(), f);
        int[] qcf = WeightQuantizer.weights(wcf, ws);
        double[] accScale = new double[f];
        for (int o = 0; o < f; o++) {
            accScale[o] = ws[o] * tx.scale();
        }
        // Zero point 0: the kernel multiplies (x - zp_x), nothing is folded into the bias.
        long[] bias = WeightQuantizer.foldedBias(c.useBias() ? node.weight("bias") : null, accScale, qcf, 0);

        // Overflow proof over the whole kernel (every tap may reach one output when the stride is 1).
        long[] rows = OverflowProof.rowBounds(qcf, f, bias, OverflowProof.maxAbsInput(tx, false));
        AccumulatorBound worst = OverflowProof.worst(layer, "transpose_conv", rows, OverflowProof.INT32_LIMIT, "");
        int accShift = 0;
        if (!worst.safe()) {
            accShift = Math.max(1, 64 - Long.numberOfLeadingZeros(worst.bound()) - 30);
            worst = new AccumulatorBound(layer, "transpose_conv", worst.row(), worst.bound(), worst.limit(),
                    "int64 accumulator, rounded shift right by " + accShift + " before requantization");
        }
        ctx.bound(worst);

        String out = logistic ? layer + ActivationStage.PREACT : layer;
        QuantType tout = ctx.solution().type(out);
        List<Rescale> rescale = new ArrayList<>();
        for (int o = 0; o < (perChannel ? f : 1); o++) {
            rescale.add(Rescales.of(ctx, layer, perChannel ? "output[" + o + "]" : "output",
                    Math.scalb(accScale[o], accShift) / tout.scale()));
        }
        int lo = logistic ? tout.qmin() : ActivationStage.clampLow(act, tout);
        int hi = logistic ? tout.qmax() : ActivationStage.clampHigh(act, tout);

        int[] q = new int[qcf.length];
        for (int t = 0; t < taps; t++) {
            for (int o = 0; o < f; o++) {
                for (int k = 0; k < ch; k++) {
                    q[(t * f + o) * ch + k] = qcf[(t * ch + k) * f + o];
                }
            }
        }
        SpatialOps.TransposeConv g = SpatialOps.transposeConv(c, inShape);
        int kh = g.kernelH();
        int kw = g.kernelW();
        IntTensor qw = IntTensor.of(Shape.of(kh, kw, f, ch), 8, q);
        IntTensor qb = IntTensor.of(Shape.of(f), accShift > 0 ? 64 : 32, bias);
        List<QNode> nodes = new ArrayList<>();
        nodes.add(new QTransposeConv(out, x, inShape, node.outputShape(), tout, kh, kw, g.strideH(), g.strideW(),
                g.padTop(), g.padLeft(), g.outH(), g.outW(), tx.zeroPoint(), qw, qb, rescale, accShift, lo, hi));
        if (logistic) {
            nodes.addAll(ActivationStage.lower(ctx, layer, out, tout, node.outputShape(), ctx.solution().type(layer), act));
        }
        return nodes;
    }
}
