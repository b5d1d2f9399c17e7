package dev.mcugen.gen;

import dev.mcugen.ir.quant.QDepthwiseConv;
import dev.mcugen.ir.quant.Rescale;
import dev.mcugen.scale.QuantOptions;

/**
 * The packed weights of the int8 depthwise convolution's fast kernel, {@code mcu_depthwise_conv_packed_s8}
 * (runtime-c/include/mcu_nn.h states the layouts): channels in blocks of 4, each block's taps contiguous,
 * every weight doubled (the kernel's accumulator is twice the convolution's, what its requantization
 * reads), as int32 words. {@link #H16} pairs the halfwords the way SXTB16 splits a word of inputs
 * (Cortex-M4/M7/M33/M55), {@link #W32} keeps one weight per word (Cortex-M3, no DSP).
 */
public enum DepthwisePacking {
    /** Two words per tap: {@code (2 w_c0 | 2 w_c2 << 16)}, {@code (2 w_c1 | 2 w_c3 << 16)}. */
    H16("MCU_DW_PACKED_H16", 2),
    /** Four words per tap: {@code 2 w_c0, 2 w_c1, 2 w_c2, 2 w_c3}. */
    W32("MCU_DW_PACKED_W32", 4);

    /** The largest right shift the kernel's output stage takes (adding {@code zp 2^right} stays in int32). */
    static final int MAX_RIGHT_SHIFT = 22;

    private final String cName;
    private final int wordsPerTap;

    DepthwisePacking(String cName, int wordsPerTap) {
        this.cName = cName;
        this.wordsPerTap = wordsPerTap;
    }

    /** The C macro of the layout. */
    public String cName() {
        return cName;
    }

    /**
     * The packing the fast kernel reads on {@code target}, or null when the layer keeps
     * {@code mcu_depthwise_conv_s8}: the kernel needs depth multiplier 1, int8 input and output, every
     * accumulator below 2^30 in magnitude (it doubles them) and every rescale of the multiplier form
     * with a right shift in [1, {@value #MAX_RIGHT_SHIFT}] (one per channel). NEON and Cortex-M0 keep
     * the generic kernel.
     */
    public static DepthwisePacking forLayer(QuantOptions.Target target, QDepthwiseConv c, boolean int8) {
        DepthwisePacking p = switch (target) {
            case CORTEX_M4, CORTEX_M7, CORTEX_M33, CORTEX_M55, HOST -> H16;
            case CORTEX_M3 -> W32;
            default -> null;
        };
        if (p == null || !int8 || c.multiplier() != 1 || c.accShift() != 0) {
            return null;
        }
        for (Rescale r : c.rescale()) {
            if (r.powerOfTwo() || r.multiplier() <= 0 || r.shift() > -1 || r.shift() < -MAX_RIGHT_SHIFT) {
                return null;
            }
        }
        int taps = c.kernelH() * c.kernelW();
        return WeightLayout.accumulatorBelow30(c.bias(), c.weights(), taps, c.channels()) ? p : null;
    }

    /**
     * The int32 words of the packed layer: per block of 4 channels the 4 doubled biases, the taps' doubled
     * weights, then per lane pair (0, 1) and (2, 3) the two rescale multipliers M, the two addends
     * {@code 2^(right-1) + zp_y 2^right} and the two right shifts (zeros pad the last block).
     */
    public int[] pack(QDepthwiseConv c) {
        int channels = c.channels();
        int taps = c.kernelH() * c.kernelW();
        int blocks = (channels + 3) / 4;
        int blockWords = 16 + taps * wordsPerTap;
        int zp = c.outputType().zeroPoint();
        int[] out = new int[blocks * blockWords];
        for (int b = 0; b < blocks; b++) {
            int at = b * blockWords;
            for (int k = 0; k < 4; k++) {
                int ch = 4 * b + k;
                out[at + k] = ch < channels ? Math.toIntExact(2 * c.bias().get(ch)) : 0;
                int q = at + 4 + taps * wordsPerTap + 6 * (k >> 1) + (k & 1);
                if (ch < channels) {
                    Rescale r = c.rescaleOf(ch);
                    int right = -r.shift();
                    out[q] = r.multiplier();
                    out[q + 2] = Math.toIntExact((1L << (right - 1)) + (long) zp * (1L << right));
                    out[q + 4] = right;
                }
            }
            for (int t = 0; t < taps; t++) {
                int[] w2 = new int[4];
                for (int k = 0; k < 4; k++) {
                    int ch = 4 * b + k;
                    w2[k] = ch < channels ? 2 * (int) c.weights().get(t * channels + ch) : 0;
                }
                int tw = at + 4 + t * wordsPerTap;
                if (this == H16) {
                    out[tw] = (w2[0] & 0xFFFF) | (w2[2] << 16);
                    out[tw + 1] = (w2[1] & 0xFFFF) | (w2[3] << 16);
                } else {
                    System.arraycopy(w2, 0, out, tw, 4);
                }
            }
        }
        return out;
    }
}
