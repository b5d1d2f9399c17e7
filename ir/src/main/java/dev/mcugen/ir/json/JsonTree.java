package dev.mcugen.ir.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import dev.mcugen.ir.Diag;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.Text;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small JSON tree read with Jackson's streaming parser. Unlike Jackson's own tree it keeps each
 * number's text, so floats are converted once, decimal to float32 (never through a double, which
 * could round twice), and it stores the arrays under a {@code "data"} key as packed {@code float[]},
 * so large weights do not cost an object per value. Each value remembers its line for messages.
 */
final class JsonTree {
    private JsonTree() {
    }

    /** A JSON value and the line it starts on. */
    sealed interface JVal permits JObj, JArr, JStr, JNum, JBool, JNull, JFloats {
        int line();
    }

    /** An object; members in file order, keys unique. */
    record JObj(Map<String, JVal> members, int line) implements JVal {
    }

    record JArr(List<JVal> items, int line) implements JVal {
    }

    record JStr(String value, int line) implements JVal {
    }

    /**
     * A number as written ({@code NaN}, {@code Infinity}, {@code -Infinity} for the non-standard
     * tokens the parser admits so that they can be refused with context); {@code integral} if it
     * has neither fraction nor exponent.
     */
    record JNum(String text, boolean integral, int line) implements JVal {
        float toFloat() {
            return Float.parseFloat(text);
        }
    }

    record JBool(boolean value, int line) implements JVal {
    }

    record JNull(int line) implements JVal {
    }

    /**
     * An array under a {@code "data"} key, converted element by element to float32. If an element
     * is not a number, {@code badIndex} is its index and {@code badWhat} describes it (the values
     * are then incomplete).
     */
    record JFloats(float[] values, int badIndex, String badWhat, int line) implements JVal {
    }

    /** Plain-words description of a value's type, for "expected X, got Y" messages. */
    static String describe(JVal v) {
        if (v instanceof JObj) {
            return "an object";
        }
        if (v instanceof JArr || v instanceof JFloats) {
            return "an array";
        }
        if (v instanceof JStr s) {
            String t = s.value().length() > 40 ? s.value().substring(0, 40) + "..." : s.value();
            return "the string \"" + t + "\"";
        }
        if (v instanceof JNum n) {
            return "the number " + n.text();
        }
        if (v instanceof JBool b) {
            return b.value() ? "true" : "false";
        }
        return "null";
    }

    private static final JsonFactory FACTORY = JsonFactory.builder()
            // NaN / Infinity are read so that they can be refused with the layer and weight named.
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            // A base64 weight of a large layer is one long string.
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxStringLength(Integer.MAX_VALUE)
                    .maxNestingDepth(64)
                    .build())
            .build();

    /**
     * Parses one JSON document (an object or anything else; the caller checks) and makes sure
     * nothing follows it.
     *
     * @throws McugenException {@link Diag#MCG_IMPORT_JSON} naming {@code source} on a syntax error
     */
    static JVal parse(InputStream in, String source) throws IOException {
        try (JsonParser p = FACTORY.createParser(in)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                throw new McugenException(Diag.MCG_IMPORT_JSON, source, "is empty; expected a JSON object");
            }
            JVal root = value(p, t, source, false);
            if (p.nextToken() != null) {
                throw new McugenException(Diag.MCG_IMPORT_JSON, source,
                        "has more content after the JSON object ends" + at(p.currentTokenLocation()));
            }
            return root;
        } catch (JsonProcessingException e) {
            String msg = e.getOriginalMessage() == null ? e.getClass().getSimpleName() : e.getOriginalMessage();
            // Jackson quotes the offending token raw: from a binary file that is control bytes.
            msg = Text.clip(msg.lines().findFirst().orElse("").strip(), 200);
            throw new McugenException(Diag.MCG_IMPORT_JSON, source,
                    "is not valid JSON: " + msg + at(e.getLocation()), e);
        }
    }

    private static String at(JsonLocation loc) {
        if (loc == null || loc.getLineNr() < 1) {
            return "";
        }
        return " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")";
    }

    private static int line(JsonParser p) {
        return p.currentTokenLocation().getLineNr();
    }

    private static JVal value(JsonParser p, JsonToken t, String source, boolean floats) throws IOException {
        int line = line(p);
        switch (t) {
            case START_OBJECT: {
                Map<String, JVal> m = new LinkedHashMap<>();
                JsonToken k;
                while ((k = p.nextToken()) == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    int keyLine = line(p);
                    JsonToken vt = p.nextToken();
                    JVal v = value(p, vt, source, key.equals("data"));
                    if (m.put(key, v) != null) {
                        throw new McugenException(Diag.MCG_IMPORT_JSON, source,
                                "has the key \"" + key + "\" twice in one object (line " + keyLine + ")");
                    }
                }
                return new JObj(Collections.unmodifiableMap(m), line);
            }
            case START_ARRAY:
                return floats ? floatArray(p, line) : array(p, source, line);
            case VALUE_STRING:
                return new JStr(p.getText(), line);
            case VALUE_NUMBER_INT:
                return new JNum(p.getText(), true, line);
            case VALUE_NUMBER_FLOAT:
                return new JNum(numberText(p), false, line);
            case VALUE_TRUE:
                return new JBool(true, line);
            case VALUE_FALSE:
                return new JBool(false, line);
            case VALUE_NULL:
                return new JNull(line);
            default:
                throw new McugenException(Diag.MCG_IMPORT_JSON, source,
                        "has an unexpected " + t + at(p.currentTokenLocation()));
        }
    }

    /** The text of a float token; the non-standard NaN / ±Infinity spellings normalized for parseFloat. */
    private static String numberText(JsonParser p) throws IOException {
        if (p.isNaN()) {
            return Double.toString(p.getDoubleValue());
        }
        return p.getText();
    }

    private static JArr array(JsonParser p, String source, int line) throws IOException {
        List<JVal> items = new ArrayList<>();
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            items.add(value(p, t, source, false));
        }
        return new JArr(Collections.unmodifiableList(items), line);
    }

    private static JFloats floatArray(JsonParser p, int line) throws IOException {
        float[] v = new float[64];
        int n = 0;
        int badIndex = -1;
        String badWhat = null;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (badIndex < 0 && (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT)) {
                if (n == v.length) {
                    v = Arrays.copyOf(v, v.length * 2);
                }
                v[n++] = Float.parseFloat(t == JsonToken.VALUE_NUMBER_INT ? p.getText() : numberText(p));
                continue;
            }
            if (badIndex < 0) {
                badIndex = n;
                badWhat = describe(value(p, t, "", false));
            } else if (t == JsonToken.START_ARRAY || t == JsonToken.START_OBJECT) {
                p.skipChildren();
            }
        }
        return new JFloats(n == v.length ? v : Arrays.copyOf(v, n), badIndex, badWhat, line);
    }
}
