package dev.mcugen.ir.fixed;

/**
 * Sigmoid and tanh by table lookup with linear interpolation: the int16 scheme of TFLM's reference
 * kernels ({@code tflite::reference_integer_ops::Logistic} and {@code Tanh} for int16,
 * {@code tensorflow/lite/kernels/internal/reference/integer_ops/logistic.h}, {@code tanh.h}) and
 * CMSIS-NN's {@code arm_nn_activation_s16}, which its header calls bit-exact with them; the cheap
 * choice for Cortex-M0 ({@code --activation lut}).
 *
 * <p>One table serves both functions: 256 unsigned Q0.16 values of {@code sigmoid(i / 24)}
 * (255 intervals and their end point; {@link #table()}; generated offline, see
 * {@code SigmoidTableGenerator} in the tests; identical to CMSIS-NN's {@code sigmoid_table_uint16}),
 * and {@code tanh(x) = 2 sigmoid(2x) - 1}. For an input {@code x} in Qm.(15-m):
 * <ol>
 *   <li>{@code v = 3 x 2^(m - 3)}, the input in units of {@code 1 / (3 * 4096)} ({@link
 *       #scaledInput}; TFLM's {@code input_multiplier}/{@code input_left_shift}), and
 *       {@code a = |v|};</li>
 *   <li>sigmoid: {@code i = a >> 9}, {@code f = a & 511} (so {@code a / 512 = |x| * 24});
 *       {@code r = (T[i] << 9) + f (T[i+1] - T[i])}, or {@code r = 32767 << 10} when
 *       {@code i >= 255}; {@code p = (r + 2^9) >> 10}; result {@code v >= 0 ? p : 32768 - p};</li>
 *   <li>tanh: {@code i = a >> 8}, {@code f = a & 255} (so {@code a / 256 = |2x| * 24});
 *       {@code r = (T[i] << 8) + f (T[i+1] - T[i])}, or {@code r = 65535 << 8} when
 *       {@code i >= 255}; {@code t = (r - 2^23 + 2^7) >> 8}; result {@code v >= 0 ? t : -t}.</li>
 * </ol>
 * All operands of the shifts are non-negative ({@code r >= 2^23} because {@code T[0] = 32768} and
 * {@code T} is non-decreasing), so the C form is the same expressions on {@code int32_t}. TFLM writes
 * the negative branches as {@code ((1 << 25) - r + 2^9 - 1) >> 10} and
 * {@code (-r + 2^23 + 2^7 - 1) >> 8}; these equal {@code 32768 - p} and {@code -t} exactly
 * (checked over every input by the tests). Hence sigmoid is exactly symmetric,
 * {@code sigmoid(-x) = 32768 - sigmoid(x)}, in {@code [1, 32767]}, and tanh exactly odd, in
 * {@code [-32767, 32767]}.
 */
public final class LutActivation implements Int16Activation {
    /** The instance; the class has no state. */
    public static final LutActivation INSTANCE = new LutActivation();
    /** Entries in the table (255 intervals plus the end point). */
    public static final int TABLE_SIZE = 256;

    /** sigmoid(i / 24) in unsigned Q0.16; see {@code SigmoidTableGenerator} for how it is made. */
    private static final int[] SIGMOID_TABLE = {
            32768, 33451, 34133, 34813, 35493, 36169, 36843, 37513, 38180, 38841, 39498, 40149,
            40794, 41432, 42064, 42688, 43304, 43912, 44511, 45102, 45683, 46255, 46817, 47369,
            47911, 48443, 48964, 49475, 49975, 50464, 50942, 51409, 51865, 52311, 52745, 53169,
            53581, 53983, 54374, 54755, 55125, 55485, 55834, 56174, 56503, 56823, 57133, 57433,
            57724, 58007, 58280, 58544, 58800, 59048, 59288, 59519, 59743, 59959, 60168, 60370,
            60565, 60753, 60935, 61110, 61279, 61441, 61599, 61750, 61896, 62036, 62172, 62302,
            62428, 62549, 62666, 62778, 62886, 62990, 63090, 63186, 63279, 63368, 63454, 63536,
            63615, 63691, 63765, 63835, 63903, 63968, 64030, 64090, 64148, 64204, 64257, 64308,
            64357, 64405, 64450, 64494, 64536, 64576, 64614, 64652, 64687, 64721, 64754, 64786,
            64816, 64845, 64873, 64900, 64926, 64950, 64974, 64997, 65019, 65039, 65060, 65079,
            65097, 65115, 65132, 65149, 65164, 65179, 65194, 65208, 65221, 65234, 65246, 65258,
            65269, 65280, 65291, 65301, 65310, 65319, 65328, 65337, 65345, 65352, 65360, 65367,
            65374, 65381, 65387, 65393, 65399, 65404, 65410, 65415, 65420, 65425, 65429, 65433,
            65438, 65442, 65445, 65449, 65453, 65456, 65459, 65462, 65465, 65468, 65471, 65474,
            65476, 65479, 65481, 65483, 65485, 65488, 65489, 65491, 65493, 65495, 65497, 65498,
            65500, 65501, 65503, 65504, 65505, 65507, 65508, 65509, 65510, 65511, 65512, 65513,
            65514, 65515, 65516, 65517, 65517, 65518, 65519, 65520, 65520, 65521, 65522, 65522,
            65523, 65523, 65524, 65524, 65525, 65525, 65526, 65526, 65526, 65527, 65527, 65528,
            65528, 65528, 65529, 65529, 65529, 65529, 65530, 65530, 65530, 65530, 65531, 65531,
            65531, 65531, 65531, 65532, 65532, 65532, 65532, 65532, 65532, 65533, 65533, 65533,
            65533, 65533, 65533, 65533, 65533, 65534, 65534, 65534, 65534, 65534, 65534, 65534,
            65534, 65534, 65534, 65535
    };

    private LutActivation() {
    }

    /** The 256 table values (unsigned 16-bit), for the C generator to emit as {@code uint16_t}. */
    public static int[] table() {
        return SIGMOID_TABLE.clone();
    }

    /**
     * The input rescaled to units of {@code 1 / (3 * 4096)}: {@code 3 x 2^(m - 3)} exactly for
     * {@code m >= 3}; for {@code m < 3}, {@code floor((3 x + 2^(2 - m)) / 2^(3 - m))}, i.e. rounded
     * to nearest with ties up, as TFLM's {@code (x * 3 + round) >> shift} for a cell state finer than
     * Q3.12. C form: {@code 3 * x * (1 << (m - 3))}, and {@link FixedPoint#asr} for the division.
     */
    static int scaledInput(int x, int integerBits) {
        return integerBits >= 3
                ? 3 * x * (1 << (integerBits - 3))
                : FixedPoint.asr(3 * x + (1 << (2 - integerBits)), 3 - integerBits);
    }

    @Override
    public int sigmoid(int x, int integerBits) {
        FixedPoint.checkActivationInput(x, integerBits);
        int v = scaledInput(x, integerBits);
        int a = v >= 0 ? v : -v;
        int i = a >> 9;
        int r;
        if (i >= TABLE_SIZE - 1) {
            r = 32767 << 10;
        } else {
            int lo = SIGMOID_TABLE[i];
            r = (lo << 9) + (a & 511) * (SIGMOID_TABLE[i + 1] - lo);
        }
        int p = (r + (1 << 9)) >> 10;
        return v >= 0 ? p : 32768 - p;
    }

    @Override
    public int tanh(int x, int integerBits) {
        FixedPoint.checkActivationInput(x, integerBits);
        int v = scaledInput(x, integerBits);
        int a = v >= 0 ? v : -v;
        int i = a >> 8;
        int r;
        if (i >= TABLE_SIZE - 1) {
            r = 65535 << 8;
        } else {
            int lo = SIGMOID_TABLE[i];
            r = (lo << 8) + (a & 255) * (SIGMOID_TABLE[i + 1] - lo);
        }
        int t = (r - (1 << 23) + (1 << 7)) >> 8;
        return v >= 0 ? t : -t;
    }
}
