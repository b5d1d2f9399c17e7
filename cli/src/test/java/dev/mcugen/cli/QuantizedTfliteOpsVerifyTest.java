package dev.mcugen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcugen.qemu.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code mcugen verify} of the quantized {@code .tflite} fixtures of {@code ir/src/test/resources/tflite-quant}
 * (int8 LOGISTIC / TANH / HARD_SWISH tables, MUL, SUB and ADD with broadcast operands, RELU, RELU6,
 * CONCATENATION, MEAN, DEQUANTIZE at the output; int8 and int16; 16x8 DEPTHWISE_CONV_2D, FULLY_CONNECTED
 * and pooling; int8 TRANSPOSE_CONV) on the host and on Cortex-M4 under QEMU: the
 * generated C equals the simulator (which the ir tests hold to TFLite's formulas) on every value of
 * 2 samples, the first of them every int8 input value.
 */
class QuantizedTfliteOpsVerifyTest {
    @TempDir
    Path tmp;

    @Execution(ExecutionMode.CONCURRENT)
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
            "logistic_s8, cortex-m4",
            "hard_swish_s8, host",
            "tanh_dequantize_s8, cortex-m4",
            "mul_channel_s8, host",
            "sub_channel_s8, cortex-m4",
            "sub_relu_s16, cortex-m4",
            "add_scalar_s16, cortex-m4",
            "mul_square_s16, host",
            "relu6_s16, host",
            "concat_relu_s8, cortex-m4",
            "mean_keep_s8, cortex-m4",
            "mean_s16, host",
            "mean_steps_s8, cortex-m4",
            "dw_fc_s16, cortex-m4",
            "dw_avg_pool_s16, host",
            "dw_transpose_conv_s8, cortex-m4",
            "dw_squeeze_excite_s8, host",
    })
    void bitExact(String fixture, String target) throws Exception {
        VerifyCommandTest.requireTools(Target.fromId(target));
        Path dir = CliTest.ROOT.resolve("ir/src/test/resources/tflite-quant").resolve(fixture);
        Path out = tmp.resolve("out");
        CliTest.Result r = CliTest.run("verify", dir.resolve("model.tflite").toString(), "--target", target, "--data",
                dir.resolve("input.npy").toString(), "--samples", "2", "--out", out.toString(), "--no-progress");
        assertThat(r.code()).as("stdout %s%nstderr %s", r.out(), r.err()).isZero();
        assertThat(r.out()).contains("bit-exact with the simulator").contains("parameters: from the file");
        JsonNode j = new ObjectMapper().readTree(Files.readString(out.resolve("report.json")));
        assertThat(j.get("bit_exact").asBoolean()).isTrue();
        assertThat(j.get("samples").asInt()).isEqualTo(2);
    }
}
