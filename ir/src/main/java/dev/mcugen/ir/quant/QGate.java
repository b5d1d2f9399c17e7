package dev.mcugen.ir.quant;

/**
 * One gate of an integer recurrent cell (seed 000 §3.2.4 / §3.2.5): the input and recurrent
 * matrix products (each with its effective bias and rescale), an optional peephole term, an optional
 * layer normalization, and the activation.
 * <pre>
 *   no layer norm: pre = sat16(input.out + recurrent.out [+ peephole]),   rescaled to preType (Q3.12)
 *   layer norm:    acc = sat16(input.out + recurrent.out [+ peephole]),   rescaled to layerNorm.accType
 *                  pre = layerNorm(acc)                                  (Q3.12)
 *   out = activation(pre)                                                (Q0.15 for sigmoid/tanh)
 * </pre>
 * The terms are summed exactly in int32 and saturated once (TFLite saturates after each term).
 * Without layer norm the gate bias sits in {@code recurrent.bias} (scale {@code s_R * s_h}, Table 2);
 * with it, the matrix biases hold only the folded zero points and the gate bias is the layer norm's.
 *
 * @param input      W·x, rescaled by {@code s_W s_x / s_dest}
 * @param recurrent  R·h, rescaled by {@code s_R s_h / s_dest}
 * @param peephole   P ⊙ c, or null
 * @param layerNorm  the layer normalization, or null
 * @param preType    the activation input type
 * @param activation the activation
 * @param outputType the activation output type
 */
public record QGate(QMatVec input, QMatVec recurrent, QPeephole peephole, QLayerNorm layerNorm, QuantType preType,
                    QActivation activation, QuantType outputType) {
    public QGate {
        if (input.rows() != recurrent.rows()) {
            throw new IllegalArgumentException("input rows " + input.rows() + " != recurrent rows " + recurrent.rows());
        }
    }

    /** The gate width (units). */
    public int units() {
        return input.rows();
    }

    /** The type the matrix products are rescaled to: the layer-norm accumulator, or the pre-activation. */
    public QuantType sumType() {
        return layerNorm != null ? layerNorm.accType() : preType;
    }
}
