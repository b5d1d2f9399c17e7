package dev.mcugen.scale.ff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.mcugen.ir.Activation;
import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.GraphBuilder;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Padding;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.interp.FloatInterpreter;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ActivationFoldingTest {
    @Test
    void reluAfterALinearDepthwiseLayerFusesUnderItsOwnName() {
        GraphBuilder b = new GraphBuilder("t");
        Random rnd = new Random(2);
        b.input("x", Shape.of(6, 5, 2));
        FfTestGraphs.add(b, "dw", new Op.DepthwiseConv(2, 2, 3, 3, 1, 1, 1, 1, Padding.SAME, Activation.LINEAR, true),
                List.of("x"), rnd, 1f);
        FfTestGraphs.add(b, "r", new Op.Act(Activation.RELU6), List.of("dw"), rnd, 1f);
        FfTestGraphs.add(b, "gap", new Op.GlobalPool(dev.mcugen.ir.PoolKind.AVG, 2), List.of("r"), rnd, 1f);
        b.output("gap");
        Graph g = b.build();
        Graph f = ActivationFolding.fold(g);
        assertThat(f.nodes()).extracting(n -> n.name()).containsExactly("r", "gap");
        assertThat(((Op.DepthwiseConv) f.nodes().get(0).op()).activation()).isEqualTo(Activation.RELU6);
        float[] x = FfTestGraphs.random(60, rnd, 2f);
        float[] y0 = new FloatInterpreter(g).run(FloatTensor.of(Shape.of(6, 5, 2), x)).toArray();
        float[] y1 = new FloatInterpreter(f).run(FloatTensor.of(Shape.of(6, 5, 2), x)).toArray();
        for (int i = 0; i < y0.length; i++) {
            assertThat(y1[i]).isCloseTo(y0[i], within(1e-6f));
        }
    }

    @Test
    void layersWithTwoReadersOutputsAndOtherActivationsStay() {
        GraphBuilder b = new GraphBuilder("t");
        Random rnd = new Random(3);
        b.input("x", Shape.of(4));
        FfTestGraphs.add(b, "d1", new Op.Dense(3, Activation.LINEAR, true), List.of("x"), rnd, 1f);
        FfTestGraphs.add(b, "r1", new Op.Act(Activation.RELU), List.of("d1"), rnd, 1f);
        FfTestGraphs.add(b, "s1", new Op.Act(Activation.SIGMOID), List.of("d1"), rnd, 1f);
        FfTestGraphs.add(b, "d2", new Op.Dense(3, Activation.LINEAR, true), List.of("r1"), rnd, 1f);
        FfTestGraphs.add(b, "t2", new Op.Act(Activation.TANH), List.of("d2"), rnd, 1f);
        b.output("s1").output("t2");
        Graph g = b.build();
        assertThat(ActivationFolding.fold(g)).isSameAs(g);
    }
}
