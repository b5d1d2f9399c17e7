package dev.mcugen.ir.quant;

import dev.mcugen.ir.Shape;
import dev.mcugen.ir.interp.RecurrentInternals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An integer SimpleRNN layer, {@code h = act(x W + h R + b)}, with an int16 recurrent state h
 * ({@code stateType}, zero point 0) and an output requantized to the activation precision. One step:
 * <pre>
 *   pre = sat16(input.out(x) + recurrent.out(h))     (preType; the bias is in recurrent.bias)
 *   h   = activation(pre)                            (stateType)
 *   y   = outputRescale == null ? h : sat(outputRescale(h) + zp_y)
 * </pre>
 * For tanh/sigmoid/hard_sigmoid the pre-activation is Q3.12 and the state Q0.15 (the activation's
 * output format); for relu/linear the pre-activation and the state share one power-of-two int16
 * format covering their calibrated ranges (relu is exact there). The state is int16 for the same
 * reason as the GRU's ({@link QGru}): with relu or linear activations the cell is an unsquashed
 * leaky integrator whose rounding errors an int8 state would accumulate, and int16 costs nothing
 * in the int8 x int16 recurrent product.
 *
 * @param stateType     the int16 state type
 * @param preType       the pre-activation type
 * @param outputRescale {@code s_h / s_y}, or null when the output is the state itself
 */
public record QSimpleRnn(String name, List<String> inputs, Shape outputShape, QuantType outputType, QuantType inputType,
                         int units, boolean returnSequences, boolean goBackwards, QuantType stateType, QMatVec input,
                         QMatVec recurrent, QuantType preType, QActivation activation, Rescale outputRescale)
        implements QRecurrent {
    public QSimpleRnn {
        inputs = List.copyOf(inputs);
        if (stateType.bits() != 16 || stateType.zeroPoint() != 0 || !stateType.isPowerOfTwo()) {
            throw new IllegalArgumentException("SimpleRNN state must be int16 Q m.n: " + stateType);
        }
        if (activation.outputFracBits() != stateType.fractionalBits()) {
            throw new IllegalArgumentException(activation.function() + " gives Q." + activation.outputFracBits()
                    + ", not the state's Q." + stateType.fractionalBits());
        }
        if (outputRescale == null && !outputType.equals(stateType)) {
            throw new IllegalArgumentException("output " + outputType + " differs from the state " + stateType
                    + " but has no rescale");
        }
    }

    public int inputSize() {
        return input.cols();
    }

    @Override
    public Map<String, QuantType> internalTypes() {
        Map<String, QuantType> m = new LinkedHashMap<>();
        m.put(RecurrentInternals.PRE, preType);
        m.put(RecurrentInternals.HIDDEN, stateType);
        return m;
    }
}
