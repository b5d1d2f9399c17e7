package dev.mcugen.scale.recurrent;

import dev.mcugen.ir.interp.RecurrentInternals;

/**
 * The tensor names the recurrent recipes declare: the layer's calibrated internals
 * ({@code layer/forget_gate_pre}, as {@link RecurrentInternals} names them) and its weight pieces
 * under seed 000 Table 2's row names: {@code layer/W_f}, {@code layer/R_f}, {@code layer/b_f},
 * {@code layer/P_f}, {@code layer/L_f}, {@code layer/W_proj}, {@code layer/b_proj} (LSTM gates
 * i, f, z, o with z the candidate, Keras "c"); GRU {@code W_z, W_r, W_h, R_*, b_z, b_r, b_h} and,
 * for reset_after, {@code b_h_in, b_h_rec}; SimpleRNN {@code W, R, b}.
 */
final class Names {
    private Names() {
    }

    /** The weight group of weight {@code weight} of {@code node}, "layer/weight" (as {@code mcugen analyze} names it). */
    static String group(dev.mcugen.ir.Node node, String weight) {
        return node.name() + "/" + weight;
    }

    static String of(String layer, String part) {
        return RecurrentInternals.tensorName(layer, part);
    }
}
