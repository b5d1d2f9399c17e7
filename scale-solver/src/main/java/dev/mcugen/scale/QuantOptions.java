package dev.mcugen.scale;

/**
 * The quantization options every command shares (DESIGN §1): activation precision, how
 * effective scales are realized, which int16 sigmoid/tanh, per-channel weights, the target
 * (which decides {@code --rescale auto}), and whether a softmax at a model output is left out
 * ({@code dropSoftmax}: the output is then the integer logits, for when only the argmax matters).
 */
public record QuantOptions(Precision precision, Rescale rescale, ActivationImpl activation, boolean perChannel, Target target,
                           boolean dropSoftmax, WeightRounding weightRounding, WeightBits weightBits) {
    public QuantOptions {
        java.util.Objects.requireNonNull(weightRounding, "weightRounding");
        java.util.Objects.requireNonNull(weightBits, "weightBits");
    }

    /** Options with every weight group at 8 bits ({@link WeightBits#INT8}). */
    public QuantOptions(Precision precision, Rescale rescale, ActivationImpl activation, boolean perChannel, Target target,
                        boolean dropSoftmax, WeightRounding weightRounding) {
        this(precision, rescale, activation, perChannel, target, dropSoftmax, weightRounding, WeightBits.INT8);
    }

    /** These options with the weight word lengths {@code bits}. */
    public QuantOptions withWeightBits(WeightBits bits) {
        return new QuantOptions(precision, rescale, activation, perChannel, target, dropSoftmax, weightRounding, bits);
    }

    /**
     * {@code --weight-bits} and {@code --weight-quant}: the word length of each weight group (named
     * "layer/tensor" as {@code mcugen analyze} names them: a Dense or convolution kernel, a recurrent
     * layer's input or recurrent kernel), 2..8; groups not in {@code groups} take {@code otherBits}.
     * Groups below 8 bits are quantized by {@code method} to the narrowed range in their int8 container
     * ({@code dev.mcugen.scale.wordlength.WeightGrid}); 8-bit groups keep the int8 min/max grid.
     */
    public record WeightBits(java.util.Map<String, Integer> groups, int otherBits,
                             dev.mcugen.scale.wordlength.WeightQuant.Method method) {
        /** Every group at 8 bits: the int8 build. */
        public static final WeightBits INT8 = new WeightBits(java.util.Map.of(), 8,
                dev.mcugen.scale.wordlength.WeightQuant.Method.MINMAX);

        public WeightBits {
            groups = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(groups));
            java.util.Objects.requireNonNull(method, "method");
            for (int b : groups.values()) {
                checkBits(b);
            }
            checkBits(otherBits);
        }

        private static void checkBits(int b) {
            if (b < 2 || b > 8) {
                throw new IllegalArgumentException("weight word length " + b + " outside 2..8");
            }
        }

        /** The word length of {@code group}. */
        public int bits(String group) {
            return groups.getOrDefault(group, otherBits);
        }
    }

    /** Options with the default weight rounding ({@link WeightRounding#NEAREST}). */
    public QuantOptions(Precision precision, Rescale rescale, ActivationImpl activation, boolean perChannel, Target target,
                        boolean dropSoftmax) {
        this(precision, rescale, activation, perChannel, target, dropSoftmax, WeightRounding.NEAREST);
    }

    /** Options that keep the softmax. */
    public QuantOptions(Precision precision, Rescale rescale, ActivationImpl activation, boolean perChannel, Target target) {
        this(precision, rescale, activation, perChannel, target, false);
    }

    /** {@code --precision}: int8 or int16 activations (weights stay int8). */
    public enum Precision { INT8, INT16 }

    /** {@code --rescale}: how an effective scale becomes integers. */
    public enum Rescale {
        /** Shift-only on targets without a fast 32x32->64 multiply (cortex-m0), multiplier elsewhere. */
        AUTO,
        /** Every effective scale a power of two: rescaling is a rounding shift (seed 001 / 000 §3.1.2). */
        POT,
        /** TFLite-style (multiplier in [2^30, 2^31), shift). */
        MULTIPLIER
    }

    /**
     * {@code --weight-rounding}: which grid point each Dense / convolution weight takes (the grid, its
     * scales and range are the same either way).
     */
    public enum WeightRounding {
        /** Each weight to its nearest grid point (half away from zero). */
        NEAREST,
        /**
         * Error-compensating rounding over the calibration data's input statistics (Frantar et al.,
         * "GPTQ: Accurate Post-Training Quantization for Generative Pre-trained Transformers"), with
         * the expected remaining error moved into the bias; nearest where calibration has no statistics.
         */
        GPTQ,
        /**
         * GPTQ layer after layer over the inputs the integer layers before produce, each layer's
         * weights and bias fitted to the float model's output (the asymmetric reconstruction of Nagel et
         * al., "Up or Down? Adaptive Rounding for Post-Training Quantization"), so each layer cancels part
         * of the error of those before it; {@link #GPTQ} where the calibration data cannot be replayed.
         */
        SEQUENTIAL
    }

    /** {@code --activation}: int16 sigmoid/tanh implementation. */
    public enum ActivationImpl { LUT, POLY }

    /** {@code --target}. */
    public enum Target {
        HOST(true), CORTEX_M0(false), CORTEX_M3(true), CORTEX_M4(true), CORTEX_M7(true), CORTEX_M33(true),
        CORTEX_M55(true), NEON(true),
        /** The Java twin ({@code --target java}): quantized as for the host, generated as one Java class. */
        JAVA(true);

        private final boolean fastLongMultiply;

        Target(boolean fastLongMultiply) {
            this.fastLongMultiply = fastLongMultiply;
        }

        /** Whether a 32x32->64 multiply is cheap (cortex-m0 has none). */
        public boolean fastLongMultiply() {
            return fastLongMultiply;
        }

        /** The CLI spelling: host, cortex-m0, ..., neon. */
        public String cliName() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    public static QuantOptions defaults(Target target) {
        return new QuantOptions(Precision.INT8, Rescale.AUTO, ActivationImpl.LUT, false, target);
    }

    /** {@code --rescale auto} resolved for the target. */
    public boolean powerOfTwoRescale() {
        return rescale == Rescale.POT || (rescale == Rescale.AUTO && !target.fastLongMultiply());
    }
}
