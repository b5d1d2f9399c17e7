package dev.mcugen.ir.quant;

import dev.mcugen.ir.Padding;
import dev.mcugen.ir.PoolKind;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.ShapeInference;
import dev.mcugen.ir.fixed.FixedPoint;
import dev.mcugen.ir.fixed.Int16Activation;

import java.util.List;

/**
 * The fixed-point simulator's kernels for the feed-forward integer ops: each runs one record on
 * one sample ({@code int[]} tensors, row-major, no batch dimension) with exactly the integer
 * operations its Javadoc states and the C performs. Summation order never matters (integer sums
 * are exact, and the recipes prove they cannot overflow); where a proof is broken the kernel throws
 * {@link IllegalStateException} instead of wrapping around, so a bug cannot pass unnoticed.
 */
public final class FeedForwardKernels {
    private FeedForwardKernels() {
    }

    /** Runs {@code node} on its inputs (in the order of {@link QNode#inputs()}); returns its output. */
    public static int[] run(QNode node, List<int[]> inputs) {
        if (inputs.size() != node.inputs().size()) {
            throw new IllegalArgumentException(node.name() + ": " + inputs.size() + " inputs for " + node.inputs());
        }
        if (node instanceof QFullyConnected fc) {
            return fullyConnected(fc, inputs.get(0));
        }
        if (node instanceof QConv c) {
            return conv(c, inputs.get(0));
        }
        if (node instanceof QDepthwiseConv d) {
            return DepthwiseKernels.depthwiseConv(d, inputs.get(0));
        }
        if (node instanceof QPool p) {
            return pool(p, inputs.get(0));
        }
        if (node instanceof QGlobalPool g) {
            return globalPool(g, inputs.get(0));
        }
        if (node instanceof QAdd a) {
            return add(a, inputs);
        }
        if (node instanceof QConcat c) {
            return concat(c, inputs);
        }
        if (node instanceof QElementwise e) {
            return ElementwiseKernels.run(e, inputs);
        }
        if (node instanceof QReshape) {
            return inputs.get(0).clone();
        }
        if (node instanceof QReverse r) {
            return dev.mcugen.ir.Reversal.apply(inputs.get(0), r.outputShape(), r.axis());
        }
        if (TflKernels.handles(node)) {
            return TflKernels.run(node, inputs.get(0));
        }
        if (MovementKernels.handles(node)) {
            return MovementKernels.run(node, inputs.get(0));
        }
        if (node instanceof QRequant r) {
            return requant(r, inputs.get(0));
        }
        if (node instanceof QChannelAffine a) {
            return channelAffine(a, inputs.get(0));
        }
        if (node instanceof QLayerNormalization ln) {
            return NormKernels.layerNorm(ln, inputs.get(0));
        }
        if (node instanceof QEmbedding e) {
            return NormKernels.embedding(e, inputs.get(0));
        }
        if (node instanceof QLogistic l) {
            return logistic(l, inputs.get(0));
        }
        if (node instanceof QSoftmax s) {
            return softmax(s, inputs.get(0));
        }
        if (node instanceof QLut l) {
            return ActivationKernels.lut(l, inputs.get(0));
        }
        if (node instanceof QPRelu p) {
            return ActivationKernels.prelu(p, inputs.get(0));
        }
        throw new IllegalArgumentException(node.name() + ": no feed-forward kernel for " + node.getClass().getSimpleName());
    }

    // ---------------------------------------------------------------------------------------------
    // Shared integer steps

    /**
     * {@code clamp(r + zp, lo, hi)} without overflow: C form
     * {@code r > hi - zp ? hi : r < lo - zp ? lo : r + zp} ({@code lo - zp} and {@code hi - zp} are
     * compile-time constants within int32).
     */
    public static int addZeroPointClamp(int r, int zp, int lo, int hi) {
        long sum = (long) r + zp;
        return sum > hi ? hi : sum < lo ? lo : (int) sum;
    }

    /**
     * Rounding divide of an int64 by {@code 2^e}, ties away from zero, {@code 0 <= e <= 62}: the same
     * formula as {@link FixedPoint#rdivpot} on 64 bits ({@code mask = 2^e - 1},
     * {@code threshold = (mask >> 1) + (x < 0)}, {@code floor(x / 2^e) + (x & mask > threshold)},
     * the floor in C as {@code x >= 0 ? x >> e : ~(~x >> e)}).
     */
    public static long rdivpot64(long x, int e) {
        if (e < 0 || e > 62) {
            throw new IllegalArgumentException("exponent " + e + " outside [0, 62]");
        }
        long mask = (1L << e) - 1;
        long remainder = x & mask;
        long threshold = (mask >> 1) + (x < 0 ? 1 : 0);
        long floor = x >= 0 ? x >> e : ~(~x >> e);
        return floor + (remainder > threshold ? 1 : 0);
    }

    /**
     * Division rounded to nearest, ties away from zero, for {@code n > 0}: C form
     * {@code (s >= 0 ? s + n / 2 : s - n / 2) / n} with C99's truncating division.
     */
    public static int divRound(int s, int n) {
        return (s >= 0 ? s + n / 2 : s - n / 2) / n;
    }

    /** The int32 accumulator after the optional int64 pre-shift; throws if a proof was wrong. */
    static int narrow(String who, long acc, int accShift) {
        long v = accShift > 0 ? rdivpot64(acc, accShift) : acc;
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new IllegalStateException(who + ": accumulator " + acc + " overflows int32 despite its bound");
        }
        return (int) v;
    }

    // ---------------------------------------------------------------------------------------------
    // Kernels

    static int[] fullyConnected(QFullyConnected fc, int[] x) {
        int in = fc.inputSize();
        int units = fc.units();
        IntTensor w = fc.weights();
        long[] b = fc.bias().toArray();
        int rows = x.length / in;
        if (rows * in != x.length) {
            throw new IllegalArgumentException(fc.name() + ": input of " + x.length + " values is not rows of " + in);
        }
        QuantType t = fc.outputType();
        int[] y = new int[rows * units];
        long[] acc = new long[units];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(b, 0, acc, 0, units);
            for (int i = 0; i < in; i++) {
                long xv = x[r * in + i];
                int wRow = i * units;
                for (int o = 0; o < units; o++) {
                    acc[o] += xv * w.get(wRow + o);
                }
            }
            for (int o = 0; o < units; o++) {
                int a = narrow(fc.name(), acc[o], fc.accShift());
                y[r * units + o] = addZeroPointClamp(fc.rescaleOf(o).apply(a), t.zeroPoint(), fc.actMin(), fc.actMax());
            }
        }
        return y;
    }

    /** Output length along one spatial axis as TensorFlow: VALID ceil((n - span + 1) / s), SAME ceil(n / s). */
    static int outLength(int n, int kernel, int stride, int dilation, Padding padding) {
        int span = (kernel - 1) * dilation + 1;
        int valid = padding == Padding.VALID ? n - span + 1 : n;
        return valid <= 0 ? 0 : (valid + stride - 1) / stride;
    }

    /** [H, W] of a [T, C] (H = 1, T from the data) or [H, W, C] input. */
    static int[] spatial(Shape inputShape, int length) {
        int c = inputShape.last();
        if (inputShape.rank() == 2) {
            return new int[] {1, length / c};
        }
        return new int[] {inputShape.dim(0), inputShape.dim(1)};
    }

    static int[] conv(QConv cv, int[] x) {
        int c = cv.channels();
        int f = cv.filters();
        int[] hw = spatial(cv.inputShape(), x.length);
        int h = hw[0];
        int wd = hw[1];
        if (h * wd * c != x.length) {
            throw new IllegalArgumentException(cv.name() + ": input of " + x.length + " values does not fit " + cv.inputShape());
        }
        int kh = cv.kernelH();
        int kw = cv.kernelW();
        int oh = outLength(h, kh, cv.strideH(), cv.dilationH(), cv.padding());
        int ow = outLength(wd, kw, cv.strideW(), cv.dilationW(), cv.padding());
        int padTop = ShapeInference.padBefore(h, oh, kh, cv.strideH(), cv.dilationH(), cv.padding());
        int padLeft = ShapeInference.padBefore(wd, ow, kw, cv.strideW(), cv.dilationW(), cv.padding());
        IntTensor w = cv.weights();
        long[] b = cv.bias().toArray();
        QuantType t = cv.outputType();
        int[] y = new int[oh * ow * f];
        long[] acc = new long[f];
        for (int oy = 0; oy < oh; oy++) {
            for (int ox = 0; ox < ow; ox++) {
                System.arraycopy(b, 0, acc, 0, f);
                for (int r = 0; r < kh; r++) {
                    int iy = oy * cv.strideH() - padTop + r * cv.dilationH();
                    for (int q = 0; q < kw; q++) {
                        int ix = ox * cv.strideW() - padLeft + q * cv.dilationW();
                        boolean inside = iy >= 0 && iy < h && ix >= 0 && ix < wd;
                        int xOff = (iy * wd + ix) * c;
                        int wOff = (r * kw + q) * c * f;
                        for (int ch = 0; ch < c; ch++) {
                            long xv = inside ? x[xOff + ch] : cv.padValue();
                            int wRow = wOff + ch * f;
                            for (int o = 0; o < f; o++) {
                                acc[o] += xv * w.get(wRow + o);
                            }
                        }
                    }
                }
                int yOff = (oy * ow + ox) * f;
                for (int o = 0; o < f; o++) {
                    int a = narrow(cv.name(), acc[o], cv.accShift());
                    y[yOff + o] = addZeroPointClamp(cv.rescaleOf(o).apply(a), t.zeroPoint(), cv.actMin(), cv.actMax());
                }
            }
        }
        return y;
    }

    static int[] pool(QPool p, int[] x) {
        int c = p.inputShape().last();
        int[] hw = spatial(p.inputShape(), x.length);
        int h = hw[0];
        int wd = hw[1];
        int oh = outLength(h, p.kernelH(), p.strideH(), 1, p.padding());
        int ow = outLength(wd, p.kernelW(), p.strideW(), 1, p.padding());
        int padTop = ShapeInference.padBefore(h, oh, p.kernelH(), p.strideH(), 1, p.padding());
        int padLeft = ShapeInference.padBefore(wd, ow, p.kernelW(), p.strideW(), 1, p.padding());
        boolean max = p.pool() == PoolKind.MAX;
        int[] y = new int[oh * ow * c];
        for (int oy = 0; oy < oh; oy++) {
            int r0 = oy * p.strideH() - padTop;
            int rMin = Math.max(0, r0);
            int rMax = Math.min(h, r0 + p.kernelH());
            for (int ox = 0; ox < ow; ox++) {
                int c0 = ox * p.strideW() - padLeft;
                int cMin = Math.max(0, c0);
                int cMax = Math.min(wd, c0 + p.kernelW());
                for (int ch = 0; ch < c; ch++) {
                    int m = Integer.MIN_VALUE;
                    int sum = 0;
                    int n = 0;
                    for (int iy = rMin; iy < rMax; iy++) {
                        for (int ix = cMin; ix < cMax; ix++) {
                            int v = x[(iy * wd + ix) * c + ch];
                            m = Math.max(m, v);
                            sum += v;
                            n++;
                        }
                    }
                    y[(oy * ow + ox) * c + ch] = max ? m : divRound(sum, n);
                }
            }
        }
        return y;
    }

    static int[] globalPool(QGlobalPool g, int[] x) {
        int c = g.channels();
        int n = x.length / c;
        if (n < 1 || n * c != x.length) {
            throw new IllegalArgumentException(g.name() + ": input of " + x.length + " values is not positions of " + c);
        }
        QuantType t = g.outputType();
        int[] y = new int[c];
        for (int ch = 0; ch < c; ch++) {
            if (g.pool() == PoolKind.MAX) {
                int m = Integer.MIN_VALUE;
                for (int p = 0; p < n; p++) {
                    m = Math.max(m, x[p * c + ch]);
                }
                y[ch] = m;
            } else if (g.rescale().isPresent()) {
                int sum = 0;
                for (int p = 0; p < n; p++) {
                    sum += x[p * c + ch] - g.inputZeroPoint();
                }
                y[ch] = addZeroPointClamp(g.rescale().get().apply(sum), t.zeroPoint(), t.qmin(), t.qmax());
            } else {
                int sum = 0;
                for (int p = 0; p < n; p++) {
                    sum += x[p * c + ch];
                }
                y[ch] = divRound(sum, n);
            }
        }
        return y;
    }

    static int[] add(QAdd a, List<int[]> in) {
        int len = in.get(0).length;
        QuantType t = a.outputType();
        int[] y = new int[len];
        for (int i = 0; i < len; i++) {
            long sum = 0;
            for (int k = 0; k < in.size(); k++) {
                int d = in.get(k)[i] - a.inputZeroPoints().get(k);
                long shifted = (long) d << a.leftShift();
                if (shifted != (int) shifted) {
                    throw new IllegalStateException(a.name() + ": (x - zp) << " + a.leftShift() + " overflows int32");
                }
                sum += a.inputRescales().get(k).apply((int) shifted);
            }
            if (sum != (int) sum) {
                throw new IllegalStateException(a.name() + ": sum " + sum + " overflows int32 despite its bound");
            }
            y[i] = addZeroPointClamp(a.outputRescale().apply((int) sum), t.zeroPoint(), t.qmin(), t.qmax());
        }
        return y;
    }

    static int[] concat(QConcat cc, List<int[]> in) {
        int axis = cc.axis();
        Shape first = cc.inputShapes().get(0);
        boolean outerKnown = true;
        int outer = 1;
        for (int d = 0; d < axis; d++) {
            outerKnown &= cc.outputShape().dim(d) != Shape.UNKNOWN;
            outer *= cc.outputShape().dim(d);
        }
        if (!outerKnown) {
            int inner = 1;
            for (int d = axis; d < first.rank(); d++) {
                inner *= first.dim(d);
            }
            outer = in.get(0).length / inner;
        }
        int total = 0;
        int[] chunk = new int[in.size()];
        for (int k = 0; k < in.size(); k++) {
            chunk[k] = in.get(k).length / outer;
            total += chunk[k];
        }
        QuantType t = cc.outputType();
        int[] y = new int[outer * total];
        for (int o = 0; o < outer; o++) {
            int pos = o * total;
            for (int k = 0; k < in.size(); k++) {
                int[] x = in.get(k);
                Rescale r = cc.inputRescales().get(k);
                int zp = cc.inputZeroPoints().get(k);
                for (int i = 0; i < chunk[k]; i++) {
                    y[pos + i] = addZeroPointClamp(r.apply(x[o * chunk[k] + i] - zp), t.zeroPoint(), t.qmin(), t.qmax());
                }
                pos += chunk[k];
            }
        }
        return y;
    }

    static int[] requant(QRequant r, int[] x) {
        int[] y = new int[x.length];
        int base = r.outputType().zeroPoint() + r.offset();
        for (int i = 0; i < x.length; i++) {
            y[i] = addZeroPointClamp(r.rescale().apply((x[i] - r.inputZeroPoint()) * r.gain()), base, r.lo(), r.hi());
        }
        return y;
    }

    static int[] channelAffine(QChannelAffine a, int[] x) {
        long[] w = a.weights().toArray();
        long[] b = a.bias().toArray();
        int c = w.length;
        int zp = a.outputType().zeroPoint();
        int[] y = new int[x.length];
        for (int i = 0; i < x.length; i++) {
            int ch = i % c;
            int acc = narrow(a.name(), x[i] * w[ch] + b[ch], 0);
            y[i] = addZeroPointClamp(a.rescaleOf(ch).apply(acc), zp, a.lo(), a.hi());
        }
        return y;
    }

    static int[] logistic(QLogistic l, int[] x) {
        Int16Activation f = l.impl().primitive();
        boolean sigmoid = l.function() == dev.mcugen.ir.Activation.SIGMOID;
        QuantType t = l.outputType();
        int[] y = new int[x.length];
        for (int i = 0; i < x.length; i++) {
            int u = FixedPoint.satInt16(l.inputRescale().apply(x[i] - l.inputZeroPoint()));
            int v = sigmoid ? f.sigmoid(u, Int16Activation.GATE_INTEGER_BITS) : f.tanh(u, Int16Activation.GATE_INTEGER_BITS);
            y[i] = addZeroPointClamp(l.outputRescale().apply(v), t.zeroPoint(), t.qmin(), t.qmax());
        }
        return y;
    }

    static int[] softmax(QSoftmax s, int[] x) {
        int depth = s.outputShape().last();
        QuantType t = s.outputType();
        int[] y = new int[x.length];
        int[] exps = new int[depth];
        boolean[] kept = new boolean[depth];
        int[] bitsOverUnit = new int[1];
        for (int row = 0; row < x.length; row += depth) {
            int max = Integer.MIN_VALUE;
            for (int c = 0; c < depth; c++) {
                max = Math.max(max, x[row + c]);
            }
            int sum = 0;
            for (int c = 0; c < depth; c++) {
                long diff = (long) x[row + c] - max;
                kept[c] = diff >= s.diffMin();
                if (kept[c]) {
                    exps[c] = SoftmaxMath.expOnNegativeValues(s.inputBeta().apply((int) diff));
                    sum += FixedPoint.rdivpot(exps[c], SoftmaxMath.ACCUMULATION_INTEGER_BITS);
                }
            }
            int reciprocal = SoftmaxMath.reciprocal(sum, bitsOverUnit);
            int exponent = bitsOverUnit[0] + 31 - s.outputFractionalBits();
            for (int c = 0; c < depth; c++) {
                y[row + c] = kept[c]
                        ? addZeroPointClamp(FixedPoint.rdivpot(FixedPoint.srdhm(reciprocal, exps[c]), exponent),
                                t.zeroPoint(), t.qmin(), t.qmax())
                        : t.zeroPoint();
            }
        }
        return y;
    }
}
