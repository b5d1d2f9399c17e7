package dev.mcugen.compiler;

import dev.mcugen.gen.GenOptions;
import dev.mcugen.scale.QuantOptions;
import java.util.Optional;

/**
 * The QEMU board each {@code --target} stands for: what {@code verify} runs it on, and what
 * {@code build} checks that a model fits when no board is named ({@code --board}, {@code --flash},
 * {@code --ram}: {@link TargetBoard}). The figures are the memory the boards' linker scripts
 * ({@code qemu-tests/boards/*.ld}) give the program; each board's core is the target's ({@link Core}).
 */
public final class Boards {
    private Boards() {
    }

    /**
     * The memory of a target's board.
     *
     * @param board       the QEMU machine
     * @param flashBytes  flash (code and constants)
     * @param ramBytes    RAM (data, bss and the stack)
     * @param stackBytes  the stack the linker script keeps free above .bss
     */
    public record Memory(String board, long flashBytes, long ramBytes, long stackBytes) {
    }

    /** The board memory of a Cortex-M target; empty for host and neon (no fixed budget). */
    public static Optional<Memory> memory(QuantOptions.Target target) {
        return switch (target) {
            // BBC micro:bit (nRF51822): 256 KiB flash, 16 KiB RAM.
            case CORTEX_M0 -> Optional.of(new Memory("microbit", 256 * 1024, 16 * 1024, 2 * 1024));
            // Arm MPS2 FPGA images AN385 / AN386 / AN500: 4 MiB of code and of data memory each.
            case CORTEX_M3 -> Optional.of(new Memory("mps2-an385", 4 * 1024 * 1024, 4 * 1024 * 1024, 64 * 1024));
            case CORTEX_M4 -> Optional.of(new Memory("mps2-an386", 4 * 1024 * 1024, 4 * 1024 * 1024, 64 * 1024));
            case CORTEX_M7 -> Optional.of(new Memory("mps2-an500", 4 * 1024 * 1024, 4 * 1024 * 1024, 64 * 1024));
            // AN505 (Cortex-M33): ZBT SSRAM1 for code, SSRAM2+3 for data, 4 MiB each, as on AN385/386/500.
            case CORTEX_M33 -> Optional.of(new Memory("mps2-an505", 4 * 1024 * 1024, 4 * 1024 * 1024, 64 * 1024));
            // AN547 (Cortex-M55, MPS3): the 2 MiB code SRAM (the vector table sits apart in the ITCM)
            // and the SSE-300's 4 MiB internal SRAM for data.
            case CORTEX_M55 -> Optional.of(new Memory("mps3-an547", 2 * 1024 * 1024, 4 * 1024 * 1024, 64 * 1024));
            case HOST, NEON, JAVA -> Optional.empty();
        };
    }

    /** The memory budget the generator checks a model against on {@code target}, or null (no fixed budget). */
    public static GenOptions.Budget budget(QuantOptions.Target target) {
        return memory(target)
                .map(m -> new GenOptions.Budget(target.cliName() + " (QEMU board " + m.board() + ")", m.flashBytes(),
                        m.ramBytes(), m.stackBytes()))
                .orElse(null);
    }

    /**
     * The QEMU machine to run {@code code}'s program on: the target's own board when the program
     * fits it, else the first other Cortex-M board (in {@code --target} order) whose core runs that
     * code ({@link Core#runs}: an Armv6-M program runs on the Cortex-M3 of mps2-an385) and whose
     * memory holds it. Empty for host and neon, and when nothing emulated holds the program.
     *
     * @param code         the target the program is compiled for
     * @param flashBytes   the flash the program needs at least (the model's constants and the embedded samples)
     * @param contextBytes the RAM the model's context takes (each board adds its stack)
     */
    public static Optional<QuantOptions.Target> emulatorFor(QuantOptions.Target code, long flashBytes,
                                                            long contextBytes) {
        if (memory(code).isEmpty()) {
            return Optional.empty();
        }
        java.util.List<QuantOptions.Target> order = new java.util.ArrayList<>(java.util.List.of(code));
        for (QuantOptions.Target t : QuantOptions.Target.values()) {
            if (t != code && memory(t).isPresent() && Core.valueOf(t.name()).runs(code)) {
                order.add(t);
            }
        }
        return order.stream().filter(t -> memory(t).map(m -> flashBytes <= m.flashBytes()
                && contextBytes + m.stackBytes() <= m.ramBytes()).orElse(false)).findFirst();
    }
}
