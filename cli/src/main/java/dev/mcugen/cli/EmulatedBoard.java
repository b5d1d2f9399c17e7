package dev.mcugen.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcugen.compiler.Boards;
import dev.mcugen.compiler.Core;
import dev.mcugen.compiler.MemorySize;
import dev.mcugen.compiler.TargetBoard;
import dev.mcugen.gen.View;
import dev.mcugen.ir.Diag;
import dev.mcugen.ir.McugenException;
import dev.mcugen.qemu.Target;
import dev.mcugen.scale.QuantOptions;
import java.util.Locale;
import java.util.Optional;

/**
 * The QEMU board {@code verify} runs a Cortex-M program on. The user's board ({@code --board},
 * {@code --flash}, {@code --ram}) is what {@code build} checks the model against; QEMU emulates only
 * a few boards, so {@code verify} runs the program compiled for the target on the target's own QEMU
 * board when the model and its embedded samples fit it, else on the first bigger QEMU board whose
 * core executes the target's instruction set ({@link Boards#emulatorFor}), and says so in one line.
 * Instruction counts stay the program's: QEMU counts executed instructions ({@code -icount
 * shift=0}) whatever the core.
 *
 * @param machine the target whose QEMU board runs the program ({@code target} itself unless it is too small)
 * @param target  the target the program is compiled for
 * @param notice  the line said when the board differs from the user's, or empty
 * @param note    what report.json says about the choice
 */
record EmulatedBoard(Target machine, Target target, Optional<String> notice, String note) {

    /**
     * @param model   the model's name, for the error
     * @param target  the target the C is compiled for
     * @param board   the user's board (or the target's QEMU board), null on host and neon
     * @param view    the lowered model (its constants, context and input types)
     * @param samples how many samples the harness embeds
     * @throws McugenException {@link Diag#MCG_VERIFY_TOO_BIG} when no QEMU board for the target holds it
     */
    static EmulatedBoard choose(String model, Target target, TargetBoard board, View.Model view, int samples) {
        if (!target.isCortexM()) {
            return new EmulatedBoard(target, target, Optional.empty(), "");
        }
        View.Footprint f = view.footprint();
        long sampleBytes = 0;
        for (View.Port p : view.inputs()) {
            sampleBytes += (long) samples * Long.parseLong(p.size()) * bytesOf(p.ctype());
        }
        long flash = f.constBytes() + sampleBytes;
        long context = f.contextBytes();
        QuantOptions.Target code = target.quantTarget();
        Boards.Memory own = Boards.memory(code).orElseThrow();
        String arch = Core.architectureName(code).orElseThrow();
        Optional<QuantOptions.Target> found = Boards.emulatorFor(code, flash, context);
        String needs = String.format(Locale.ROOT, "%,d B of flash (constants %,d B + %d embedded sample(s) %,d B, before"
                + " code) and %,d B of RAM for its context plus the board's stack", flash, f.constBytes(), samples,
                sampleBytes, context);
        if (found.isEmpty()) {
            StringBuilder boards = new StringBuilder();
            for (QuantOptions.Target t : QuantOptions.Target.values()) {
                Optional<Boards.Memory> m = Boards.memory(t);
                if (m.isPresent() && Core.valueOf(t.name()).runs(code)) {
                    boards.append(boards.isEmpty() ? "" : ", ").append(describe(m.get(), t));
                }
            }
            String fits = board == null || board.emulated() ? "" : "fits " + board.where() + " but ";
            throw new McugenException(Diag.MCG_VERIFY_TOO_BIG, "model '" + model + "'", fits + "no QEMU board that runs "
                    + target.id() + " (" + arch + ") code can hold it: it needs " + needs + "; the boards are " + boards
                    + "; verify fewer --samples, or use build alone");
        }
        Target machine = Target.fromId(found.get().cliName());
        if (machine != target) {
            Boards.Memory m = Boards.memory(found.get()).orElseThrow();
            String line = String.format(Locale.ROOT, "the model does not fit %s's QEMU board %s: it needs %s;"
                    + " verify runs the %s (%s) program on %s, whose core executes the same instructions"
                    + " (instruction counts are the program's)", target.id(), describe(own, code), needs, target.id(),
                    arch, describe(m, found.get()));
            return new EmulatedBoard(machine, target, Optional.of(line), line);
        }
        if (board != null && !board.emulated()
                && (board.flashBytes() > own.flashBytes() || board.ramBytes() > own.ramBytes())) {
            String line = String.format(Locale.ROOT, "board %s has %s flash and %s RAM, more than the QEMU board verify"
                    + " runs %s on, %s; the model and its %d sample(s) fit both", board.name(), size(board.flashBytes()),
                    size(board.ramBytes()), target.id(), describe(own, code), samples);
            return new EmulatedBoard(machine, target, Optional.of(line), line);
        }
        return new EmulatedBoard(machine, target, Optional.empty(), target.id() + "'s own QEMU board");
    }

    /** The {@code emulated_board} entry of report.json (null on host and neon). */
    void into(ObjectNode root) {
        if (!target.isCortexM()) {
            root.putNull("emulated_board");
            return;
        }
        Boards.Memory m = machine.memory().orElseThrow();
        ObjectNode o = root.putObject("emulated_board");
        o.put("machine", m.board());
        o.put("core", Core.valueOf(machine.quantTarget().name()).label());
        o.put("program_target", target.id());
        o.put("flash_bytes", m.flashBytes());
        o.put("ram_bytes", m.ramBytes());
        o.put("stack_bytes", m.stackBytes());
        o.put("note", note);
    }

    private static String describe(Boards.Memory m, QuantOptions.Target t) {
        return m.board() + " (" + Core.valueOf(t.name()).label() + ", " + MemorySize.format(m.flashBytes()) + " flash, "
                + MemorySize.format(m.ramBytes()) + " RAM)";
    }

    private static String size(long bytes) {
        return bytes == Long.MAX_VALUE ? "unlimited" : MemorySize.format(bytes);
    }

    private static long bytesOf(String ctype) {
        return ctype.contains("int8") ? 1 : ctype.contains("int16") ? 2 : 4;
    }
}
