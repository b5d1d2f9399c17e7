package dev.mcugen.ir.quant;

import dev.mcugen.ir.Shape;

/**
 * A weight matrix times an activation vector, rescaled: for each output row {@code r},
 * <pre>
 *   acc[r] = sat32(bias[r] + Σ_c weights[r * cols + c] * x[c])
 *   out[r] = rescale(acc[r])
 * </pre>
 * {@code x} is the raw integer vector (int8 or int16, asymmetric or not); its zero point is folded
 * into {@code bias} at compile time (seed 000 §6): {@code bias[r] = b_q[r] - zp_x * Σ_c weights[r][c]},
 * so the kernel treats weights and activations as symmetric. {@code weights} are row-major
 * {@code [rows][cols]} (output-major, the transpose of a Keras kernel: each output's weights are
 * contiguous for the C dot product), int8.
 *
 * <p>The sum is exact: {@code wideAccumulator} false means the static bound
 * {@code |bias| + Σ|w| * max|x|} proves int32 cannot overflow (the C accumulates in int32);
 * true means it could, and the C accumulates in int64 and saturates to int32 as written.
 *
 * @param rows            output rows (units)
 * @param cols            input length
 * @param weights         int8 {@code [rows, cols]}
 * @param bias            int32 {@code [rows]}, effective (zero points folded in)
 * @param rescale         accumulator scale / destination scale
 * @param wideAccumulator whether int32 could overflow (C: int64 accumulator)
 */
public record QMatVec(int rows, int cols, IntTensor weights, IntTensor bias, Rescale rescale, boolean wideAccumulator) {
    public QMatVec {
        if (!weights.shape().equals(Shape.of(rows, cols)) || weights.bits() != 8) {
            throw new IllegalArgumentException("matrix [" + rows + ", " + cols + "] with weights " + weights);
        }
        if (!bias.shape().equals(Shape.of(rows)) || bias.bits() != 32) {
            throw new IllegalArgumentException("matrix [" + rows + ", " + cols + "] with biases " + bias);
        }
    }
}
