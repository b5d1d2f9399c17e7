package dev.mcugen.ir;

import java.io.IOException;
import java.util.Locale;

/**
 * A failed write as a diagnostic: a full disk (or quota) is this machine's problem
 * ({@link Diag#MCG_ENV_NO_SPACE}, its own exit code), anything else the file's
 * ({@link Diag#MCG_IO_FAILED}). Java gives no error code, only the OS's message, so the message decides.
 */
public final class IoFailure {
    private IoFailure() {
    }

    /**
     * @param subject the file or folder being written
     * @param what    what failed, e.g. "cannot write"
     */
    public static McugenException writing(String subject, String what, IOException e) {
        if (noSpace(e)) {
            return new McugenException(Diag.MCG_ENV_NO_SPACE, subject, what + ": the disk is full (" + Text.clip(e.getMessage(), 200)
                    + "); free some space or write elsewhere (--out, TMPDIR)", e);
        }
        return new McugenException(Diag.MCG_IO_FAILED, subject, what + ": " + e.getMessage(), e);
    }

    /** Whether {@code e} (or a cause) says the disk or quota is full. */
    public static boolean noSpace(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            String m = c.getMessage() == null ? "" : c.getMessage().toLowerCase(Locale.ROOT);
            if (m.contains("no space left on device") || m.contains("disk quota exceeded") || m.contains("not enough space")) {
                return true;
            }
        }
        return false;
    }
}
