package dev.mcugen.scale.recurrent;

import dev.mcugen.ir.Activation;
import dev.mcugen.ir.Diag;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.Node;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.quant.QActivation;
import dev.mcugen.ir.quant.QuantType;
import dev.mcugen.scale.Recipe;

/**
 * The recipes of the recurrent layers: the seed 000 integer LSTM (every Table 2 variant), the GRU
 * (both {@code reset_after} forms) and SimpleRNN built from the same blocks.
 */
public final class RecurrentRecipes {
    private RecurrentRecipes() {
    }

    /** The recipe for a recurrent {@code op}. */
    public static Recipe of(Op op) {
        if (op instanceof Op.Lstm) {
            return new LstmRecipe();
        }
        if (op instanceof Op.Gru) {
            return new GruRecipe();
        }
        if (op instanceof Op.SimpleRnn) {
            return new SimpleRnnRecipe();
        }
        throw new IllegalArgumentException("not a recurrent op: " + op.kind());
    }

    /**
     * Rejects activations the integer cell cannot compute: the candidate/cell activation must be
     * sigmoid, hard_sigmoid, tanh, relu or linear; the recurrent (gate) activation sigmoid or
     * hard_sigmoid, whose outputs in [0, 1] the cell and state updates rely on.
     */
    static void checkActivations(Node node, Activation activation, Activation recurrent) {
        if (!QActivation.supported(activation)) {
            throw new McugenException(Diag.MCG_QUANT_UNSUPPORTED, "layer '" + node.name() + "'",
                    "activation '" + activation.kerasName() + "' has no integer form; use tanh, sigmoid, "
                            + "hard_sigmoid, relu or linear");
        }
        if (recurrent != null && recurrent != Activation.SIGMOID && recurrent != Activation.HARD_SIGMOID) {
            throw new McugenException(Diag.MCG_QUANT_UNSUPPORTED, "layer '" + node.name() + "'",
                    "recurrent activation '" + recurrent.kerasName() + "' has no integer form; use sigmoid or "
                            + "hard_sigmoid");
        }
    }

    /** The layer output and its recurrent state must have the same type (their equal-scale contract). */
    static void checkSameType(String layer, QuantType output, QuantType state) {
        if (output.scale() != state.scale() || output.zeroPoint() != state.zeroPoint()
                || output.bits() != state.bits()) {
            throw new McugenException(Diag.MCG_INTERNAL, "layer '" + layer + "'",
                    "output " + output + " and recurrent state " + state + " differ despite their equal-scale contract");
        }
    }
}
