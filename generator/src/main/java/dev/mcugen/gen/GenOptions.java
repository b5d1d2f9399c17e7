package dev.mcugen.gen;

import java.util.List;

/**
 * What the generator needs besides the quantized model.
 *
 * @param id      C identifier prefix of every generated name ({@code <id>_invoke}, ...)
 * @param banner  extra banner lines (model source hash, options), printed as given
 * @param budget  the memory of the board the code is for, or null (no check)
 */
public record GenOptions(String id, List<String> banner, Budget budget) {
    public GenOptions {
        if (!id.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("'" + id + "' is not a C identifier");
        }
        banner = List.copyOf(banner);
    }

    /** Options without a memory budget. */
    public GenOptions(String id, List<String> banner) {
        this(id, banner, null);
    }

    /**
     * A board's memory: the generator refuses a model whose context (arena and state) plus the
     * board's stack reserve exceeds {@code ramBytes}, or whose constants exceed {@code flashBytes}.
     *
     * @param where        the board and target, for the message (e.g. "cortex-m0 (microbit)")
     * @param flashBytes   flash
     * @param ramBytes     RAM
     * @param stackBytes   the stack the board keeps free in RAM
     */
    public record Budget(String where, long flashBytes, long ramBytes, long stackBytes) {
    }
}
