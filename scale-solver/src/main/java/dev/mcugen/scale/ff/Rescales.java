package dev.mcugen.scale.ff;

import dev.mcugen.ir.quant.Rescale;
import dev.mcugen.scale.EffectiveScale;
import dev.mcugen.scale.LoweringContext;

/**
 * Effective scales of the feed-forward recipes as integers: {@link LoweringContext#rescale} fixes
 * the form under the options ({@link EffectiveScale#of}: a shift when the factor is a power of two —
 * which the solver makes every ratio of scales under {@code --rescale pot} — else the TFLite
 * multiplier) and records it for the report; this turns it into the IR's {@link Rescale}. The
 * recipes keep constant factors that are not powers of two out of rescales where pot mode would
 * snap them: hard sigmoid's 0.2 is an integer gain, an average over a non-power-of-two count an
 * integer division.
 */
final class Rescales {
    private Rescales() {
    }

    /** The rescale of {@code real} for {@code layer}, recorded under {@code name}. */
    static Rescale of(LoweringContext ctx, String layer, String name, double real) {
        EffectiveScale e = ctx.rescale(layer, name, real);
        return new Rescale(e.shiftOnly(), e.multiplier(), e.shift());
    }
}
