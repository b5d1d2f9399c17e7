package dev.mcugen.ir.tfjs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.Node;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Real fixtures rewritten with quantized weights as tensorflowjs_converter writes them
 * ({@code --quantize_uint8 / --quantize_uint16 / --quantize_float16}; tfjs-converter
 * {@code quantization.py}, {@code write_weights.py}): the importer must give exactly what tfjs-core's
 * decoder gives, and stay within the quantization step of the original weights.
 */
class QuantizedWeightsTest {
    @TempDir
    Path tmp;

    /** A stored weight and the float32 values tfjs-core decodes from it. */
    private record Quantized(ModelFiles.Stored stored, float[] decoded, double tolerance) {
    }

    @ParameterizedTest(name = "{0} as {1}")
    @CsvSource({"functional_resblock_conv1d, uint8", "functional_resblock_conv1d, uint16",
            "functional_resblock_conv1d, float16", "lstm_default_seq, uint8", "gru_reset_after_keras, uint16",
            "dense_relu, mixed", "batchnorm_dense, mixed", "gru_stacked, mixed"})
    void quantizedManifest(String fixture, String scheme) {
        Path dir = ModelFiles.copy(fixture, tmp);
        Map<String, ModelFiles.Stored> raw = ModelFiles.readWeights(dir);
        List<ModelFiles.Stored> stored = new ArrayList<>();
        Map<String, Quantized> byName = new HashMap<>();
        String[] mixed = {"uint8", "float16", "raw", "uint16"};
        int i = 0;
        for (ModelFiles.Stored w : raw.values()) {
            String s = scheme.equals("mixed") ? mixed[i++ % mixed.length] : scheme;
            Quantized q = quantize(w, s);
            stored.add(q.stored());
            byName.put(w.name(), q);
        }
        ObjectNode json = ModelFiles.modelJson(dir);
        ModelFiles.writeWeights(dir, json, stored);

        Graph g = TfjsImporter.load(dir);
        int checked = 0;
        for (Node n : g.nodes()) {
            for (Map.Entry<String, FloatTensor> e : n.weights().entrySet()) {
                String name = raw.keySet().stream()
                        .filter(k -> k.startsWith(n.name() + "/") && k.endsWith("/" + e.getKey())).findFirst().orElseThrow();
                Quantized q = byName.get(name);
                float[] got = e.getValue().toArray();
                assertThat(got).as(name).isEqualTo(q.decoded());
                float[] original = raw.get(name).floats();
                for (int k = 0; k < got.length; k++) {
                    assertThat(Math.abs((double) got[k] - original[k])).as(name + "[" + k + "]")
                            .isLessThanOrEqualTo(q.tolerance() + Math.ulp(original[k]));
                }
                checked++;
            }
        }
        assertThat(checked).isEqualTo(raw.size());
    }

    @Test
    void valuesNeedNotBeAlignedInTheShard() {
        Path dir = ModelFiles.copy("dense_relu", tmp);
        Map<String, ModelFiles.Stored> raw = ModelFiles.readWeights(dir);
        Quantized bias = quantize(raw.get("dense_2/bias"), "uint8");
        List<ModelFiles.Stored> stored = List.of(bias.stored(), raw.get("dense_1/kernel"),
                quantize(raw.get("dense_1/bias"), "float16").stored(), raw.get("dense_2/kernel"));
        ModelFiles.writeWeights(dir, ModelFiles.modelJson(dir), stored);
        Graph g = TfjsImporter.load(dir);
        assertThat(g.nodes().get(1).weight("bias").toArray()).isEqualTo(bias.decoded());
        assertThat(g.nodes().get(0).weight("kernel").toArray()).isEqualTo(raw.get("dense_1/kernel").floats());
        assertThat(g.nodes().get(1).weight("kernel").toArray()).isEqualTo(raw.get("dense_2/kernel").floats());
    }

    /** tfjs-converter's {@code quantize_weights}: affine uint8 / uint16 with a nudged zero, or float16. */
    private static Quantized quantize(ModelFiles.Stored w, String scheme) {
        float[] x = w.floats();
        if (scheme.equals("raw")) {
            return new Quantized(w, x, 0);
        }
        ObjectNode q = ModelFiles.JSON.createObjectNode();
        q.put("dtype", scheme);
        if (scheme.equals("float16")) {
            q.put("original_dtype", "float32");
            ByteBuffer b = ByteBuffer.allocate(2 * x.length).order(ByteOrder.LITTLE_ENDIAN);
            float[] decoded = new float[x.length];
            double tolerance = 0;
            for (int k = 0; k < x.length; k++) {
                int h = Float16.encode(x[k]);
                b.putShort((short) h);
                decoded[k] = Float.intBitsToFloat(Float16.tfjsBits(h));
                tolerance = Math.max(tolerance, Math.abs(x[k]) * 0x1p-11 + 0x1p-25);
            }
            return new Quantized(new ModelFiles.Stored(w.name(), w.shape(), "float32", q, b.array()), decoded, tolerance);
        }
        int quantMax = scheme.equals("uint8") ? 255 : 65535;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (float v : x) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        double scale;
        double nudgedMin = min;
        double nudgedMax = max;
        int[] levels = new int[x.length];
        if (min == max) {
            scale = 1.0;
        } else {
            scale = (max - min) / quantMax;
            if (min <= 0 && 0 <= max) {
                double zeroPoint = Math.rint((0 - min) / scale);
                nudgedMin = -zeroPoint * scale;
                nudgedMax = quantMax * scale + nudgedMin;
            }
            for (int k = 0; k < x.length; k++) {
                double clipped = Math.min(Math.max(x[k], nudgedMin), nudgedMax);
                levels[k] = (int) Math.min(quantMax, Math.max(0, Math.rint((clipped - nudgedMin) / scale)));
            }
        }
        q.put("min", nudgedMin).put("scale", scale).put("original_dtype", "float32");
        ByteBuffer b = ByteBuffer.allocate((quantMax == 255 ? 1 : 2) * x.length).order(ByteOrder.LITTLE_ENDIAN);
        float[] decoded = new float[x.length];
        for (int k = 0; k < x.length; k++) {
            if (quantMax == 255) {
                b.put((byte) levels[k]);
            } else {
                b.putShort((short) levels[k]);
            }
            decoded[k] = (float) (levels[k] * scale + nudgedMin);
        }
        double tolerance = min == max ? 0 : scale / 2 * (1 + 1e-9);
        return new Quantized(new ModelFiles.Stored(w.name(), w.shape(), "float32", q, b.array()), decoded, tolerance);
    }
}
