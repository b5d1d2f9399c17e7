package dev.mcugen.scale.ff;

import dev.mcugen.ir.Activation;
import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.GraphBuilder;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.calib.CalibrationResult;
import dev.mcugen.ir.calib.Calibrator;
import dev.mcugen.ir.quant.QuantType;
import dev.mcugen.scale.QuantOptions;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class ClampRangesTest {
    /** x -> d1, d2 -> add -> relu -> d3; add2 = add of d1 and d2 read by relu6 and by the output. */
    private static Graph residual() {
        GraphBuilder b = new GraphBuilder("t");
        Random rnd = new Random(5);
        b.input("x", Shape.of(6));
        FfTestGraphs.add(b, "d1", new Op.Dense(6, Activation.LINEAR, true), List.of("x"), rnd, 1f);
        FfTestGraphs.add(b, "d2", new Op.Dense(6, Activation.LINEAR, true), List.of("x"), rnd, 1f);
        FfTestGraphs.add(b, "add", new Op.Add(), List.of("d1", "d2"), rnd, 1f);
        FfTestGraphs.add(b, "relu", new Op.Act(Activation.RELU), List.of("add"), rnd, 1f);
        FfTestGraphs.add(b, "add2", new Op.Add(), List.of("d1", "d2"), rnd, 1f);
        FfTestGraphs.add(b, "relu6", new Op.Act(Activation.RELU6), List.of("add2"), rnd, 1f);
        FfTestGraphs.add(b, "sum", new Op.Add(), List.of("relu", "relu6"), rnd, 1f);
        b.output("sum");
        b.output("add2");
        return b.build();
    }

    @Test
    void aTensorOnlyAReluReadsTakesTheReluRangeAndStillComputesTheRelu() {
        Graph g = residual();
        FloatTensor data = FfTestGraphs.batch(Shape.of(6), 64, new Random(6), -2f, 2f);
        CalibrationResult seen = new Calibrator(g).calibrate(data);
        assertThat(seen.range("add").min()).isNegative();
        CalibrationResult c = ClampRanges.narrow(g, seen);
        assertThat(c.range("add").min()).isEqualTo(seen.range("relu").min()).isZero();
        assertThat(c.range("add").max()).isEqualTo(seen.range("relu").max());
        // add2 is a model output too: its values stay as they are.
        assertThat(c.range("add2")).isEqualTo(seen.range("add2"));
        assertThat(c.inputMoments()).containsOnlyKeys(seen.inputMoments().keySet());

        // The integer add then saturates at real 0, which is the ReLU: the model still follows float.
        QuantOptions o = QuantOptions.defaults(QuantOptions.Target.HOST);
        FfPipeline p = new FfPipeline(g, c, o);
        QuantType add = p.solution.type("add");
        assertThat(add.dequantize(add.qmin())).isZero();
        FfPipeline plain = new FfPipeline(g, seen, o);
        assertThat(p.solution.type("add").scale()).isLessThan(plain.solution.type("add").scale());
    }
}
