package dev.mcugen.ir;

import java.util.List;

/**
 * The broadcast rule of the {@link Op.Elementwise} ops: every operand has the output's shape or is
 * a per-channel vector ({@code [C]} or {@code [1, ..., 1, C]} of rank at most the output's, C the
 * output's last dimension) that is repeated at every position.
 */
public final class ElementwiseShapes {
    private ElementwiseShapes() {
    }

    /** Whether {@code s} is {@code [C]} or {@code [1, ..., 1, C]}. */
    public static boolean isVectorForm(Shape s) {
        for (int i = 0; i < s.rank() - 1; i++) {
            if (s.dim(i) != 1) {
                return false;
            }
        }
        return s.rank() >= 1;
    }

    /** Whether an operand of shape {@code s} is repeated per channel against the output {@code out}. */
    public static boolean isChannelwise(Shape s, Shape out) {
        return !s.equals(out) && isVectorForm(s) && s.rank() <= out.rank() && s.last() == out.last();
    }

    /**
     * The output shape of {@code op} over its input tensors {@code in} (the constant, when there is
     * one, is {@code [C]} and fits any output).
     *
     * @throws McugenException {@link Diag#MCG_GRAPH_SHAPE} naming {@code who}
     */
    public static Shape outputShape(String who, Op.Elementwise op, List<Shape> in) {
        int operands = in.size() + (op.constantOperand() >= 0 ? 1 : 0);
        if (operands < op.minOperands() || operands > op.maxOperands()) {
            String want = op.maxOperands() == Integer.MAX_VALUE ? "two or more" : "exactly " + op.maxOperands();
            throw new McugenException(Diag.MCG_GRAPH_SHAPE, who, "takes " + want + " operands, got " + operands
                    + (op.constantOperand() >= 0 ? " (" + in.size() + " inputs and a constant)" : ""));
        }
        if (op.constantOperand() >= operands) {
            throw new McugenException(Diag.MCG_GRAPH_SHAPE, who, "constant operand position " + op.constantOperand()
                    + " is past the " + operands + " operands");
        }
        if (in.isEmpty()) {
            throw new McugenException(Diag.MCG_GRAPH_SHAPE, who, "needs at least one input tensor");
        }
        Shape out = null;
        for (Shape s : in) {
            if (!isVectorForm(s)) {
                out = s;
                break;
            }
        }
        if (out == null) {
            out = in.get(0);
            for (Shape s : in) {
                if (s.rank() > out.rank()) {
                    out = s;
                }
            }
        }
        for (Shape s : in) {
            if (!s.equals(out) && !isChannelwise(s, out)) {
                throw new McugenException(Diag.MCG_GRAPH_SHAPE, who, "inputs " + in + " do not broadcast: each must be "
                        + out + " or a per-channel vector [" + out.last() + "] / [1, ..., 1, " + out.last() + "]");
            }
        }
        return out;
    }

    /** {@code op}'s kind with its constant operand at position {@code at} (-1: none). */
    public static Op.Elementwise withConstant(Op.Elementwise op, int at) {
        if (op instanceof Op.Add) {
            return new Op.Add(at);
        }
        if (op instanceof Op.Subtract) {
            return new Op.Subtract(at);
        }
        if (op instanceof Op.Multiply) {
            return new Op.Multiply(at);
        }
        if (op instanceof Op.Average) {
            return new Op.Average(at);
        }
        if (op instanceof Op.Maximum) {
            return new Op.Maximum(at);
        }
        return new Op.Minimum(at);
    }
}
