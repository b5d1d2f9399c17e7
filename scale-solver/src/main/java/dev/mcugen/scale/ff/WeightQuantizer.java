package dev.mcugen.scale.ff;

import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.quant.QuantType;
import dev.mcugen.scale.ScaleRules;

/**
 * Quantization of weights and biases (DESIGN §3, seed 000 §6), exact and deterministic:
 * <ul>
 *   <li>weights symmetric on the narrow range: {@code q = clamp(round(w / s), -127, 127)} with
 *       rounding half away from zero ({@link QuantType#quantize}); per tensor with the solved type,
 *       or per output channel (the last axis) with {@code s_c = max|w[..., c]| / 127}, widened to a
 *       power of two under {@code --rescale pot} ({@link ScaleRules#symmetric});</li>
 *   <li>biases in the accumulator's scale {@code s_w s_x} (per channel {@code s_w_c s_x}):
 *       {@code round(b / (s_w s_x))}, half away from zero, computed in double then held in int64;</li>
 *   <li>the input zero point folded in: {@code bias'_c = bias_c - zp_x · Σ_j w_jc}, exact in int64.</li>
 * </ul>
 */
final class WeightQuantizer {
    private WeightQuantizer() {
    }

    /**
     * The largest quantized bias a per-channel scale may give, {@code 2^24}: a channel whose weights
     * are all near zero (a dead filter after BatchNorm folding) would otherwise get a scale so small
     * that its bias {@code b / (s_w s_x)} overflows the int32 accumulator. The scale is widened to
     * {@code |b| / (2^24 s_x)} instead (TensorFlow Lite's converter widens such scales the same way),
     * which leaves at least {@code 2^31 - 2^24} for the products.
     */
    static final double BIAS_LIMIT = 0x1p24;

    /** Per-channel scales over the last axis of {@code w}: the rule the solver applies per tensor. */
    static double[] channelScales(FloatTensor w, boolean powerOfTwo) {
        return channelScales(w, powerOfTwo, null, 0);
    }

    /**
     * Per-channel scales over the last axis of {@code w}, each at least {@code |bias_c| / (BIAS_LIMIT s_x)}
     * so the quantized bias stays within {@link #BIAS_LIMIT}; {@code bias} may be null.
     */
    static double[] channelScales(FloatTensor w, boolean powerOfTwo, FloatTensor bias, double inputScale) {
        int c = w.shape().last();
        double[] maxAbs = new double[c];
        for (int i = 0; i < w.size(); i++) {
            maxAbs[i % c] = Math.max(maxAbs[i % c], Math.abs(w.get(i)));
        }
        for (int k = 0; bias != null && k < c; k++) {
            maxAbs[k] = Math.max(maxAbs[k], Math.abs(bias.get(k)) * 127 / (BIAS_LIMIT * inputScale));
        }
        double[] s = new double[c];
        for (int k = 0; k < c; k++) {
            s[k] = ScaleRules.symmetric(8, -maxAbs[k], maxAbs[k], powerOfTwo).scale();
        }
        return s;
    }

    /** {@code w} quantized with {@code scales[i % scales.length]} (one scale, or one per last-axis channel). */
    static int[] weights(FloatTensor w, double[] scales) {
        int c = scales.length;
        int[] q = new int[w.size()];
        for (int i = 0; i < q.length; i++) {
            q[i] = weightType(scales[i % c]).quantize(w.get(i));
        }
        return q;
    }

    /** int8 symmetric narrow range with exactly {@code scale}. */
    static QuantType weightType(double scale) {
        return new QuantType(8, -127, 127, scale, 0);
    }

    /** One scale for every one of {@code channels}. */
    static double[] uniform(double scale, int channels) {
        double[] s = new double[channels];
        java.util.Arrays.fill(s, scale);
        return s;
    }

    /** Half-away-from-zero rounding of a real to int64; throws if it does not fit. */
    static long round(double v) {
        double r = Math.signum(v) * Math.floor(Math.abs(v) + 0.5);
        if (!(Math.abs(r) < 0x1p62)) {
            throw new dev.mcugen.ir.fixed.ScaleRangeException("quantized value " + v + " does not fit int64");
        }
        return (long) r;
    }

    /**
     * The real bias of each output channel (the last axis of {@code w}) with the expected error of the
     * quantized weights removed: empirical bias correction as in Nagel et al., "Data-Free Quantization
     * Through Weight Equalization and Bias Correction" (ICCV 2019), with the input's expectation taken
     * from the calibration data. Rounding each weight moves every output by
     * {@code Σ_j (q_jc s_c - w_jc) x_j}; its mean over the data, {@code Σ_j (q_jc s_c - w_jc) E[x_j]},
     * is a constant per channel that the bias absorbs, so only the zero-mean part of the error
     * remains. {@code E[x_j]} is the calibrated mean of input channel {@code j mod C} (the kernel's
     * rows run over kernel positions with the input channel fastest); positions in a convolution's
     * zero padding are counted as the channel mean, a small bias on border outputs only. Without
     * {@code inputMeans} (no calibration statistics) the bias is returned unchanged.
     *
     * @param bias       the float bias, or null (none: 0)
     * @param inputMeans the mean of each input channel over the calibration data, or null
     */
    static double[] correctedBias(FloatTensor bias, FloatTensor w, double[] scales, int[] q, double[] inputMeans) {
        int c = w.shape().last();
        double[] b = new double[c];
        for (int k = 0; k < c; k++) {
            b[k] = bias == null ? 0 : bias.get(k);
        }
        if (inputMeans == null || inputMeans.length == 0) {
            return b;
        }
        int channels = inputMeans.length;
        for (int i = 0; i < q.length; i++) {
            int o = i % c;
            double err = (double) q[i] * scales[o % scales.length] - w.get(i);
            b[o] -= err * inputMeans[(i / c) % channels];
        }
        return b;
    }

    /**
     * The folded bias of each output channel (the last axis of {@code q}):
     * {@code round(b_c / accScale_c) - zp · Σ_j q_jc}; {@code bias} may be null (no bias).
     */
    static long[] foldedBias(FloatTensor bias, double[] accScales, int[] q, int zeroPoint) {
        double[] real = new double[accScales.length];
        for (int k = 0; k < real.length; k++) {
            real[k] = bias == null ? 0 : bias.get(k);
        }
        return foldedBias(real, accScales, q, zeroPoint);
    }

    /** {@link #foldedBias(FloatTensor, double[], int[], int)} of a real bias given as doubles. */
    static long[] foldedBias(double[] bias, double[] accScales, int[] q, int zeroPoint) {
        int c = accScales.length;
        long[] b = new long[c];
        for (int k = 0; k < c; k++) {
            b[k] = round(bias[k] / accScales[k]);
        }
        for (int i = 0; i < q.length; i++) {
            b[i % c] -= (long) zeroPoint * q[i];
        }
        return b;
    }
}
