package dev.mcugen.ir.metrics;

/**
 * How far a tested output is from a reference (DESIGN §8): max |error|, RMSE, SQNR in dB
 * ({@code 10 log10(Σ ref² / Σ (ref - test)²)}, +∞ when identical), cosine similarity, and top-1
 * agreement (the share of samples whose arg-max over the last axis is the same).
 *
 * @param samples        number of samples compared
 * @param maxAbsError    largest |ref - test| over all values
 * @param rmse           sqrt(mean((ref - test)²))
 * @param sqnrDb         signal-to-quantization-noise ratio of test against ref, in dB
 * @param cosine         Σ ref·test / (|ref| |test|) over all values (1 when both are zero)
 * @param top1Agreement  fraction of samples with equal arg-max over the last axis
 * @param correlation    Pearson correlation of test with ref over all values (1 when both are the same
 *                       constant, 0 when only one is constant)
 */
public record ErrorMetrics(int samples, double maxAbsError, double rmse, double sqnrDb, double cosine, double top1Agreement,
                           double correlation) {

    /**
     * Compares {@code test} with {@code ref}, both row-major {@code [samples, ...]} with
     * {@code classes} values on the last axis (the arg-max is taken over each run of that many).
     */
    public static ErrorMetrics compare(float[] ref, float[] test, int samples, int classes) {
        if (ref.length != test.length) {
            throw new IllegalArgumentException("lengths differ: " + ref.length + " vs " + test.length);
        }
        if (samples <= 0 || classes <= 0 || ref.length % classes != 0 || ref.length % samples != 0) {
            throw new IllegalArgumentException(ref.length + " values do not split into " + samples + " samples of "
                    + classes + " classes");
        }
        double maxAbs = 0;
        double sumSq = 0;
        double signal = 0;
        double dot = 0;
        double testSq = 0;
        for (int i = 0; i < ref.length; i++) {
            double r = ref[i];
            double t = test[i];
            double e = r - t;
            maxAbs = Math.max(maxAbs, Math.abs(e));
            sumSq += e * e;
            signal += r * r;
            dot += r * t;
            testSq += t * t;
        }
        double rmse = Math.sqrt(sumSq / ref.length);
        double sqnr = sumSq == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(signal / sumSq);
        double cosine = signal == 0 && testSq == 0 ? 1.0 : dot / Math.sqrt(signal * testSq);
        int rows = ref.length / classes;
        int agree = 0;
        for (int row = 0; row < rows; row++) {
            if (argmax(ref, row * classes, classes) == argmax(test, row * classes, classes)) {
                agree++;
            }
        }
        return new ErrorMetrics(samples, maxAbs, rmse, sqnr, cosine, (double) agree / rows, correlation(ref, test));
    }

    /** Pearson correlation of {@code test} with {@code ref} (equal lengths). */
    public static double correlation(float[] ref, float[] test) {
        double mr = 0;
        double mt = 0;
        for (int i = 0; i < ref.length; i++) {
            mr += ref[i];
            mt += test[i];
        }
        mr /= ref.length;
        mt /= ref.length;
        double srt = 0;
        double srr = 0;
        double stt = 0;
        for (int i = 0; i < ref.length; i++) {
            double r = ref[i] - mr;
            double t = test[i] - mt;
            srt += r * t;
            srr += r * r;
            stt += t * t;
        }
        if (srr == 0 || stt == 0) {
            return srr == 0 && stt == 0 && mr == mt ? 1.0 : 0.0;
        }
        return srt / Math.sqrt(srr * stt);
    }

    /** Index of the first largest value in {@code v[from .. from + n)}. */
    static int argmax(float[] v, int from, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) {
            if (v[from + i] > v[from + best]) {
                best = i;
            }
        }
        return best;
    }
}
