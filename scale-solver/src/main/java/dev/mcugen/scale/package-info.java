/**
 * Quantization (DESIGN §4, §5; seeds 000 and 001): from a float graph and its calibration to an
 * integer graph whose every parameter is fixed offline.
 *
 * <ol>
 *   <li>{@link dev.mcugen.scale.Quantizer} asks each node's {@link dev.mcugen.scale.Recipe}
 *       ({@link dev.mcugen.scale.Recipes}: {@code ff} and {@code recurrent} sub-packages) to declare
 *       its tensors ({@link dev.mcugen.scale.TensorSpec}) and the {@link dev.mcugen.scale.Contract}s
 *       between them into a {@link dev.mcugen.scale.ContractSystem};</li>
 *   <li>{@link dev.mcugen.scale.HeuristicSolver} fixes every tensor's type with the rules of
 *       {@link dev.mcugen.scale.ScaleRules} and reports each contract held / rounded / violated
 *       ({@link dev.mcugen.scale.Solution});</li>
 *   <li>the recipes lower each node to integer ops, turning real factors into
 *       {@link dev.mcugen.scale.EffectiveScale}s and proving their accumulators safe with
 *       {@link dev.mcugen.scale.OverflowProof};</li>
 *   <li>{@link dev.mcugen.scale.ContractReport} writes all of it as the "quantization" section of
 *       report.json.</li>
 * </ol>
 */
package dev.mcugen.scale;
