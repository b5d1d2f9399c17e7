package dev.mcugen.ir.quant;

import dev.mcugen.ir.Activation;
import dev.mcugen.ir.fixed.FixedPoint;
import dev.mcugen.ir.fixed.Int16Activation;
import dev.mcugen.ir.fixed.LutActivation;
import dev.mcugen.ir.fixed.PolyActivation;

/**
 * An element-wise activation on int16 fixed-point values inside a recurrent cell: input
 * {@code x / 2^inputFracBits}, output {@code y / 2^outputFracBits}.
 * <ul>
 *   <li>{@code SIGMOID}, {@code TANH}: output Q0.15 by the chosen {@link Impl} ({@link LutActivation} or
 *       {@link PolyActivation}); the input is Q m.(15-m) with {@code m = 15 - inputFracBits}. For
 *       {@code m > 7} (the largest the int16 functions take) the input is first brought to Q7.8 by
 *       {@code sat16(x * 2^(m - 7))}, saturating at ±128 where both functions are flat to within
 *       2^-15 (tanh(128) and sigmoid(128) round to 32767).</li>
 *   <li>{@code HARD_SIGMOID} (TF.js / Keras 2: {@code clip(0.2 x + 0.5, 0, 1)}): exact affine map,
 *       {@code y = clamp(16384 + round(x * 2^(15 - inputFracBits) / 5), 0, 32767)} in Q0.15, the
 *       division rounding to nearest (no ties can occur: the numerator is an integer and the divisor 5).
 *       C may use any exact form of the rounded division (e.g. {@code (n + (n >= 0 ? 2 : -2)) / 5}).</li>
 *   <li>{@code RELU}: {@code max(x, 0)}, same format ({@code outputFracBits == inputFracBits}).</li>
 *   <li>{@code LINEAR}: identity, same format.</li>
 * </ul>
 *
 * @param function       the Keras activation
 * @param impl           the sigmoid/tanh implementation ({@code --activation lut|poly})
 * @param inputFracBits  fractional bits of the int16 input, 0..15
 * @param outputFracBits 15 for sigmoid, tanh, hard sigmoid; {@code inputFracBits} for relu, linear
 */
public record QActivation(Activation function, Impl impl, int inputFracBits, int outputFracBits) {
    /** Which int16 sigmoid/tanh: the table with interpolation, or table-free fixed point. */
    public enum Impl {
        LUT(LutActivation.INSTANCE), POLY(PolyActivation.INSTANCE);

        private final Int16Activation functions;

        Impl(Int16Activation functions) {
            this.functions = functions;
        }

        public Int16Activation functions() {
            return functions;
        }
    }

    /** Q0.15: the output format of sigmoid, tanh and hard sigmoid. */
    public static final int UNIT_FRAC_BITS = 15;

    public QActivation {
        if (inputFracBits < 0 || inputFracBits > 15) {
            throw new IllegalArgumentException("activation input Q" + (15 - inputFracBits) + "." + inputFracBits
                    + " is not an int16 format with 0..15 fractional bits");
        }
        int expected = saturating(function) ? UNIT_FRAC_BITS : inputFracBits;
        if (outputFracBits != expected) {
            throw new IllegalArgumentException(function + " on Q." + inputFracBits + " gives Q." + expected
                    + ", not Q." + outputFracBits);
        }
    }

    /** The activation for {@code function} on inputs with {@code inputFracBits}; output per the rules above. */
    public static QActivation of(Activation function, Impl impl, int inputFracBits) {
        return new QActivation(function, impl, inputFracBits, saturating(function) ? UNIT_FRAC_BITS : inputFracBits);
    }

    /** Whether the integer form exists for {@code function}. */
    public static boolean supported(Activation function) {
        switch (function) {
            case SIGMOID:
            case TANH:
            case HARD_SIGMOID:
            case RELU:
            case LINEAR:
                return true;
            default:
                return false;
        }
    }

    /** True for the bounded functions whose output is Q0.15 (sigmoid, tanh, hard sigmoid). */
    public static boolean saturating(Activation function) {
        if (!supported(function)) {
            throw new IllegalArgumentException("no integer recurrent activation " + function.kerasName());
        }
        return function == Activation.SIGMOID || function == Activation.TANH || function == Activation.HARD_SIGMOID;
    }

    /** The activation of one int16 value {@code x}. */
    public int apply(int x) {
        switch (function) {
            case SIGMOID:
                return impl.functions().sigmoid(fitted(x), integerBits());
            case TANH:
                return impl.functions().tanh(fitted(x), integerBits());
            case HARD_SIGMOID:
                return hardSigmoid(x, inputFracBits);
            case RELU:
                return x > 0 ? x : 0;
            case LINEAR:
                return x;
            default:
                throw new IllegalStateException(function.toString());
        }
    }

    private int integerBits() {
        return Math.min(15 - inputFracBits, Int16Activation.MAX_INTEGER_BITS);
    }

    /** The input in the format {@link #integerBits()} says: unchanged, or saturated to Q7.8. */
    private int fitted(int x) {
        int m = 15 - inputFracBits;
        if (m <= Int16Activation.MAX_INTEGER_BITS) {
            return x;
        }
        return FixedPoint.satInt16(FixedPoint.shlSat(x, m - Int16Activation.MAX_INTEGER_BITS));
    }

    /** {@code clamp(16384 + round(x * 2^(15 - f) / 5), 0, 32767)}. */
    static int hardSigmoid(int x, int fracBits) {
        int n = x * (1 << (15 - fracBits)); // |x| <= 2^15, so |n| <= 2^30
        int q = (n + (n >= 0 ? 2 : -2)) / 5; // round to nearest: n mod 5 is never 2.5
        return FixedPoint.clamp(16384 + q, 0, 32767);
    }
}
