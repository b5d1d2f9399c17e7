package dev.mcugen.ir.sim;

import dev.mcugen.ir.quant.IntObserver;
import dev.mcugen.ir.quant.QRecurrent;

/**
 * A compiled integer recurrent layer that runs one time step at a time: the Java twin of the
 * generated C {@code _step}. Running {@link #step} over the steps of a sequence (in processing order:
 * last input step first for {@code go_backwards}) from {@link #initialState()} gives exactly what
 * {@link RecurrentKernels#run} gives. Instances hold scratch buffers: use one per thread.
 */
public interface RecurrentCell {
    QRecurrent node();

    /** Values of x per step. */
    int inputSize();

    /** Values of the layer output per step. */
    int outputSize();

    /** The zero state (h = its zero point, c = 0). */
    RecurrentState initialState();

    /**
     * One time step: reads {@code x[xOff .. xOff + inputSize)}, updates {@code state}, writes the step's
     * output to {@code y[yOff .. yOff + outputSize)} and reports the internals as step {@code step}.
     */
    void step(RecurrentState state, int[] x, int xOff, int[] y, int yOff, int step, IntObserver obs);
}
