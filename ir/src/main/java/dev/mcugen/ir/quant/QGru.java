package dev.mcugen.ir.quant;

import dev.mcugen.ir.Shape;
import dev.mcugen.ir.interp.RecurrentInternals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An integer GRU layer (Keras gate order z, r, h; both {@code reset_after} forms), built from the
 * seed 000 blocks: gates with Q3.12 inputs and Q0.15 outputs, an int16 state. One time step, with
 * {@code x} the input and {@code h} the int16 state ({@code stateType}):
 * <pre>
 *   z = updateGate(x, h),  r = resetGate(x, h)                             (Q0.15)
 *   reset_after false:  rh  = rdivpot(r * h, resetShift)                   (state's scale; reset_hidden)
 *                       pre = sat16(candidateInput.out(x) + candidateRecurrent.out(rh))
 *   reset_after true:   rec = sat16(candidateRecurrent.out(h))             (candidateRecurrentType)
 *                       pre = sat16(candidateInput.out(x) + resetProductRescale(r * rec))
 *   hh = candidateActivation(pre)                                          (in the state's format)
 *   h  = sat16(rdivpot(z * h + (2^updateShift - z) * hh, updateShift))     (h = z h + (1 - z) hh)
 *   y  = outputRescale == null ? h : sat(outputRescale(h) + zp_y)          (outputType)
 * </pre>
 * The state is int16, not int8: it is a leaky integrator like the LSTM cell (seed 000 §3.2.2: "it
 * persists across multiple invocations ... 16 bits is needed"); with z near 1 the step
 * {@code (1 - z)(hh - h)} is far below an int8 step and would be lost, so the state would stall
 * and drift. Seed 002 §3.3 quantizes the GRU at the interlinks (after each element-wise product),
 * which is where the shifts above sit. The state feeds the recurrent products directly (int8 x int16
 * into int32; the C's SMLAD takes 16-bit operands anyway), so no int8 copy loses precision; the layer
 * output is requantized to the activation precision (int8 asymmetric) for the layers after it. For a
 * tanh/sigmoid candidate the state is Q0.15 (h stays in [-1, 1]); for relu/linear a power-of-two
 * int16 format shared with the candidate pre-activation covers the calibrated range.
 *
 * @param name                  node name
 * @param inputs                the one input
 * @param outputShape           {@code [T, units]} or {@code [units]}
 * @param outputType            type of the layer output y
 * @param inputType             type of x
 * @param units                 width
 * @param returnSequences       output every step
 * @param goBackwards           read the input backwards
 * @param resetAfter            Keras {@code reset_after}
 * @param stateType             int16 type of h
 * @param updateGate            z
 * @param resetGate             r
 * @param candidateInput        W_h x (+ input-side bias; zero point folded)
 * @param candidateRecurrent    R_h (r ⊙ h) + b_h, or R_h h + b_rec_h
 * @param resetShift            shift of r * h (reset_after false; 15 for Q0.15 r), else 0
 * @param candidateRecurrentType int16 type of R_h h + b_rec_h (reset_after true), else null
 * @param resetProductRescale   {@code s_r * s_rec / s_pre} (reset_after true), else null
 * @param candidatePreType      type of the candidate pre-activation
 * @param candidateActivation   act, output in the state's format
 * @param updateShift           fractional bits of z (15)
 * @param outputRescale         {@code s_h / s_y}, or null when the output is the state itself
 */
public record QGru(String name, List<String> inputs, Shape outputShape, QuantType outputType, QuantType inputType,
                   int units, boolean returnSequences, boolean goBackwards, boolean resetAfter, QuantType stateType,
                   QGate updateGate, QGate resetGate, QMatVec candidateInput, QMatVec candidateRecurrent,
                   int resetShift, QuantType candidateRecurrentType, Rescale resetProductRescale,
                   QuantType candidatePreType, QActivation candidateActivation, int updateShift,
                   Rescale outputRescale) implements QRecurrent {
    public QGru {
        inputs = List.copyOf(inputs);
        if (stateType.bits() != 16 || stateType.zeroPoint() != 0) {
            throw new IllegalArgumentException("GRU state must be int16 symmetric: " + stateType);
        }
        if (resetAfter != (candidateRecurrentType != null) || resetAfter != (resetProductRescale != null)) {
            throw new IllegalArgumentException("reset_after " + resetAfter + " needs the candidate recurrent type "
                    + "and the reset product rescale exactly when true");
        }
        if (updateShift < 0 || updateShift > 15 || resetShift < 0 || resetShift > 15) {
            throw new IllegalArgumentException("shifts " + resetShift + ", " + updateShift);
        }
        if (outputRescale == null && !outputType.equals(stateType)) {
            throw new IllegalArgumentException("output " + outputType + " differs from the state " + stateType
                    + " but has no rescale");
        }
    }

    public int inputSize() {
        return updateGate.input().cols();
    }

    @Override
    public Map<String, QuantType> internalTypes() {
        Map<String, QuantType> m = new LinkedHashMap<>();
        m.put(RecurrentInternals.UPDATE_GATE_PRE, updateGate.preType());
        m.put(RecurrentInternals.UPDATE_GATE, updateGate.outputType());
        m.put(RecurrentInternals.RESET_GATE_PRE, resetGate.preType());
        m.put(RecurrentInternals.RESET_GATE, resetGate.outputType());
        if (resetAfter) {
            m.put(RecurrentInternals.CANDIDATE_RECURRENT, candidateRecurrentType);
        } else {
            m.put(RecurrentInternals.RESET_HIDDEN, stateType);
        }
        m.put(RecurrentInternals.CANDIDATE_PRE, candidatePreType);
        m.put(RecurrentInternals.CANDIDATE, stateType);
        m.put(RecurrentInternals.HIDDEN, stateType);
        return m;
    }
}
