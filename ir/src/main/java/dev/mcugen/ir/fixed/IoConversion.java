package dev.mcugen.ir.fixed;

import java.math.BigInteger;

/**
 * The integer conversion between the caller's fixed-point format ({@link IoFormat}) and a model
 * input's or output's quantization, as the generated {@code <id>_quantize_input} and
 * {@code <id>_dequantize_output} compute it:
 *
 * <pre>
 *   p = (x - inZeroPoint) * multiplier                 (int64, exact: |x - zp| &lt;= 2^31, multiplier &lt; 2^31)
 *   r = round(p / 2^shift), half away from zero         (gemmlowp's RoundingDivideByPOT rounding)
 *   y = saturate(r + outZeroPoint, min, max)
 * </pre>
 *
 * with {@code multiplier / 2^shift} the ratio of the two scales to 31 significant bits
 * ({@code multiplier} in [2^30, 2^31), computed exactly from the format's scale and the header's
 * {@code SCALE_NUM / 2^SCALE_SHIFT}). This class is the Java reference the C is tested against.
 *
 * @param inZeroPoint  subtracted from x first (the model output's zero point; 0 for an input)
 * @param multiplier   in [2^30, 2^31)
 * @param shift        0 .. 62
 * @param outZeroPoint added after rounding (the model input's zero point; 0 for an output)
 * @param min          saturation bounds of the result
 * @param max          saturation bounds of the result
 */
public record IoConversion(long inZeroPoint, long multiplier, int shift, long outZeroPoint, long min, long max) {
    public IoConversion {
        if (multiplier < 1L << 30 || multiplier >= 1L << 31 || shift < 0 || shift > 62 || min > max) {
            throw new IllegalArgumentException(multiplier + " / 2^" + shift + " [" + min + ", " + max + "]");
        }
    }

    /**
     * From the caller's {@code format} to a model input of scale {@code scaleNum / 2^scaleShift},
     * zero point {@code zeroPoint} and range {@code [qmin, qmax]}: {@code q = zp + round(v * s_format / s_model)}.
     */
    public static IoConversion toModel(IoFormat format, long scaleNum, int scaleShift, long zeroPoint, long qmin, long qmax) {
        BigInteger[] ratio = {format.num().shiftLeft(Math.max(scaleShift, 0)),
                format.den().multiply(BigInteger.valueOf(scaleNum)).shiftLeft(Math.max(-scaleShift, 0))};
        long[] mk = multiplier(ratio[0], ratio[1]);
        return new IoConversion(0, mk[0], (int) mk[1], zeroPoint, qmin, qmax);
    }

    /**
     * From a model output of scale {@code scaleNum / 2^scaleShift} and zero point {@code zeroPoint}
     * to the caller's {@code format}: {@code v = round((q - zp) * s_model / s_format)}, saturated to the container.
     */
    public static IoConversion fromModel(IoFormat format, long scaleNum, int scaleShift, long zeroPoint) {
        BigInteger p = BigInteger.valueOf(scaleNum).multiply(format.den()).shiftLeft(Math.max(-scaleShift, 0));
        BigInteger q = format.num().shiftLeft(Math.max(scaleShift, 0));
        long[] mk = multiplier(p, q);
        return new IoConversion(zeroPoint, mk[0], (int) mk[1], 0, format.min(), format.max());
    }

    /**
     * {@code p / q} as {@code m / 2^k}, m in [2^30, 2^31) rounded to nearest; refuses a ratio that
     * needs k outside 0..62 (one step of one side is 2^31 or more, or less than 2^-32, of the other's).
     */
    static long[] multiplier(BigInteger p, BigInteger q) {
        int e = p.bitLength() - q.bitLength(); // floor(log2(p / q)) is e or e - 1
        boolean below = e >= 0 ? p.compareTo(q.shiftLeft(e)) < 0 : p.shiftLeft(-e).compareTo(q) < 0;
        if (below) {
            e--;
        }
        int k = 30 - e;
        if (k < 0) {
            throw new IllegalArgumentException("one step of the source is 2^" + e + " steps of the destination: every"
                    + " value but 0 would saturate");
        }
        if (k > 62 + 1) {
            throw new IllegalArgumentException("one step of the source is 2^" + e + " steps of the destination: every"
                    + " value would round to the zero point");
        }
        // m = round(p 2^k / q), half up (positive)
        BigInteger[] qr = p.shiftLeft(k).divideAndRemainder(q);
        long m = qr[0].longValueExact() + (qr[1].shiftLeft(1).compareTo(q) >= 0 ? 1 : 0);
        if (m == 1L << 31) {
            m >>= 1;
            k--;
        }
        if (k > 62) {
            throw new IllegalArgumentException("one step of the source is 2^" + e + " steps of the destination: every"
                    + " value would round to the zero point");
        }
        return new long[] {m, k};
    }

    /** The conversion of one value (the C helper's loop body). */
    public long apply(long x) {
        long p = (x - inZeroPoint) * multiplier;
        long r;
        if (shift == 0) {
            r = p;
        } else {
            long half = 1L << (shift - 1);
            r = p >= 0 ? (p + half) >> shift : -((-p + half) >> shift);
        }
        r += outZeroPoint;
        return Math.max(min, Math.min(max, r));
    }
}
