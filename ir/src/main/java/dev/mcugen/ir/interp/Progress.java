package dev.mcugen.ir.interp;

/** Progress of work over samples, e.g. to draw a progress bar: called after each sample. */
@FunctionalInterface
public interface Progress {
    /** Does nothing. */
    Progress NONE = (done, total) -> { };

    /** {@code done} of {@code total} samples are finished (1 ≤ done ≤ total). */
    void update(int done, int total);
}
