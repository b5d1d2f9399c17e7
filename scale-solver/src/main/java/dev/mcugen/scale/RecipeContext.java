package dev.mcugen.scale;

import dev.mcugen.ir.Graph;
import dev.mcugen.ir.calib.CalibrationResult;
import dev.mcugen.ir.calib.TensorRange;

/**
 * What a recipe sees while declaring: the float graph, the calibrated ranges (tensor names as the
 * float interpreter reports them: node outputs, model inputs, {@code layer/internal} for recurrent
 * internals), the options, and the contract system to declare into.
 */
public record RecipeContext(Graph graph, CalibrationResult calibration, QuantOptions options, ContractSystem system) {
    /** The calibrated range of {@code tensor}. */
    public TensorRange range(String tensor) {
        return calibration.range(tensor);
    }
}
