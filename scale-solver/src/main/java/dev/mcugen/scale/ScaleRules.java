package dev.mcugen.scale;

import dev.mcugen.ir.quant.QuantType;

/**
 * The rules that turn a real range into a quantized type; the {@link HeuristicSolver} applies them
 * to each group of equal-scale tensors, and recipes may apply them to what the solver does not see
 * (per-channel weight scales).
 *
 * <p>"Covers" means no clipping beyond rounding: a type covers {@code [min, max]} when both ends
 * round into {@code [qmin, qmax]}, i.e. {@code realMin - scale/2 <= min} and
 * {@code realMax + scale/2 >= max} (a value at an end then has the same half-step error as any other).
 * Every rule below gives a type that covers its range in this sense.
 *
 * <ul>
 *   <li>symmetric: zero point 0 on the narrow range {@code [-(2^(b-1)-1), 2^(b-1)-1]},
 *       {@code scale = max|x| / (2^(b-1)-1)} (seed 000 Table 2 "max/127", "max/32767");</li>
 *   <li>asymmetric: full range, {@code scale = (max - min) / (2^b - 1)} with the range extended to
 *       contain 0 and the zero point nudged to an integer (seed 000 §3.2.4, "range/255");</li>
 *   <li>power-of-two rescale ({@code --rescale pot}): the same two, with the scale widened to the
 *       next power of two (seed 001: "update the min and max values to fulfil the contracts"); an
 *       asymmetric type keeps an integer zero point, placed so the widening is split evenly
 *       between both ends (a one-sided range keeps 0 at its end: ReLU outputs get zp = qmin);</li>
 *   <li>Q m.n ({@link Contract.PowerOfTwo}): zero point 0, full range, the smallest {@code 2^-n}
 *       that covers (seed 000 §3.2.2: the cell state measured in [-3.2, 10] becomes Q4.11; the
 *       denominator is 2^15, not 2^15 - 1).</li>
 * </ul>
 * An all-zero range gets scale 1 (any scale represents it exactly).
 */
public final class ScaleRules {
    private ScaleRules() {
    }

    /** Range-derived type of a tensor with the given symmetry; {@code pot}: power-of-two scale. */
    public static QuantType cover(int bits, TensorSpec.Symmetry symmetry, double min, double max, boolean pot) {
        return symmetry == TensorSpec.Symmetry.SYMMETRIC
                ? symmetric(bits, min, max, pot)
                : asymmetric(bits, min, max, pot);
    }

    /** Symmetric narrow-range type covering {@code [min, max]}; {@code pot}: scale a power of two. */
    public static QuantType symmetric(int bits, double min, double max, boolean pot) {
        double maxAbs = Math.max(Math.abs(min), Math.abs(max));
        int qmax = QuantType.fullMax(bits);
        if (!(maxAbs > 0)) {
            return new QuantType(bits, -qmax, qmax, 1.0, 0);
        }
        if (!pot) {
            return QuantType.symmetric(bits, maxAbs);
        }
        double s = nextPowerOfTwo(maxAbs / (qmax + 0.5));
        QuantType t = new QuantType(bits, -qmax, qmax, s, 0);
        while (!covers(t, min, max)) { // guards the division's rounding
            t = new QuantType(bits, -qmax, qmax, t.scale() * 2, 0);
        }
        return t;
    }

    /** Asymmetric full-range type covering {@code [min, max]} (and 0); {@code pot}: scale a power of two. */
    public static QuantType asymmetric(int bits, double min, double max, boolean pot) {
        double lo = Math.min(min, 0.0);
        double hi = Math.max(max, 0.0);
        int qmin = QuantType.fullMin(bits);
        int qmax = QuantType.fullMax(bits);
        if (hi == lo) {
            return new QuantType(bits, qmin, qmax, 1.0, 0);
        }
        if (!pot) {
            return QuantType.asymmetric(bits, min, max);
        }
        double s = nextPowerOfTwo((hi - lo) / ((double) qmax - qmin));
        QuantType t = centered(bits, s, lo, hi);
        while (!covers(t, lo, hi)) { // guards the division's rounding
            t = centered(bits, t.scale() * 2, lo, hi);
        }
        return t;
    }

    /**
     * The Q m.n type of {@code bits} (full range, zero point 0) with the smallest power-of-two scale
     * that covers {@code [min, max]}: seed 000 §3.2.2 ("extend the measured range to the next
     * power-of-two values and symmetrically quantize it").
     */
    public static QuantType powerOfTwo(int bits, double min, double max) {
        double need = Math.max(Math.max(max, 0.0) / (QuantType.fullMax(bits) + 0.5),
                Math.max(-min, 0.0) / (-(double) QuantType.fullMin(bits) + 0.5));
        if (!(need > 0)) {
            return new QuantType(bits, QuantType.fullMin(bits), QuantType.fullMax(bits), 1.0, 0);
        }
        QuantType t = qFormat(bits, nextPowerOfTwo(need));
        while (!covers(t, min, max)) {
            t = qFormat(bits, t.scale() * 2);
        }
        return t;
    }

    /**
     * A type of the given symmetry with its scale imposed (by a product contract): symmetric zero
     * point 0 on the narrow range; asymmetric full range with the range centred (see
     * {@link #asymmetric}). It may not cover {@code [min, max]}; the solver reports that as clipping.
     */
    public static QuantType withScale(int bits, TensorSpec.Symmetry symmetry, double scale, double min, double max) {
        if (symmetry == TensorSpec.Symmetry.SYMMETRIC) {
            int qmax = QuantType.fullMax(bits);
            return new QuantType(bits, -qmax, qmax, scale, 0);
        }
        return centered(bits, scale, Math.min(min, 0.0), Math.max(max, 0.0));
    }

    /** Whether {@code t} covers {@code [min, max]} up to half a step at each end (see the class comment). */
    public static boolean covers(QuantType t, double min, double max) {
        return excess(t, min, max) == 0.0;
    }

    /**
     * Whether {@code t} clips {@code [min, max]}: an end lies more than one step beyond what
     * {@code t} represents, i.e. clamping costs more than rounding can (an excess up to half a step
     * beyond the half-step reach leaves an error of at most one step, as Q0.15's 32767/32768 top does
     * to a sigmoid output of 1, seed 000 §3.2.1).
     */
    public static boolean clips(QuantType t, double min, double max) {
        return excess(t, min, max) > t.scale() / 2;
    }

    /**
     * How far {@code [min, max]} reaches beyond what {@code t} represents after rounding (real
     * units, 0 when {@link #covers}); the larger of the two ends.
     */
    public static double excess(QuantType t, double min, double max) {
        double half = t.scale() / 2;
        double below = (t.realMin() - half) - min;
        double above = max - (t.realMax() + half);
        return Math.max(0.0, Math.max(below, above));
    }

    /** The smallest power of two {@code >= x}, for finite {@code x > 0}. */
    public static double nextPowerOfTwo(double x) {
        if (!(x > 0) || Double.isInfinite(x)) {
            throw new IllegalArgumentException("no power of two for " + x);
        }
        double p = Math.scalb(1.0, Math.getExponent(x));
        while (p < x) {
            p *= 2;
        }
        while (p / 2 >= x && p / 2 > 0) {
            p /= 2;
        }
        return p;
    }

    /** {@code Q m.n} with {@code scale = 2^-n}: full range, zero point 0. */
    private static QuantType qFormat(int bits, double scale) {
        return new QuantType(bits, QuantType.fullMin(bits), QuantType.fullMax(bits), scale, 0);
    }

    /**
     * Full range with the imposed {@code scale}, zero point placed so that {@code [lo, hi]} (which
     * contains 0) sits in the middle of what the type represents: the slack of
     * {@code (qmax - qmin) - (hi - lo)/scale} steps is split evenly between both ends (or, when
     * negative, the clipping is). A one-sided range keeps its zero at the end: {@code zp = qmin}
     * when {@code lo == 0} (ReLU outputs), {@code zp = qmax} when {@code hi == 0}.
     */
    private static QuantType centered(int bits, double scale, double lo, double hi) {
        int qmin = QuantType.fullMin(bits);
        int qmax = QuantType.fullMax(bits);
        int z;
        if (lo == 0) {
            z = qmin;
        } else if (hi == 0) {
            z = qmax;
        } else {
            double zp = (qmin + (double) qmax) / 2 - (lo + hi) / (2 * scale);
            z = zp >= qmax ? qmax : zp <= qmin ? qmin : (int) Math.round(zp);
        }
        return new QuantType(bits, qmin, qmax, scale, z);
    }
}
