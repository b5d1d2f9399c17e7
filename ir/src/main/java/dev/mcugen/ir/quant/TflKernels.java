package dev.mcugen.ir.quant;

import dev.mcugen.ir.ShapeInference;

/**
 * The simulator's kernels for the integer ops that only TFLite files bring: {@link QConv16x8},
 * {@link QDepthwise16x8}, {@link QStridedSlice}, {@link QTflMean} and {@link QTflMeanSteps}. Each runs one sample exactly as its record's Javadoc states and the C does.
 */
public final class TflKernels {
    private TflKernels() {
    }

    static boolean handles(QNode node) {
        return node instanceof QConv16x8 || node instanceof QStridedSlice || node instanceof QTflMean
                || node instanceof QDepthwise16x8 || node instanceof QTflMeanSteps;
    }

    static int[] run(QNode node, int[] x) {
        if (node instanceof QConv16x8 c) {
            return conv16x8(c, x);
        }
        if (node instanceof QTflMean mean) {
            return mean(mean, x);
        }
        if (node instanceof QDepthwise16x8 d) {
            return depthwise16x8(d, x);
        }
        if (node instanceof QTflMeanSteps m) {
            return meanSteps(m, x);
        }
        return stridedSlice((QStridedSlice) node, x);
    }

    /**
     * TFLite's {@code MultiplyByQuantizedMultiplier} for an int64 value (16x8 layers): the Q0.31
     * multiplier {@code m} is rounded to 16 bits, {@code m16 = m < 0x7FFF0000 ? (m + 2^15) >> 16 : 0x7FFF},
     * then {@code (x · m16 + 2^(14 - e)) >> (15 - e)}, one rounding to nearest with ties toward
     * positive infinity (an arithmetic shift floors). {@code e <= 7}; {@code |x| < 2^47} so the product
     * fits int64. The result must fit int32 (the caller's accumulator bound); otherwise this throws.
     */
    public static int requant64(long x, int multiplier, int shift) {
        if (shift > 7 || shift < -31) {
            throw new IllegalArgumentException("shift " + shift + " outside [-31, 7]");
        }
        if (x < -(1L << 47) || x >= 1L << 47) {
            throw new IllegalStateException("accumulator " + x + " outside [-2^47, 2^47)");
        }
        long reduced = multiplier < 0x7FFF0000 ? (multiplier + (1L << 15)) >> 16 : 0x7FFF;
        int total = 15 - shift;
        long result = (x * reduced + (1L << (total - 1))) >> total;
        if (result != (int) result) {
            throw new IllegalStateException("requantized " + x + " overflows int32");
        }
        return (int) result;
    }

    static int[] conv16x8(QConv16x8 cv, int[] x) {
        int h = cv.inputShape().dim(0);
        int wd = cv.inputShape().dim(1);
        int c = cv.channels();
        int f = cv.filters();
        if (h * wd * c != x.length) {
            throw new IllegalArgumentException(cv.name() + ": input of " + x.length + " values does not fit " + cv.inputShape());
        }
        int kh = cv.kernelH();
        int kw = cv.kernelW();
        int oh = cv.outputShape().dim(0);
        int ow = cv.outputShape().dim(1);
        int padTop = ShapeInference.padBefore(h, oh, kh, cv.strideH(), cv.dilationH(), cv.padding());
        int padLeft = ShapeInference.padBefore(wd, ow, kw, cv.strideW(), cv.dilationW(), cv.padding());
        IntTensor w = cv.weights();
        long[] b = cv.bias().toArray();
        int zp = cv.outputType().zeroPoint();
        int[] y = new int[oh * ow * f];
        long[] acc = new long[f];
        for (int oy = 0; oy < oh; oy++) {
            for (int ox = 0; ox < ow; ox++) {
                java.util.Arrays.fill(acc, 0);
                for (int r = 0; r < kh; r++) {
                    int iy = oy * cv.strideH() - padTop + r * cv.dilationH();
                    for (int q = 0; q < kw; q++) {
                        int ix = ox * cv.strideW() - padLeft + q * cv.dilationW();
                        if (iy < 0 || iy >= h || ix < 0 || ix >= wd) {
                            continue;
                        }
                        int xOff = (iy * wd + ix) * c;
                        int wOff = (r * kw + q) * c * f;
                        for (int ch = 0; ch < c; ch++) {
                            long xv = x[xOff + ch];
                            int wRow = wOff + ch * f;
                            for (int o = 0; o < f; o++) {
                                acc[o] += xv * w.get(wRow + o);
                            }
                        }
                    }
                }
                int yOff = (oy * ow + ox) * f;
                for (int o = 0; o < f; o++) {
                    Rescale rs = cv.rescaleOf(o);
                    int v = requant64(acc[o] + b[o], rs.multiplier(), rs.shift());
                    y[yOff + o] = FeedForwardKernels.addZeroPointClamp(v, zp, cv.actMin(), cv.actMax());
                }
            }
        }
        return y;
    }

    static int[] stridedSlice(QStridedSlice s, int[] x) {
        int rank = s.inputShape().rank();
        int[] in = s.inputShape().toArray();
        int[] out = s.outputShape().toArray();
        int[] inStride = new int[rank];
        int acc = 1;
        for (int a = rank - 1; a >= 0; a--) {
            inStride[a] = acc;
            acc *= in[a];
        }
        int total = s.outputShape().size();
        int[] y = new int[total];
        int[] idx = new int[rank];
        for (int i = 0; i < total; i++) {
            int src = 0;
            for (int a = 0; a < rank; a++) {
                src += (s.begin().get(a) + idx[a] * s.stride().get(a)) * inStride[a];
            }
            y[i] = x[src];
            for (int a = rank - 1; a >= 0; a--) {
                if (++idx[a] < out[a]) {
                    break;
                }
                idx[a] = 0;
            }
        }
        return y;
    }

    /** {@link QTflMean}: per channel, the sum over height and width, then its Javadoc's rounding. */
    static int[] mean(QTflMean m, int[] x) {
        int c = m.inputShape().dim(2);
        int n = m.count();
        QuantType t = m.outputType();
        int lo = QuantType.fullMin(t.bits());
        int hi = QuantType.fullMax(t.bits());
        int[] y = new int[c];
        for (int ch = 0; ch < c; ch++) {
            int acc = 0;
            for (int p = 0; p < n; p++) {
                acc += m.rounded() ? x[p * c + ch] - m.inputZeroPoint() : x[p * c + ch];
            }
            if (m.rounded()) {
                long a = m.rescale().apply(acc);
                // TFLite: (acc ± n/2) / n, C division truncating toward zero (Java's / does the same);
                // in 64 bits, so no sum near the int32 limits wraps
                a = a > 0 ? (a + n / 2) / n : (a - n / 2) / n;
                y[ch] = (int) Math.max(lo, Math.min(hi, a + t.zeroPoint()));
            } else {
                y[ch] = acc / n;
            }
        }
        return y;
    }

    /** {@link QDepthwise16x8}: int64 sums per output channel, TFLite's int64 requantization, the clamp. */
    static int[] depthwise16x8(QDepthwise16x8 d, int[] x) {
        int h = d.inputShape().dim(0);
        int wd = d.inputShape().dim(1);
        int c = d.channels();
        int mult = d.multiplier();
        int out = c * mult;
        if (h * wd * c != x.length) {
            throw new IllegalArgumentException(d.name() + ": input of " + x.length + " values does not fit " + d.inputShape());
        }
        int oh = d.outputShape().dim(0);
        int ow = d.outputShape().dim(1);
        int padTop = ShapeInference.padBefore(h, oh, d.kernelH(), d.strideH(), d.dilationH(), d.padding());
        int padLeft = ShapeInference.padBefore(wd, ow, d.kernelW(), d.strideW(), d.dilationW(), d.padding());
        IntTensor w = d.weights();
        long[] b = d.bias().toArray();
        int[] y = new int[oh * ow * out];
        for (int oy = 0; oy < oh; oy++) {
            for (int ox = 0; ox < ow; ox++) {
                for (int o = 0; o < out; o++) {
                    int ch = o / mult;
                    long acc = 0;
                    for (int r = 0; r < d.kernelH(); r++) {
                        int iy = oy * d.strideH() - padTop + r * d.dilationH();
                        for (int q = 0; q < d.kernelW(); q++) {
                            int ix = ox * d.strideW() - padLeft + q * d.dilationW();
                            if (iy < 0 || iy >= h || ix < 0 || ix >= wd) {
                                continue;
                            }
                            acc += (long) x[(iy * wd + ix) * c + ch] * w.get((r * d.kernelW() + q) * out + o);
                        }
                    }
                    Rescale rs = d.rescaleOf(o);
                    int v = requant64(acc + b[o], rs.multiplier(), rs.shift());
                    y[(oy * ow + ox) * out + o] = Math.max(d.actMin(), Math.min(d.actMax(), v));
                }
            }
        }
        return y;
    }

    /** {@link QTflMeanSteps}: per channel the raw sum, then the number of steps it reaches (binary search). */
    static int[] meanSteps(QTflMeanSteps m, int[] x) {
        int c = m.inputShape().dim(2);
        int n = m.count();
        int[] y = new int[c];
        for (int ch = 0; ch < c; ch++) {
            int sum = 0;
            for (int p = 0; p < n; p++) {
                sum += x[p * c + ch];
            }
            y[ch] = m.outputType().qmin() + stepsReached(m.steps(), sum);
        }
        return y;
    }

    /** The number of the non-decreasing {@code steps} at or below {@code sum}. */
    public static int stepsReached(IntTensor steps, int sum) {
        int lo = 0;
        int hi = steps.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (steps.get(mid) <= sum) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
