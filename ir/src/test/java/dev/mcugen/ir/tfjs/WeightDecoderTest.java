package dev.mcugen.ir.tfjs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WeightDecoderTest {

    @Test
    void float16MatchesTheTfjsDecoderOnEveryBitPattern() {
        for (int h = 0; h < 0x10000; h++) {
            int bits = Float.floatToRawIntBits(WeightDecoder.halfToFloat(h));
            assertThat(bits).as("half 0x%04x", h).isEqualTo(Float16.tfjsBits(h));
        }
    }

    @Test
    void float16KnownValues() {
        assertThat(WeightDecoder.halfToFloat(0x3c00)).isEqualTo(1f);
        assertThat(WeightDecoder.halfToFloat(0xc000)).isEqualTo(-2f);
        assertThat(WeightDecoder.halfToFloat(0x7bff)).isEqualTo(65504f);
        assertThat(WeightDecoder.halfToFloat(0x0001)).isEqualTo(0x1p-24f);
        assertThat(WeightDecoder.halfToFloat(0x03ff)).isEqualTo(1023 * 0x1p-24f);
        assertThat(WeightDecoder.halfToFloat(0x0400)).isEqualTo(0x1p-14f);
        assertThat(Float.floatToRawIntBits(WeightDecoder.halfToFloat(0x8000))).isEqualTo(0x80000000);
        assertThat(WeightDecoder.halfToFloat(0x7c00)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(WeightDecoder.halfToFloat(0xfc00)).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(WeightDecoder.halfToFloat(0x7e00)).isNaN();
    }

    @Test
    void testEncoderRoundsToNearestEven() {
        for (int h = 0; h < 0x7c00; h++) {
            float f = WeightDecoder.halfToFloat(h);
            assertThat(Float16.encode(f)).isEqualTo(h);
            assertThat(Float16.encode(-f)).isEqualTo(h | 0x8000);
        }
        // halfway between 1 and the next half (1 + 2^-10) goes to the even one, 1
        assertThat(Float16.encode(1f + 0x1p-11f)).isEqualTo(0x3c00);
        assertThat(Float16.encode(1f + 3 * 0x1p-11f)).isEqualTo(0x3c02);
        assertThat(Float16.encode(65519f)).isEqualTo(0x7bff);
        assertThat(Float16.encode(65520f)).isEqualTo(0x7c00);
    }
}
