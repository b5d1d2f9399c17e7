package dev.mcugen.scale.ff;

import dev.mcugen.ir.Activation;
import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.GraphBuilder;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Padding;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.calib.Calibrator;
import dev.mcugen.ir.interp.Batch;
import dev.mcugen.ir.interp.FloatInterpreter;
import dev.mcugen.ir.quant.QGraph;
import dev.mcugen.ir.sim.FixedPointSimulator;
import dev.mcugen.scale.LayerReplay;
import dev.mcugen.scale.QuantOptions;
import dev.mcugen.scale.Quantizer;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sequential weight rounding end to end on a small convolutional network: the quantizer replays
 * the calibration data through the integer layers as it lowers them ({@link LayerReplay}), and the
 * integer model it makes is closer to float on held-out data than nearest rounding's, deterministically.
 */
class SequentialQuantizationTest {
    private static QuantOptions options(QuantOptions.WeightRounding rounding) {
        return new QuantOptions(QuantOptions.Precision.INT8, QuantOptions.Rescale.MULTIPLIER,
                QuantOptions.ActivationImpl.LUT, true, QuantOptions.Target.HOST, false, rounding);
    }

    /** x[8, 8, 3] (values 0..4, an offset like pixels) -> three 3x3 convolutions, ReLU, ReLU, linear. */
    private static Graph network() {
        Random rnd = new Random(21);
        GraphBuilder b = new GraphBuilder("t");
        b.input("x", Shape.of(8, 8, 3));
        FfTestGraphs.add(b, "c1", new Op.Conv2D(8, 3, 3, 1, 1, 1, 1, Padding.SAME, Activation.RELU, true), List.of("x"), rnd, 0.5f);
        FfTestGraphs.add(b, "c2", new Op.Conv2D(8, 3, 3, 1, 1, 1, 1, Padding.SAME, Activation.RELU, true), List.of("c1"), rnd, 0.3f);
        FfTestGraphs.add(b, "c3", new Op.Conv2D(4, 3, 3, 1, 1, 1, 1, Padding.SAME, Activation.LINEAR, true), List.of("c2"), rnd, 0.3f);
        b.output("c3");
        return b.build();
    }

    private static QGraph quantize(Graph g, FloatTensor calibration, QuantOptions o) {
        Batch batch = Batch.of(g, calibration);
        LayerReplay replay = o.weightRounding() == QuantOptions.WeightRounding.SEQUENTIAL ? new LayerReplay(g, batch) : null;
        return Quantizer.quantize(g, new Calibrator(g).calibrate(calibration), o, FeedForwardRecipes::of, replay).graph();
    }

    /** Squared error against float, summed over {@code test}. */
    private static double error(Graph g, QGraph q, FloatTensor test) {
        Batch batch = Batch.of(g, test);
        FloatInterpreter f = new FloatInterpreter(g);
        FixedPointSimulator sim = new FixedPointSimulator(q);
        double e = 0;
        for (int s = 0; s < batch.size(); s++) {
            float[] ref = f.run(batch.sample(s)).get("c3").toArray();
            float[] got = sim.runDequantized(batch.sample(s)).get("c3").toArray();
            for (int i = 0; i < ref.length; i++) {
                e += (ref[i] - got[i]) * (double) (ref[i] - got[i]);
            }
        }
        return e;
    }

    @Test
    void replayedFitIsCloserToFloatThanNearestRoundingOnHeldOutData() {
        Graph g = network();
        FloatTensor calibration = FfTestGraphs.batch(Shape.of(8, 8, 3), 48, new Random(1), 0f, 4f);
        FloatTensor test = FfTestGraphs.batch(Shape.of(8, 8, 3), 24, new Random(2), 0f, 4f);

        QGraph nearest = quantize(g, calibration, options(QuantOptions.WeightRounding.NEAREST));
        QGraph sequential = quantize(g, calibration, options(QuantOptions.WeightRounding.SEQUENTIAL));

        double en = error(g, nearest, test);
        double es = error(g, sequential, test);
        System.out.printf("squared error vs float: nearest %.4g, sequential %.4g%n", en, es);
        assertThat(es).isLessThan(en);
        // The same data gives the same integers.
        QGraph again = quantize(g, calibration, options(QuantOptions.WeightRounding.SEQUENTIAL));
        assertThat(again).isEqualTo(sequential);
    }
}
