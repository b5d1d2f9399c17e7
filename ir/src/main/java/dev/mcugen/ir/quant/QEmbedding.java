package dev.mcugen.ir.quant;

import dev.mcugen.ir.Shape;

import java.util.List;

/**
 * Embedding lookup on integer token ids: {@code y[i, :] = table[clamp(id_i, 0, rows - 1), :]}. The
 * table holds the float table quantized with the output type itself ({@code q = clamp(round(v / s_y)
 * + zp_y)}): the table's quantization is the output's, so the lookup is a copy with no rescale. The
 * ids come from a token-id model input (int32, scale 1, zero point 0); the clamp keeps an id outside
 * {@code [0, rows)} from reading outside the table (mcugen's own tools refuse such data first).
 *
 * @param table int8 or int16 {@code [rows, dim]}, of the output type's width
 */
public record QEmbedding(String name, String input, Shape outputShape, QuantType outputType, IntTensor table)
        implements QFeedForward {
    public QEmbedding {
        Shape t = table.shape();
        if (t.rank() != 2 || t.dim(1) != outputShape.last() || table.bits() != outputType.bits()
                || table.bits() == 32) {
            throw new IllegalArgumentException(name + ": table must be int" + outputType.bits() + " [rows, "
                    + outputShape.last() + "], not " + table);
        }
    }

    @Override
    public List<String> inputs() {
        return List.of(input);
    }

    public int rows() {
        return table.shape().dim(0);
    }

    public int dim() {
        return table.shape().dim(1);
    }
}
