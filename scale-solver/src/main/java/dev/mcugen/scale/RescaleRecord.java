package dev.mcugen.scale;

/**
 * One effective scale a recipe fixed while lowering, for the report: which layer, what it rescales
 * (e.g. "output", "input_gate/x", "hidden"), and its integers with their residual.
 */
public record RescaleRecord(String layer, String name, EffectiveScale scale) {
}
