package dev.mcugen.ir.interp;

import dev.mcugen.ir.Activation;
import dev.mcugen.ir.Node;
import dev.mcugen.ir.Op;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A straightforward double-precision reading of the recurrent ops' Javadoc (Keras weight layouts
 * indexed directly, no transposes, no buffers reused), independent of the interpreter: the output
 * and every internal per step.
 */
final class ReferenceRecurrent {
    /** Internal name -> one vector per step; "output" -> the layer output (flat). */
    final Map<String, List<double[]>> internals = new LinkedHashMap<>();
    double[] output;

    private void record(String name, double[] v) {
        internals.computeIfAbsent(name, k -> new ArrayList<>()).add(v.clone());
    }

    static double act(Activation a, double x) {
        switch (a) {
            case LINEAR:
                return x;
            case RELU:
                return Math.max(0, x);
            case RELU6:
                return Math.min(6, Math.max(0, x));
            case SIGMOID:
                return 1 / (1 + Math.exp(-x));
            case HARD_SIGMOID:
                return Math.min(1, Math.max(0, 0.2 * x + 0.5));
            case TANH:
                return Math.tanh(x);
            default:
                throw new IllegalArgumentException(a.name());
        }
    }

    static double[] act(Activation a, double[] v) {
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = act(a, v[i]);
        }
        return r;
    }

    /** {@code Σ_k v[k] · m[k][col0 + j]} for a row-major {@code m[rows][cols]}. */
    static double[] dot(double[] v, float[] m, int cols, int col0, int n) {
        double[] r = new double[n];
        for (int j = 0; j < n; j++) {
            double s = 0;
            for (int k = 0; k < v.length; k++) {
                s += v[k] * m[k * cols + col0 + j];
            }
            r[j] = s;
        }
        return r;
    }

    static double[] row(float[] x, int t, int f) {
        double[] r = new double[f];
        for (int i = 0; i < f; i++) {
            r[i] = x[t * f + i];
        }
        return r;
    }

    static double[] slice(float[] b, int from, int n) {
        double[] r = new double[n];
        for (int i = 0; i < n; i++) {
            r[i] = b == null ? 0 : b[from + i];
        }
        return r;
    }

    static ReferenceRecurrent run(Node node, float[] x, int steps) {
        ReferenceRecurrent ref = new ReferenceRecurrent();
        Op op = node.op();
        float[] w = node.weight("kernel").toArray();
        float[] r = node.weight("recurrent_kernel").toArray();
        int f = node.weight("kernel").shape().dim(0);
        Op.Recurrent rec = (Op.Recurrent) op;
        int u = rec.units();
        int p = rec.outputUnits();
        List<double[]> outs = new ArrayList<>();
        double[] h = new double[p];
        double[] c = new double[u];
        for (int t = 0; t < steps; t++) {
            double[] xt = row(x, rec.goBackwards() ? steps - 1 - t : t, f);
            if (op instanceof Op.SimpleRnn s) {
                float[] b = s.useBias() ? node.weight("bias").toArray() : null;
                double[] pre = add(add(dot(xt, w, u, 0, u), dot(h, r, u, 0, u)), slice(b, 0, u));
                ref.record("pre", pre);
                h = act(s.activation(), pre);
                ref.record("hidden", h);
            } else if (op instanceof Op.Gru g) {
                int cols = 3 * u;
                float[] b = g.useBias() ? node.weight("bias").toArray() : null;
                double[] bIn = slice(b, 0, cols);
                double[] bRec = g.resetAfter() ? slice(b, cols, cols) : new double[cols];
                double[] zPre = add(add(dot(xt, w, cols, 0, u), sub(bIn, 0, u)), add(dot(h, r, cols, 0, u), sub(bRec, 0, u)));
                double[] rPre = add(add(dot(xt, w, cols, u, u), sub(bIn, u, u)), add(dot(h, r, cols, u, u), sub(bRec, u, u)));
                double[] z = act(g.recurrentActivation(), zPre);
                double[] rr = act(g.recurrentActivation(), rPre);
                ref.record("update_gate_pre", zPre);
                ref.record("update_gate", z);
                ref.record("reset_gate_pre", rPre);
                ref.record("reset_gate", rr);
                double[] hhPre;
                if (g.resetAfter()) {
                    double[] inner = add(dot(h, r, cols, 2 * u, u), sub(bRec, 2 * u, u));
                    ref.record("candidate_recurrent", inner);
                    hhPre = add(add(dot(xt, w, cols, 2 * u, u), sub(bIn, 2 * u, u)), mul(rr, inner));
                } else {
                    double[] rh = mul(rr, h);
                    ref.record("reset_hidden", rh);
                    hhPre = add(add(dot(xt, w, cols, 2 * u, u), sub(bIn, 2 * u, u)), dot(rh, r, cols, 2 * u, u));
                }
                ref.record("candidate_pre", hhPre);
                double[] hh = act(g.activation(), hhPre);
                ref.record("candidate", hh);
                double[] nh = new double[u];
                for (int j = 0; j < u; j++) {
                    nh[j] = z[j] * h[j] + (1 - z[j]) * hh[j];
                }
                h = nh;
                ref.record("hidden", h);
            } else if (op instanceof Op.Lstm l) {
                int gates = l.gateCount();
                int cols = gates * u;
                float[] b = l.useBias() ? node.weight("bias").toArray() : null;
                String[] gateNames = l.cifg() ? new String[] {"forget", "cell", "output"}
                        : new String[] {"input", "forget", "cell", "output"};
                Map<String, double[]> gate = new LinkedHashMap<>();
                double[] cPrev = c;
                for (int gi = 0; gi < gates; gi++) {
                    String name = gateNames[gi];
                    if (name.equals("output")) {
                        continue; // after the cell update
                    }
                    gate.put(name, gate(ref, node, l, name, gi, xt, h, cPrev, w, r, b, cols, u));
                }
                double[] i = gate.get("input");
                if (l.cifg()) {
                    i = new double[u];
                    for (int j = 0; j < u; j++) {
                        i[j] = 1 - gate.get("forget")[j];
                    }
                    ref.record("input_gate", i);
                }
                double[] nc = new double[u];
                for (int j = 0; j < u; j++) {
                    nc[j] = gate.get("forget")[j] * cPrev[j] + i[j] * gate.get("cell")[j];
                }
                c = nc;
                ref.record("cell", c);
                double[] o = gate(ref, node, l, "output", gates - 1, xt, h, c, w, r, b, cols, u);
                double[] ca = act(l.activation(), c);
                ref.record("cell_act", ca);
                double[] m = mul(o, ca);
                ref.record("hidden", m);
                if (l.projectionUnits() > 0) {
                    float[] pk = node.weight("projection_kernel").toArray();
                    float[] pb = l.useBias() ? node.weight("projection_bias").toArray() : null;
                    h = add(dot(m, pk, p, 0, p), slice(pb, 0, p));
                    ref.record("projection", h);
                } else {
                    h = m;
                }
            }
            outs.add(h.clone());
        }
        if (rec.returnSequences()) {
            ref.output = outs.stream().flatMapToDouble(java.util.Arrays::stream).toArray();
        } else {
            ref.output = h;
        }
        return ref;
    }

    private static double[] gate(ReferenceRecurrent ref, Node node, Op.Lstm l, String name, int gi, double[] xt,
                                 double[] h, double[] cell, float[] w, float[] r, float[] b, int cols, int u) {
        double[] acc = add(dot(xt, w, cols, gi * u, u), dot(h, r, cols, gi * u, u));
        if (l.peephole() && !name.equals("cell")) {
            float[] pw = node.weight("cell_to_" + name).toArray();
            for (int j = 0; j < u; j++) {
                acc[j] += pw[j] * cell[j];
            }
        }
        double[] pre;
        if (l.layerNorm()) {
            ref.record(name + "_gate_acc", acc);
            double mean = 0;
            for (double v : acc) {
                mean += v;
            }
            mean /= u;
            double var = 0;
            for (double v : acc) {
                var += (v - mean) * (v - mean);
            }
            var /= u;
            double[] norm = new double[u];
            for (int j = 0; j < u; j++) {
                norm[j] = (acc[j] - mean) / Math.sqrt(var + 1e-8);
            }
            ref.record(name + "_gate_norm", norm);
            float[] ln = node.weight(name + "_layer_norm").toArray();
            pre = new double[u];
            for (int j = 0; j < u; j++) {
                pre[j] = norm[j] * ln[j] + (b == null ? 0 : b[gi * u + j]);
            }
        } else {
            pre = add(acc, slice(b, gi * u, u));
        }
        ref.record(name + "_gate_pre", pre);
        double[] g = act(name.equals("cell") ? l.activation() : l.recurrentActivation(), pre);
        ref.record(name + "_gate", g);
        return g;
    }

    static double[] add(double[] a, double[] b) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i] + b[i];
        }
        return r;
    }

    static double[] mul(double[] a, double[] b) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i] * b[i];
        }
        return r;
    }

    static double[] sub(double[] a, int from, int n) {
        return java.util.Arrays.copyOfRange(a, from, from + n);
    }
}
