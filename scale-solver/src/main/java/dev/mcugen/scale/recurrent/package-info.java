/**
 * Quantization recipes of the recurrent layers ({@link dev.mcugen.scale.recurrent.RecurrentRecipes#of}):
 * the seed 000 integer LSTM with every tensor of its Table 2 (±peephole, ±projection, ±layer norm, CIFG),
 * and the GRU and SimpleRNN from the same blocks.
 *
 * <p>Decisions:
 * <ul>
 *   <li>tensors are named {@code layer/<row>} after Table 2 ({@code W_f}, {@code R_f}, {@code b_f},
 *       {@code P_f}, {@code L_f}, {@code W_proj}, {@code b_proj}) and {@code layer/<internal>} after
 *       the float interpreter's recurrent internals ({@code forget_gate_pre}, {@code cell}, ...), so
 *       each solved scale sits next to its calibrated range;</li>
 *   <li>weights are per gate (Table 2), not per channel: {@code --per-channel} does not apply to
 *       recurrent weights;</li>
 *   <li>zero points are folded into the effective biases at compile time (seed 000 §6):
 *       {@code round(b / (s_R s_h)) - zp_h Σ R} for the recurrent product, {@code -zp_x Σ W} for the
 *       input one (the kernels never subtract a zero point);</li>
 *   <li>the cell state's power-of-two format is at least Q0.15 ({@code |i z| < 1} can reach that in
 *       one step whatever calibration saw);</li>
 *   <li>the GRU and SimpleRNN keep an int16 state (Q0.15 for bounded candidates) and requantize it
 *       to the activation precision for the layer output; see {@code QGru} for why;</li>
 *   <li>every effective scale goes through {@code LoweringContext.rescale} (named per gate for the
 *       report) and every accumulator gets an {@code AccumulatorBound}.</li>
 * </ul>
 */
package dev.mcugen.scale.recurrent;
