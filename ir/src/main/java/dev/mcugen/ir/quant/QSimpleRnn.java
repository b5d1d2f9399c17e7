package dev.mcugen.ir.quant;

import dev.mcugen.ir.Shape;
import dev.mcugen.ir.interp.RecurrentInternals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An integer SimpleRNN layer, {@code h = act(x W + h R + b)}, with h the int8 (or int16) recurrent
 * state and output (type {@code outputType}, zero point {@code zp_h}). One step:
 * <pre>
 *   sigmoid / tanh / hard sigmoid:
 *     pre = sat16(input.out(x) + recurrent.out(h))            (Q3.12; bias in recurrent.bias)
 *     h   = sat(outputRescale(activation(pre)) + zp_h)        (Q0.15 -> s_h: 2^-15 / s_h)
 *   relu / linear (fused, as a Dense output clamp):
 *     h   = clamp(input.out(x) + recurrent.out(h) + zp_h, relu ? max(zp_h, qmin) : qmin, qmax)
 * </pre>
 * The state is not a leaky integrator (each step recomputes it through the activation), so an
 * int8 state does not accumulate rounding the way the LSTM cell or GRU state would; it is the
 * layer's output type, like the LSTM's h (seed 000 Table 2).
 *
 * @param preType       Q3.12 for the saturating activations; the state type when fused
 * @param outputRescale {@code 2^-15 / s_h}; null when fused
 */
public record QSimpleRnn(String name, List<String> inputs, Shape outputShape, QuantType outputType, QuantType inputType,
                         int units, boolean returnSequences, boolean goBackwards, QMatVec input, QMatVec recurrent,
                         QuantType preType, QActivation activation, Rescale outputRescale) implements QRecurrent {
    public QSimpleRnn {
        inputs = List.copyOf(inputs);
        if (fused() != (outputRescale == null)) {
            throw new IllegalArgumentException(activation.function() + " needs " + (fused() ? "no" : "an")
                    + " output rescale");
        }
    }

    /** relu and linear are applied as clamps on the state type, with no separate pre-activation format. */
    public boolean fused() {
        return !QActivation.saturating(activation.function());
    }

    public int inputSize() {
        return input.cols();
    }

    @Override
    public Map<String, QuantType> internalTypes() {
        Map<String, QuantType> m = new LinkedHashMap<>();
        m.put(RecurrentInternals.PRE, preType);
        m.put(RecurrentInternals.HIDDEN, outputType);
        return m;
    }
}
