package dev.mcugen.scale.ff;

import dev.mcugen.ir.calib.TensorRange;
import dev.mcugen.scale.Contract;
import dev.mcugen.scale.ContractSystem;
import dev.mcugen.scale.QuantOptions;
import dev.mcugen.scale.RecipeContext;
import dev.mcugen.scale.TensorSpec;

/**
 * The tensor declarations the feed-forward recipes share: activations by {@code --precision}
 * (int8 asymmetric or int16 symmetric, DESIGN §4), tensors under an equal-scale contract with the
 * width and symmetry of the tensor they equal (so the solver can join them), weights and biases
 * symmetric with their actual range.
 */
final class Specs {
    private Specs() {
    }

    /** Width of activations under {@code options}. */
    static int activationBits(QuantOptions options) {
        return options.precision() == QuantOptions.Precision.INT16 ? 16 : 8;
    }

    static TensorSpec.Symmetry activationSymmetry(QuantOptions options) {
        return options.precision() == QuantOptions.Precision.INT16
                ? TensorSpec.Symmetry.SYMMETRIC : TensorSpec.Symmetry.ASYMMETRIC;
    }

    /**
     * Makes sure {@code tensor} (a node's input) is declared: producers declare their outputs, so
     * only model inputs can be missing; they are declared as activations with their calibrated range.
     */
    static TensorSpec input(RecipeContext ctx, String tensor) {
        TensorSpec s = ctx.system().tensors().get(tensor);
        if (s == null) {
            TensorRange r = ctx.range(tensor);
            s = new TensorSpec(tensor, activationBits(ctx.options()), activationSymmetry(ctx.options()), r.min(), r.max());
            ctx.system().tensor(s);
            ctx.system().add(new Contract.Coverage(tensor, r.min(), r.max()));
        }
        return s;
    }

    /** Declares the activation {@code tensor} with its calibrated range and a coverage contract. */
    static void activation(RecipeContext ctx, String tensor) {
        TensorRange r = ctx.range(tensor);
        declare(ctx.system(), new TensorSpec(tensor, activationBits(ctx.options()), activationSymmetry(ctx.options()),
                r.min(), r.max()), true);
    }

    /**
     * Declares {@code tensor} like {@code like} (width and symmetry) with its calibrated range and a
     * coverage contract, for the output of an equal-scale op.
     */
    static void like(RecipeContext ctx, String tensor, TensorSpec like) {
        TensorRange r = ctx.range(tensor);
        declare(ctx.system(), new TensorSpec(tensor, like.bits(), like.symmetry(), r.min(), r.max()), true);
    }

    private static void declare(ContractSystem system, TensorSpec spec, boolean coverage) {
        system.tensor(spec);
        if (coverage) {
            system.add(new Contract.Coverage(spec.name(), spec.min(), spec.max()));
        }
    }

    /** A symmetric tensor of {@code bits} holding exactly the values {@code v} (weights, biases). */
    static TensorSpec constant(String tensor, int bits, float[] v) {
        double lo = 0;
        double hi = 0;
        for (float x : v) {
            lo = Math.min(lo, x);
            hi = Math.max(hi, x);
        }
        return new TensorSpec(tensor, bits, TensorSpec.Symmetry.SYMMETRIC, lo, hi);
    }
}
