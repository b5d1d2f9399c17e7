package dev.mcugen.ir.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcugen.ir.Diag;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.Op;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the ONNX importer refuses of Pad, MaxPool / AveragePool with explicit pads, Resize and
 * ConvTranspose, by node name and reason, and the forms it accepts (hand-written one-node models).
 */
class OnnxShapeOpsErrorsTest {
    @TempDir
    Path dir;

    /** An attribute: {@code value} a Long (INT), long[] (INTS), String (STRING) or Float (FLOAT). */
    private static byte[] attr(String name, Object value) {
        return OnnxImportErrorsTest.msg(a -> {
            a.writeString(1, name);
            if (value instanceof Long v) {
                a.writeInt64(3, v);
                a.writeInt32(20, 2);
            } else if (value instanceof long[] v) {
                for (long x : v) {
                    a.writeInt64(8, x);
                }
                a.writeInt32(20, 7);
            } else if (value instanceof Float v) {
                a.writeFloat(2, v);
                a.writeInt32(20, 1);
            } else {
                a.writeByteArray(4, ((String) value).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                a.writeInt32(20, 3);
            }
        });
    }

    private static byte[] int64s(String name, long... v) {
        return OnnxImportErrorsTest.msg(o -> {
            o.writeInt64(1, v.length);
            o.writeInt32(2, OnnxTensors.INT64);
            o.writeString(8, name);
            ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
            for (long x : v) {
                b.putLong(x);
            }
            o.writeByteArray(9, b.array());
        });
    }

    private Path model(String file, String opType, String[] inputs, byte[][] inits, long[] x, long[] y, byte[]... attrs)
            throws IOException {
        byte[] node = OnnxImportErrorsTest.msg(o -> {
            for (String in : inputs) {
                o.writeString(1, in);
            }
            o.writeString(2, "y");
            o.writeString(3, "/net/" + opType);
            o.writeString(4, opType);
            for (byte[] a : attrs) {
                o.writeByteArray(5, a);
            }
        });
        byte[] graph = OnnxImportErrorsTest.msg(o -> {
            o.writeByteArray(1, node);
            for (byte[] init : inits) {
                o.writeByteArray(5, init);
            }
            o.writeByteArray(11, OnnxImportErrorsTest.valueInfo("x", x));
            o.writeByteArray(12, OnnxImportErrorsTest.valueInfo("y", y));
        });
        Path f = dir.resolve(file);
        Files.write(f, OnnxImportErrorsTest.msg(o -> {
            o.writeByteArray(8, OnnxImportErrorsTest.msg(m -> m.writeInt64(2, 17)));
            o.writeByteArray(7, graph);
        }));
        return f;
    }

    private static void refused(Path file, String... contains) {
        assertThatThrownBy(() -> OnnxImporter.load(file)).isInstanceOfSatisfying(McugenException.class, e -> {
            assertThat(e.diag()).isEqualTo(Diag.MCG_IMPORT_UNSUPPORTED);
            assertThat(e.getMessage()).startsWith(file.toString()).doesNotContain("\n");
            for (String c : contains) {
                assertThat(e.getMessage()).contains(c);
            }
        });
    }

    @Test
    void padModesAndValuesOtherThanConstantZeroAreRefusedNamingTheNode() throws IOException {
        byte[] pads = int64s("pads", 0, 0, 1, 2, 0, 0, 3, 0);
        long[] x = {1, 2, 4, 4};
        long[] y = {1, 2, 8, 6};
        Path ok = model("pad.onnx", "Pad", new String[] {"x", "pads"}, new byte[][] {pads}, x, y);
        assertThat(OnnxImporter.load(ok).graph().nodes().get(0).op()).isEqualTo(new Op.ZeroPadding(List.of(1, 3, 2, 0)));
        refused(model("reflect.onnx", "Pad", new String[] {"x", "pads"}, new byte[][] {pads}, x, y, attr("mode", "reflect")),
                "node '/net/Pad'", "Pad mode 'reflect'");
        refused(model("edge.onnx", "Pad", new String[] {"x", "pads"}, new byte[][] {pads}, x, y, attr("mode", "edge")),
                "node '/net/Pad'", "Pad mode 'edge'");
        byte[] value = OnnxImportErrorsTest.tensor("v", new long[0], OnnxImportErrorsTest.floats(1.5f));
        refused(model("value.onnx", "Pad", new String[] {"x", "pads", "v"}, new byte[][] {pads, value}, x, y),
                "node '/net/Pad'", "Pad with the constant 1.5");
        byte[] channel = int64s("pads", 0, 1, 0, 0, 0, 0, 0, 0);
        refused(model("channel.onnx", "Pad", new String[] {"x", "pads"}, new byte[][] {channel}, x, new long[] {1, 3, 4, 4}),
                "Pad of the batch or channel axis");
    }

    @Test
    void maxPoolWithExplicitPadsNeedsANonNegativeInput() throws IOException {
        // PyTorch's MaxPool2d(3, stride=2, padding=1) on 8x8: pads 1/1, which TensorFlow's 'same' (0/1) is not.
        Path f = model("maxpool.onnx", "MaxPool", new String[] {"x"}, new byte[0][], new long[] {1, 2, 8, 8},
                new long[] {1, 2, 4, 4}, attr("kernel_shape", new long[] {3, 3}), attr("strides", new long[] {2, 2}),
                attr("pads", new long[] {1, 1, 1, 1}));
        refused(f, "node '/net/MaxPool'", "on an input that may be negative");
        Path avg = model("avgpool.onnx", "AveragePool", new String[] {"x"}, new byte[0][], new long[] {1, 2, 8, 8},
                new long[] {1, 2, 4, 4}, attr("kernel_shape", new long[] {3, 3}), attr("strides", new long[] {2, 2}),
                attr("pads", new long[] {1, 1, 1, 1}));
        refused(avg, "node '/net/AveragePool'", "count_include_pad 0");
        Path counted = model("avgpool1.onnx", "AveragePool", new String[] {"x"}, new byte[0][], new long[] {1, 2, 8, 8},
                new long[] {1, 2, 4, 4}, attr("kernel_shape", new long[] {3, 3}), attr("strides", new long[] {2, 2}),
                attr("pads", new long[] {1, 1, 1, 1}), attr("count_include_pad", 1L));
        assertThat(OnnxImporter.load(counted).graph().nodes()).extracting(n -> n.op().kind())
                .containsExactly("zero_padding2d", "avg_pool");
    }

    @Test
    void resizeOtherThanNearestByWholeFactorsIsRefused() throws IOException {
        byte[] scales = OnnxImportErrorsTest.tensor("scales", new long[] {4}, OnnxImportErrorsTest.floats(1, 1, 2, 2));
        long[] x = {1, 2, 3, 3};
        long[] y = {1, 2, 6, 6};
        String[] in = {"x", "", "scales"};
        Path ok = model("nearest.onnx", "Resize", in, new byte[][] {scales}, x, y, attr("mode", "nearest"),
                attr("coordinate_transformation_mode", "asymmetric"), attr("nearest_mode", "floor"));
        assertThat(OnnxImporter.load(ok).graph().nodes().get(0).op()).isEqualTo(new Op.UpSampling(List.of(2, 2)));
        refused(model("linear.onnx", "Resize", in, new byte[][] {scales}, x, y, attr("mode", "linear")),
                "node '/net/Resize'", "Resize mode 'linear'");
        refused(model("corners.onnx", "Resize", in, new byte[][] {scales}, x, y, attr("mode", "nearest"),
                attr("coordinate_transformation_mode", "align_corners"), attr("nearest_mode", "floor")),
                "coordinate_transformation_mode 'align_corners'", "output 2 reads input 0, not 1");
        byte[] half = OnnxImportErrorsTest.tensor("scales", new long[] {4}, OnnxImportErrorsTest.floats(1, 1, 1.5f, 2));
        refused(model("fraction.onnx", "Resize", in, new byte[][] {half}, x, new long[] {1, 2, 4, 6},
                attr("mode", "nearest")), "by the factor 1.5");
    }

    @Test
    void convTransposeWithOutputShapeOrGroupsIsRefused() throws IOException {
        byte[] w = OnnxImportErrorsTest.tensor("W", new long[] {2, 3, 2, 2}, OnnxImportErrorsTest.floats(new float[24]));
        long[] x = {1, 2, 3, 3};
        Path ok = model("tconv.onnx", "ConvTranspose", new String[] {"x", "W"}, new byte[][] {w}, x, new long[] {1, 3, 5, 5},
                attr("strides", new long[] {2, 2}), attr("pads", new long[] {1, 0, 0, 1}));
        assertThat(OnnxImporter.load(ok).graph().nodes()).extracting(n -> n.op().kind())
                .containsExactly("conv2d_transpose", "cropping2d");
        refused(model("shape.onnx", "ConvTranspose", new String[] {"x", "W"}, new byte[][] {w}, x, new long[] {1, 3, 6, 6},
                attr("output_shape", new long[] {6, 6})), "node '/net/ConvTranspose'", "output_shape");
        refused(model("group.onnx", "ConvTranspose", new String[] {"x", "W"}, new byte[][] {w}, x, new long[] {1, 6, 4, 4},
                attr("group", 2L)), "grouped ConvTranspose");
    }
}
