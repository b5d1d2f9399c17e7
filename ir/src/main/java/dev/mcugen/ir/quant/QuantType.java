package dev.mcugen.ir.quant;

/**
 * A per-tensor quantized type: integers {@code q} in {@code [qmin, qmax]} of a {@code bits}-wide
 * signed type stand for {@code real = scale * (q - zero_point)}.
 *
 * <p>Conventions (DESIGN §3): activations int8 asymmetric {@code [-128, 127]} or int16 symmetric;
 * weights symmetric with zero point 0 and the narrow range {@code [-(2^(b-1) - 1), 2^(b-1) - 1]};
 * biases int32 with {@code scale = s_weight * s_input}. A power-of-two type ({@code scale = 2^-n},
 * zero point 0) is the Q m.n format of seed 000 §3.1.2 with {@code m + n + 1 = bits}.
 *
 * @param bits      8, 16 or 32
 * @param qmin      smallest integer used
 * @param qmax      largest integer used
 * @param scale     real value of one integer step, > 0
 * @param zeroPoint the integer that stands for real 0, within [qmin, qmax]
 */
public record QuantType(int bits, int qmin, int qmax, double scale, int zeroPoint) {
    public QuantType {
        if (bits != 8 && bits != 16 && bits != 32) {
            throw new IllegalArgumentException("bits must be 8, 16 or 32, not " + bits);
        }
        long lo = -(1L << (bits - 1));
        long hi = (1L << (bits - 1)) - 1;
        if (qmin < lo || qmax > hi || qmin >= qmax) {
            throw new IllegalArgumentException("range [" + qmin + ", " + qmax + "] does not fit int" + bits);
        }
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("scale must be positive and finite, not " + scale);
        }
        if (zeroPoint < qmin || zeroPoint > qmax) {
            throw new IllegalArgumentException("zero point " + zeroPoint + " outside [" + qmin + ", " + qmax + "]");
        }
    }

    /** Full signed range of {@code bits}: int8 [-128, 127], int16 [-32768, 32767]. */
    public static int fullMin(int bits) {
        return (int) -(1L << (bits - 1));
    }

    public static int fullMax(int bits) {
        return (int) ((1L << (bits - 1)) - 1);
    }

    /**
     * Asymmetric type over the full range of {@code bits} covering {@code [min, max]} (extended to
     * include 0 so that zero is exact), with the zero point nudged to an integer as TFLite's
     * {@code ChooseQuantizationParams} does.
     */
    public static QuantType asymmetric(int bits, double min, double max) {
        int qmin = fullMin(bits);
        int qmax = fullMax(bits);
        double lo = Math.min(min, 0.0);
        double hi = Math.max(max, 0.0);
        if (hi == lo) {
            // An all-zero tensor: any scale represents it exactly.
            return new QuantType(bits, qmin, qmax, 1.0, 0);
        }
        double scale = (hi - lo) / ((double) qmax - qmin);
        double zpFromMin = qmin - lo / scale;
        double zpFromMax = qmax - hi / scale;
        double errMin = Math.abs(qmin) + Math.abs(lo / scale);
        double errMax = Math.abs(qmax) + Math.abs(hi / scale);
        double zp = errMin < errMax ? zpFromMin : zpFromMax;
        int nudged = zp < qmin ? qmin : zp > qmax ? qmax : (int) Math.round(zp);
        return new QuantType(bits, qmin, qmax, scale, nudged);
    }

    /**
     * Symmetric type with zero point 0 on the narrow range {@code [-(2^(b-1) - 1), 2^(b-1) - 1]}
     * and {@code scale = maxAbs / (2^(b-1) - 1)} (seed 000 Table 2: "max/127", "max/32767").
     */
    public static QuantType symmetric(int bits, double maxAbs) {
        int qmax = fullMax(bits);
        double scale = maxAbs > 0 ? maxAbs / qmax : 1.0;
        return new QuantType(bits, -qmax, qmax, scale, 0);
    }

    /**
     * The Q m.n type of {@code bits} with {@code n = fractionalBits}: {@code scale = 2^-n}, zero
     * point 0, full range (the denominators 2^15 of seed 000's cell state and Q0.15 outputs).
     */
    public static QuantType powerOfTwo(int bits, int fractionalBits) {
        return new QuantType(bits, fullMin(bits), fullMax(bits), Math.scalb(1.0, -fractionalBits), 0);
    }

    /** True when the scale is an exact power of two and the zero point 0 (a Q m.n format). */
    public boolean isPowerOfTwo() {
        return zeroPoint == 0 && scale == Math.scalb(1.0, Math.getExponent(scale));
    }

    /** n of Q m.n: {@code scale = 2^-n}; only for {@link #isPowerOfTwo()} types. */
    public int fractionalBits() {
        if (!isPowerOfTwo()) {
            throw new IllegalStateException(this + " is not a power-of-two format");
        }
        return -Math.getExponent(scale);
    }

    /** m of Q m.n ({@code bits - 1 - n}); may be negative for very fine scales. */
    public int integerBits() {
        return bits - 1 - fractionalBits();
    }

    /** Smallest real value the type represents. */
    public double realMin() {
        return scale * ((long) qmin - zeroPoint);
    }

    /** Largest real value the type represents. */
    public double realMax() {
        return scale * ((long) qmax - zeroPoint);
    }

    /** {@code clamp(round_half_away(real / scale) + zero_point, qmin, qmax)}. */
    public int quantize(double real) {
        double q = Math.round(Math.abs(real) / scale) * Math.signum(real) + zeroPoint;
        return (int) Math.max(qmin, Math.min(qmax, q));
    }

    /** {@code scale * (q - zero_point)}. */
    public double dequantize(int q) {
        return scale * ((long) q - zeroPoint);
    }

    @Override
    public String toString() {
        String base = "int" + bits + "[" + qmin + ", " + qmax + "] scale " + scale + " zp " + zeroPoint;
        return isPowerOfTwo() ? base + " (Q" + integerBits() + "." + fractionalBits() + ")" : base;
    }
}
