package dev.mcugen.ir.quant;

/** Marker for integer recurrent layers (LSTM, GRU, SimpleRNN): they carry state across time steps. */
public interface QRecurrent extends QNode {
}
