package dev.mcugen.scale.ff;

import dev.mcugen.ir.Diag;
import dev.mcugen.ir.ElementwiseShapes;
import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.Node;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.quant.IntTensor;
import dev.mcugen.ir.quant.QElementwise;
import dev.mcugen.ir.quant.QNode;
import dev.mcugen.ir.quant.QuantType;
import dev.mcugen.ir.quant.Rescale;
import dev.mcugen.scale.AccumulatorBound;
import dev.mcugen.scale.Contract;
import dev.mcugen.scale.LoweringContext;
import dev.mcugen.scale.OverflowProof;
import dev.mcugen.scale.QuantOptions;
import dev.mcugen.scale.Recipe;
import dev.mcugen.scale.RecipeContext;
import dev.mcugen.scale.TensorSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Subtract, Multiply, Average, Maximum, Minimum, and Add with a per-channel operand (a broadcast
 * vector or a constant), as one {@link QElementwise}. Inputs keep their own types; a constant
 * operand {@code layer/constant} is quantized symmetric at the activation width with its own scale.
 * With {@code d_k = x_k - zp_k}, {@code n} operands:
 * <ul>
 *   <li>Add, Subtract, Average (SUM, the TFLite ADD/SUB scheme of {@link AddRecipe}): every operand
 *       to the common fine scale {@code 2 max_j s_j / 2^leftShift} ({@code R_k = s_k / (2 max_j s_j)}),
 *       Subtract's second operand negated, the int32 sum rescaled by
 *       {@code R_out = 2 max_j s_j / (2^leftShift s_y)} — divided by {@code n} for Average (the 1/n
 *       folded into the output rescale; {@code --rescale pot} refuses n other than a power of two).
 *       Contract: Coverage of the output.</li>
 *   <li>Multiply (MUL): {@code R_out} realizes the product of the operand scales over {@code s_y}
 *       (TFLite's MUL for two operands); from the third operand on, each partial product is first
 *       requantized by a step rescale to {@code 2^(30 - bitlength(max|d_k|))} of its bound, so the
 *       next int32 product cannot overflow. Contract: Coverage.</li>
 *   <li>Maximum, Minimum: {@code EqualScale(inputs, layer)}; an operand the solver gave the output's
 *       type is compared as it is, any other (and the constant) is first requantized to the output's
 *       type ({@code R_k = s_k / s_y}, clamped), then compared.</li>
 * </ul>
 */
final class ElementwiseRecipe implements Recipe {
    static final String CONSTANT = "/constant";

    @Override
    public void declare(Node node, RecipeContext ctx) {
        Op.Elementwise op = (Op.Elementwise) node.op();
        TensorSpec first = Specs.input(ctx, node.inputs().get(0));
        for (String x : node.inputs()) {
            Specs.input(ctx, x);
        }
        if (op.constantOperand() >= 0) {
            float[] c = node.weight("constant").toArray();
            float[] range = c;
            boolean zero = true;
            for (float v : c) {
                zero &= v == 0f;
            }
            if (zero) {
                range = new float[] {-1f, 1f}; // any scale holds zeros exactly
            }
            ctx.system().tensor(Specs.constant(node.name() + CONSTANT, first.bits(), range));
        }
        Specs.like(ctx, node.name(), first);
        if (op instanceof Op.Maximum || op instanceof Op.Minimum) {
            List<String> all = new ArrayList<>(node.inputs());
            all.add(node.name());
            ctx.system().add(new Contract.EqualScale(all));
        }
    }

    @Override
    public List<QNode> lower(Node node, LoweringContext ctx) {
        Op.Elementwise op = (Op.Elementwise) node.op();
        String layer = node.name();
        QuantType ty = ctx.solution().type(layer);
        Shape out = node.outputShape();
        int n = node.inputs().size() + (op.constantOperand() >= 0 ? 1 : 0);
        List<QuantType> types = new ArrayList<>();
        List<Boolean> channelwise = new ArrayList<>();
        for (String x : node.inputs()) {
            types.add(ctx.solution().type(x));
            channelwise.add(ElementwiseShapes.isChannelwise(ctx.graph().shapes().get(x), out));
        }
        Optional<IntTensor> constant = Optional.empty();
        if (op.constantOperand() >= 0) {
            QuantType tc = ctx.solution().type(layer + CONSTANT);
            FloatTensor c = node.weight("constant");
            int[] q = new int[c.size()];
            for (int i = 0; i < q.length; i++) {
                long v = WeightQuantizer.round(c.get(i) / tc.scale()) + tc.zeroPoint();
                q[i] = (int) Math.max(tc.qmin(), Math.min(tc.qmax(), v));
            }
            constant = Optional.of(IntTensor.of(c.shape(), tc.bits(), q));
            types.add(op.constantOperand(), tc);
            channelwise.add(op.constantOperand(), out.rank() > 1);
        }
        List<Integer> zps = new ArrayList<>();
        for (QuantType t : types) {
            zps.add(t.zeroPoint());
        }
        List<Boolean> negate = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            negate.add(op instanceof Op.Subtract && k == 1);
        }
        List<Rescale> rescales = new ArrayList<>();
        List<Rescale> steps = new ArrayList<>();
        int leftShift = 0;
        Rescale outRescale = Rescale.IDENTITY;
        QElementwise.Kind kind;
        if (op instanceof Op.Multiply) {
            kind = QElementwise.Kind.MUL;
            long m0 = OverflowProof.maxAbsInput(types.get(0), false);
            long bound = m0 * OverflowProof.maxAbsInput(types.get(1), false);
            long worst = bound;
            double scale = types.get(0).scale() * types.get(1).scale();
            for (int k = 2; k < n; k++) {
                long mk = OverflowProof.maxAbsInput(types.get(k), false);
                int bk = 64 - Long.numberOfLeadingZeros(mk);
                double target = Math.scalb(1.0, 30 - bk);
                Rescale s = Rescales.of(ctx, layer, "step[" + (k - 2) + "]", target / bound);
                steps.add(s);
                long after = (long) Math.ceil(bound * s.real()) + 1;
                scale = scale / s.real();
                bound = after * mk;
                worst = Math.max(worst, bound);
                scale *= types.get(k).scale();
            }
            for (int k = 0; k < n; k++) {
                rescales.add(Rescale.IDENTITY);
            }
            outRescale = Rescales.of(ctx, layer, "output", scale / ty.scale());
            ctx.bound(new AccumulatorBound(layer, "product", 0, worst, OverflowProof.INT32_LIMIT, ""));
            if (worst > OverflowProof.INT32_LIMIT) {
                throw new McugenException(Diag.MCG_QUANT_UNSUPPORTED, "layer '" + layer + "'", "the int32 product of "
                        + "its operands can reach " + worst + "; give the inputs zero points near the middle of their range");
            }
        } else if (op instanceof Op.Maximum || op instanceof Op.Minimum) {
            kind = op instanceof Op.Maximum ? QElementwise.Kind.MAX : QElementwise.Kind.MIN;
            for (int k = 0; k < n; k++) {
                QuantType t = types.get(k);
                boolean same = t.scale() == ty.scale() && t.zeroPoint() == ty.zeroPoint();
                rescales.add(same ? Rescale.IDENTITY : Rescales.of(ctx, layer, "input[" + k + "]", t.scale() / ty.scale()));
            }
        } else {
            kind = QElementwise.Kind.SUM;
            double maxScale = 0;
            long maxDiff = 0;
            for (QuantType t : types) {
                maxScale = Math.max(maxScale, t.scale());
                maxDiff = Math.max(maxDiff, OverflowProof.maxAbsInput(t, false));
            }
            int b = 64 - Long.numberOfLeadingZeros(maxDiff);
            int c = 32 - Integer.numberOfLeadingZeros(n - 1);
            leftShift = Math.min(20, 31 - b - c);
            double twiceMax = 2 * maxScale;
            long bound = 0;
            for (int k = 0; k < n; k++) {
                QuantType t = types.get(k);
                Rescale r = Rescales.of(ctx, layer, "input[" + k + "]", t.scale() / twiceMax);
                rescales.add(r);
                bound += (long) Math.ceil(OverflowProof.maxAbsInput(t, false) * Math.scalb(r.real(), leftShift)) + 1;
            }
            double outReal = twiceMax / (Math.scalb(1.0, leftShift) * ty.scale());
            if (op instanceof Op.Average) {
                // --rescale pot would snap 1/n to a power of two (auto falls back to the multiplier form)
                if (ctx.options().rescale() == QuantOptions.Rescale.POT && Integer.bitCount(n) != 1) {
                    throw new McugenException(Diag.MCG_QUANT_UNSUPPORTED, "layer '" + layer + "'", "averages " + n
                            + " operands: 1/" + n + " is not a power of two, which --rescale pot cannot realize;"
                            + " use --rescale multiplier");
                }
                outReal /= n;
            }
            outRescale = Rescales.of(ctx, layer, "output", outReal);
            ctx.bound(new AccumulatorBound(layer, "sum", 0, bound, OverflowProof.INT32_LIMIT, ""));
        }
        return List.of(new QElementwise(layer, node.inputs(), out, ty, kind, constant, op.constantOperand(), channelwise,
                zps, rescales, negate, leftShift, steps, outRescale));
    }

    /** Whether an Add node needs this recipe (a constant or a per-channel operand) rather than {@link AddRecipe}. */
    static boolean needed(Node node, List<Shape> inputShapes) {
        Op.Elementwise op = (Op.Elementwise) node.op();
        return op.constantOperand() >= 0 || inputShapes.stream().anyMatch(s -> !s.equals(node.outputShape()));
    }
}
