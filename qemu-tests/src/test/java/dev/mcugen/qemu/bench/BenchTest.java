package dev.mcugen.qemu.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcugen.qemu.Target;
import dev.mcugen.qemu.Tools;
import dev.mcugen.scale.ContractReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The benchmark suite on a small subset (fc64 on host and cortex-m4, fc256 on the microbit): the
 * JSON it writes has every field, bit-exact integer runs, float runs within tolerance of the float
 * interpreter, and ratios on the side the formats imply (int8 weights are a quarter of float32; the
 * integer C is faster than soft-float C). The whole suite runs with ./bench (not a test).
 */
class BenchTest {
    static Path root() {
        return Path.of(System.getProperty("mcugen.root", "..")).toAbsolutePath().normalize();
    }

    static void require(Target t) {
        List<String> missing = Tools.missing(t);
        if (!missing.isEmpty()) {
            if (System.getenv("CI") != null) {
                fail(t + " needs " + missing);
            }
            assumeTrue(false, t + " needs " + missing);
        }
    }

    static ObjectNode run(Path dir, String model, List<Target> targets) throws Exception {
        Path json = dir.resolve("bench.json");
        Bench.Config c = new Bench.Config(root(), List.of(BenchModel.named(root(), model)), targets, 2, json,
                dir.resolve("work"));
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        ObjectNode result = new Bench(c, new PrintStream(log, true, StandardCharsets.UTF_8)).run();
        // What was written is what was returned (both read back: number node types then agree).
        var mapper = ContractReport.mapper();
        assertThat(mapper.readTree(json.toFile())).isEqualTo(mapper.readTree(mapper.writeValueAsString(result)));
        return result;
    }

    @Test
    void fc64OnHostAndCortexM4(@TempDir Path dir) throws Exception {
        require(Target.HOST);
        require(Target.CORTEX_M4);
        ObjectNode result = run(dir, "fc64", List.of(Target.HOST, Target.CORTEX_M4));
        assertThat(result.get("all_passed").asBoolean()).isTrue();
        assertThat(result.get("results")).hasSize(2);
        for (JsonNode r : result.get("results")) {
            assertThat(r.get("model").asText()).isEqualTo("fc64");
            assertThat(r.get("macs").asLong()).isEqualTo(4096);
            JsonNode in = r.get("int");
            JsonNode fl = r.get("float");
            assertThat(in.get("status").asText()).isEqualTo("ok");
            assertThat(in.get("bit_exact").asBoolean()).isTrue();
            assertThat(in.get("samples_checked").asInt()).isEqualTo(2);
            assertThat(fl.get("status").asText()).isEqualTo("ok");
            assertThat(fl.get("within_tolerance").asBoolean()).isTrue();
            assertThat(fl.get("max_rel_diff").asDouble()).isBetween(0.0, Bench.FLOAT_TOLERANCE);
            for (JsonNode side : List.of(in, fl)) {
                assertThat(side.get("flash_bytes").asLong()).isPositive();
                assertThat(side.get("ram_bytes").asLong()).isPositive();
                assertThat(side.get("stack_bytes").asLong()).isPositive();
                assertThat(side.get("weight_bytes").asLong()).isPositive();
            }
            // 4096 int8 weights (+ int32 biases and rescale parameters) against 4160 float32 values.
            assertThat(in.get("weight_bytes").asLong()).isBetween(4096L, 4096L + 64 * 4 + 64);
            assertThat(fl.get("weight_bytes").asLong()).isEqualTo(4160L * 4);
            assertThat(r.get("flash_ratio_weights").asDouble()).isBetween(0.2, 0.3);
            assertThat(r.get("flash_ratio_image").asDouble()).isBetween(0.0, 1.0);
            boolean counts = r.get("target").asText().equals("cortex-m4");
            if (counts) {
                assertThat(in.get("instructions").asLong()).isPositive();
                assertThat(in.get("instructions_per_mac").asDouble())
                        .isEqualTo((double) in.get("instructions").asLong() / 4096);
                assertThat(fl.get("instructions").asLong()).isPositive();
                // Soft-float multiply-adds against 8-bit integer ones.
                assertThat(r.get("speedup").asDouble()).isGreaterThan(1.0)
                        .isEqualTo((double) fl.get("instructions").asLong() / in.get("instructions").asLong());
            } else {
                assertThat(in.get("instructions").isNull()).isTrue();
                assertThat(r.get("speedup").isNull()).isTrue();
            }
        }
        String table = Bench.table(result);
        assertThat(table).contains("fc64   host").contains("fc64   cortex-m4");
    }

    @Test
    void floatFc256DoesNotFitTheMicrobit(@TempDir Path dir) throws Exception {
        require(Target.CORTEX_M0);
        ObjectNode result = run(dir, "fc256", List.of(Target.CORTEX_M0));
        JsonNode r = result.get("results").get(0);
        assertThat(r.get("int").get("status").asText()).isEqualTo("ok");
        assertThat(r.get("int").get("bit_exact").asBoolean()).isTrue();
        JsonNode fl = r.get("float");
        assertThat(fl.get("status").asText()).isEqualTo("does_not_fit");
        assertThat(fl.get("reason").asText()).contains("263,168 B of flash").contains("262,144 B");
        assertThat(r.get("speedup").isNull()).isTrue();
        assertThat(result.get("all_passed").asBoolean()).isTrue();
        assertThat(Bench.table(result)).contains("does not fit");
    }
}
