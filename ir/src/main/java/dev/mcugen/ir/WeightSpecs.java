package dev.mcugen.ir;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The weights each op needs, by name and shape, in the order Keras lists them. Importers check
 * what they read against this, so a node's weights always fit its op.
 */
public final class WeightSpecs {
    private WeightSpecs() {
    }

    /** Required weights of {@code op} on inputs of the given shapes, in canonical order. */
    public static Map<String, Shape> expected(Op op, List<Shape> in) {
        Map<String, Shape> m = new LinkedHashMap<>();
        Shape x = in.get(0);
        if (op instanceof Op.Elementwise e && e.constantOperand() >= 0) {
            m.put("constant", Shape.of(ElementwiseShapes.outputShape("", e, in).last()));
        }
        if (op instanceof Op.Dense d) {
            m.put("kernel", Shape.of(x.last(), d.units()));
            if (d.useBias()) {
                m.put("bias", Shape.of(d.units()));
            }
        }
        if (op instanceof Op.Conv1D c) {
            m.put("kernel", Shape.of(c.kernelSize(), x.last(), c.filters()));
            if (c.useBias()) {
                m.put("bias", Shape.of(c.filters()));
            }
        }
        if (op instanceof Op.Conv2D c) {
            m.put("kernel", Shape.of(c.kernelH(), c.kernelW(), x.last(), c.filters()));
            if (c.useBias()) {
                m.put("bias", Shape.of(c.filters()));
            }
        }
        if (op instanceof Op.ConvTranspose c) {
            int[] k = new int[c.spatialRank() + 2];
            for (int i = 0; i < c.spatialRank(); i++) {
                k[i] = c.kernel().get(i);
            }
            k[c.spatialRank()] = c.filters();
            k[c.spatialRank() + 1] = x.last();
            m.put("kernel", Shape.of(k));
            if (c.useBias()) {
                m.put("bias", Shape.of(c.filters()));
            }
        }
        if (op instanceof Op.DepthwiseConv c) {
            m.put("depthwise_kernel", c.spatialRank() == 1 ? Shape.of(c.kernelW(), x.last(), c.multiplier())
                    : Shape.of(c.kernelH(), c.kernelW(), x.last(), c.multiplier()));
            if (c.useBias()) {
                m.put("bias", Shape.of(x.last() * c.multiplier()));
            }
        }
        if (op instanceof Op.BatchNorm b) {
            Shape ch = Shape.of(x.last());
            m.put("gamma", ch);
            m.put("beta", ch);
            m.put("moving_mean", ch);
            m.put("moving_variance", ch);
        }
        if (op instanceof Op.PRelu p) {
            m.put("alpha", preluAlpha(p, x));
        }
        if (op instanceof Op.LayerNorm) {
            m.put("gamma", Shape.of(x.last()));
            m.put("beta", Shape.of(x.last()));
        }
        if (op instanceof Op.Embedding e) {
            m.put("embeddings", Shape.of(e.inputDim(), e.outputDim()));
        }
        if (op instanceof Op.SimpleRnn r) {
            m.put("kernel", Shape.of(x.last(), r.units()));
            m.put("recurrent_kernel", Shape.of(r.units(), r.units()));
            if (r.useBias()) {
                m.put("bias", Shape.of(r.units()));
            }
        }
        if (op instanceof Op.Lstm l) {
            int gu = l.gateCount() * l.units();
            m.put("kernel", Shape.of(x.last(), gu));
            m.put("recurrent_kernel", Shape.of(l.outputUnits(), gu));
            if (l.useBias()) {
                m.put("bias", Shape.of(gu));
            }
            Shape u = Shape.of(l.units());
            if (l.peephole()) {
                if (!l.cifg()) {
                    m.put("cell_to_input", u);
                }
                m.put("cell_to_forget", u);
                m.put("cell_to_output", u);
            }
            if (l.layerNorm()) {
                if (!l.cifg()) {
                    m.put("input_layer_norm", u);
                }
                m.put("forget_layer_norm", u);
                m.put("cell_layer_norm", u);
                m.put("output_layer_norm", u);
            }
            if (l.projectionUnits() > 0) {
                m.put("projection_kernel", Shape.of(l.units(), l.projectionUnits()));
                if (l.useBias()) {
                    m.put("projection_bias", Shape.of(l.projectionUnits()));
                }
            }
        }
        if (op instanceof Op.Gru g) {
            int gu = 3 * g.units();
            m.put("kernel", Shape.of(x.last(), gu));
            m.put("recurrent_kernel", Shape.of(g.units(), gu));
            if (g.useBias()) {
                m.put("bias", g.resetAfter() ? Shape.of(2, gu) : Shape.of(gu));
            }
        }
                                                                                                        return m;
    }

    /** The shape of PReLU's alpha on input {@code x}: {@code x} with the shared axes of size 1. */
    public static Shape preluAlpha(Op.PRelu p, Shape x) {
        int[] d = x.toArray();
        for (int a : p.sharedAxes()) {
            if (a >= 0 && a < d.length) {
                d[a] = 1;
            }
        }
        return Shape.of(d);
    }

    /**
     * PReLU's alpha (shape {@code alpha}: {@code x} with size 1 on the shared axes) as slopes of the
     * shortest tail of {@code x} it repeats over (from the first axis after its leading run of size-1
     * axes): for each element of that tail, the flat index into alpha. Broadcasting alpha over
     * {@code x} reads {@code alpha[index[i % index.length]]} at flat position {@code i}.
     */
    public static int[] preluTailIndex(Shape alpha, Shape x) {
        int[] a = alpha.toArray();
        int[] d = x.toArray();
        int k = 0;
        while (k < a.length - 1 && a[k] == 1) {
            k++;
        }
        int n = 1;
        for (int i = k; i < d.length; i++) {
            n *= d[i];
        }
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int rest = i;
            int idx = 0;
            int stride = 1;
            for (int j = d.length - 1; j >= k; j--) {
                int c = rest % d[j];
                rest /= d[j];
                if (a[j] != 1) {
                    idx += c * stride;
                }
                stride *= a[j];
            }
            out[i] = idx;
        }
        return out;
    }
}
