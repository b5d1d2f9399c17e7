package dev.mcugen.scale;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.ModelLoader;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.calib.CalibrationResult;
import dev.mcugen.ir.calib.Calibrator;
import dev.mcugen.ir.interp.FloatInterpreter;
import dev.mcugen.ir.npy.Npy;
import dev.mcugen.ir.npy.NpyArray;
import dev.mcugen.ir.quant.FeedForwardKernels;
import dev.mcugen.ir.quant.IntObserver;
import dev.mcugen.ir.quant.QInput;
import dev.mcugen.ir.quant.QNode;
import dev.mcugen.ir.quant.QRecurrent;
import dev.mcugen.ir.sim.RecurrentKernels;
import dev.mcugen.scale.QuantOptions.ActivationImpl;
import dev.mcugen.scale.QuantOptions.Precision;
import dev.mcugen.scale.QuantOptions.Rescale;
import dev.mcugen.scale.QuantOptions.Target;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The driver with the real recipes ({@link Recipes#of}) on the bundled example models: every
 * contract is held, rounded or violated only by a fixed format's design; no accumulator can
 * overflow; the report is deterministic; and the integer model (run here node by node with the
 * kernels of the ir module) agrees with the float model on top-1 for at least 99% of the test set.
 */
class QuantizerExamplesTest {
    static final Path EXAMPLES = Path.of(System.getProperty("mcugen.root", "."), "examples");

    static List<Arguments> cases() {
        List<Arguments> a = new ArrayList<>();
        for (String ex : List.of("gesture_conv1d", "har_lstm", "kws_gru", "stacked_rnn")) {
            a.add(Arguments.of(ex, QuantOptions.defaults(Target.CORTEX_M4)));
            a.add(Arguments.of(ex, QuantOptions.defaults(Target.CORTEX_M0)));
            a.add(Arguments.of(ex, new QuantOptions(Precision.INT16, Rescale.AUTO, ActivationImpl.POLY, false, Target.CORTEX_M7)));
        }
        return a;
    }

    static FloatTensor npy(Path p) {
        NpyArray a = Npy.read(p);
        return FloatTensor.of(new Shape(a.shape()), a.toFloatArray());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void quantizesRunsAndReports(String example, QuantOptions options) {
        Graph g = ModelLoader.load(EXAMPLES.resolve(example).resolve("model.json"));
        CalibrationResult cal = new Calibrator(g).calibrate(npy(EXAMPLES.resolve(example).resolve("calibration.npy")));
        QuantizedModel m = Quantizer.quantize(g, cal, options);

        for (ContractResult r : m.solution().results()) {
            if (r.status() == ContractResult.Status.VIOLATED) {
                assertThat(r.contract()).as(r.detail()).isInstanceOf(Contract.Coverage.class);
                assertThat(r.detail()).contains("by design of fixed format Q3.12");
            }
        }
        for (TensorSpec spec : m.tensors().values()) {
            boolean fixed = m.solution().results().stream().anyMatch(r -> r.contract() instanceof Contract.FixedFormat
                    && m.solution().type(r.contract().tensors().get(0)).equals(m.solution().type(spec.name())));
            if (!fixed) {
                assertThat(ContractReport.clipped(spec, m.solution().type(spec.name()))).as(spec.name()).isFalse();
            }
        }
        assertThat(m.bounds()).isNotEmpty().allMatch(AccumulatorBound::safe);
        JsonNode report = m.report().toJson();
        assertThat(report.get("options").get("rescale_resolved").asText())
                .isEqualTo(options.powerOfTwoRescale() ? "pot" : "multiplier");
        assertThat(report.get("tensors")).hasSize(m.tensors().size());
        assertThat(Quantizer.quantize(g, cal, options).report().toJsonString()).isEqualTo(m.report().toJsonString());

        assertThat(top1Agreement(g, m, npy(EXAMPLES.resolve(example).resolve("test.npy")))).isGreaterThanOrEqualTo(0.99);
    }

    /** Runs the integer graph node by node and compares argmax with the float model. */
    static double top1Agreement(Graph g, QuantizedModel m, FloatTensor test) {
        FloatInterpreter fi = new FloatInterpreter(g);
        int n = test.shape().dim(0);
        int per = test.size() / n;
        Shape inShape = new Shape(test.shape().dims().subList(1, test.shape().rank()));
        QInput qi = m.graph().inputs().get(0);
        float[] all = test.toArray();
        int agree = 0;
        for (int s = 0; s < n; s++) {
            float[] x = Arrays.copyOfRange(all, s * per, (s + 1) * per);
            FloatTensor ref = fi.run(FloatTensor.of(inShape, x));
            Map<String, int[]> t = new HashMap<>();
            Map<String, Shape> shapes = new HashMap<>();
            int[] xq = new int[per];
            for (int i = 0; i < per; i++) {
                xq[i] = qi.type().quantize(x[i]);
            }
            t.put(qi.name(), xq);
            shapes.put(qi.name(), inShape);
            for (QNode q : m.graph().nodes()) {
                String src = q.inputs().get(0);
                if (q instanceof QRecurrent r) {
                    t.put(q.name(), RecurrentKernels.run(r, t.get(src), shapes.get(src), IntObserver.NONE));
                } else {
                    List<int[]> ins = new ArrayList<>();
                    q.inputs().forEach(in -> ins.add(t.get(in)));
                    t.put(q.name(), FeedForwardKernels.run(q, ins));
                }
                List<Integer> d = new ArrayList<>(q.outputShape().dims());
                if (d.contains(Shape.UNKNOWN)) {
                    d.set(0, shapes.get(src).dim(0));
                }
                shapes.put(q.name(), new Shape(d));
            }
            int[] y = t.get(m.graph().outputs().get(0));
            int a = 0;
            int b = 0;
            for (int k = 1; k < y.length; k++) {
                a = y[k] > y[a] ? k : a;
                b = ref.get(k) > ref.get(b) ? k : b;
            }
            agree += a == b ? 1 : 0;
        }
        return agree / (double) n;
    }
}
