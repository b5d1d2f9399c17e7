package dev.mcugen.ir.interp;

import dev.mcugen.ir.Diag;
import dev.mcugen.ir.McugenException;

/**
 * The float kernels of {@link dev.mcugen.ir.Op.LayerNorm} and {@link dev.mcugen.ir.Op.Embedding},
 * with TF.js's float32 semantics (cpu backend).
 */
public final class TableAndNormKernels {
    private TableAndNormKernels() {
    }

    /**
     * TF.js LayerNormalization over the last axis ({@code tf.moments} then {@code tf.batchNorm}), per
     * row of {@code n} values:
     * <ul>
     *   <li>{@code mean}: each value divided by n in float32, the quotients summed in double, stored as
     *       float32 ({@code tf.mean} is {@code sum(x / n)});</li>
     *   <li>{@code var}: the same mean of {@code d_i = float32(x_i - mean)} squared in float32;</li>
     *   <li>{@code y = float32(beta + (x - mean) * gamma / sqrt(var + epsilon))} in double, epsilon the
     *       model file's decimal as a double (as TF.js reads it).</li>
     * </ul>
     */
    public static float[] layerNorm(float[] x, float[] gamma, float[] beta, float epsilon) {
        int n = gamma.length;
        double eps = Double.parseDouble(Float.toString(epsilon));
        float count = n;
        float[] y = new float[x.length];
        for (int row = 0; row < x.length; row += n) {
            double sum = 0.0;
            for (int i = 0; i < n; i++) {
                sum += x[row + i] / count;
            }
            float mean = (float) sum;
            double sq = 0.0;
            for (int i = 0; i < n; i++) {
                float d = x[row + i] - mean;
                sq += (d * d) / count;
            }
            float var = (float) sq;
            double sd = Math.sqrt(var + eps);
            for (int i = 0; i < n; i++) {
                y[row + i] = (float) (beta[i] + ((double) x[row + i] - mean) * gamma[i] / sd);
            }
        }
        return y;
    }

    /**
     * Embedding lookup: row {@code id} of {@code table [rows, dim]} for each id of {@code ids}.
     *
     * @throws McugenException {@link Diag#MCG_DATA_TOKEN_ID} naming {@code layer} when an id is not a
     *         whole number in {@code [0, rows)}
     */
    public static float[] embedding(String layer, float[] ids, float[] table, int rows, int dim) {
        float[] y = new float[ids.length * dim];
        for (int i = 0; i < ids.length; i++) {
            int id = tokenId(layer, ids[i], rows, i);
            System.arraycopy(table, id * dim, y, i * dim, dim);
        }
        return y;
    }

    /** The token id {@code v} stands for, checked to be a whole number in {@code [0, rows)}. */
    static int tokenId(String layer, float v, int rows, int index) {
        if (!(v >= 0 && v < rows) || v != Math.rint(v)) {
            throw new McugenException(Diag.MCG_DATA_TOKEN_ID, "layer '" + layer + "' (embedding)", "token id " + v
                    + " at index " + index + " is not a whole number in [0, " + rows + ")");
        }
        return (int) v;
    }
}
