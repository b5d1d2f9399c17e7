package dev.mcugen.scale.ff;

import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.quant.IntTensor;
import dev.mcugen.scale.QuantOptions;
import dev.mcugen.scale.wordlength.WeightGrid;

/**
 * Dense / convolution / depthwise kernels of a weight group narrower than 8 bits ({@code --weight-bits}):
 * the steps (per tensor: the solved scale of the declared grid, {@link WeightGrid#declaredMaxAbs}; per
 * output channel: each column's own grid by {@link WeightGrid#choose}), the integer levels, held in int8,
 * and the declared width the generator packs on.
 */
final class NarrowWeights {
    private NarrowWeights() {
    }

    /**
     * The step of each output channel (the last axis of {@code w}): {@code solved} for every channel per
     * tensor; per channel each column's grid, widened so that the quantized bias stays within
     * {@link WeightQuantizer#BIAS_LIMIT} (as {@link WeightQuantizer#channelScales} does).
     */
    static double[] steps(String group, FloatTensor w, boolean perChannel, QuantOptions options, double solved,
                          FloatTensor bias, double inputScale) {
        int c = w.shape().last();
        if (!perChannel) {
            return WeightQuantizer.uniform(solved, c);
        }
        int rows = w.size() / c;
        double[] s = new double[c];
        for (int k = 0; k < c; k++) {
            float[] col = new float[rows];
            for (int r = 0; r < rows; r++) {
                col[r] = w.get(r * c + k);
            }
            double step = WeightGrid.choose(group, col, options).step();
            if (bias != null) {
                double need = Math.abs(bias.get(k)) / (WeightQuantizer.BIAS_LIMIT * inputScale);
                if (need > step) {
                    step = options.powerOfTwoRescale()
                            ? dev.mcugen.scale.ScaleRules.symmetric(8, -127 * need, 127 * need, true).scale() : need;
                }
            }
            s[k] = step;
        }
        return s;
    }

    /** The level of each weight on {@code grid}'s levels with its channel's step ({@code steps[i % steps.length]}). */
    static int[] levels(FloatTensor w, double[] steps, WeightGrid grid) {
        int c = steps.length;
        WeightGrid[] g = new WeightGrid[c];
        for (int k = 0; k < c; k++) {
            g[k] = new WeightGrid(grid.bits(), grid.method(), steps[k]);
        }
        int[] q = new int[w.size()];
        for (int i = 0; i < q.length; i++) {
            q[i] = g[i % c].level(w.get(i));
        }
        return q;
    }

    /** {@code t} with {@code grid}'s declared width, or {@code t} itself for an 8-bit group (null grid). */
    static IntTensor declare(IntTensor t, WeightGrid grid) {
        return grid == null ? t : t.withDeclaredBits(grid.bits(), grid.odd());
    }
}
