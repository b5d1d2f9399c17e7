package dev.mcugen.ir.quant;

import dev.mcugen.ir.Shape;
import dev.mcugen.ir.interp.RecurrentInternals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An integer LSTM layer, seed 000 (Table 2, all variants: ±peephole, ±projection, ±layer norm, CIFG).
 * One time step, with {@code x} the input (type {@code inputType}) and {@code h} the recurrent state
 * (type {@code outputType}), both int8 or, with {@code --precision int16}, both int16 (as is m):
 * <pre>
 *   i = inputGate(x, h, c)            CIFG: i = min(32767, 32768 - f)        (Q0.15, seed 000 §3.2.9)
 *   f = forgetGate(x, h, c)
 *   z = cellGate(x, h)                                                     (no peephole)
 *   c = sat16(rdivpot(f * c, cellForgetShift) + rdivpot(i * z, cellInputShift))
 *   o = outputGate(x, h, c)                                                (peephole on the new c)
 *   m = sat(hiddenRescale(o * cellActivation(c)) + zp_m)                   (type hiddenType)
 *   h = projection == null ? m : sat(projection.out(m) + zp_h)             (type outputType)
 * </pre>
 * {@code c} is int16 with a power-of-two scale {@code 2^-n} ({@code cellType}); with gates in Q0.15,
 * {@code cellForgetShift = 15} and {@code cellInputShift = 30 - n} (seed 000 §3.2.7's
 * {@code shift(i*z, 30 - m)} where its m counts fractional bits); for a relu/linear candidate
 * ({@code z} in the pre-activation's format Q.k) it is {@code 15 + k - n}. The products are exact in
 * int32 and each shift rounds to nearest, ties away from zero. The hidden rescale is
 * {@code 2^-15 * s_act(c) / s_m} ({@code 2^-30 / s_m} for tanh). With {@code go_backwards} steps run
 * from the last input to the first; with {@code return_sequences} every step's h is output.
 *
 * @param name            node name (and output tensor)
 * @param inputs          the one input tensor
 * @param outputShape     {@code [T, outputUnits]} or {@code [outputUnits]}
 * @param outputType      type of h (output and recurrent state)
 * @param inputType       type of x
 * @param units           cell width
 * @param returnSequences output every step
 * @param goBackwards     read the input from the last step
 * @param inputGate       null for CIFG
 * @param forgetGate      forget gate
 * @param cellGate        candidate ("z", Keras "c")
 * @param outputGate      output gate
 * @param cellType        the int16 power-of-two cell state type
 * @param cellForgetShift shift of f * c
 * @param cellInputShift  shift of i * z
 * @param cellActivation  act(c), input in the cell's format
 * @param hiddenType      type of m
 * @param hiddenRescale   scale of {@code o * act(c)} over {@code s_m}
 * @param projection      m -> h projection (zero point of m folded into its bias), or null
 */
public record QLstm(String name, List<String> inputs, Shape outputShape, QuantType outputType, QuantType inputType,
                    int units, boolean returnSequences, boolean goBackwards,
                    QGate inputGate, QGate forgetGate, QGate cellGate, QGate outputGate,
                    QuantType cellType, int cellForgetShift, int cellInputShift, QActivation cellActivation,
                    QuantType hiddenType, Rescale hiddenRescale, QMatVec projection) implements QRecurrent {
    public QLstm {
        inputs = List.copyOf(inputs);
        if (!cellType.isPowerOfTwo() || cellType.bits() != 16) {
            throw new IllegalArgumentException("LSTM cell state must be int16 with a power-of-two scale: " + cellType);
        }
        for (QGate g : new QGate[] {inputGate, forgetGate, cellGate, outputGate}) {
            if (g != null && g.units() != units) {
                throw new IllegalArgumentException("gate of " + g.units() + " units in an LSTM of " + units);
            }
        }
        if (projection != null && projection.cols() != units) {
            throw new IllegalArgumentException("projection reads " + projection.cols() + " values, not " + units);
        }
        if (cellForgetShift < 0 || cellForgetShift > 31 || cellInputShift < 0 || cellInputShift > 31) {
            throw new IllegalArgumentException("cell shifts " + cellForgetShift + ", " + cellInputShift);
        }
    }

    public boolean cifg() {
        return inputGate == null;
    }

    /** Width of h: the projection's rows, or the units. */
    public int outputUnits() {
        return projection != null ? projection.rows() : units;
    }

    /** Width of x. */
    public int inputSize() {
        return forgetGate.input().cols();
    }

    @Override
    public Map<String, QuantType> internalTypes() {
        Map<String, QuantType> m = new LinkedHashMap<>();
        if (inputGate != null) {
            gate(m, inputGate, RecurrentInternals.INPUT_GATE_ACC, RecurrentInternals.INPUT_GATE_NORM,
                    RecurrentInternals.INPUT_GATE_PRE, RecurrentInternals.INPUT_GATE);
        }
        gate(m, forgetGate, RecurrentInternals.FORGET_GATE_ACC, RecurrentInternals.FORGET_GATE_NORM,
                RecurrentInternals.FORGET_GATE_PRE, RecurrentInternals.FORGET_GATE);
        if (inputGate == null) {
            m.put(RecurrentInternals.INPUT_GATE, forgetGate.outputType());
        }
        gate(m, cellGate, RecurrentInternals.CELL_GATE_ACC, RecurrentInternals.CELL_GATE_NORM,
                RecurrentInternals.CELL_GATE_PRE, RecurrentInternals.CELL_GATE);
        m.put(RecurrentInternals.CELL, cellType);
        gate(m, outputGate, RecurrentInternals.OUTPUT_GATE_ACC, RecurrentInternals.OUTPUT_GATE_NORM,
                RecurrentInternals.OUTPUT_GATE_PRE, RecurrentInternals.OUTPUT_GATE);
        m.put(RecurrentInternals.CELL_ACT, QuantType.powerOfTwo(16, cellActivation.outputFracBits()));
        m.put(RecurrentInternals.HIDDEN, hiddenType);
        if (projection != null) {
            m.put(RecurrentInternals.PROJECTION, outputType);
        }
        return m;
    }

    private static void gate(Map<String, QuantType> m, QGate g, String acc, String norm, String pre, String out) {
        if (g.layerNorm() != null) {
            m.put(acc, g.layerNorm().accType());
            m.put(norm, QLayerNorm.normType());
        }
        m.put(pre, g.preType());
        m.put(out, g.outputType());
    }
}
