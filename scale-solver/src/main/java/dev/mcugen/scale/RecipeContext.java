package dev.mcugen.scale;

import dev.mcugen.ir.Graph;
import dev.mcugen.ir.calib.CalibrationResult;
import dev.mcugen.ir.calib.TensorRange;

/**
 * What a recipe sees while declaring: the float graph, the calibrated ranges (tensor names as the
 * float interpreter reports them: node outputs, model inputs, {@code layer/internal} for recurrent
 * internals), the options, and the contract system to declare into.
 */
public record RecipeContext(Graph graph, CalibrationResult calibration, QuantOptions options, ContractSystem system,
                            dev.mcugen.ir.LearnedGrids grids) {
    /** A context for a model whose file states no learned weight grids. */
    public RecipeContext(Graph graph, CalibrationResult calibration, QuantOptions options, ContractSystem system) {
        this(graph, calibration, options, system, dev.mcugen.ir.LearnedGrids.NONE);
    }

    /** The calibrated range of {@code tensor}. */
    public TensorRange range(String tensor) {
        return calibration.range(tensor);
    }
}
