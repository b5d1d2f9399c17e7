package dev.mcugen.ir;

/**
 * Text taken from a model file (names, format tags, op types) made fit for a one-line message on a
 * terminal: control, bidirectional-override and other invisible characters become {@code ?}, and
 * long values are cut with an ellipsis, so a hostile file can neither forge terminal output nor
 * flood it.
 */
public final class Text {
    private Text() {
    }

    /** {@code s} with unprintable characters replaced and at most {@code max} characters kept. */
    public static String clip(String s, int max) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder(Math.min(s.length(), max + 1));
        int count = 0;
        for (int i = 0; i < s.length() && count < max; ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            b.appendCodePoint(printable(cp) ? cp : '?');
            count++;
        }
        if (count < s.codePointCount(0, s.length())) {
            b.append('…');
        }
        return b.toString();
    }

    /** {@code s} with unprintable characters replaced, its length kept. */
    public static String printable(String s) {
        if (s == null) {
            return "null";
        }
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            if (!printable(cp)) {
                StringBuilder b = new StringBuilder(s.length());
                s.codePoints().forEach(c -> b.appendCodePoint(printable(c) ? c : '?'));
                return b.toString();
            }
            i += Character.charCount(cp);
        }
        return s;
    }

    static boolean printable(int cp) {
        int type = Character.getType(cp);
        return !(Character.isISOControl(cp) || type == Character.FORMAT || type == Character.UNASSIGNED
                || type == Character.PRIVATE_USE || type == Character.SURROGATE || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR);
    }
}
