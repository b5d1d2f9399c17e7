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
 * relu / linear candidates; lut and poly; rescales in both forms), each family at both element
 * widths (int8 x / y / LSTM h for the {@code _s8} kernels; int16, as {@code --precision int16}
 * gives, for the {@code _s16} kernels), run step by step through the Java cells
 * ({@link RecurrentKernels#cell}), written as one-column {@code MCGV} tables {@code rnn_simple},
 * {@code rnn_gru}, {@code rnn_lstm}: a flat int32 stream read sequentially by
 * {@code runtime-c/test/test_rnn_*.c}: the number of cases, then per case the element width (8 or
 * 16: which kernel), the parameters in the order the {@code write*} methods state, then per step
 * {@code x_t}, the expected output and the state after the step. A rescale is
 * {@code multiplier, shift} (multiplier 0: power of two).
 *
 * <p>{@link #writeSimple}, {@link #writeGru} and {@link #writeLstm} write one case for any record
 * (the scale-solver tests use them for records made by the quantizer).
 */
public final class RnnGoldenVectors {
    static final long SEED = 20240921L;
    /** The int16 cases' own stream, so that the int8 cases stay what they were before int16 existed. */
    static final long SEED_S16 = 20250316L;
    /** Random cases per family and width. */
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
        Random rnd8 = new Random(SEED);
        Random rnd16 = new Random(SEED_S16);
        List<GoldenVectors.Table> tables = new ArrayList<>();
        tables.add(table("rnn_simple", SIMPLE_CASES, rnd8, rnd16, RnnGoldenVectors::simple));
        tables.add(table("rnn_gru", GRU_CASES, rnd8, rnd16, RnnGoldenVectors::gru));
        tables.add(table("rnn_lstm", LSTM_CASES, rnd8, rnd16, RnnGoldenVectors::lstm));
        return tables;
    }

    /** A flat int32 stream of cases; {@link #table} prepends the case count. */
    public static final class Out {
        final List<Integer> v = new ArrayList<>();
        private int cases;

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

        /** Starts a case for the kernel of element width {@code bits}. */
        void begin(int bits) {
            cases++;
            add(bits);
        }

        /** The cases written so far. */
        public int cases() {
            return cases;
        }

        /** The one-column table {@code name}: the number of cases, then the stream. */
        public GoldenVectors.Table table(String name) {
            List<int[]> rows = new ArrayList<>(v.size() + 1);
            rows.add(new int[] {cases});
            for (int x : v) {
                rows.add(new int[] {x});
            }
            return new GoldenVectors.Table(name, List.of("stream"), rows);
        }
    }

    private interface Family {
        void write(Random rnd, int index, int bits, Out out);
    }

    /** {@code cases} int8 cases drawn from {@code rnd8}, then {@code cases} int16 cases drawn from {@code rnd16}. */
    private static GoldenVectors.Table table(String name, int cases, Random rnd8, Random rnd16, Family f) {
        Out out = new Out();
        for (int i = 0; i < cases; i++) {
            f.write(rnd8, i, 8, out);
        }
        for (int i = 0; i < cases; i++) {
            f.write(rnd16, i, 16, out);
        }
        return out.table(name);
    }

    // ---------------------------------------------------------------------------------------------
    // One case of any record

    /** The C kernel width of a layer reading {@code input} and giving {@code outputs}: all 8 or all 16 bits. */
    private static int width(String layer, QuantType input, QuantType... outputs) {
        int bits = input.bits();
        if (bits != 8 && bits != 16) {
            throw new IllegalArgumentException(layer + ": no C kernel for int" + bits + " inputs");
        }
        for (QuantType t : outputs) {
            if (t.bits() != bits) {
                throw new IllegalArgumentException(layer + ": no C kernel for int" + bits + " inputs with " + t);
            }
        }
        return bits;
    }

    /**
     * One {@link QSimpleRnn} case: {@code bits, units, in, T, input matVec, recurrent matVec, activation,
     * hasOutputRescale, rescale, outZp, outMin, outMax}, then per step {@code x[in], y[units] (only
     * with the rescale), h[units]}, stepping {@code xs} from the zero state.
     */
    public static void writeSimple(Out out, QSimpleRnn node, List<int[]> xs) {
        boolean hasOut = node.outputRescale() != null;
        QuantType yt = node.outputType();
        out.begin(hasOut ? width(node.name(), node.inputType(), yt) : width(node.name(), node.inputType()));
        out.add(node.units());
        out.add(node.inputSize());
        out.add(xs.size());
        out.matVec(node.input());
        out.matVec(node.recurrent());
        out.act(node.activation());
        out.add(hasOut ? 1 : 0);
        out.rescale(hasOut ? node.outputRescale() : Rescale.IDENTITY);
        out.add(yt.zeroPoint());
        out.add(yt.qmin());
        out.add(yt.qmax());
        run(RecurrentKernels.cell(node), xs, hasOut, out);
    }

    /**
     * One {@link QGru} case: {@code bits, units, in, T, resetAfter, update gate, reset gate, candidate
     * input, candidate recurrent, resetShift, resetProductRescale (identity when absent), candidate
     * activation, updateShift, hasOutputRescale, rescale, outZp, outMin, outMax}, then per step
     * {@code x[in], y[units] (only with the rescale), h[units]}, stepping {@code xs} from the zero state.
     */
    public static void writeGru(Out out, QGru node, List<int[]> xs) {
        boolean hasOut = node.outputRescale() != null;
        QuantType yt = node.outputType();
        out.begin(hasOut ? width(node.name(), node.inputType(), yt) : width(node.name(), node.inputType()));
        out.add(node.units());
        out.add(node.inputSize());
        out.add(xs.size());
        out.add(node.resetAfter() ? 1 : 0);
        out.gate(node.updateGate());
        out.gate(node.resetGate());
        out.matVec(node.candidateInput());
        out.matVec(node.candidateRecurrent());
        out.add(node.resetShift());
        out.rescale(node.resetAfter() ? node.resetProductRescale() : Rescale.IDENTITY);
        out.act(node.candidateActivation());
        out.add(node.updateShift());
        out.add(hasOut ? 1 : 0);
        out.rescale(hasOut ? node.outputRescale() : Rescale.IDENTITY);
        out.add(yt.zeroPoint());
        out.add(yt.qmin());
        out.add(yt.qmax());
        run(RecurrentKernels.cell(node), xs, hasOut, out);
    }

    /**
     * One {@link QLstm} case: {@code bits, units, in, T, hasInputGate, [input gate], forget gate, cell
     * gate, output gate, cellForgetShift, cellInputShift, cell activation, hiddenRescale, hiddenZp,
     * hiddenMin, hiddenMax, hasProjection, [projection matVec], outZp, outMin, outMax, outUnits}, then
     * per step {@code x[in], h[outUnits] (the output), c[units]}, stepping {@code xs} from the zero state.
     */
    public static void writeLstm(Out out, QLstm node, List<int[]> xs) {
        QuantType ht = node.outputType();
        QuantType mt = node.hiddenType();
        out.begin(width(node.name(), node.inputType(), ht, mt));
        out.add(node.units());
        out.add(node.inputSize());
        out.add(xs.size());
        out.add(node.cifg() ? 0 : 1);
        if (!node.cifg()) {
            out.gate(node.inputGate());
        }
        out.gate(node.forgetGate());
        out.gate(node.cellGate());
        out.gate(node.outputGate());
        out.add(node.cellForgetShift());
        out.add(node.cellInputShift());
        out.act(node.cellActivation());
        out.rescale(node.hiddenRescale());
        out.add(mt.zeroPoint());
        out.add(mt.qmin());
        out.add(mt.qmax());
        out.add(node.projection() != null ? 1 : 0);
        if (node.projection() != null) {
            out.matVec(node.projection());
        }
        out.add(ht.zeroPoint());
        out.add(ht.qmin());
        out.add(ht.qmax());
        out.add(node.outputUnits());
        RecurrentCell cell = RecurrentKernels.cell(node);
        RecurrentState s = cell.initialState();
        int[] y = new int[node.outputUnits()];
        for (int t = 0; t < xs.size(); t++) {
            int[] x = xs.get(t);
            cell.step(s, x, 0, y, 0, t, IntObserver.NONE);
            out.addAll(x);
            out.addAll(y);
            out.addAll(s.cell());
        }
    }

    /** Steps a GRU / SimpleRNN cell from the zero state: per step x, y (when rescaled), h. */
    private static void run(RecurrentCell cell, List<int[]> xs, boolean hasOut, Out out) {
        RecurrentState s = cell.initialState();
        int[] y = new int[cell.outputSize()];
        for (int t = 0; t < xs.size(); t++) {
            int[] x = xs.get(t);
            if (x.length != cell.inputSize()) {
                throw new IllegalArgumentException("step " + t + ": " + x.length + " inputs, not " + cell.inputSize());
            }
            cell.step(s, x, 0, y, 0, t, IntObserver.NONE);
            out.addAll(x);
            if (hasOut) {
                out.addAll(y);
            }
            out.addAll(s.hidden());
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Random pieces (an int8 case draws exactly what it drew before the int16 cases existed)

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

    /** An activation type of the width: int8 asymmetric, or int16 symmetric as --precision int16 gives. */
    private static QuantType activation(Random rnd, int bits) {
        return bits == 8 ? int8(rnd) : QuantType.symmetric(16, 3.0);
    }

    /** Typical magnitude of an activation vector of the width (x, LSTM h and m). */
    private static double amplitude(int bits) {
        return bits == 8 ? 70 : 70 * 256;
    }

    /**
     * A matrix reading values of typical magnitude {@code xAmp} with zero point {@code zpX} (a vector
     * of {@code xBits}), its outputs rescaled to about {@code 2^targetBits}. With {@code stress} one
     * row in six gets a bias near ±2^31, so that its int64 sum leaves int32 and saturates.
     */
    private static QMatVec matVec(Random rnd, int rows, int cols, double xAmp, int zpX, int targetBits, int xBits,
                                  boolean stress) {
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
        if (stress) {
            for (int r = 0; r < rows; r++) {
                if (rnd.nextInt(6) == 0) {
                    int margin = rnd.nextInt(1 << 20);
                    b[r] = rnd.nextBoolean() ? Integer.MAX_VALUE - margin : Integer.MIN_VALUE + margin;
                }
            }
        }
        Rescale rs = rescale(rnd, targetBits - log2(accAmp));
        // QMatVec's static bound: |bias| + sum |w| max|x| beyond int32 needs the int64 accumulator
        long maxX = 1L << (xBits - 1);
        boolean wide = false;
        for (int r = 0; r < rows; r++) {
            long bound = Math.abs((long) b[r]);
            for (int c = 0; c < cols; c++) {
                bound += Math.abs(w[r * cols + c]) * maxX;
            }
            wide |= bound > Integer.MAX_VALUE;
        }
        return new QMatVec(rows, cols, IntTensor.of(Shape.of(rows, cols), 8, w), IntTensor.of(Shape.of(rows), 32, b),
                rs, wide);
    }

    private static QActivation.Impl impl(Random rnd) {
        return rnd.nextBoolean() ? QActivation.Impl.LUT : QActivation.Impl.POLY;
    }

    private static Activation gateFunction(Random rnd) {
        return rnd.nextInt(3) == 0 ? Activation.HARD_SIGMOID : Activation.SIGMOID;
    }

    /** One step's input: int8 over the full range or near 0; int16 near 0, over ±20000 or the full range. */
    private static int[] inputs(Random rnd, int n, int bits) {
        int[] x = new int[n];
        int lo;
        int hi;
        if (bits == 8) {
            lo = rnd.nextInt(4) == 0 ? -20 : -128;
            hi = lo == -20 ? 20 : 127;
        } else {
            int mode = rnd.nextInt(4);
            lo = mode == 0 ? -300 : mode == 1 ? -32768 : -20000;
            hi = mode == 0 ? 300 : mode == 1 ? 32767 : 20000;
        }
        for (int i = 0; i < n; i++) {
            x[i] = between(rnd, lo, hi);
        }
        return x;
    }

    private static List<int[]> sequence(Random rnd, int steps, int n, int bits) {
        List<int[]> xs = new ArrayList<>(steps);
        for (int t = 0; t < steps; t++) {
            xs.add(inputs(rnd, n, bits));
        }
        return xs;
    }

    /**
     * A gate with pre-activation format {@code preFrac} and the given activation; input of width
     * {@code in}, amplitude {@code xAmp}, zero point {@code zpX}, {@code xBits}; recurrent input of
     * width {@code hWidth}, amplitude {@code hAmp}, zero point {@code zpH}, {@code hBits}.
     */
    private static QGate gate(Random rnd, int u, int in, double xAmp, int zpX, int xBits, int hWidth, double hAmp,
                              int zpH, int hBits, boolean stress, Activation fn, QActivation.Impl impl, int preFrac,
                              boolean peephole, int cellFrac, boolean layerNorm) {
        int target = layerNorm ? 13 : 12;
        QMatVec wx = matVec(rnd, u, in, xAmp, zpX, target - 1, xBits, stress);
        QMatVec wh = matVec(rnd, u, hWidth, hAmp, zpH, target - 1, hBits, stress);
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
    // Families (int8 cases, then int16 cases: x, y and the LSTM h / m of the kernel's width)

    private static int[] sizes(Random rnd, int index) {
        return index % 4 == 0 ? new int[] {13, 29} : new int[] {between(rnd, 1, 24), between(rnd, 1, 24)};
    }

    private static void simple(Random rnd, int index, int bits, Out out) {
        int[] sz = sizes(rnd, index);
        int in = sz[0];
        int u = sz[1];
        int steps = between(rnd, 5, 20);
        boolean stress = bits == 16;
        Activation fn = new Activation[] {Activation.TANH, Activation.SIGMOID, Activation.HARD_SIGMOID,
            Activation.RELU, Activation.LINEAR}[index % 5];
        boolean bounded = QActivation.saturating(fn);
        int preFrac = bounded ? 12 : between(rnd, 8, 13);
        QActivation act = QActivation.of(fn, impl(rnd), preFrac);
        QuantType state = QuantType.powerOfTwo(16, act.outputFracBits());
        QuantType xt = activation(rnd, bits);
        QMatVec wx = matVec(rnd, u, in, amplitude(bits), xt.zeroPoint(), 11, bits, stress);
        QMatVec wh = matVec(rnd, u, u, bounded ? 16000 : 3000, 0, 11, 16, stress);
        // int16: the quantizer gives the output the state's type (no rescale); the rescaled form is tested too
        boolean hasOut = bits == 8 ? index % 7 != 3 : index % 2 == 1;
        Rescale outR = hasOut ? rescale(rnd, bits - 1 - act.outputFracBits() + (bounded ? 0 : 1)) : null;
        QuantType yt = hasOut ? activation(rnd, bits) : state;
        QSimpleRnn node = new QSimpleRnn("rnn", List.of("x"), Shape.of(steps, u), yt, xt, u, true, false, state,
                wx, wh, QuantType.powerOfTwo(16, preFrac), act, outR);
        writeSimple(out, node, sequence(rnd, steps, in, bits));
    }

    private static void gru(Random rnd, int index, int bits, Out out) {
        int[] sz = sizes(rnd, index);
        int in = sz[0];
        int u = sz[1];
        int steps = between(rnd, 5, 20);
        boolean stress = bits == 16;
        boolean resetAfter = index % 2 == 0;
        Activation fn = new Activation[] {Activation.TANH, Activation.TANH, Activation.SIGMOID,
            Activation.RELU, Activation.LINEAR}[(index / 2) % 5];
        boolean bounded = QActivation.saturating(fn);
        int preFrac = bounded ? 12 : between(rnd, 9, 13);
        QActivation.Impl impl = impl(rnd);
        QActivation cand = QActivation.of(fn, impl, preFrac);
        QuantType state = QuantType.powerOfTwo(16, cand.outputFracBits());
        double hAmp = bounded ? 16000 : 3000;
        double xAmp = amplitude(bits);
        QuantType xt = activation(rnd, bits);
        int zpX = xt.zeroPoint();
        QGate z = gate(rnd, u, in, xAmp, zpX, bits, u, hAmp, 0, 16, stress, gateFunction(rnd), impl, 12, false, 0,
                false);
        QGate r = gate(rnd, u, in, xAmp, zpX, bits, u, hAmp, 0, 16, stress, gateFunction(rnd), impl, 12, false, 0,
                false);
        QMatVec ci = matVec(rnd, u, in, xAmp, zpX, 11, bits, stress);
        QMatVec cr = matVec(rnd, u, u, hAmp, 0, resetAfter ? 13 : 11, 16, stress);
        Rescale rp = resetAfter ? rescale(rnd, 11 - 28) : null;
        boolean hasOut = bits == 8 ? index % 7 != 3 : (index / 2) % 2 == 1;
        Rescale outR = hasOut ? rescale(rnd, bits - 1 - cand.outputFracBits() + (bounded ? 0 : 1)) : null;
        QuantType yt = hasOut ? activation(rnd, bits) : state;
        QGru node = new QGru("gru", List.of("x"), Shape.of(steps, u), yt, xt, u, true, false, resetAfter, state,
                z, r, ci, cr, resetAfter ? 0 : 15, resetAfter ? QuantType.symmetric(16, 2.0) : null, rp,
                QuantType.powerOfTwo(16, preFrac), cand, 15, outR);
        writeGru(out, node, sequence(rnd, steps, in, bits));
    }

    private static void lstm(Random rnd, int index, int bits, Out out) {
        int[] sz = sizes(rnd, index);
        int in = sz[0];
        int u = sz[1];
        int steps = between(rnd, 5, 20);
        boolean stress = bits == 16;
        int variant = index % 16;
        boolean cifg = (variant & 1) != 0;
        boolean peep = (variant & 2) != 0;
        boolean ln = (variant & 4) != 0;
        boolean proj = (variant & 8) != 0;
        int outUnits = proj ? (index % 3 == 0 ? 17 : between(rnd, 1, 20)) : u;
        QActivation.Impl impl = impl(rnd);
        int cellFrac = between(rnd, 10, 15);
        QuantType xt = activation(rnd, bits);
        QuantType ht = activation(rnd, bits);
        QuantType mt = proj ? activation(rnd, bits) : ht;
        int zpX = xt.zeroPoint();
        int zpH = ht.zeroPoint();
        double amp = amplitude(bits);
        QGate gi = cifg ? null : gate(rnd, u, in, amp, zpX, bits, outUnits, amp, zpH, bits, stress, gateFunction(rnd),
                impl, 12, peep, cellFrac, ln);
        QGate gf = gate(rnd, u, in, amp, zpX, bits, outUnits, amp, zpH, bits, stress, gateFunction(rnd), impl, 12,
                peep, cellFrac, ln);
        Activation candFn = new Activation[] {Activation.TANH, Activation.TANH, Activation.RELU,
            Activation.LINEAR}[(index / 16) % 4];
        int zFrac = QActivation.saturating(candFn) ? 12 : between(rnd, 9, 12);
        QGate gz = gate(rnd, u, in, amp, zpX, bits, outUnits, amp, zpH, bits, stress, candFn, impl, zFrac, false,
                cellFrac, ln);
        QGate go = gate(rnd, u, in, amp, zpX, bits, outUnits, amp, zpH, bits, stress, gateFunction(rnd), impl, 12,
                peep, cellFrac, ln);
        int zOutFrac = gz.activation().outputFracBits();
        int inputShift = 15 + zOutFrac - cellFrac;
        Activation cellFn = index % 5 == 4 ? (index % 10 == 4 ? Activation.RELU : Activation.SIGMOID) : Activation.TANH;
        QActivation cellAct = QActivation.of(cellFn, impl, cellFrac);
        Rescale hiddenR = rescale(rnd, bits - 1 - 15 - cellAct.outputFracBits());
        QMatVec projection = proj ? matVec(rnd, outUnits, u, amp, mt.zeroPoint(), bits - 1, bits, stress) : null;
        QLstm node = new QLstm("lstm", List.of("x"), Shape.of(steps, outUnits), ht, xt, u, true, false,
                gi, gf, gz, go, QuantType.powerOfTwo(16, cellFrac), 15, inputShift, cellAct, mt, hiddenR, projection);
        writeLstm(out, node, sequence(rnd, steps, in, bits));
    }
}
