package dev.mcugen.cli;

import dev.mcugen.compiler.CompilePipeline;
import dev.mcugen.ir.ImportedModel;
import dev.mcugen.ir.data.InputData;
import dev.mcugen.ir.interp.Batch;
import dev.mcugen.scale.QuantizedModel;
import java.nio.file.Path;

/** Calibrate and quantize, as {@code build}, {@code verify} and {@code simulate --mode fixed} do (CompilePipeline.quantize). */
final class Quantize {
    private Quantize() {
    }

    static QuantizedModel run(ImportedModel original, Path modelFile, QuantizationOptions quant, CommonOptions common) {
        // The inputs of the folded graph are the original's: the data reads against either.
        Batch cal = InputData.read(original, quant.calibrationFiles(modelFile));
        try (ProgressBar bar = new ProgressBar("calibrating", !common.noProgress)) {
            return CompilePipeline.quantize(original.graph(), cal, quant.toOptions(), bar::update);
        }
    }
}
