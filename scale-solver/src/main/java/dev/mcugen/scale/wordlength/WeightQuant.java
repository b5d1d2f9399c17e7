package dev.mcugen.scale.wordlength;

/**
 * Uniform symmetric weight quantizers at a chosen word length: a b-bit weight takes one of
 * {@code M = 2^b - 1} levels {@code z Δ}, {@code z} in {@code [-(M-1)/2, (M-1)/2]} (the narrow range:
 * 3 levels at 2 bits, 127 on each side at 8), {@code Q(w) = sgn(w) Δ min(floor(|w| / Δ + 1/2), (M-1)/2)}.
 * The methods differ in the step {@code Δ}:
 * <ul>
 *   <li>{@link Method#MINMAX}: the largest weight on the last level, {@code Δ = max|w| / ((M-1)/2)};
 *       nothing is clipped.</li>
 *   <li>{@link Method#L2}: the step that minimizes the squared error {@code Σ (Δ z_i - w_i)^2}, found by
 *       the fixed-point iteration of Shin, Hwang and Sung, "Fixed-point performance analysis of recurrent
 *       neural networks" (ICASSP 2016), eq. 3–4: quantize with the current step, then set
 *       {@code Δ = Σ w_i z_i / Σ z_i^2} (the error's minimum for those levels), until the levels no longer
 *       change. It clips the few largest weights when that lowers the total error, which matters at
 *       low word lengths.</li>
 *   <li>{@link Method#BALANCED}: He et al., "Effective quantization methods for recurrent neural
 *       networks" (2016), section 2.3: the range is {@code ±scale / 2} with {@code scale = 2.5 mean|w|}, the
 *       weights clipped to it and rounded to {@code 2^b} levels evenly spread over it (no level at zero:
 *       at 2 bits {@code ±scale/6, ±scale/2}), which for bell-shaped weights fills the levels about
 *       equally (each 2-bit level holds a quarter of the weights when the threshold is 3 median|w|,
 *       which 2.5 mean|w| approximates for normal weights). As integers: the odd numbers
 *       {@code -(2^b - 1) .. 2^b - 1} times {@code scale / (2 (2^b - 1))}, so b bits still store them.</li>
 * </ul>
 */
public final class WeightQuant {
    private WeightQuant() {
    }

    /** How the step is chosen. */
    public enum Method {
        MINMAX, L2, BALANCED;

        /** The CLI spelling. */
        public String cliName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** At most this many iterations of the L2 step; it converges in a few dozen on real layers. */
    static final int MAX_ITERATIONS = 200;

    /** {@code w} quantized at {@code bits} by {@code method}, as reals. */
    public static float[] quantize(float[] w, int bits, Method method) {
        if (method != Method.BALANCED) {
            return fakeQuantize(w, bits, step(w, bits, method));
        }
        double scale = balancedRange(w, bits);
        float[] q = new float[w.length];
        if (scale == 0) {
            return q;
        }
        long top = (1L << bits) - 1;
        for (int i = 0; i < w.length; i++) {
            double u = Math.max(-0.5, Math.min(0.5, w[i] / scale)) + 0.5; // in [0, 1]
            long k = Math.round(u * top); // one of 2^b levels
            q[i] = (float) (((double) k / top - 0.5) * scale);
        }
        return q;
    }

    /**
     * The full width {@code scale = 2.5 mean|w|} of {@link Method#BALANCED}'s range {@code ±scale / 2}
     * at {@code bits} (2..16); 0 when every weight is 0. Its integer form: the odd levels
     * {@code -(2^b - 1) .. 2^b - 1} with step {@code scale / (2 (2^b - 1))}.
     */
    public static double balancedRange(float[] w, int bits) {
        checkBits(bits);
        double meanAbs = 0;
        for (float v : w) {
            meanAbs += Math.abs(v);
        }
        meanAbs /= Math.max(1, w.length);
        return 2.5 * meanAbs;
    }

    private static void checkBits(int bits) {
        if (bits < 2 || bits > 16) {
            throw new IllegalArgumentException("weight word length " + bits + " outside 2..16");
        }
    }

    /**
     * The step of the symmetric grid for {@code w} at {@code bits} (2..16) by {@link Method#MINMAX} or
     * {@link Method#L2}; 0 when every weight is 0.
     */
    public static double step(float[] w, int bits, Method method) {
        if (method == Method.BALANCED) {
            throw new IllegalArgumentException("balanced quantization has no zero level: use quantize");
        }
        checkBits(bits);
        int half = (1 << (bits - 1)) - 1;
        double max = 0;
        for (float v : w) {
            max = Math.max(max, Math.abs(v));
        }
        if (max == 0) {
            return 0;
        }
        double delta = max / half;
        if (method == Method.MINMAX) {
            return delta;
        }
        int[] z = levels(w, delta, half);
        for (int it = 0; it < MAX_ITERATIONS; it++) {
            double num = 0;
            double den = 0;
            for (int i = 0; i < w.length; i++) {
                num += (double) w[i] * z[i];
                den += (double) z[i] * z[i];
            }
            if (den == 0) {
                break;
            }
            double next = num / den;
            int[] nz = levels(w, next, half);
            delta = next;
            if (java.util.Arrays.equals(nz, z)) {
                break;
            }
            z = nz;
        }
        return delta;
    }

    /** {@code w} quantized at {@code bits} with {@code step}, as reals (the levels times the step). */
    public static float[] fakeQuantize(float[] w, int bits, double step) {
        float[] q = new float[w.length];
        if (step == 0) {
            return q;
        }
        int half = (1 << (bits - 1)) - 1;
        int[] z = levels(w, step, half);
        for (int i = 0; i < w.length; i++) {
            q[i] = (float) (z[i] * step);
        }
        return q;
    }

    /** The squared error {@code Σ (Q(w_i) - w_i)^2} of {@code w} at {@code bits} with {@code step}. */
    public static double squaredError(float[] w, int bits, double step) {
        float[] q = fakeQuantize(w, bits, step);
        double e = 0;
        for (int i = 0; i < w.length; i++) {
            double d = (double) q[i] - w[i];
            e += d * d;
        }
        return e;
    }

    private static int[] levels(float[] w, double delta, int half) {
        int[] z = new int[w.length];
        for (int i = 0; i < w.length; i++) {
            long m = (long) Math.floor(Math.abs(w[i]) / delta + 0.5);
            z[i] = (int) Math.signum(w[i]) * (int) Math.min(m, half);
        }
        return z;
    }
}
