package dev.mcugen.ir.onnx;

import static dev.mcugen.ir.onnx.OnnxImportErrorsTest.floats;
import static dev.mcugen.ir.onnx.OnnxImportErrorsTest.msg;
import static dev.mcugen.ir.onnx.OnnxImportErrorsTest.valueInfo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcugen.ir.Diag;
import dev.mcugen.ir.ImportedModel;
import dev.mcugen.ir.LearnedGrids;
import dev.mcugen.ir.McugenException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ONNX QuantizeLinear / DequantizeLinear: int8 weights behind a DequantizeLinear become the float weight
 * {@code q * scale} and a learned grid (per tensor, per axis), a QuantizeLinear -> DequantizeLinear pair on an
 * activation a learned range; every malformed form is refused with its own key naming the node. The files are
 * written here with protobuf-java (field numbers of onnx.proto).
 */
class OnnxQdqTest {
    @TempDir
    Path dir;

    /** An int8 (type 3) or other integer TensorProto with raw little-endian data of {@code width} bytes. */
    static byte[] ints(String name, int type, long[] dims, long... values) {
        int width = type == OnnxTensors.INT32 ? 4 : 1;
        byte[] raw = new byte[values.length * width];
        for (int k = 0; k < values.length; k++) {
            for (int b = 0; b < width; b++) {
                raw[k * width + b] = (byte) (values[k] >> (8 * b));
            }
        }
        return msg(o -> {
            for (long d : dims) {
                o.writeInt64(1, d);
            }
            o.writeInt32(2, type);
            o.writeString(8, name);
            o.writeByteArray(9, raw);
        });
    }

    static byte[] floatTensor(String name, long[] dims, float... v) {
        return msg(o -> {
            for (long d : dims) {
                o.writeInt64(1, d);
            }
            o.writeInt32(2, OnnxTensors.FLOAT);
            o.writeString(8, name);
            o.writeByteArray(9, floats(v));
        });
    }

    /** A NodeProto: op, name, inputs, outputs, INT attributes as name/value pairs. */
    static byte[] node(String op, String name, String[] in, String[] out, Object... intAttrs) {
        return msg(o -> {
            for (String i : in) {
                o.writeString(1, i);
            }
            for (String x : out) {
                o.writeString(2, x);
            }
            o.writeString(3, name);
            o.writeString(4, op);
            for (int k = 0; k < intAttrs.length; k += 2) {
                String a = (String) intAttrs[k];
                long v = ((Number) intAttrs[k + 1]).longValue();
                o.writeByteArray(5, msg(x -> {
                    x.writeString(1, a);
                    x.writeInt64(3, v);
                    x.writeInt32(20, 2);
                }));
            }
        });
    }

    static byte[] model(List<byte[]> nodes, List<byte[]> inits, long[] x, long[] y) {
        byte[] graph = msg(o -> {
            for (byte[] n : nodes) {
                o.writeByteArray(1, n);
            }
            o.writeString(2, "g");
            for (byte[] t : inits) {
                o.writeByteArray(5, t);
            }
            o.writeByteArray(11, valueInfo("x", x));
            o.writeByteArray(12, valueInfo("y", y));
        });
        return msg(o -> {
            o.writeInt64(1, 8);
            o.writeByteArray(8, msg(s -> s.writeInt64(2, 13)));
            o.writeByteArray(7, graph);
        });
    }

    /**
     * y = Gemm(x, DequantizeLinear(Wq, scale, zp), B), transB 1: x [1, 2], Wq int8 [3, 2] = {1, -2, 3, -4, 5, -6}.
     * {@code zp} null leaves the zero point out; {@code axis} null leaves the attribute out.
     */
    private Path gemm(String file, float[] scale, long[] zp, Long axis, long... q) throws IOException {
        List<byte[]> inits = new ArrayList<>();
        inits.add(ints("Wq", OnnxTensors.INT8, new long[] {3, 2}, q.length == 0 ? new long[] {1, -2, 3, -4, 5, -6} : q));
        inits.add(floatTensor("Ws", scale.length == 1 ? new long[0] : new long[] {scale.length}, scale));
        inits.add(floatTensor("B", new long[] {3}, 0.5f, -0.5f, 1f));
        List<String> dqIn = new ArrayList<>(List.of("Wq", "Ws"));
        if (zp != null) {
            inits.add(ints("Wz", OnnxTensors.INT8, zp.length == 1 ? new long[0] : new long[] {zp.length}, zp));
            dqIn.add("Wz");
        }
        byte[] dq = axis == null ? node("DequantizeLinear", "/fc/w/DequantizeLinear", dqIn.toArray(String[]::new),
                new String[] {"W"}) : node("DequantizeLinear", "/fc/w/DequantizeLinear", dqIn.toArray(String[]::new),
                new String[] {"W"}, "axis", axis);
        byte[] g = node("Gemm", "/fc/Gemm", new String[] {"x", "W", "B"}, new String[] {"y"}, "transB", 1);
        Path f = dir.resolve(file);
        Files.write(f, model(List.of(dq, g), inits, new long[] {1, 2}, new long[] {1, 3}));
        return f;
    }

    private static void refused(Path file, Diag diag, String... contains) {
        assertThatThrownBy(() -> OnnxImporter.load(file)).isInstanceOfSatisfying(McugenException.class, e -> {
            assertThat(e.diag()).isEqualTo(diag);
            assertThat(e.getMessage()).startsWith(file.toString()).doesNotContain("\n").contains("/fc/w/DequantizeLinear");
            for (String c : contains) {
                assertThat(e.getMessage()).contains(c);
            }
        });
    }

    @Test
    void perTensorWeightsBecomeTheFloatWeightAndTheirGrid() throws IOException {
        ImportedModel m = OnnxImporter.load(gemm("t.onnx", new float[] {0.1f}, new long[] {0}, null));
        // Keras layout [in, out]: column o is W row o, each value q * 0.1 in float32.
        float[] k = m.graph().nodes().get(0).weight("kernel").toArray();
        assertThat(k).containsExactly(1 * 0.1f, 3 * 0.1f, 5 * 0.1f, -2 * 0.1f, -4 * 0.1f, -6 * 0.1f);
        LearnedGrids.WeightGrid g = m.grids().weight("fc_Gemm", "kernel").orElseThrow();
        assertThat(g.scales()).containsExactly((double) 0.1f);
        assertThat(g.bits()).isEqualTo(4); // max |q| = 6: the 4-bit narrow range -7..7
        assertThat(g.source()).isEqualTo("/fc/w/DequantizeLinear");
        assertThat(m.grids().ranges()).isEmpty();
        // Without a zero point (it defaults to 0) and with max |q| 1: 2 bits.
        ImportedModel two = OnnxImporter.load(gemm("t2.onnx", new float[] {0.5f}, null, null, 1, -1, 0, 1, -1, 0));
        assertThat(two.grids().weight("fc_Gemm", "kernel").orElseThrow().bits()).isEqualTo(2);
    }

    @Test
    void perAxisStepsFollowTheOutputChannels() throws IOException {
        ImportedModel m = OnnxImporter.load(gemm("a.onnx", new float[] {0.5f, 0.25f, 0.125f}, new long[] {0, 0, 0}, 0L));
        float[] k = m.graph().nodes().get(0).weight("kernel").toArray();
        assertThat(k).containsExactly(0.5f, 0.75f, 0.625f, -1f, -1f, -0.75f);
        assertThat(m.grids().weight("fc_Gemm", "kernel").orElseThrow().scales()).containsExactly(0.5, 0.25, 0.125);
    }

    @Test
    void malformedWeightQuantizationIsRefusedNamingTheNode() throws IOException {
        refused(gemm("zp.onnx", new float[] {0.1f}, new long[] {3}, null), Diag.MCG_ONNX_QDQ_ZERO_POINT, "zero point 3");
        refused(gemm("s0.onnx", new float[] {0f}, null, null), Diag.MCG_ONNX_QDQ_SCALE, "positive and finite");
        refused(gemm("sn.onnx", new float[] {-0.5f}, null, null), Diag.MCG_ONNX_QDQ_SCALE);
        refused(gemm("si.onnx", new float[] {Float.NaN}, null, null), Diag.MCG_ONNX_QDQ_SCALE);
        refused(gemm("ax.onnx", new float[] {0.5f, 0.25f, 0.125f}, null, 2L), Diag.MCG_ONNX_QDQ_AXIS, "axis 2");
        refused(gemm("ax2.onnx", new float[] {0.5f, 0.25f, 0.125f}, null, 1L), Diag.MCG_ONNX_QDQ_AXIS, "3 scales");
        refused(gemm("m128.onnx", new float[] {0.1f}, null, null, -128, 1, 2, 3, 4, 5), Diag.MCG_ONNX_QDQ_UNSUPPORTED,
                "-128");
        // Steps on the input axis (axis 1 of a [out, in] weight) cannot become per-output-channel steps.
        Path in = gemm("inaxis.onnx", new float[] {0.5f, 0.25f}, null, 1L);
        assertThatThrownBy(() -> OnnxImporter.load(in)).isInstanceOfSatisfying(McugenException.class,
                e -> assertThat(e.diag()).isEqualTo(Diag.MCG_ONNX_QDQ_UNSUPPORTED));
    }

    @Test
    void aQuantizeDequantizePairOnAnActivationBecomesItsRange() throws IOException {
        List<byte[]> inits = List.of(floatTensor("s", new long[0], 0.02f), ints("z", OnnxTensors.INT8, new long[0], -10),
                floatTensor("W", new long[] {3, 2}, 1, 2, 3, 4, 5, 6));
        List<byte[]> nodes = List.of(
                node("QuantizeLinear", "/q/QuantizeLinear", new String[] {"x", "s", "z"}, new String[] {"xq"}),
                node("DequantizeLinear", "/q/DequantizeLinear", new String[] {"xq", "s", "z"}, new String[] {"xd"}),
                node("Gemm", "/fc/Gemm", new String[] {"xd", "W"}, new String[] {"h"}, "transB", 1),
                node("QuantizeLinear", "/q2/QuantizeLinear", new String[] {"h", "s", "z"}, new String[] {"hq"}),
                node("DequantizeLinear", "/q2/DequantizeLinear", new String[] {"hq", "s", "z"}, new String[] {"y"}));
        Path f = dir.resolve("act.onnx");
        Files.write(f, model(nodes, inits, new long[] {1, 2}, new long[] {1, 3}));
        ImportedModel m = OnnxImporter.load(f);
        assertThat(m.graph().nodes()).hasSize(1);
        assertThat(m.grids().weights()).isEmpty();
        // int8 with zero point -10: [0.02 (-128 + 10), 0.02 (127 + 10)].
        assertThat(m.grids().ranges()).extracting(LearnedGrids.RangeHint::tensor).containsExactly("x", "fc_Gemm");
        assertThat(m.grids().ranges().get(0).min()).isEqualTo(0.02f * -118.0);
        assertThat(m.grids().ranges().get(0).max()).isEqualTo(0.02f * 137.0);

        // A pair between the Gemm and a ReLU the importer fuses into it saw the pre-activation: its range is not
        // the fused layer's output range, so only the input's range is kept.
        List<byte[]> fused = List.of(
                node("QuantizeLinear", "/q/QuantizeLinear", new String[] {"x", "s", "z"}, new String[] {"xq"}),
                node("DequantizeLinear", "/q/DequantizeLinear", new String[] {"xq", "s", "z"}, new String[] {"xd"}),
                node("Gemm", "/fc/Gemm", new String[] {"xd", "W"}, new String[] {"h"}, "transB", 1),
                node("QuantizeLinear", "/q2/QuantizeLinear", new String[] {"h", "s", "z"}, new String[] {"hq"}),
                node("DequantizeLinear", "/q2/DequantizeLinear", new String[] {"hq", "s", "z"}, new String[] {"hd"}),
                node("Relu", "/relu/Relu", new String[] {"hd"}, new String[] {"y"}));
        Path fr = dir.resolve("fused.onnx");
        Files.write(fr, model(fused, inits, new long[] {1, 2}, new long[] {1, 3}));
        ImportedModel mf = OnnxImporter.load(fr);
        assertThat(mf.graph().nodes()).hasSize(1);
        assertThat(mf.grids().ranges()).extracting(LearnedGrids.RangeHint::tensor).containsExactly("x");

        // The integers read by another op than DequantizeLinear: refused naming the QuantizeLinear.
        List<byte[]> bad = List.of(
                node("QuantizeLinear", "/q/QuantizeLinear", new String[] {"x", "s", "z"}, new String[] {"xq"}),
                node("Gemm", "/fc/Gemm", new String[] {"xq", "W"}, new String[] {"y"}, "transB", 1));
        Path g = dir.resolve("bad.onnx");
        Files.write(g, model(bad, inits, new long[] {1, 2}, new long[] {1, 3}));
        assertThatThrownBy(() -> OnnxImporter.load(g)).isInstanceOfSatisfying(McugenException.class, e -> {
            assertThat(e.diag()).isEqualTo(Diag.MCG_ONNX_QDQ_UNSUPPORTED);
            assertThat(e.getMessage()).contains("/q/QuantizeLinear").contains("Gemm").doesNotContain("\n");
        });
    }
}
