package dev.mcugen.ir;

import java.util.List;

/**
 * Converts batches between a source framework's axis order and the IR's at the model boundary, with
 * the permutations of {@link ImportedModel#sourceLayout()}: {@code ir = numpy.transpose(source, perm)}
 * per sample, the leading batch axis untouched (PyTorch's NCHW {@code [N, C, H, W]} is the IR's
 * {@code [N, H, W, C]} under {@code perm = [1, 2, 0]}).
 */
public final class SourceLayouts {
    private SourceLayouts() {
    }

    /** A source-layout batch {@code [N, ...]} in the IR's layout. */
    public static FloatTensor toIr(FloatTensor source, List<Integer> perm) {
        int[] d = source.shape().toArray();
        return FloatTensor.of(Shape.of(permutedShape(d, perm)), toIr(source.toArray(), d, perm));
    }

    /** An IR-layout batch {@code [N, ...]} in the source's layout. */
    public static FloatTensor toSource(FloatTensor ir, List<Integer> perm) {
        int[] d = ir.shape().toArray();
        int[] inv = inverse(perm);
        List<Integer> invList = java.util.Arrays.stream(inv).boxed().toList();
        return FloatTensor.of(Shape.of(permutedShape(d, invList)), toIr(ir.toArray(), d, invList));
    }

    /** Row-major {@code data} of shape {@code sourceShapeWithBatch} transposed by {@code perm} (batch excluded). */
    public static float[] toIr(float[] data, int[] sourceShapeWithBatch, List<Integer> perm) {
        return transpose(data, sourceShapeWithBatch, perm);
    }

    /** The inverse of {@link #toIr}: {@code irShapeWithBatch} is the IR-layout shape of {@code data}. */
    public static float[] toSource(float[] data, int[] irShapeWithBatch, List<Integer> perm) {
        return transpose(data, irShapeWithBatch, java.util.Arrays.stream(inverse(perm)).boxed().toList());
    }

    private static int[] permutedShape(int[] d, List<Integer> perm) {
        check(d, perm);
        int[] out = new int[d.length];
        out[0] = d[0];
        for (int j = 0; j < perm.size(); j++) {
            out[j + 1] = d[perm.get(j) + 1];
        }
        return out;
    }

    private static int[] inverse(List<Integer> perm) {
        int[] inv = new int[perm.size()];
        for (int j = 0; j < perm.size(); j++) {
            inv[perm.get(j)] = j;
        }
        return inv;
    }

    private static void check(int[] d, List<Integer> perm) {
        if (d.length != perm.size() + 1) {
            throw new McugenException(Diag.MCG_DATA_SHAPE, "data of shape " + Shape.of(d),
                    "has rank " + d.length + " but the model's layout permutes " + perm.size() + " axes after the batch");
        }
        boolean[] seen = new boolean[perm.size()];
        for (int p : perm) {
            if (p < 0 || p >= seen.length || seen[p]) {
                throw new IllegalArgumentException("not a permutation: " + perm);
            }
            seen[p] = true;
        }
    }

    private static float[] transpose(float[] data, int[] shape, List<Integer> perm) {
        int[] out = permutedShape(shape, perm);
        int r = perm.size();
        long total = 1;
        for (int v : shape) {
            total *= v;
        }
        if (total != data.length) {
            throw new McugenException(Diag.MCG_DATA_SHAPE, "data of shape " + Shape.of(shape),
                    "holds " + data.length + " values");
        }
        // Source strides, read in the order of the output axes.
        int[] srcStride = new int[r];
        int st = 1;
        for (int a = r - 1; a >= 0; a--) {
            srcStride[a] = st;
            st *= shape[a + 1];
        }
        int sample = st;
        int[] stride = new int[r];
        for (int j = 0; j < r; j++) {
            stride[j] = srcStride[perm.get(j)];
        }
        float[] res = new float[data.length];
        int[] idx = new int[r];
        for (int n = 0; n < shape[0]; n++) {
            int base = n * sample;
            java.util.Arrays.fill(idx, 0);
            int src = 0;
            for (int o = 0; o < sample; o++) {
                res[base + o] = data[base + src];
                for (int j = r - 1; j >= 0; j--) {
                    idx[j]++;
                    src += stride[j];
                    if (idx[j] < out[j + 1]) {
                        break;
                    }
                    src -= stride[j] * idx[j];
                    idx[j] = 0;
                }
            }
        }
        return res;
    }
}
