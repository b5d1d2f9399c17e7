/**
 * The fixed-point simulator's recurrent layers: the integer LSTM, GRU and SimpleRNN steps exactly as
 * the C runtime performs them ({@link dev.mcugen.ir.sim.RecurrentKernels} for whole sequences,
 * {@link dev.mcugen.ir.sim.RecurrentCell} for the streaming {@code _step}), with the records of
 * {@code dev.mcugen.ir.quant} ({@code QLstm}, {@code QGru}, {@code QSimpleRnn}) as their parameters and
 * the primitives of {@code dev.mcugen.ir.fixed} as their arithmetic.
 *
 * <p>The LSTM step follows TFLite's integer LSTM ({@code lstm_eval.cc}, {@code EvalInteger8x8_16}),
 * which implements seed 000, with these deliberate differences (each stated where it is computed):
 * <ul>
 *   <li>the W·x, R·h and P⊙c terms of a gate are each rescaled, summed exactly and saturated to
 *       int16 once (TFLite saturates after each term);</li>
 *   <li>layer norm uses {@code D = n Σq² - (Σq)²} exactly, a 31-bit integer square root and a per-call
 *       reciprocal multiplier, valid for any unit count (TFLite's {@code 2^20 / n} is exact only for
 *       powers of two), and applies coefficient and bias with one rounding (TFLite: two);</li>
 *   <li>CIFG couples {@code i = min(32767, 32768 - f)} (seed 000 §3.2.9; TFLite's
 *       {@code 32767 - f} is one step low);</li>
 *   <li>recurrent activations may be TF.js's hard_sigmoid (an exact affine map) as well as sigmoid,
 *       candidates tanh, sigmoid, hard_sigmoid, relu or linear (relu/linear in a power-of-two
 *       format that covers their range, not Q3.12);</li>
 *   <li>accumulators are int32 where a static bound proves it ({@code AccumulatorBound}), else int64
 *       saturated to int32 ({@code QMatVec.wideAccumulator}).</li>
 * </ul>
 * TFLite has no integer GRU or SimpleRNN; they are built from the same blocks, with an int16 state.
 */
package dev.mcugen.ir.sim;
