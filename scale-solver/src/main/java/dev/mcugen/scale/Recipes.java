package dev.mcugen.scale;

import dev.mcugen.ir.Op;
import dev.mcugen.scale.ff.FeedForwardRecipes;
import dev.mcugen.scale.recurrent.RecurrentRecipes;

/**
 * The recipe registry the {@link Quantizer} uses by default: recurrent layers (LSTM, GRU,
 * SimpleRNN) go to {@link RecurrentRecipes}, every other op to {@link FeedForwardRecipes}.
 */
public final class Recipes {
    private Recipes() {
    }

    /** The recipe for {@code op}. */
    public static Recipe of(Op op) {
        if (op instanceof Op.Recurrent r) {
            return RecurrentRecipes.of(r);
        }
        return FeedForwardRecipes.of(op);
    }
}
