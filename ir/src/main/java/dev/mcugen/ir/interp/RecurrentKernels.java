package dev.mcugen.ir.interp;

import dev.mcugen.ir.Activation;
import dev.mcugen.ir.Node;
import dev.mcugen.ir.Op;

import static dev.mcugen.ir.interp.RecurrentInternals.*;

/**
 * SimpleRNN, LSTM and GRU over one sequence {@code [T, F]}, with the operation order of tfjs-layers
 * ({@code tfjs-layers/src/layers/recurrent.ts}, checked against 4.22.0):
 * <ul>
 *   <li>{@code rnn()}: zero initial state; with {@code goBackwards} the input is reversed along time
 *       ({@code tfc.reverse(inputs, 0)}) and the per-step outputs are stacked in that processing
 *       order, never reversed back, so output step 0 belongs to the last input step;</li>
 *   <li>SimpleRNNCell: {@code act((x·W + b) + h·R)};</li>
 *   <li>LSTMCell: {@code z = (x·W + h·R) + b}, split i, f, c, o;
 *       {@code c = f*c + i*act(z_c)}, {@code h = o*act(c)};</li>
 *   <li>GRUCell (reset_after false, the only form TF.js accepts): {@code mx = x·W + b};
 *       {@code z = ra(mx_z + h·R_z)}, {@code r = ra(mx_r + h·R_r)},
 *       {@code hh = act(mx_h + (r*h)·R_h)}, {@code h = z*h + (1-z)*hh}.</li>
 * </ul>
 * GRU reset_after true follows Keras {@code GRUCell}: {@code mi = h·R + b_rec},
 * {@code hh = act(mx_h + r*mi_h)}. The LSTM variants TF.js lacks (peephole, layer norm, CIFG,
 * projection) follow TFLite's float kernel ({@code lstm_eval.cc}: {@code CalculateLstmGateFloat},
 * {@code UpdateLstmCellFloat}, {@code CalculateLstmOutputFloat}): the peephole term is added to
 * {@code x·W + h·R}; with layer norm that sum is normalized (no bias), multiplied by the
 * coefficients, then the bias added; the output gate's peephole sees the new cell state; CIFG uses
 * {@code i = 1 - f}; projection {@code h = m·W_proj + b_proj}.
 */
final class RecurrentKernels {
    private RecurrentKernels() {
    }

    /** A compiled recurrent layer: runs one sequence. */
    interface Cell {
        float[] run(float[] x, int steps, TensorObserver obs);
    }

    static Cell compile(Node node) {
        Op op = node.op();
        if (op instanceof Op.Lstm l) {
            return new Lstm(node, l);
        }
        if (op instanceof Op.Gru g) {
            return new Gru(node, g);
        }
        if (op instanceof Op.SimpleRnn s) {
            return new SimpleRnn(node, s);
        }
        throw new IllegalArgumentException("not recurrent: " + op.kind());
    }

    private static float[] transposed(Node node, String weight) {
        var w = node.weight(weight);
        int rows = w.shape().dim(0);
        int cols = w.shape().dim(1);
        return Kernels.transpose(w.toArray(), rows, cols);
    }

    private static float[] optional(Node node, String weight) {
        var w = node.weights().get(weight);
        return w == null ? null : w.toArray();
    }

    /** Observes {@code values} under {@code <layer>/<internal>} when an observer listens. */
    private static void report(TensorObserver obs, String[] names, int index, int step, float[] values) {
        if (obs != null) {
            obs.observe(names[index], step, values);
        }
    }

    private static String[] names(Node node, String... internals) {
        String[] n = new String[internals.length];
        for (int i = 0; i < n.length; i++) {
            n[i] = tensorName(node.name(), internals[i]);
        }
        return n;
    }

    // -------------------------------------------------------------------------------------------------

    static final class SimpleRnn implements Cell {
        private final Op.SimpleRnn op;
        private final int in;
        private final int u;
        private final float[] wt;
        private final float[] rt;
        private final float[] bias;
        private final String[] names;

        SimpleRnn(Node node, Op.SimpleRnn op) {
            this.op = op;
            this.u = op.units();
            this.in = node.weight("kernel").shape().dim(0);
            this.wt = transposed(node, "kernel");
            this.rt = transposed(node, "recurrent_kernel");
            this.bias = op.useBias() ? optional(node, "bias") : null;
            this.names = names(node, PRE, HIDDEN);
        }

        @Override
        public float[] run(float[] x, int steps, TensorObserver obs) {
            float[] h = new float[u];
            float[] xw = new float[u];
            float[] hr = new float[u];
            float[] out = new float[op.returnSequences() ? steps * u : u];
            for (int t = 0; t < steps; t++) {
                int src = op.goBackwards() ? steps - 1 - t : t;
                Kernels.matVec(x, src * in, in, wt, 0, u, xw, 0);
                if (bias != null) {
                    Kernels.addBias(xw, 0, u, bias);
                }
                Kernels.matVec(h, 0, u, rt, 0, u, hr, 0);
                for (int j = 0; j < u; j++) {
                    xw[j] = xw[j] + hr[j];
                }
                report(obs, names, 0, t, xw);
                System.arraycopy(xw, 0, h, 0, u);
                Kernels.activate(op.activation(), h, 0, u, u);
                report(obs, names, 1, t, h);
                if (op.returnSequences()) {
                    System.arraycopy(h, 0, out, t * u, u);
                }
            }
            if (!op.returnSequences()) {
                System.arraycopy(h, 0, out, 0, u);
            }
            return out;
        }
    }

    // -------------------------------------------------------------------------------------------------

    static final class Lstm implements Cell {
        private final Op.Lstm op;
        private final int in;
        private final int u;
        /** Width of h: the projection width, or the units. */
        private final int p;
        private final float[] wt;
        private final float[] rt;
        private final float[] bias;
        /** Column block of each gate in kernel/bias, -1 when absent (input gate under CIFG). */
        private final int gi;
        private final int gf;
        private final int gc;
        private final int go;
        private final float[] peepI;
        private final float[] peepF;
        private final float[] peepO;
        private final float[] lnI;
        private final float[] lnF;
        private final float[] lnC;
        private final float[] lnO;
        private final float[] projT;
        private final float[] projBias;
        private final String[] names;
        private final int[] index;

        Lstm(Node node, Op.Lstm op) {
            this.op = op;
            this.u = op.units();
            this.p = op.outputUnits();
            this.in = node.weight("kernel").shape().dim(0);
            this.wt = transposed(node, "kernel");
            this.rt = transposed(node, "recurrent_kernel");
            this.bias = op.useBias() ? optional(node, "bias") : null;
            if (op.cifg()) {
                gi = -1;
                gf = 0;
                gc = 1;
                go = 2;
            } else {
                gi = 0;
                gf = 1;
                gc = 2;
                go = 3;
            }
            this.peepI = op.peephole() && !op.cifg() ? optional(node, "cell_to_input") : null;
            this.peepF = op.peephole() ? optional(node, "cell_to_forget") : null;
            this.peepO = op.peephole() ? optional(node, "cell_to_output") : null;
            this.lnI = op.layerNorm() && !op.cifg() ? optional(node, "input_layer_norm") : null;
            this.lnF = op.layerNorm() ? optional(node, "forget_layer_norm") : null;
            this.lnC = op.layerNorm() ? optional(node, "cell_layer_norm") : null;
            this.lnO = op.layerNorm() ? optional(node, "output_layer_norm") : null;
            this.projT = op.projectionUnits() > 0 ? transposed(node, "projection_kernel") : null;
            this.projBias = op.projectionUnits() > 0 && op.useBias() ? optional(node, "projection_bias") : null;
            var internals = RecurrentInternals.names(op);
            this.names = internals.stream().map(i -> tensorName(node.name(), i)).toArray(String[]::new);
            this.index = new int[ALL.length];
            for (int k = 0; k < ALL.length; k++) {
                index[k] = internals.indexOf(ALL[k]);
            }
        }

        /** Every LSTM internal; {@link #index} maps them to positions in {@link #names} (-1: absent). */
        private static final String[] ALL = {
            INPUT_GATE_ACC, INPUT_GATE_NORM, INPUT_GATE_PRE, INPUT_GATE,
            FORGET_GATE_ACC, FORGET_GATE_NORM, FORGET_GATE_PRE, FORGET_GATE,
            CELL_GATE_ACC, CELL_GATE_NORM, CELL_GATE_PRE, CELL_GATE,
            OUTPUT_GATE_ACC, OUTPUT_GATE_NORM, OUTPUT_GATE_PRE, OUTPUT_GATE,
            CELL, CELL_ACT, HIDDEN, PROJECTION,
        };
        private static final int I = 0;
        private static final int F = 4;
        private static final int C = 8;
        private static final int O = 12;
        private static final int K_CELL = 16;
        private static final int K_CELL_ACT = 17;
        private static final int K_HIDDEN = 18;
        private static final int K_PROJECTION = 19;

        private void report(TensorObserver obs, int k, int step, float[] values) {
            if (obs != null && index[k] >= 0) {
                obs.observe(names[index[k]], step, values);
            }
        }

        /** Per-run buffers. */
        private final class State {
            final float[] h = new float[p];
            final float[] c = new float[u];
            final float[] xw = new float[u];
            final float[] hr = new float[u];
            final float[] acc = new float[u];
            final float[] norm = new float[u];
            final float[] pre = new float[u];
            final float[] i = new float[u];
            final float[] f = new float[u];
            final float[] z = new float[u];
            final float[] o = new float[u];
            final float[] cellAct = new float[u];
            final float[] m = new float[u];
            final float[] proj = projT == null ? null : new float[p];
        }

        /**
         * One gate into {@code gate}: {@code acc = x·W + h·R (+ peep ⊙ cell)}, then {@code pre} =
         * {@code acc + b} or {@code norm(acc) ⊙ ln + b}, then the activation.
         */
        private void gate(State s, float[] x, int xOff, int block, float[] peep, float[] ln, Activation act,
                          int k, int step, float[] gate, TensorObserver obs) {
            int col = block * u;
            Kernels.matVec(x, xOff, in, wt, col, u, s.xw, 0);
            Kernels.matVec(s.h, 0, p, rt, col, u, s.hr, 0);
            float[] acc = s.acc;
            for (int j = 0; j < u; j++) {
                acc[j] = s.xw[j] + s.hr[j];
            }
            if (peep != null) {
                for (int j = 0; j < u; j++) {
                    acc[j] = acc[j] + peep[j] * s.c[j];
                }
            }
            float[] pre = s.pre;
            if (ln != null) {
                report(obs, k, step, acc);
                Kernels.meanStddevNormalize(acc, s.norm, u);
                report(obs, k + 1, step, s.norm);
                for (int j = 0; j < u; j++) {
                    pre[j] = s.norm[j] * ln[j];
                }
            } else {
                System.arraycopy(acc, 0, pre, 0, u);
            }
            if (bias != null) {
                for (int j = 0; j < u; j++) {
                    pre[j] = pre[j] + bias[col + j];
                }
            }
            report(obs, k + 2, step, pre);
            System.arraycopy(pre, 0, gate, 0, u);
            Kernels.activate(act, gate, 0, u, u);
            report(obs, k + 3, step, gate);
        }

        @Override
        public float[] run(float[] x, int steps, TensorObserver obs) {
            State s = new State();
            Activation ra = op.recurrentActivation();
            Activation a = op.activation();
            float[] out = new float[op.returnSequences() ? steps * p : p];
            for (int t = 0; t < steps; t++) {
                int xOff = (op.goBackwards() ? steps - 1 - t : t) * in;
                if (!op.cifg()) {
                    gate(s, x, xOff, gi, peepI, lnI, ra, I, t, s.i, obs);
                }
                gate(s, x, xOff, gf, peepF, lnF, ra, F, t, s.f, obs);
                if (op.cifg()) {
                    for (int j = 0; j < u; j++) {
                        s.i[j] = 1f - s.f[j];
                    }
                    report(obs, I + 3, t, s.i);
                }
                gate(s, x, xOff, gc, null, lnC, a, C, t, s.z, obs);
                for (int j = 0; j < u; j++) {
                    s.c[j] = s.f[j] * s.c[j] + s.i[j] * s.z[j];
                }
                report(obs, K_CELL, t, s.c);
                gate(s, x, xOff, go, peepO, lnO, ra, O, t, s.o, obs);
                System.arraycopy(s.c, 0, s.cellAct, 0, u);
                Kernels.activate(a, s.cellAct, 0, u, u);
                report(obs, K_CELL_ACT, t, s.cellAct);
                for (int j = 0; j < u; j++) {
                    s.m[j] = s.o[j] * s.cellAct[j];
                }
                report(obs, K_HIDDEN, t, s.m);
                if (projT != null) {
                    Kernels.matVec(s.m, 0, u, projT, 0, p, s.proj, 0);
                    if (projBias != null) {
                        Kernels.addBias(s.proj, 0, p, projBias);
                    }
                    report(obs, K_PROJECTION, t, s.proj);
                    System.arraycopy(s.proj, 0, s.h, 0, p);
                } else {
                    System.arraycopy(s.m, 0, s.h, 0, p);
                }
                if (op.returnSequences()) {
                    System.arraycopy(s.h, 0, out, t * p, p);
                }
            }
            if (!op.returnSequences()) {
                System.arraycopy(s.h, 0, out, 0, p);
            }
            return out;
        }
    }

    // -------------------------------------------------------------------------------------------------

    static final class Gru implements Cell {
        private final Op.Gru op;
        private final int in;
        private final int u;
        private final float[] wt;
        private final float[] rt;
        /** Input bias [3u] (the whole bias for reset_after false), or null. */
        private final float[] biasIn;
        /** Recurrent bias [3u] (reset_after true only), or null. */
        private final float[] biasRec;
        private final String[] names;

        Gru(Node node, Op.Gru op) {
            this.op = op;
            this.u = op.units();
            this.in = node.weight("kernel").shape().dim(0);
            this.wt = transposed(node, "kernel");
            this.rt = transposed(node, "recurrent_kernel");
            float[] b = op.useBias() ? optional(node, "bias") : null;
            if (b != null && op.resetAfter()) {
                biasIn = java.util.Arrays.copyOfRange(b, 0, 3 * u);
                biasRec = java.util.Arrays.copyOfRange(b, 3 * u, 6 * u);
            } else {
                biasIn = b;
                biasRec = null;
            }
            this.names = RecurrentInternals.names(op).stream().map(i -> tensorName(node.name(), i))
                    .toArray(String[]::new);
        }

        @Override
        public float[] run(float[] x, int steps, TensorObserver obs) {
            float[] h = new float[u];
            float[] mx = new float[3 * u];
            float[] mi = new float[3 * u];
            float[] zPre = new float[u];
            float[] z = new float[u];
            float[] rPre = new float[u];
            float[] r = new float[u];
            float[] mid = new float[u];
            float[] rec = new float[u];
            float[] hhPre = new float[u];
            float[] hh = new float[u];
            Activation ra = op.recurrentActivation();
            float[] out = new float[op.returnSequences() ? steps * u : u];
            for (int t = 0; t < steps; t++) {
                int xOff = (op.goBackwards() ? steps - 1 - t : t) * in;
                Kernels.matVec(x, xOff, in, wt, 0, 3 * u, mx, 0);
                if (biasIn != null) {
                    Kernels.addBias(mx, 0, 3 * u, biasIn);
                }
                Kernels.matVec(h, 0, u, rt, 0, op.resetAfter() ? 3 * u : 2 * u, mi, 0);
                if (biasRec != null) {
                    Kernels.addBias(mi, 0, 3 * u, biasRec);
                }
                for (int j = 0; j < u; j++) {
                    zPre[j] = mx[j] + mi[j];
                    rPre[j] = mx[u + j] + mi[u + j];
                }
                report(obs, names, 0, t, zPre);
                System.arraycopy(zPre, 0, z, 0, u);
                Kernels.activate(ra, z, 0, u, u);
                report(obs, names, 1, t, z);
                report(obs, names, 2, t, rPre);
                System.arraycopy(rPre, 0, r, 0, u);
                Kernels.activate(ra, r, 0, u, u);
                report(obs, names, 3, t, r);
                if (op.resetAfter()) {
                    System.arraycopy(mi, 2 * u, mid, 0, u);
                    report(obs, names, 4, t, mid);
                    for (int j = 0; j < u; j++) {
                        hhPre[j] = mx[2 * u + j] + r[j] * mid[j];
                    }
                } else {
                    for (int j = 0; j < u; j++) {
                        mid[j] = r[j] * h[j];
                    }
                    report(obs, names, 4, t, mid);
                    Kernels.matVec(mid, 0, u, rt, 2 * u, u, rec, 0);
                    for (int j = 0; j < u; j++) {
                        hhPre[j] = mx[2 * u + j] + rec[j];
                    }
                }
                report(obs, names, 5, t, hhPre);
                System.arraycopy(hhPre, 0, hh, 0, u);
                Kernels.activate(op.activation(), hh, 0, u, u);
                report(obs, names, 6, t, hh);
                for (int j = 0; j < u; j++) {
                    h[j] = z[j] * h[j] + (1f - z[j]) * hh[j];
                }
                report(obs, names, 7, t, h);
                if (op.returnSequences()) {
                    System.arraycopy(h, 0, out, t * u, u);
                }
            }
            if (!op.returnSequences()) {
                System.arraycopy(h, 0, out, 0, u);
            }
            return out;
        }
    }
}
