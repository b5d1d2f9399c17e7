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
 * {@code mcugen verify} of the element-wise ops under QEMU: the TF.js Multiply (a per-channel vector
 * broadcast over time), Average of three branches and Maximum / Minimum fixtures, and the PyTorch ONNX
 * model with Mul, Sub, Max, Min, constants per channel and a Div by a constant, at int8 and int16 on
 * Cortex-M4 (multiplier rescales) and Cortex-M0 (power-of-two rescales). Three samples each; the C
 * must equal the simulator bit for bit.
 */
class VerifyElementwiseTest {
    @TempDir
    Path tmp;

    @Execution(ExecutionMode.CONCURRENT) // cases one per processor, the class alone (junit-platform.properties)
    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource({
            "tfjs/functional_multiply_channel_vector/model.json, cortex-m4, int8",
            "tfjs/functional_average3/model.json, cortex-m4, int16",
            "tfjs/functional_maximum_conv1d/model.json, cortex-m0, int8",
            "tfjs/functional_minimum_conv1d/model.json, cortex-m4, int16",
            "onnx/eltwise_op13.onnx, cortex-m4, int8",
            "onnx/eltwise_op17.onnx, cortex-m4, int16",
    })
    void bitExactUnderQemu(String model, String target, String precision) throws Exception {
        VerifyCommandTest.requireTools(Target.fromId(target));
        Path file = CliTest.ROOT.resolve("ir/src/test/resources").resolve(model);
        Path data = model.startsWith("onnx/") ? file.resolveSibling("eltwise_x.npy") : file.resolveSibling("input.npy");
        Path out = tmp.resolve("out");
        CliTest.Result r = CliTest.run("verify", file.toString(), "--target", target, "--precision", precision,
                "--calibration", data.toString(), "--data", data.toString(), "--samples", "3", "--out", out.toString(),
                "--no-progress");
        assertThat(r.code()).as("stdout %s%nstderr %s", r.out(), r.err()).isZero();
        assertThat(r.out()).contains("bit-exact with the simulator");
        JsonNode j = new ObjectMapper().readTree(Files.readString(out.resolve("report.json")));
        assertThat(j.get("bit_exact").asBoolean()).isTrue();
        assertThat(j.get("samples").asInt()).isEqualTo(3);
    }
}
