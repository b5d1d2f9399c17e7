package dev.mcugen.ir.sim;

import dev.mcugen.ir.fixed.FixedPoint;
import dev.mcugen.ir.quant.IntObserver;
import dev.mcugen.ir.quant.QRecurrent;
import dev.mcugen.ir.quant.QSimpleRnn;

import static dev.mcugen.ir.interp.RecurrentInternals.*;

/** One step of a {@link QSimpleRnn}, exactly as its documentation states. */
final class SimpleRnnCell implements RecurrentCell {
    private final QSimpleRnn node;
    private final int u;
    private final int[] wx;
    private final int[] bx;
    private final int[] wh;
    private final int[] bh;
    private final int[] sx;
    private final int[] sh;
    private final int[] pre;
    private final String preName;
    private final String hiddenName;

    SimpleRnnCell(QSimpleRnn node) {
        this.node = node;
        this.u = node.units();
        wx = node.input().weights().toIntArray();
        bx = node.input().bias().toIntArray();
        wh = node.recurrent().weights().toIntArray();
        bh = node.recurrent().bias().toIntArray();
        sx = new int[u];
        sh = new int[u];
        pre = new int[u];
        preName = tensorName(node.name(), PRE);
        hiddenName = tensorName(node.name(), HIDDEN);
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
        RecurrentMath.matVec(node.input(), wx, bx, x, xOff, sx);
        RecurrentMath.matVec(node.recurrent(), wh, bh, h, 0, sh);
        for (int j = 0; j < u; j++) {
            pre[j] = FixedPoint.satInt16(RecurrentMath.sat32((long) sx[j] + sh[j]));
        }
        obs.observe(preName, step, pre);
        for (int j = 0; j < u; j++) {
            h[j] = node.activation().apply(pre[j]);
        }
        obs.observe(hiddenName, step, h);
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
