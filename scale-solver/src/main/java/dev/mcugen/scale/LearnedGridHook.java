package dev.mcugen.scale;

import dev.mcugen.ir.Diag;
import dev.mcugen.ir.LearnedGrids;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.Node;
import java.util.Optional;

/**
 * Where a weight's step is chosen, a grid the model file states ({@link LearnedGrids.WeightGrid}: the steps
 * quantization-aware training learned) comes first, so the integers mcugen stores are the trained ones. The
 * file's integers are {@code q} with {@code |q| <= 127} and its weights are exactly {@code q * s} (float32), so
 * a symmetric int8 tensor of scale {@code s} rounds every weight back to its {@code q}
 * ({@code round(q s / s) = q}, half away from zero, as {@code QuantType#quantize} rounds); the solver is given
 * the range {@code ±127 s}, whose narrow-range int8 type has scale {@code s} (to the last bit of a double
 * division, far from moving any {@code q}).
 */
public final class LearnedGridHook {
    private LearnedGridHook() {
    }

    /**
     * The range to declare for {@code layer}'s weight {@code key} of values {@code [min, max]}: {@code ±127 s}
     * under a learned per-tensor step {@code s} (the largest step of per-channel steps, which the layer then
     * applies per channel), else {@code [min, max]} itself.
     */
    public static double[] range(RecipeContext ctx, Node node, String key, double min, double max) {
        return range(ctx, node.name() + "/" + key, min, max);
    }

    /** {@link #range(RecipeContext, Node, String, double, double)} of weight group {@code group}, "layer/weight". */
    public static double[] range(RecipeContext ctx, String group, double min, double max) {
        return learnedRange(ctx, group).orElse(new double[] {min, max});
    }

    /** The range {@code ±127 s} to declare for weight group {@code group} ("layer/weight") if the file states its grid. */
    public static Optional<double[]> learnedRange(RecipeContext ctx, String group) {
        Optional<LearnedGrids.WeightGrid> g = find(ctx.grids(), group);
        if (g.isEmpty()) {
            return Optional.empty();
        }
        checkPowerOfTwo(ctx.options(), g.get());
        double hi = 127 * g.get().maxScale();
        return Optional.of(new double[] {-hi, hi});
    }

    /**
     * The per-output-channel steps of {@code layer}'s weight {@code key} ({@code channels} of them) if the file
     * states a grid: its one step repeated, or its per-channel steps (which a layer quantized per tensor cannot
     * keep: refused, {@link Diag#MCG_QUANT_LEARNED_GRID}).
     */
    public static Optional<double[]> channelScales(LoweringContext ctx, Node node, String key, boolean perChannel,
                                                   int channels) {
        Optional<LearnedGrids.WeightGrid> found = ctx.grids().weight(node.name(), key);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        LearnedGrids.WeightGrid g = found.get();
        if (g.perChannel() && !perChannel) {
            throw new McugenException(Diag.MCG_QUANT_LEARNED_GRID, "layer '" + node.name() + "'", "weight '" + key
                    + "' was trained with one step per output channel (" + g.source() + "), which a layer quantized per"
                    + " tensor cannot keep: build with --per-channel (a softmax output layer is always per tensor)");
        }
        if (g.perChannel() && g.scales().size() != channels) {
            throw new McugenException(Diag.MCG_QUANT_LEARNED_GRID, "layer '" + node.name() + "'", "weight '" + key
                    + "' has " + g.scales().size() + " learned steps for " + channels + " output channels");
        }
        double[] s = new double[channels];
        for (int c = 0; c < channels; c++) {
            s[c] = g.scales().get(g.perChannel() ? c : 0);
        }
        return Optional.of(s);
    }

    /**
     * The narrowed grid ({@code --weight-bits}'s {@link dev.mcugen.scale.wordlength.WeightGrid}, which the C
     * packs at its width) of {@code node}'s weight {@code key}: from the learned grid when the file states one
     * (its word length and largest step; null when it needs 8 bits: the int8 grid at the learned step), else
     * {@code otherwise} (the {@code --weight-bits} choice). A learned grid comes first.
     */
    public static dev.mcugen.scale.wordlength.WeightGrid narrow(LearnedGrids grids, Node node, String key,
            java.util.function.Supplier<dev.mcugen.scale.wordlength.WeightGrid> otherwise) {
        return narrow(grids, node.name() + "/" + key, otherwise);
    }

    /** {@link #narrow(LearnedGrids, Node, String, java.util.function.Supplier)} of weight group "layer/weight". */
    public static dev.mcugen.scale.wordlength.WeightGrid narrow(LearnedGrids grids, String group,
            java.util.function.Supplier<dev.mcugen.scale.wordlength.WeightGrid> otherwise) {
        Optional<LearnedGrids.WeightGrid> g = find(grids, group);
        if (g.isEmpty()) {
            return otherwise.get();
        }
        return g.get().bits() >= 8 ? null : new dev.mcugen.scale.wordlength.WeightGrid(g.get().bits(),
                dev.mcugen.scale.wordlength.WeightQuant.Method.L2, g.get().maxScale());
    }

    /** Whether the file states a grid for {@code node}'s weight {@code key} (its integers are then the trained ones). */
    public static boolean learned(LearnedGrids grids, Node node, String key) {
        return grids.weight(node.name(), key).isPresent();
    }

    /** The grid of weight group {@code group}, "layer/weight" (IR layer names hold no '/'). */
    private static Optional<LearnedGrids.WeightGrid> find(LearnedGrids grids, String group) {
        int slash = group.lastIndexOf('/');
        return slash < 0 ? Optional.empty() : grids.weight(group.substring(0, slash), group.substring(slash + 1));
    }

    /** Under {@code --rescale pot} every scale is a power of two: a learned step must already be one. */
    private static void checkPowerOfTwo(QuantOptions options, LearnedGrids.WeightGrid g) {
        if (!options.powerOfTwoRescale()) {
            return;
        }
        for (double s : g.scales()) {
            if (s != Math.scalb(1.0, Math.getExponent(s))) {
                throw new McugenException(Diag.MCG_QUANT_LEARNED_GRID, "layer '" + g.layer() + "'", "weight '"
                        + g.weight() + "' has the learned step " + s + " (" + g.source() + "), not a power of two, which"
                        + " --rescale pot (the default on cortex-m0) needs: build with --rescale multiplier, or retrain with"
                        + " power-of-two steps (examples/qat/qat.py --power-of-two)");
            }
        }
    }
}
