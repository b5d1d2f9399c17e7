package dev.mcugen.scale.recurrent;

import dev.mcugen.ir.Node;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.quant.QActivation;
import dev.mcugen.ir.quant.QGate;
import dev.mcugen.ir.quant.QGru;
import dev.mcugen.ir.quant.QMatVec;
import dev.mcugen.ir.quant.QNode;
import dev.mcugen.ir.quant.QuantType;
import dev.mcugen.ir.quant.Rescale;
import dev.mcugen.scale.LoweringContext;
import dev.mcugen.scale.QuantOptions;
import dev.mcugen.scale.Recipe;
import dev.mcugen.scale.RecipeContext;

import java.util.List;

import static dev.mcugen.ir.interp.RecurrentInternals.*;

/**
 * The integer GRU (Keras gate order z, r, h; {@code reset_after} false and true), from seed 000's
 * blocks; the integer step and the choice of an int16 state are {@link QGru}'s. Per tensor:
 * <ul>
 *   <li>x, layer output: activation precision (int8: range / 255); the output is requantized from
 *       the state;</li>
 *   <li>W_g, R_g: int8, max / 127 per gate; b_z, b_r: int32, s_h * s_R (for reset_after the input
 *       and recurrent biases of z and r are summed, both being added before the activation);
 *       b_h: s_h * s_R_h (reset_after false: the recurrent input r ⊙ h has h's scale);
 *       reset_after: b_h_in = s_x * s_W_h, b_h_rec = s_h * s_R_h;</li>
 *   <li>z, r pre-activations Q3.12, outputs Q0.15; candidate pre-activation Q3.12 and output Q0.15
 *       for tanh/sigmoid/hard_sigmoid;</li>
 *   <li>h (state): int16, Q0.15 for a bounded candidate (then h stays in [-1, 1]); for relu/linear a
 *       power-of-two format shared (equal scale) with the candidate and its pre-activation, covering
 *       their calibrated ranges;</li>
 *   <li>r ⊙ h (reset_after false): h's scale; h R_h + b_rec (reset_after): int16, max / 32767.</li>
 * </ul>
 */
final class GruRecipe implements Recipe {
    private static final String[] LETTER = {"z", "r", "h"};
    private static final int PRE_FRAC = LstmRecipe.PRE_FRAC;
    private static final int OUT_FRAC = LstmRecipe.OUT_FRAC;

    @Override
    public void declare(Node node, RecipeContext ctx) {
        Op.Gru op = (Op.Gru) node.op();
        RecurrentRecipes.checkActivations(node, op.activation(), op.recurrentActivation());
        Declarer d = new Declarer(ctx, node.name());
        String layer = node.name();
        String x = node.inputs().get(0);
        String h = d.name(HIDDEN);
        int u = op.units();
        for (int g = 0; g < 3; g++) {
            d.weight("W_" + LETTER[g], Weights.block(node, "kernel", g, u), Names.group(node, "kernel"));
            d.weight("R_" + LETTER[g], Weights.block(node, "recurrent_kernel", g, u), Names.group(node, "recurrent_kernel"));
        }
        d.fixed(d.name(UPDATE_GATE_PRE), PRE_FRAC);
        d.fixed(d.name(UPDATE_GATE), OUT_FRAC);
        d.fixed(d.name(RESET_GATE_PRE), PRE_FRAC);
        d.fixed(d.name(RESET_GATE), OUT_FRAC);
        String pre = d.name(CANDIDATE_PRE);
        String cand = d.name(CANDIDATE);
        if (QActivation.saturating(op.activation())) {
            d.fixed(pre, PRE_FRAC);
            d.fixed(cand, OUT_FRAC);
            d.fixed(h, OUT_FRAC);
        } else {
            d.powerOfTwo(pre, 0.0);
            d.powerOfTwo(cand, 0.0);
            d.powerOfTwo(h, 0.0);
            d.equal(pre, cand, h);
        }
        if (op.resetAfter()) {
            d.int16(d.name(CANDIDATE_RECURRENT));
        } else {
            d.int16(d.name(RESET_HIDDEN));
            d.equal(d.name(RESET_HIDDEN), h);
        }
        if (op.useBias()) {
            Biases b = biases(node, op);
            d.bias("b_z", b.z, d.name("R_z"), h);
            d.bias("b_r", b.r, d.name("R_r"), h);
            if (op.resetAfter()) {
                d.bias("b_h_in", b.hIn, d.name("W_h"), x);
                d.bias("b_h_rec", b.hRec, d.name("R_h"), h);
            } else {
                d.bias("b_h", b.hRec, d.name("R_h"), d.name(RESET_HIDDEN));
            }
        }
        d.activation(layer);
        if (ctx.options().precision() == QuantOptions.Precision.INT16) {
            d.equal(layer, h);
        }
    }

    @Override
    public List<QNode> lower(Node node, LoweringContext ctx) {
        Op.Gru op = (Op.Gru) node.op();
        Lowerer lo = new Lowerer(ctx, node.name());
        String layer = node.name();
        int u = op.units();
        int in = node.weight("kernel").shape().dim(0);
        QuantType x = lo.type(node.inputs().get(0));
        QuantType h = lo.part(HIDDEN);
        Biases b = op.useBias() ? biases(node, op) : new Biases(null, null, null, null);
        QGate z = gate(node, op, lo, 0, UPDATE_GATE_PRE, UPDATE_GATE, x, h, b.z, in);
        QGate r = gate(node, op, lo, 1, RESET_GATE_PRE, RESET_GATE, x, h, b.r, in);
        QuantType pre = lo.part(CANDIDATE_PRE);
        float[] wh = Weights.block(node, "kernel", 2, u);
        float[] rh = Weights.block(node, "recurrent_kernel", 2, u);
        QMatVec candIn;
        QMatVec candRec;
        QuantType recType = null;
        Rescale product = null;
        int resetShift = 0;
        if (op.resetAfter()) {
            recType = lo.part(CANDIDATE_RECURRENT);
            candIn = lo.matVec(CANDIDATE + " W·x", wh, u, in, lo.part("W_h"), x, b.hIn, pre.scale(),
                    Names.group(node, "kernel"));
            candRec = lo.matVec(CANDIDATE + " R·h", rh, u, u, lo.part("R_h"), h, b.hRec, recType.scale(),
                    Names.group(node, "recurrent_kernel"));
            product = lo.rescale(CANDIDATE + " r⊙rec", r.outputType().scale() * recType.scale() / pre.scale());
        } else {
            QuantType resetHidden = lo.part(RESET_HIDDEN);
            RecurrentRecipes.checkSameType(layer, resetHidden, h);
            candIn = lo.matVec(CANDIDATE + " W·x", wh, u, in, lo.part("W_h"), x, null, pre.scale(),
                    Names.group(node, "kernel"));
            candRec = lo.matVec(CANDIDATE + " R·(r⊙h)", rh, u, u, lo.part("R_h"), resetHidden, b.hRec, pre.scale(),
                    Names.group(node, "recurrent_kernel"));
            resetShift = r.outputType().fractionalBits();
        }
        QActivation act = lo.activation(op.activation(), pre.fractionalBits());
        if (act.outputFracBits() != h.fractionalBits()) {
            throw lo.unsupported("candidate output Q." + act.outputFracBits() + " differs from the state's Q."
                    + h.fractionalBits());
        }
        QuantType out = lo.type(layer);
        Rescale outRescale = null;
        if (ctx.options().precision() == QuantOptions.Precision.INT16) {
            RecurrentRecipes.checkSameType(layer, out, h);
            out = h;
        } else {
            outRescale = lo.rescale("output", h.scale() / out.scale());
        }
        return List.of(new QGru(layer, node.inputs(), node.outputShape(), out, x, u, op.returnSequences(),
                op.goBackwards(), op.resetAfter(), h, z, r, candIn, candRec, resetShift, recType, product, pre, act,
                z.outputType().fractionalBits(), outRescale));
    }

    private static QGate gate(Node node, Op.Gru op, Lowerer lo, int g, String preName, String outName, QuantType x,
                              QuantType h, float[] bias, int in) {
        int u = op.units();
        QuantType pre = lo.part(preName);
        QuantType out = lo.part(outName);
        String gate = outName;
        QMatVec wx = lo.matVec(gate + " W·x", Weights.block(node, "kernel", g, u), u, in, lo.part("W_" + LETTER[g]),
                x, null, pre.scale(), Names.group(node, "kernel"));
        QMatVec rh = lo.matVec(gate + " R·h", Weights.block(node, "recurrent_kernel", g, u), u, u,
                lo.part("R_" + LETTER[g]), h, bias, pre.scale(), Names.group(node, "recurrent_kernel"));
        QActivation a = lo.activation(op.recurrentActivation(), pre.fractionalBits());
        return new QGate(wx, rh, null, null, pre, a, out);
    }

    /** The GRU biases regrouped for the integer step (null parts when the layer has no bias). */
    private record Biases(float[] z, float[] r, float[] hIn, float[] hRec) {
    }

    private static Biases biases(Node node, Op.Gru op) {
        int u = op.units();
        if (!op.resetAfter()) {
            return new Biases(Weights.slice(node, "bias", 0, u), Weights.slice(node, "bias", u, u), null,
                    Weights.slice(node, "bias", 2 * u, u));
        }
        int rec = 3 * u;
        return new Biases(
                Weights.sum(Weights.slice(node, "bias", 0, u), Weights.slice(node, "bias", rec, u)),
                Weights.sum(Weights.slice(node, "bias", u, u), Weights.slice(node, "bias", rec + u, u)),
                Weights.slice(node, "bias", 2 * u, u),
                Weights.slice(node, "bias", rec + 2 * u, u));
    }
}
