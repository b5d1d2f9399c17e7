package dev.mcugen.ir.tfjs;

import dev.mcugen.ir.Diag;
import dev.mcugen.ir.McugenException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads the bytes of a manifest group: its shard files, resolved against the model's folder (as
 * TF.js resolves them against the URL of {@code model.json}) and concatenated in order. A shard must
 * stay inside that folder: absolute paths, {@code ..} escapes and symbolic links that lead out are
 * refused, so a model file cannot make mcugen read arbitrary files. The group must hold exactly the
 * bytes its weights need.
 */
final class ShardReader {
    private final Path folder;
    private final Path realFolder;

    /** @param folder the folder holding {@code model.json} */
    ShardReader(Path folder) {
        this.folder = folder.toAbsolutePath().normalize();
        try {
            this.realFolder = folder.toRealPath();
        } catch (IOException e) {
            throw new McugenException(Diag.MCG_IO_FAILED, folder.toString(), "cannot resolve the model folder: " + e.getMessage(), e);
        }
    }

    /** The concatenated shards of {@code group}, checked against the size its weights need. */
    byte[] read(WeightsManifest.Group group) {
        long expected = group.byteLength();
        if (expected > Integer.MAX_VALUE - 8) {
            throw new McugenException(Diag.MCG_IMPORT_SHARD_SIZE, group.subject(), "needs " + expected
                    + " bytes; a weights group of 2 GiB or more is not supported (split the weights into several groups)");
        }
        // Read into one array of the group's size: a model of 10^8 float32 weights is 400 MB, and a
        // growing buffer would need twice that and a final copy.
        byte[] all = new byte[(int) expected];
        long filled = 0;
        for (String p : group.paths()) {
            Path shard = resolve(p);
            try {
                long size = dev.mcugen.ir.InputFiles.requireRegular(shard);
                if (filled + size > expected) {
                    throw sizeError(group, filled + size);
                }
                try (InputStream in = Files.newInputStream(shard)) {
                    int n = in.readNBytes(all, (int) filled, (int) size);
                    if (n != size || in.read() != -1) {
                        throw new IOException("the file changed size while it was read");
                    }
                }
                filled += size;
            } catch (NoSuchFileException e) {
                throw missing(p);
            } catch (IOException e) {
                throw new McugenException(Diag.MCG_IO_FAILED, "shard '" + p + "'", "cannot be read: " + e.getMessage(), e);
            }
        }
        if (filled != expected) {
            throw sizeError(group, filled);
        }
        return all;
    }

    /** The real path of shard {@code p}, refused if it is absolute or leads out of the model folder. */
    private Path resolve(String p) {
        String who = "shard '" + p + "'";
        Path rel;
        try {
            rel = Path.of(p);
        } catch (InvalidPathException e) {
            throw new McugenException(Diag.MCG_IMPORT_SHARD_PATH, who, "is not a valid file name: " + e.getReason());
        }
        Path lexical = folder.resolve(rel).normalize();
        if (rel.isAbsolute() || rel.getRoot() != null || !lexical.startsWith(folder)) {
            throw outside(who);
        }
        if (!Files.exists(lexical)) {
            throw missing(p);
        }
        Path real;
        try {
            real = lexical.toRealPath();
        } catch (IOException e) {
            throw missing(p);
        }
        if (!real.startsWith(realFolder)) {
            throw outside(who);
        }
        if (!Files.isRegularFile(real)) {
            throw new McugenException(Diag.MCG_IMPORT_SHARD_MISSING, who, "is not a regular file");
        }
        return real;
    }

    private static McugenException outside(String who) {
        return new McugenException(Diag.MCG_IMPORT_SHARD_PATH, who,
                "leads out of the model folder; weight shards must be files beside model.json (or below it)");
    }

    private static McugenException missing(String p) {
        return new McugenException(Diag.MCG_IMPORT_SHARD_MISSING, "shard '" + p + "'",
                "is listed in the weightsManifest but does not exist; copy all .bin files that came with model.json");
    }

    private static McugenException sizeError(WeightsManifest.Group group, long actual) {
        long expected = group.byteLength();
        String how = actual > expected ? "at least " + actual : Long.toString(actual);
        return new McugenException(Diag.MCG_IMPORT_SHARD_SIZE, group.subject(),
                "the shards hold " + how + " bytes but the group's " + group.entries().size() + " weights need "
                        + expected + "; the shards are truncated, padded or from another export");
    }
}
