package dev.mcugen.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The scaling benchmark's report: every row becomes valid JSON and a table line (it once died writing JSON). */
class ScalingBenchTest {
    @Test
    void jsonAndTableOfEveryRow() throws Exception {
        List<ScalingBench.Row> rows = List.of(
                new ScalingBench.Row("dense_4x40", "dense", 4, 40, 1, 3, 6_760, 27_040, 120_000, 1.25, 2.5, 180.2,
                        96.5, 40.1, 256, 3, 0),
                new ScalingBench.Row("lstm_10x2048", "lstm", 10, 2048, 5, 3, 335_600_000, 1_342_400_000L, -1, 54.7,
                        80.3, 4100.0, 3500.5, 2800.25, 4096, 12, 0));
        JsonNode j = new ObjectMapper().readTree(ScalingBench.json(rows, "host"));
        assertThat(j.get("models")).hasSize(2);
        JsonNode big = j.get("models").get(1);
        assertThat(big.get("params").asLong()).isEqualTo(335_600_000L);
        assertThat(big.get("build_seconds").asDouble()).isEqualTo(54.7);
        assertThat(big.get("cpu_seconds_per_mparam").asDouble()).isCloseTo(80.3 / 335.6,
                org.assertj.core.api.Assertions.within(1e-4));
        assertThat(big.get("exit").asInt()).isZero();
        assertThat(ScalingBench.table(rows)).contains("lstm_10x2048");
    }
}
