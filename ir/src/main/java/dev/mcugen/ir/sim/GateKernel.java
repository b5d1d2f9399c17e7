package dev.mcugen.ir.sim;

import dev.mcugen.ir.fixed.FixedPoint;
import dev.mcugen.ir.quant.IntObserver;
import dev.mcugen.ir.quant.QGate;

/** Evaluates one {@link QGate}, keeping its weights unpacked and its scratch vectors. */
final class GateKernel {
    private final QGate gate;
    private final int units;
    private final int[] wx;
    private final int[] bx;
    private final int[] wh;
    private final int[] bh;
    private final int[] peep;
    private final int[] lnCoefficients;
    private final int[] lnBias;
    private final int[] sx;
    private final int[] sh;
    private final int[] sc;
    final int[] acc;
    final int[] norm;
    final int[] pre;
    final int[] out;

    GateKernel(QGate gate) {
        this.gate = gate;
        this.units = gate.units();
        wx = gate.input().weights().toIntArray();
        bx = gate.input().bias().toIntArray();
        wh = gate.recurrent().weights().toIntArray();
        bh = gate.recurrent().bias().toIntArray();
        peep = gate.peephole() == null ? null : gate.peephole().weights().toIntArray();
        lnCoefficients = gate.layerNorm() == null ? null : gate.layerNorm().coefficients().toIntArray();
        lnBias = gate.layerNorm() == null ? null : gate.layerNorm().bias().toIntArray();
        sx = new int[units];
        sh = new int[units];
        sc = new int[units];
        acc = gate.layerNorm() == null ? null : new int[units];
        norm = gate.layerNorm() == null ? null : new int[units];
        pre = new int[units];
        out = new int[units];
    }

    /**
     * {@code pre} and {@code out} (and {@code acc}, {@code norm} with layer norm) for input {@code x}
     * at {@code xOff}, recurrent input {@code h} and cell {@code c} (read only with a peephole).
     */
    void run(int[] x, int xOff, int[] h, int[] c) {
        RecurrentMath.matVec(gate.input(), wx, bx, x, xOff, sx);
        RecurrentMath.matVec(gate.recurrent(), wh, bh, h, 0, sh);
        if (peep != null) {
            RecurrentMath.peephole(gate.peephole(), peep, c, sc);
        }
        int[] sum = acc != null ? acc : pre;
        for (int j = 0; j < units; j++) {
            long s = (long) sx[j] + sh[j] + (peep != null ? sc[j] : 0);
            sum[j] = FixedPoint.satInt16(RecurrentMath.sat32(s));
        }
        if (acc != null) {
            RecurrentMath.layerNorm(gate.layerNorm(), lnCoefficients, lnBias, acc, units, norm, pre);
        }
        for (int j = 0; j < units; j++) {
            out[j] = gate.activation().apply(pre[j]);
        }
    }

    /** Reports acc/norm (layer norm only), pre and out under the given full names (null: skip). */
    void report(IntObserver obs, int step, String accName, String normName, String preName, String outName) {
        if (acc != null) {
            obs.observe(accName, step, acc);
            obs.observe(normName, step, norm);
        }
        obs.observe(preName, step, pre);
        obs.observe(outName, step, out);
    }
}
