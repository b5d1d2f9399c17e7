package dev.mcugen.ir.quant;

import dev.mcugen.ir.Shape;

import java.util.List;
import java.util.Optional;

/**
 * Integer element-wise op over two or more operands of one width, each the output's shape or a
 * per-channel vector {@code [C]} read at {@code i mod C} (C the output's last dimension). The
 * operands are the {@link #inputs} in order, with the quantized {@link #constant} (when present)
 * inserted at {@link #constantOperand}. With {@code d_k = x_k - zp_k}:
 * <ul>
 *   <li>{@link Kind#SUM} (Add with broadcast or a constant, Subtract, Average), as {@link QAdd}:
 *       {@code t_k = sign_k · R_k(d_k · 2^leftShift)}, {@code y = clamp(zp_y + R_out(Σ_k t_k))} with
 *       {@code sign_k = -1} for Subtract's second operand, else +1; Average's {@code 1/n} is folded
 *       into {@code R_out}.</li>
 *   <li>{@link Kind#MUL}: {@code p = d_0 · d_1}; for {@code k >= 2}: {@code p = S_{k-2}(p) · d_k}
 *       ({@link #stepRescales}, which keep {@code |p| < 2^(30 - bitlength(max|d_k|))}); then
 *       {@code y = clamp(zp_y + R_out(p))}, {@code R_out} realizing the product of the scales over
 *       {@code s_y}. For two operands that is TFLite's int8 MUL.</li>
 *   <li>{@link Kind#MAX} / {@link Kind#MIN}: {@code v_k = clamp(zp_y + R_k(d_k))} (each operand on the
 *       output's scale; the identity under the equal-scale contract, where {@code v_k = x_k}), then
 *       {@code y = max_k v_k} or {@code min_k v_k}.</li>
 * </ul>
 * Clamps are to {@code [qmin_y, qmax_y]}.
 *
 * @param channelwise per operand: whether it is a per-channel vector
 * @param zeroPoints  per operand: its zero point
 * @param rescales    per operand: {@code R_k} (SUM: {@code s_k / (2 max_j s_j)}; MAX/MIN: {@code s_k / s_y};
 *                    MUL: the identity, unused)
 * @param negate      per operand: SUM's sign
 */
public record QElementwise(String name, List<String> inputs, Shape outputShape, QuantType outputType, Kind kind,
                           Optional<IntTensor> constant, int constantOperand, List<Boolean> channelwise,
                           List<Integer> zeroPoints, List<Rescale> rescales, List<Boolean> negate, int leftShift,
                           List<Rescale> stepRescales, Rescale outputRescale) implements QFeedForward {
    /** The integer operation. */
    public enum Kind {
        SUM, MUL, MAX, MIN
    }

    public QElementwise {
        inputs = List.copyOf(inputs);
        channelwise = List.copyOf(channelwise);
        zeroPoints = List.copyOf(zeroPoints);
        rescales = List.copyOf(rescales);
        negate = List.copyOf(negate);
        stepRescales = List.copyOf(stepRescales);
        int n = inputs.size() + (constant.isPresent() ? 1 : 0);
        if (n < 2 || channelwise.size() != n || zeroPoints.size() != n || rescales.size() != n || negate.size() != n) {
            throw new IllegalArgumentException(name + ": " + n + " operands need >= 2 and one flag, zero point,"
                    + " rescale and sign each");
        }
        if (constant.isPresent() != (constantOperand >= 0) || constantOperand >= n) {
            throw new IllegalArgumentException(name + ": constant operand " + constantOperand + " of " + n);
        }
        if (stepRescales.size() != (kind == Kind.MUL ? n - 2 : 0)) {
            throw new IllegalArgumentException(name + ": " + stepRescales.size() + " step rescales for " + kind
                    + " of " + n + " operands");
        }
        if (leftShift < 0 || leftShift > 30) {
            throw new IllegalArgumentException(name + ": left shift " + leftShift + " outside [0, 30]");
        }
    }

    /** Number of operands (inputs and the constant). */
    public int operandCount() {
        return zeroPoints.size();
    }

    /** The operand values in order: {@code inputs} with the constant inserted. */
    public List<int[]> operands(List<int[]> inputValues) {
        List<int[]> all = new java.util.ArrayList<>(inputValues);
        constant.ifPresent(c -> all.add(constantOperand, c.toIntArray()));
        return all;
    }
}
