package dev.mcugen.ir;

/**
 * How far outputs are from a reference: the largest absolute difference and the largest absolute
 * reference value (the scale the importer tests' relative bounds are taken of).
 */
public record Deviation(double maxAbsError, double maxAbsExpected) {
    /** Element by element over {@code got} and {@code want}, which must be of one length. */
    public static Deviation of(float[] got, float[] want) {
        if (got.length != want.length) {
            throw new AssertionError(got.length + " values where the reference has " + want.length);
        }
        double err = 0;
        double max = 0;
        for (int i = 0; i < want.length; i++) {
            err = Math.max(err, Math.abs((double) got[i] - want[i]));
            max = Math.max(max, Math.abs(want[i]));
        }
        return new Deviation(err, max);
    }
}
