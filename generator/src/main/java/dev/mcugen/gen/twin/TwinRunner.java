package dev.mcugen.gen.twin;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a compiled twin ({@link TwinCompiler}) through its public API, by reflection: what a companion
 * app does with the class, and what {@code verify --target java} compares with the simulator.
 */
public final class TwinRunner {
    private final Object model;
    private final Method invoke;
    private final Method reset;
    private final Method step;
    private final int[] outputSizes;
    private final int timeSteps;
    private final int stepIn;
    private final int stepOut;

    /** A new instance of {@code twin} (in its initial state). */
    public TwinRunner(Class<?> twin, int inputs, int[] outputSizes) {
        try {
            this.model = twin.getConstructor().newInstance();
            Class<?>[] params = new Class<?>[inputs + outputSizes.length];
            java.util.Arrays.fill(params, int[].class);
            this.invoke = twin.getMethod("invoke", params);
            this.reset = twin.getMethod("reset");
            boolean streams = twin.getField("HAS_STEP").getBoolean(null);
            this.step = streams ? twin.getMethod("step", int[].class, int[].class) : null;
            this.timeSteps = streams ? twin.getField("TIME_STEPS").getInt(null) : 0;
            this.stepIn = streams ? twin.getField("STEP_INPUT_SIZE").getInt(null) : 0;
            this.stepOut = streams ? twin.getField("STEP_OUTPUT_SIZE").getInt(null) : 0;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the twin " + twin.getName() + " lacks its API: " + e, e);
        }
        this.outputSizes = outputSizes.clone();
    }

    /** Whether the twin has {@code step}. */
    public boolean streams() {
        return step != null;
    }

    /** {@code invoke} on the inputs; the outputs one after the other. */
    public int[] invoke(List<int[]> inputs) {
        List<Object> args = new ArrayList<>(inputs);
        List<int[]> outs = new ArrayList<>();
        for (int n : outputSizes) {
            int[] o = new int[n];
            outs.add(o);
            args.add(o);
        }
        call(invoke, args.toArray());
        return concat(outs);
    }

    /**
     * {@code reset}, then {@code step} once per row of {@code x}: the rows written (a sequence output),
     * or the last step's output.
     */
    public int[] stream(int[] x, boolean sequenceOutput) {
        call(reset);
        int[] y = new int[sequenceOutput ? timeSteps * stepOut : stepOut];
        int[] row = new int[stepIn];
        int[] out = new int[stepOut];
        for (int t = 0; t < timeSteps; t++) {
            System.arraycopy(x, t * stepIn, row, 0, stepIn);
            call(step, row, out);
            System.arraycopy(out, 0, y, sequenceOutput ? t * stepOut : 0, stepOut);
        }
        return y;
    }

    private void call(Method m, Object... args) {
        try {
            m.invoke(model, args);
        } catch (InvocationTargetException e) {
            Throwable c = e.getCause();
            throw c instanceof RuntimeException r ? r : new IllegalStateException(c);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int[] concat(List<int[]> parts) {
        int[] all = new int[parts.stream().mapToInt(p -> p.length).sum()];
        int at = 0;
        for (int[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }
}
