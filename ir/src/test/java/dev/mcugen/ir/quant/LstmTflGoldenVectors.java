package dev.mcugen.ir.quant;

import dev.mcugen.ir.Activation;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.fixed.GoldenVectors;
import dev.mcugen.ir.fixed.QuantizedMultiplier;
import dev.mcugen.ir.sim.RecurrentCell;
import dev.mcugen.ir.sim.RecurrentKernels;
import dev.mcugen.ir.sim.RecurrentState;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Golden table {@code nn_lstm_tfl} for runtime-c's {@code test_nn_lstm_tfl.c}: {@code mcu_lstm_tfl_s8}
 * against the simulator's {@link QLstmTfl} step. One int32 stream: the case count, then per case
 * {@code units, inputSize, steps, cellSigmoid, cellIntegerBits, cellClip, hiddenZp}, the rescales
 * (forget-cell, input-cell, hidden: multiplier, shift each), per gate (forget, input, cell, output)
 * {@code inputWeights[units*inputSize], inputBias[units], inputRescale, recurrentWeights[units*units],
 * recurrentBias[units], recurrentRescale}, the initial {@code h[units]} and {@code c[units]}, the input
 * {@code x[steps*inputSize]}, then the expected {@code y[steps*units]} and final {@code c[units]}.
 * The cases start from states reached by a few random warm-up steps and cover every cell format (0..15 fractional bits: the tanh's
 * input lift for coarse cells and its rounding for fine ones), clipping on and off, sigmoid and tanh
 * cell gates, zero points at the int8 range ends and rescales large enough to saturate every stage.
 */
public final class LstmTflGoldenVectors {
    static final long SEED = 20261214L;
    static final int CASES = 300;

    private LstmTflGoldenVectors() {
    }

    public static List<Path> write(Path dir) {
        return GoldenVectors.writeBinary(dir, List.of(table()));
    }

    static GoldenVectors.Table table() {
        Random rnd = new Random(SEED);
        NnGoldenVectors.Out out = new NnGoldenVectors.Out();
        out.add(CASES);
        for (int i = 0; i < CASES; i++) {
            lstmCase(rnd, i, out);
        }
        List<int[]> rows = new ArrayList<>();
        for (int v : out.values()) {
            rows.add(new int[] {v});
        }
        return new GoldenVectors.Table("nn_lstm_tfl", List.of("stream"), rows);
    }

    private static void lstmCase(Random rnd, int index, NnGoldenVectors.Out out) {
        int units = NnGoldenVectors.between(rnd, 1, 9);
        int in = NnGoldenVectors.between(rnd, 1, 7);
        int steps = NnGoldenVectors.between(rnd, 1, 5);
        int fracBits = index % 16;
        boolean sigmoid = index % 5 == 4;
        int clip = index % 3 == 0 ? 0 : NnGoldenVectors.between(rnd, 1, 32767);
        int zpH = switch (index % 4) {
            case 0 -> -128;
            case 1 -> 127;
            default -> NnGoldenVectors.between(rnd, -128, 127);
        };
        QuantType x8 = new QuantType(8, -128, 127, 0.01, 0);
        QuantType h8 = new QuantType(8, -128, 127, 0.01, zpH);
        double sc = Math.scalb(1.0, -fracBits);
        double sh = Math.scalb(1.0, -NnGoldenVectors.between(rnd, 3, 12)) * (1 + rnd.nextDouble());
        Rescale forgetCell = Rescale.of(QuantizedMultiplier.of(Math.scalb(1.0, -15) * sc / sc));
        Rescale inputCell = Rescale.of(QuantizedMultiplier.of(Math.scalb(1.0, -30) / sc));
        Rescale hidden = Rescale.of(QuantizedMultiplier.of(Math.scalb(1.0, -30) / sh));
        // big gate rescales in some cases saturate the Q3.12 parts and their sum
        double gateScale = index % 7 == 0 ? 4.0 : 0.02 + 0.3 * rnd.nextDouble();
        QLstmTfl.Gate[] gates = new QLstmTfl.Gate[4];
        List<int[]> gateInts = new ArrayList<>();
        for (int g = 0; g < 4; g++) {
            int[] w = NnGoldenVectors.values(rnd, units * in, 8);
            int[] b = new int[units];
            int[] r = NnGoldenVectors.values(rnd, units * units, 8);
            int[] rb = new int[units];
            for (int u = 0; u < units; u++) {
                b[u] = rnd.nextInt(40001) - 20000;
                rb[u] = rnd.nextInt(20001) - 10000;
            }
            Rescale rx = Rescale.of(QuantizedMultiplier.of(gateScale * (0.5 + rnd.nextDouble())));
            Rescale rh = Rescale.of(QuantizedMultiplier.of(gateScale * (0.5 + rnd.nextDouble())));
            gates[g] = new QLstmTfl.Gate(IntTensor.of(Shape.of(units, in), 8, w), IntTensor.of(Shape.of(units), 32, b), rx,
                    IntTensor.of(Shape.of(units, units), 8, r), IntTensor.of(Shape.of(units), 32, rb), rh);
            gateInts.add(w);
            gateInts.add(b);
            gateInts.add(r);
            gateInts.add(rb);
        }
        QLstmTfl node = new QLstmTfl("l", List.of("x"), Shape.of(steps, units), h8, x8, units, in, gates[0], gates[1],
                gates[2], gates[3], sigmoid ? Activation.SIGMOID : Activation.TANH, fracBits, forgetCell, inputCell, hidden,
                clip);
        RecurrentCell cell = RecurrentKernels.cell(node);
        // a state away from zero: a few warm-up steps from the fresh state on random inputs
        RecurrentState start = cell.initialState();
        int warm = NnGoldenVectors.between(rnd, 0, 4);
        int[] wx = NnGoldenVectors.values(rnd, Math.max(1, warm) * in, 8);
        int[] wy = new int[Math.max(1, warm) * units];
        for (int t = 0; t < warm; t++) {
            cell.step(start, wx, t * in, wy, t * units, t, IntObserver.NONE);
        }
        int[] h0 = start.hidden();
        int[] c0 = start.cell();
        int[] x = NnGoldenVectors.values(rnd, steps * in, 8);
        int[] y = new int[steps * units];
        for (int t = 0; t < steps; t++) {
            cell.step(start, x, t * in, y, t * units, t, IntObserver.NONE);
        }
        for (int v : new int[] {units, in, steps, sigmoid ? 1 : 0, 15 - fracBits, clip, zpH}) {
            out.add(v);
        }
        out.rescale(forgetCell);
        out.rescale(inputCell);
        out.rescale(hidden);
        for (int g = 0; g < 4; g++) {
            out.addAll(gateInts.get(4 * g));
            out.addAll(gateInts.get(4 * g + 1));
            out.rescale(gates[g].inputRescale());
            out.addAll(gateInts.get(4 * g + 2));
            out.addAll(gateInts.get(4 * g + 3));
            out.rescale(gates[g].recurrentRescale());
        }
        out.addAll(h0);
        out.addAll(c0);
        out.addAll(x);
        out.addAll(y);
        out.addAll(start.cell());
    }
}
