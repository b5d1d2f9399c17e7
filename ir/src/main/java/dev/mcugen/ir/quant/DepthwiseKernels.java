package dev.mcugen.ir.quant;

import dev.mcugen.ir.ShapeInference;

/**
 * The fixed-point simulator's depthwise convolution ({@link QDepthwiseConv}), with exactly the
 * integer operations the C {@code mcu_depthwise_conv_*} kernels perform.
 */
final class DepthwiseKernels {
    private DepthwiseKernels() {
    }

    static int[] depthwiseConv(QDepthwiseConv dc, int[] x) {
        int c = dc.channels();
        int m = dc.multiplier();
        int oc = dc.outputChannels();
        int[] hw = FeedForwardKernels.spatial(dc.inputShape(), x.length);
        int h = hw[0];
        int wd = hw[1];
        if ((long) h * wd * c != x.length) {
            throw new IllegalArgumentException(dc.name() + ": input of " + x.length + " values does not fit " + dc.inputShape());
        }
        int kh = dc.kernelH();
        int kw = dc.kernelW();
        int oh = FeedForwardKernels.outLength(h, kh, dc.strideH(), dc.dilationH(), dc.padding());
        int ow = FeedForwardKernels.outLength(wd, kw, dc.strideW(), dc.dilationW(), dc.padding());
        int padTop = ShapeInference.padBefore(h, oh, kh, dc.strideH(), dc.dilationH(), dc.padding());
        int padLeft = ShapeInference.padBefore(wd, ow, kw, dc.strideW(), dc.dilationW(), dc.padding());
        IntTensor w = dc.weights();
        long[] b = dc.bias().toArray();
        QuantType t = dc.outputType();
        int[] y = new int[oh * ow * oc];
        for (int oy = 0; oy < oh; oy++) {
            for (int ox = 0; ox < ow; ox++) {
                int yOff = (oy * ow + ox) * oc;
                for (int o = 0; o < oc; o++) {
                    long acc = b[o];
                    for (int r = 0; r < kh; r++) {
                        int iy = oy * dc.strideH() - padTop + r * dc.dilationH();
                        for (int q = 0; q < kw; q++) {
                            int ix = ox * dc.strideW() - padLeft + q * dc.dilationW();
                            boolean inside = iy >= 0 && iy < h && ix >= 0 && ix < wd;
                            long xv = inside ? x[(iy * wd + ix) * c + o / m] : dc.padValue();
                            acc += xv * w.get((r * kw + q) * oc + o);
                        }
                    }
                    int a = FeedForwardKernels.narrow(dc.name(), acc, dc.accShift());
                    y[yOff + o] = FeedForwardKernels.addZeroPointClamp(dc.rescaleOf(o).apply(a), t.zeroPoint(),
                            dc.actMin(), dc.actMax());
                }
            }
        }
        return y;
    }
}
