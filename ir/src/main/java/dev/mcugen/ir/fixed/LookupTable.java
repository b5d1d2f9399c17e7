package dev.mcugen.ir.fixed;

import java.util.function.DoubleUnaryOperator;

/**
 * Element-wise functions on integers through a table computed offline from the real function
 * {@code f} (in double) and the input and output types ({@code real = s (q - zp)}):
 * <ul>
 *   <li><b>int8</b>: one entry per input value, {@code T[q + 128] = clamp(zp_y + round(f(s_x (q - zp_x)) / s_y),
 *       qmin, qmax)} (round half away from zero): the lookup is exact up to the output's rounding.</li>
 *   <li><b>int16</b>: TensorFlow Lite's int16 table ({@code LUTPopulate} / {@code LUTLookup} of
 *       {@code kernels/internal/common.h}): 513 entries at inputs {@code q = -32768 + 128 i}, each the
 *       rounded output minus half the interpolation error at the interval's midpoint (so the linear
 *       interpolation's error is balanced around zero), clamped to {@code [qmin, qmax]}; a value is
 *       the straight line between the two entries around it, {@link #lookup16}.</li>
 * </ul>
 * The tables are computed here once; the simulator and the generated C read the same integers.
 */
public final class LookupTable {
    /** Entries of an int8 table. */
    public static final int INT8_ENTRIES = 256;
    /** Entries of an int16 table: 512 intervals of 128 inputs, plus the end point. */
    public static final int INT16_ENTRIES = 513;

    private LookupTable() {
    }

    /** Half-away-from-zero rounding. */
    static double round(double v) {
        return Math.signum(v) * Math.floor(Math.abs(v) + 0.5);
    }

    private static int clamp(double v, int lo, int hi) {
        return v < lo ? lo : v > hi ? hi : (int) v;
    }

    /** The int8 table: {@code T[q + 128]} for q = -128 … 127, as above. */
    public static int[] int8(DoubleUnaryOperator f, double sx, int zpx, double sy, int zpy, int qmin, int qmax) {
        int[] t = new int[INT8_ENTRIES];
        for (int q = -128; q <= 127; q++) {
            t[q + 128] = clamp(zpy + round(f.applyAsDouble(sx * (q - zpx)) / sy), qmin, qmax);
        }
        return t;
    }

    /** The int16 table of 513 entries (TFLite {@code LUTPopulateInt16} in double, with zero points). */
    public static int[] int16(DoubleUnaryOperator f, double sx, int zpx, double sy, int zpy, int qmin, int qmax) {
        int[] t = new int[INT16_ENTRIES];
        for (int i = 0; i < INT16_ENTRIES - 1; i++) {
            double x0 = sx * (-32768 + 128.0 * i - zpx);
            double val = f.applyAsDouble(x0) / sy;
            double valMid = f.applyAsDouble(x0 + 64.0 * sx) / sy;
            double valNext = f.applyAsDouble(x0 + 128.0 * sx) / sy;
            double sample = round(val);
            double midInterp = round((valNext + sample) / 2);
            double midErr = midInterp - round(valMid);
            double bias = round(midErr / 2);
            t[i] = clamp(zpy + sample - bias, qmin, qmax);
        }
        t[INT16_ENTRIES - 1] = clamp(zpy + round(f.applyAsDouble(sx * (32768.0 - zpx)) / sy), qmin, qmax);
        return t;
    }

    /**
     * TFLite's {@code LUTLookup} for int16: {@code i = (x + 32768) >> 7}, {@code o = x & 127},
     * {@code y = T[i] + floor((o · (T[i+1] - T[i]) + 64) / 128)} (round half up). The product is
     * above -2^23, so C floors by {@code ((p + 2^23) >> 7) - 2^16}, shifting a non-negative value.
     */
    public static int lookup16(int[] t, int x) {
        int u = x + 32768;
        int i = u >> 7;
        int o = u & 127;
        int slope = t[i + 1] - t[i];
        return t[i] + Math.floorDiv(slope * o + 64, 128);
    }
}
