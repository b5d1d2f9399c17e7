package dev.mcugen.scale.recurrent;

import dev.mcugen.ir.Activation;
import dev.mcugen.ir.Node;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.quant.IntTensor;
import dev.mcugen.ir.quant.QActivation;
import dev.mcugen.ir.quant.QGate;
import dev.mcugen.ir.quant.QLayerNorm;
import dev.mcugen.ir.quant.QLstm;
import dev.mcugen.ir.quant.QMatVec;
import dev.mcugen.ir.quant.QNode;
import dev.mcugen.ir.quant.QPeephole;
import dev.mcugen.ir.quant.QuantType;
import dev.mcugen.scale.LoweringContext;
import dev.mcugen.scale.Recipe;
import dev.mcugen.scale.RecipeContext;

import java.util.List;

import static dev.mcugen.ir.interp.RecurrentInternals.*;

/**
 * The integer LSTM of seed 000, Table 2, in all its variants (±peephole, ±projection, ±layer norm,
 * CIFG). Per tensor (names: {@link Names}):
 * <table>
 *   <caption>rules</caption>
 *   <tr><th>tensor</th><th>bits</th><th>rule (contract)</th></tr>
 *   <tr><td>x, h, m</td><td>8</td><td>range / 255, asymmetric (coverage); h: equal scale with the layer output</td></tr>
 *   <tr><td>W_g, R_g, W_proj</td><td>8</td><td>max / 127, symmetric (per gate)</td></tr>
 *   <tr><td>P_g, L_g</td><td>16</td><td>max / 32767</td></tr>
 *   <tr><td>b_g (no layer norm)</td><td>32</td><td>s_h * s_R_g (product)</td></tr>
 *   <tr><td>b_g (layer norm)</td><td>32</td><td>s_L_g * 2^-10 (product with the Q5.10 normalized value)</td></tr>
 *   <tr><td>b_proj</td><td>32</td><td>s_W_proj * s_m (product)</td></tr>
 *   <tr><td>c</td><td>16</td><td>POT(max) / 32768 (power of two covering max(|c|, 1 - 2^-15): at least Q0.15)</td></tr>
 *   <tr><td>g_g = Wx + Rh + P⊙c (layer norm)</td><td>16</td><td>max / 32767</td></tr>
 *   <tr><td>gate pre-activations / outputs</td><td>16</td><td>Q3.12 / Q0.15 (fixed format)</td></tr>
 * </table>
 * A relu or linear candidate activation (Keras {@code activation}) has no bounded output: its
 * pre-activation then takes a power-of-two int16 format covering its calibrated range, and its output
 * the same format (relu is exact there). The recurrent activation must be sigmoid or hard_sigmoid
 * (gates in [0, 1]). The integer step is {@link QLstm}'s.
 */
final class LstmRecipe implements Recipe {
    /** Gate letters of Table 2 and the internals' prefixes, in Keras order i, f, c(z), o. */
    private static final String[] LETTER = {"i", "f", "z", "o"};
    private static final String[][] INTERNALS = {
        {INPUT_GATE_ACC, INPUT_GATE_NORM, INPUT_GATE_PRE, INPUT_GATE},
        {FORGET_GATE_ACC, FORGET_GATE_NORM, FORGET_GATE_PRE, FORGET_GATE},
        {CELL_GATE_ACC, CELL_GATE_NORM, CELL_GATE_PRE, CELL_GATE},
        {OUTPUT_GATE_ACC, OUTPUT_GATE_NORM, OUTPUT_GATE_PRE, OUTPUT_GATE},
    };
    private static final String[] PEEPHOLE = {"cell_to_input", "cell_to_forget", null, "cell_to_output"};
    private static final String[] LAYER_NORM = {"input_layer_norm", "forget_layer_norm", "cell_layer_norm",
        "output_layer_norm"};
    private static final int I = 0;
    private static final int F = 1;
    private static final int Z = 2;
    private static final int O = 3;
    /** Gate pre-activations Q3.12, outputs Q0.15, normalized values Q5.10 (seed 000 §3.2.1, §3.2.6). */
    static final int PRE_FRAC = 12;
    static final int OUT_FRAC = 15;

    @Override
    public void declare(Node node, RecipeContext ctx) {
        Op.Lstm op = (Op.Lstm) node.op();
        RecurrentRecipes.checkActivations(node, op.activation(), op.recurrentActivation());
        Declarer d = new Declarer(ctx, node.name());
        String layer = node.name();
        String h = stateTensor(node, op);
        String m = d.name(HIDDEN);
        d.activation(layer);
        d.activation(h);
        d.equal(layer, h);
        if (op.projectionUnits() > 0) {
            d.activation(m);
            d.weight("W_proj", Weights.transposed(node, "projection_kernel"), Names.group(node, "projection_kernel"));
            if (op.useBias()) {
                d.bias("b_proj", Weights.all(node, "projection_bias"), d.name("W_proj"), m);
            }
        }
        int u = op.units();
        for (int g = 0; g < 4; g++) {
            if (g == I && op.cifg()) {
                continue;
            }
            int block = block(op, g);
            d.weight("W_" + LETTER[g], Weights.block(node, "kernel", block, u), Names.group(node, "kernel"));
            d.weight("R_" + LETTER[g], Weights.block(node, "recurrent_kernel", block, u), Names.group(node, "recurrent_kernel"));
            if (op.peephole() && PEEPHOLE[g] != null) {
                d.weight("P_" + LETTER[g], Weights.all(node, PEEPHOLE[g]), 16);
            }
            float[] bias = op.useBias() ? Weights.slice(node, "bias", block * u, u) : null;
            if (op.layerNorm()) {
                d.int16(d.name(INTERNALS[g][0]));
                d.fixed(d.name(INTERNALS[g][1]), QLayerNorm.NORM_FRAC_BITS);
                d.weight("L_" + LETTER[g], Weights.all(node, LAYER_NORM[g]), 16);
                if (bias != null) {
                    d.bias("b_" + LETTER[g], bias, d.name("L_" + LETTER[g]), d.name(INTERNALS[g][1]));
                }
            } else if (bias != null) {
                d.bias("b_" + LETTER[g], bias, d.name("R_" + LETTER[g]), h);
            }
            Activation act = g == Z ? op.activation() : op.recurrentActivation();
            String pre = d.name(INTERNALS[g][2]);
            String out = d.name(INTERNALS[g][3]);
            if (QActivation.saturating(act)) {
                d.fixed(pre, PRE_FRAC);
                d.fixed(out, OUT_FRAC);
            } else {
                d.powerOfTwo(pre, 0.0);
                d.powerOfTwo(out, 0.0);
                d.equal(pre, out);
            }
        }
        // |i * z| <= 1 - 2^-15 lets c reach that in one step whatever calibration saw: at least Q0.15.
        d.powerOfTwo(d.name(CELL), 1.0 - Math.scalb(1.0, -15));
    }

    @Override
    public List<QNode> lower(Node node, LoweringContext ctx) {
        Op.Lstm op = (Op.Lstm) node.op();
        Lowerer lo = new Lowerer(ctx, node.name());
        String layer = node.name();
        QuantType x = lo.type(node.inputs().get(0));
        QuantType h = lo.type(stateTensor(node, op));
        RecurrentRecipes.checkSameType(layer, lo.type(layer), h);
        QuantType cell = lo.part(CELL);
        QGate[] gates = new QGate[4];
        for (int g = 0; g < 4; g++) {
            if (g != I || !op.cifg()) {
                gates[g] = gate(node, op, lo, g, x, h, cell);
            }
        }
        QuantType iType = op.cifg() ? gates[F].outputType() : gates[I].outputType();
        int cellFrac = cell.fractionalBits();
        int forgetShift = gates[F].outputType().fractionalBits();
        int inputShift = iType.fractionalBits() + gates[Z].outputType().fractionalBits() - cellFrac;
        if (inputShift < 0) {
            throw lo.unsupported("cell state Q" + cell.integerBits() + "." + cellFrac
                    + " is finer than the product i * z; widen its calibrated range");
        }
        QActivation cellAct = lo.activation(op.activation(), cellFrac);
        QuantType m = op.projectionUnits() > 0 ? lo.part(HIDDEN) : h;
        double prodScale = Math.scalb(1.0, -gates[O].outputType().fractionalBits() - cellAct.outputFracBits());
        QMatVec projection = null;
        if (op.projectionUnits() > 0) {
            int p = op.projectionUnits();
            projection = lo.matVec("projection", Weights.transposed(node, "projection_kernel"), p, op.units(),
                    lo.part("W_proj"), m, op.useBias() ? Weights.all(node, "projection_bias") : null, h.scale(),
                    Names.group(node, "projection_kernel"));
        }
        return List.of(new QLstm(layer, node.inputs(), node.outputShape(), h, x, op.units(), op.returnSequences(),
                op.goBackwards(), gates[I], gates[F], gates[Z], gates[O], cell, forgetShift, inputShift, cellAct, m,
                lo.rescale(HIDDEN, prodScale / m.scale()), projection));
    }

    private static QGate gate(Node node, Op.Lstm op, Lowerer lo, int g, QuantType x, QuantType h, QuantType cell) {
        int u = op.units();
        int block = block(op, g);
        String gate = INTERNALS[g][3];
        QuantType pre = lo.part(INTERNALS[g][2]);
        QuantType out = lo.part(INTERNALS[g][3]);
        float[] bias = op.useBias() ? Weights.slice(node, "bias", block * u, u) : null;
        QLayerNorm ln = null;
        QuantType sum = pre;
        if (op.layerNorm()) {
            sum = lo.part(INTERNALS[g][0]);
            QuantType lType = lo.part("L_" + LETTER[g]);
            double biasScale = lType.scale() * QLayerNorm.normType().scale();
            long[] b = bias == null ? new long[u] : Lowerer.quantizeBias(bias, biasScale);
            IntTensor lq = Lowerer.quantize(Weights.all(node, LAYER_NORM[g]), lType, Shape.of(u));
            int[] bq = new int[u];
            long worst = 0;
            int worstRow = 0;
            for (int j = 0; j < u; j++) {
                bq[j] = (int) Math.max(-Lowerer.INT32_LIMIT, Math.min(Lowerer.INT32_LIMIT, b[j]));
                long bound = Math.abs((long) bq[j]) + 32768L * Math.abs(lq.get(j));
                if (bound > worst) {
                    worst = bound;
                    worstRow = j;
                }
            }
            lo.bound(gate + " layer_norm", worstRow, worst, worst > Lowerer.INT32_LIMIT ? "saturated to int32" : "");
            ln = new QLayerNorm(sum, lq, IntTensor.of(Shape.of(u), 32, bq),
                    lo.rescale(gate + " layer_norm", biasScale / pre.scale()));
            bias = null; // the gate bias is the layer norm's
        }
        QMatVec wx = lo.matVec(gate + " W·x", Weights.block(node, "kernel", block, u), u,
                node.weight("kernel").shape().dim(0), lo.part("W_" + LETTER[g]), x, null, sum.scale(),
                Names.group(node, "kernel"));
        QMatVec rh = lo.matVec(gate + " R·h", Weights.block(node, "recurrent_kernel", block, u), u,
                op.outputUnits(), lo.part("R_" + LETTER[g]), h, bias, sum.scale(), Names.group(node, "recurrent_kernel"));
        QPeephole peep = null;
        if (op.peephole() && PEEPHOLE[g] != null) {
            QuantType pType = lo.part("P_" + LETTER[g]);
            peep = new QPeephole(Lowerer.quantize(Weights.all(node, PEEPHOLE[g]), pType, Shape.of(u)),
                    lo.rescale(gate + " P⊙c", pType.scale() * cell.scale() / sum.scale()));
        }
        Activation act = g == Z ? op.activation() : op.recurrentActivation();
        QActivation a = lo.activation(act, pre.fractionalBits());
        if (a.outputFracBits() != out.fractionalBits()) {
            throw lo.unsupported(gate + " output Q." + out.fractionalBits() + " differs from its activation's Q."
                    + a.outputFracBits());
        }
        return new QGate(wx, rh, peep, ln, pre, a, out);
    }

    /** Column block of gate {@code g} in the kernels: i, f, c, o or, for CIFG, f, c, o. */
    private static int block(Op.Lstm op, int g) {
        return op.cifg() ? g - 1 : g;
    }

    /** The recurrent state h: the projection output, or m itself. */
    static String stateTensor(Node node, Op.Lstm op) {
        return Names.of(node.name(), op.projectionUnits() > 0 ? PROJECTION : HIDDEN);
    }
}
