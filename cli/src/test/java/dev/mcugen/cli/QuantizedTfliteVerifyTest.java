package dev.mcugen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcugen.cli.CliTest.Result;
import dev.mcugen.ir.SharedFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code verify} on a quantized {@code .tflite} with everything it does for other models: several
 * targets with the summary table, --board, --junit, the verdict with the file's contracts, report.html
 * with the file's parameters per layer, and the accuracy against the float model given with
 * {@code --float-model} and its thresholds.
 */
class QuantizedTfliteVerifyTest {
    @TempDir
    Path tmp;

    private static String zoo(String dir, String file) {
        return SharedFiles.zoo(dir, file).toString();
    }

    @Test
    void severalTargetsWithFloatModelJunitAndReports() throws IOException {
        Path out = tmp.resolve("v");
        Path junit = tmp.resolve("ci.xml");
        Result r = CliTest.run("verify", zoo("hello_world", "hello_world_int8.tflite"), "--data", zoo("hello_world", "test.npy"),
                "--float-model", zoo("hello_world", "hello_world_float.tflite"), "--target", "host,cortex-m4", "--samples", "2",
                "--min-sqnr", "10", "--junit", junit.toString(), "--out", out.toString(), "--no-progress");
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("[host] parameters: from the file").contains("[cortex-m4] vs float: on 2 samples")
                .contains("2 of 2 target(s) passed");
        for (String t : new String[] {"host", "cortex-m4"}) {
            JsonNode rep = new ObjectMapper().readTree(out.resolve(t).resolve("report.json").toFile());
            assertThat(rep.get("verdict").get("status").asText()).isEqualTo("PASS");
            assertThat(rep.get("float_reference").asText()).endsWith("hello_world_float.tflite");
            // the float model and the file agree closely: the dequantized sine is within a few steps
            assertThat(rep.get("metrics").get("sqnr_db").asDouble()).isGreaterThan(10);
            assertThat(rep.get("accuracy_thresholds").get(0).get("met").asBoolean()).isTrue();
            JsonNode q = rep.get("quantization");
            assertThat(q.get("options").get("source").asText()).isEqualTo("file");
            assertThat(q.get("summary").get("violated").asInt()).isZero();
            // 3 FULLY_CONNECTED layers: a bias-scale contract and an accumulator each
            assertThat(q.get("accumulators")).hasSize(3);
            assertThat(rep.get("verdict").toString()).contains("contracts").contains("overflow proof");
            String html = Files.readString(out.resolve(t).resolve(ReportHtml.FILE));
            assertThat(html).contains("Parameters from the file").contains("FULLY_CONNECTED").contains("Error vs float");
        }
        JsonNode cm4 = new ObjectMapper().readTree(out.resolve("cortex-m4").resolve("report.json").toFile());
        assertThat(cm4.get("verdict").toString()).contains("fits the board");
        String xml = Files.readString(junit);
        assertThat(xml).contains("mcugen.verify.host.hello_world_int8").contains("mcugen.verify.cortex-m4.hello_world_int8")
                .contains("--min-sqnr 10").doesNotContain("<failure");
    }

    @Test
    void aFileWithFloatIoTakesFloatDataAndItsCStaysFloatFree() throws IOException {
        // float32 input -> QUANTIZE -> ... -> DEQUANTIZE -> float32 output, as TFLite's converter writes by default
        Path dir = CliTest.ROOT.resolve("ir/src/test/resources/tflite-quant/float_io");
        Path y = tmp.resolve("y.npy");
        Result s = CliTest.run("simulate", dir.resolve("model.tflite").toString(), "--data", dir.resolve("input.npy").toString(),
                "--out", y.toString(), "--no-progress");
        assertThat(s.code()).as(s.err()).isZero();
        // the dequantized outputs are the file's float outputs, as Arm NN computes them from the same file
        assertThat(dev.mcugen.ir.npy.Npy.read(y).toFloatArray())
                .isEqualTo(dev.mcugen.ir.npy.Npy.read(dir.resolve("expected_armnn.npy")).toFloatArray());
        Path out = tmp.resolve("fio");
        Result r = CliTest.run("verify", dir.resolve("model.tflite").toString(), "--data", dir.resolve("input.npy").toString(),
                "--target", "host", "--samples", "3", "--name", "fio", "--out", out.toString(), "--no-progress");
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("3 sample(s) x 3 outputs bit-exact with the simulator");
        String h = Files.readString(out.resolve("fio.h"));
        // the header says how the caller quantizes and dequantizes, with the parameters it defines
        assertThat(h).contains("float I/O: the file takes and returns float32 through its QUANTIZE and DEQUANTIZE ops")
                .contains("#define FIO_INPUT_ZERO_POINT -5").contains("#define FIO_OUTPUT_ZERO_POINT 7")
                .contains("typedef int8_t fio_input_t;");
        assertThat(VerifyCommand.floatTokens(new java.util.TreeMap<>(java.util.Map.of("fio.h", h.getBytes(),
                "fio.c", Files.readAllBytes(out.resolve("fio.c")))))).isEmpty();
    }

    @Test
    void requantizeQuantizesTheDequantizedWeightsWithMcugensRecipeAndReportsBoth() throws IOException {
        Path out = tmp.resolve("rq");
        Result r = CliTest.run("verify", zoo("hello_world", "hello_world_int8.tflite"), "--requantize", "--data",
                zoo("hello_world", "test.npy"), "--target", "host", "--samples", "3", "--out", out.toString(), "--no-progress");
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("bit-exact with the simulator").contains("vs float: on 3 samples")
                .contains("the file's own parameters vs float: SQNR");
        JsonNode rep = new ObjectMapper().readTree(out.resolve("report.json").toFile());
        // mcugen's own quantization (calibrated on calibration.npy beside the file), not the file's
        assertThat(rep.get("quantization").get("options").get("precision").asText()).isEqualTo("int8");
        assertThat(rep.get("quantization").get("options").has("source")).isFalse();
        assertThat(rep.get("calibration").get("samples").asInt()).isPositive();
        assertThat(rep.get("metrics").get("sqnr_db").asDouble()).isGreaterThan(10);
        assertThat(rep.get("file_parameters_vs_float").get("metrics").get("sqnr_db").asDouble()).isGreaterThan(10);

        Result floatFile = CliTest.run("verify", zoo("hello_world", "hello_world_float.tflite"), "--requantize", "--data",
                zoo("hello_world", "test.npy"), "--target", "host", "--out", tmp.resolve("rf").toString(), "--no-progress");
        assertThat(floatFile.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(floatFile.err()).contains("MCG_CLI_USAGE").contains("--requantize");
        Result both = CliTest.run("verify", zoo("hello_world", "hello_world_int8.tflite"), "--requantize", "--float-model",
                zoo("hello_world", "hello_world_float.tflite"), "--data", zoo("hello_world", "test.npy"), "--target", "host",
                "--out", tmp.resolve("rb").toString(), "--no-progress");
        assertThat(both.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(both.err()).contains("MCG_CLI_USAGE").contains("--float-model");
    }

    @Test
    void aThresholdNotMetExitsSixWithTheReportsWritten() {
        Path out = tmp.resolve("t");
        Result r = CliTest.run("verify", zoo("hello_world", "hello_world_int8.tflite"), "--data", zoo("hello_world", "test.npy"),
                "--float-model", zoo("hello_world", "hello_world_float.tflite"), "--target", "host", "--samples", "2",
                "--min-sqnr", "90", "--out", out.toString(), "--no-progress");
        assertThat(r.code()).isEqualTo(ExitCodes.ACCURACY);
        assertThat(r.err()).contains("MCG_VERIFY_ACCURACY").contains("below --min-sqnr 90");
        assertThat(out.resolve("report.json")).exists();
        assertThat(out.resolve(ReportHtml.FILE)).exists();
    }

    @Test
    void withoutAFloatModelTheFileDequantizedIsTheReference() throws IOException {
        Path out = tmp.resolve("dq");
        Result r = CliTest.run("verify", zoo("hello_world", "hello_world_int8.tflite"), "--data", zoo("hello_world", "test.npy"),
                "--target", "host", "--samples", "3", "--min-sqnr", "20", "--out", out.toString(), "--no-progress");
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("float reference: ").contains("hello_world_int8.tflite dequantized")
                .contains("vs float: on 3 samples");
        JsonNode rep = new ObjectMapper().readTree(out.resolve("report.json").toFile());
        assertThat(rep.get("float_reference").asText()).contains("dequantized");
        // the file's own weights in float32: only the activations' quantization is measured
        assertThat(rep.get("metrics").get("sqnr_db").asDouble()).isGreaterThan(20);
    }

    @Test
    void thresholdsNeedAFloatModelWhenTheFileDequantizedIsNotOne() throws IOException {
        // TFLite's int16x8 STRIDED_SLICE golden: the integer kernel exists, the float importer's slice does not
        Path model = SharedFiles.shared("tflite-goldens/seanet/strided_slice/strided_slice0.tflite");
        dev.mcugen.ir.quant.QGraph g = dev.mcugen.ir.tflite.TfliteImporter.loadQuantized(model).orElseThrow();
        java.util.List<Integer> shape = new java.util.ArrayList<>(java.util.List.of(1));
        shape.addAll(g.inputs().get(0).shape().dims());
        Path x = tmp.resolve("x.npy");
        dev.mcugen.ir.npy.Npy.write(x, dev.mcugen.ir.npy.NpyArray.ofInts(dev.mcugen.ir.npy.NpyDtype.INT16, shape,
                new int[g.inputs().get(0).shape().size()]));
        Result r = CliTest.run("verify", model.toString(), "--data", x.toString(), "--target", "host", "--min-top1", "90",
                "--out", tmp.resolve("n").toString(), "--no-progress");
        assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("MCG_CLI_USAGE").contains("--float-model");
        Result plain = CliTest.run("verify", model.toString(), "--data", x.toString(), "--target", "host", "--out",
                tmp.resolve("p").toString(), "--no-progress");
        assertThat(plain.code()).as(plain.out() + plain.err()).isZero();
        assertThat(plain.out()).contains("vs float: not measured");
    }

    @Test
    void aFloatModelThatDoesNotFitIsRefused() {
        // another model's float file, then the quantized file itself
        for (String other : new String[] {zoo("ad01", "ad01_fp32.tflite"), zoo("hello_world", "hello_world_int8.tflite")}) {
            Result r = CliTest.run("verify", zoo("hello_world", "hello_world_int8.tflite"), "--data",
                    zoo("hello_world", "test.npy"), "--target", "host", "--float-model", other, "--out",
                    tmp.resolve("m").toString(), "--no-progress");
            assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.USAGE);
            assertThat(r.err()).contains("MCG_VERIFY_FLOAT_MODEL");
        }
    }

    @Test
    void calibrationIsRefusedUnlessRequantizing() {
        Result r = CliTest.run("verify", zoo("hello_world", "hello_world_int8.tflite"), "--data", zoo("hello_world", "test.npy"),
                "--calibration", zoo("hello_world", "calibration.npy"), "--target", "host", "--out", tmp.resolve("c").toString(),
                "--no-progress");
        assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("MCG_CLI_USAGE").contains("nothing to calibrate").contains("--requantize");
    }

    @Test
    void aFloatModelOptionForAFloatModelIsRefused() {
        Result r = CliTest.run("verify", zoo("hello_world", "hello_world_float.tflite"), "--data", zoo("hello_world", "test.npy"),
                "--target", "host", "--float-model", zoo("hello_world", "hello_world_float.tflite"), "--out",
                tmp.resolve("f").toString(), "--no-progress");
        assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("MCG_CLI_USAGE").contains("--float-model").contains("is for a quantized .tflite");
    }

    @Test
    void theJavaTwinRunsTheFilesIntegersBitExact() throws IOException {
        // the twin is built from the simulator's own kernels, TFLite's integer semantics included
        Path out = tmp.resolve("j");
        Result r = CliTest.run("verify", zoo("ad01", "ad01_int8.tflite"), "--data", zoo("ad01", "test.npy"), "--float-model",
                zoo("ad01", "ad01_fp32.tflite"), "--target", "java", "--samples", "2", "--out", out.toString(), "--no-progress");
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("ad01_int8 as Java").contains("2 sample(s) x 640 outputs bit-exact with the simulator")
                .contains("vs float: on 2 samples");
        JsonNode rep = new ObjectMapper().readTree(out.resolve("report.json").toFile());
        assertThat(rep.get("target").asText()).isEqualTo("java");
        assertThat(rep.get("verdict").get("status").asText()).isEqualTo("PASS");
        assertThat(rep.get("quantization").get("options").get("source").asText()).isEqualTo("file");
        assertThat(out.resolve("mcugen/generated/Ad01Int8.java")).exists();
    }

    @Test
    void aBoardTooSmallRefusesTheFileBeforeAnyRun() {
        Result r = CliTest.run("verify", zoo("hello_world", "hello_world_int8.tflite"), "--data", zoo("hello_world", "test.npy"),
                "--target", "cortex-m4", "--ram", "1K", "--out", tmp.resolve("b").toString(), "--no-progress");
        assertThat(r.code()).isEqualTo(ExitCodes.REJECTED);
        assertThat(r.err()).contains("MCG_GEN_TOO_BIG").contains("1,024 B");
        assertThat(tmp.resolve("b")).doesNotExist();
    }
}
