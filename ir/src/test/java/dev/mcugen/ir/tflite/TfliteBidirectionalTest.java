package dev.mcugen.ir.tflite;

import dev.mcugen.ir.Diag;
import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.GraphBuilder;
import dev.mcugen.ir.ImportedModel;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.Node;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.interp.FloatInterpreter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A Keras Bidirectional LSTM as the TFLite converter writes it: the forward UNIDIRECTIONAL_SEQUENCE_LSTM
 * on the input, the backward one between two REVERSE_V2 along time, and a CONCATENATION. The imported
 * graph must compute what mcugen's own Bidirectional form (an LSTM with go_backwards whose sequence
 * a Reverse puts back into time order) computes with the same weights.
 */
class TfliteBidirectionalTest {
    private static final int T = 6;
    private static final int F = 3;
    private static final int U = 4;

    @TempDir
    Path tmp;

    /** LSTM(U) of UNIDIRECTIONAL_SEQUENCE_LSTM's 24 inputs reading {@code x}, writing {@code [1, T, U]}. */
    private static int lstm(TfliteWriter w, Random r, String name, int x) {
        int[] in = new int[24];
        Arrays.fill(in, -1);
        in[0] = x;
        for (int g = 0; g < 4; g++) {
            in[1 + g] = w.floats(name + "/w" + g, random(r, U * F), U, F);
            in[5 + g] = w.floats(name + "/r" + g, random(r, U * U), U, U);
            in[12 + g] = w.floats(name + "/b" + g, random(r, U), U);
        }
        in[18] = w.variable(name + "/zeros", 1, U);
        in[19] = w.variable(name + "/zeros1", 1, U);
        int seq = w.activation(name + "/PartitionedCall:1", 1, T, U);
        w.op(Builtin.UNIDIRECTIONAL_SEQUENCE_LSTM, in, new int[] {seq}, TfliteWriter.UNIDIRECTIONAL_SEQUENCE_LSTM_OPTIONS,
                TfliteWriter.lstm(4, 10f, false));
        return seq;
    }

    private static float[] random(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextGaussian() * 0.5);
        }
        return v;
    }

    private static byte[] bidirectional(int reverseAxis) {
        Random r = new Random(105);
        TfliteWriter w = new TfliteWriter();
        int x = w.activation("serving_default_input:0", 1, T, F);
        int fwd = lstm(w, r, "model/bidirectional/forward_lstm", x);
        int axis = w.ints("model/bidirectional/backward_lstm/ReverseV2/axis", reverseAxis);
        int xr = w.activation("model/bidirectional/backward_lstm/ReverseV2", 1, T, F);
        w.op(Builtin.REVERSE_V2, new int[] {x, axis}, new int[] {xr}, 0, null);
        int bwd = lstm(w, r, "model/bidirectional/backward_lstm", xr);
        int axis2 = w.ints("model/bidirectional/ReverseV2/axis", 1);
        int back = w.activation("model/bidirectional/ReverseV2", 1, T, U);
        w.op(Builtin.REVERSE_V2, new int[] {bwd, axis2}, new int[] {back}, 0, null);
        int y = w.activation("model/bidirectional/concat", 1, T, 2 * U);
        w.op(Builtin.CONCATENATION, new int[] {fwd, back}, new int[] {y}, TfliteWriter.CONCATENATION_OPTIONS,
                TfliteWriter.concatenation(2, 0));
        return w.io(new int[] {x}, new int[] {y}).build();
    }

    private Path write(byte[] bytes) throws IOException {
        Path p = tmp.resolve("model.tflite");
        Files.write(p, bytes);
        return p;
    }

    @Test
    void reverseLstmReverseIsTheBackwardDirection() throws IOException {
        ImportedModel m = TfliteImporter.load(write(bidirectional(1)));
        Graph g = m.graph();
        List<Node> lstms = g.nodes().stream().filter(n -> n.op() instanceof Op.Lstm).toList();
        assertThat(lstms).hasSize(2);
        assertThat(g.nodes().stream().filter(n -> n.op() instanceof Op.Reverse).map(Node::op).toList())
                .containsExactly(new Op.Reverse(0), new Op.Reverse(0));
        assertThat(m.sourceOps()).containsValue("REVERSE_V2");

        // mcugen's own form of Keras' Bidirectional, with the imported weights of each direction
        Op.Lstm f = (Op.Lstm) lstms.get(0).op();
        Op.Lstm back = new Op.Lstm(f.units(), f.activation(), f.recurrentActivation(), f.useBias(), true, true, false,
                false, false, 0);
        GraphBuilder b = new GraphBuilder("keras").input("x", Shape.of(T, F));
        b.add("fwd", f, List.of("x"), lstms.get(0).weights());
        b.add("bwd", back, List.of("x"), lstms.get(1).weights());
        b.add("bwd_rev", new Op.Reverse(0), List.of("bwd"), java.util.Map.of());
        b.add("y", new Op.Concatenate(1), List.of("fwd", "bwd_rev"), java.util.Map.of());
        Graph keras = b.output("y").build();
        Random r = new Random(7);
        for (int s = 0; s < 3; s++) {
            FloatTensor in = FloatTensor.of(Shape.of(T, F), random(r, T * F));
            FloatTensor got = new FloatInterpreter(g).run(in);
            FloatTensor want = new FloatInterpreter(keras).run(in);
            assertThat(got.shape()).isEqualTo(Shape.of(T, 2 * U));
            assertThat(got.toArray()).containsExactly(want.toArray());
        }
    }

    /**
     * Keras' TimeDistributed(Dense) as the converter writes it for a [N, T, F] input: RESHAPE folding time
     * into the batch, FULLY_CONNECTED on [N*T, F], RESHAPE back to [N, T, units]. mcugen's TFLite import
     * keeps a batch axis of 1 on every tensor, so it refuses the fold, naming the tensor, instead of
     * guessing (a Keras Dense on [T, F], written as FULLY_CONNECTED with keep_num_dims, imports).
     */
    @Test
    void timeFoldedIntoTheBatchIsRefusedNamingTheTensor() throws IOException {
        Random r = new Random(3);
        TfliteWriter w = new TfliteWriter();
        int x = w.activation("serving_default_input:0", 1, T, F);
        int s1 = w.ints("model/time_distributed/Reshape/shape", -1, F);
        int flat = w.activation("model/time_distributed/Reshape", T, F);
        w.op(Builtin.RESHAPE, new int[] {x, s1}, new int[] {flat}, TfliteWriter.RESHAPE_OPTIONS, TfliteWriter.reshape(-1, F));
        int k = w.floats("model/time_distributed/dense/MatMul", random(r, U * F), U, F);
        int b = w.floats("model/time_distributed/dense/BiasAdd/ReadVariableOp", random(r, U), U);
        int d = w.activation("model/time_distributed/dense/BiasAdd", T, U);
        w.op(Builtin.FULLY_CONNECTED, new int[] {flat, k, b}, new int[] {d}, TfliteWriter.FULLY_CONNECTED_OPTIONS,
                TfliteWriter.fullyConnected(0, false));
        int s2 = w.ints("model/time_distributed/Reshape_1/shape", -1, T, U);
        int y = w.activation("model/time_distributed/Reshape_1", 1, T, U);
        w.op(Builtin.RESHAPE, new int[] {d, s2}, new int[] {y}, TfliteWriter.RESHAPE_OPTIONS, TfliteWriter.reshape(-1, T, U));
        Path f = write(w.io(new int[] {x}, new int[] {y}).build());
        assertThatThrownBy(() -> TfliteImporter.load(f)).isInstanceOfSatisfying(McugenException.class, e -> {
            assertThat(e.diag()).isEqualTo(Diag.MCG_IMPORT_UNSUPPORTED);
            assertThat(e.getMessage()).contains("model/time_distributed/Reshape", "leading batch axis of 1");
        });
    }

    @Test
    void reversingTheBatchAxisIsRefused() throws IOException {
        Path f = write(bidirectional(0));
        assertThatThrownBy(() -> TfliteImporter.load(f)).isInstanceOfSatisfying(McugenException.class, e -> {
            assertThat(e.diag()).isEqualTo(Diag.MCG_IMPORT_UNSUPPORTED);
            assertThat(e.getMessage()).contains("REVERSE_V2", "batch axis");
        });
    }
}
