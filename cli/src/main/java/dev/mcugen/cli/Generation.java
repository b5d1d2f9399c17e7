package dev.mcugen.cli;

import dev.mcugen.gen.GenOptions;
import dev.mcugen.ir.Diag;
import dev.mcugen.ir.McugenException;
import dev.mcugen.qemu.Target;
import dev.mcugen.scale.QuantOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/** What {@code build} and {@code verify} tell the C generator: the banner and the board's memory. */
final class Generation {
    private Generation() {
    }

    /**
     * Generator options for {@code id}: the banner records the model file's hash and every option
     * (so a folder says what made it), and a Cortex-M target brings its board's memory budget.
     */
    static GenOptions options(String id, Path modelFile, QuantOptions o, Target target) {
        String opts = optionsLine(o);
        GenOptions.Budget budget = target.memory()
                .map(m -> new GenOptions.Budget(target.id() + " (QEMU board " + m.board() + ")", m.flashBytes(),
                        m.ramBytes(), m.stackBytes()))
                .orElse(null);
        return new GenOptions(id, List.of("model file: " + modelFile.getFileName() + " sha256 " + sha256(modelFile), opts),
                budget, o.target());
    }

    /** The quantization options as a command line. */
    static String optionsLine(QuantOptions o) {
        return String.format(Locale.ROOT, "options: --target %s --precision %s --rescale %s --activation %s%s%s",
                o.target().cliName(), o.precision().name().toLowerCase(Locale.ROOT),
                o.rescale().name().toLowerCase(Locale.ROOT), o.activation().name().toLowerCase(Locale.ROOT),
                o.perChannel() ? " --per-channel" : "", o.dropSoftmax() ? " --drop-softmax" : "");
    }

    private static String sha256(Path file) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new McugenException(Diag.MCG_IO_FAILED, file.toString(), "cannot read: " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
