package dev.mcugen.ir.sim;

import dev.mcugen.ir.Activation;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.fixed.GoldenVectors;
import dev.mcugen.ir.quant.IntObserver;
import dev.mcugen.ir.quant.IntTensor;
import dev.mcugen.ir.quant.QActivation;
import dev.mcugen.ir.quant.QGate;
import dev.mcugen.ir.quant.QGru;
import dev.mcugen.ir.quant.QLayerNorm;
import dev.mcugen.ir.quant.QLstm;
import dev.mcugen.ir.quant.QMatVec;
import dev.mcugen.ir.quant.QPeephole;
import dev.mcugen.ir.quant.QSimpleRnn;
import dev.mcugen.ir.quant.QuantType;
import dev.mcugen.ir.quant.Rescale;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Golden vectors for the C recurrent step kernels ({@code runtime-c/include/mcu_rnn.h}): seeded
 * random but valid {@link QSimpleRnn}, {@link QGru} and {@link QLstm} records built directly (odd
 * sizes such as 13 inputs and 29 units; every LSTM variant: ±CIFG, ±peephole, ±layer norm,
 * ±projection; both GRU {@code reset_after} forms; sigmoid / hard_sigmoid gates; tanh / sigmoid /
 * relu / linear candidates; lut and poly; rescales in both forms), run step by step through the
 * Java cells ({@link RecurrentKernels#cell}), written as one-column {@code MCGV} tables
 * {@code rnn_simple}, {@code rnn_gru}, {@code rnn_lstm}: a flat int32 stream read sequentially by
 * {@code runtime-c/test/test_rnn_*.c} (the number of cases, then per case the parameters in the
 * order the {@code write*} methods state, then per step {@code x_t}, the expected output and the
 * state after the step). A rescale is {@code multiplier, shift} (multiplier 0: power of two).
 */
public final class RnnGoldenVectors {
    static final long SEED = 20240921L;
    static final int SIMPLE_CASES = 24;
    static final int GRU_CASES = 32;
    static final int LSTM_CASES = 64;

    private RnnGoldenVectors() {
    }

    /** Writes the three tables into {@code dir}. */
    public static List<Path> write(Path dir) {
        return GoldenVectors.writeBinary(dir, all());
    }

    public static List<GoldenVectors.Table> all() {
        Random rnd = new Random(SEED);
        List<GoldenVectors.Table> tables = new ArrayList<>();
        tables.add(table("rnn_simple", SIMPLE_CASES, rnd, RnnGoldenVectors::simple));
        tables.add(table("rnn_gru", GRU_CASES, rnd, RnnGoldenVectors::gru));
        tables.add(table("rnn_lstm", LSTM_CASES, rnd, RnnGoldenVectors::lstm));
        return tables;
    }

    /** A flat int32 stream. */
    static final class Out {
        final List<Integer> v = new ArrayList<>();

        void add(int x) {
            v.add(x);
        }

        void addAll(int[] xs) {
            for (int x : xs) {
                v.add(x);
            }
        }

        void rescale(Rescale r) {
            if (!r.powerOfTwo() && r.multiplier() == 0) {
                throw new IllegalArgumentException("a multiplier-form rescale with multiplier 0 has no C form");
            }
            add(r.multiplier());
            add(r.shift());
        }

        void matVec(QMatVec m) {
            add(m.rows());
            add(m.cols());
            addAll(m.weights().toIntArray());
            addAll(m.bias().toIntArray());
            rescale(m.rescale());
        }

        void act(QActivation a) {
            add(switch (a.function()) {
                case SIGMOID -> 0;
                case TANH -> 1;
                case HARD_SIGMOID -> 2;
                case RELU -> 3;
                case LINEAR -> 4;
                default -> throw new IllegalArgumentException(a.function().toString());
            });
            add(a.impl() == QActivation.Impl.POLY ? 1 : 0);
            add(a.inputFracBits());
        }

        /** input, recurrent, hasPeephole [P[u], rescale], hasLayerNorm [L[u], b[u], rescale], activation. */
        void gate(QGate g) {
            matVec(g.input());
            matVec(g.recurrent());
            add(g.peephole() != null ? 1 : 0);
            if (g.peephole() != null) {
                addAll(g.peephole().weights().toIntArray());
                rescale(g.peephole().rescale());
            }
            add(g.layerNorm() != null ? 1 : 0);
            if (g.layerNorm() != null) {
                addAll(g.layerNorm().coefficients().toIntArray());
                addAll(g.layerNorm().bias().toIntArray());
                rescale(g.layerNorm().rescale());
            }
            act(g.activation());
        }
    }

    private interface Family {
        void write(Random rnd, int index, Out out);
    }

    private static GoldenVectors.Table table(String name, int cases, Random rnd, Family f) {
        Out out = new Out();
        out.add(cases);
        for (int i = 0; i < cases; i++) {
            f.write(rnd, i, out);
        }
        List<int[]> rows = new ArrayList<>(out.v.size());
        for (int x : out.v) {
            rows.add(new int[] {x});
        }
        return new GoldenVectors.Table(name, List.of("stream"), rows);
    }

    // ---------------------------------------------------------------------------------------------
    // Random pieces

    private static int between(Random rnd, int lo, int hi) {
        return lo + rnd.nextInt(hi - lo + 1);
    }

    private static Rescale rescale(Random rnd, int exponent) {
        int shift = Math.max(-31, Math.min(30, exponent + between(rnd, -1, 1)));
        if (rnd.nextBoolean()) {
            return Rescale.pot(shift);
        }
        return new Rescale(false, (1 << 30) + rnd.nextInt(1 << 30), shift);
    }

    private static int log2(double v) {
        return (int) Math.ceil(Math.log(Math.max(v, 1.0)) / Math.log(2.0));
    }

    private static QuantType int8(Random rnd) {
        return new QuantType(8, -128, 127, 0.01, between(rnd, -100, 100));
    }

    /**
     * A matrix reading values of typical magnitude {@code xAmp} with zero point {@code zpX}, its
     * outputs rescaled to about {@code 2^targetBits}.
     */
    private static QMatVec matVec(Random rnd, int rows, int cols, double xAmp, int zpX, int targetBits) {
        int wMax = rnd.nextInt(3) == 0 ? 31 : 127;
        int[] w = new int[rows * cols];
        for (int k = 0; k < w.length; k++) {
            w[k] = between(rnd, -wMax, wMax);
        }
        double accAmp = Math.sqrt(cols) * wMax * 0.6 * xAmp + 1;
        int[] b = new int[rows];
        for (int r = 0; r < rows; r++) {
            long sum = 0;
            for (int c = 0; c < cols; c++) {
                sum += w[r * cols + c];
            }
            b[r] = (int) ((rnd.nextDouble() - 0.5) * accAmp) - (int) (zpX * sum);
        }
        Rescale rs = rescale(rnd, targetBits - log2(accAmp));
        return new QMatVec(rows, cols, IntTensor.of(Shape.of(rows, cols), 8, w), IntTensor.of(Shape.of(rows), 32, b),
                rs, false);
    }

    private static QActivation.Impl impl(Random rnd) {
        return rnd.nextBoolean() ? QActivation.Impl.LUT : QActivation.Impl.POLY;
    }

    private static Activation gateFunction(Random rnd) {
        return rnd.nextInt(3) == 0 ? Activation.HARD_SIGMOID : Activation.SIGMOID;
    }

    private static int[] inputs(Random rnd, int n) {
        int[] x = new int[n];
        int lo = rnd.nextInt(4) == 0 ? -20 : -128;
        int hi = lo == -20 ? 20 : 127;
        for (int i = 0; i < n; i++) {
            x[i] = between(rnd, lo, hi);
        }
        return x;
    }

    /**
     * A gate with pre-activation format {@code preFrac} and the given activation; recurrent input
     * of width {@code hWidth}, amplitude {@code hAmp}, zero point {@code zpH}.
     */
    private static QGate gate(Random rnd, int u, int in, int zpX, int hWidth, double hAmp, int zpH,
                              Activation fn, QActivation.Impl impl, int preFrac, boolean peephole, int cellFrac,
                              boolean layerNorm) {
        int target = layerNorm ? 13 : 12;
        QMatVec wx = matVec(rnd, u, in, 70, zpX, target - 1);
        QMatVec wh = matVec(rnd, u, hWidth, hAmp, zpH, target - 1);
        QPeephole p = null;
        if (peephole) {
            int[] pw = new int[u];
            for (int j = 0; j < u; j++) {
                pw[j] = between(rnd, -32767, 32767);
            }
            // |P c| ~ 2^14 * 2^(cellFrac - 1): brought to ~2^(target - 1)
            p = new QPeephole(IntTensor.of(Shape.of(u), 16, pw), rescale(rnd, target - 1 - 14 - Math.min(14, cellFrac)));
        }
        QLayerNorm ln = null;
        if (layerNorm) {
            int[] l = new int[u];
            int[] b = new int[u];
            for (int j = 0; j < u; j++) {
                l[j] = rnd.nextInt(5) == 0 ? between(rnd, -32767, 32767) : between(rnd, 8000, 32767);
                b[j] = between(rnd, -(1 << 24), 1 << 24);
            }
            ln = new QLayerNorm(QuantType.symmetric(16, 4.0), IntTensor.of(Shape.of(u), 16, l),
                    IntTensor.of(Shape.of(u), 32, b), rescale(rnd, preFrac - 24));
        }
        QActivation act = QActivation.of(fn, impl, preFrac);
        return new QGate(wx, wh, p, ln, QuantType.powerOfTwo(16, preFrac), act,
                QuantType.powerOfTwo(16, act.outputFracBits()));
    }

    // ---------------------------------------------------------------------------------------------
    // Families

    private static int[] sizes(Random rnd, int index) {
        return index % 4 == 0 ? new int[] {13, 29} : new int[] {between(rnd, 1, 24), between(rnd, 1, 24)};
    }

    /**
     * {@code units, in, T, input matVec, recurrent matVec, activation, hasOutputRescale, rescale,
     * outZp, outMin, outMax}, then per step {@code x[in], y[units] (only with the rescale), h[units]}.
     */
    private static void simple(Random rnd, int index, Out out) {
        int[] sz = sizes(rnd, index);
        int in = sz[0];
        int u = sz[1];
        int steps = between(rnd, 5, 20);
        Activation fn = new Activation[] {Activation.TANH, Activation.SIGMOID, Activation.HARD_SIGMOID,
            Activation.RELU, Activation.LINEAR}[index % 5];
        boolean bounded = QActivation.saturating(fn);
        int preFrac = bounded ? 12 : between(rnd, 8, 13);
        QActivation act = QActivation.of(fn, impl(rnd), preFrac);
        QuantType state = QuantType.powerOfTwo(16, act.outputFracBits());
        QuantType xt = int8(rnd);
        QMatVec wx = matVec(rnd, u, in, 70, xt.zeroPoint(), 11);
        QMatVec wh = matVec(rnd, u, u, bounded ? 16000 : 3000, 0, 11);
        boolean hasOut = index % 7 != 3;
        Rescale outR = hasOut ? rescale(rnd, 7 - act.outputFracBits() + (bounded ? 0 : 1)) : null;
        QuantType yt = hasOut ? int8(rnd) : state;
        QSimpleRnn node = new QSimpleRnn("rnn", List.of("x"), Shape.of(steps, u), yt, xt, u, true, false, state,
                wx, wh, QuantType.powerOfTwo(16, preFrac), act, outR);
        out.add(u);
        out.add(in);
        out.add(steps);
        out.matVec(wx);
        out.matVec(wh);
        out.act(act);
        out.add(hasOut ? 1 : 0);
        out.rescale(hasOut ? outR : Rescale.IDENTITY);
        out.add(yt.zeroPoint());
        out.add(yt.qmin());
        out.add(yt.qmax());
        run(rnd, RecurrentKernels.cell(node), in, u, steps, hasOut, out);
    }

    /**
     * {@code units, in, T, resetAfter, update gate, reset gate, candidate input, candidate recurrent,
     * resetShift, resetProductRescale (identity when absent), candidate activation, updateShift,
     * hasOutputRescale, rescale, outZp, outMin, outMax}, then per step {@code x[in], y[units] (only
     * with the rescale), h[units]}.
     */
    private static void gru(Random rnd, int index, Out out) {
        int[] sz = sizes(rnd, index);
        int in = sz[0];
        int u = sz[1];
        int steps = between(rnd, 5, 20);
        boolean resetAfter = index % 2 == 0;
        Activation fn = new Activation[] {Activation.TANH, Activation.TANH, Activation.SIGMOID,
            Activation.RELU, Activation.LINEAR}[(index / 2) % 5];
        boolean bounded = QActivation.saturating(fn);
        int preFrac = bounded ? 12 : between(rnd, 9, 13);
        QActivation.Impl impl = impl(rnd);
        QActivation cand = QActivation.of(fn, impl, preFrac);
        QuantType state = QuantType.powerOfTwo(16, cand.outputFracBits());
        double hAmp = bounded ? 16000 : 3000;
        QuantType xt = int8(rnd);
        QGate z = gate(rnd, u, in, xt.zeroPoint(), u, hAmp, 0, gateFunction(rnd), impl, 12, false, 0, false);
        QGate r = gate(rnd, u, in, xt.zeroPoint(), u, hAmp, 0, gateFunction(rnd), impl, 12, false, 0, false);
        QMatVec ci = matVec(rnd, u, in, 70, xt.zeroPoint(), 11);
        QMatVec cr = matVec(rnd, u, u, hAmp, 0, resetAfter ? 13 : 11);
        Rescale rp = resetAfter ? rescale(rnd, 11 - 28) : null;
        boolean hasOut = index % 7 != 3;
        Rescale outR = hasOut ? rescale(rnd, 7 - cand.outputFracBits() + (bounded ? 0 : 1)) : null;
        QuantType yt = hasOut ? int8(rnd) : state;
        QGru node = new QGru("gru", List.of("x"), Shape.of(steps, u), yt, xt, u, true, false, resetAfter, state,
                z, r, ci, cr, resetAfter ? 0 : 15, resetAfter ? QuantType.symmetric(16, 2.0) : null, rp,
                QuantType.powerOfTwo(16, preFrac), cand, 15, outR);
        out.add(u);
        out.add(in);
        out.add(steps);
        out.add(resetAfter ? 1 : 0);
        out.gate(z);
        out.gate(r);
        out.matVec(ci);
        out.matVec(cr);
        out.add(node.resetShift());
        out.rescale(resetAfter ? rp : Rescale.IDENTITY);
        out.act(cand);
        out.add(node.updateShift());
        out.add(hasOut ? 1 : 0);
        out.rescale(hasOut ? outR : Rescale.IDENTITY);
        out.add(yt.zeroPoint());
        out.add(yt.qmin());
        out.add(yt.qmax());
        run(rnd, RecurrentKernels.cell(node), in, u, steps, hasOut, out);
    }

    /**
     * {@code units, in, T, hasInputGate, [input gate], forget gate, cell gate, output gate,
     * cellForgetShift, cellInputShift, cell activation, hiddenRescale, hiddenZp, hiddenMin,
     * hiddenMax, hasProjection, [projection matVec], outZp, outMin, outMax, outUnits}, then per
     * step {@code x[in], h[outUnits] (the output), c[units]}.
     */
    private static void lstm(Random rnd, int index, Out out) {
        int[] sz = sizes(rnd, index);
        int in = sz[0];
        int u = sz[1];
        int steps = between(rnd, 5, 20);
        int variant = index % 16;
        boolean cifg = (variant & 1) != 0;
        boolean peep = (variant & 2) != 0;
        boolean ln = (variant & 4) != 0;
        boolean proj = (variant & 8) != 0;
        int outUnits = proj ? (index % 3 == 0 ? 17 : between(rnd, 1, 20)) : u;
        QActivation.Impl impl = impl(rnd);
        int cellFrac = between(rnd, 10, 15);
        QuantType xt = int8(rnd);
        QuantType ht = int8(rnd);
        QuantType mt = proj ? int8(rnd) : ht;
        int zpH = ht.zeroPoint();
        QGate gi = cifg ? null
                : gate(rnd, u, in, xt.zeroPoint(), outUnits, 70, zpH, gateFunction(rnd), impl, 12, peep, cellFrac, ln);
        QGate gf = gate(rnd, u, in, xt.zeroPoint(), outUnits, 70, zpH, gateFunction(rnd), impl, 12, peep, cellFrac, ln);
        Activation candFn = new Activation[] {Activation.TANH, Activation.TANH, Activation.RELU,
            Activation.LINEAR}[(index / 16) % 4];
        int zFrac = QActivation.saturating(candFn) ? 12 : between(rnd, 9, 12);
        QGate gz = gate(rnd, u, in, xt.zeroPoint(), outUnits, 70, zpH, candFn, impl, zFrac, false, cellFrac, ln);
        QGate go = gate(rnd, u, in, xt.zeroPoint(), outUnits, 70, zpH, gateFunction(rnd), impl, 12, peep, cellFrac, ln);
        int zOutFrac = gz.activation().outputFracBits();
        int inputShift = 15 + zOutFrac - cellFrac;
        Activation cellFn = index % 5 == 4 ? (index % 10 == 4 ? Activation.RELU : Activation.SIGMOID) : Activation.TANH;
        QActivation cellAct = QActivation.of(cellFn, impl, cellFrac);
        Rescale hiddenR = rescale(rnd, 7 - 15 - cellAct.outputFracBits());
        QMatVec projection = proj ? matVec(rnd, outUnits, u, 70, mt.zeroPoint(), 7) : null;
        QLstm node = new QLstm("lstm", List.of("x"), Shape.of(steps, outUnits), ht, xt, u, true, false,
                gi, gf, gz, go, QuantType.powerOfTwo(16, cellFrac), 15, inputShift, cellAct, mt, hiddenR, projection);
        out.add(u);
        out.add(in);
        out.add(steps);
        out.add(cifg ? 0 : 1);
        if (!cifg) {
            out.gate(gi);
        }
        out.gate(gf);
        out.gate(gz);
        out.gate(go);
        out.add(15);
        out.add(inputShift);
        out.act(cellAct);
        out.rescale(hiddenR);
        out.add(mt.zeroPoint());
        out.add(mt.qmin());
        out.add(mt.qmax());
        out.add(proj ? 1 : 0);
        if (proj) {
            out.matVec(projection);
        }
        out.add(ht.zeroPoint());
        out.add(ht.qmin());
        out.add(ht.qmax());
        out.add(outUnits);
        RecurrentCell cell = RecurrentKernels.cell(node);
        RecurrentState s = cell.initialState();
        int[] y = new int[outUnits];
        for (int t = 0; t < steps; t++) {
            int[] x = inputs(rnd, in);
            cell.step(s, x, 0, y, 0, t, IntObserver.NONE);
            out.addAll(x);
            out.addAll(y);
            out.addAll(s.cell());
        }
    }

    /** Steps a GRU / SimpleRNN cell from the zero state: per step x, y (when rescaled), h. */
    private static void run(Random rnd, RecurrentCell cell, int in, int u, int steps, boolean hasOut, Out out) {
        RecurrentState s = cell.initialState();
        int[] y = new int[u];
        for (int t = 0; t < steps; t++) {
            int[] x = inputs(rnd, in);
            cell.step(s, x, 0, y, 0, t, IntObserver.NONE);
            out.addAll(x);
            if (hasOut) {
                out.addAll(y);
            }
            out.addAll(s.hidden());
        }
    }
}
