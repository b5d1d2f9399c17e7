package dev.mcugen.cli;

import dev.mcugen.ir.Names;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * A JUnit XML report ({@code verify --junit}): the {@code <testsuites>/<testsuite>/<testcase>} format
 * Jenkins, GitHub and GitLab read, one suite of cases in the order they were added. Written with the
 * JDK's own {@link XMLStreamWriter} (not whichever StAX library is on the class path), which escapes
 * markup; text that comes from the model (names) is also made visible ({@link Names#visible}) because
 * XML 1.0 cannot hold control characters even escaped.
 */
final class JUnitReport {
    /** The longest name or message kept: a 100 kB layer name must not make a 100 kB test name. */
    static final int MAX_TEXT = 500;

    /** One test case: passed, failed ({@code failureType} set) or skipped ({@code skipped} set). */
    record Case(String name, String failureType, String message, String detail, boolean skipped) {
        static Case passed(String name) {
            return new Case(name, null, null, null, false);
        }

        static Case failed(String name, String type, String message, String detail) {
            return new Case(name, type, message, detail, false);
        }

        static Case skipped(String name, String reason) {
            return new Case(name, null, reason, null, true);
        }

        boolean failed() {
            return failureType != null;
        }
    }

    private final String suite;
    private final String classname;
    private final List<Case> cases = new ArrayList<>();

    /**
     * @param suite     the suite's name (free text)
     * @param classname every case's class name: CI tools split it at dots into package and class
     */
    JUnitReport(String suite, String classname) {
        this.suite = suite;
        this.classname = classname;
    }

    void add(Case c) {
        cases.add(c);
    }

    List<Case> cases() {
        return List.copyOf(cases);
    }

    /**
     * The document, UTF-8. {@code seconds} is the wall time of the whole run, given to the suites: the
     * checks are not timed one by one (all samples run in one harness program), so each case says 0
     * rather than an invented share.
     */
    byte[] render(double seconds) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            XMLStreamWriter x = XMLOutputFactory.newDefaultFactory().createXMLStreamWriter(bytes, "UTF-8");
            x.writeStartDocument("UTF-8", "1.0");
            x.writeCharacters("\n");
            long failures = cases.stream().filter(Case::failed).count();
            long skipped = cases.stream().filter(Case::skipped).count();
            String time = String.format(Locale.ROOT, "%.3f", seconds);
            x.writeStartElement("testsuites");
            counts(x, suite, failures, skipped, time);
            x.writeCharacters("\n  ");
            x.writeStartElement("testsuite");
            counts(x, suite, failures, skipped, time);
            for (Case c : cases) {
                x.writeCharacters("\n    ");
                boolean passed = !c.failed() && !c.skipped();
                if (passed) {
                    x.writeEmptyElement("testcase");
                } else {
                    x.writeStartElement("testcase");
                }
                x.writeAttribute("classname", text(classname));
                x.writeAttribute("name", text(c.name()));
                x.writeAttribute("time", "0");
                if (c.failed()) {
                    x.writeCharacters("\n      ");
                    x.writeStartElement("failure");
                    x.writeAttribute("message", text(c.message()));
                    x.writeAttribute("type", text(c.failureType()));
                    x.writeCharacters(text(c.detail() == null ? c.message() : c.detail()));
                    x.writeEndElement();
                    x.writeCharacters("\n    ");
                } else if (c.skipped()) {
                    x.writeCharacters("\n      ");
                    x.writeEmptyElement("skipped");
                    x.writeAttribute("message", text(c.message()));
                    x.writeCharacters("\n    ");
                }
                if (!passed) {
                    x.writeEndElement();
                }
            }
            x.writeCharacters("\n  ");
            x.writeEndElement();
            x.writeCharacters("\n");
            x.writeEndElement();
            x.writeCharacters("\n");
            x.writeEndDocument();
            x.close();
        } catch (XMLStreamException e) {
            // Writing to memory with text made valid first: only a bug gets here.
            throw new IllegalStateException("cannot write the JUnit report: " + e.getMessage(), e);
        }
        return bytes.toByteArray();
    }

    private void counts(XMLStreamWriter x, String name, long failures, long skipped, String time) throws XMLStreamException {
        x.writeAttribute("name", text(name));
        x.writeAttribute("tests", String.valueOf(cases.size()));
        x.writeAttribute("failures", String.valueOf(failures));
        // Errors are checks that could not run; verify stops with its one-line error before writing then.
        x.writeAttribute("errors", "0");
        x.writeAttribute("skipped", String.valueOf(skipped));
        x.writeAttribute("time", time);
    }

    /**
     * {@code s} as XML 1.0 can hold it: control, format and unpaired surrogate characters shown as
     * {@code U+XXXX} (escaping cannot carry them), at most {@link #MAX_TEXT} characters.
     */
    static String text(String s) {
        String v = Names.visible(s == null ? "" : s);
        if (v.length() > MAX_TEXT) {
            // Cut before a surrogate pair's second half, never between the two.
            int end = Character.isLowSurrogate(v.charAt(MAX_TEXT - 3)) ? MAX_TEXT - 4 : MAX_TEXT - 3;
            v = v.substring(0, end) + "...";
        }
        return v;
    }

    /** A name usable as a segment of a dotted class name: letters, digits, '_' and '-' kept, anything else '_'. */
    static String segment(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 100; i++) {
            char c = s.charAt(i);
            b.append(c < 128 && (Character.isLetterOrDigit(c) || c == '_' || c == '-') ? c : '_');
        }
        return b.isEmpty() ? "_" : b.toString();
    }
}
