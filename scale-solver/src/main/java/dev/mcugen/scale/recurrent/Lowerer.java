package dev.mcugen.scale.recurrent;

import dev.mcugen.ir.Activation;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.Diag;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.quant.IntTensor;
import dev.mcugen.ir.quant.QActivation;
import dev.mcugen.ir.quant.QMatVec;
import dev.mcugen.ir.quant.QuantType;
import dev.mcugen.ir.quant.Rescale;
import dev.mcugen.scale.AccumulatorBound;
import dev.mcugen.scale.EffectiveScale;
import dev.mcugen.scale.LoweringContext;
import dev.mcugen.scale.QuantOptions;
import dev.mcugen.scale.wordlength.WeightGrid;

/**
 * Turns one recurrent layer's solved types into integer parameters: quantized weights, effective
 * biases with the input zero point folded in (seed 000 §6), rescales, activations, and the overflow
 * proof of every accumulator ({@link AccumulatorBound}).
 */
final class Lowerer {
    static final long INT32_LIMIT = Integer.MAX_VALUE;

    private final LoweringContext ctx;
    private final String layer;

    Lowerer(LoweringContext ctx, String layer) {
        this.ctx = ctx;
        this.layer = layer;
    }

    String name(String part) {
        return Names.of(layer, part);
    }

    QuantType type(String tensor) {
        return ctx.solution().type(tensor);
    }

    QuantType part(String part) {
        return type(name(part));
    }

    /**
     * The integers of the effective scale {@code real}, fixed by {@link LoweringContext#rescale}
     * (a shift when exact or under {@code --rescale pot}, else a TFLite multiplier; recorded for the
     * report as {@code name} of this layer).
     */
    Rescale rescale(String name, double real) {
        EffectiveScale e = ctx.rescale(layer, name, real);
        return new Rescale(e.shiftOnly(), e.multiplier(), e.shift());
    }

    QActivation activation(Activation a, int inputFracBits) {
        QActivation.Impl impl = ctx.options().activation() == QuantOptions.ActivationImpl.POLY
                ? QActivation.Impl.POLY : QActivation.Impl.LUT;
        return QActivation.of(a, impl, inputFracBits);
    }

    /** {@code round(v / scale)} of each value, clamped to {@code type}'s range, as a tensor of {@code shape}. */
    static IntTensor quantize(float[] v, QuantType type, Shape shape) {
        int[] q = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            q[i] = type.quantize(v[i]);
        }
        return IntTensor.of(shape, type.bits(), q);
    }

    /** {@code round(v / scale)} of each value as an int32 (narrow range), for biases of a known accumulator scale. */
    static long[] quantizeBias(float[] v, double scale) {
        long[] q = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            q[i] = Math.round(Math.abs(v[i]) / scale) * (long) Math.signum(v[i]);
        }
        return q;
    }

    /**
     * A {@link QMatVec}: {@code w} ({@code [rows][cols]} floats) quantized with {@code wType}, reading
     * {@code xType} values, with the optional real {@code bias} quantized at the accumulator scale
     * {@code s_w * s_x} (the Product contract) and the zero point folded:
     * {@code bias_eff[r] = round(b[r] / (s_w s_x)) - zp_x Σ_c w_q[r][c]}; rescaled by
     * {@code s_w s_x / destScale} ({@link #rescale}). Records the accumulator's bound as {@code accumulator}.
     */
    QMatVec matVec(String accumulator, float[] w, int rows, int cols, QuantType wType, QuantType xType,
                   float[] bias, double destScale) {
        return matVec(accumulator, w, rows, cols, wType, xType, bias, destScale, null);
    }

    /**
     * {@link #matVec} of a matrix of weight group {@code group} ("layer/kernel", ...; null: int8): below 8
     * bits ({@code --weight-bits}) its weights take the levels of the group's grid with the solved step
     * (see {@link Declarer#weight(String, float[], String)}) and carry the declared width.
     */
    QMatVec matVec(String accumulator, float[] w, int rows, int cols, QuantType wType, QuantType xType,
                   float[] bias, double destScale, String group) {
        WeightGrid narrow = group == null ? null : WeightGrid.choose(group, w, ctx.options());
        IntTensor wq = narrow == null ? quantize(w, wType, Shape.of(rows, cols))
                : IntTensor.of(Shape.of(rows, cols), 8, new WeightGrid(narrow.bits(), narrow.method(), wType.scale())
                        .levels(w)).withDeclaredBits(narrow.bits(), narrow.odd());
        double accScale = wType.scale() * xType.scale();
        long[] b = bias == null ? new long[rows] : quantizeBias(bias, accScale);
        int[] eff = new int[rows];
        long xMax = Math.max(Math.abs((long) xType.qmin()), Math.abs((long) xType.qmax()));
        long worst = -1;
        int worstRow = 0;
        boolean clipped = false;
        for (int r = 0; r < rows; r++) {
            long sum = 0;
            long abs = 0;
            for (int c = 0; c < cols; c++) {
                int q = (int) wq.get(r * cols + c);
                sum += q;
                abs += Math.abs(q);
            }
            long e = b[r] - (long) xType.zeroPoint() * sum;
            if (Math.abs(e) > INT32_LIMIT) {
                clipped = true;
                e = Math.max(-INT32_LIMIT, Math.min(INT32_LIMIT, e));
            }
            eff[r] = (int) e;
            long bound = Math.abs(e) + abs * xMax;
            if (bound > worst) {
                worst = bound;
                worstRow = r;
            }
        }
        boolean wide = worst > INT32_LIMIT;
        String action = wide ? "int64 accumulator, saturated to int32" : "";
        if (clipped) {
            action = (action.isEmpty() ? "" : action + "; ") + "effective bias saturated to int32";
        }
        ctx.bound(new AccumulatorBound(layer, accumulator, worstRow, worst, INT32_LIMIT, action));
        return new QMatVec(rows, cols, wq, IntTensor.of(Shape.of(rows), 32, eff), rescale(accumulator, accScale / destScale),
                wide);
    }

    /** Records the overflow proof of an accumulator other than a matrix product (layer norm). */
    void bound(String accumulator, int row, long bound, String action) {
        ctx.bound(new AccumulatorBound(layer, accumulator, row, bound, INT32_LIMIT, action));
    }

    /** Fails with {@link Diag#MCG_QUANT_UNSUPPORTED} naming the layer. */
    McugenException unsupported(String detail) {
        return new McugenException(Diag.MCG_QUANT_UNSUPPORTED, "layer '" + layer + "'", detail);
    }
}
