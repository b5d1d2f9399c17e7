package dev.mcugen.cli;

import dev.mcugen.ir.Graph;
import dev.mcugen.ir.data.InputData;
import dev.mcugen.ir.interp.Batch;
import dev.mcugen.qemu.ModelPipeline;
import dev.mcugen.scale.QuantizedModel;
import java.nio.file.Path;

/** Calibrate and quantize, as {@code build} and {@code simulate --mode fixed} both do (ModelPipeline.quantize). */
final class Quantize {
    private Quantize() {
    }

    static QuantizedModel run(Graph original, Path modelFile, QuantizationOptions quant, CommonOptions common) {
        // The inputs of the folded graph are the original's: the data reads against either.
        Batch cal = InputData.read(original, quant.calibrationFiles(modelFile));
        try (ProgressBar bar = new ProgressBar("calibrating", !common.noProgress)) {
            return ModelPipeline.quantize(original, cal, quant.toOptions(), bar::update);
        }
    }
}
