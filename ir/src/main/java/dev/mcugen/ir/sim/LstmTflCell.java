package dev.mcugen.ir.sim;

import dev.mcugen.ir.Activation;
import dev.mcugen.ir.fixed.FixedPoint;
import dev.mcugen.ir.fixed.LutActivation;
import dev.mcugen.ir.quant.IntObserver;
import dev.mcugen.ir.quant.QActivation;
import dev.mcugen.ir.quant.QLstmTfl;
import dev.mcugen.ir.quant.QRecurrent;
import java.util.Arrays;

import static dev.mcugen.ir.interp.RecurrentInternals.CELL;
import static dev.mcugen.ir.interp.RecurrentInternals.CELL_GATE;
import static dev.mcugen.ir.interp.RecurrentInternals.FORGET_GATE;
import static dev.mcugen.ir.interp.RecurrentInternals.INPUT_GATE;
import static dev.mcugen.ir.interp.RecurrentInternals.OUTPUT_GATE;
import static dev.mcugen.ir.interp.RecurrentInternals.tensorName;

/** One step of a {@link QLstmTfl}, exactly as its documentation states (TFLite Micro's order of operations). */
final class LstmTflCell implements RecurrentCell {
    /** The gate pre-activations are Q3.12: three integer bits for the LUT sigmoid and tanh. */
    private static final int GATE_INTEGER_BITS = 3;

    private final QLstmTfl node;
    private final int u;
    private final Gate[] gates;
    private final QActivation cellTanh;
    private final int[] f;
    private final int[] i;
    private final int[] z;
    private final int[] o;
    private final String[] names;

    LstmTflCell(QLstmTfl node) {
        this.node = node;
        this.u = node.units();
        gates = new Gate[] {new Gate(node.forget()), new Gate(node.input()), new Gate(node.cell()), new Gate(node.output())};
        // tanh of the cell state Q(15-n).n; for n < 8 the LUT scheme saturates the input to Q7.8 first,
        // which gives TFLite's result (its table saturates there too)
        cellTanh = QActivation.of(Activation.TANH, QActivation.Impl.LUT, node.cellFracBits());
        f = new int[u];
        i = new int[u];
        z = new int[u];
        o = new int[u];
        names = new String[] {tensorName(node.name(), FORGET_GATE), tensorName(node.name(), INPUT_GATE),
            tensorName(node.name(), CELL_GATE), tensorName(node.name(), OUTPUT_GATE), tensorName(node.name(), CELL)};
    }

    /** A gate's integers, unpacked once. */
    private record Gate(QLstmTfl.Gate g, int[] w, int[] bw, int[] r, int[] br) {
        Gate(QLstmTfl.Gate g) {
            this(g, g.inputWeights().toIntArray(), g.inputBias().toIntArray(), g.recurrentWeights().toIntArray(),
                    g.recurrentBias().toIntArray());
        }
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
        int[] h = new int[u];
        Arrays.fill(h, node.outputType().zeroPoint());
        return new RecurrentState(h, new int[u]);
    }

    @Override
    public void step(RecurrentState s, int[] x, int xOff, int[] y, int yOff, int step, IntObserver obs) {
        int[] h = s.h;
        int[] c = s.c;
        gate(gates[0], x, xOff, h, f, Activation.SIGMOID);
        gate(gates[1], x, xOff, h, i, Activation.SIGMOID);
        gate(gates[2], x, xOff, h, z, node.cellActivation());
        for (int j = 0; j < u; j++) {
            int kept = FixedPoint.satInt16(node.forgetCellRescale().apply(f[j] * c[j]));
            int added = FixedPoint.satInt16(node.inputCellRescale().apply(i[j] * z[j]));
            int v = FixedPoint.satInt16(kept + added);
            if (node.cellClip() > 0) {
                v = FixedPoint.clamp(v, -node.cellClip(), node.cellClip());
            }
            c[j] = v;
        }
        // the output gate reads the old h, like the other three: h changes only below
        gate(gates[3], x, xOff, h, o, Activation.SIGMOID);
        int zp = node.outputType().zeroPoint();
        for (int j = 0; j < u; j++) {
            int t = cellTanh.apply(c[j]);
            // TFLite adds the zero point, then clamps to int8; narrowing v to [-2^16, 2^16] first changes no
            // int8 result (|zp| <= 128) and keeps the sum from overflowing (the C does the same)
            int v = FixedPoint.clamp(node.hiddenRescale().apply(t * o[j]), -65536, 65536);
            h[j] = FixedPoint.satInt8(zp + v);
        }
        obs.observe(names[0], step, f);
        obs.observe(names[1], step, i);
        obs.observe(names[2], step, z);
        obs.observe(names[3], step, o);
        obs.observe(names[4], step, c);
        System.arraycopy(h, 0, y, yOff, u);
    }

    /** {@code out = act(sat16(fc_x + fc_h))}, each part requantized to Q3.12 and saturated on its own. */
    private void gate(Gate g, int[] x, int xOff, int[] h, int[] out, Activation act) {
        int in = node.inputSize();
        for (int j = 0; j < u; j++) {
            long ax = g.bw[j];
            for (int k = 0; k < in; k++) {
                ax += (long) g.w[j * in + k] * x[xOff + k];
            }
            long ah = g.br[j];
            for (int k = 0; k < u; k++) {
                ah += (long) g.r[j * u + k] * h[k];
            }
            int fx = FixedPoint.satInt16(g.g.inputRescale().apply(int32(ax)));
            int fh = FixedPoint.satInt16(g.g.recurrentRescale().apply(int32(ah)));
            int pre = FixedPoint.satInt16(fx + fh);
            out[j] = act == Activation.SIGMOID ? LutActivation.INSTANCE.sigmoid(pre, GATE_INTEGER_BITS)
                    : LutActivation.INSTANCE.tanh(pre, GATE_INTEGER_BITS);
        }
    }

    private int int32(long acc) {
        if (acc != (int) acc) {
            throw new IllegalStateException(node.name() + ": LSTM gate accumulator " + acc + " overflows int32");
        }
        return (int) acc;
    }
}
