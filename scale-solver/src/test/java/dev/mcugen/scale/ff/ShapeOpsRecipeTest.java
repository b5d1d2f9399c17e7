package dev.mcugen.scale.ff;

import dev.mcugen.ir.Activation;
import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.GraphBuilder;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Padding;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.interp.FloatInterpreter;
import dev.mcugen.ir.quant.QNode;
import dev.mcugen.ir.quant.QPad;
import dev.mcugen.ir.quant.QTranspose;
import dev.mcugen.ir.quant.QTransposeConv;
import dev.mcugen.ir.quant.QUpsample;
import dev.mcugen.ir.quant.QuantType;
import dev.mcugen.scale.Contract;
import dev.mcugen.scale.QuantOptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The recipes of the data-movement ops ({@link MovementRecipe}) and the transposed convolution
 * ({@link TransposeConvRecipe}): the contracts they declare, the integer nodes they make (copies in
 * the input's type, the pad value the zero point), and the integer model against the float one.
 */
class ShapeOpsRecipeTest {
    static Graph graph(Random r) {
        GraphBuilder b = new GraphBuilder("shape_ops").input("x", Shape.of(5, 4, 2));
        b.add("pad", new Op.ZeroPadding(List.of(1, 2, 0, 1)), List.of("x"), Map.of());
        b.add("tconv", new Op.ConvTranspose(3, List.of(3, 3), List.of(2, 2), Padding.SAME, List.of(), Activation.RELU,
                true), List.of("pad"), Map.of("kernel", random(r, Shape.of(3, 3, 3, 2), 0.5), "bias", random(r, Shape.of(3), 0.2)));
        b.add("crop", new Op.Cropping(List.of(1, 0, 2, 1)), List.of("tconv"), Map.of());
        b.add("up", new Op.UpSampling(List.of(2, 1)), List.of("crop"), Map.of());
        b.add("perm", new Op.Permute(List.of(2, 1, 3)), List.of("up"), Map.of());
        b.add("tconv2", new Op.ConvTranspose(2, List.of(2, 2), List.of(1, 1), Padding.VALID, List.of(), Activation.TANH,
                false), List.of("perm"), Map.of("kernel", random(r, Shape.of(2, 2, 2, 3), 0.5)));
        return b.output("tconv2").build();
    }

    static FloatTensor random(Random r, Shape s, double scale) {
        float[] v = new float[s.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextGaussian() * scale);
        }
        return FloatTensor.of(s, v);
    }

    @org.junit.jupiter.api.Test
    void aFusedTableActivationIsRefusedNamingItNotAsASoftmax() {
        Random r = new Random(6);
        GraphBuilder b = new GraphBuilder("tconv_swish").input("x", Shape.of(4, 4, 2));
        b.add("tconv", new Op.ConvTranspose(3, List.of(2, 2), List.of(2, 2), Padding.VALID, List.of(), Activation.SWISH,
                false), List.of("x"), Map.of("kernel", random(r, Shape.of(2, 2, 3, 2), 0.5)));
        Graph g = b.output("tconv").build();
        QuantOptions o = QuantOptions.defaults(QuantOptions.Target.HOST);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> FfPipeline.calibrated(g, random(r, Shape.of(8, 4, 4, 2), 1.0), o))
                .isInstanceOfSatisfying(dev.mcugen.ir.McugenException.class,
                        e -> assertThat(e.diag()).isEqualTo(dev.mcugen.ir.Diag.MCG_QUANT_UNSUPPORTED))
                .hasMessageContaining("layer 'tconv'").hasMessageContaining("fused swish")
                .hasMessageNotContaining("softmax");
    }

    @ParameterizedTest(name = "{0} per-channel {1}")
    @CsvSource({"INT8, false", "INT8, true", "INT16, false", "INT16, true"})
    void contractsNodesAndAccuracy(QuantOptions.Precision precision, boolean perChannel) {
        Random r = new Random(5);
        Graph g = graph(r);
        FloatTensor cal = random(r, Shape.of(32, 5, 4, 2), 1.0);
        QuantOptions o = new QuantOptions(precision, QuantOptions.Rescale.AUTO, QuantOptions.ActivationImpl.LUT, perChannel,
                QuantOptions.Target.HOST);
        FfPipeline p = FfPipeline.calibrated(g, cal, o);

        List<Contract> cs = p.contracts();
        assertThat(cs).contains(new Contract.EqualScale(List.of("x", "pad")), new Contract.ExactZero("x"),
                new Contract.EqualScale(List.of("tconv", "crop")), new Contract.EqualScale(List.of("crop", "up")),
                new Contract.EqualScale(List.of("up", "perm")), new Contract.Product("tconv/bias", "tconv/kernel", "pad"),
                new Contract.ExactZero("tconv"));
        assertThat(cs).doesNotContain(new Contract.ExactZero("crop"), new Contract.ExactZero("pad"));

        Map<String, QNode> nodes = new java.util.HashMap<>();
        p.qgraph.nodes().forEach(n -> nodes.put(n.name(), n));
        QuantType tx = p.qgraph.inputs().get(0).type();
        assertThat(nodes.get("pad")).isInstanceOfSatisfying(QPad.class, q -> {
            assertThat(q.padValue()).isEqualTo(tx.zeroPoint());
            assertThat(q.outputType()).isEqualTo(tx);
            assertThat(tx.dequantize(q.padValue())).isEqualTo(0.0);
        });
        assertThat(nodes.get("crop")).isInstanceOfSatisfying(QPad.class, q -> assertThat(q.amounts()).containsExactly(-1, 0, -2, -1));
        assertThat(nodes.get("up")).isInstanceOf(QUpsample.class);
        assertThat(nodes.get("perm")).isInstanceOfSatisfying(QTranspose.class, q -> assertThat(q.perm()).containsExactly(1, 0, 2));
        assertThat(nodes.get("tconv")).isInstanceOfSatisfying(QTransposeConv.class, q -> {
            assertThat(q.rescale()).hasSize(perChannel ? 3 : 1);
            assertThat(q.inputZeroPoint()).isEqualTo(tx.zeroPoint());
            assertThat(q.weights().shape()).isEqualTo(Shape.of(3, 3, 3, 2));
        });
        assertThat(nodes.get("tconv2/preact")).isInstanceOf(QTransposeConv.class);

        // The integer model follows the float one (tanh output in [-1, 1]) on calibrated samples (no clipping).
        FloatInterpreter fl = new FloatInterpreter(g);
        double worst = 0;
        float[] all = cal.toArray();
        int per = 5 * 4 * 2;
        for (int s = 0; s < 8; s++) {
            FloatTensor x = FloatTensor.of(Shape.of(5, 4, 2), java.util.Arrays.copyOfRange(all, s * per, (s + 1) * per));
            float[] want = fl.run(Map.of("x", x)).get("tconv2").toArray();
            double[] got = p.run(x.toArray());
            for (int i = 0; i < want.length; i++) {
                worst = Math.max(worst, Math.abs(got[i] - want[i]));
            }
        }
        System.out.printf("shape ops %s per-channel %s: max |int - float| %.4f%n", precision, perChannel, worst);
        // int16 is 16x8: the int8 weights of the two transposed convolutions (about 0.5 % of the largest
        // weight per tap, over up to 12 taps of inputs up to ~4) dominate both precisions' error.
        assertThat(worst).isLessThan(precision == QuantOptions.Precision.INT8 ? 0.08 : 0.05);
    }
}
