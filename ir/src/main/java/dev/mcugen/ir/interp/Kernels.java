package dev.mcugen.ir.interp;

import dev.mcugen.ir.Activation;
import dev.mcugen.ir.FloatTensor;

/**
 * Float32 arithmetic with the rounding of TensorFlow.js's cpu backend (tfjs-backend-cpu 4.x), which
 * computes in JavaScript doubles and stores every tensor as float32:
 * <ul>
 *   <li>MatMul ({@code BatchMatMul.ts}): per output, products summed in double over blocks of 48
 *       along the shared dimension, each block's sum added to the float32 result;</li>
 *   <li>Conv2D ({@code Conv2D.ts}): {@code y += x * w} on the float32 output, one rounding per
 *       multiply-add, in the order kernel row, kernel column, input channel;</li>
 *   <li>element-wise ops: one double operation on float32 operands, rounded to float32 — the same
 *       as Java float arithmetic (double rounding is innocuous for + - * / of floats);</li>
 *   <li>exp / tanh: JavaScript's Math functions are fdlibm ports, as {@link StrictMath}.</li>
 * </ul>
 */
final class Kernels {
    /** {@code MathBackendCPU.blockSize}. */
    static final int MATMUL_BLOCK = 48;

    private Kernels() {
    }

    /**
     * {@code out[outOff + r] = Σ_k x[xOff + k] · wt[(row0 + r) · n + k]} for {@code r < rows}: one
     * row of a matrix product against a transposed weight matrix {@code wt[cols][n]}.
     */
    static void matVec(float[] x, int xOff, int n, float[] wt, int row0, int rows, float[] out, int outOff) {
        int r = 0;
        // Four rows at a time: independent accumulators hide the latency of the sequential sums
        // without changing any row's summation order.
        for (; r + 4 <= rows; r += 4) {
            int w0 = (row0 + r) * n;
            int w1 = w0 + n;
            int w2 = w1 + n;
            int w3 = w2 + n;
            float a0 = 0f;
            float a1 = 0f;
            float a2 = 0f;
            float a3 = 0f;
            for (int k0 = 0; k0 < n; k0 += MATMUL_BLOCK) {
                int k1 = Math.min(k0 + MATMUL_BLOCK, n);
                double s0 = 0.0;
                double s1 = 0.0;
                double s2 = 0.0;
                double s3 = 0.0;
                for (int k = k0; k < k1; k++) {
                    double xv = x[xOff + k];
                    s0 += xv * wt[w0 + k];
                    s1 += xv * wt[w1 + k];
                    s2 += xv * wt[w2 + k];
                    s3 += xv * wt[w3 + k];
                }
                a0 = (float) (a0 + s0);
                a1 = (float) (a1 + s1);
                a2 = (float) (a2 + s2);
                a3 = (float) (a3 + s3);
            }
            out[outOff + r] = a0;
            out[outOff + r + 1] = a1;
            out[outOff + r + 2] = a2;
            out[outOff + r + 3] = a3;
        }
        for (; r < rows; r++) {
            int w = (row0 + r) * n;
            float acc = 0f;
            for (int k0 = 0; k0 < n; k0 += MATMUL_BLOCK) {
                int k1 = Math.min(k0 + MATMUL_BLOCK, n);
                double s = 0.0;
                for (int k = k0; k < k1; k++) {
                    s += (double) x[xOff + k] * wt[w + k];
                }
                acc = (float) (acc + s);
            }
            out[outOff + r] = acc;
        }
    }

    /** {@code m[rows][cols]} row-major to {@code [cols][rows]}. */
    static float[] transpose(float[] m, int rows, int cols) {
        return FloatTensor.transpose(m, rows, cols);
    }

    /** {@code v[off + i] += b[i % b.length]} over {@code len} values (bias over the last axis). */
    static void addBias(float[] v, int off, int len, float[] b) {
        int c = b.length;
        for (int i = 0; i < len; i++) {
            v[off + i] = v[off + i] + b[i % c];
        }
    }

    /** TF.js sigmoid kernel: {@code 1 / (1 + exp(-x))} in double. */
    static float sigmoid(float x) {
        return (float) (1.0 / (1.0 + StrictMath.exp(-(double) x)));
    }

    /** tfjs-layers {@code K.hardSigmoid}: {@code clip(0.2 x + 0.5, 0, 1)}, two float32 ops. */
    static float hardSigmoid(float x) {
        float y = 0.2f * x + 0.5f;
        return y > 1f ? 1f : (y < 0f ? 0f : y);
    }

    static float tanh(float x) {
        return (float) StrictMath.tanh(x);
    }

    static float relu(float x) {
        return x < 0f ? 0f : x;
    }

    static float relu6(float x) {
        return Math.min(Math.max(0f, x), 6f);
    }

    /** One element-wise activation; not for softmax. */
    static float activate(Activation a, float x) {
        switch (a) {
            case LINEAR:
                return x;
            case RELU:
                return relu(x);
            case RELU6:
                return relu6(x);
            case SIGMOID:
                return sigmoid(x);
            case HARD_SIGMOID:
                return hardSigmoid(x);
            case TANH:
                return tanh(x);
            case ELU:
                return PointwiseKernels.elu(x, 1f);
            case SWISH:
                return PointwiseKernels.swish(x);
            case HARD_SWISH:
                return PointwiseKernels.hardSwish(x);
            case HARD_SIGMOID6:
                return PointwiseKernels.hardSigmoid6(x);
            case LEAKY_RELU:
                return PointwiseKernels.leakyRelu(x, Activation.LEAKY_RELU_SLOPE);
            default:
                throw new IllegalArgumentException(a + " is not element-wise");
        }
    }

    /**
     * Applies {@code a} in place to {@code v[off, off + len)}; softmax works on consecutive rows of
     * {@code rowLen} values (the last axis).
     */
    static void activate(Activation a, float[] v, int off, int len, int rowLen) {
        switch (a) {
            case LINEAR:
                return;
            case SOFTMAX:
                for (int r = off; r < off + len; r += rowLen) {
                    softmax(v, r, rowLen);
                }
                return;
            case RELU:
                for (int i = off; i < off + len; i++) {
                    v[i] = relu(v[i]);
                }
                return;
            case RELU6:
                for (int i = off; i < off + len; i++) {
                    v[i] = relu6(v[i]);
                }
                return;
            case SIGMOID:
                for (int i = off; i < off + len; i++) {
                    v[i] = sigmoid(v[i]);
                }
                return;
            case HARD_SIGMOID:
                for (int i = off; i < off + len; i++) {
                    v[i] = hardSigmoid(v[i]);
                }
                return;
            case TANH:
                for (int i = off; i < off + len; i++) {
                    v[i] = tanh(v[i]);
                }
                return;
            case ELU:
            case SWISH:
            case HARD_SWISH:
            case HARD_SIGMOID6:
            case LEAKY_RELU:
                for (int i = off; i < off + len; i++) {
                    v[i] = activate(a, v[i]);
                }
                return;
            default:
                throw new IllegalArgumentException("activation " + a);
        }
    }

    /**
     * TF.js cpu Softmax: max, {@code x - max}, exp (each stored as float32), the sum in double
     * stored as float32, then the float32 quotient.
     */
    static void softmax(float[] v, int off, int n) {
        float max = v[off];
        for (int i = off + 1; i < off + n; i++) {
            if (v[i] > max) {
                max = v[i];
            }
        }
        double sum = 0.0;
        for (int i = off; i < off + n; i++) {
            float e = (float) StrictMath.exp(v[i] - max);
            v[i] = e;
            sum += e;
        }
        float s = (float) sum;
        for (int i = off; i < off + n; i++) {
            v[i] = v[i] / s;
        }
    }

    /**
     * TFLite's float layer-norm LSTM normalization ({@code PortableMeanStddevNormalization}, float
     * arithmetic): mean, population variance (two passes), {@code (x - mean) / sqrt(var + 1e-8)}.
     */
    static void meanStddevNormalize(float[] in, float[] out, int n) {
        float sum = 0f;
        for (int i = 0; i < n; i++) {
            sum += in[i];
        }
        float mean = sum / n;
        float sumDiffSq = 0f;
        for (int i = 0; i < n; i++) {
            float d = in[i] - mean;
            sumDiffSq += d * d;
        }
        float variance = sumDiffSq / n;
        float stddevInv = 1.0f / (float) Math.sqrt(variance + LAYER_NORM_EPSILON);
        for (int i = 0; i < n; i++) {
            out[i] = (in[i] - mean) * stddevInv;
        }
    }

    /** TFLite {@code kNormalizationConstant} of the float layer-norm LSTM. */
    static final float LAYER_NORM_EPSILON = 1e-8f;
}
