package dev.mcugen.ir.interp;

/**
 * Told every tensor value the {@link FloatInterpreter} computes for one sample: each model input and
 * node output once (step {@link #WHOLE}), and each recurrent internal (named as
 * {@link RecurrentInternals} says) once per time step.
 *
 * <p>{@code values} is the row-major data of the tensor (or of one step's vector). It is only valid
 * during the call and must not be modified: the interpreter reuses internal buffers between steps.
 * Copy what you keep.
 */
@FunctionalInterface
public interface TensorObserver {
    /** The step of a tensor reported once per sample (inputs and node outputs). */
    int WHOLE = -1;

    /**
     * @param tensor a model input or node name, or {@code <layer>/<internal>}
     * @param step   {@link #WHOLE}, or the time step in processing order (0 first processed)
     * @param values the value, read-only and valid only during the call
     */
    void observe(String tensor, int step, float[] values);
}
