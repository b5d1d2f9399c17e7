package dev.mcugen.ir;

/**
 * A diagnosed failure: a stable {@link Diag} key, the subject it concerns (a file, layer or tensor
 * name) and a one-line explanation that says what is wrong and, where it can, what to do.
 */
public final class McugenException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final Diag diag;
    private final String subject;
    private final String detail;

    public McugenException(Diag diag, String subject, String detail) {
        this(diag, subject, detail, null);
    }

    /**
     * Subject and detail are made printable here, once for every message: they quote names, tokens and
     * headers from the file, and a control, bidi or line-separator character in any of them would break
     * the one-line message on the terminal (fuzzing found such quotes in several importers).
     */
    public McugenException(Diag diag, String subject, String detail, Throwable cause) {
        super(Text.printable(subject) + ": " + Text.printable(detail) + " [" + diag.name() + "]", cause);
        this.diag = diag;
        this.subject = Text.printable(subject);
        this.detail = Text.printable(detail);
    }

    public Diag diag() {
        return diag;
    }

    /** The file, layer or tensor the failure concerns. */
    public String subject() {
        return subject;
    }

    /** The explanation without subject and key. */
    public String detail() {
        return detail;
    }

    /** This failure with a file or model prefixed to its subject, e.g. {@code model.json: layer 'lstm'}. */
    public McugenException within(String context) {
        McugenException e = new McugenException(diag, context + ": " + subject, detail, getCause());
        e.setStackTrace(getStackTrace());
        return e;
    }
}
