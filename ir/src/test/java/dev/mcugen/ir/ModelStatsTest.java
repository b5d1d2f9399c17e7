package dev.mcugen.ir;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Parameter and MAC counts checked against counts done by hand (and Keras' model.summary()). */
class ModelStatsTest {
    static Map<String, FloatTensor> weights(Op op, Shape in) {
        Map<String, FloatTensor> w = new HashMap<>();
        WeightSpecs.expected(op, List.of(in)).forEach((k, s) -> w.put(k, FloatTensor.filled(s, 0.5f)));
        return w;
    }

    static Node add(GraphBuilder b, String name, Op op, String input) {
        return b.add(name, op, List.of(input), weights(op, b.shapeOf(input)));
    }

    @Test
    void lstmClassifierMatchesHandCounts() {
        GraphBuilder b = new GraphBuilder("har").input("x", Shape.of(50, 3));
        add(b, "lstm", new Op.Lstm(32, Activation.TANH, Activation.HARD_SIGMOID, true, false, false, false, false, false, 0), "x");
        add(b, "dense", new Op.Dense(4, Activation.SOFTMAX, true), "lstm");
        ModelStats s = ModelStats.of(b.output("dense").build());
        // Keras: LSTM params = 4 * (u * (f + u) + u) = 4 * (32 * 35 + 32) = 4608; Dense 32 * 4 + 4 = 132.
        assertThat(s.layers()).extracting(ModelStats.LayerStats::parameters).containsExactly(4608L, 132L);
        // MACs: 50 steps * (3 + 32) * 128 = 224000; dense 128.
        assertThat(s.layers()).extracting(ModelStats.LayerStats::macs).containsExactly(224_000L, 128L);
        assertThat(s.parameters()).isEqualTo(4740);
        assertThat(s.macs()).isEqualTo(224_128);
    }

    @Test
    void benchmarkLstmOfIssueSixIs1point23MegaMac() {
        GraphBuilder b = new GraphBuilder("bench").input("x", Shape.of(50, 32));
        add(b, "lstm", new Op.Lstm(64, Activation.TANH, Activation.SIGMOID, true, false, false, false, false, false, 0), "x");
        assertThat(ModelStats.of(b.output("lstm").build()).macs()).isEqualTo(1_228_800L);
    }

    @Test
    void convPoolDenseMatchesHandCounts() {
        GraphBuilder b = new GraphBuilder("gesture").input("x", Shape.of(64, 6));
        add(b, "c1", new Op.Conv1D(16, 5, 1, 1, Padding.VALID, Activation.RELU, true), "x"); // out [60, 16]
        add(b, "p1", new Op.Pool(PoolKind.MAX, List.of(2), List.of(2), Padding.VALID), "c1"); // [30, 16]
        add(b, "c2", new Op.Conv1D(32, 3, 1, 1, Padding.SAME, Activation.RELU, true), "p1"); // [30, 32]
        add(b, "bn", new Op.BatchNorm(1e-3f), "c2");
        add(b, "gap", new Op.GlobalPool(PoolKind.AVG, 1), "bn"); // [32]
        add(b, "d", new Op.Dense(5, Activation.SOFTMAX, true), "gap");
        ModelStats s = ModelStats.of(b.output("d").build());
        assertThat(s.layers()).extracting(l -> l.outputShape().toString())
                .containsExactly("[60, 16]", "[30, 16]", "[30, 32]", "[30, 32]", "[32]", "[5]");
        // c1: 5*6*16+16 = 496; c2: 3*16*32+32 = 1568; bn: 4*32 = 128; d: 32*5+5 = 165.
        assertThat(s.layers()).extracting(ModelStats.LayerStats::parameters).containsExactly(496L, 0L, 1568L, 128L, 0L, 165L);
        // c1: 60*5*6*16 = 28800; c2: 30*3*16*32 = 46080; bn: 30*32 = 960; d: 160.
        assertThat(s.layers()).extracting(ModelStats.LayerStats::macs).containsExactly(28_800L, 0L, 46_080L, 960L, 0L, 160L);
    }

    @Test
    void conv2dStridedSame() {
        GraphBuilder b = new GraphBuilder("img").input("x", Shape.of(12, 10, 3));
        add(b, "c", new Op.Conv2D(8, 3, 2, 2, 1, 1, 1, Padding.SAME, Activation.LINEAR, false), "x"); // [6, 10, 8]
        ModelStats s = ModelStats.of(b.output("c").build());
        assertThat(s.layers().get(0).outputShape()).isEqualTo(Shape.of(6, 10, 8));
        assertThat(s.parameters()).isEqualTo(3 * 2 * 3 * 8);
        assertThat(s.macs()).isEqualTo(6L * 10 * 3 * 2 * 3 * 8);
    }

    @Test
    void gruBothVariantsAndSimpleRnn() {
        GraphBuilder b = new GraphBuilder("kws").input("x", Shape.of(30, 13));
        add(b, "g1", new Op.Gru(32, Activation.TANH, Activation.HARD_SIGMOID, true, true, false, false), "x");
        add(b, "g2", new Op.Gru(16, Activation.TANH, Activation.SIGMOID, true, true, false, true), "g1");
        add(b, "r", new Op.SimpleRnn(8, Activation.TANH, true, false, false), "g2");
        ModelStats s = ModelStats.of(b.output("r").build());
        // GRU (reset_after false): 3 * (u * (f + u) + u); reset_after true has two bias rows: 3 * (u * (f + u) + 2u).
        assertThat(s.layers()).extracting(ModelStats.LayerStats::parameters)
                .containsExactly(3L * (32 * 45 + 32), 3L * (16 * 48 + 32), 8L * 24 + 8);
        assertThat(s.layers()).extracting(ModelStats.LayerStats::macs)
                .containsExactly(30L * 45 * 96, 30L * 48 * 48, 30L * 24 * 8);
    }

    @Test
    void lstmVariantsCountTheirExtraProducts() {
        GraphBuilder b = new GraphBuilder("v").input("x", Shape.of(10, 4));
        // peephole + layer norm + projection 6, CIFG: 3 gates of 8 units.
        add(b, "l", new Op.Lstm(8, Activation.TANH, Activation.SIGMOID, true, true, false, true, true, true, 6), "x");
        ModelStats s = ModelStats.of(b.output("l").build());
        long params = 4 * 24 + 6 * 24 + 24 + 2 * 8 + 3 * 8 + 8 * 6 + 6;
        assertThat(s.parameters()).isEqualTo(params);
        assertThat(s.macs()).isEqualTo(10L * ((4 + 6) * 24 + 2 * 8 + 3 * 8 + 8 * 6));
    }

    @Test
    void openSequenceLengthGivesPerStepFigures() {
        GraphBuilder b = new GraphBuilder("open").input("x", Shape.of(Shape.UNKNOWN, 3));
        add(b, "d", new Op.Dense(5, Activation.RELU, true), "x");
        add(b, "l", new Op.Lstm(4, Activation.TANH, Activation.SIGMOID, true, false, false, false, false, false, 0), "d");
        ModelStats s = ModelStats.of(b.output("l").build());
        assertThat(s.macs()).isEqualTo(ModelStats.UNKNOWN);
        assertThat(s.layers()).extracting(ModelStats.LayerStats::macsPerStep).containsExactly(15L, 9L * 16);
    }
}
