package dev.mcugen.ir.quant;

import java.util.List;

/**
 * The fixed-point reference of {@link QElementwise} (the C kernels {@code mcu_add_broadcast_*},
 * {@code mcu_sub_*}, {@code mcu_average_*}, {@code mcu_mul_*}, {@code mcu_maximum_*},
 * {@code mcu_minimum_*} match it bit for bit). Every int32 intermediate the compiler bounds is
 * checked here, so a broken bound fails the simulation instead of wrapping.
 */
final class ElementwiseKernels {
    private ElementwiseKernels() {
    }

    static int[] run(QElementwise e, List<int[]> inputValues) {
        List<int[]> ops = e.operands(inputValues);
        int n = ops.size();
        int len = 0;
        for (int[] x : ops) {
            len = Math.max(len, x.length);
        }
        int channels = e.outputShape().last();
        QuantType t = e.outputType();
        int[] y = new int[len];
        int[] d = new int[n];
        for (int i = 0; i < len; i++) {
            for (int k = 0; k < n; k++) {
                int[] x = ops.get(k);
                d[k] = (e.channelwise().get(k) ? x[i % channels] : x[i]) - e.zeroPoints().get(k);
            }
            y[i] = switch (e.kind()) {
                case SUM -> sum(e, d, t);
                case MUL -> mul(e, d, t);
                case MAX, MIN -> extreme(e, d, t);
            };
        }
        return y;
    }

    /** Contract of QElementwise SUM (TFLite ADD/SUB): common fine scale, int32 sum, one output rescale. */
    private static int sum(QElementwise e, int[] d, QuantType t) {
        long sum = 0;
        for (int k = 0; k < d.length; k++) {
            long shifted = (long) d[k] << e.leftShift();
            if (shifted != (int) shifted) {
                throw new IllegalStateException(e.name() + ": (x - zp) << " + e.leftShift() + " overflows int32");
            }
            int term = e.rescales().get(k).apply((int) shifted);
            sum += e.negate().get(k) ? -term : term;
        }
        if (sum != (int) sum) {
            throw new IllegalStateException(e.name() + ": sum " + sum + " overflows int32 despite its bound");
        }
        return FeedForwardKernels.addZeroPointClamp(e.outputRescale().apply((int) sum), t.zeroPoint(), t.qmin(), t.qmax());
    }

    /** Contract of QElementwise MUL: int32 products, step rescales between them, one output rescale. */
    private static int mul(QElementwise e, int[] d, QuantType t) {
        long p = (long) d[0] * d[1];
        for (int k = 2; k < d.length; k++) {
            if (p != (int) p) {
                throw new IllegalStateException(e.name() + ": product " + p + " overflows int32 despite its bound");
            }
            p = (long) e.stepRescales().get(k - 2).apply((int) p) * d[k];
        }
        if (p != (int) p) {
            throw new IllegalStateException(e.name() + ": product " + p + " overflows int32 despite its bound");
        }
        return FeedForwardKernels.addZeroPointClamp(e.outputRescale().apply((int) p), t.zeroPoint(), t.qmin(), t.qmax());
    }

    /** Contract of QElementwise MAX / MIN: each operand on the output scale (clamped), then compared. */
    private static int extreme(QElementwise e, int[] d, QuantType t) {
        int best = 0;
        for (int k = 0; k < d.length; k++) {
            int v = FeedForwardKernels.addZeroPointClamp(e.rescales().get(k).apply(d[k]), t.zeroPoint(), t.qmin(), t.qmax());
            if (k == 0 || (e.kind() == QElementwise.Kind.MAX ? v > best : v < best)) {
                best = v;
            }
        }
        return best;
    }
}
