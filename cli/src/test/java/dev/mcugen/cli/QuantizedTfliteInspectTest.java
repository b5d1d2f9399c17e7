package dev.mcugen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcugen.cli.CliTest.Result;
import dev.mcugen.ir.SharedFiles;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code inspect} on a quantized {@code .tflite}: the file's parameters per layer and its contracts; {@code convert} refuses it. */
class QuantizedTfliteInspectTest {
    @TempDir
    Path tmp;

    @Test
    void inspectListsTheFilesParametersPerLayerWithContractsAndMemory() {
        Result r = CliTest.run("inspect", SharedFiles.zoo("resnet8", "pretrainedResnet_quant.tflite").toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("quantized TFLite").contains("input   input_1_int8 [32, 32, 3] int8 scale 1.0 zero point -128")
                .contains("parameters: from the file")
                // per-channel convolution weights: 16 filters along axis 0, symmetric
                .contains("int8 per-channel x16 (axis 0").contains("CONV_2D").contains("AVERAGE_POOL_2D").contains("SOFTMAX")
                .contains("output  Identity_int8 [10] int8 scale 0.00390625 zero point -128")
                .contains("contracts 49: 49 held (9 within float32 rounding), 0 violated")
                .contains("multipliers 337, all in [2^30, 2^31)")
                .contains("accumulators 16, all within their limit for any input (int32; int64 for 16x8 convolutions;"
                        + " least headroom 3 bits)")
                .doesNotContain("VIOLATED");
        // the last layer writes the caller's buffer; the others have their arena bytes
        assertThat(r.out()).contains("caller's");
    }

    @Test
    void inspectListsAFileTheCCannotRunYetWithoutItsMemory() {
        // TFLite's int16 -> int32 QUANTIZE golden: simulated, not yet in the C runtime
        Result r = CliTest.run("inspect", SharedFiles.shared("tflite-goldens/seanet/quantize/quantize0.tflite").toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("QUANTIZE").contains("memory  no C for this model yet").contains("MCG_GEN_UNSUPPORTED")
                .contains("contracts 2: 2 held, 0 violated; multipliers 0; accumulators 0");
    }

    @Test
    void inspectRefusesCalibrationForAQuantizedFile() {
        Result r = CliTest.run("inspect", SharedFiles.zoo("hello_world", "hello_world_int8.tflite").toString(), "--calibration",
                SharedFiles.zoo("hello_world", "test.npy").toString());
        assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("MCG_CLI_USAGE").contains("nothing to calibrate");
    }

    @Test
    void convertRefusesAQuantizedFileSayingWhy() {
        Result r = CliTest.run("convert", SharedFiles.zoo("hello_world", "hello_world_int8.tflite").toString(), "--out",
                tmp.resolve("g.json").toString());
        assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("MCG_CLI_USAGE").contains("graph JSON holds a float model").contains("mcugen inspect");
        assertThat(tmp.resolve("g.json")).doesNotExist();
    }
}
