package dev.mcugen.scale.ff;

import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Node;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.quant.IntTensor;
import dev.mcugen.ir.quant.QDepthwiseConv;
import dev.mcugen.ir.quant.QuantType;
import dev.mcugen.ir.quant.Rescale;
import dev.mcugen.scale.LoweringContext;

import java.util.List;

/**
 * DepthwiseConv1D / DepthwiseConv2D: the recipe of {@link DenseConvRecipe} (same tensors and
 * contracts: {@code layer/kernel} int8 symmetric, {@code layer/bias} int32 with
 * {@code Product(layer/bias, layer/kernel, x)}, the output with Coverage, ExactZero for ReLU and
 * SAME padding) on the depthwise kernel {@code [kh, kw, C, m]} read as {@code [kh·kw, C·m]}: each
 * output channel {@code c·m + j} is one column, its accumulator sums {@code kh·kw} taps of one
 * input channel. Integer op: {@link QDepthwiseConv}.
 *
 * <p>Weights are always quantized per output channel, also without {@code --per-channel} (as
 * TensorFlow Lite's int8 scheme requires for depthwise layers): the channels of a depthwise kernel
 * see one input channel each and their ranges differ by orders of magnitude after BatchNorm
 * folding, so one scale for all of them rounds the small channels to a few levels (on the MLPerf
 * Tiny visual wake words MobileNet, top-1 agreement with float drops from 98.4% to 93.8%).
 */
final class DepthwiseConvRecipe extends DenseConvRecipe {

    @Override
    boolean perChannel(LoweringContext ctx) {
        return true;
    }

    @Override
    String group(Node node) {
        return node.name() + "/depthwise_kernel";
    }

    @Override
    FloatTensor kernel(Node node) {
        FloatTensor k = node.weight("depthwise_kernel");
        Shape s = k.shape();
        int outChannels = s.dim(s.rank() - 2) * s.last();
        return FloatTensor.of(Shape.of(k.size() / outChannels, outChannels), k.toArray());
    }

    /** The integer layer from the quantized kernel {@code q} (flat, in the float kernel's order). */
    static QDepthwiseConv integerLayer(String out, String x, Shape inShape, Shape outShape, QuantType tout,
                                       Op.DepthwiseConv c, int padValue, int[] q, IntTensor bias,
                                       List<Rescale> rescale, int accShift, int lo, int hi,
                                       dev.mcugen.scale.wordlength.WeightGrid narrow) {
        IntTensor k4 = NarrowWeights.declare(
                IntTensor.of(Shape.of(c.kernelH(), c.kernelW(), inShape.last(), c.multiplier()), 8, q), narrow);
        return new QDepthwiseConv(out, x, inShape, outShape, tout, c.multiplier(), c.kernelH(), c.kernelW(),
                c.strideH(), c.strideW(), c.dilationH(), c.dilationW(), c.padding(), padValue, k4, bias, rescale,
                accShift, lo, hi);
    }
}
