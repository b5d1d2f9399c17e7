package dev.mcugen.scale.recurrent;

import java.util.Random;

/**
 * Seeded weights and inputs shaped like trained recurrent models': Glorot-uniform kernels (the Keras
 * default) with a gain, orthogonal recurrent blocks (Keras' recurrent initializer), small biases with
 * the forget gate at +1 (Keras {@code unit_forget_bias}), and smooth multi-sine input signals with a
 * slow random drift (sensor-like, as in the HAR and KWS examples).
 */
final class Realistic {
    private Realistic() {
    }

    /** {@code n} values uniform in {@code ±gain * sqrt(6 / (fanIn + fanOut))}. */
    static float[] glorot(Random r, int fanIn, int fanOut, int n, double gain) {
        double limit = gain * Math.sqrt(6.0 / (fanIn + fanOut));
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) ((r.nextDouble() * 2 - 1) * limit);
        }
        return v;
    }

    /** A random {@code n x n} orthogonal matrix (Gram-Schmidt of a Gaussian one), row-major. */
    static double[][] orthogonal(Random r, int n) {
        double[][] q = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                q[i][j] = r.nextGaussian();
            }
            for (int k = 0; k < i; k++) {
                double dot = 0;
                for (int j = 0; j < n; j++) {
                    dot += q[i][j] * q[k][j];
                }
                for (int j = 0; j < n; j++) {
                    q[i][j] -= dot * q[k][j];
                }
            }
            double norm = 0;
            for (int j = 0; j < n; j++) {
                norm += q[i][j] * q[i][j];
            }
            norm = Math.sqrt(norm);
            for (int j = 0; j < n; j++) {
                q[i][j] /= norm;
            }
        }
        return q;
    }

    /**
     * A Keras recurrent kernel {@code [rows, blocks * width]}: each block the first {@code rows} rows of
     * an orthogonal {@code width x width} matrix times {@code gain}.
     */
    static float[] recurrentKernel(Random r, int rows, int blocks, int width, double gain) {
        float[] k = new float[rows * blocks * width];
        for (int b = 0; b < blocks; b++) {
            double[][] q = orthogonal(r, Math.max(rows, width));
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < width; j++) {
                    k[i * blocks * width + b * width + j] = (float) (gain * q[i][j]);
                }
            }
        }
        return k;
    }

    /** {@code n} values {@code mean + std * N(0, 1)}. */
    static float[] gaussian(Random r, int n, double mean, double std) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (mean + std * r.nextGaussian());
        }
        return v;
    }

    /**
     * {@code samples} sequences {@code [steps, features]}: per feature three sines with periods of
     * 6..90 steps and random phases and amplitudes, plus a low-passed random walk, overall about ±1.5.
     */
    static float[] signals(Random r, int samples, int steps, int features) {
        float[] x = new float[samples * steps * features];
        for (int s = 0; s < samples; s++) {
            for (int f = 0; f < features; f++) {
                double[] period = new double[3];
                double[] phase = new double[3];
                double[] amp = new double[3];
                for (int k = 0; k < 3; k++) {
                    period[k] = 6 + r.nextDouble() * 84;
                    phase[k] = r.nextDouble() * 2 * Math.PI;
                    amp[k] = 0.2 + 0.4 * r.nextDouble();
                }
                double drift = 0;
                for (int t = 0; t < steps; t++) {
                    drift = 0.98 * drift + 0.05 * r.nextGaussian();
                    double v = drift;
                    for (int k = 0; k < 3; k++) {
                        v += amp[k] * Math.sin(2 * Math.PI * t / period[k] + phase[k]);
                    }
                    x[(s * steps + t) * features + f] = (float) v;
                }
            }
        }
        return x;
    }
}
