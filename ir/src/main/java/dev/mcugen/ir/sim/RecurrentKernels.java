package dev.mcugen.ir.sim;

import dev.mcugen.ir.Shape;
import dev.mcugen.ir.quant.IntObserver;
import dev.mcugen.ir.quant.QGru;
import dev.mcugen.ir.quant.QLstm;
import dev.mcugen.ir.quant.QLstmTfl;
import dev.mcugen.ir.quant.QRecurrent;
import dev.mcugen.ir.quant.QSimpleRnn;

/**
 * The fixed-point simulator's recurrent layers: {@link QLstm}, {@link QGru}, {@link QSimpleRnn}, {@link QLstmTfl} over a
 * whole sequence ({@link #run}) or one step at a time ({@link #cell}, the C {@code _step}). Loop
 * semantics follow the float interpreter (tfjs-layers {@code rnn()}): zero initial state; with
 * {@code go_backwards} the steps run from the last input step to the first and the output sequence
 * stays in that processing order; with {@code return_sequences} every step's output, else the last.
 *
 * <p>Internals are reported per step under the float interpreter's names
 * ({@code layer/forget_gate_pre}, ..., see {@code RecurrentInternals}) as raw integers of the types
 * {@link QRecurrent#internalTypes()} gives; the arrays are the kernel's buffers, valid only during
 * the call (copy what you keep). The node's output itself is not reported here.
 */
public final class RecurrentKernels {
    private RecurrentKernels() {
    }

    /** A step-by-step kernel for {@code node}. */
    public static RecurrentCell cell(QRecurrent node) {
        if (node instanceof QLstm l) {
            return new LstmCell(l);
        }
        if (node instanceof QGru g) {
            return new GruCell(g);
        }
        if (node instanceof QSimpleRnn s) {
            return new SimpleRnnCell(s);
        }
        if (node instanceof QLstmTfl t) {
            return new LstmTflCell(t);
        }
        throw new IllegalArgumentException("no integer kernel for " + node.getClass().getSimpleName());
    }

    /**
     * Runs {@code node} on one sequence {@code input} of shape {@code [T, F]} from the zero state:
     * returns {@code [T, out]} with {@code return_sequences}, else {@code [out]}.
     */
    public static int[] run(QRecurrent node, int[] input, Shape inputShape, IntObserver obs) {
        return run(cell(node), input, inputShape, obs);
    }

    /** {@link #run(QRecurrent, int[], Shape, IntObserver)} with an already compiled cell. */
    public static int[] run(RecurrentCell cell, int[] input, Shape inputShape, IntObserver obs) {
        if (inputShape.rank() != 2 || inputShape.dim(1) != cell.inputSize() || input.length != inputShape.size()) {
            throw new IllegalArgumentException("layer '" + cell.node().name() + "' takes [T, " + cell.inputSize()
                    + "], not " + inputShape + " (" + input.length + " values)");
        }
        IntObserver o = obs == null ? IntObserver.NONE : obs;
        int steps = inputShape.dim(0);
        int in = cell.inputSize();
        int out = cell.outputSize();
        boolean sequences = cell.node().returnSequences();
        boolean backwards = cell.node().goBackwards();
        int[] y = new int[sequences ? steps * out : out];
        RecurrentState state = cell.initialState();
        for (int t = 0; t < steps; t++) {
            int src = backwards ? steps - 1 - t : t;
            cell.step(state, input, src * in, y, sequences ? t * out : 0, t, o);
        }
        if (steps == 0 && !sequences) {
            java.util.Arrays.fill(y, cell.node().outputType().zeroPoint()); // real 0, the initial state
        }
        return y;
    }
}
