package dev.mcugen.scale;

import dev.mcugen.ir.quant.QuantType;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The solver's answer: every tensor's quantized type, and the outcome of every contract. */
public record Solution(Map<String, QuantType> types, List<ContractResult> results) {
    public Solution {
        types = Collections.unmodifiableMap(new LinkedHashMap<>(types));
        results = List.copyOf(results);
    }

    /** The type of {@code tensor}; fails if the system did not declare it. */
    public QuantType type(String tensor) {
        QuantType t = types.get(tensor);
        if (t == null) {
            throw new IllegalArgumentException("no quantized type for tensor '" + tensor + "'");
        }
        return t;
    }
}
