package dev.mcugen.compiler;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcugen.gen.GenOptions;
import dev.mcugen.ir.Diag;
import dev.mcugen.ir.McugenException;
import dev.mcugen.scale.QuantOptions;
import java.util.Locale;
import java.util.Optional;

/**
 * The board a build is for and the instruction set it compiles to, from {@code --board},
 * {@code --flash}, {@code --ram} and {@code --target}:
 * <ul>
 *   <li>{@code --board} alone: the board's core decides the target (cortex-m0 for a Cortex-M0+).</li>
 *   <li>{@code --board} and {@code --target}: the target must be one the core runs ({@link Core#runs});
 *       older code is accepted (cortex-m0 code on a Cortex-M4 part), newer or non-Cortex-M code is refused
 *       ({@link Diag#MCG_CLI_BOARD_TARGET}).</li>
 *   <li>{@code --flash} / {@code --ram} replace the board's figure, or describe a board of their own
 *       without {@code --board} (the figure not given is then the target's QEMU board's, or unlimited
 *       on host and neon).</li>
 *   <li>none of them: the QEMU board {@code verify} runs the target on ({@link Boards}), as before.</li>
 * </ul>
 *
 * @param target     the instruction set the C is compiled for
 * @param name       the board's name ({@code --board}, "custom" for --flash/--ram alone, or the QEMU machine)
 * @param part       what the board is, for messages and reports
 * @param core       the board's core, or null when unknown (--flash/--ram without --board)
 * @param flashBytes flash for code and constants
 * @param ramBytes   RAM
 * @param stackBytes the stack kept free in RAM on top of the model's context
 * @param source     where the figures come from
 * @param emulated   true when this is the QEMU board of the target (no --board, --flash or --ram)
 * @param note       what to know about the figures (external flash, split RAM), or ""
 */
public record TargetBoard(QuantOptions.Target target, String name, String part, Core core, long flashBytes,
                          long ramBytes, long stackBytes, String source, boolean emulated, String note) {

    /**
     * Resolves the options; returns empty when none applies a budget (host or neon without
     * {@code --flash}/{@code --ram}).
     *
     * @param board  {@code --board} or null
     * @param flash  {@code --flash} as typed, or null
     * @param ram    {@code --ram} as typed, or null
     * @param target {@code --target} when given, else null
     * @throws McugenException {@link Diag#MCG_CLI_UNKNOWN_BOARD}, {@link Diag#MCG_CLI_BOARD_TARGET}, or
     *                         {@link Diag#MCG_CLI_USAGE} for a bad size
     */
    public static Optional<TargetBoard> resolve(String board, String flash, String ram, QuantOptions.Target target) {
        Long flashBytes = flash == null ? null : MemorySize.parse(flash, "--flash");
        Long ramBytes = ram == null ? null : MemorySize.parse(ram, "--ram");
        String overridden = (flash != null ? "; flash from --flash " + flash.strip() : "")
                + (ram != null ? "; RAM from --ram " + ram.strip() : "");
        if (board != null) {
            BoardCatalog.Board b = BoardCatalog.board(board);
            QuantOptions.Target t = target == null ? b.core().target() : target;
            if (!b.core().runs(t)) {
                String arch = Core.architectureName(t).map(a -> " (" + a + ")").orElse("");
                throw new McugenException(Diag.MCG_CLI_BOARD_TARGET, "--target " + t.cliName(),
                        "code for " + t.cliName() + arch + " cannot run on " + b.name() + "'s " + b.core().label() + " ("
                                + b.core().architecture() + "); leave --target out (" + b.core().target().cliName()
                                + ") or give an older Cortex-M target its core runs");
            }
            return Optional.of(new TargetBoard(t, b.name(), b.part(), b.core(),
                    flashBytes != null ? flashBytes : b.flashBytes(), ramBytes != null ? ramBytes : b.ramBytes(),
                    BoardCatalog.STACK_RESERVE_BYTES, b.source() + overridden, false, b.note()));
        }
        QuantOptions.Target t = target == null ? QuantOptions.Target.HOST : target;
        Optional<Boards.Memory> qemu = Boards.memory(t);
        if (flashBytes == null && ramBytes == null) {
            return qemu.map(m -> new TargetBoard(t, m.board(), "the QEMU board verify runs " + t.cliName() + " on",
                    Core.valueOf(t.name()), m.flashBytes(), m.ramBytes(), m.stackBytes(),
                    "mcugen's link script for QEMU machine " + m.board(), true, ""));
        }
        long f = flashBytes != null ? flashBytes : qemu.map(Boards.Memory::flashBytes).orElse(Long.MAX_VALUE);
        long r = ramBytes != null ? ramBytes : qemu.map(Boards.Memory::ramBytes).orElse(Long.MAX_VALUE);
        return Optional.of(new TargetBoard(t, "custom", "a board given by --flash/--ram", null, f, r,
                BoardCatalog.STACK_RESERVE_BYTES, overridden.substring(2)
                        + qemu.map(m -> "; the rest from QEMU board " + m.board()).orElse(""), false, ""));
    }

    /** The budget the generator checks the model against; the message names the board. */
    public GenOptions.Budget budget() {
        return new GenOptions.Budget(where(), flashBytes, ramBytes, stackBytes);
    }

    /** The board as a message names it, e.g. "board rp2040 (RP2040 on ..., Cortex-M0+)". */
    public String where() {
        if (emulated) {
            return target.cliName() + " (QEMU board " + name + ")";
        }
        return "board " + label();
    }

    /** The board's name with its part and core, e.g. "rp2040 (RP2040 on ..., Cortex-M0+)". */
    public String label() {
        return name + " (" + part + (core != null ? ", " + core.label() : "") + ")";
    }

    /** One line for the banner of the generated files. */
    public String bannerLine() {
        return String.format(Locale.ROOT, "board: %s, %s flash, %s RAM", label(), size(flashBytes), size(ramBytes));
    }

    /** The {@code board} section of report.json. */
    public void into(ObjectNode o) {
        o.put("name", name);
        o.put("part", part);
        if (core != null) {
            o.put("core", core.label());
            o.put("architecture", core.architecture());
        } else {
            o.putNull("core");
            o.putNull("architecture");
        }
        o.put("target", target.cliName());
        putSize(o, "flash_bytes", flashBytes);
        putSize(o, "ram_bytes", ramBytes);
        o.put("stack_reserve_bytes", stackBytes);
        o.put("source", source);
        o.put("emulated", emulated);
        o.put("note", note);
    }

    private static void putSize(ObjectNode o, String key, long v) {
        if (v == Long.MAX_VALUE) {
            o.putNull(key);
        } else {
            o.put(key, v);
        }
    }

    private static String size(long v) {
        return v == Long.MAX_VALUE ? "unlimited" : MemorySize.format(v);
    }
}
