package dev.mcugen.scale.ff;

import dev.mcugen.ir.quant.Rescale;

/**
 * Effective scales of the feed-forward recipes as integers. An exact power of two becomes shifts
 * ({@link Rescale#pot}); anything else the multiplier form — also under {@code --rescale pot},
 * where the solver makes every tensor scale a power of two so that products and ratios of scales are
 * exact shifts, and only the ops with a constant factor that is not (hard sigmoid's 0.2, an average
 * over a non-power-of-two count with its own scale) need a multiply. Snapping those to a shift would
 * cost up to a factor √2.
 */
final class Rescales {
    private Rescales() {
    }

    static Rescale of(double real) {
        if (!(real > 0) || Double.isInfinite(real)) {
            throw new IllegalArgumentException("effective scale must be positive and finite, not " + real);
        }
        boolean pot = real == Math.scalb(1.0, Math.getExponent(real));
        return Rescale.forReal(real, pot);
    }
}
