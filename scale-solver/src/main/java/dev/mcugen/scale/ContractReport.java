package dev.mcugen.scale;

import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import dev.mcugen.ir.Names;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcugen.ir.quant.QuantType;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The "quantization" section of {@code report.json} (DESIGN §5, §8): the options, a summary, every
 * contract as held / rounded (with its relative residual) / violated (why), every tensor's integer
 * type next to its calibrated range (and whether that range is clipped), every effective scale, and
 * the overflow bound of every accumulator.
 *
 * <p>The JSON is deterministic: keys in a fixed order (the order written below), arrays in
 * declaration order, doubles printed by {@link Double#toString} (which parses back to the same
 * double), non-finite numbers as {@code null}, names in snake_case, enum values in lower case.
 *
 * <pre>
 * {
 *   "options":      {precision, rescale, rescale_resolved, activation, per_channel, target},
 *   "summary":      {tensors, contracts, held, rounded, violated, clipped_tensors,
 *                    rescales, max_rescale_residual, accumulators, unsafe_accumulators},
 *   "contracts":    [{kind, tensors, status, residual, detail}],
 *   "tensors":      [{name, bits, symmetry, scale, zero_point, qmin, qmax, q_format, scale_log2,
 *                     calibrated_min, calibrated_max, real_min, real_max, clipped}],
 *   "rescales":     [{layer, name, real, form, multiplier, shift, realized, residual}],
 *   "accumulators": [{layer, accumulator, worst_row, bound, limit, headroom_bits, safe, action}]
 * }
 * </pre>
 * {@code q_format} ("Q3.12") is null unless the type is a power-of-two format (zero point 0);
 * {@code scale_log2} is null unless the scale is a power of two; {@code clipped} is true when the
 * type clips the calibrated range by more than one step ({@link ScaleRules#clips}).
 */
public record ContractReport(QuantOptions options, Map<String, TensorSpec> tensors, Solution solution,
                             List<AccumulatorBound> bounds, List<RescaleRecord> rescales) {
    /** The key of this section in report.json. */
    public static final String SECTION = "quantization";

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    public ContractReport {
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        bounds = List.copyOf(bounds);
        rescales = List.copyOf(rescales);
    }

    /** The section as a JSON tree. */
    public ObjectNode toJson() {
        ObjectNode root = JSON.objectNode();
        root.set("options", optionsJson());
        root.set("summary", summaryJson());
        ArrayNode contracts = root.putArray("contracts");
        solution.results().forEach(r -> contracts.add(contract(r)));
        ArrayNode ts = root.putArray("tensors");
        tensors.values().forEach(spec -> ts.add(tensor(spec, solution.type(spec.name()))));
        ArrayNode rs = root.putArray("rescales");
        rescales.forEach(r -> rs.add(rescale(r)));
        ArrayNode acc = root.putArray("accumulators");
        bounds.forEach(b -> acc.add(accumulator(b)));
        return root;
    }

    /** The section as indented JSON text. */
    public String toJsonString() {
        try {
            return mapper().writeValueAsString(toJson());
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Puts this section under {@value #SECTION} into a report.json root object. */
    public ObjectNode into(ObjectNode reportRoot) {
        reportRoot.set(SECTION, toJson());
        return reportRoot;
    }

    /**
     * The mapper the report is written with: indented output, and characters that are invisible or
     * reorder text (control, bidirectional, format: {@link Names#printable}) written as {@code \\uXXXX}
     * escapes, so a name from a hostile model keeps its value but cannot reorder what a reader of
     * the file sees.
     */
    public static ObjectMapper mapper() {
        ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        m.getFactory().setCharacterEscapes(VISIBLE);
        return m;
    }

    private static final CharacterEscapes VISIBLE = new CharacterEscapes() {
        private static final long serialVersionUID = 1L;
        private final int[] ascii = standardAsciiEscapesForJSON();

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            // called per UTF-16 unit: surrogates are escaped too (valid JSON, same string)
            return Names.printable(ch) && !Character.isSurrogate((char) ch) ? null
                    : new SerializedString(String.format(Locale.ROOT, "\\u%04x", ch));
        }
    };

    /** Whether {@code type} clips the calibrated range of {@code spec} ({@link ScaleRules#clips}: beyond one step). */
    public static boolean clipped(TensorSpec spec, QuantType type) {
        return ScaleRules.clips(type, spec.min(), spec.max());
    }

    // ---- parts ---------------------------------------------------------------------------

    private ObjectNode optionsJson() {
        ObjectNode o = JSON.objectNode();
        o.put("precision", lower(options.precision()));
        o.put("rescale", lower(options.rescale()));
        o.put("rescale_resolved", options.powerOfTwoRescale() ? "pot" : "multiplier");
        o.put("activation", lower(options.activation()));
        o.put("per_channel", options.perChannel());
        o.put("target", options.target().cliName());
        return o;
    }

    private ObjectNode summaryJson() {
        ObjectNode s = JSON.objectNode();
        s.put("tensors", tensors.size());
        s.put("contracts", solution.results().size());
        for (ContractResult.Status st : ContractResult.Status.values()) {
            s.put(lower(st), solution.results().stream().filter(r -> r.status() == st).count());
        }
        s.put("clipped_tensors", tensors.values().stream().filter(t -> clipped(t, solution.type(t.name()))).count());
        s.put("rescales", rescales.size());
        number(s, "max_rescale_residual", rescales.stream().mapToDouble(r -> r.scale().residual()).max().orElse(0));
        s.put("accumulators", bounds.size());
        s.put("unsafe_accumulators", bounds.stream().filter(b -> !b.safe()).count());
        return s;
    }

    /** One contract's row of the {@code contracts} table. */
    public static ObjectNode contract(ContractResult r) {
        ObjectNode c = JSON.objectNode();
        c.put("kind", r.contract().kind());
        ArrayNode ts = c.putArray("tensors");
        r.contract().tensors().forEach(ts::add);
        c.put("status", lower(r.status()));
        number(c, "residual", r.residual());
        c.put("detail", r.detail());
        return c;
    }

    private static ObjectNode tensor(TensorSpec spec, QuantType t) {
        ObjectNode o = JSON.objectNode();
        o.put("name", spec.name());
        o.put("bits", t.bits());
        o.put("symmetry", lower(spec.symmetry()));
        number(o, "scale", t.scale());
        o.put("zero_point", t.zeroPoint());
        o.put("qmin", t.qmin());
        o.put("qmax", t.qmax());
        if (t.isPowerOfTwo()) {
            o.put("q_format", "Q" + t.integerBits() + "." + t.fractionalBits());
        } else {
            o.putNull("q_format");
        }
        if (t.scale() == Math.scalb(1.0, Math.getExponent(t.scale()))) {
            o.put("scale_log2", Math.getExponent(t.scale()));
        } else {
            o.putNull("scale_log2");
        }
        number(o, "calibrated_min", spec.min());
        number(o, "calibrated_max", spec.max());
        number(o, "real_min", t.realMin());
        number(o, "real_max", t.realMax());
        o.put("clipped", clipped(spec, t));
        return o;
    }

    /** One effective scale's row of the {@code rescales} table. */
    public static ObjectNode rescale(RescaleRecord r) {
        EffectiveScale s = r.scale();
        ObjectNode o = JSON.objectNode();
        o.put("layer", r.layer());
        o.put("name", r.name());
        number(o, "real", s.real());
        o.put("form", s.shiftOnly() ? "shift" : "multiplier");
        o.put("multiplier", s.multiplier());
        o.put("shift", s.shift());
        number(o, "realized", s.realized());
        number(o, "residual", s.residual());
        return o;
    }

    /** One accumulator's row of the {@code accumulators} table. */
    public static ObjectNode accumulator(AccumulatorBound b) {
        ObjectNode o = JSON.objectNode();
        o.put("layer", b.layer());
        o.put("accumulator", b.accumulator());
        o.put("worst_row", b.row());
        o.put("bound", b.bound());
        o.put("limit", b.limit());
        o.put("headroom_bits", b.headroomBits());
        o.put("safe", b.safe());
        o.put("action", b.action());
        return o;
    }

    private static void number(ObjectNode o, String key, double x) {
        if (Double.isFinite(x)) {
            o.put(key, x);
        } else {
            o.putNull(key);
        }
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
