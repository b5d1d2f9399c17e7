package dev.mcugen.ir.interp;

import dev.mcugen.ir.Op;

import java.util.ArrayList;
import java.util.List;

/**
 * Float semantics of the {@link Op.Elementwise} ops (Keras merge layers): the operands are the
 * inputs with the node's constant vector inserted at its position; an operand shorter than the
 * output is a per-channel vector read at {@code i mod C}.
 */
final class ElementwiseKernel {
    private ElementwiseKernel() {
    }

    static float[] apply(Op.Elementwise op, float[] constant, float[][] in, int channels) {
        List<float[]> operands = new ArrayList<>(List.of(in));
        if (op.constantOperand() >= 0) {
            operands.add(op.constantOperand(), constant);
        }
        int len = 0;
        for (float[] x : operands) {
            len = Math.max(len, x.length);
        }
        float[] y = new float[len];
        int n = operands.size();
        for (int i = 0; i < len; i++) {
            float acc = at(operands.get(0), i, len, channels);
            for (int k = 1; k < n; k++) {
                float v = at(operands.get(k), i, len, channels);
                if (op instanceof Op.Add || op instanceof Op.Average) {
                    acc = acc + v;
                } else if (op instanceof Op.Subtract) {
                    acc = acc - v;
                } else if (op instanceof Op.Multiply) {
                    acc = acc * v;
                } else if (op instanceof Op.Maximum) {
                    acc = Math.max(acc, v);
                } else {
                    acc = Math.min(acc, v);
                }
            }
            // Keras Average divides the sum by the number of inputs.
            y[i] = op instanceof Op.Average ? acc / n : acc;
        }
        return y;
    }

    private static float at(float[] x, int i, int len, int channels) {
        return x.length == len ? x[i] : x[i % channels];
    }
}
