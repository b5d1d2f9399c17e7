package dev.mcugen.scale;

import java.util.List;

/**
 * A relation between the quantization parameters of tensors (seed 001's "contracts", DESIGN §5).
 * In log2 they are linear: {@code log s_r = log s_a + log s_b}, {@code log s = -n}, ... The
 * {@link HeuristicSolver} makes them hold, widening calibrated ranges where needed, and reports
 * each as held exactly, rounded or violated.
 */
public sealed interface Contract {
    /** The tensors the contract ties together (for reports). */
    List<String> tensors();

    /** A short name for reports: equal_scale, product, power_of_two, fixed_format, coverage, exact_zero. */
    String kind();

    /**
     * All tensors share one scale and one zero point (concatenate, pooling, reshape, add in the
     * equal-scale form, a recurrent state read and written by the same layer).
     */
    record EqualScale(List<String> tensors) implements Contract {
        public EqualScale {
            tensors = List.copyOf(tensors);
        }

        public String kind() {
            return "equal_scale";
        }
    }

    /** {@code s_result = s_a * s_b} (an int32 bias of {@code w · x}: {@code s_b = s_w * s_x}). */
    record Product(String result, String a, String b) implements Contract {
        public List<String> tensors() {
            return List.of(result, a, b);
        }

        public String kind() {
            return "product";
        }
    }

    /** The scale is a power of two and the zero point 0 (a Q m.n format; the LSTM cell state). */
    record PowerOfTwo(String tensor) implements Contract {
        public List<String> tensors() {
            return List.of(tensor);
        }

        public String kind() {
            return "power_of_two";
        }
    }

    /** The tensor has exactly the format Q m.n with {@code m + n + 1 = bits} (gate inputs Q3.12, outputs Q0.15). */
    record FixedFormat(String tensor, int bits, int fractionalBits) implements Contract {
        public List<String> tensors() {
            return List.of(tensor);
        }

        public String kind() {
            return "fixed_format";
        }
    }

    /** The type represents every value of the calibrated range {@code [min, max]} without clipping. */
    record Coverage(String tensor, double min, double max) implements Contract {
        public List<String> tensors() {
            return List.of(tensor);
        }

        public String kind() {
            return "coverage";
        }
    }

    /** Real 0 is exactly representable (zero padding, ReLU, zero initial state). */
    record ExactZero(String tensor) implements Contract {
        public List<String> tensors() {
            return List.of(tensor);
        }

        public String kind() {
            return "exact_zero";
        }
    }
}
