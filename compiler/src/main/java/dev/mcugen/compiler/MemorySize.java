package dev.mcugen.compiler;

import dev.mcugen.ir.Diag;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.Text;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Memory sizes as {@code --flash} and {@code --ram} take them: plain bytes ({@code 262144}) or a
 * whole number with a binary suffix, K / KB / KiB (1,024 bytes) or M / MB / MiB (1,048,576 bytes),
 * in any letter case. Microcontroller data sheets write "KB" and "Kbytes" for 1,024 bytes, so
 * every suffix is binary.
 */
public final class MemorySize {
    /** The largest size accepted: 4 GiB, the whole 32-bit address space of a Cortex-M. */
    public static final long MAX_BYTES = 4L * 1024 * 1024 * 1024;

    private static final Pattern SIZE = Pattern.compile("([0-9]{1,10})\\s*(k|kb|kib|m|mb|mib)?");

    private MemorySize() {
    }

    /**
     * Parses {@code text} given to {@code option}.
     *
     * @throws McugenException {@link Diag#MCG_CLI_USAGE} naming the option for anything else, zero, or
     *                         more than {@link #MAX_BYTES}
     */
    public static long parse(String text, String option) {
        Matcher m = SIZE.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new McugenException(Diag.MCG_CLI_USAGE, option, "'" + Text.clip(text, 40)
                    + "' is not a size: give bytes (262144) or a whole number with K, KiB, M or MiB (256K, 2M)");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "" : m.group(2);
        long bytes = n * (unit.startsWith("k") ? 1024L : unit.startsWith("m") ? 1024L * 1024 : 1L);
        if (bytes <= 0 || bytes > MAX_BYTES) {
            throw new McugenException(Diag.MCG_CLI_USAGE, option, "'" + Text.clip(text, 40)
                    + "' is out of range: a size from 1 byte to 4 GiB");
        }
        return bytes;
    }

    /** {@code bytes} the way data sheets write it: "2 MiB", "264 KiB", else "1,000 B". */
    public static String format(long bytes) {
        if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0) {
            return bytes / (1024 * 1024) + " MiB";
        }
        if (bytes >= 1024 && bytes % 1024 == 0) {
            return bytes / 1024 + " KiB";
        }
        return String.format(Locale.ROOT, "%,d B", bytes);
    }
}
