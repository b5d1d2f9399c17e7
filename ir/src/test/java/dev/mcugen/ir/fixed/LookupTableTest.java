package dev.mcugen.ir.fixed;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * {@link LookupTable}: the int8 tables are exact to half an output step, the int16 interpolated tables
 * (TensorFlow Lite's) stay within the bounds {@link PointwiseErrors} measures (docs/activations.md), and
 * {@link LookupTable#lookup16} equals TFLite's {@code LUTLookup} (arithmetic shift of a possibly negative
 * product) on every input.
 */
class LookupTableTest {
    @Test
    void int8TablesAreExactToHalfAStep() {
        for (PointwiseErrors.Fn f : PointwiseErrors.FUNCTIONS) {
            PointwiseErrors.Result r = PointwiseErrors.int8(f);
            assertThat(r.maxSteps()).as(f.name()).isLessThanOrEqualTo(0.5 + 1e-9);
        }
    }

    @Test
    void int16TablesStayWithinTheirMeasuredBounds() {
        for (PointwiseErrors.Fn f : PointwiseErrors.FUNCTIONS) {
            PointwiseErrors.Result r = PointwiseErrors.int16(f);
            assertThat(r.maxSteps()).as(f.name()).isLessThanOrEqualTo(f.int16Bound());
        }
    }

    @Test
    void lookup16IsTflitesLutLookup() {
        DoubleUnaryOperator swish = x -> x / (1 + StrictMath.exp(-x));
        int[] t = LookupTable.int16(swish, 8.0 / 32767, 0, 8.0 / 32767, 0, -32767, 32767);
        for (int x = -32768; x <= 32767; x++) {
            int index = 256 + (x >> 7);
            int offset = x & 0x7f;
            int base = t[index];
            int slope = t[index + 1] - t[index];
            int tflite = base + ((slope * offset + 64) >> 7);
            int got = LookupTable.lookup16(t, x);
            assertThat(got).as("x %d", x).isEqualTo(tflite);
            assertThat(got).isBetween(Math.min(t[index], t[index + 1]), Math.max(t[index], t[index + 1]));
        }
    }

    @Test
    void tablesClampToTheOutputType() {
        DoubleUnaryOperator big = x -> 100 * x;
        int[] t8 = LookupTable.int8(big, 0.1, 0, 0.1, -10, -128, 127);
        assertThat(t8[0]).isEqualTo(-128);
        assertThat(t8[255]).isEqualTo(127);
        int[] t16 = LookupTable.int16(big, 1e-3, 0, 1e-3, 0, -32767, 32767);
        assertThat(t16[0]).isEqualTo(-32767);
        assertThat(t16[512]).isEqualTo(32767);
    }
}
