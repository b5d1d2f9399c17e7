package dev.mcugen.scale;

import dev.mcugen.ir.quant.IntTensor;
import dev.mcugen.ir.quant.QAdd;
import dev.mcugen.ir.quant.QConv;
import dev.mcugen.ir.quant.QConv16x8;
import dev.mcugen.ir.quant.QDepthwise16x8;
import dev.mcugen.ir.quant.QDepthwiseConv;
import dev.mcugen.ir.quant.QElementwise;
import dev.mcugen.ir.quant.QFullyConnected;
import dev.mcugen.ir.quant.QGraph;
import dev.mcugen.ir.quant.QInput;
import dev.mcugen.ir.quant.QLstmTfl;
import dev.mcugen.ir.quant.QNode;
import dev.mcugen.ir.quant.QTflMean;
import dev.mcugen.ir.quant.QTransposeConv;
import dev.mcugen.ir.quant.QuantType;
import dev.mcugen.ir.quant.Rescale;
import java.util.ArrayList;
import java.util.List;

/**
 * The overflow proof of a quantized {@code .tflite}'s layers ({@link OverflowProof}'s bounds over the
 * file's own integers): for the worst input of each layer's input types, the largest magnitude every
 * integer accumulator of the layer can reach, against its limit. Nothing is solved for a file, so an
 * unsafe bound has no remedy but a different file; the report names it.
 *
 * <p>Covered: every weighted layer (fully connected, convolution, depthwise, transposed convolution,
 * int8 and 16x8), the integer LSTM's eight gate matrices, MEAN's channel sums, and ADD / SUB / MUL's
 * shifted operands, sums and products. Layers that only move, compare, clamp or look up integers have
 * no accumulator.
 */
final class FileAccumulators {
    private static final String NO_REMEDY = "none: the file's integers are kept, so an input this large would overflow int32";

    private FileAccumulators() {
    }

    /** Every accumulator of {@code x}, in the order its kernel computes them (empty: none). */
    static List<AccumulatorBound> of(QNode x, QGraph g) {
        List<AccumulatorBound> r = new ArrayList<>();
        if (x instanceof QFullyConnected f) {
            matmul(r, x.name(), "matmul", f.weights(), f.units(), f.bias(), typeOf(g, f.input()), true);
        } else if (x instanceof QConv c) {
            matmul(r, x.name(), "matmul", c.weights(), c.weights().shape().last(), c.bias(), typeOf(g, c.input()), true);
        } else if (x instanceof QDepthwiseConv d) {
            matmul(r, x.name(), "matmul", d.weights(), d.weights().shape().dim(2) * d.multiplier(), d.bias(),
                    typeOf(g, d.input()), true);
        } else if (x instanceof QConv16x8 c) {
            int64(r, x.name(), c.weights().toIntArray(), c.weights().shape().last(), c.bias(), typeOf(g, c.input()));
        } else if (x instanceof QDepthwise16x8 d) {
            int64(r, x.name(), d.weights().toIntArray(), d.weights().shape().dim(2) * d.multiplier(), d.bias(),
                    typeOf(g, d.input()));
        } else if (x instanceof QTransposeConv t) {
            transposeConv(r, t, typeOf(g, t.input()));
        } else if (x instanceof QLstmTfl l) {
            lstm(r, l);
        } else if (x instanceof QTflMean m) {
            QuantType t = typeOf(g, m.input());
            if (t != null) {
                long n = (long) m.inputShape().dim(0) * m.inputShape().dim(1);
                // rounded: Σ (x - zp_x); the generic form: Σ x, zero points included
                r.add(new AccumulatorBound(x.name(), "sum", 0, n * OverflowProof.maxAbsInput(t, !m.rounded()),
                        OverflowProof.INT32_LIMIT, NO_REMEDY));
            }
        } else if (x instanceof QAdd a) {
            sum(r, x.name(), a.inputs(), a.inputRescales(), a.leftShift(), g);
        } else if (x instanceof QElementwise e) {
            elementwise(r, e, g);
        }
        return r;
    }

    private static void matmul(List<AccumulatorBound> r, String layer, String what, IntTensor w, int outputs, IntTensor b,
                               QuantType in, boolean zeroPointFolded) {
        if (in != null) {
            r.add(OverflowProof.matmul(layer, what, w.toIntArray(), outputs, b.toArray(),
                    OverflowProof.maxAbsInput(in, zeroPointFolded), OverflowProof.INT32_LIMIT, NO_REMEDY));
        }
    }

    /** TFLite's 16x8 convolutions accumulate in int64 (the zero point of int16 activations is 0). */
    private static void int64(List<AccumulatorBound> r, String layer, int[] w, int outputs, IntTensor b, QuantType in) {
        if (in != null) {
            r.add(OverflowProof.matmul(layer, "matmul (int64)", w, outputs, b.toArray(), OverflowProof.maxAbsInput(in, true),
                    Long.MAX_VALUE, "none: an input this large would overflow int64"));
        }
    }

    /** Weights {@code [kh, kw, F, C]}: regrouped with the filter innermost; every tap may reach one output. */
    private static void transposeConv(List<AccumulatorBound> r, QTransposeConv t, QuantType in) {
        if (in == null) {
            return;
        }
        IntTensor w = t.weights();
        int f = w.shape().dim(2);
        int ch = w.shape().dim(3);
        int taps = w.size() / (f * ch);
        int[] wt = new int[w.size()];
        for (int tap = 0; tap < taps; tap++) {
            for (int o = 0; o < f; o++) {
                for (int k = 0; k < ch; k++) {
                    wt[(tap * ch + k) * f + o] = (int) w.get((tap * f + o) * ch + k);
                }
            }
        }
        // The kernel multiplies (x - zp_x) per tap; with accShift > 0 the sum is int64 and shifted before the rescale.
        boolean wide = t.accShift() > 0;
        r.add(OverflowProof.matmul(t.name(), wide ? "transpose_conv (int64)" : "transpose_conv", wt, f, t.bias().toArray(),
                OverflowProof.maxAbsInput(in, false), wide ? Long.MAX_VALUE : OverflowProof.INT32_LIMIT, NO_REMEDY));
    }

    /** Each gate's input and recurrent parts, weights {@code [units, k]} (TFLite's layout), zero points folded. */
    private static void lstm(List<AccumulatorBound> r, QLstmTfl l) {
        String[] names = {"forget", "input", "cell", "output"};
        QLstmTfl.Gate[] gates = {l.forget(), l.input(), l.cell(), l.output()};
        for (int i = 0; i < gates.length; i++) {
            QLstmTfl.Gate gate = gates[i];
            r.add(OverflowProof.matmul(l.name(), names[i] + " gate, input part", rowsInnermost(gate.inputWeights()), l.units(),
                    gate.inputBias().toArray(), OverflowProof.maxAbsInput(l.inputType(), true), OverflowProof.INT32_LIMIT,
                    NO_REMEDY));
            r.add(OverflowProof.matmul(l.name(), names[i] + " gate, recurrent part", rowsInnermost(gate.recurrentWeights()),
                    l.units(), gate.recurrentBias().toArray(), OverflowProof.maxAbsInput(l.outputType(), true),
                    OverflowProof.INT32_LIMIT, NO_REMEDY));
        }
    }

    /** {@code [rows, k]} as {@code [k, rows]}: the layout {@link OverflowProof#rowBounds} sums by. */
    private static int[] rowsInnermost(IntTensor w) {
        int rows = w.shape().dim(0);
        int k = w.shape().dim(1);
        int[] t = new int[rows * k];
        for (int u = 0; u < rows; u++) {
            for (int j = 0; j < k; j++) {
                t[j * rows + u] = (int) w.get(u * k + j);
            }
        }
        return t;
    }

    /**
     * TFLite's ADD: each operand's {@code (x - zp) · 2^leftShift} (must fit int32), rescaled by
     * {@code R_k} (at most its real value plus the rounding's one unit), then summed in int32.
     */
    private static void sum(List<AccumulatorBound> r, String layer, List<String> operands, List<Rescale> rescales,
                            int leftShift, QGraph g) {
        long shifted = 0;
        long total = 0;
        for (int k = 0; k < operands.size(); k++) {
            QuantType t = typeOf(g, operands.get(k));
            if (t == null) {
                return;
            }
            long d = OverflowProof.maxAbsInput(t, false);
            shifted = Math.max(shifted, d << leftShift);
            total += (long) Math.ceil(d * Math.scalb(rescales.get(k).real(), leftShift)) + 1;
        }
        r.add(new AccumulatorBound(layer, "shifted operand", 0, shifted, OverflowProof.INT32_LIMIT, NO_REMEDY));
        r.add(new AccumulatorBound(layer, "sum", 0, total, OverflowProof.INT32_LIMIT, NO_REMEDY));
    }

    private static void elementwise(List<AccumulatorBound> r, QElementwise e, QGraph g) {
        // The operands' types in order, a constant's included: its values are what it multiplies or adds.
        List<QuantType> types = new ArrayList<>();
        int in = 0;
        int n = e.zeroPoints().size();
        for (int k = 0; k < n; k++) {
            if (e.constant().isPresent() && k == e.constantOperand()) {
                types.add(null);
            } else {
                QuantType t = typeOf(g, e.inputs().get(in++));
                if (t == null) {
                    return;
                }
                types.add(t);
            }
        }
        long[] d = new long[n];
        for (int k = 0; k < n; k++) {
            d[k] = types.get(k) != null ? OverflowProof.maxAbsInput(types.get(k), false)
                    : constantMaxAbs(e.constant().get(), e.zeroPoints().get(k));
        }
        switch (e.kind()) {
            case SUM -> {
                long shifted = 0;
                long total = 0;
                for (int k = 0; k < n; k++) {
                    shifted = Math.max(shifted, d[k] << e.leftShift());
                    total += (long) Math.ceil(d[k] * Math.scalb(e.rescales().get(k).real(), e.leftShift())) + 1;
                }
                r.add(new AccumulatorBound(e.name(), "shifted operand", 0, shifted, OverflowProof.INT32_LIMIT, NO_REMEDY));
                r.add(new AccumulatorBound(e.name(), "sum", 0, total, OverflowProof.INT32_LIMIT, NO_REMEDY));
            }
            case MUL -> {
                long p = d[0] * d[1];
                long worst = p;
                for (int k = 2; k < n; k++) {
                    p = ((long) Math.ceil(p * e.stepRescales().get(k - 2).real()) + 1) * d[k];
                    worst = Math.max(worst, p);
                }
                r.add(new AccumulatorBound(e.name(), "product", 0, worst, OverflowProof.INT32_LIMIT, NO_REMEDY));
            }
            default -> {
                // MAX / MIN compare requantized operands: no accumulator
            }
        }
    }

    private static long constantMaxAbs(IntTensor c, int zeroPoint) {
        long m = 0;
        for (int i = 0; i < c.size(); i++) {
            m = Math.max(m, Math.abs(c.get(i) - zeroPoint));
        }
        return m;
    }

    static QuantType typeOf(QGraph g, String tensor) {
        for (QInput in : g.inputs()) {
            if (in.name().equals(tensor)) {
                return in.type();
            }
        }
        for (QNode x : g.nodes()) {
            if (x.name().equals(tensor)) {
                return x.outputType();
            }
        }
        return null;
    }
}
