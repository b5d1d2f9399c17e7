package dev.mcugen.ir;

import java.util.Arrays;
import java.util.Optional;

/** Element-wise activations the IR knows, under their Keras / TF.js names. */
public enum Activation {
    LINEAR("linear"),
    RELU("relu"),
    /** min(max(x, 0), 6). */
    RELU6("relu6"),
    /** 1 / (1 + exp(-x)). */
    SIGMOID("sigmoid"),
    /** The TF.js / Keras 2 form: clip(0.2 x + 0.5, 0, 1). */
    HARD_SIGMOID("hard_sigmoid"),
    TANH("tanh"),
    /** Softmax over the last axis. */
    SOFTMAX("softmax"),
    /** x for x > 0, else exp(x) - 1 (the Keras / TF.js activation, alpha 1). */
    ELU("elu"),
    /** Swish / SiLU: x · sigmoid(x) (Keras and TF.js "swish", Keras 3 also "silu"). */
    SWISH("swish"),
    /** Hard swish: x · relu6(x + 3) / 6 (Keras 3 "hard_swish" / "hard_silu", PyTorch Hardswish). */
    HARD_SWISH("hard_swish"),
    /** The Keras 3 / PyTorch hard sigmoid relu6(x + 3) / 6 (Keras 3 files call it "hard_sigmoid"). */
    HARD_SIGMOID6("hard_sigmoid6"),
    /** Keras 3 "leaky_relu": x for x >= 0, else 0.2 x (its default negative slope). */
    LEAKY_RELU("leaky_relu");

    /** The negative slope of {@link #LEAKY_RELU} as a fused activation (Keras 3's default). */
    public static final float LEAKY_RELU_SLOPE = 0.2f;

    private final String kerasName;

    Activation(String kerasName) {
        this.kerasName = kerasName;
    }

    /** The name Keras and TF.js write in a model's config, also used by mcugen graph JSON. */
    public String kerasName() {
        return kerasName;
    }

    /** Looks up a Keras / TF.js activation name; {@code null} means linear as in Keras. */
    public static Optional<Activation> fromKerasName(String name) {
        if (name == null) {
            return Optional.of(LINEAR);
        }
        switch (name) {
            case "silu":
                return Optional.of(SWISH);
            case "hard_silu":
                return Optional.of(HARD_SWISH);
            default:
                return Arrays.stream(values()).filter(a -> a.kerasName.equals(name)).findFirst();
        }
    }

    /** True for activations applied to each element independently (all but softmax). */
    public boolean isElementwise() {
        return this != SOFTMAX;
    }
}
