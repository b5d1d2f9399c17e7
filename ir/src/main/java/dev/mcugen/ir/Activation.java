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
    SOFTMAX("softmax");

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
        return Arrays.stream(values()).filter(a -> a.kerasName.equals(name)).findFirst();
    }

    /** True for activations applied to each element independently (all but softmax). */
    public boolean isElementwise() {
        return this != SOFTMAX;
    }
}
