package dev.mcugen.ir;

/**
 * The element order of {@link Op.Reverse}, shared by the float interpreter and the fixed-point
 * simulator: a row-major tensor seen as {@code [outer, n, inner]} around the reversed axis of length
 * {@code n}; block {@code j} of the output is block {@code n - 1 - j} of the input.
 */
public final class Reversal {
    private Reversal() {
    }

    /** For each output element, the index of the input element it copies. */
    public static int[] sourceIndex(Shape shape, int axis) {
        int n = shape.dim(axis);
        int inner = 1;
        for (int i = axis + 1; i < shape.rank(); i++) {
            inner *= shape.dim(i);
        }
        int size = shape.size();
        int outer = n * inner == 0 ? 0 : size / (n * inner);
        int[] src = new int[size];
        for (int o = 0, k = 0; o < outer; o++) {
            for (int j = 0; j < n; j++) {
                int from = (o * n + (n - 1 - j)) * inner;
                for (int i = 0; i < inner; i++) {
                    src[k++] = from + i;
                }
            }
        }
        return src;
    }

    /** {@code x} reversed along {@code axis} of {@code shape}. */
    public static float[] apply(float[] x, Shape shape, int axis) {
        int[] src = sourceIndex(shape, axis);
        float[] y = new float[src.length];
        for (int k = 0; k < y.length; k++) {
            y[k] = x[src[k]];
        }
        return y;
    }

    /** {@code x} reversed along {@code axis} of {@code shape}. */
    public static int[] apply(int[] x, Shape shape, int axis) {
        int[] src = sourceIndex(shape, axis);
        int[] y = new int[src.length];
        for (int k = 0; k < y.length; k++) {
            y[k] = x[src[k]];
        }
        return y;
    }
}
