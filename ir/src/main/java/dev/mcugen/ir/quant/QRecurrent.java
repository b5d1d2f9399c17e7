package dev.mcugen.ir.quant;

import java.util.Map;

/** Marker for integer recurrent layers (LSTM, GRU, SimpleRNN): they carry state across time steps. */
public interface QRecurrent extends QNode {
    /** Output every time step ({@code [T, units]}), or only the last ({@code [units]}). */
    boolean returnSequences();

    /** Process the input from its last time step to its first (the output stays in processing order). */
    boolean goBackwards();

    /**
     * The type of each per-step internal the simulator reports, by the float interpreter's internal
     * name ({@code dev.mcugen.ir.interp.RecurrentInternals}, without the layer prefix), so that
     * observed integers can be dequantized and compared with float per step.
     */
    default Map<String, QuantType> internalTypes() {
        return Map.of();
    }
}
