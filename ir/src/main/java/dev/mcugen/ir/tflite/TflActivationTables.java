package dev.mcugen.ir.tflite;

import dev.mcugen.ir.fixed.FixedPoint;
import dev.mcugen.ir.fixed.PolyActivation;
import dev.mcugen.ir.fixed.QuantizedMultiplier;

/**
 * TensorFlow Lite Micro's int8 LOGISTIC, TANH and HARD_SWISH, each evaluated at compile time for all
 * 256 int8 inputs. An int8 element-wise op of one input is a function of 256 values, so running
 * TFLite's own integer procedure on every one of them gives a table ({@code y = T[x + 128]}, the
 * simulator's and the C runtime's {@code mcu_lut_s8}) that equals TFLite's output for every input by
 * construction; the C stays float-free and needs no gemmlowp code. The parameters are derived as
 * TFLite Micro's prepare derives them (in double, from the file's float32 scales); each step below
 * names the TFLite rounding it reproduces.
 *
 * <p>TFLite Micro does not use a table for these int8 ops: LOGISTIC and TANH run
 * {@code reference_integer_ops::Logistic} / {@code Tanh} (gemmlowp's fixed-point {@code logistic} /
 * {@code tanh} on a Q4.27 input), HARD_SWISH runs {@code reference_ops::HardSwish} (16-bit fixed
 * point). Every method returns the 256 outputs in input order ({@code -128 .. 127}) or throws
 * {@link IllegalArgumentException} with the reason TFLite could not run the parameters.
 */
final class TflActivationTables {
    /** Integer bits of the int8 LOGISTIC / TANH input in its Q4.27 rescaled form (TFLite's {@code kInputIntegerBits}). */
    static final int INPUT_INTEGER_BITS = 4;

    private TflActivationTables() {
    }

    /**
     * The input multiplier of int8 LOGISTIC / TANH: {@code frexp(s_in · 2^27)}, the mantissa times
     * 2^31 rounded half away from zero, without QuantizeMultiplier's correction when it rounds up to
     * 2^31 (TFLite Micro's prepare omits it: such a scale is refused here). Returns {multiplier, shift}.
     */
    static int[] inputMultiplier(float inputScale) {
        double real = (double) inputScale * (double) (1 << (31 - INPUT_INTEGER_BITS));
        int shift = Math.getExponent(real) + 1;
        long q = Math.round(Math.scalb(real, 31 - shift)); // positive: Math.round rounds half away from zero
        if (q >= 1L << 31) {
            throw new IllegalArgumentException("input scale " + inputScale + " rounds TFLite's Q4.27 input multiplier"
                    + " to 2^31, which TFLite Micro stores in an int32 without correction");
        }
        if (shift < 0 || shift > FixedPoint.MAX_SHIFT) {
            throw new IllegalArgumentException("input scale " + inputScale + " gives an input shift of " + shift
                    + "; TFLite's input radius needs a shift in [0, 30]");
        }
        return new int[] {(int) q, shift};
    }

    /**
     * TFLite's {@code CalculateInputRadius(4, shift, 31)}: {@code floor(15 · 2^27 / 2^shift)}, the
     * largest |input - zp| whose rescaled Q4.27 value cannot overflow; beyond it the output saturates.
     */
    static int inputRadius(int shift) {
        return (int) Math.floor(15.0 * (1L << (31 - INPUT_INTEGER_BITS)) / (double) (1L << shift));
    }

    /**
     * int8 LOGISTIC: {@code d = x - zp_in}; {@code d <= -radius -> -128}, {@code d >= radius -> 127};
     * otherwise {@code r = MultiplyByQuantizedMultiplier(d, m, shift)} (TFLite's double rounding:
     * rounding doubling high multiply, then a rounding right shift, ties away from zero), gemmlowp's
     * {@code logistic} of {@code r} read as Q4.27, then {@code RoundingDivideByPOT(., 23)} (ties away
     * from zero) to Q0.8, minus 128, clamped to int8. The output scale is taken to be 1/256 (TFLite's
     * kernel writes that scale whatever the file says; its prepare checks the zero point -128 only).
     */
    static int[] logistic(float inputScale, int inputZeroPoint) {
        return gemmlowp(inputScale, inputZeroPoint, q4 -> FixedPoint.satInt8(
                FixedPoint.rdivpot(PolyActivation.logisticRaw(q4, INPUT_INTEGER_BITS), 31 - 8) - 128));
    }

    /**
     * int8 TANH: as {@link #logistic} up to the Q4.27 input, then gemmlowp's {@code tanh},
     * {@code RoundingDivideByPOT(., 24)} (ties away from zero) to Q0.7, clamped to int8 with no zero
     * point added (TFLite's kernel writes scale 1/128, zero point 0, whatever the file says).
     */
    static int[] tanh(float inputScale, int inputZeroPoint) {
        return gemmlowp(inputScale, inputZeroPoint, q4 -> FixedPoint.satInt8(
                FixedPoint.rdivpot(PolyActivation.tanhRaw(q4, INPUT_INTEGER_BITS), 31 - 7)));
    }

    /**
     * The frame LOGISTIC and TANH share: {@code d = x - zp_in}, -128 / 127 at or beyond the radius, else
     * {@code f} of the Q4.27 value {@code MultiplyByQuantizedMultiplier(d, m, shift)}.
     */
    private static int[] gemmlowp(float inputScale, int inputZeroPoint, java.util.function.IntUnaryOperator f) {
        int[] ms = inputMultiplier(inputScale);
        int radius = inputRadius(ms[1]);
        int[] y = new int[256];
        for (int i = 0; i < 256; i++) {
            int d = i - 128 - inputZeroPoint;
            y[i] = d <= -radius ? -128 : d >= radius ? 127 : f.applyAsInt(FixedPoint.requant(d, ms[0], ms[1]));
        }
        return y;
    }

    /**
     * TFLite's {@code DownScaleInt32ToInt16Multiplier}: a Q0.31 multiplier rounded to Q0.15,
     * {@code (m + 2^15) >> 16}, or 32767 when that would pass it.
     */
    static int downScale(int m32) {
        return m32 >= Integer.MAX_VALUE - (1 << 15) ? Short.MAX_VALUE : (m32 + (1 << 15)) >> 16;
    }

    /**
     * int8 HARD_SWISH, TFLite's {@code reference_ops::HardSwish} on 16-bit fixed point. Prepare (in
     * float32, then widened): {@code hires = s_in / 128}, the output multiplier
     * {@code hires / s_out} and the "reluish" multiplier {@code hires / (3 / 32768)}, each by
     * QuantizeMultiplier then rounded to 16 bits ({@link #downScale}). Per input, with int16 values:
     * <pre>
     *   h   = (x - zp_in) · 2^7
     *   o   = srdhm16(h, out_m16)                               the input on the pre-shift output scale
     *   r   = h; if e_r > 0: r = sat16(r · 2^(e_r - 1)); r = srdhm16(r, relu_m16);
     *         if e_r > 0: r = sat16(r · 2); if e_r &lt; 0: r = RoundingDivideByPOT(r, -e_r)   x/3 in [-1, 1]
     *   r   = (r + 2^15) >> 1                                   (x + 3)/6 in [0, 1]
     *   p   = trunc(r · o / 2^15)                               SaturatingDoublingHighMul: truncates
     *   y   = clamp(int16(RoundingDivideByPOT(p, -e_out) + zp_out), -128, 127)
     * </pre>
     * {@code srdhm16} is gemmlowp's int16 rounding doubling high multiply (nudge {@code ±2^14},
     * truncating division by 2^15, {@code -32768 · -32768 -> 32767}); {@code int16(.)} wraps as TFLite's
     * {@code int16_t} sum does.
     */
    static int[] hardSwish(float inputScale, int inputZeroPoint, float outputScale, int outputZeroPoint) {
        float hires = (1.0f / 128.0f) * inputScale;
        float reluishScale = 3.0f / 32768.0f;
        QuantizedMultiplier out = QuantizedMultiplier.of((double) (hires / outputScale));
        QuantizedMultiplier relu = QuantizedMultiplier.of((double) (hires / reluishScale));
        if (out.shift() > 0) {
            throw new IllegalArgumentException("output multiplier exponent " + out.shift()
                    + " > 0 (input scale / 128 above the output scale), which TFLite's prepare refuses");
        }
        if (-out.shift() > 15 || -relu.shift() > 15) {
            throw new IllegalArgumentException("a right shift beyond 15 bits, which TFLite's int16 rounding divide"
                    + " cannot express (input scale " + inputScale + ", output scale " + outputScale + ")");
        }
        int outM = downScale(out.multiplier());
        int reluM = downScale(relu.multiplier());
        int reluE = relu.shift();
        int outE = out.shift();
        int[] y = new int[256];
        for (int i = 0; i < 256; i++) {
            int h = (short) ((i - 128 - inputZeroPoint) * (1 << 7));
            int o = srdhm16(h, outM);
            int r = h;
            if (reluE > 0) {
                r = sat16((long) r << (reluE - 1));
            }
            r = srdhm16(r, reluM);
            if (reluE > 0) {
                r = sat16((long) r << 1);
            }
            if (reluE < 0) {
                r = FixedPoint.rdivpot(r, -reluE);
            }
            r = (r + (1 << 15)) >> 1;
            int p = (short) (r * o / (1 << 15));
            int v = (short) (FixedPoint.rdivpot(p, -outE) + outputZeroPoint);
            y[i] = FixedPoint.satInt8(v);
        }
        return y;
    }

    /** gemmlowp {@code SaturatingRoundingDoublingHighMul} for int16. */
    static int srdhm16(int a, int b) {
        if (a == Short.MIN_VALUE && b == Short.MIN_VALUE) {
            return Short.MAX_VALUE;
        }
        int ab = a * b;
        int nudge = ab >= 0 ? 1 << 14 : 1 - (1 << 14);
        return (short) ((ab + nudge) / (1 << 15));
    }

    private static int sat16(long v) {
        return (int) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, v));
    }
}
