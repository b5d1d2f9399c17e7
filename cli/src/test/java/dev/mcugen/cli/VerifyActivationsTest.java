package dev.mcugen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcugen.qemu.Target;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code mcugen verify} of the PyTorch activation fixtures (LeakyReLU with a negative slope, ELU with
 * alpha 1 fused and 0.5 alone, SiLU, Hardswish, Hardsigmoid, PReLU per unit; and PReLU per channel of
 * an NCHW convolution, a shared PReLU and SiLU): the generated C equals the simulator bit for bit on a
 * QEMU board and on the host, int8 and int16, multiplier and shift-only rescales. Three samples each.
 */
class VerifyActivationsTest {
    static final Path ONNX = CliTest.ROOT.resolve("ir/src/test/resources/onnx");

    @TempDir
    Path tmp;

    @Execution(ExecutionMode.CONCURRENT) // cases one per processor, the class alone (junit-platform.properties)
    @ParameterizedTest(name = "{0} {1} {2} {3}")
    @CsvSource({
        "activations_op17, cortex-m0, int8, auto",
        "activations_op13, cortex-m4, int16, multiplier",
        "activations_op17, host, int8, pot",
        "prelu_conv_op13, host, int16, multiplier",
        "prelu_conv_op17, host, int8, multiplier",
    })
    void bitExact(String model, String target, String precision, String rescale) throws IOException {
        VerifyCommandTest.requireTools(Target.fromId(target));
        String data = ONNX.resolve(model.substring(0, model.lastIndexOf('_')) + "_x.npy").toString();
        Path out = tmp.resolve("out");
        List<String> args = new ArrayList<>(List.of("verify", ONNX.resolve(model + ".onnx").toString(), "--target", target,
                "--data", data, "--calibration", data, "--samples", "3", "--precision", precision, "--rescale", rescale,
                "--out", out.toString(), "--no-progress"));
        CliTest.Result r = CliTest.run(args.toArray(String[]::new));
        assertThat(r.code()).as("stdout %s%nstderr %s", r.out(), r.err()).isZero();
        assertThat(r.out()).contains("bit-exact with the simulator");
        JsonNode j = new ObjectMapper().readTree(Files.readString(out.resolve("report.json")));
        assertThat(j.get("bit_exact").asBoolean()).isTrue();
        String c = Files.readString(out.resolve(Files.list(out).map(p -> p.getFileName().toString())
                .filter(n -> n.endsWith(".c") && !n.equals("main.c")).findFirst().orElseThrow()));
        assertThat(c).contains("mcu_prelu_s" + precision.substring(3), "mcu_lut_s" + precision.substring(3));
    }
}
