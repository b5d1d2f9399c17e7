package dev.mcugen.compiler;

import dev.mcugen.ir.Diag;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.Text;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The microcontrollers {@code --board} names: core, flash and RAM of common parts, each figure from
 * the vendor's data sheet (title and document number in {@link Board#source()}; docs/boards.md lists
 * the same). Parts without internal flash (RP2040, RP2350, i.MX RT1062) take the flash of one
 * well-known board built on them, named in {@link Board#part()}; {@code --flash} gives another.
 * RAM is the data sheet's total on-chip SRAM; where it is split into blocks the note says which, as
 * the arena must fit the block a linker script places it in ({@code --ram} gives that block).
 */
public final class BoardCatalog {
    private static final long K = 1024;
    private static final long M = 1024 * 1024;

    /**
     * The stack {@code build} keeps free in a catalog board's RAM on top of the model's context (the
     * micro:bit's link script keeps the same); {@code verify} measures what the model's code really
     * uses.
     */
    public static final long STACK_RESERVE_BYTES = 2 * K;

    private BoardCatalog() {
    }

    /**
     * A part of the catalog.
     *
     * @param name       the {@code --board} name, lower case
     * @param part       the part (and, for external flash, the board whose flash is counted)
     * @param core       the core the code runs on
     * @param flashBytes flash for code and constants
     * @param ramBytes   on-chip SRAM
     * @param source     the data sheets the figures come from (title and document number)
     * @param note       what a user should know about the figures (split RAM, external flash), or ""
     */
    public record Board(String name, String part, Core core, long flashBytes, long ramBytes, String source,
                        String note) {
    }

    private static final List<Board> BOARDS = List.of(
            new Board("stm32f411", "STM32F411xE (STM32F411CE/RE/VE)", Core.CORTEX_M4, 512 * K, 128 * K,
                    "STMicroelectronics, STM32F411xC STM32F411xE datasheet, DS10314", ""),
            new Board("stm32l4r5", "STM32L4R5xI", Core.CORTEX_M4, 2 * M, 640 * K,
                    "STMicroelectronics, STM32L4R5xx STM32L4R7xx STM32L4R9xx datasheet, DS12023",
                    "SRAM1 192 KiB + SRAM2 64 KiB + SRAM3 384 KiB, one contiguous range"),
            new Board("stm32h743", "STM32H743xI", Core.CORTEX_M7, 2 * M, M,
                    "STMicroelectronics, STM32H742xI/G STM32H743xI/G datasheet, DS12110",
                    "the data sheet's 1 Mbyte is 128 KiB DTCM, 512 KiB AXI SRAM (the largest block), 288 KiB SRAM1-3,"
                            + " 64 KiB SRAM4 and 64 KiB ITCM; give --ram the block the context goes in"),
            new Board("nrf52840", "nRF52840", Core.CORTEX_M4, M, 256 * K,
                    "Nordic Semiconductor, nRF52840 Product Specification v1.7", ""),
            new Board("nrf5340", "nRF5340 application core", Core.CORTEX_M33, M, 512 * K,
                    "Nordic Semiconductor, nRF5340 Product Specification v1.3",
                    "the network core (256 KiB flash, 64 KiB RAM) is not this board"),
            new Board("rp2040", "RP2040 on a Raspberry Pi Pico (2 MiB QSPI flash)", Core.CORTEX_M0PLUS, 2 * M, 264 * K,
                    "Raspberry Pi Ltd, RP2040 Datasheet (RP-008371-DS); Raspberry Pi Pico Datasheet",
                    "no internal flash: the Pico's 2 MiB QSPI flash is counted; --flash for another board"),
            new Board("rp2350", "RP2350 on a Raspberry Pi Pico 2 (4 MiB QSPI flash)", Core.CORTEX_M33, 4 * M, 520 * K,
                    "Raspberry Pi Ltd, RP2350 Datasheet (RP-008373-DS); Raspberry Pi Pico 2 Datasheet",
                    "no internal flash (RP2350A/B): the Pico 2's 4 MiB QSPI flash is counted; --flash for another board"),
            new Board("samd21", "ATSAMD21G18A", Core.CORTEX_M0PLUS, 256 * K, 32 * K,
                    "Microchip, SAM D21/DA1 Family Data Sheet, DS40001882",
                    "the G18 variant (Arduino Zero, Adafruit Feather M0); --flash and --ram for the E/J and 15-17 variants"),
            new Board("lpc55s69", "LPC55S69", Core.CORTEX_M33, 640 * K, 320 * K,
                    "NXP, LPC55S6x/LPC55S2x/LPC552x data sheet (product data sheet LPC55S6x)",
                    "the top pages of flash hold the protected flash region; 272 KiB of the SRAM is contiguous"),
            new Board("imxrt1062", "i.MX RT1062 on a Teensy 4.1 (8 MiB QSPI flash)", Core.CORTEX_M7, 8 * M, M,
                    "NXP, i.MX RT1060 Crossover Processors for Consumer Products data sheet, IMXRT1060CEC;"
                            + " PJRC, Teensy 4.1 technical specifications",
                    "no internal flash: the Teensy 4.1's 8 MiB flash is counted (Teensy 4.0: --flash 2M); RAM is"
                            + " 512 KiB FlexRAM (ITCM/DTCM/OCRAM) + 512 KiB OCRAM"));

    /** Every part, in the order docs/boards.md lists them. */
    public static List<Board> all() {
        return BOARDS;
    }

    /** The part named {@code name} (any letter case), if the catalog has it. */
    public static Optional<Board> find(String name) {
        String key = name.strip().toLowerCase(Locale.ROOT);
        return BOARDS.stream().filter(b -> b.name().equals(key)).findFirst();
    }

    /**
     * The part named {@code name}.
     *
     * @throws McugenException {@link Diag#MCG_CLI_UNKNOWN_BOARD} listing the names
     */
    public static Board board(String name) {
        return find(name).orElseThrow(() -> new McugenException(Diag.MCG_CLI_UNKNOWN_BOARD, "--board",
                "unknown board '" + Text.clip(name, 40) + "'; known boards: " + names()
                        + " (mcugen build --board list shows their memory; --flash and --ram describe any other)"));
    }

    /** The names, comma-separated. */
    public static String names() {
        return String.join(", ", BOARDS.stream().map(Board::name).toList());
    }

    /** The catalog as a table for {@code --board list}: name, core, flash, RAM, part. */
    public static String table() {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-10s  %-10s  %-12s  %7s  %8s  %s%n",
                "board", "core", "--target", "flash", "RAM", "part"));
        for (Board x : BOARDS) {
            b.append(String.format(Locale.ROOT, "%-10s  %-10s  %-12s  %7s  %8s  %s%n", x.name(), x.core().label(),
                    x.core().target().cliName(), MemorySize.format(x.flashBytes()), MemorySize.format(x.ramBytes()),
                    x.part()));
        }
        return b.toString();
    }
}
