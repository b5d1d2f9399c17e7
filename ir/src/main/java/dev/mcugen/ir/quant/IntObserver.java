package dev.mcugen.ir.quant;

/**
 * Sees integer tensors as the simulator produces them, under the float interpreter's names
 * (node outputs with {@code step} -1; recurrent internals {@code layer/internal} per time step), so
 * that per-layer and per-step errors against float can be measured.
 */
@FunctionalInterface
public interface IntObserver {
    IntObserver NONE = (tensor, step, values) -> { };

    void observe(String tensor, int step, int[] values);
}
