package dev.mcugen.ir.tfjs;

/**
 * Test support for float16 weights: tfjs-core's decoder transcribed as it is written (the
 * table-driven {@code getFloat16Decoder} of {@code io/io_utils.ts}, after
 * http://www.fox-toolkit.org/ftp/fasthalffloatconversion.pdf), and a float-to-half encoder rounding
 * to nearest, ties to even, as numpy's {@code astype(np.float16)} in tensorflowjs_converter.
 */
final class Float16 {
    private static final int[] MANTISSA = new int[2048];
    private static final int[] EXPONENT = new int[64];
    private static final int[] OFFSET = new int[64];

    static {
        for (int i = 1; i < 1024; i++) {
            int m = i << 13;
            int e = 0;
            while ((m & 0x00800000) == 0) {
                e -= 0x00800000;
                m <<= 1;
            }
            m &= ~0x00800000;
            e += 0x38800000;
            MANTISSA[i] = m | e;
        }
        for (int i = 1024; i < 2048; i++) {
            MANTISSA[i] = 0x38000000 + ((i - 1024) << 13);
        }
        EXPONENT[31] = 0x47800000;
        EXPONENT[32] = 0x80000000;
        EXPONENT[63] = 0xc7800000;
        for (int i = 1; i < 31; i++) {
            EXPONENT[i] = i << 23;
        }
        for (int i = 33; i < 63; i++) {
            EXPONENT[i] = 0x80000000 + ((i - 32) << 23);
        }
        for (int i = 0; i < 64; i++) {
            OFFSET[i] = 1024;
        }
        OFFSET[0] = 0;
        OFFSET[32] = 0;
    }

    private Float16() {
    }

    /** The float32 bits tfjs-core produces for the half {@code h} (0..65535). */
    static int tfjsBits(int h) {
        return MANTISSA[OFFSET[h >> 10] + (h & 0x3ff)] + EXPONENT[h >> 10];
    }

    /** The nearest half to {@code f} (ties to even), as 16 bits. */
    static int encode(float f) {
        int sign = (Float.floatToRawIntBits(f) >>> 16) & 0x8000;
        float a = Math.abs(f);
        if (Float.isNaN(f)) {
            return sign | 0x7e00;
        }
        if (a >= 65520f) {
            return sign | 0x7c00;
        }
        if (a < 0x1p-14f) {
            return sign | (int) Math.rint(a * 0x1p24f);
        }
        int exp = Math.getExponent(a);
        int m = (int) Math.rint(a * Math.scalb(1f, 10 - exp));
        return sign | (((exp + 15) << 10) + (m - 1024));
    }
}
