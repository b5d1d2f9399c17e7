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
    void buildReportsTheFilesContractsAndBuildsTheJavaTwinToo() throws IOException {
        Path c = tmp.resolve("c");
        Result r = CliTest.run("build", SharedFiles.zoo("ad01", "ad01_int8.tflite").toString(), "--target", "cortex-m4",
                "--out", c.toString(), "--no-progress");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("41 contracts (0 violated), 10 accumulators (0 could overflow)").contains("verdict: PASS");
        JsonNode report = new ObjectMapper().readTree(c.resolve("report.json").toFile());
        assertThat(report.get("verdict").toString()).contains("contracts").contains("overflow proof").contains("fits the board");
        assertThat(report.get("quantization").get("options").get("source").asText()).isEqualTo("file");
        assertThat(java.nio.file.Files.readString(c.resolve(ReportHtml.FILE))).contains("Parameters from the file");
        Path j = tmp.resolve("j");
        Result twin = CliTest.run("build", SharedFiles.zoo("ad01", "ad01_int8.tflite").toString(), "--target", "java",
                "--out", j.toString(), "--no-progress");
        assertThat(twin.code()).as(twin.err()).isZero();
        assertThat(j.resolve("mcugen/generated/Ad01Int8.java")).exists();
    }

    /** The golden CSV {@code <case><middle>*.csv} of TFLite Micro's int16x8 tests, as integers. */
    private static int[] csv(Path seanet, String name, String middle) throws IOException {
        Path dir = seanet.resolve(name).getParent();
        String prefix = seanet.resolve(name).getFileName() + middle;
        try (var files = java.nio.file.Files.list(dir)) {
            Path f = files.filter(p -> p.getFileName().toString().startsWith(prefix)).findFirst().orElseThrow();
            return java.util.Arrays.stream(java.nio.file.Files.readString(f).trim().split(",")).map(String::trim)
                    .mapToInt(Integer::parseInt).toArray();
        }
    }

    @Test
    void int16x8GoldensRunOnCortexM4AndSimulateToTflitesValues() throws IOException {
        Path seanet = SharedFiles.shared("tflite-goldens/seanet");
        for (String name : java.util.List.of("conv/conv3", "add/add0")) {
            Path model = seanet.resolve(name + ".tflite");
            dev.mcugen.ir.quant.QGraph g = dev.mcugen.ir.tflite.TfliteImporter.loadQuantized(model).orElseThrow();
            java.util.List<String> data = new java.util.ArrayList<>();
            for (int k = 0; k < g.inputs().size(); k++) {
                java.util.List<Integer> shape = new java.util.ArrayList<>(java.util.List.of(1));
                shape.addAll(g.inputs().get(k).shape().dims());
                Path f = tmp.resolve(name.replace('/', '_') + "_in" + k + ".npy");
                Npy.write(f, NpyArray.ofInts(NpyDtype.INT16, shape, csv(seanet, name, "_input" + k + "_")));
                data.add("--data");
                data.add(f.toString());
            }
            Path y = tmp.resolve(name.replace('/', '_') + "_y.npy");
            java.util.List<String> sim = new java.util.ArrayList<>(java.util.List.of("simulate", model.toString()));
            sim.addAll(data);
            sim.addAll(java.util.List.of("--raw", "--out", y.toString(), "--no-progress"));
            Result s = CliTest.run(sim.toArray(String[]::new));
            assertThat(s.code()).as(s.err()).isZero();
            assertThat(Npy.read(y).toIntArray()).as(name).isEqualTo(csv(seanet, name, "_golden_"));
            java.util.List<String> verify = new java.util.ArrayList<>(java.util.List.of("verify", model.toString()));
            verify.addAll(data);
            verify.addAll(java.util.List.of("--target", "cortex-m4", "--samples", "1", "--out",
                    tmp.resolve(name.replace('/', '_') + "_m4").toString(), "--no-progress"));
            Result r = CliTest.run(verify.toArray(String[]::new));
            assertThat(r.code()).as(r.out() + r.err()).isZero();
            assertThat(r.out()).contains("on cortex-m4").contains("bit-exact with the simulator");
        }
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
    void compareMeasuresTheFileAgainstItsWeightsDequantized() {
        Result r = CliTest.run("simulate", SharedFiles.zoo("hello_world", "hello_world_int8.tflite").toString(), "--data",
                SharedFiles.zoo("hello_world", "test.npy").toString(), "--compare", "--out", tmp.resolve("c.npy").toString(),
                "--no-progress");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("float reference: ").contains("hello_world_int8.tflite dequantized")
                .containsPattern("vs float: on \\d+ samples, max \\|err\\| [0-9.e-]+, RMSE [0-9.e-]+, SQNR [0-9.]+ dB");
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
