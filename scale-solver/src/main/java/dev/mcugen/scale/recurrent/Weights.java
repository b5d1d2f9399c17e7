package dev.mcugen.scale.recurrent;

import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Node;

/** Slices of a recurrent layer's Keras-layout weights, as float vectors in the integer kernels' layout. */
final class Weights {
    private Weights() {
    }

    /**
     * Column block {@code block} (width {@code width}) of the 2-D weight {@code name} ({@code [in, blocks*width]}),
     * transposed to row-major {@code [width][in]} (one row per output unit).
     */
    static float[] block(Node node, String name, int block, int width) {
        FloatTensor w = node.weight(name);
        int in = w.shape().dim(0);
        int cols = w.shape().dim(1);
        float[] out = new float[width * in];
        for (int j = 0; j < width; j++) {
            for (int f = 0; f < in; f++) {
                out[j * in + f] = w.get(f * cols + block * width + j);
            }
        }
        return out;
    }

    /** The whole 2-D weight {@code [in, out]} transposed to {@code [out][in]}. */
    static float[] transposed(Node node, String name) {
        return block(node, name, 0, node.weight(name).shape().dim(1));
    }

    /** Elements {@code [offset, offset + length)} of weight {@code name} (flat). */
    static float[] slice(Node node, String name, int offset, int length) {
        FloatTensor w = node.weight(name);
        float[] out = new float[length];
        for (int i = 0; i < length; i++) {
            out[i] = w.get(offset + i);
        }
        return out;
    }

    /** The whole weight, flat. */
    static float[] all(Node node, String name) {
        return node.weight(name).toArray();
    }

    static float min(float[] v) {
        float m = 0f;
        for (float x : v) {
            m = Math.min(m, x);
        }
        return m;
    }

    static float max(float[] v) {
        float m = 0f;
        for (float x : v) {
            m = Math.max(m, x);
        }
        return m;
    }

    static float[] sum(float[] a, float[] b) {
        float[] s = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            s[i] = a[i] + b[i];
        }
        return s;
    }
}
