package dev.mcugen.scale.ff;

import dev.mcugen.ir.Activation;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.fixed.LookupTable;
import dev.mcugen.ir.quant.IntTensor;
import dev.mcugen.ir.quant.QLut;
import dev.mcugen.ir.quant.QPRelu;
import dev.mcugen.ir.quant.QuantType;
import dev.mcugen.ir.quant.Rescale;
import dev.mcugen.scale.LoweringContext;

import java.util.Locale;
import java.util.function.DoubleUnaryOperator;

/**
 * The integer forms of ELU, swish, hard swish, the hard sigmoids with a calibrated input, leaky ReLU
 * and PReLU, stand-alone or fused into a Dense / convolution (whose output is then the calibrated
 * pre-activation {@code layer/preact}). Contracts: input and output each have their own calibrated
 * type ({@code Coverage}); nothing else is imposed.
 * <ul>
 *   <li><b>Tables</b> ({@link QLut}, ELU, swish, hard swish, hard sigmoids): computed from the real
 *       function in double ({@link LookupTable}): int8 one exact entry per input value, int16 TFLite's
 *       513-entry table with linear interpolation (the {@code --activation} option does not apply).</li>
 *   <li><b>Per-sign rescales</b> ({@link QPRelu}, leaky ReLU and PReLU): the positive side
 *       {@code R_id = s_x / s_y} (a multiplier, or a shift under {@code --rescale pot}); the negative
 *       side the int16 gain {@code g_c = round(alpha_c s_x / (s_y 2^e))} followed by the shift
 *       {@code 2^e}, {@code e} the smallest exponent with {@code max |g| <= 32767}: exact in both
 *       rescale modes, slopes to about 15 significant bits.</li>
 * </ul>
 */
final class PointwiseStage {
    private PointwiseStage() {
    }

    /** Whether a fused or stand-alone {@code a} is realized here. */
    static boolean handles(Activation a) {
        return a == Activation.LEAKY_RELU || table(a) != null;
    }

    /** The real function of a table activation, or null for the others. */
    static DoubleUnaryOperator table(Activation a) {
        switch (a) {
            case ELU:
                return elu(1.0);
            case SWISH:
                return x -> x / (1.0 + StrictMath.exp(-x));
            case HARD_SWISH:
                return x -> x * relu6(x + 3.0) / 6.0;
            case HARD_SIGMOID6:
                return x -> relu6(x + 3.0) / 6.0;
            default:
                return null;
        }
    }

    static DoubleUnaryOperator elu(double alpha) {
        return x -> x > 0 ? x : alpha * StrictMath.expm1(x);
    }

    static DoubleUnaryOperator hardSigmoid(double alpha, double beta) {
        return x -> Math.max(0.0, Math.min(1.0, alpha * x + beta));
    }

    private static double relu6(double x) {
        return Math.min(Math.max(x, 0.0), 6.0);
    }

    /** {@code a} applied to {@code in} (type {@code tin}) giving {@code layer} (type {@code tout}). */
    static dev.mcugen.ir.quant.QNode lower(LoweringContext ctx, String layer, String in, QuantType tin, Shape shape,
                                           QuantType tout, Activation a) {
        if (a == Activation.LEAKY_RELU) {
            return prelu(ctx, layer, in, tin, shape, tout, new double[] {Activation.LEAKY_RELU_SLOPE});
        }
        return lut(layer, in, tin, shape, tout, a.kerasName(), table(a));
    }

    /** The stand-alone parametric op {@code op} (LeakyRelu, Elu, HardSigmoid; PRelu via {@link #prelu}). */
    static dev.mcugen.ir.quant.QNode lower(LoweringContext ctx, String layer, String in, QuantType tin, Shape shape,
                                           QuantType tout, Op op) {
        if (op instanceof Op.LeakyRelu l) {
            return prelu(ctx, layer, in, tin, shape, tout, new double[] {l.alpha()});
        }
        if (op instanceof Op.Elu e) {
            return lut(layer, in, tin, shape, tout, String.format(Locale.ROOT, "elu(alpha=%s)", e.alpha()), elu(e.alpha()));
        }
        Op.HardSigmoid h = (Op.HardSigmoid) op;
        return lut(layer, in, tin, shape, tout, String.format(Locale.ROOT, "hard_sigmoid(alpha=%s, beta=%s)",
                h.alpha(), h.beta()), hardSigmoid(h.alpha(), h.beta()));
    }

    static QLut lut(String layer, String in, QuantType tin, Shape shape, QuantType tout, String what,
                    DoubleUnaryOperator f) {
        if (tin.bits() != tout.bits() || tin.bits() != 8 && tin.bits() != 16) {
            throw new IllegalStateException("layer '" + layer + "': table from int" + tin.bits() + " to int" + tout.bits());
        }
        int[] t = tin.bits() == 8
                ? LookupTable.int8(f, tin.scale(), tin.zeroPoint(), tout.scale(), tout.zeroPoint(), tout.qmin(), tout.qmax())
                : LookupTable.int16(f, tin.scale(), tin.zeroPoint(), tout.scale(), tout.zeroPoint(), tout.qmin(), tout.qmax());
        return new QLut(layer, in, shape, tout, what, IntTensor.of(Shape.of(t.length), tin.bits(), t));
    }

    /** Leaky ReLU / PReLU with the slopes {@code alpha} (one, or one per element of the repeating tail). */
    static QPRelu prelu(LoweringContext ctx, String layer, String in, QuantType tin, Shape shape, QuantType tout,
                        double[] alpha) {
        double ratio = tin.scale() / tout.scale();
        double max = 0;
        for (double a : alpha) {
            max = Math.max(max, Math.abs(a) * ratio);
        }
        int e = 0;
        if (max > 0) {
            e = Math.getExponent(max / 32767.0);
            while (WeightQuantizer.round(max / Math.scalb(1.0, e)) > 32767) {
                e++;
            }
            e = Math.max(dev.mcugen.ir.fixed.FixedPoint.MIN_SHIFT, Math.min(dev.mcugen.ir.fixed.FixedPoint.MAX_SHIFT, e));
        }
        int[] g = new int[alpha.length];
        for (int c = 0; c < alpha.length; c++) {
            long v = WeightQuantizer.round(alpha[c] * ratio / Math.scalb(1.0, e));
            g[c] = (int) Math.max(-32767, Math.min(32767, v));
        }
        Rescale id = Rescales.of(ctx, layer, "output", ratio);
        Rescale neg = Rescales.of(ctx, layer, "negative_side", Math.scalb(1.0, e));
        return new QPRelu(layer, in, shape, tout, tin.zeroPoint(), IntTensor.of(Shape.of(g.length), 16, g), id, neg);
    }
}
