package dev.mcugen.ir.quant;

import dev.mcugen.ir.Shape;
import dev.mcugen.ir.fixed.LookupTable;

import java.util.List;

/**
 * An element-wise function by table ({@link LookupTable}), computed offline from the real function
 * and the input and output types:
 * <pre>
 *   int8:  y = T[x + 128]                          T: 256 int8 entries
 *   int16: y = T[i] + floor((o (T[i+1] - T[i]) + 64) / 128),  i = (x + 32768) >> 7, o = x &amp; 127
 *                                                  T: 513 int16 entries (TFLite's int16 LUT)
 * </pre>
 * Input and output have the same width; every entry lies in the output type's {@code [qmin, qmax]},
 * so no clamp is needed. Realizes ELU, swish, hard swish and the hard sigmoids with a calibrated input.
 *
 * @param function what the table holds, for reports and comments (e.g. "elu(alpha=1)")
 */
public record QLut(String name, String input, Shape outputShape, QuantType outputType, String function,
                   IntTensor table) implements QFeedForward {
    public QLut {
        int bits = outputType.bits();
        int expected = bits == 8 ? LookupTable.INT8_ENTRIES : bits == 16 ? LookupTable.INT16_ENTRIES : -1;
        if (table.size() != expected) {
            throw new IllegalArgumentException(name + ": a table for int" + bits + " has " + expected
                    + " entries, not " + table.size());
        }
        for (int i = 0; i < table.size(); i++) {
            long v = table.get(i);
            if (v < outputType.qmin() || v > outputType.qmax()) {
                throw new IllegalArgumentException(name + ": table entry " + i + " = " + v + " outside the output type");
            }
        }
    }

    @Override
    public List<String> inputs() {
        return List.of(input);
    }
}
