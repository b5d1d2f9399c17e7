package dev.mcugen.ir.quant;

/**
 * A peephole term {@code P ⊙ c} of an LSTM gate (seed 000 §3.2.3): int16 weights (symmetric,
 * scale {@code max|P| / 32767}) times the int16 cell state, element-wise, each product exact in int32
 * and rescaled by {@code s_P * s_c / s_dest}: {@code term[j] = rescale(weights[j] * c[j])}.
 */
public record QPeephole(IntTensor weights, Rescale rescale) {
    public QPeephole {
        if (weights.bits() != 16 || weights.shape().rank() != 1) {
            throw new IllegalArgumentException("peephole weights must be an int16 vector, not " + weights);
        }
    }
}
