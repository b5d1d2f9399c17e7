package dev.mcugen.gen;

import dev.mcugen.ir.Shape;
import dev.mcugen.ir.quant.IntTensor;
import dev.mcugen.ir.quant.QConv;
import dev.mcugen.ir.quant.QFullyConnected;
import dev.mcugen.scale.QuantOptions;

/**
 * The flash layout of an int8 weight matrix with {@code rows} output rows (Dense units, matVec rows)
 * and {@code cols} inputs, logical {@code W[r][c]}, and its packing: the Java side of the C enum
 * {@code mcu_weight_layout_t} (runtime-c/include/mcu_nn.h states every layout; mcu_matvec.h why).
 * The C kernels read every layout on every target (a portable emulation off the fast path), so the
 * choice only decides speed: {@link #forTarget} picks the one the target's fast path reads.
 *
 * <p>Packed layouts pad rows and columns to multiples of 4 with weight 0 and are emitted word aligned
 * ({@code MCU_ALIGN4}).
 */
public enum WeightLayout {
    /** Dense: {@code [cols, rows]} (Keras); matVec: {@code [rows, cols]}: the order the IR holds. */
    PLAIN("MCU_WLAYOUT_PLAIN"),
    /** Cortex-M4/M7/M33/M55 SMLAD: two rows per halfword ({@code 256 a + b + 128}), 4 rows x 4 columns per 16 bytes. */
    DSP_PAIRS("MCU_WLAYOUT_DSP_PAIRS"),
    /** Cortex-M3: groups of 4 rows, the 4 weights of one column adjacent. */
    ROWS4("MCU_WLAYOUT_ROWS4"),
    /** NEON and Cortex-M0: row-major with the row stride padded to 4 ({@code w[r Cp + c]}), each row contiguous. */
    ROWMAJOR("MCU_WLAYOUT_ROWMAJOR");

    private final String cName;

    WeightLayout(String cName) {
        this.cName = cName;
    }

    /** The C enumerator. */
    public String cName() {
        return cName;
    }

    /** The layout an int8-input matrix gets on {@code target}: the one its fast path reads. */
    public static WeightLayout forTarget(QuantOptions.Target target) {
        return switch (target) {
            // Armv8-M Mainline (M33) and Armv8.1-M (M55) have the same DSP extension (SMLAD) as M4/M7.
            case CORTEX_M4, CORTEX_M7, CORTEX_M33, CORTEX_M55 -> DSP_PAIRS;
            case CORTEX_M3 -> ROWS4;
            case NEON, CORTEX_M0 -> ROWMAJOR;
            default -> PLAIN;
        };
    }

    /** The logical matrix: weight of output row r and input c, in [-127, 127]. */
    @FunctionalInterface
    public interface Matrix {
        int get(int r, int c);
    }

    /**
     * Whether every accumulator of the int8 Dense stays below 2^30 in magnitude for any int8 input:
     * {@code |bias_o| + 128 sum_i |w_io| < 2^30} (|x| <= 128), the bound mcu_fc_params_t.acc_small
     * states (the packed output stage doubles the accumulator).
     */
    public static boolean accumulatorBelow30(QFullyConnected fc) {
        return accumulatorBelow30(fc.bias(), fc.weights(), fc.inputSize(), fc.units());
    }

    /**
     * {@link #accumulatorBelow30(QFullyConnected)} for the Dense of {@code inputs} x {@code units} weights
     * in Dense order {@code w[i * units + o]} (also a convolution's {@code [kh, kw, C, F]}, flattened).
     */
    public static boolean accumulatorBelow30(IntTensor bias, IntTensor weights, int inputs, int units) {
        for (int o = 0; o < units; o++) {
            long bound = Math.abs(bias.get(o));
            for (int i = 0; i < inputs; i++) {
                bound += 128L * Math.abs(weights.get(i * units + o));
            }
            if (bound >= 1L << 30) {
                return false;
            }
        }
        return true;
    }

    /**
     * The im2col buffer a packed convolution is given in the arena holds as many receptive fields as
     * fit in this many bytes, and always at least one (mcu_conv_packed_impl.h runs one Dense call per
     * buffer; a few positions per call spread its setup, more gain nothing).
     */
    public static final int CONV_IM2COL_BYTES = 512;

    /**
     * The layout of an int8-input convolution's weights, the matrix of {@code filters} rows and
     * {@code kh kw C} columns (runtime-c/include/mcu_nn.h, mcu_conv_params_t.weight_layout): the
     * target's packed layout, the convolution then running as the packed Dense over its rows (the
     * input itself for a pointwise kernel with stride 1, else each position's receptive field, copied
     * into the arena's im2col buffer where it is not contiguous in the input), when every weight is in
     * [-127, 127] (the packed layouts' bound); otherwise {@link #PLAIN}, the convolution's own loop.
     */
    public static WeightLayout forConv(QuantOptions.Target target, QConv c) {
        for (int i = 0; i < c.weights().size(); i++) {
            if (c.weights().get(i) < -127) {
                return PLAIN;
            }
        }
        return forTarget(target);
    }

    /**
     * Bytes of the im2col buffer (mcu_conv_params_t.im2col_bytes) a convolution in {@code layout} takes
     * in the arena: 0 for {@link #PLAIN} and where every row is read in place (a pointwise kernel with
     * stride 1; a kernel one row high without dilation or padding, as a valid Conv1D), else as many
     * receptive fields of kh kw C bytes as fit {@link #CONV_IM2COL_BYTES}, at least one.
     */
    public static int im2colBytes(WeightLayout layout, QConv c) {
        boolean pointwise = c.kernelH() == 1 && c.kernelW() == 1 && c.strideH() == 1 && c.strideW() == 1;
        boolean inPlace = c.kernelH() == 1 && c.dilationW() == 1 && c.padding() == dev.mcugen.ir.Padding.VALID;
        if (layout == PLAIN || pointwise || inPlace) {
            return 0;
        }
        int cols = c.kernelH() * c.kernelW() * c.channels();
        int fields = Math.max(1, CONV_IM2COL_BYTES / cols) * cols;
        int rows = rowsBytes(layout, c);
        return rows <= CONV_ROWS_MAX_BYTES ? Math.max(fields, rows) : fields;
    }

    /** Receptive fields the im2col buffer of a convolution holds at least on NEON (its block of positions). */
    public static final int NEON_IM2COL_FIELDS = 4;

    /**
     * {@link #im2colBytes(WeightLayout, QConv)} for {@code target}: on NEON, where the convolution
     * computes 4 positions per block (runtime-c/src/mcu_conv_neon.h), room for
     * {@link #NEON_IM2COL_FIELDS} fields at least wherever a buffer is needed.
     */
    public static int im2colBytes(QuantOptions.Target target, WeightLayout layout, QConv c) {
        int bytes = im2colBytes(layout, c);
        int cols = c.kernelH() * c.kernelW() * c.channels();
        return target == QuantOptions.Target.NEON && bytes > 0 ? Math.max(bytes, NEON_IM2COL_FIELDS * cols) : bytes;
    }

    /**
     * The most arena bytes a convolution's prepared input rows may take (the im2col-free path of
     * mcu_conv_packed_s8 on {@link #DSP_PAIRS}): larger ones keep the im2col buffer.
     */
    public static final int CONV_ROWS_MAX_BYTES = 4096;

    /**
     * Bytes of the prepared input rows the im2col-free path of mcu_conv_packed_s8 reads its receptive
     * fields from in place (runtime-c/src/mcu_conv_rows_impl.h, mcu_conv_rows_bytes(), the same
     * formula), 0 where it does not apply: {@link #DSP_PAIRS} weights, channels a multiple of 4, no
     * dilation, at most 512 columns per kernel row, not a 1x1 kernel (its rows are one input position each). kh rows of
     * wp = (out_w - 1) stride_w + kw padded positions, each its C int16 values and an int32 sum.
     */
    public static int rowsBytes(WeightLayout layout, QConv c) {
        int ch = c.channels();
        if (layout != DSP_PAIRS || ch % 4 != 0 || c.dilationH() != 1 || c.dilationW() != 1
                || c.kernelW() * ch > 512
                || c.kernelH() * c.kernelW() == 1) {
            return 0;
        }
        Shape out = c.outputShape();
        int ow = out.dim(out.rank() - 2);
        long wp = (long) (ow - 1) * c.strideW() + c.kernelW();
        long bytes = c.kernelH() * wp * (2L * ch + 4);
        return bytes > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) bytes;
    }

    /** Rows or columns rounded up to the multiple of 4 of the packed layouts. */
    static int padded(int n) {
        return (n + 3) & ~3;
    }

    /**
     * The bytes of the packed layouts (as int8 values) of a rows x cols matrix; {@link #PLAIN} is not
     * packed here (its order differs between Dense and matVec: the callers keep the IR's array).
     */
    public byte[] pack(Matrix w, int rows, int cols) {
        return switch (this) {
            case DSP_PAIRS -> packDspPairs(w, rows, cols);
            case ROWS4 -> packRows4(w, rows, cols);
            case ROWMAJOR -> packRowMajor(w, rows, cols);
            case PLAIN -> throw new IllegalStateException("PLAIN keeps the IR's order");
        };
    }

    private static int at(Matrix w, int rows, int cols, int r, int c) {
        return r < rows && c < cols ? w.get(r, c) : 0;
    }

    /**
     * Group g (rows 4g..4g+3 = pair 0 (a 4g, b 4g+1), pair 1 (a 4g+2, b 4g+3)), block k (columns
     * j = 4k..4k+3): 16 bytes at {@code 16 (g Cp / 4 + k)}, words W0 = pair 0 (j, j+2),
     * W1 = pair 1 (j, j+2), W2 = pair 0 (j+1, j+3), W3 = pair 1 (j+1, j+3); in a word the halfword of
     * the first column comes first (little endian); a halfword is the bytes (b + 128, a).
     */
    static byte[] packDspPairs(Matrix w, int rows, int cols) {
        int rp = padded(rows);
        int cp = padded(cols);
        byte[] out = new byte[rp * cp];
        int i = 0;
        for (int g = 0; g < rp / 4; g++) {
            for (int k = 0; k < cp / 4; k++) {
                for (int q = 0; q < 4; q++) {
                    int a = 4 * g + 2 * (q & 1);
                    int first = 4 * k + (q >> 1);
                    for (int c = first; c <= first + 2; c += 2) {
                        out[i++] = (byte) (at(w, rows, cols, a + 1, c) + 128);
                        out[i++] = (byte) at(w, rows, cols, a, c);
                    }
                }
            }
        }
        return out;
    }

    /** Group g (rows 4g..4g+3): {@code 4 Cp} bytes, column c's 4 weights at {@code 4 (g Cp + c)}. */
    static byte[] packRows4(Matrix w, int rows, int cols) {
        int rp = padded(rows);
        int cp = padded(cols);
        byte[] out = new byte[rp * cp];
        int i = 0;
        for (int g = 0; g < rp / 4; g++) {
            for (int c = 0; c < cp; c++) {
                for (int r = 4 * g; r < 4 * g + 4; r++) {
                    out[i++] = (byte) at(w, rows, cols, r, c);
                }
            }
        }
        return out;
    }

    /** Row r at {@code r Cp}: the rows' weights contiguous, rows and columns padded with 0. */
    static byte[] packRowMajor(Matrix w, int rows, int cols) {
        int rp = padded(rows);
        int cp = padded(cols);
        byte[] out = new byte[rp * cp];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                out[r * cp + c] = (byte) w.get(r, c);
            }
        }
        return out;
    }
}
