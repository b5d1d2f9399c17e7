package dev.mcugen.ir.sim;

import dev.mcugen.ir.fixed.FixedPoint;
import dev.mcugen.ir.quant.IntObserver;
import dev.mcugen.ir.quant.QLstm;
import dev.mcugen.ir.quant.QMatVec;
import dev.mcugen.ir.quant.QRecurrent;

import java.util.Arrays;

import static dev.mcugen.ir.interp.RecurrentInternals.*;

/** One step of a {@link QLstm}, exactly as its documentation states. */
final class LstmCell implements RecurrentCell {
    /** Q0.15 one, clamped into int16 for CIFG: {@code i = min(32767, 32768 - f)}. */
    private static final int ONE_Q15 = 1 << 15;

    private final QLstm node;
    private final int u;
    private final GateKernel gi;
    private final GateKernel gf;
    private final GateKernel gz;
    private final GateKernel go;
    private final int[] projW;
    private final int[] projB;
    private final int[] cifgI;
    private final int[] cellAct;
    private final int[] m;
    private final int[] proj;
    private final String[] names;

    LstmCell(QLstm node) {
        this.node = node;
        this.u = node.units();
        gi = node.inputGate() == null ? null : new GateKernel(node.inputGate());
        gf = new GateKernel(node.forgetGate());
        gz = new GateKernel(node.cellGate());
        go = new GateKernel(node.outputGate());
        QMatVec p = node.projection();
        projW = p == null ? null : p.weights().toIntArray();
        projB = p == null ? null : p.bias().toIntArray();
        cifgI = gi == null ? new int[u] : null;
        cellAct = new int[u];
        m = new int[u];
        proj = p == null ? null : new int[p.rows()];
        String[] internals = {
            INPUT_GATE_ACC, INPUT_GATE_NORM, INPUT_GATE_PRE, INPUT_GATE,
            FORGET_GATE_ACC, FORGET_GATE_NORM, FORGET_GATE_PRE, FORGET_GATE,
            CELL_GATE_ACC, CELL_GATE_NORM, CELL_GATE_PRE, CELL_GATE,
            OUTPUT_GATE_ACC, OUTPUT_GATE_NORM, OUTPUT_GATE_PRE, OUTPUT_GATE,
            CELL, CELL_ACT, HIDDEN, PROJECTION,
        };
        names = Arrays.stream(internals).map(i -> tensorName(node.name(), i)).toArray(String[]::new);
    }

    @Override
    public QRecurrent node() {
        return node;
    }

    @Override
    public int inputSize() {
        return node.inputSize();
    }

    @Override
    public int outputSize() {
        return node.outputUnits();
    }

    @Override
    public RecurrentState initialState() {
        int[] h = new int[node.outputUnits()];
        Arrays.fill(h, node.outputType().zeroPoint());
        return new RecurrentState(h, new int[u]);
    }

    @Override
    public void step(RecurrentState s, int[] x, int xOff, int[] y, int yOff, int step, IntObserver obs) {
        int[] h = s.h;
        int[] c = s.c;
        int[] i;
        if (gi != null) {
            gi.run(x, xOff, h, c);
            gi.report(obs, step, names[0], names[1], names[2], names[3]);
            i = gi.out;
        } else {
            i = null;
        }
        gf.run(x, xOff, h, c);
        gf.report(obs, step, names[4], names[5], names[6], names[7]);
        if (i == null) {
            for (int j = 0; j < u; j++) {
                cifgI[j] = Math.min(FixedPoint.INT16_MAX, ONE_Q15 - gf.out[j]); // seed 000 §3.2.9
            }
            obs.observe(names[3], step, cifgI);
            i = cifgI;
        }
        gz.run(x, xOff, h, null);
        gz.report(obs, step, names[8], names[9], names[10], names[11]);
        int[] f = gf.out;
        int[] z = gz.out;
        for (int j = 0; j < u; j++) {
            long sum = (long) RecurrentMath.mulShift(f[j], c[j], node.cellForgetShift())
                    + RecurrentMath.mulShift(i[j], z[j], node.cellInputShift());
            c[j] = FixedPoint.satInt16(RecurrentMath.sat32(sum));
        }
        obs.observe(names[16], step, c);
        go.run(x, xOff, h, c);
        go.report(obs, step, names[12], names[13], names[14], names[15]);
        int zpM = node.hiddenType().zeroPoint();
        for (int j = 0; j < u; j++) {
            cellAct[j] = node.cellActivation().apply(c[j]);
            int v = node.hiddenRescale().apply(go.out[j] * cellAct[j]);
            m[j] = RecurrentMath.saturate((long) v + zpM, node.hiddenType());
        }
        obs.observe(names[17], step, cellAct);
        obs.observe(names[18], step, m);
        if (proj != null) {
            QMatVec p = node.projection();
            RecurrentMath.matVec(p, projW, projB, m, 0, proj);
            int zpH = node.outputType().zeroPoint();
            for (int k = 0; k < proj.length; k++) {
                h[k] = RecurrentMath.saturate((long) proj[k] + zpH, node.outputType());
            }
            obs.observe(names[19], step, h);
        } else {
            System.arraycopy(m, 0, h, 0, u);
        }
        System.arraycopy(h, 0, y, yOff, h.length);
    }
}
