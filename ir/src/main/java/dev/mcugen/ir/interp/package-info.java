/**
 * The float interpreter: the executable meaning of a float {@link dev.mcugen.ir.Graph}, used as the
 * accuracy reference ({@code simulate --mode float}, {@code verify}) and by calibration.
 *
 * <p>{@link dev.mcugen.ir.interp.FloatInterpreter} reproduces TensorFlow.js {@code model.predict}
 * on the cpu backend bit for bit (checked on every fixture of {@code examples/gen-fixtures.js} and by
 * {@code TfjsReferenceTest}): it rounds where TF.js stores float32 tensors and accumulates as its
 * kernels do (see {@code Kernels}). Choices where the frameworks leave room:
 * <ul>
 *   <li>{@code goBackwards}: the input is read from the last step and the returned sequence is in
 *       processing order (tfjs-layers {@code rnn()}: {@code tfc.reverse(inputs, 0)}, per-step outputs
 *       stacked as computed, never reversed back; Keras does the same);</li>
 *   <li>GRU {@code resetAfter}: the Keras {@code GRUCell} form, {@code hh = act(x·W_h + b_in_h +
 *       r ⊙ (h·R_h + b_rec_h))} with both biases on z and r;</li>
 *   <li>LSTM peephole / layer norm / CIFG / projection (not in TF.js): TFLite's float LSTM
 *       ({@code lstm_eval.cc}); layer norm as its {@code MeanStddevNormalization}: mean and
 *       population variance over the units in float, {@code (x - mean) / sqrt(var + 1e-8)}, then
 *       {@code ⊙ L + b};</li>
 *   <li>hard sigmoid: the TF.js / Keras 2 form {@code clip(0.2 x + 0.5, 0, 1)} in float32;</li>
 *   <li>average pooling with SAME padding divides by the number of positions inside the input;
 *       max pooling ignores padded positions;</li>
 *   <li>exp and tanh are {@link java.lang.StrictMath}'s (fdlibm, as V8), so results are the same on
 *       every JVM and machine.</li>
 * </ul>
 * {@link dev.mcugen.ir.interp.RecurrentInternals} names the per-step tensors inside recurrent layers
 * that a {@link dev.mcugen.ir.interp.TensorObserver} sees.
 */
package dev.mcugen.ir.interp;
