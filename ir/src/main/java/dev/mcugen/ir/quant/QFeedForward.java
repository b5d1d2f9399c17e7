package dev.mcugen.ir.quant;

/** Marker for the integer ops that map one input sample to one output without state. */
public interface QFeedForward extends QNode {
}
