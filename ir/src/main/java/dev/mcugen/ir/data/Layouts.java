package dev.mcugen.ir.data;

import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.ImportedModel;
import dev.mcugen.ir.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * Moves batches of data between the source framework's axis order and the IR's (channels last),
 * as {@link ImportedModel#sourceLayout()} states it per model input and output: with the sample
 * permutation {@code perm}, {@code ir = numpy.transpose(source, [0] + [1 + p for p in perm])}.
 * The leading sample axis never moves.
 */
public final class Layouts {
    private Layouts() {
    }

    /** The sample permutation of {@code tensor} (an input or output name), or null where the layouts agree. */
    public static int[] samplePerm(ImportedModel model, String tensor) {
        List<Integer> p = model.sourceLayout().get(tensor);
        return p == null ? null : p.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The inverse permutation: {@code inverse(p)[p[i]] == i}. */
    public static int[] inverse(int[] perm) {
        int[] inv = new int[perm.length];
        for (int i = 0; i < perm.length; i++) {
            inv[perm[i]] = i;
        }
        return inv;
    }

    /** Dims of a sample after {@code perm}: {@code out[i] = dims[perm[i]]}. */
    public static List<Integer> permuteDims(List<Integer> dims, int[] perm) {
        List<Integer> out = new ArrayList<>(perm.length);
        for (int p : perm) {
            out.add(dims.get(p));
        }
        return out;
    }

    /** A batch {@code [N, ...]} in the IR's layout from one in the source's ({@code perm} as stated). */
    public static FloatTensor toIr(FloatTensor sourceBatch, int[] perm) {
        return FloatTensor.of(new Shape(batchDims(sourceBatch.shape().dims(), perm)),
                permute(sourceBatch.toArray(), sourceBatch.shape().dims(), perm));
    }

    /** A batch {@code [N, ...]} in the source's layout from one in the IR's ({@code perm} as stated). */
    public static FloatTensor toSource(FloatTensor irBatch, int[] perm) {
        int[] inv = inverse(perm);
        return FloatTensor.of(new Shape(batchDims(irBatch.shape().dims(), inv)),
                permute(irBatch.toArray(), irBatch.shape().dims(), inv));
    }

    /** Integer batch {@code [N, ...dims]} moved from the IR's layout to the source's. */
    public static int[] toSource(int[] irBatch, List<Integer> irDims, int[] perm) {
        int[] inv = inverse(perm);
        int[] out = new int[irBatch.length];
        int[] map = indexMap(irDims, inv);
        for (int i = 0; i < out.length; i++) {
            out[i] = irBatch[map[i]];
        }
        return out;
    }

    /** {@code [N] + permuteDims(sample dims, perm)}. */
    public static List<Integer> batchDims(List<Integer> batchDims, int[] perm) {
        List<Integer> out = new ArrayList<>();
        out.add(batchDims.get(0));
        out.addAll(permuteDims(batchDims.subList(1, batchDims.size()), perm));
        return out;
    }

    private static float[] permute(float[] data, List<Integer> batchDims, int[] perm) {
        int[] map = indexMap(batchDims, perm);
        float[] out = new float[data.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = data[map[i]];
        }
        return out;
    }

    /**
     * For each flat index of the permuted batch (row-major), the flat index in the original whose
     * dims are {@code batchDims} ({@code [N, ...sample]}); {@code perm} acts on the sample axes.
     */
    private static int[] indexMap(List<Integer> batchDims, int[] perm) {
        int rank = batchDims.size();
        if (perm.length != rank - 1) {
            throw new IllegalArgumentException("permutation " + java.util.Arrays.toString(perm) + " for shape " + batchDims);
        }
        int[] full = new int[rank];
        for (int i = 1; i < rank; i++) {
            full[i] = perm[i - 1] + 1;
        }
        int[] srcStride = new int[rank];
        int total = 1;
        for (int a = rank - 1; a >= 0; a--) {
            srcStride[a] = total;
            total *= batchDims.get(a);
        }
        int[] outDims = new int[rank];
        for (int a = 0; a < rank; a++) {
            outDims[a] = batchDims.get(full[a]);
        }
        int[] map = new int[total];
        int[] idx = new int[rank];
        for (int o = 0; o < total; o++) {
            int src = 0;
            for (int a = 0; a < rank; a++) {
                src += idx[a] * srcStride[full[a]];
            }
            map[o] = src;
            for (int a = rank - 1; a >= 0; a--) {
                if (++idx[a] < outDims[a]) {
                    break;
                }
                idx[a] = 0;
            }
        }
        return map;
    }
}
