package dev.mcugen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcugen.qemu.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --weight-bits N|FILE.json} in build, verify, simulate and inspect: packed weights, bit-exact. */
class WeightBitsCliTest {
    @TempDir
    Path tmp;

    private static final String MODEL = CliTest.HAR.resolve("model.json").toString();

    private CliTest.Result build(Path out, String... extra) {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("build", MODEL, "--out", out.toString(),
                "--no-progress"));
        args.addAll(java.util.List.of(extra));
        return CliTest.run(args.toArray(String[]::new));
    }

    /** The word lengths file analyze --budget ... --out writes (the parts build reads). */
    private Path wordLengths() throws Exception {
        Path f = tmp.resolve("bits.json");
        Files.writeString(f, """
                {"model": "har_lstm", "weight_quant": "balanced",
                 "word_lengths": {"bits": {"lstm/kernel": 8, "lstm/recurrent_kernel": 4, "output/kernel": 2}}}
                """);
        return f;
    }

    @Test
    void fourBitsEverywherePacksTheLstmAndTheDenseDeterministically() throws Exception {
        Path a = tmp.resolve("a");
        CliTest.Result r = build(a, "--weight-bits", "4");
        assertThat(r.code()).as("stdout %s stderr %s", r.out(), r.err()).isZero();
        String c = Files.readString(a.resolve("har_lstm.c"));
        assertThat(c).contains("mcu_lstm_step_sub8_s8(").contains("mcu_fully_connected_s8w4_s32(")
                .contains(".weight_layout = MCU_WLAYOUT_SUB8").doesNotContain("mcu_lstm_step_s8(");
        // the summary: flash per layer with its weight bits, and the total
        assertThat(r.out()).containsPattern("lstm +4 +[0-9,]+").containsPattern("output/logits +4 +[0-9,]+")
                .containsPattern("total \\(all constants\\) +[0-9,]+");
        JsonNode j = new ObjectMapper().readTree(a.resolve("report.json").toFile());
        long total = j.at("/weight_flash/total_flash_bytes").asLong();
        Path int8 = tmp.resolve("int8");
        assertThat(build(int8).code()).isZero();
        JsonNode j8 = new ObjectMapper().readTree(int8.resolve("report.json").toFile());
        assertThat(j8.has("weight_flash")).isFalse();
        long int8Flash = j8.at("/model_memory/constants_bytes").asLong(-1);
        long packed = j.at("/model_memory/constants_bytes").asLong(-1);
        assertThat(packed).isEqualTo(total);
        // saved: half of the 4,096 recurrent and 128 Dense weights; the 128 input-kernel rows of 3 inputs take
        // 2 bytes instead of 3 (each packed row ends on a byte)
        assertThat(int8Flash - packed).isEqualTo(4096 / 2 + 128 / 2 + 128);
        // the same options give the same bytes
        Path b = tmp.resolve("b");
        assertThat(build(b, "--weight-bits", "4").code()).isZero();
        assertThat(Files.readString(b.resolve("har_lstm.c"))).isEqualTo(c);
    }

    @Test
    void aWordLengthsFileIsVerifiedBitExactOnTheHostAndACortexM() throws Exception {
        Path f = wordLengths();
        for (String target : new String[] {"host", "cortex-m4"}) {
            VerifyCommandTest.requireTools(Target.fromId(target));
            Path out = tmp.resolve("v-" + target);
            CliTest.Result r = CliTest.run("verify", MODEL, "--target", target, "--data",
                    CliTest.HAR.resolve("test.npy").toString(), "--samples", "2", "--weight-bits", f.toString(), "--out",
                    out.toString(), "--no-progress");
            assertThat(r.code()).as("stdout %s stderr %s", r.out(), r.err()).isZero();
            JsonNode j = new ObjectMapper().readTree(out.resolve("report.json").toFile());
            assertThat(j.get("bit_exact").asBoolean()).isTrue();
            String c = Files.readString(out.resolve("har_lstm.c"));
            // the input kernel stays int8 (PLAIN), the recurrent kernel 4-bit packed, the Dense 2-bit odd levels
            assertThat(c).contains("mcu_lstm_step_sub8_s8(").contains("mcu_fully_connected_s8w2_s32(")
                    .contains(".weight_layout = MCU_WLAYOUT_PLAIN").contains(".weight_layout = MCU_WLAYOUT_SUB8")
                    .contains("w = 2 k - 3 (balanced quantization's odd levels)")
                    .contains("w = 2 k - 15 (balanced quantization's odd levels)");
        }
    }

    @Test
    void simulateAndInspectTakeTheWordLengths() throws Exception {
        Path f = wordLengths();
        CliTest.Result s = CliTest.run("simulate", MODEL, "--mode", "fixed", "--data",
                CliTest.HAR.resolve("test.npy").toString(), "--compare", "--weight-bits", f.toString(), "--no-progress",
                "--out", tmp.resolve("y.npy").toString());
        assertThat(s.code()).as("stdout %s stderr %s", s.out(), s.err()).isZero();
        assertThat(s.out()).contains("top-1");
        CliTest.Result i = CliTest.run("inspect", MODEL, "--weight-bits", f.toString());
        assertThat(i.code()).as("stdout %s stderr %s", i.out(), i.err()).isZero();
        // lstm: 384 int8 + 4,096 at 4 bits (128 rows of 32 inputs, 16 bytes each); output: 4 rows of 32 at 2 bits
        assertThat(i.out()).containsPattern("lstm .* 2432\\s").contains("weight flash (B)")
                .contains("weights 2464 B at the stored width").containsPattern("output .* 32\\s");
    }

    @Test
    void badWeightBitsAreOneLineErrorsWithTheirOwnDiagnostic() throws Exception {
        CliTest.assertOneLineError(build(tmp.resolve("x"), "--weight-bits", "9"), 2, "MCG_CLI_WEIGHT_BITS", "2..8");
        CliTest.assertOneLineError(build(tmp.resolve("x"), "--weight-bits", tmp.resolve("none.json").toString()), 2,
                "MCG_CLI_WEIGHT_BITS");
        Path unknown = tmp.resolve("unknown.json");
        Files.writeString(unknown, "{\"word_lengths\": {\"bits\": {\"gru/kernel\": 4}}}");
        CliTest.assertOneLineError(build(tmp.resolve("x"), "--weight-bits", unknown.toString()), 2, "MCG_CLI_WEIGHT_BITS",
                "'gru/kernel'", "lstm/kernel");
        Path wide = tmp.resolve("wide.json");
        Files.writeString(wide, "{\"bits\": {\"lstm/kernel\": 12}}");
        CliTest.assertOneLineError(build(tmp.resolve("x"), "--weight-bits", wide.toString()), 2, "MCG_CLI_WEIGHT_BITS",
                "12 bits");
        Path broken = tmp.resolve("broken.json");
        Files.writeString(broken, "{\"bits\": ");
        CliTest.assertOneLineError(build(tmp.resolve("x"), "--weight-bits", broken.toString()), 2, "MCG_CLI_WEIGHT_BITS",
                "not valid JSON");
        CliTest.assertOneLineError(build(tmp.resolve("x"), "--weight-bits", "auto"), 2, "MCG_CLI_WEIGHT_BITS", "--budget");
        CliTest.assertOneLineError(CliTest.run("simulate", MODEL, "--mode", "float", "--data",
                CliTest.HAR.resolve("test.npy").toString(), "--out", tmp.resolve("f.npy").toString(), "--weight-bits", "4"),
                2, "MCG_CLI_USAGE", "--mode fixed");
        // a quantized .tflite keeps its own integers
        Path int8 = dev.mcugen.ir.SharedFiles.zoo("hello_world", "hello_world_int8.tflite");
        CliTest.assertOneLineError(CliTest.run("build", int8.toString(), "--out", tmp.resolve("q").toString(),
                "--weight-bits", "4", "--no-progress"), 2, "MCG_CLI_WEIGHT_BITS", "quantized .tflite");
    }
}
