package dev.mcugen.ir.keras;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcugen.ir.Diag;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.Text;
import java.util.Arrays;

/**
 * Typed access to one layer's {@code config} object as Keras and TF.js write it (snake_case keys).
 * Absent keys and JSON {@code null} both mean "use the default", as Keras' {@code from_config} does.
 * A value of the wrong type is a {@link Diag#MCG_IMPORT_FORMAT} error naming the layer and key.
 */
public final class LayerConfig {
    private final String name;
    private final String className;
    private final JsonNode config;

    public LayerConfig(String name, String className, JsonNode config) {
        this.name = name;
        this.className = className;
        this.config = config;
    }

    /** The same configuration under another node name (a nested model's layer whose name clashes). */
    public LayerConfig withName(String newName) {
        return new LayerConfig(newName, className, config);
    }

    public String name() {
        return name;
    }

    public String className() {
        return className;
    }

    /** How errors name this layer: {@code layer 'lstm' (LSTM)}. */
    public String subject() {
        return "layer '" + Text.clip(name, 80) + "' (" + Text.clip(className, 60) + ")";
    }

    /** The raw value of {@code key}, or {@code null} when absent or JSON null. */
    public JsonNode raw(String key) {
        JsonNode v = config.get(key);
        return v == null || v.isNull() ? null : v;
    }

    /** True if the config does not mention {@code key} at all (JSON null counts as mentioned). */
    public boolean absent(String key) {
        return !config.has(key);
    }

    public boolean has(String key) {
        return raw(key) != null;
    }

    public int integer(String key) {
        JsonNode v = raw(key);
        if (v == null) {
            throw format(key, "is missing");
        }
        return toInt(key, v);
    }

    public int integer(String key, int dflt) {
        JsonNode v = raw(key);
        return v == null ? dflt : toInt(key, v);
    }

    public boolean bool(String key, boolean dflt) {
        JsonNode v = raw(key);
        if (v == null) {
            return dflt;
        }
        if (!v.isBoolean()) {
            throw format(key, "must be true or false, got " + v);
        }
        return v.booleanValue();
    }

    public double number(String key, double dflt) {
        JsonNode v = raw(key);
        if (v == null) {
            return dflt;
        }
        if (!v.isNumber() || !Double.isFinite(v.doubleValue())) {
            throw format(key, "must be a number, got " + v);
        }
        return v.doubleValue();
    }

    public String string(String key, String dflt) {
        JsonNode v = raw(key);
        if (v == null) {
            return dflt;
        }
        if (!v.isTextual()) {
            throw format(key, "must be a string, got " + v);
        }
        return v.textValue();
    }

    /**
     * An integer tuple of {@code count} entries ({@code kernel_size}, {@code strides}...): Keras writes
     * a list ({@code [3, 3]}, {@code [5]}), a bare integer means the same value on every axis.
     */
    public int[] ints(String key, int count, int[] dflt) {
        JsonNode v = raw(key);
        if (v == null) {
            if (dflt == null) {
                throw format(key, "is missing");
            }
            return dflt.clone();
        }
        int[] out = new int[count];
        if (v.isArray()) {
            if (v.size() != count) {
                throw format(key, "must list " + count + " integer(s), got " + v);
            }
            for (int i = 0; i < count; i++) {
                out[i] = toInt(key, v.get(i));
            }
        } else {
            Arrays.fill(out, toInt(key, v));
        }
        return out;
    }

    /** An axis such as BatchNormalization's or Softmax's {@code axis}: an integer or a list of one integer. */
    public int singleAxis(String key, int dflt) {
        JsonNode v = raw(key);
        if (v == null) {
            return dflt;
        }
        if (v.isArray()) {
            if (v.size() != 1) {
                throw unsupported("has " + key + " " + v + "; mcugen supports a single axis, the last one");
            }
            return toInt(key, v.get(0));
        }
        return toInt(key, v);
    }

    public McugenException unsupported(String detail) {
        return new McugenException(Diag.MCG_IMPORT_OPTION_UNSUPPORTED, subject(), detail);
    }

    public McugenException format(String key, String detail) {
        return new McugenException(Diag.MCG_IMPORT_FORMAT, subject(), "config field '" + key + "' " + detail);
    }

    private int toInt(String key, JsonNode v) {
        if (v.isIntegralNumber() && v.canConvertToInt()) {
            return v.intValue();
        }
        if (v.isFloatingPointNumber() && v.doubleValue() == Math.rint(v.doubleValue())
                && Math.abs(v.doubleValue()) <= Integer.MAX_VALUE) {
            return (int) v.doubleValue();
        }
        throw format(key, "must be an integer, got " + v);
    }
}
