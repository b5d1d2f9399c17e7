package dev.mcugen.ir.sim;

import java.util.Arrays;

/**
 * The state a recurrent layer carries between time steps (the C context's RNN state): the raw
 * integers of h (LSTM: the output state, int8 or int16 as the layer's output type; GRU and SimpleRNN:
 * the int16 state) and, for the LSTM, of the int16 cell c. A fresh state ({@link RecurrentCell#initialState()}) holds real zero: h at its
 * zero point, c at 0 (the C {@code _reset}).
 */
public final class RecurrentState {
    final int[] h;
    final int[] c;

    RecurrentState(int[] h, int[] c) {
        this.h = h;
        this.c = c;
    }

    /** A copy of h's integers. */
    public int[] hidden() {
        return h.clone();
    }

    /** A copy of the cell's integers (LSTM), or an empty array. */
    public int[] cell() {
        return c == null ? new int[0] : c.clone();
    }

    /** An independent copy of this state. */
    public RecurrentState copy() {
        return new RecurrentState(h.clone(), c == null ? null : c.clone());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RecurrentState s && Arrays.equals(s.h, h) && Arrays.equals(s.c, c);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(h) + Arrays.hashCode(c);
    }
}
