package dev.mcugen.ir.quant;

import dev.mcugen.ir.Activation;
import dev.mcugen.ir.Shape;
import java.util.List;

/**
 * TensorFlow Lite's integer LSTM ({@code UNIDIRECTIONAL_SEQUENCE_LSTM} of an int8 {@code .tflite}, the
 * "8x8_16" kernel of TFLite Micro's reference {@code lstm_eval}): int8 input {@code x} and hidden state
 * {@code h}, int16 cell state {@code c} with a power-of-two scale {@code 2^-n}, every gate computed in
 * int16. One time step, gates in TFLite's order (forget, input, cell, then the cell update, then output):
 * <pre>
 *   fc_x(g)  = sat16(requant(bias_g + Σ_k W_g[u, k] · x[k],  R_x(g)))      (bias: the file's, - zp_x Σ_k W_g[u, k])
 *   fc_h(g)  = sat16(requant(Σ_k U_g[u, k] · h[k] - zp_h Σ_k U_g[u, k], R_h(g)))
 *   pre(g)   = sat16(fc_x(g) + fc_h(g))                                     (Q3.12: both rescales target 2^-12)
 *   f, i, o  = sigmoid(pre)            z = tanh(pre) (or sigmoid)           (Q0.15, the LUT of LutActivation)
 *   c        = sat16(requant(f · c, R_fc))                                  (R_fc = 2^-15 s_c / s_c)
 *   c        = sat16(c + sat16(requant(i · z, R_iz)))                       (R_iz = 2^-30 / s_c)
 *   c        = clamp(c, -clip, clip)  when the file's cell_clip > 0         (clip = trunc(min(cell_clip / s_c, 32767)))
 *   h        = clamp(zp_h + requant(tanh_n(c) · o, R_h), -128, 127)         (R_h = 2^-30 / s_h; tanh on Q(15-n).n)
 * </pre>
 * {@code requant} is TFLite's {@code MultiplyByQuantizedMultiplier} (the multiplier form of
 * {@link Rescale}: a rounding doubling high multiply, then a rounding right shift). Every effective
 * scale is computed at compile time in double from the file's float32 scales, as TFLite's prepare does.
 * The output of every step is {@code h}; state starts at {@code h = zp_h}, {@code c = 0}.
 *
 * <p>Why not {@link QLstm}: its arithmetic differs from TFLite's at the edges, so a file's integers
 * would not be reproduced bit for bit. TFLite saturates each fully connected part to int16 before
 * adding them ({@link QGate} sums the rescaled parts in int32 and saturates once), multiplies the
 * gates with the double-rounding {@code MultiplyByQuantizedMultiplier} ({@link QLstm} shifts the
 * product once), and clips the cell to {@code ±clip}.
 *
 * @param name          node name (and output tensor)
 * @param inputs        the one input tensor {@code [T, inputSize]}
 * @param outputShape   {@code [T, units]}
 * @param outputType    type of h (int8, the file's hidden state parameters)
 * @param inputType     type of x (int8)
 * @param units         cell width
 * @param inputSize     width of x
 * @param forget        forget gate
 * @param input         input gate
 * @param cell          cell gate (candidate)
 * @param output        output gate
 * @param cellActivation TANH or SIGMOID: the activation of the cell gate (the file's fused activation)
 * @param cellFracBits  n: the cell state holds {@code c · 2^-n}, 0..15
 * @param forgetCellRescale {@code R_fc}
 * @param inputCellRescale  {@code R_iz}
 * @param hiddenRescale     {@code R_h}
 * @param cellClip      the quantized clip, 0 for none
 */
public record QLstmTfl(String name, List<String> inputs, Shape outputShape, QuantType outputType, QuantType inputType,
                       int units, int inputSize, Gate forget, Gate input, Gate cell, Gate output,
                       Activation cellActivation, int cellFracBits, Rescale forgetCellRescale, Rescale inputCellRescale,
                       Rescale hiddenRescale, int cellClip) implements QRecurrent {

    /**
     * One gate's two fully connected parts, each rescaled to Q3.12 on its own as TFLite does.
     *
     * @param inputWeights     int8 {@code [units, inputSize]} (TFLite's layout)
     * @param inputBias        int32 {@code [units]}: the file's bias with {@code -zp_x Σ W} folded in
     * @param inputRescale     {@code s_x s_W / 2^-12}
     * @param recurrentWeights int8 {@code [units, units]}
     * @param recurrentBias    int32 {@code [units]}: {@code -zp_h Σ U} (TFLite's recurrent part has no bias)
     * @param recurrentRescale {@code s_h s_U / 2^-12}
     */
    public record Gate(IntTensor inputWeights, IntTensor inputBias, Rescale inputRescale, IntTensor recurrentWeights,
                       IntTensor recurrentBias, Rescale recurrentRescale) {
        public Gate {
            int units = inputWeights.shape().dim(0);
            if (inputWeights.bits() != 8 || recurrentWeights.bits() != 8
                    || !recurrentWeights.shape().equals(Shape.of(units, units))
                    || inputBias.size() != units || recurrentBias.size() != units
                    || inputBias.bits() != 32 || recurrentBias.bits() != 32) {
                throw new IllegalArgumentException("TFLite LSTM gate: weights " + inputWeights + " / " + recurrentWeights
                        + ", biases " + inputBias + " / " + recurrentBias);
            }
            for (Rescale r : List.of(inputRescale, recurrentRescale)) {
                if (r.powerOfTwo()) {
                    throw new IllegalArgumentException("TFLite LSTM gate rescale " + r + " is not a multiplier");
                }
            }
            long bound = Math.max(rowBound(inputWeights, inputBias), rowBound(recurrentWeights, recurrentBias));
            if (bound > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("TFLite LSTM gate accumulator may reach " + bound + ", beyond int32");
            }
        }

        /**
         * The largest magnitude either part's int32 accumulator can take for any int8 x and h:
         * {@code max over rows of |bias| + 128 Σ |w|}; at most {@code 2^31 - 1} (checked), so the C's
         * int32 sums never overflow.
         */
        public long accumulatorBound() {
            return Math.max(rowBound(inputWeights, inputBias), rowBound(recurrentWeights, recurrentBias));
        }

        /** {@code max_u |b_u| + 128 Σ_k |w[u, k]|}: the largest int32 sum of a row of {@code w} for any int8 vector. */
        public static long rowBound(IntTensor w, IntTensor b) {
            int rows = w.shape().dim(0);
            int cols = w.shape().dim(1);
            long worst = 0;
            for (int u = 0; u < rows; u++) {
                long sum = Math.abs(b.get(u));
                for (int k = 0; k < cols; k++) {
                    sum += 128 * Math.abs(w.get(u * cols + k));
                }
                worst = Math.max(worst, sum);
            }
            return worst;
        }
    }

    public QLstmTfl {
        inputs = List.copyOf(inputs);
        if (outputType.bits() != 8 || inputType.bits() != 8) {
            throw new IllegalArgumentException(name + ": the TFLite LSTM here takes int8 x and h, not " + inputType
                    + " / " + outputType);
        }
        for (Gate g : List.of(forget, input, cell, output)) {
            if (g.inputWeights().shape().dim(0) != units || g.inputWeights().shape().dim(1) != inputSize) {
                throw new IllegalArgumentException(name + ": gate weights " + g.inputWeights().shape() + " for "
                        + units + " units of " + inputSize + " inputs");
            }
        }
        if (cellActivation != Activation.TANH && cellActivation != Activation.SIGMOID) {
            throw new IllegalArgumentException(name + ": cell gate activation " + cellActivation);
        }
        if (cellFracBits < 0 || cellFracBits > 15) {
            throw new IllegalArgumentException(name + ": cell state Q." + cellFracBits);
        }
        for (Rescale r : List.of(forgetCellRescale, inputCellRescale, hiddenRescale)) {
            if (r.powerOfTwo()) {
                throw new IllegalArgumentException(name + ": rescale " + r + " is not a multiplier");
            }
        }
        if (cellClip < 0 || cellClip > 32767) {
            throw new IllegalArgumentException(name + ": cell clip " + cellClip);
        }
        if (outputShape.rank() != 2 || outputShape.dim(1) != units) {
            throw new IllegalArgumentException(name + ": output " + outputShape + " is not [T, " + units + "]");
        }
    }

    /** Every step's h is output. */
    @Override
    public boolean returnSequences() {
        return true;
    }

    @Override
    public boolean goBackwards() {
        return false;
    }
}
