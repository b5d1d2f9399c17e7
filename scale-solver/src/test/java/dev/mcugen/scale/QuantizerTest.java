package dev.mcugen.scale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcugen.ir.Activation;
import dev.mcugen.ir.Diag;
import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.GraphBuilder;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.Node;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.calib.CalibrationResult;
import dev.mcugen.ir.calib.Calibrator;
import dev.mcugen.ir.interp.FloatInterpreter;
import dev.mcugen.ir.quant.QInput;
import dev.mcugen.ir.quant.QNode;
import dev.mcugen.ir.quant.QuantType;
import dev.mcugen.scale.ContractResult.Status;
import dev.mcugen.scale.QuantOptions.ActivationImpl;
import dev.mcugen.scale.QuantOptions.Precision;
import dev.mcugen.scale.QuantOptions.Rescale;
import dev.mcugen.scale.QuantOptions.Target;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class QuantizerTest {
    static final int IN = 8;

    /** x[8] -> d1 (16, relu) -> d2 (4); x -> d3 (4); sum = d2 + d3. */
    static Graph graph() {
        Random rnd = new Random(42);
        GraphBuilder b = new GraphBuilder("mlp").input("x", Shape.of(IN));
        b.add("d1", new Op.Dense(16, Activation.RELU, true), List.of("x"), dense(rnd, IN, 16));
        b.add("d2", new Op.Dense(4, Activation.LINEAR, true), List.of("d1"), dense(rnd, 16, 4));
        b.add("d3", new Op.Dense(4, Activation.LINEAR, true), List.of("x"), dense(rnd, IN, 4));
        b.add("sum", new Op.Add(), List.of("d2", "d3"), Map.of());
        return b.output("sum").build();
    }

    static Map<String, FloatTensor> dense(Random rnd, int in, int out) {
        float[] k = new float[in * out];
        float[] bias = new float[out];
        for (int i = 0; i < k.length; i++) {
            k[i] = (float) (rnd.nextGaussian() / Math.sqrt(in));
        }
        for (int i = 0; i < out; i++) {
            bias[i] = (float) (rnd.nextGaussian() * 0.1);
        }
        return Map.of("kernel", FloatTensor.of(Shape.of(in, out), k), "bias", FloatTensor.of(Shape.of(out), bias));
    }

    static FloatTensor samples(int n, long seed) {
        Random rnd = new Random(seed);
        float[] v = new float[n * IN];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (rnd.nextGaussian() * 1.5 + 0.3);
        }
        return FloatTensor.of(Shape.of(n, IN), v);
    }

    static CalibrationResult calibration(Graph g) {
        return new Calibrator(g).calibrate(samples(300, 1));
    }

    static QuantOptions opts(Precision p, Rescale r) {
        return new QuantOptions(p, r, ActivationImpl.LUT, false, Target.CORTEX_M4);
    }

    static QuantizedModel quantize(Graph g, QuantOptions o) {
        return Quantizer.quantize(g, calibration(g), o, TestRecipes::of);
    }

    /** Max |dequantized integer output - float output| over fresh samples, in output steps. */
    static double maxErrorInSteps(Graph g, QuantizedModel m) {
        FloatInterpreter fi = new FloatInterpreter(g);
        FloatTensor test = samples(100, 2);
        QInput in = m.graph().inputs().get(0);
        QuantType out = m.solution().type("sum");
        double worst = 0;
        for (int n = 0; n < 100; n++) {
            float[] x = new float[IN];
            int[] xq = new int[IN];
            for (int i = 0; i < IN; i++) {
                x[i] = test.get(n * IN + i);
                xq[i] = in.type().quantize(x[i]);
            }
            FloatTensor ref = fi.run(FloatTensor.of(Shape.of(IN), x));
            int[] y = TestRecipes.run(m.graph(), Map.of("x", xq)).get("sum");
            for (int j = 0; j < y.length; j++) {
                worst = Math.max(worst, Math.abs(out.dequantize(y[j]) - ref.get(j)) / out.scale());
            }
        }
        return worst;
    }

    @Test
    void declaresSolvesAndLowersEveryNode() {
        Graph g = graph();
        CalibrationResult cal = calibration(g);
        QuantizedModel m = Quantizer.quantize(g, cal, opts(Precision.INT8, Rescale.MULTIPLIER), TestRecipes::of);

        assertThat(m.graph().name()).isEqualTo("mlp");
        assertThat(m.graph().nodes()).extracting(QNode::name).containsExactly("d1", "d2", "d3", "sum");
        assertThat(m.graph().outputs()).containsExactly("sum");
        QInput x = m.graph().inputs().get(0);
        assertThat(x.type()).isEqualTo(QuantType.asymmetric(8, cal.range("x").min(), cal.range("x").max()));
        assertThat(m.tensors().keySet()).startsWith("x", "d1/kernel", "d1/bias", "d1");
        // the add's inputs and output share one type (equal-scale group)
        assertThat(m.solution().type("d2")).isEqualTo(m.solution().type("d3")).isEqualTo(m.solution().type("sum"));
        assertThat(m.solution().type("d1/bias").scale())
                .isEqualTo(m.solution().type("d1/kernel").scale() * m.solution().type("x").scale());
        assertThat(m.bounds()).extracting(AccumulatorBound::layer).containsExactly("d1", "d2", "d3");
        assertThat(m.bounds()).allMatch(AccumulatorBound::safe);
        assertThat(m.rescales()).extracting(RescaleRecord::layer).containsExactly("d1", "d2", "d3");
        assertThat(m.solution().results()).allMatch(r -> r.status() == Status.HELD);
        for (TensorSpec spec : m.tensors().values()) {
            assertThat(ContractReport.clipped(spec, m.solution().type(spec.name()))).as(spec.name()).isFalse();
        }
        assertThat(maxErrorInSteps(g, m)).isLessThan(4.0);
    }

    @Test
    void potModeMakesEveryRescaleAShift() {
        Graph g = graph();
        for (QuantOptions o : List.of(opts(Precision.INT8, Rescale.POT), QuantOptions.defaults(Target.CORTEX_M0),
                opts(Precision.INT16, Rescale.POT))) {
            QuantizedModel m = quantize(g, o);
            assertThat(m.rescales()).isNotEmpty().allSatisfy(r -> {
                assertThat(r.scale().shiftOnly()).isTrue();
                assertThat(r.scale().residual()).isZero();
            });
            for (QuantType t : m.solution().types().values()) {
                assertThat(t.scale()).isEqualTo(ScaleRules.nextPowerOfTwo(t.scale()));
            }
            assertThat(m.solution().results()).allMatch(r -> r.status() == Status.HELD);
            assertThat(maxErrorInSteps(g, m)).isLessThan(o.precision() == Precision.INT16 ? 400.0 : 4.0);
        }
    }

    @Test
    void multiplierModeUsesMultipliers() {
        QuantizedModel m = quantize(graph(), opts(Precision.INT8, Rescale.MULTIPLIER));
        assertThat(m.rescales()).allSatisfy(r -> {
            assertThat(r.scale().shiftOnly()).isFalse();
            assertThat(r.scale().residual()).isLessThanOrEqualTo(0x1p-31);
        });
    }

    @Test
    void int16PrecisionDeclaresSymmetricInt16Inputs() {
        QuantizedModel m = quantize(graph(), opts(Precision.INT16, Rescale.MULTIPLIER));
        QuantType x = m.graph().inputs().get(0).type();
        assertThat(x.bits()).isEqualTo(16);
        assertThat(x.zeroPoint()).isZero();
        assertThat(x.qmin()).isEqualTo(-32767);
        assertThat(maxErrorInSteps(graph(), m)).isLessThan(400.0); // int8 weights dominate: ~1.5 int8 steps
    }

    @Test
    void theSameInputsGiveTheSameModelAndReport() {
        QuantizedModel a = quantize(graph(), opts(Precision.INT8, Rescale.AUTO));
        QuantizedModel b = quantize(graph(), opts(Precision.INT8, Rescale.AUTO));
        assertThat(a.solution()).isEqualTo(b.solution());
        assertThat(a.report().toJsonString()).isEqualTo(b.report().toJsonString());
    }

    @Test
    void anOpWithoutRecipeIsRejected() {
        GraphBuilder b = new GraphBuilder("f").input("x", Shape.of(4, 2));
        b.add("flat", new Op.Flatten(), List.of("x"), Map.of());
        Graph g = b.output("flat").build();
        assertThatThrownBy(() -> Quantizer.quantize(g, new Calibrator(g).calibrate(FloatTensor.filled(Shape.of(1, 4, 2), 1f)),
                QuantOptions.defaults(Target.HOST), TestRecipes::of))
                .isInstanceOfSatisfying(McugenException.class, e -> {
                    assertThat(e.diag()).isEqualTo(Diag.MCG_QUANT_UNSUPPORTED);
                    assertThat(e.subject()).isEqualTo("layer 'flat' (flatten)");
                });
    }

    @Test
    void anInputWithoutCalibrationIsRejected() {
        Graph g = graph();
        CalibrationResult empty = new CalibrationResult(1, List.of());
        assertThatThrownBy(() -> Quantizer.quantize(g, empty, QuantOptions.defaults(Target.HOST), TestRecipes::of))
                .isInstanceOfSatisfying(McugenException.class,
                        e -> assertThat(e.diag()).isEqualTo(Diag.MCG_INTERNAL));
    }

    @Test
    void aFailingRecipeIsAnInternalErrorNamingTheLayer() {
        Recipe broken = new Recipe() {
            @Override
            public void declare(Node node, RecipeContext ctx) {
                throw new IllegalStateException("boom");
            }

            @Override
            public List<QNode> lower(Node node, LoweringContext ctx) {
                return List.of();
            }
        };
        assertThatThrownBy(() -> Quantizer.quantize(graph(), calibration(graph()), QuantOptions.defaults(Target.HOST),
                op -> broken))
                .isInstanceOfSatisfying(McugenException.class, e -> {
                    assertThat(e.diag()).isEqualTo(Diag.MCG_INTERNAL);
                    assertThat(e.subject()).isEqualTo("layer 'd1' (dense)");
                    assertThat(e.detail()).contains("boom");
                });
    }

    @Test
    void aLoweringThatLosesATensorIsCaught() {
        Graph g = graph();
        assertThatThrownBy(() -> Quantizer.quantize(g, calibration(g), QuantOptions.defaults(Target.HOST),
                op -> op instanceof Op.Add ? new TestRecipes.AddRecipe() {
                    @Override
                    public List<QNode> lower(Node node, LoweringContext ctx) {
                        return List.of();
                    }
                } : TestRecipes.of(op)))
                .isInstanceOfSatisfying(McugenException.class, e -> {
                    assertThat(e.diag()).isEqualTo(Diag.MCG_INTERNAL);
                    assertThat(e.subject()).isEqualTo("output 'sum'");
                });
    }
}
