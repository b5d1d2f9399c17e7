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
 * </ul>
 */
public final class WeightQuant {
    private WeightQuant() {
    }

    /** How the step is chosen. */
    public enum Method {
        MINMAX, L2;

        /** The CLI spelling. */
        public String cliName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** At most this many iterations of the L2 step; it converges in a few dozen on real layers. */
    static final int MAX_ITERATIONS = 200;

    /**
     * The step for {@code w} at {@code bits} (2..16); 0 when every weight is 0.
     */
    public static double step(float[] w, int bits, Method method) {
        if (bits < 2 || bits > 16) {
            throw new IllegalArgumentException("weight word length " + bits + " outside 2..16");
        }
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
