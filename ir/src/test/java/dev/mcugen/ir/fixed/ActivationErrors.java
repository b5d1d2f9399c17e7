package dev.mcugen.ir.fixed;

import java.util.Locale;
import java.util.function.DoubleUnaryOperator;

/**
 * Exhaustive error measurement of an {@link Int16Activation} against the true function in double
 * ({@link StrictMath}): every int16 input in a given Qm.(15-m) format. {@link #main} prints the
 * table pasted into {@code docs/activations.md}.
 */
public final class ActivationErrors {
    /** The functions measured. */
    public enum Function {
        SIGMOID(x -> 1 / (1 + StrictMath.exp(-x))),
        TANH(StrictMath::tanh);

        private final DoubleUnaryOperator exact;

        Function(DoubleUnaryOperator exact) {
            this.exact = exact;
        }

        /** The true value at {@code x}. */
        public double exact(double x) {
            return exact.applyAsDouble(x);
        }

        /** The implementation's output for the int16 input {@code q} in Q{@code m}. */
        public int apply(Int16Activation impl, int q, int m) {
            return this == SIGMOID ? impl.sigmoid(q, m) : impl.tanh(q, m);
        }
    }

    /**
     * The result of one sweep: the largest {@code |out / 2^15 - f(q / 2^(15-m))|} in units of 2^-15,
     * the input where it occurs, and whether the output never decreases as the input grows.
     */
    public record Stats(double maxErrorLsb, int worstInput, boolean monotonic) {
        /** The max error as a real number. */
        public double maxErrorReal() {
            return maxErrorLsb / 32768;
        }
    }

    private ActivationErrors() {
    }

    /** Sweeps all 65,536 inputs of format Qm.(15-m). */
    public static Stats measure(Int16Activation impl, Function f, int m) {
        double worst = -1;
        int worstInput = 0;
        boolean monotonic = true;
        int previous = Integer.MIN_VALUE;
        double inputScale = Math.scalb(1.0, m - 15);
        for (int q = FixedPoint.INT16_MIN; q <= FixedPoint.INT16_MAX; q++) {
            int out = f.apply(impl, q, m);
            double err = Math.abs(out - 32768 * f.exact(q * inputScale));
            if (err > worst) {
                worst = err;
                worstInput = q;
            }
            monotonic &= out >= previous;
            previous = out;
        }
        return new Stats(worst, worstInput, monotonic);
    }

    /** Prints the max-error table in Markdown. */
    public static void main(String[] args) {
        System.out.println("| function | input | lut max error (2^-15) | lut max error (real) "
                + "| poly max error (2^-15) | poly max error (real) |");
        System.out.println("|---|---|---|---|---|---|");
        for (Function f : Function.values()) {
            for (int m = 0; m <= Int16Activation.MAX_INTEGER_BITS; m++) {
                Stats lut = measure(LutActivation.INSTANCE, f, m);
                Stats poly = measure(PolyActivation.INSTANCE, f, m);
                System.out.println(String.format(Locale.ROOT, "| %s | Q%d.%d | %.3f | %.2e | %.3f | %.2e |",
                        f.name().toLowerCase(Locale.ROOT), m, 15 - m, lut.maxErrorLsb(), lut.maxErrorReal(),
                        poly.maxErrorLsb(), poly.maxErrorReal()));
            }
        }
    }
}
