package dev.mcugen.cli;

import dev.mcugen.compiler.BoardCatalog;
import dev.mcugen.compiler.TargetBoard;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The board options {@code build} and {@code verify} share: which microcontroller the code is for
 * ({@code --board}, from {@link BoardCatalog}) and its memory ({@code --flash}, {@code --ram}). How
 * they combine with {@code --target}: {@link TargetBoard#resolve}.
 */
final class BoardOptions {
    // help = true: "--board list" needs no MODEL (the commands check MODEL themselves otherwise).
    @Option(names = "--board", paramLabel = "NAME", help = true,
            description = "the microcontroller the code is for (e.g. nrf52840, rp2040, stm32h743; 'list' prints them all):"
                    + " the model is checked against its flash and RAM, and --target defaults to its core")
    String board;

    @Option(names = "--flash", paramLabel = "SIZE",
            description = "the board's flash, bytes or with K/KiB/M/MiB (e.g. 1M); replaces --board's figure")
    String flash;

    @Option(names = "--ram", paramLabel = "SIZE",
            description = "the board's RAM, bytes or with K/KiB/M/MiB (e.g. 64K); replaces --board's figure")
    String ram;

    /** The command this mixin belongs to: tells whether --target was given. */
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /** {@code --board list} (any letter case): print the catalog instead of building. */
    boolean listRequested() {
        return board != null && board.strip().toLowerCase(Locale.ROOT).equals("list");
    }

    /**
     * Prints the catalog for {@code --board list} and returns true; else checks that the arguments
     * picocli leaves unchecked beside a help option ({@code MODEL}, and the command's other required
     * options) are there.
     *
     * @param missing the required arguments not given, by their command-line names
     */
    boolean listed(java.io.PrintWriter out, java.util.List<String> missing) {
        if (listRequested()) {
            out.print(BoardCatalog.table());
            out.println("Figures and their data sheets: docs/boards.md. --flash and --ram replace them.");
            out.flush();
            return true;
        }
        if (!missing.isEmpty()) {
            throw new dev.mcugen.ir.McugenException(dev.mcugen.ir.Diag.MCG_CLI_USAGE, command.name(),
                    "missing required argument(s): " + String.join(", ", missing));
        }
        return false;
    }

    /**
     * Resolves the board and sets {@code quant.target} to the instruction set the C is for (the
     * board's core when {@code --target} was not given); empty when no board budget applies.
     */
    Optional<TargetBoard> apply(QuantizationOptions quant) {
        boolean targetGiven = command.commandLine().getParseResult().hasMatchedOption("--target");
        Optional<TargetBoard> b = TargetBoard.resolve(board, flash, ram, targetGiven ? quant.target() : null);
        b.ifPresent(x -> quant.targets = java.util.List.of(x.target()));
        return b;
    }
}
