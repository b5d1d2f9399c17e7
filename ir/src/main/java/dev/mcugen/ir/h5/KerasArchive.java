package dev.mcugen.ir.h5;

import dev.mcugen.ir.Diag;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.Text;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The entries of a Keras 3 {@code .keras} zip that mcugen reads ({@code config.json},
 * {@code metadata.json}, {@code model.weights.h5}), read defensively: the archive comes from the user,
 * possibly from anywhere. Refused with {@link Diag#MCG_IMPORT_ARCHIVE}: entry names that would escape a
 * folder if unpacked ({@code ..} segments, absolute paths, backslashes, drive letters), names given twice
 * (a reader could pick either copy), and more unpacked bytes than {@link #bound} allows (zip bombs), both
 * as the entries declare and as counted while inflating, so that no lie in the headers gets past.
 */
final class KerasArchive {
    static final String CONFIG = "config.json";
    static final String METADATA = "metadata.json";
    static final String WEIGHTS = "model.weights.h5";

    /**
     * Keras writes its archives uncompressed (ZIP_STORED), so unpacked ≈ archive size; 32 times that plus
     * 16 MiB leaves room for any compression of real weights and refuses bombs (100 MB of zeros deflate to
     * ~100 KB).
     */
    static long bound(long archiveSize) {
        return 16L * 1024 * 1024 + 32L * archiveSize;
    }

    final byte[] config;
    final byte[] metadata;
    final byte[] weights;

    private KerasArchive(byte[] config, byte[] metadata, byte[] weights) {
        this.config = config;
        this.metadata = metadata;
        this.weights = weights;
    }

    static KerasArchive read(Path file) {
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new McugenException(Diag.MCG_IO_FAILED, file.toString(), "cannot be read: " + e.getMessage(), e);
        }
        long bound = bound(size);
        try (ZipFile zip = new ZipFile(file.toFile())) {
            Set<String> names = new HashSet<>();
            Map<String, ZipEntry> wanted = new HashMap<>();
            long declared = 0;
            for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements(); ) {
                ZipEntry e = en.nextElement();
                String name = e.getName();
                checkName(name);
                if (!names.add(name)) {
                    throw archive("holds entry '" + Text.clip(name, 80) + "' twice; a .keras archive names each entry once");
                }
                if (e.getSize() > 0) {
                    declared += e.getSize();
                }
                if (declared > bound) {
                    throw archive("declares " + declared + "+ unpacked bytes, more than " + bound
                            + " for an archive of " + size + " bytes (a zip bomb?)");
                }
                if (name.equals(CONFIG) || name.equals(METADATA) || name.equals(WEIGHTS)) {
                    wanted.put(name, e);
                }
            }
            for (String need : new String[] {CONFIG, WEIGHTS}) {
                if (!wanted.containsKey(need)) {
                    throw archive("has no " + need + "; a Keras 3 .keras archive holds config.json, metadata.json and"
                            + " model.weights.h5 (save the model with model.save('model.keras'))");
                }
            }
            long[] budget = {bound};
            byte[] config = inflate(zip, wanted.get(CONFIG), budget, bound);
            byte[] metadata = wanted.containsKey(METADATA) ? inflate(zip, wanted.get(METADATA), budget, bound) : null;
            byte[] weights = inflate(zip, wanted.get(WEIGHTS), budget, bound);
            return new KerasArchive(config, metadata, weights);
        } catch (IOException e) {
            throw new McugenException(Diag.MCG_IMPORT_ARCHIVE, "archive", "cannot be read as a zip archive ("
                    + Text.clip(String.valueOf(e.getMessage()), 160) + ")", e);
        }
    }

    /** An entry name that, unpacked, would stay inside the folder it is unpacked into. */
    private static void checkName(String name) {
        String why = null;
        if (name.isEmpty()) {
            why = "is empty";
        } else if (name.indexOf('\\') >= 0) {
            why = "contains a backslash";
        } else if (name.startsWith("/") || (name.length() > 1 && name.charAt(1) == ':')) {
            why = "is an absolute path";
        } else if (name.indexOf('\0') >= 0) {
            why = "contains a NUL character";
        } else {
            for (String seg : name.split("/", -1)) {
                if (seg.equals("..")) {
                    why = "climbs out of the archive with '..'";
                    break;
                }
            }
        }
        if (why != null) {
            throw archive("has an entry '" + Text.clip(name, 80) + "' that " + why + "; refused");
        }
    }

    /** The entry's bytes, counting them against what is left of the bound while inflating. */
    private static byte[] inflate(ZipFile zip, ZipEntry e, long[] budget, long bound) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(Math.max(e.getSize(), 0), 1 << 20));
        byte[] buf = new byte[64 * 1024];
        try (InputStream in = zip.getInputStream(e)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                budget[0] -= n;
                if (budget[0] < 0 || out.size() + (long) n > Integer.MAX_VALUE - 8) {
                    throw archive("unpacks to more than " + bound + " bytes (entry '" + Text.clip(e.getName(), 80)
                            + "'), too much for its size (a zip bomb?)");
                }
                out.write(buf, 0, n);
            }
        }
        return out.toByteArray();
    }

    private static McugenException archive(String detail) {
        return new McugenException(Diag.MCG_IMPORT_ARCHIVE, "archive", detail);
    }
}
