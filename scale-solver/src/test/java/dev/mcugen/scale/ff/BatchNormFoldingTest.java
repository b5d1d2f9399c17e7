package dev.mcugen.scale.ff;

import dev.mcugen.ir.Activation;
import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.GraphBuilder;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Padding;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.interp.FloatInterpreter;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class BatchNormFoldingTest {
    @Test
    void batchNormAfterALinearConvFoldsUnderItsOwnName() {
        GraphBuilder b = new GraphBuilder("t");
        Random rnd = new Random(1);
        b.input("x", Shape.of(12, 3));
        FfTestGraphs.add(b, "c", new Op.Conv1D(4, 3, 1, 1, Padding.SAME, Activation.LINEAR, false), List.of("x"), rnd, 1f);
        FfTestGraphs.add(b, "bn", new Op.BatchNorm(1e-3f), List.of("c"), rnd, 1f);
        FfTestGraphs.add(b, "r", new Op.Act(Activation.RELU), List.of("bn"), rnd, 1f);
        b.output("r");
        Graph g = b.build();
        Graph f = BatchNormFolding.fold(g);
        assertThat(f.nodes()).extracting(n -> n.name()).containsExactly("bn", "r");
        assertThat(f.nodes().get(0).op()).isInstanceOf(Op.Conv1D.class);
        assertThat(((Op.Conv1D) f.nodes().get(0).op()).useBias()).isTrue();
        float[] x = FfTestGraphs.random(36, rnd, 2f);
        float[] y0 = new FloatInterpreter(g).run(FloatTensor.of(Shape.of(12, 3), x)).toArray();
        float[] y1 = new FloatInterpreter(f).run(FloatTensor.of(Shape.of(12, 3), x)).toArray();
        for (int i = 0; i < y0.length; i++) {
            assertThat(y1[i]).isCloseTo(y0[i], within(1e-4f));
        }
    }

    @Test
    void batchNormAfterAnActivationOrASharedLayerStays() {
        GraphBuilder b = new GraphBuilder("t");
        Random rnd = new Random(2);
        b.input("x", Shape.of(5));
        FfTestGraphs.add(b, "d", new Op.Dense(4, Activation.RELU, true), List.of("x"), rnd, 1f);
        FfTestGraphs.add(b, "bn", new Op.BatchNorm(1e-3f), List.of("d"), rnd, 1f);
        FfTestGraphs.add(b, "e", new Op.Dense(4, Activation.LINEAR, true), List.of("x"), rnd, 1f);
        FfTestGraphs.add(b, "bn2", new Op.BatchNorm(1e-3f), List.of("e"), rnd, 1f);
        FfTestGraphs.add(b, "s", new Op.Add(), List.of("bn", "bn2", "e"), rnd, 1f);
        b.output("s");
        Graph g = b.build();
        assertThat(BatchNormFolding.fold(g)).isSameAs(g);
    }
}
