package dev.mcugen.ir.sim;

import dev.mcugen.ir.fixed.FixedPoint;
import dev.mcugen.ir.quant.IntObserver;
import dev.mcugen.ir.quant.QGru;
import dev.mcugen.ir.quant.QRecurrent;

import java.util.Arrays;

import static dev.mcugen.ir.interp.RecurrentInternals.*;

/** One step of a {@link QGru}, exactly as its documentation states. */
final class GruCell implements RecurrentCell {
    private final QGru node;
    private final int u;
    private final GateKernel gz;
    private final GateKernel gr;
    private final int[] wIn;
    private final int[] bIn;
    private final int[] wRec;
    private final int[] bRec;
    private final int[] sx;
    private final int[] sh;
    private final int[] mid;
    private final int[] pre;
    private final int[] hh;
    private final String[] names;

    GruCell(QGru node) {
        this.node = node;
        this.u = node.units();
        gz = new GateKernel(node.updateGate());
        gr = new GateKernel(node.resetGate());
        wIn = node.candidateInput().weights().toIntArray();
        bIn = node.candidateInput().bias().toIntArray();
        wRec = node.candidateRecurrent().weights().toIntArray();
        bRec = node.candidateRecurrent().bias().toIntArray();
        sx = new int[u];
        sh = new int[u];
        mid = new int[u];
        pre = new int[u];
        hh = new int[u];
        String[] internals = {
            UPDATE_GATE_PRE, UPDATE_GATE, RESET_GATE_PRE, RESET_GATE,
            node.resetAfter() ? CANDIDATE_RECURRENT : RESET_HIDDEN, CANDIDATE_PRE, CANDIDATE, HIDDEN,
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
        return u;
    }

    @Override
    public RecurrentState initialState() {
        return new RecurrentState(new int[u], null);
    }

    @Override
    public void step(RecurrentState s, int[] x, int xOff, int[] y, int yOff, int step, IntObserver obs) {
        int[] h = s.h;
        gz.run(x, xOff, h, null);
        obs.observe(names[0], step, gz.pre);
        obs.observe(names[1], step, gz.out);
        gr.run(x, xOff, h, null);
        obs.observe(names[2], step, gr.pre);
        obs.observe(names[3], step, gr.out);
        int[] r = gr.out;
        RecurrentMath.matVec(node.candidateInput(), wIn, bIn, x, xOff, sx);
        if (node.resetAfter()) {
            RecurrentMath.matVec(node.candidateRecurrent(), wRec, bRec, h, 0, sh);
            for (int j = 0; j < u; j++) {
                mid[j] = FixedPoint.satInt16(sh[j]);
            }
            obs.observe(names[4], step, mid);
            for (int j = 0; j < u; j++) {
                long sum = (long) sx[j] + node.resetProductRescale().apply(r[j] * mid[j]);
                pre[j] = FixedPoint.satInt16(RecurrentMath.sat32(sum));
            }
        } else {
            for (int j = 0; j < u; j++) {
                mid[j] = RecurrentMath.mulShift(r[j], h[j], node.resetShift());
            }
            obs.observe(names[4], step, mid);
            RecurrentMath.matVec(node.candidateRecurrent(), wRec, bRec, mid, 0, sh);
            for (int j = 0; j < u; j++) {
                pre[j] = FixedPoint.satInt16(RecurrentMath.sat32((long) sx[j] + sh[j]));
            }
        }
        obs.observe(names[5], step, pre);
        for (int j = 0; j < u; j++) {
            hh[j] = node.candidateActivation().apply(pre[j]);
        }
        obs.observe(names[6], step, hh);
        int[] z = gz.out;
        int shift = node.updateShift();
        int one = 1 << shift;
        for (int j = 0; j < u; j++) {
            // |z h + (1 - z) hh| <= 2^15 * 2^15: exact in int32 for z in [0, 2^15]
            h[j] = FixedPoint.satInt16(FixedPoint.rdivpot(z[j] * h[j] + (one - z[j]) * hh[j], shift));
        }
        obs.observe(names[7], step, h);
        if (node.outputRescale() == null) {
            System.arraycopy(h, 0, y, yOff, u);
        } else {
            int zp = node.outputType().zeroPoint();
            for (int j = 0; j < u; j++) {
                y[yOff + j] = RecurrentMath.saturate((long) node.outputRescale().apply(h[j]) + zp, node.outputType());
            }
        }
    }
}
