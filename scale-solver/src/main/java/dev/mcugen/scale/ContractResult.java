package dev.mcugen.scale;

/**
 * How a contract came out: {@code HELD} exactly, {@code ROUNDED} (holds up to the relative
 * {@code residual}, e.g. a product scale realized by an integer multiplier), or {@code VIOLATED}
 * ({@code detail} says why and what was done instead).
 */
public record ContractResult(Contract contract, Status status, double residual, String detail) {
    /** Outcome of one contract. */
    public enum Status { HELD, ROUNDED, VIOLATED }
}
