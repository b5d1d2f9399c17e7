/**
 * Quantization recipes of the feed-forward ops ({@link dev.mcugen.scale.ff.FeedForwardRecipes#of}),
 * lowering to the integer records of {@code dev.mcugen.ir.quant} that
 * {@code FeedForwardKernels.run} executes. The decisions they share:
 *
 * <ul>
 *   <li><b>Types.</b> Activations int8 asymmetric (full range, TFLite's nudged zero point) or, with
 *       {@code --precision int16}, int16 symmetric (zero point 0, narrow range); weights int8
 *       symmetric narrow range {@code [-127, 127]}, per tensor or ({@code --per-channel}) per output
 *       channel; biases int32 in the accumulator's scale {@code s_w s_x}. Tensor names: node names
 *       and model inputs as in calibration, {@code layer/kernel}, {@code layer/bias}, and the
 *       internal {@code layer/preact} (Q3.12), {@code layer/logits} (int32), {@code layer/raw}.</li>
 *   <li><b>Rounding.</b> Every rounding is to nearest with ties away from zero: weight and bias
 *       quantization offline; {@code rdivpot} / {@code requant} (gemmlowp) at run time; the average
 *       pool's integer division {@code (s >= 0 ? s + n/2 : s - n/2) / n}.</li>
 *   <li><b>Zero points</b> are folded into the bias at compile time (seed 000 §6):
 *       {@code bias' = round(b / (s_w s_x)) - zp_x · Σ_j w_j}; kernels multiply raw integers.
 *       Convolution padding reads {@code zp_x}, which the folded bias cancels exactly, so padded
 *       taps contribute 0 as in the float model.</li>
 *   <li><b>Accumulators</b> are int32 whenever {@code |bias'| + Σ |w| · max|x|} (which bounds every
 *       partial sum of the C loop) is at most {@code 2^31 - 1}, always the case at int8. With int16
 *       activations (16x8) a layer that cannot be proven safe accumulates in int64 and rounds the sum
 *       by {@code accShift} bits back to int32 before requantization (the rescale carries the
 *       {@code 2^accShift}); TFLite uses int64 for all 16x8 layers, mcugen only where needed.</li>
 *   <li><b>Rescales</b> go through {@code LoweringContext.rescale} (the TFLite multiplier, or a
 *       shift under {@code --rescale pot}, recorded for the report). Constants that are not powers
 *       of two stay out of them: hard sigmoid's 0.2 is an integer gain, an average over a count that
 *       is not a power of two an integer division.</li>
 *   <li><b>Activations.</b> ReLU/ReLU6 are clamps at real 0 and 6; sigmoid/tanh go through Q3.12 and
 *       the int16 {@code lut}/{@code poly} primitives to Q0.15, then to the output type; softmax is
 *       TFLite's integer softmax with gemmlowp's {@code exp_on_negative_values}, on the Dense's raw
 *       int32 logits when fused, output int8 {@code 2^-8, zp -128} or int16 Q0.15.</li>
 *   <li><b>BatchNorm</b> is folded into the Dense/Conv before it ({@link
 *       dev.mcugen.scale.ff.BatchNormFolding}); otherwise it is a per-channel integer affine map.</li>
 * </ul>
 */
package dev.mcugen.scale.ff;
