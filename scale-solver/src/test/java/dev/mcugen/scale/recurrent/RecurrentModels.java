package dev.mcugen.scale.recurrent;

import dev.mcugen.ir.Activation;
import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.GraphBuilder;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.json.GraphJson;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Recurrent test models with realistic weights ({@link Realistic}), built as graphs and passed through
 * mcugen graph JSON (the format that expresses every LSTM variant), so each test runs a graph-JSON model.
 * The input is {@code x [?, features]} (open sequence length); the layer is named {@code rnn}.
 */
final class RecurrentModels {
    static final String INPUT = "x";
    static final String LAYER = "rnn";
    /**
     * Glorot gain of the input kernels: the trained examples have 2.0 (kws_gru) to 3.1 (har_lstm,
     * stacked_rnn) times the Glorot-uniform RMS.
     */
    static final double KERNEL_GAIN = 3.0;
    /** Gain of the orthogonal recurrent blocks: 0.9 (stacked_rnn) to 1.5 (har_lstm) in the examples. */
    static final double RECURRENT_GAIN = 1.0;
    /** Peephole weights: small, N(0, 0.1). */
    static final double PEEPHOLE_STD = 0.1;
    /** Layer-norm coefficients N(0.5, 0.075): normalized gates of about ±1 before the bias. */
    static final double LN_MEAN = 0.5;
    static final double LN_STD = 0.075;

    private RecurrentModels() {
    }

    /** An LSTM variant of seed 000 (tanh, sigmoid or hard_sigmoid gates), return_sequences on. */
    static Graph lstm(long seed, int features, int units, boolean peephole, boolean layerNorm, boolean cifg,
                      int projection, Activation recurrentActivation) {
        return lstm(seed, features, units, peephole, layerNorm, cifg, projection, Activation.TANH, recurrentActivation);
    }

    /** {@link #lstm(long, int, int, boolean, boolean, boolean, int, Activation)} with another cell activation. */
    static Graph lstm(long seed, int features, int units, boolean peephole, boolean layerNorm, boolean cifg,
                      int projection, Activation activation, Activation recurrentActivation) {
        Random r = new Random(seed);
        Op.Lstm op = new Op.Lstm(units, activation, recurrentActivation, true, true, false, peephole, layerNorm,
                cifg, projection);
        int g = op.gateCount();
        int gu = g * units;
        int p = op.outputUnits();
        Map<String, FloatTensor> w = new LinkedHashMap<>();
        w.put("kernel", FloatTensor.of(Shape.of(features, gu),
                Realistic.glorot(r, features, gu, features * gu, KERNEL_GAIN)));
        w.put("recurrent_kernel", FloatTensor.of(Shape.of(p, gu),
                Realistic.recurrentKernel(r, p, g, units, RECURRENT_GAIN)));
        float[] bias = Realistic.gaussian(r, gu, 0.0, 0.15);
        int forget = cifg ? 0 : 1;
        for (int j = 0; j < units; j++) {
            bias[forget * units + j] += 1.0f; // unit_forget_bias
        }
        w.put("bias", FloatTensor.of(Shape.of(gu), bias));
        Shape u = Shape.of(units);
        if (peephole) {
            if (!cifg) {
                w.put("cell_to_input", FloatTensor.of(u, Realistic.gaussian(r, units, 0.0, PEEPHOLE_STD)));
            }
            w.put("cell_to_forget", FloatTensor.of(u, Realistic.gaussian(r, units, 0.0, PEEPHOLE_STD)));
            w.put("cell_to_output", FloatTensor.of(u, Realistic.gaussian(r, units, 0.0, PEEPHOLE_STD)));
        }
        if (layerNorm) {
            List<String> gates = cifg ? List.of("forget", "cell", "output") : List.of("input", "forget", "cell", "output");
            for (String ln : gates) {
                w.put(ln + "_layer_norm", FloatTensor.of(u, Realistic.gaussian(r, units, LN_MEAN, LN_STD)));
            }
        }
        if (projection > 0) {
            w.put("projection_kernel", FloatTensor.of(Shape.of(units, projection),
                    Realistic.glorot(r, units, projection, units * projection, 1.0)));
            w.put("projection_bias", FloatTensor.of(Shape.of(projection), Realistic.gaussian(r, projection, 0.0, 0.05)));
        }
        return single(op, features, w);
    }

    /** A GRU (tanh candidate unless {@code activation} says otherwise), return_sequences on. */
    static Graph gru(long seed, int features, int units, boolean resetAfter, Activation activation,
                     Activation recurrentActivation) {
        Random r = new Random(seed);
        Op.Gru op = new Op.Gru(units, activation, recurrentActivation, true, true, false, resetAfter);
        int gu = 3 * units;
        Map<String, FloatTensor> w = new LinkedHashMap<>();
        w.put("kernel", FloatTensor.of(Shape.of(features, gu),
                Realistic.glorot(r, features, gu, features * gu, KERNEL_GAIN)));
        w.put("recurrent_kernel", FloatTensor.of(Shape.of(units, gu),
                Realistic.recurrentKernel(r, units, 3, units, RECURRENT_GAIN)));
        Shape b = resetAfter ? Shape.of(2, gu) : Shape.of(gu);
        w.put("bias", FloatTensor.of(b, Realistic.gaussian(r, b.size(), 0.0, 0.15)));
        return single(op, features, w);
    }

    /** A SimpleRNN, return_sequences on. */
    static Graph simpleRnn(long seed, int features, int units, Activation activation) {
        Random r = new Random(seed);
        Op.SimpleRnn op = new Op.SimpleRnn(units, activation, true, true, false);
        Map<String, FloatTensor> w = new LinkedHashMap<>();
        w.put("kernel", FloatTensor.of(Shape.of(features, units),
                Realistic.glorot(r, features, units, features * units, 2.0)));
        // a plain RNN is only stable with a contracting recurrence: gain below 1 (lower for relu)
        w.put("recurrent_kernel", FloatTensor.of(Shape.of(units, units),
                Realistic.recurrentKernel(r, units, 1, units, activation == Activation.RELU ? 0.6 : 0.9)));
        w.put("bias", FloatTensor.of(Shape.of(units), Realistic.gaussian(r, units, 0.0, 0.1)));
        return single(op, features, w);
    }

    /** {@code g} (one input {@code [T, F]}) with the sequence length left open, same layers and weights. */
    static Graph withOpenLength(Graph g) {
        GraphBuilder b = new GraphBuilder(g.name());
        var in = g.inputs().get(0);
        b.input(in.name(), in.shape().with(0, Shape.UNKNOWN));
        g.nodes().forEach(n -> b.add(n.name(), n.op(), n.inputs(), n.weights()));
        g.outputs().forEach(b::output);
        return b.build();
    }

    /** {@code x -> rnn}, written to graph JSON and read back. */
    static Graph single(Op op, int features, Map<String, FloatTensor> weights) {
        GraphBuilder b = new GraphBuilder("rnn_model");
        b.input(INPUT, Shape.of(Shape.UNKNOWN, features));
        b.add(LAYER, op, List.of(INPUT), weights);
        b.output(LAYER);
        return GraphJson.fromJson(GraphJson.toJson(b.build()), "test model");
    }
}
