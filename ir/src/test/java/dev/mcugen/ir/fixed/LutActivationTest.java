package dev.mcugen.ir.fixed;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

class LutActivationTest {
    private static final LutActivation LUT = LutActivation.INSTANCE;
    private static final int[] TABLE = LutActivation.table();
    private static final long UINT32 = 0xFFFF_FFFFL;

    @Test
    void tableIsWhatTheGeneratorMakes() {
        assertThat(TABLE).hasSize(LutActivation.TABLE_SIZE).containsExactly(SigmoidTableGenerator.generate());
    }

    @Test
    void tableEqualsCmsisNnSigmoidTableUint16() {
        // sum and Arrays.hashCode of CMSIS-NN's sigmoid_table_uint16 (Source/NNSupportFunctions/arm_nntables.c)
        assertThat(Arrays.stream(TABLE).sum()).isEqualTo(15_670_629);
        assertThat(Arrays.hashCode(TABLE)).isEqualTo(1_290_583_018);
    }

    @Test
    void tableStartsAtOneHalfAndNeverDecreases() {
        assertThat(TABLE[0]).isEqualTo(32768);
        assertThat(TABLE[TABLE.length - 1]).isEqualTo(65535);
        for (int i = 1; i < TABLE.length; i++) {
            assertThat(TABLE[i]).isGreaterThanOrEqualTo(TABLE[i - 1]);
        }
    }

    /** TFLM's Prepare (activations.cc / tanh.cc) for an input in Qm.(15-m): {multiplier, left shift}. */
    private static int[] tflmPrepare(int m, boolean tanh) {
        double scale = Math.scalb(1.0, m - 15);
        int leftShift = (15 - 3) + (m - 15);
        boolean pot = tanh ? leftShift == 0 || leftShift == 1 : leftShift == 0;
        if (pot) {
            return new int[] {0, leftShift};
        }
        double multiplier = scale * 4096.0 * 3.0;
        leftShift = 0;
        while (multiplier <= 32767.0 / 2.0 && leftShift <= 30) {
            leftShift++;
            multiplier = multiplier * 2.0;
        }
        return new int[] {(int) multiplier, leftShift};
    }

    /** The input scaling both TFLM kernels share ({@code >>} arithmetic, as on gcc). */
    private static int tflmInput(int x, int[] params) {
        int multiplier = params[0];
        int leftShift = params[1];
        if (multiplier == 0) {
            multiplier = 3 << leftShift;
            leftShift = 0;
        }
        int round = leftShift > 0 ? 1 << (leftShift - 1) : 0;
        return (x * multiplier + round) >> leftShift;
    }

    /** reference_integer_ops::Logistic (int16) as written in TFLM, uint32 arithmetic emulated. */
    private static int tflmLogistic(int x, int m) {
        int inputData = tflmInput(x, tflmPrepare(m, false));
        long abs = Math.abs(inputData) & UINT32;
        long uh = abs >> 9;
        long result;
        if (uh >= 255) {
            result = 0x7FFFL << 10;
        } else {
            long ua = TABLE[(int) uh];
            long ub = TABLE[(int) uh + 1];
            result = ((ua << 9) + (abs & 0x1ff) * (ub - ua)) & UINT32;
        }
        result = inputData >= 0 ? (result + (1 << 9)) & UINT32 : ((1L << (16 + 9)) - result + (1 << 9) - 1) & UINT32;
        return (short) (result >> 10);
    }

    /** reference_integer_ops::Tanh (int16) as written in TFLM. */
    private static int tflmTanh(int x, int m) {
        int inputData = tflmInput(x, tflmPrepare(m, true));
        long abs = Math.abs(inputData) & UINT32;
        long uh = abs >> 8;
        int result;
        if (uh >= 255) {
            result = 0xFFFF << 8;
        } else {
            long ua = TABLE[(int) uh];
            long ub = TABLE[(int) uh + 1];
            result = (int) (((ua << 8) + (abs & 0xFF) * (ub - ua)) & UINT32);
        }
        result = inputData >= 0 ? result - (1 << (14 + 9)) + (1 << (9 - 2))
                : -result + (1 << (14 + 9)) + (1 << (9 - 2)) - 1;
        return (short) (result >> (9 - 1));
    }

    @Test
    void bitExactWithTflmReferenceKernelsOnEveryInputAndFormat() {
        for (int m = 0; m <= Int16Activation.MAX_INTEGER_BITS; m++) {
            for (int x = FixedPoint.INT16_MIN; x <= FixedPoint.INT16_MAX; x++) {
                assertThat(LUT.sigmoid(x, m)).as("sigmoid(%d) Q%d", x, m).isEqualTo(tflmLogistic(x, m));
                assertThat(LUT.tanh(x, m)).as("tanh(%d) Q%d", x, m).isEqualTo(tflmTanh(x, m));
            }
        }
    }

    @Test
    void scaledInputIsThreeTimesTheInputInQ3Point12() {
        assertThat(LutActivation.scaledInput(1000, 3)).isEqualTo(3000);
        assertThat(LutActivation.scaledInput(-1000, 7)).isEqualTo(-48000);
        assertThat(LutActivation.scaledInput(-32768, 7)).isEqualTo(-3 * 32768 * 16);
        // finer formats: rounded to nearest, ties up
        assertThat(LutActivation.scaledInput(4, 0)).isEqualTo(2); // 12 / 8 = 1.5
        assertThat(LutActivation.scaledInput(-4, 0)).isEqualTo(-1); // -1.5
        assertThat(LutActivation.scaledInput(-32768, 0)).isEqualTo(-12288);
    }

    @Test
    void exactSymmetryWhereTheInputScalingIsExact() {
        for (int m = 3; m <= Int16Activation.MAX_INTEGER_BITS; m++) {
            for (int x = -FixedPoint.INT16_MAX; x <= FixedPoint.INT16_MAX; x++) {
                assertThat(LUT.sigmoid(-x, m)).isEqualTo(32768 - LUT.sigmoid(x, m));
                assertThat(LUT.tanh(-x, m)).isEqualTo(-LUT.tanh(x, m));
            }
        }
    }
}
