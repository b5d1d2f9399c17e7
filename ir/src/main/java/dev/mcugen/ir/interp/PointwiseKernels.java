package dev.mcugen.ir.interp;

import dev.mcugen.ir.Node;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Shape;

/**
 * Float32 kernels of the element-wise activations with parameters (LeakyReLU, ELU, PReLU, general
 * hard sigmoid) and of the smooth activations swish, hard swish and the relu6 hard sigmoid, with the
 * rounding of the frameworks: every product, sum and quotient is one float32 operation, as in
 * TensorFlow (Keras), TF.js' cpu backend and ONNX Runtime; {@code exp} is evaluated in double and
 * rounded once (TF.js {@code Math.exp(x) - 1}).
 */
final class PointwiseKernels {
    private PointwiseKernels() {
    }

    /** {@code x >= 0 ? x : alpha · x} (TF.js {@code leakyRelu}, TensorFlow {@code leaky_relu}, PReLU). */
    static float leakyRelu(float x, float alpha) {
        return x < 0f ? alpha * x : x;
    }

    /** {@code x >= 0 ? x : alpha · (exp(x) - 1)}; with alpha 1 exactly TF.js' cpu {@code Elu}. */
    static float elu(float x, float alpha) {
        if (x >= 0f) {
            return x;
        }
        float e = (float) (StrictMath.exp(x) - 1.0);
        return alpha == 1f ? e : alpha * e;
    }

    /** TF.js / Keras swish: {@code x · sigmoid(x)}, the sigmoid rounded to float32 first. */
    static float swish(float x) {
        return x * Kernels.sigmoid(x);
    }

    /** Keras 3 / PyTorch hard sigmoid: {@code relu6(x + 3) / 6}. */
    static float hardSigmoid6(float x) {
        return Kernels.relu6(x + 3f) / 6f;
    }

    /** Keras 3 hard swish ({@code hard_silu}): {@code x · hard_sigmoid6(x)}. */
    static float hardSwish(float x) {
        return x * hardSigmoid6(x);
    }

    /** ONNX HardSigmoid: {@code max(0, min(1, alpha · x + beta))}. */
    static float hardSigmoid(float x, float alpha, float beta) {
        float y = alpha * x + beta;
        return y > 1f ? 1f : (y < 0f ? 0f : y);
    }

    /** The output of {@code node} (LeakyRelu, Elu, HardSigmoid or PRelu) for input {@code x} of shape {@code shape}. */
    static float[] apply(Node node, float[] x, Shape shape) {
        Op op = node.op();
        float[] y = new float[x.length];
        if (op instanceof Op.LeakyRelu l) {
            for (int i = 0; i < x.length; i++) {
                y[i] = leakyRelu(x[i], l.alpha());
            }
        } else if (op instanceof Op.Elu e) {
            for (int i = 0; i < x.length; i++) {
                y[i] = elu(x[i], e.alpha());
            }
        } else if (op instanceof Op.HardSigmoid h) {
            for (int i = 0; i < x.length; i++) {
                y[i] = hardSigmoid(x[i], h.alpha(), h.beta());
            }
        } else if (op instanceof Op.PRelu) {
            float[] alpha = node.weight("alpha").toArray();
            int[] index = broadcastIndex(node.weight("alpha").shape(), shape);
            for (int i = 0; i < x.length; i++) {
                y[i] = leakyRelu(x[i], alpha[index[i]]);
            }
        } else {
            throw new IllegalArgumentException(op.kind() + " is not a pointwise activation with parameters");
        }
        return y;
    }

    /**
     * For every flat index of a tensor of shape {@code shape}, the flat index into {@code small}
     * (same rank, each dimension equal or 1) that broadcasting reads.
     */
    static int[] broadcastIndex(Shape small, Shape shape) {
        int rank = shape.rank();
        int n = shape.size();
        int[] out = new int[n];
        int[] d = shape.toArray();
        int[] s = small.toArray();
        int[] strides = new int[rank];
        int st = 1;
        for (int k = rank - 1; k >= 0; k--) {
            strides[k] = st;
            st *= s[k];
        }
        for (int i = 0; i < n; i++) {
            int rest = i;
            int idx = 0;
            for (int k = rank - 1; k >= 0; k--) {
                int c = rest % d[k];
                rest /= d[k];
                if (s[k] != 1) {
                    idx += c * strides[k];
                }
            }
            out[i] = idx;
        }
        return out;
    }
}
