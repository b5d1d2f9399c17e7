package dev.mcugen.scale;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcugen.ir.quant.QuantType;
import dev.mcugen.scale.QuantOptions.Target;
import dev.mcugen.scale.TensorSpec.Symmetry;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContractReportTest {
    /** An LSTM-gate-like system: x, W, bias product, a Q3.12 gate beyond ±8, a POT cell. */
    static ContractReport report() {
        ContractSystem sys = new ContractSystem()
                .tensor(new TensorSpec("x", 8, Symmetry.ASYMMETRIC, -0.9, 2.1))
                .tensor(new TensorSpec("W", 8, Symmetry.SYMMETRIC, -1.3, 0.7))
                .tensor(new TensorSpec("b", 32, Symmetry.SYMMETRIC, -0.4, 0.4))
                .tensor(new TensorSpec("gate", 16, Symmetry.SYMMETRIC, -9.5, 6.0))
                .tensor(new TensorSpec("cell", 16, Symmetry.SYMMETRIC, -2.7, 1.9));
        sys.add(new Contract.Coverage("x", -0.9, 2.1))
                .add(new Contract.Product("b", "W", "x"))
                .add(new Contract.FixedFormat("gate", 16, 12))
                .add(new Contract.Coverage("gate", -9.5, 6.0))
                .add(new Contract.PowerOfTwo("cell"));
        QuantOptions options = QuantOptions.defaults(Target.CORTEX_M7);
        Solution s = HeuristicSolver.solve(sys, options);
        List<AccumulatorBound> bounds = List.of(
                OverflowProof.matmul("lstm", "input_gate/x", new int[] {127, -127, 3, 4}, 2, new long[] {10, -20}, 128,
                        OverflowProof.INT32_LIMIT, "saturates"),
                new AccumulatorBound("big", "matmul", 3, 1L << 33, OverflowProof.INT32_LIMIT, "saturates"));
        double real = s.type("x").scale() * s.type("W").scale() / 0x1p-12;
        List<RescaleRecord> rescales = List.of(new RescaleRecord("lstm", "input_gate/x", EffectiveScale.of(real, options)));
        return new ContractReport(options, sys.tensors(), s, bounds, rescales);
    }

    static List<String> keys(JsonNode n) {
        List<String> k = new ArrayList<>();
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            k.add(it.next());
        }
        return k;
    }

    @Test
    void sectionsAndOptions() throws Exception {
        JsonNode j = new ObjectMapper().readTree(report().toJsonString());
        assertThat(keys(j)).containsExactly("options", "summary", "contracts", "tensors", "rescales", "accumulators");
        JsonNode o = j.get("options");
        assertThat(keys(o)).containsExactly("precision", "rescale", "rescale_resolved", "activation", "per_channel", "target");
        assertThat(o.get("precision").asText()).isEqualTo("int8");
        assertThat(o.get("rescale").asText()).isEqualTo("auto");
        assertThat(o.get("rescale_resolved").asText()).isEqualTo("multiplier");
        assertThat(o.get("activation").asText()).isEqualTo("lut");
        assertThat(o.get("per_channel").asBoolean()).isFalse();
        assertThat(o.get("target").asText()).isEqualTo("cortex-m7");
    }

    @Test
    void summaryCounts() throws Exception {
        JsonNode s = new ObjectMapper().readTree(report().toJsonString()).get("summary");
        assertThat(keys(s)).containsExactly("tensors", "contracts", "held", "rounded", "violated", "clipped_tensors",
                "rescales", "max_rescale_residual", "accumulators", "unsafe_accumulators");
        assertThat(s.get("tensors").asInt()).isEqualTo(5);
        assertThat(s.get("contracts").asInt()).isEqualTo(5);
        assertThat(s.get("held").asInt()).isEqualTo(4);
        assertThat(s.get("rounded").asInt()).isZero();
        assertThat(s.get("violated").asInt()).isEqualTo(1);
        assertThat(s.get("clipped_tensors").asInt()).isEqualTo(1);
        assertThat(s.get("rescales").asInt()).isEqualTo(1);
        assertThat(s.get("accumulators").asInt()).isEqualTo(2);
        assertThat(s.get("unsafe_accumulators").asInt()).isEqualTo(1);
    }

    @Test
    void everyContractWithStatusResidualAndDetail() throws Exception {
        JsonNode cs = new ObjectMapper().readTree(report().toJsonString()).get("contracts");
        assertThat(cs).hasSize(5);
        for (JsonNode c : cs) {
            assertThat(keys(c)).containsExactly("kind", "tensors", "status", "residual", "detail");
        }
        assertThat(cs.get(1).get("kind").asText()).isEqualTo("product");
        assertThat(cs.get(1).get("tensors")).extracting(JsonNode::asText).containsExactly("b", "W", "x");
        assertThat(cs.get(1).get("status").asText()).isEqualTo("held");
        JsonNode gate = cs.get(3);
        assertThat(gate.get("kind").asText()).isEqualTo("coverage");
        assertThat(gate.get("status").asText()).isEqualTo("violated");
        assertThat(gate.get("detail").asText()).contains("saturates at ±8 by design");
        // -9.5 lies 1.5 - 2^-13 beyond Q3.12's rounding reach -8 - 2^-13; relative to max|range| 9.5
        assertThat(gate.get("residual").asDouble()).isEqualTo((-8 - 0x1p-13 + 9.5) / 9.5);
        assertThat(cs.get(4).get("detail").asText()).contains("Q2.13", "[-4, 4)");
    }

    @Test
    void everyTensorWithItsTypeAndCalibratedRange() throws Exception {
        ContractReport r = report();
        JsonNode ts = new ObjectMapper().readTree(r.toJsonString()).get("tensors");
        assertThat(ts).extracting(t -> t.get("name").asText()).containsExactly("x", "W", "b", "gate", "cell");
        for (JsonNode t : ts) {
            assertThat(keys(t)).containsExactly("name", "bits", "symmetry", "scale", "zero_point", "qmin", "qmax",
                    "q_format", "scale_log2", "calibrated_min", "calibrated_max", "real_min", "real_max", "clipped");
            QuantType type = r.solution().type(t.get("name").asText());
            // doubles round-trip exactly
            assertThat(t.get("scale").asDouble()).isEqualTo(type.scale());
            assertThat(t.get("real_min").asDouble()).isEqualTo(type.realMin());
            assertThat(t.get("zero_point").asInt()).isEqualTo(type.zeroPoint());
        }
        JsonNode x = ts.get(0);
        assertThat(x.get("bits").asInt()).isEqualTo(8);
        assertThat(x.get("symmetry").asText()).isEqualTo("asymmetric");
        assertThat(x.get("q_format").isNull()).isTrue();
        assertThat(x.get("scale_log2").isNull()).isTrue();
        assertThat(x.get("calibrated_min").asDouble()).isEqualTo(-0.9);
        assertThat(x.get("clipped").asBoolean()).isFalse();
        JsonNode gate = ts.get(3);
        assertThat(gate.get("q_format").asText()).isEqualTo("Q3.12");
        assertThat(gate.get("scale_log2").asInt()).isEqualTo(-12);
        assertThat(gate.get("qmin").asInt()).isEqualTo(-32768);
        assertThat(gate.get("clipped").asBoolean()).isTrue();
        assertThat(ts.get(4).get("q_format").asText()).isEqualTo("Q2.13");
        assertThat(ts.get(2).get("qmax").asLong()).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void rescalesAndAccumulators() throws Exception {
        JsonNode j = new ObjectMapper().readTree(report().toJsonString());
        JsonNode r = j.get("rescales").get(0);
        assertThat(keys(r)).containsExactly("layer", "name", "real", "form", "multiplier", "shift", "realized", "residual");
        assertThat(r.get("form").asText()).isEqualTo("multiplier");
        assertThat(r.get("multiplier").asLong()).isBetween(1L << 30, (1L << 31) - 1);
        assertThat(r.get("residual").asDouble()).isLessThanOrEqualTo(0x1p-31);
        JsonNode a = j.get("accumulators");
        assertThat(keys(a.get(0))).containsExactly("layer", "accumulator", "worst_row", "bound", "limit",
                "headroom_bits", "safe", "action");
        assertThat(a.get(0).get("worst_row").asInt()).isEqualTo(1);
        assertThat(a.get(0).get("bound").asLong()).isEqualTo(20 + (127 + 4) * 128);
        assertThat(a.get(0).get("limit").asLong()).isEqualTo(Integer.MAX_VALUE);
        assertThat(a.get(0).get("headroom_bits").asInt()).isEqualTo(31 - 15);
        assertThat(a.get(0).get("safe").asBoolean()).isTrue();
        assertThat(a.get(0).get("action").asText()).isEmpty();
        assertThat(a.get(1).get("safe").asBoolean()).isFalse();
        assertThat(a.get(1).get("headroom_bits").asInt()).isEqualTo(-3);
        assertThat(a.get(1).get("action").asText()).isEqualTo("saturates");
    }

    @Test
    void deterministicAndEmbeddableInReportJson() throws Exception {
        assertThat(report().toJsonString()).isEqualTo(report().toJsonString());
        ObjectNode root = new ObjectMapper().createObjectNode();
        root.put("model", "m");
        report().into(root);
        assertThat(keys(root)).containsExactly("model", ContractReport.SECTION);
        assertThat(root.get("quantization")).isEqualTo(report().toJson());
    }
}
