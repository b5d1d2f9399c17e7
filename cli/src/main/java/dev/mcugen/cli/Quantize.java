package dev.mcugen.cli;

import dev.mcugen.ir.Graph;
import dev.mcugen.ir.calib.CalibrationResult;
import dev.mcugen.ir.calib.Calibrator;
import dev.mcugen.ir.data.InputData;
import dev.mcugen.ir.interp.Batch;
import dev.mcugen.scale.QuantizedModel;
import dev.mcugen.scale.Quantizer;
import dev.mcugen.scale.ff.BatchNormFolding;
import java.nio.file.Path;

/** Calibrate and quantize, as {@code build} and {@code simulate --mode fixed} both do. */
final class Quantize {
    private Quantize() {
    }

    static QuantizedModel run(Graph original, Path modelFile, QuantizationOptions quant, CommonOptions common) {
        // BatchNorm folds into the layer before it (DESIGN §4); the folded layer keeps the BN's name.
        Graph g = BatchNormFolding.fold(original);
        Batch cal = InputData.read(g, quant.calibrationFiles(modelFile));
        CalibrationResult ranges;
        try (ProgressBar bar = new ProgressBar("calibrating", !common.noProgress)) {
            ranges = new Calibrator(g).calibrate(cal, bar::update);
        }
        return Quantizer.quantize(g, ranges, quant.toOptions());
    }
}
