package dev.mcugen.ir.fixed;

import java.util.List;
import java.util.Locale;
import java.util.function.DoubleUnaryOperator;

/**
 * Measures the integer ELU, swish, hard swish and relu6 hard sigmoid tables ({@link LookupTable})
 * against the true functions (double, {@code StrictMath}) for docs/activations.md: input range
 * [-8, 8] (int8 scale 16/255 with zero point 0; int16 scale 8/32767), output type fitted to the
 * function's range there (int8 asymmetric, int16 symmetric). Error of every input value in output
 * steps and as a real number, against the function of the dequantized input (the input's own rounding
 * left out). Run: {@code java -cp ir/target/classes:ir/target/test-classes dev.mcugen.ir.fixed.PointwiseErrors}.
 */
public final class PointwiseErrors {
    /** A function with the bound its int16 table is held to (in output steps). */
    record Fn(String name, DoubleUnaryOperator f, double int16Bound) {
    }

    record Result(double maxSteps, double maxReal, double outputScale) {
    }

    static final List<Fn> FUNCTIONS = List.of(
            new Fn("elu", x -> x > 0 ? x : StrictMath.expm1(x), 1.8),
            new Fn("swish", x -> x / (1 + StrictMath.exp(-x)), 1.8),
            new Fn("hard_swish", x -> x * Math.min(Math.max(x + 3, 0), 6) / 6, 1.4),
            new Fn("hard_sigmoid6", x -> Math.min(Math.max(x + 3, 0), 6) / 6, 1.2));

    private PointwiseErrors() {
    }

    private static double[] range(DoubleUnaryOperator f) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int i = -80000; i <= 80000; i++) {
            double y = f.applyAsDouble(i / 10000.0);
            lo = Math.min(lo, y);
            hi = Math.max(hi, y);
        }
        return new double[] {lo, hi};
    }

    static Result int8(Fn fn) {
        double sx = 16.0 / 255;
        double[] r = range(fn.f());
        double lo = Math.min(r[0], 0);
        double hi = Math.max(r[1], 0);
        double sy = (hi - lo) / 255;
        int zpy = (int) Math.round(-128 - lo / sy);
        int[] t = LookupTable.int8(fn.f(), sx, 0, sy, zpy, -128, 127);
        double worst = 0;
        for (int q = -128; q <= 127; q++) {
            double want = fn.f().applyAsDouble(sx * q);
            worst = Math.max(worst, Math.abs(sy * (t[q + 128] - zpy) - want));
        }
        return new Result(worst / sy, worst, sy);
    }

    static Result int16(Fn fn) {
        double sx = 8.0 / 32767;
        double[] r = range(fn.f());
        double sy = Math.max(Math.abs(r[0]), Math.abs(r[1])) / 32767;
        int[] t = LookupTable.int16(fn.f(), sx, 0, sy, 0, -32767, 32767);
        double worst = 0;
        for (int q = -32767; q <= 32767; q++) {
            double want = fn.f().applyAsDouble(sx * q);
            worst = Math.max(worst, Math.abs(sy * LookupTable.lookup16(t, q) - want));
        }
        return new Result(worst / sy, worst, sy);
    }

    public static void main(String[] args) {
        System.out.println("| function | int8 max error (steps) | int8 (real) | int16 max error (steps) | int16 (real) |");
        System.out.println("|---|---|---|---|---|");
        for (Fn f : FUNCTIONS) {
            Result a = int8(f);
            Result b = int16(f);
            System.out.println(String.format(Locale.ROOT, "| %s | %.3f | %.2e | %.3f | %.2e |", f.name(), a.maxSteps(),
                    a.maxReal(), b.maxSteps(), b.maxReal()));
        }
    }
}
