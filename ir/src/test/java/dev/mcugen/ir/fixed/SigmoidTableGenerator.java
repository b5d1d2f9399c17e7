package dev.mcugen.ir.fixed;

/**
 * Generates {@link LutActivation}'s table (run {@link #main} to print the Java literal; the test
 * {@code LutActivationTest} checks that the literal in the source is what this produces).
 *
 * <p>Entry {@code i} of 256 holds {@code sigmoid(x_i)} in unsigned Q0.16 at {@code x_i = i * h},
 * {@code h = 1/24}, moved by half the linear-interpolation error so that the error between two
 * nodes is balanced around zero: {@code round(65536 * (sigmoid(x_i) - sigmoid''(x_i) * h^2 / 16))}
 * with {@code sigmoid'' = s (1 - s) (1 - 2 s)} (the interpolation error at an interval's midpoint is
 * about {@code -sigmoid'' h^2 / 8}). The last entry, the end point of the last interval, is pinned
 * to 65535, the level of the saturating branch of tanh. The resulting table equals CMSIS-NN's
 * {@code sigmoid_table_uint16} (arm_nntables.c), also used by TFLM's int16 reference kernels.
 * {@link StrictMath} makes the values the same on every JVM; the nearest pre-rounding value is
 * 0.004 away from a rounding tie, far beyond any floating-point error.
 */
public final class SigmoidTableGenerator {
    private SigmoidTableGenerator() {
    }

    /** The 256 table entries. */
    public static int[] generate() {
        int[] t = new int[LutActivation.TABLE_SIZE];
        double h = 1.0 / 24;
        for (int i = 0; i < t.length - 1; i++) {
            double s = 1 / (1 + StrictMath.exp(-i * h));
            double second = s * (1 - s) * (1 - 2 * s);
            t[i] = (int) Math.min(65535, Math.round(65536 * (s - second * h * h / 16)));
        }
        t[t.length - 1] = 65535;
        return t;
    }

    /** Prints the table as the body of a Java array literal, 12 values per line. */
    public static void main(String[] args) {
        int[] t = generate();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < t.length; i++) {
            sb.append(i % 12 == 0 ? "            " : " ").append(t[i]);
            sb.append(i == t.length - 1 ? "\n" : i % 12 == 11 ? ",\n" : ",");
        }
        System.out.print(sb);
    }
}
