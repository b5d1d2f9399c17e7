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
 * {@code mcugen verify} of the data-movement layers and transposed convolutions, int8 and int16, per
 * tensor and per channel, on the host and under QEMU on a Cortex-M4: the generated C equals the
 * simulator bit for bit. TF.js fixtures (int8 on the host is covered for every fixture by
 * {@link FixtureVerifyTest}) and PyTorch ONNX fixtures with NCHW data.
 */
class ShapeOpsVerifyTest {
    @TempDir
    Path tmp;

    @Execution(ExecutionMode.CONCURRENT) // cases one per processor, the class alone (junit-platform.properties)
    @ParameterizedTest(name = "{0} {1} {2} per-channel {3}")
    @CsvSource({
        "tfjs/conv2d_transpose_s2_same, host, int16, false",
        "tfjs/zero_padding2d, host, int16, true",
        "tfjs/repeat_vector, host, int16, false",
        "tfjs/conv2d_transpose_s2_valid, cortex-m4, int8, true",
        "tfjs/upsampling2d, cortex-m4, int16, false",
        "tfjs/permute, cortex-m4, int8, false",
        "onnx/strided_pad, host, int8, false",
        "onnx/conv_transpose, cortex-m4, int16, true",
        "onnx/pad, host, int16, false",
        "onnx/upsample, host, int8, true",
    })
    void verifiesBitExact(String fixture, String target, String precision, boolean perChannel) throws IOException {
        VerifyCommandTest.requireTools(Target.valueOf(target.toUpperCase().replace('-', '_')));
        Path res = CliTest.ROOT.resolve("ir/src/test/resources");
        Path model;
        Path data;
        if (fixture.startsWith("tfjs/")) {
            model = res.resolve(fixture).resolve("model.json");
            data = res.resolve(fixture).resolve("input.npy");
        } else {
            String name = fixture.substring("onnx/".length());
            model = res.resolve("onnx").resolve(name + "_op17.onnx");
            data = res.resolve("onnx").resolve(name + "_x.npy");
        }
        Path out = tmp.resolve("out");
        List<String> args = new ArrayList<>(List.of("verify", model.toString(), "--target", target, "--data",
                data.toString(), "--calibration", data.toString(), "--samples", "2", "--precision", precision, "--out",
                out.toString(), "--no-progress"));
        if (perChannel) {
            args.add("--per-channel");
        }
        CliTest.Result r = CliTest.run(args.toArray(String[]::new));
        assertThat(r.code()).as("stdout %s%nstderr %s", r.out(), r.err()).isZero();
        assertThat(r.out()).contains("bit-exact with the simulator");
        JsonNode j = new ObjectMapper().readTree(Files.readString(out.resolve("report.json")));
        assertThat(j.get("bit_exact").asBoolean()).isTrue();
    }
}
