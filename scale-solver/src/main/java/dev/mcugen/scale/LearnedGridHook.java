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
        Optional<LearnedGrids.WeightGrid> g = ctx.grids().weight(node.name(), key);
        if (g.isEmpty()) {
            return new double[] {min, max};
        }
        checkPowerOfTwo(ctx.options(), node, g.get());
        double hi = 127 * g.get().maxScale();
        return new double[] {-hi, hi};
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

    /** Under {@code --rescale pot} every scale is a power of two: a learned step must already be one. */
    private static void checkPowerOfTwo(QuantOptions options, Node node, LearnedGrids.WeightGrid g) {
        if (!options.powerOfTwoRescale()) {
            return;
        }
        for (double s : g.scales()) {
            if (s != Math.scalb(1.0, Math.getExponent(s))) {
                throw new McugenException(Diag.MCG_QUANT_LEARNED_GRID, "layer '" + node.name() + "'", "weight '"
                        + g.weight() + "' has the learned step " + s + " (" + g.source() + "), not a power of two, which"
                        + " --rescale pot (the default on cortex-m0) needs: build with --rescale multiplier, or retrain with"
                        + " power-of-two steps (examples/qat/qat.py --power-of-two)");
            }
        }
    }
}
