package dev.mcugen.scale.recurrent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcugen.ir.Graph;
import dev.mcugen.ir.ModelLoader;
import dev.mcugen.ir.npy.Npy;
import dev.mcugen.ir.npy.NpyArray;
import dev.mcugen.ir.quant.IntTensor;
import dev.mcugen.ir.quant.QFullyConnected;
import dev.mcugen.ir.quant.QGru;
import dev.mcugen.ir.quant.QLstm;
import dev.mcugen.ir.quant.QMatVec;
import dev.mcugen.ir.quant.QNode;
import dev.mcugen.scale.AccumulatorBound;
import dev.mcugen.scale.QuantOptions;
import dev.mcugen.scale.wordlength.WeightQuant;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code --weight-bits}: the recipes quantize the chosen weight groups to the narrowed range in their int8
 * container and declare the width; the groups left at 8 bits, and the default options, are the int8 build.
 */
class NarrowWeightsTest {
    private static Harness quantize(String example, QuantOptions.WeightBits bits) {
        Path dir = ExamplesTest.example(example);
        Graph g = ModelLoader.load(dir.resolve("model.json"));
        NpyArray cal = Npy.read(dir.resolve("calibration.npy"));
        return Harness.quantize(g, cal.toFloatArray(), cal.shape().get(0), cal.shape().get(1),
                Harness.options(QuantOptions.ActivationImpl.LUT).withWeightBits(bits));
    }

    private static List<IntTensor> weights(QNode n) {
        List<IntTensor> w = new ArrayList<>();
        if (n instanceof QFullyConnected fc) {
            w.add(fc.weights());
        } else if (n instanceof QLstm l) {
            for (var g : new dev.mcugen.ir.quant.QGate[] {l.inputGate(), l.forgetGate(), l.cellGate(), l.outputGate()}) {
                w.add(g.input().weights());
                w.add(g.recurrent().weights());
            }
        } else if (n instanceof QGru gr) {
            for (QMatVec m : List.of(gr.updateGate().input(), gr.updateGate().recurrent(), gr.resetGate().input(),
                    gr.resetGate().recurrent(), gr.candidateInput(), gr.candidateRecurrent())) {
                w.add(m.weights());
            }
        }
        return w;
    }

    @Test
    void fourBitLstmAndDenseWeightsLieOnTheNarrowRangeAndDeclareIt() {
        Harness h = quantize("har_lstm", new QuantOptions.WeightBits(Map.of(), 4, WeightQuant.Method.L2));
        int seen = 0;
        for (QNode n : h.model.graph().nodes()) {
            for (IntTensor t : weights(n)) {
                assertThat(t.bits()).isEqualTo(8);
                assertThat(t.declaredBits()).as(n.name()).isEqualTo(4);
                assertThat(t.oddLevels()).isFalse();
                assertThat(t.maxAbs()).as(n.name()).isLessThanOrEqualTo(7).isGreaterThan(0);
                seen++;
            }
        }
        assertThat(seen).isEqualTo(9); // 4 gates x (W, R) + the output Dense
        // the overflow proof sees the narrowed weights: every accumulator bound below the int8 build's
        Harness int8 = quantize("har_lstm", QuantOptions.WeightBits.INT8);
        long narrow = h.model.bounds().stream().mapToLong(AccumulatorBound::bound).max().orElseThrow();
        long wide = int8.model.bounds().stream().mapToLong(AccumulatorBound::bound).max().orElseThrow();
        assertThat(narrow).isLessThan(wide);
    }

    @Test
    void perGroupWidthsAndBalancedOddLevelsOnTheGru() {
        Harness h = quantize("kws_gru", new QuantOptions.WeightBits(Map.of("gru/kernel", 2, "gru/recurrent_kernel", 3), 8,
                WeightQuant.Method.BALANCED));
        QGru gru = (QGru) h.model.graph().nodes().stream().filter(n -> n instanceof QGru).findFirst().orElseThrow();
        for (QMatVec m : List.of(gru.updateGate().input(), gru.resetGate().input(), gru.candidateInput())) {
            assertThat(m.weights().declaredBits()).isEqualTo(2);
            assertThat(m.weights().oddLevels()).isTrue();
            for (long v : m.weights().toArray()) {
                assertThat(v).isIn(-3L, -1L, 1L, 3L);
            }
        }
        for (QMatVec m : List.of(gru.updateGate().recurrent(), gru.resetGate().recurrent(), gru.candidateRecurrent())) {
            assertThat(m.weights().declaredBits()).isEqualTo(3);
            for (long v : m.weights().toArray()) {
                assertThat(Math.abs(v) % 2).isEqualTo(1);
                assertThat(Math.abs(v)).isLessThanOrEqualTo(7);
            }
        }
        QFullyConnected out = (QFullyConnected) h.model.graph().nodes().stream()
                .filter(n -> n instanceof QFullyConnected).findFirst().orElseThrow();
        assertThat(out.weights().declaredBits()).isEqualTo(8); // not named: 8 bits
    }

    @Test
    void eightBitsEverywhereIsTheInt8Build() {
        Harness a = quantize("kws_gru", QuantOptions.WeightBits.INT8);
        Harness b = quantize("kws_gru", new QuantOptions.WeightBits(Map.of("gru/kernel", 8), 8, WeightQuant.Method.L2));
        assertThat(b.model.graph().nodes()).isEqualTo(a.model.graph().nodes());
    }
}
