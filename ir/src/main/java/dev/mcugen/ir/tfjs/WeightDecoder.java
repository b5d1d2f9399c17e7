package dev.mcugen.ir.tfjs;

import dev.mcugen.ir.FloatTensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a manifest group's bytes into float32 tensors, exactly as tfjs-core
 * {@code io_utils.decodeWeights} / {@code decodeWeight} does (see {@link WeightsManifest.Encoding}).
 */
final class WeightDecoder {
    private WeightDecoder() {
    }

    /** One decoded weight. */
    record Decoded(WeightsManifest.Entry entry, FloatTensor value) {
    }

    /** Decodes every entry of {@code group} from {@code bytes}, which must hold exactly the group's bytes. */
    static List<Decoded> decode(WeightsManifest.Group group, byte[] bytes) {
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        List<Decoded> out = new ArrayList<>();
        for (WeightsManifest.Entry e : group.entries()) {
            float[] v = new float[e.shape().size()];
            if (e.encoding() == WeightsManifest.Encoding.RAW && e.type() == WeightsManifest.ValueType.FLOAT32) {
                // The common case, in bulk (the same values as value() one by one; 10^8 weights take a
                // fraction of a second this way).
                buf.asFloatBuffer().get(v);
                buf.position(buf.position() + 4 * v.length);
            } else {
                for (int i = 0; i < v.length; i++) {
                    v[i] = value(e, buf);
                }
            }
            out.add(new Decoded(e, FloatTensor.of(e.shape(), v)));
        }
        return out;
    }

    private static float value(WeightsManifest.Entry e, ByteBuffer buf) {
        return switch (e.encoding()) {
            case RAW -> e.type() == WeightsManifest.ValueType.FLOAT32 ? buf.getFloat() : (float) buf.getInt();
            case UINT8 -> affine(e, Byte.toUnsignedInt(buf.get()));
            case UINT16 -> affine(e, Short.toUnsignedInt(buf.getShort()));
            case FLOAT16 -> halfToFloat(Short.toUnsignedInt(buf.getShort()));
        };
    }

    /** {@code q * scale + min} in double, as JavaScript computes it; int32 weights are rounded half up. */
    private static float affine(WeightsManifest.Entry e, int q) {
        double v = q * e.scale() + e.min();
        return e.type() == WeightsManifest.ValueType.FLOAT32 ? (float) v : (float) Math.round(v);
    }

    /**
     * IEEE 754 binary16 to binary32, exact (every half value is a float): the same result as
     * tfjs-core's table-driven {@code getFloat16Decoder}, including signed zeros, subnormals,
     * infinities and NaN payloads.
     */
    static float halfToFloat(int h) {
        int sign = (h & 0x8000) << 16;
        int exponent = (h >>> 10) & 0x1f;
        int mantissa = h & 0x3ff;
        if (exponent == 0) {
            float magnitude = mantissa * 0x1p-24f;
            return sign == 0 ? magnitude : -magnitude;
        }
        if (exponent == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        }
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }
}
