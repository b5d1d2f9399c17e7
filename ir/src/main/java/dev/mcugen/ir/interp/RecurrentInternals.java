package dev.mcugen.ir.interp;

import dev.mcugen.ir.Node;
import dev.mcugen.ir.Op;

import java.util.ArrayList;
import java.util.List;

/**
 * The names of the per-time-step internal tensors of recurrent layers: the one list the float
 * interpreter reports, calibration records and the quantizer looks up. A tensor's full name is
 * {@code <layer>/<internal>}, e.g. {@code lstm_1/forget_gate_pre}.
 *
 * <p>Every internal is a vector of the layer's {@code units} (the projection width for
 * {@link #PROJECTION}) and is reported once per processed time step, in processing order (step 0 is
 * the last input step for {@code goBackwards} layers). "Pre" tensors are activation inputs, bias
 * included. The initial state (zeros) is not reported: quantizers must remember that h and c also
 * take the value 0.
 *
 * <p>LSTM, per gate {@code g} in {@code input, forget, cell, output}:
 * <ul>
 *   <li>{@code g_gate_acc} (layer norm only): {@code x·W_g + h·R_g (+ P_g ⊙ c)}, the value normalized
 *       (seed 000 Table 2's {@code g_i ... g_o});</li>
 *   <li>{@code g_gate_norm} (layer norm only): the normalized value, zero mean, unit variance;</li>
 *   <li>{@code g_gate_pre}: the activation input, {@code acc + b} or {@code norm ⊙ L_g + b};</li>
 *   <li>{@code g_gate}: after the (recurrent) activation.</li>
 * </ul>
 * With CIFG only {@code input_gate} (= 1 - forget_gate) is reported for the input gate. Then
 * {@code cell} (c_t), {@code cell_act} (act(c_t)), {@code hidden} (m_t = o ⊙ act(c_t)) and, with a
 * projection, {@code projection} (h_t = m_t · W_proj + b_proj).
 *
 * <p>GRU: {@code update_gate_pre, update_gate, reset_gate_pre, reset_gate}, then
 * {@code reset_hidden} (r ⊙ h_{t-1}, the input of the candidate's recurrent product; reset_after
 * false) or {@code candidate_recurrent} (h_{t-1} · R_h + b_rec_h, before the product with r;
 * reset_after true), then {@code candidate_pre, candidate, hidden}.
 *
 * <p>SimpleRNN: {@code pre, hidden}.
 */
public final class RecurrentInternals {
    /** Separates the layer name from the internal name. */
    public static final String SEPARATOR = "/";

    public static final String INPUT_GATE_ACC = "input_gate_acc";
    public static final String INPUT_GATE_NORM = "input_gate_norm";
    public static final String INPUT_GATE_PRE = "input_gate_pre";
    public static final String INPUT_GATE = "input_gate";
    public static final String FORGET_GATE_ACC = "forget_gate_acc";
    public static final String FORGET_GATE_NORM = "forget_gate_norm";
    public static final String FORGET_GATE_PRE = "forget_gate_pre";
    public static final String FORGET_GATE = "forget_gate";
    public static final String CELL_GATE_ACC = "cell_gate_acc";
    public static final String CELL_GATE_NORM = "cell_gate_norm";
    public static final String CELL_GATE_PRE = "cell_gate_pre";
    public static final String CELL_GATE = "cell_gate";
    public static final String OUTPUT_GATE_ACC = "output_gate_acc";
    public static final String OUTPUT_GATE_NORM = "output_gate_norm";
    public static final String OUTPUT_GATE_PRE = "output_gate_pre";
    public static final String OUTPUT_GATE = "output_gate";
    public static final String CELL = "cell";
    public static final String CELL_ACT = "cell_act";
    public static final String HIDDEN = "hidden";
    public static final String PROJECTION = "projection";

    public static final String UPDATE_GATE_PRE = "update_gate_pre";
    public static final String UPDATE_GATE = "update_gate";
    public static final String RESET_GATE_PRE = "reset_gate_pre";
    public static final String RESET_GATE = "reset_gate";
    public static final String RESET_HIDDEN = "reset_hidden";
    public static final String CANDIDATE_RECURRENT = "candidate_recurrent";
    public static final String CANDIDATE_PRE = "candidate_pre";
    public static final String CANDIDATE = "candidate";

    public static final String PRE = "pre";

    private RecurrentInternals() {
    }

    /** The internal names of {@code op} in the order the interpreter computes and reports them. */
    public static List<String> names(Op.Recurrent op) {
        List<String> n = new ArrayList<>();
        if (op instanceof Op.Lstm l) {
            if (!l.cifg()) {
                gate(n, l, INPUT_GATE_ACC, INPUT_GATE_NORM, INPUT_GATE_PRE, INPUT_GATE);
            }
            gate(n, l, FORGET_GATE_ACC, FORGET_GATE_NORM, FORGET_GATE_PRE, FORGET_GATE);
            if (l.cifg()) {
                n.add(INPUT_GATE);
            }
            gate(n, l, CELL_GATE_ACC, CELL_GATE_NORM, CELL_GATE_PRE, CELL_GATE);
            n.add(CELL);
            gate(n, l, OUTPUT_GATE_ACC, OUTPUT_GATE_NORM, OUTPUT_GATE_PRE, OUTPUT_GATE);
            n.add(CELL_ACT);
            n.add(HIDDEN);
            if (l.projectionUnits() > 0) {
                n.add(PROJECTION);
            }
        } else if (op instanceof Op.Gru g) {
            n.add(UPDATE_GATE_PRE);
            n.add(UPDATE_GATE);
            n.add(RESET_GATE_PRE);
            n.add(RESET_GATE);
            n.add(g.resetAfter() ? CANDIDATE_RECURRENT : RESET_HIDDEN);
            n.add(CANDIDATE_PRE);
            n.add(CANDIDATE);
            n.add(HIDDEN);
        } else if (op instanceof Op.SimpleRnn) {
            n.add(PRE);
            n.add(HIDDEN);
        } else {
            throw new IllegalArgumentException("unknown recurrent op " + op.kind());
        }
        return List.copyOf(n);
    }

    private static void gate(List<String> n, Op.Lstm l, String acc, String norm, String pre, String act) {
        if (l.layerNorm()) {
            n.add(acc);
            n.add(norm);
        }
        n.add(pre);
        n.add(act);
    }

    /** Full names {@code <layer>/<internal>} of a node's internals; empty for non-recurrent nodes. */
    public static List<String> tensorNames(Node node) {
        if (!(node.op() instanceof Op.Recurrent r)) {
            return List.of();
        }
        return names(r).stream().map(i -> tensorName(node.name(), i)).toList();
    }

    /** {@code <layer>/<internal>}. */
    public static String tensorName(String layer, String internal) {
        return layer + SEPARATOR + internal;
    }

    /** Width of one step's value of {@code internal}: the projection width or the units. */
    public static int width(Op.Recurrent op, String internal) {
        if (PROJECTION.equals(internal) && op instanceof Op.Lstm l) {
            return l.projectionUnits();
        }
        return op.units();
    }
}
