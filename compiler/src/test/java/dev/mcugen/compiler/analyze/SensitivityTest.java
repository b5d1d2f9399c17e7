package dev.mcugen.compiler.analyze;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcugen.ir.Activation;
import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.GraphBuilder;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.interp.Batch;
import dev.mcugen.scale.wordlength.WeightQuant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SensitivityTest {
    @Test
    void signalsAreQuantizedOverTheirRangeWithZeroExact() {
        float[] v = {-1f, 0f, 0.5f, 3f, 10f};
        Sensitivity.quantizeSignal(v, -1, 3, 2); // [-1, 3] in 3 steps of 4/3, zero point 1
        assertThat(v[1]).isZero();
        assertThat(v[0]).isCloseTo(-4f / 3, org.assertj.core.data.Offset.offset(1e-6f));
        assertThat(v[4]).isCloseTo(8f / 3, org.assertj.core.data.Offset.offset(1e-6f)); // clamped to the top level
        float[] pos = {0.1f, 0.9f};
        Sensitivity.quantizeSignal(pos, 0.1, 0.9, 8); // widened to [0, 0.9]
        assertThat(pos[1]).isCloseTo(0.9f, org.assertj.core.data.Offset.offset(1e-6f));
    }

    @Test
    void aTableRowPerWeightTensorAndLayerOutputThatConvergesToFloat() {
        Random r = new Random(3);
        GraphBuilder b = new GraphBuilder("mlp").input("x", Shape.of(6));
        b.add("h", new Op.Dense(8, Activation.RELU, true), List.of("x"),
                Map.of("kernel", random(r, Shape.of(6, 8)), "bias", random(r, Shape.of(8))));
        b.add("f", new Op.Flatten(), List.of("h"), Map.of());
        b.add("y", new Op.Dense(3, Activation.LINEAR, true), List.of("f"),
                Map.of("kernel", random(r, Shape.of(8, 3)), "bias", random(r, Shape.of(3))));
        Graph g = b.output("y").build();
        Batch data = Batch.of(g, random(r, Shape.of(40, 6)));
        List<Integer> progress = new ArrayList<>();
        Sensitivity.Table t = Sensitivity.analyze(g, data, data, 30, Sensitivity.Metric.SQNR, WeightQuant.Method.L2,
                progress::add);
        // two kernels (the biases stay float), two layer outputs (Flatten is a view of h)
        assertThat(t.rows()).extracting(row -> row.kind() + " " + row.layer() + "/" + row.tensor()).containsExactly(
                "weight h/kernel", "weight y/kernel", "signal h/output", "signal y/output");
        assertThat(t.samples()).isEqualTo(30);
        assertThat(progress).hasSize(Sensitivity.runs(g)).last().isEqualTo(Sensitivity.runs(g));
        for (Sensitivity.Row row : t.rows()) {
            double[] m = row.metric();
            // more bits, less noise: the widest word length is the closest to float, and close indeed
            assertThat(m[m.length - 1]).as(row.layer()).isGreaterThan(m[0]).isGreaterThan(row.kind().equals("weight")
                    ? 35 : 80);
        }
    }

    @Test
    void theFlashSearchStepsOnlyTheStoredWidthsAndTheGroupsAreNamedAsInTheTable() {
        Random r = new Random(5);
        GraphBuilder b = new GraphBuilder("mlp").input("x", Shape.of(6));
        b.add("h", new Op.Dense(16, Activation.RELU, true), List.of("x"),
                Map.of("kernel", random(r, Shape.of(6, 16)), "bias", random(r, Shape.of(16))));
        b.add("y", new Op.Dense(3, Activation.LINEAR, true), List.of("h"),
                Map.of("kernel", random(r, Shape.of(16, 3)), "bias", random(r, Shape.of(3))));
        Graph g = b.output("y").build();
        Batch data = Batch.of(g, random(r, Shape.of(40, 6)));
        assertThat(Sensitivity.weightGroups(g)).containsExactly(Map.entry("h/kernel", 96L), Map.entry("y/kernel", 48L));
        // a loose budget: every group goes as low as the ladder allows, and only to 8, 4 or 2 bits
        WordLengthSearch.Result res = WordLengthSearch.search(g, data, 40, Sensitivity.Metric.SQNR, -1e9,
                WeightQuant.Method.L2, WordLengthSearch.STORED_BITS, line -> { });
        assertThat(res.bits()).containsOnlyKeys("h/kernel", "y/kernel");
        assertThat(res.bits().values()).containsOnly(2);
        WordLengthSearch.Result tight = WordLengthSearch.search(g, data, 40, Sensitivity.Metric.SQNR, 25,
                WeightQuant.Method.L2, WordLengthSearch.STORED_BITS, line -> { });
        assertThat(tight.bits().values()).allMatch(v -> v == 2 || v == 4 || v == 8);
        assertThat(tight.heldOut()).isGreaterThanOrEqualTo(25);
    }

    private static FloatTensor random(Random r, Shape s) {
        float[] v = new float[s.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return FloatTensor.of(s, v);
    }
}
