package dev.mcugen.ir.quant;

import dev.mcugen.ir.fixed.LookupTable;

/** The fixed-point simulator's kernels of {@link QLut} and {@link QPRelu} (the C runs the same integers). */
final class ActivationKernels {
    private ActivationKernels() {
    }

    static int[] lut(QLut l, int[] x) {
        int[] t = l.table().toIntArray();
        int[] y = new int[x.length];
        boolean int8 = l.outputType().bits() == 8;
        for (int i = 0; i < x.length; i++) {
            y[i] = int8 ? t[x[i] + 128] : LookupTable.lookup16(t, x[i]);
        }
        return y;
    }

    static int[] prelu(QPRelu p, int[] x) {
        int[] g = p.gains().toIntArray();
        QuantType t = p.outputType();
        int[] y = new int[x.length];
        for (int i = 0; i < x.length; i++) {
            int d = x[i] - p.inputZeroPoint();
            int r = d >= 0 ? p.identityRescale().apply(d) : p.alphaRescale().apply(d * g[i % g.length]);
            y[i] = FeedForwardKernels.addZeroPointClamp(r, t.zeroPoint(), t.qmin(), t.qmax());
        }
        return y;
    }
}
