package dev.mcugen.gen;

import dev.mcugen.ir.quant.IntTensor;
import dev.mcugen.ir.quant.QGru;
import dev.mcugen.ir.quant.QLstm;
import dev.mcugen.ir.quant.QMatVec;
import dev.mcugen.ir.quant.QRecurrent;

import java.util.ArrayList;
import java.util.List;

/**
 * Weights narrower than 8 bits stored packed in flash: the Java side of the C {@code mcu_sub8_matrix_t}
 * (runtime-c/include/mcu_nn.h states the layout and the code). A matrix of R rows (outputs) and C
 * columns (inputs) takes {@code R ceil(C bits / 8)} bytes: each row padded to a whole byte, the first
 * column in the lowest bits of a byte; each field is the unsigned code {@code k} of the weight
 * {@code w = codeScale k - codeOffset}: {@code k = w + 2^(b-1)} for the symmetric grids,
 * {@code k = (w + 2^b - 1) / 2} for balanced quantization's odd levels. Only the declared width
 * ({@link IntTensor#declaredBits}) decides the packing, never the range the values happen to have;
 * 4 and 2 bits are packed, other widths below 8 stay int8 with their narrowed range.
 */
public final class SubBytePacking {
    private SubBytePacking() {
    }

    /** The logical matrix: weight of output row r and input c. */
    @FunctionalInterface
    public interface Matrix {
        int get(int r, int c);
    }

    /** Whether {@code w} declares a packed width (4 or 2 bits). */
    public static boolean packed(IntTensor w) {
        return w.bits() == 8 && (w.declaredBits() == 4 || w.declaredBits() == 2);
    }

    /** Bytes of one packed row of {@code cols} weights at {@code bits}. */
    public static int rowBytes(int cols, int bits) {
        int per = 8 / bits;
        return (cols + per - 1) / per;
    }

    /** {@code code_scale}: 2 for odd levels, else 1. */
    public static int codeScale(IntTensor w) {
        return w.oddLevels() ? 2 : 1;
    }

    /** {@code code_offset}: {@code 2^b - 1} for odd levels, else {@code 2^(b-1)}. */
    public static int codeOffset(IntTensor w) {
        return w.oddLevels() ? (1 << w.declaredBits()) - 1 : 1 << (w.declaredBits() - 1);
    }

    /** The packed bytes of {@code m} ({@code rows} x {@code cols}) with the declared width and code of {@code w}. */
    public static byte[] pack(IntTensor w, Matrix m, int rows, int cols) {
        int bits = w.declaredBits();
        int per = 8 / bits;
        int rb = rowBytes(cols, bits);
        int scale = codeScale(w);
        int offset = codeOffset(w);
        byte[] out = new byte[rows * rb];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                int v = m.get(r, c) + offset;
                if (v % scale != 0 || v / scale < 0 || v / scale >= 1 << bits) {
                    throw new IllegalStateException("weight " + m.get(r, c) + " is not a " + bits + "-bit level");
                }
                int i = r * rb + c / per;
                out[i] = (byte) (out[i] | (v / scale) << (bits * (c % per)));
            }
        }
        return out;
    }

    /** The matrices of an LSTM (gates, projection) or GRU; empty for other recurrent layers. */
    public static List<QMatVec> matVecs(QRecurrent r) {
        List<QMatVec> m = new ArrayList<>();
        if (r instanceof QLstm l) {
            for (var g : java.util.Arrays.asList(l.inputGate(), l.forgetGate(), l.cellGate(), l.outputGate())) {
                if (g != null) {
                    m.add(g.input());
                    m.add(g.recurrent());
                }
            }
            if (l.projection() != null) {
                m.add(l.projection());
            }
        } else if (r instanceof QGru g) {
            for (var gate : List.of(g.updateGate(), g.resetGate())) {
                m.add(gate.input());
                m.add(gate.recurrent());
            }
            m.add(g.candidateInput());
            m.add(g.candidateRecurrent());
        }
        return m;
    }

    /** Whether an LSTM or GRU has a packed matrix (it then runs the {@code _sub8_} step kernel). */
    static boolean hasPacked(QRecurrent r) {
        return matVecs(r).stream().anyMatch(m -> packed(m.weights()));
    }
}
