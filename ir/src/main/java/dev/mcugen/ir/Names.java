package dev.mcugen.ir;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;

/**
 * The one sanitizer for names taken from model files and the command line (layer, input, output and
 * model names, {@code --name}) on their way into generated C, reports and the terminal. Names are
 * attacker-controlled: a backslash at the end of a C comment line splices the next line into the
 * comment, a newline injects preprocessor lines, {@code *}{@code /} ends the comment, {@code ??/} is
 * a backslash in C99 (trigraph), U+202E reorders what a reviewer sees (Trojan Source), and a name
 * such as {@code mcu_nn} clashes with the runtime's own identifiers. Every operation here is a pure,
 * deterministic function of its input (no hash-order dependence), so the same model gives the same
 * bytes.
 *
 * <ul>
 *   <li>{@link #cIdentifier} - a C99 identifier of its own (for {@code <id>}): never a keyword,
 *       never reserved ({@code _} start), never in the runtime's {@code mcu_} / {@code MCU_} space;</li>
 *   <li>{@link #cFragment} - the part of an identifier after a valid prefix ({@code <id>_<layer>});</li>
 *   <li>{@link #cComment} - text for a C comment (also safe after {@code #} in make / CMake);</li>
 *   <li>{@link #checkCIdentifier} - why a user-chosen identifier is refused, or null;</li>
 *   <li>{@link #terminal} / {@link #html} - text for a one-line message / an HTML page.</li>
 * </ul>
 */
public final class Names {
    private Names() {
    }

    /** Longest identifier fragment kept readable; longer ones are cut and end in a hash of the name. */
    static final int MAX_FRAGMENT = 48;
    /** Longest identifier {@link #checkCIdentifier} accepts. */
    public static final int MAX_ID = 63;
    /** Longest comment text (banner lines with paths and options stay whole); longer text is cut with "...". */
    public static final int MAX_COMMENT = 1000;

    /** C99 keywords (6.4.1), plus C11/C23 ones a newer compiler may treat as keywords. */
    private static final Set<String> KEYWORDS = Set.of("auto", "break", "case", "char", "const", "continue",
            "default", "do", "double", "else", "enum", "extern", "float", "for", "goto", "if", "inline", "int", "long",
            "register", "restrict", "return", "short", "signed", "sizeof", "static", "struct", "switch", "typedef",
            "union", "unsigned", "void", "volatile", "while", "_Bool", "_Complex", "_Imaginary", "_Alignas",
            "_Alignof", "_Atomic", "_Generic", "_Noreturn", "_Static_assert", "_Thread_local", "alignas", "alignof",
            "bool", "constexpr", "false", "nullptr", "static_assert", "thread_local", "true", "typeof",
            "typeof_unqual", "asm");

    /**
     * Why {@code id} cannot be the prefix of generated C (a keyword, not an identifier, reserved by
     * C or by the runtime), or null when it can. For {@code --name}: a user's choice is refused, not
     * silently changed, so the names they call stay the names they typed.
     */
    public static String checkCIdentifier(String id) {
        if (id == null || !id.matches("[A-Za-z][A-Za-z0-9_]*")) {
            return id != null && id.matches("_[A-Za-z0-9_]*")
                    ? "starts with '_': such identifiers are reserved by C"
                    : "is not a C identifier (letters, digits and '_', starting with a letter)";
        }
        if (KEYWORDS.contains(id)) {
            return "is a C keyword";
        }
        if (runtimeReserved(id)) {
            return "is in the runtime's mcu_ / MCU_ (or mcf_) namespace and would clash with its headers";
        }
        if (id.length() > MAX_ID) {
            // C99 keeps 63 significant characters; it is also the stem of file names
            return "is longer than " + MAX_ID + " characters";
        }
        return null;
    }

    /**
     * A C99 identifier made from {@code name}, deterministic: characters other than ASCII letters,
     * digits and '_' become '_', a name not starting with a letter (or a keyword, or a runtime
     * prefix, or empty) gets {@code m_} in front, long names are cut and end in a hash of the whole
     * name. Distinct names can map to the same identifier; callers that need several keep them
     * apart (see {@link #cFragment}).
     */
    public static String cIdentifier(String name) {
        String s = cFragment(name == null ? "" : name);
        if (s.isEmpty() || !Character.isLetter(s.charAt(0)) || KEYWORDS.contains(s) || runtimeReserved(s)) {
            s = "m_" + s;
        }
        return s.length() > MAX_FRAGMENT ? cut(s, name) : s;
    }

    /**
     * {@code name} as the tail of an identifier that already starts with a valid prefix: only ASCII
     * letters, digits and '_', at most {@link #MAX_FRAGMENT} characters (longer names end in a hash
     * of the whole name, so two long names that share a start stay distinct).
     */
    public static String cFragment(String name) {
        StringBuilder b = new StringBuilder(Math.min(name.length(), MAX_FRAGMENT + 1));
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            b.append(c < 128 && (Character.isLetterOrDigit(c) || c == '_') ? c : '_');
        }
        String s = b.toString();
        return s.length() > MAX_FRAGMENT ? cut(s, name) : s;
    }

    private static String cut(String s, String name) {
        return s.substring(0, MAX_FRAGMENT - 9) + "_" + sha256(name).substring(0, 8);
    }

    private static boolean runtimeReserved(String s) {
        String l = s.toLowerCase(Locale.ROOT);
        // mcu (uppercased MCU_H) would take the runtime's header guard too
        return l.equals("mcu") || l.equals("mcf") || l.startsWith("mcu_") || l.startsWith("mcf_");
    }

    /**
     * {@code text} made safe inside a C block comment, a C line comment, and after {@code #} in a
     * makefile or CMakeLists.txt: printable ASCII only (anything else, including line breaks,
     * control, bidirectional and other non-ASCII characters, becomes '?'), no backslash (it would
     * splice the next line), no {@code /}{@code *} or {@code *}{@code /} (a space is put between), no
     * {@code ??} (a C99 trigraph could make a backslash), no trailing '/' (it would meet the
     * closing {@code *}{@code /} as {@code /}{@code *}), and at most {@link #MAX_COMMENT}
     * characters. Idempotent.
     */
    public static String cComment(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder(Math.min(text.length(), MAX_COMMENT) + 8);
        // scan only as far as can be kept: a 100 MB name costs no more than a short one
        for (int i = 0; i < text.length() && b.length() <= MAX_COMMENT + 1; ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            char c = cp >= 0x20 && cp < 0x7f && cp != '\\' ? (char) cp : '?';
            char last = b.length() == 0 ? ' ' : b.charAt(b.length() - 1);
            if ((c == '/' && last == '*') || (c == '*' && last == '/') || (c == '?' && last == '?')) {
                b.append(' ');
            }
            b.append(c);
        }
        if (b.length() > 0 && b.charAt(b.length() - 1) == '/') {
            b.append(' ');
        }
        if (b.length() > MAX_COMMENT) {
            // "..." after any kept character forms neither a trigraph, nor a comment delimiter
            b.setLength(MAX_COMMENT - 3);
            b.append("...");
        }
        return b.toString();
    }

    /** {@code text} for a one-line terminal message: see {@link Text#clip}. */
    public static String terminal(String text, int max) {
        return Text.clip(text, Math.min(max, Integer.MAX_VALUE - 1));
    }

    /**
     * {@code text} with every character that is invisible or reorders text (control, bidirectional,
     * format, line breaks) shown as {@code U+XXXX}, so a page shows a name as the file spells it and
     * a Trojan Source name cannot reorder what a reviewer reads. For output that escapes markup
     * itself (the HTML report template); see {@link #html} otherwise.
     */
    public static String visible(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder b = null;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            int n = Character.charCount(cp);
            if (!Text.printable(cp)) {
                if (b == null) {
                    b = new StringBuilder(text.length() + 16).append(text, 0, i);
                }
                b.append(String.format(Locale.ROOT, "U+%04X", cp));
            } else if (b != null) {
                b.appendCodePoint(cp);
            }
            i += n;
        }
        return b == null ? text : b.toString();
    }

    /** {@code text} for HTML element content or a quoted attribute: {@link #visible}, then {@code & < > " '} escaped. */
    public static String html(String text) {
        if (text == null) {
            return "null";
        }
        String v = visible(text);
        StringBuilder b = new StringBuilder(v.length() + 16);
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** Whether {@code cp} shows as itself: not control, bidirectional / format, unassigned or a line break. */
    public static boolean printable(int cp) {
        return Text.printable(cp);
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
