package dev.mcugen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcugen.cli.CliTest.Result;
import dev.mcugen.ir.SharedFiles;
import dev.mcugen.ir.npy.Npy;
import dev.mcugen.ir.npy.NpyArray;
import dev.mcugen.ir.npy.NpyDtype;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A quantized int8 {@code .tflite} through the command line, as a user runs it: {@code simulate --raw}
 * writes TFLite Micro's own integers (no --mode, no --calibration), float data is quantized with the
 * input's parameters, and {@code verify} proves the C bit-exact with the simulator on host and
 * cortex-m4, its report saying the parameters came from the file.
 */
class QuantizedTfliteCliTest {
    @TempDir
    Path tmp;

    @Test
    void simulateRawWritesTfliteMicrosIntegers() {
        Path model = SharedFiles.zoo("hello_world", "hello_world_int8.tflite");
        Path out = tmp.resolve("o.npy");
        Result r = CliTest.run("simulate", model.toString(), "--data", SharedFiles.zoo("hello_world", "test_int8.npy").toString(),
                "--raw", "--out", out.toString(), "--no-progress");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("from the file");
        NpyArray got = Npy.read(out);
        NpyArray want = Npy.read(SharedFiles.zoo("hello_world", "expected_tflm_int8.npy"));
        assertThat(got.dtype()).isEqualTo(NpyDtype.INT8);
        assertThat(got.shape()).isEqualTo(want.shape());
        assertThat(got.toIntArray()).isEqualTo(want.toIntArray());
    }

    @Test
    void floatDataIsQuantizedWithTheInputsParameters() {
        // ResNet-8's input has scale 1 and zero point -128: the float pixels quantize to test_int8.npy exactly
        Path model = SharedFiles.zoo("resnet8", "pretrainedResnet_quant.tflite");
        Path out = tmp.resolve("r.npy");
        Result r = CliTest.run("simulate", model.toString(), "--data", SharedFiles.zoo("resnet8", "test.npy").toString(),
                "--mode", "fixed", "--raw", "--out", out.toString(), "--no-progress");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("mcugen: note: ").contains("is float data; quantized with the scale 1.0 and zero point -128");
        assertThat(Npy.read(out).toIntArray()).isEqualTo(Npy.read(SharedFiles.zoo("resnet8", "expected_tflm_int8.npy")).toIntArray());
    }

    @Test
    void buildWritesTheCWithoutCalibration() throws IOException {
        Path out = tmp.resolve("b");
        Result r = CliTest.run("build", SharedFiles.zoo("ad01", "ad01_int8.tflite").toString(), "--target", "cortex-m4",
                "--out", out.toString(), "--no-progress");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("parameters from the file");
        assertThat(out.resolve("ad01_int8.c")).exists();
        assertThat(java.nio.file.Files.readString(out.resolve("ad01_int8.c"))).contains("parameters: the file's own scales");
        JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
        assertThat(report.get("parameters").asText()).startsWith("from the file");
        assertThat(report.get("layers").asInt()).isEqualTo(10);
    }

    @Test
    void floatModeIsRefusedForAQuantizedFile() {
        Result r = CliTest.run("simulate", SharedFiles.zoo("hello_world", "hello_world_int8.tflite").toString(), "--data",
                SharedFiles.zoo("hello_world", "test_int8.npy").toString(), "--mode", "float", "--out",
                tmp.resolve("f.npy").toString(), "--no-progress");
        assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("MCG_CLI_USAGE").contains("quantized .tflite");
    }

    @Test
    void verifyIsBitExactOnHostAndCortexM4WithTheFilesParameters() throws IOException {
        for (Map.Entry<String, String> e : Map.of("host", "ad01", "cortex-m4", "hello_world").entrySet()) {
            String dir = e.getValue();
            Path model = SharedFiles.zoo(dir, dir.equals("ad01") ? "ad01_int8.tflite" : "hello_world_int8.tflite");
            Path out = tmp.resolve("v-" + e.getKey());
            Result r = CliTest.run("verify", model.toString(), "--data",
                    SharedFiles.zoo(dir, "test_int8.npy").toString(), "--target", e.getKey(), "--samples", "3", "--out",
                    out.toString(), "--no-progress");
            assertThat(r.code()).as(r.out() + r.err()).isZero();
            assertThat(r.out()).contains("3 sample(s)").contains("bit-exact with the simulator")
                    .contains("parameters: from the file");
            JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
            assertThat(report.get("bit_exact").asBoolean()).isTrue();
            assertThat(report.get("samples").asInt()).isEqualTo(3);
            assertThat(report.get("parameters").asText()).startsWith("from the file");
        }
    }
}
