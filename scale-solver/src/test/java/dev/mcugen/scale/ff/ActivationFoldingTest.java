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

class ActivationFoldingTest {
    @Test
    void keras_conv_batchNorm_relu_blockBecomesOneLayerUnderTheActivationsName() {
        GraphBuilder b = new GraphBuilder("t");
        Random rnd = new Random(1);
        b.input("x", Shape.of(8, 8, 3));
        FfTestGraphs.add(b, "c", new Op.Conv2D(4, 3, 3, 1, 1, 1, 1, Padding.SAME, Activation.LINEAR, true), List.of("x"),
                rnd, 1f);
        FfTestGraphs.add(b, "bn", new Op.BatchNorm(1e-3f), List.of("c"), rnd, 1f);
        FfTestGraphs.add(b, "r", new Op.Act(Activation.RELU), List.of("bn"), rnd, 1f);
        FfTestGraphs.add(b, "f", new Op.Flatten(), List.of("r"), rnd, 1f);
        FfTestGraphs.add(b, "d", new Op.Dense(3, Activation.LINEAR, true), List.of("f"), rnd, 1f);
        FfTestGraphs.add(b, "s", new Op.Act(Activation.SOFTMAX), List.of("d"), rnd, 1f);
        b.output("s");
        Graph g = b.build();
        Graph f = ActivationFolding.fold(BatchNormFolding.fold(g));
        assertThat(f.nodes()).extracting(n -> n.name()).containsExactly("r", "f", "s");
        assertThat(((Op.Conv2D) f.nodes().get(0).op()).activation()).isEqualTo(Activation.RELU);
        assertThat(((Op.Dense) f.nodes().get(2).op()).activation()).isEqualTo(Activation.SOFTMAX);
        assertThat(f.outputs()).containsExactly("s");
        float[] x = FfTestGraphs.random(8 * 8 * 3, rnd, 2f);
        float[] y0 = new FloatInterpreter(g).run(FloatTensor.of(Shape.of(8, 8, 3), x)).toArray();
        float[] y1 = new FloatInterpreter(f).run(FloatTensor.of(Shape.of(8, 8, 3), x)).toArray();
        assertThat(y1).containsExactly(new FloatInterpreter(BatchNormFolding.fold(g))
                .run(FloatTensor.of(Shape.of(8, 8, 3), x)).toArray());
        for (int i = 0; i < y0.length; i++) {
            assertThat(Math.abs(y1[i] - y0[i])).isLessThan(1e-4f);
        }
    }

    @Test
    void activationAfterASharedOutputOrActivatedLayerStays() {
        GraphBuilder b = new GraphBuilder("t");
        Random rnd = new Random(2);
        b.input("x", Shape.of(5));
        // d's output is read twice (r and the Add): folding would lose the pre-activation.
        FfTestGraphs.add(b, "d", new Op.Dense(5, Activation.LINEAR, true), List.of("x"), rnd, 1f);
        FfTestGraphs.add(b, "r", new Op.Act(Activation.RELU), List.of("d"), rnd, 1f);
        FfTestGraphs.add(b, "s", new Op.Add(), List.of("r", "d"), rnd, 1f);
        // e has its own activation already.
        FfTestGraphs.add(b, "e", new Op.Dense(5, Activation.TANH, true), List.of("s"), rnd, 1f);
        FfTestGraphs.add(b, "t", new Op.Act(Activation.RELU), List.of("e"), rnd, 1f);
        // p is a model output itself.
        FfTestGraphs.add(b, "p", new Op.Dense(5, Activation.LINEAR, true), List.of("t"), rnd, 1f);
        FfTestGraphs.add(b, "q", new Op.Act(Activation.RELU6), List.of("p"), rnd, 1f);
        b.output("q");
        b.output("p");
        Graph g = b.build();
        assertThat(ActivationFolding.fold(g)).isSameAs(g);
    }
}
