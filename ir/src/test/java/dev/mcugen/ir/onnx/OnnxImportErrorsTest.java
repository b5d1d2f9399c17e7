package dev.mcugen.ir.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.CodedOutputStream;
import dev.mcugen.ir.Diag;
import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.ImportedModel;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.interp.FloatInterpreter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Broken and hostile ONNX files: each is refused with one {@link McugenException} of the right key, one
 * line naming the file, and never another exception type. The files are written here with protobuf-java's
 * {@link CodedOutputStream} (field numbers of onnx.proto), not committed.
 */
class OnnxImportErrorsTest {
    @TempDir
    Path dir;

    // --- a tiny protobuf writer ------------------------------------------------------------------

    interface Body {
        void write(CodedOutputStream out) throws IOException;
    }

    static byte[] msg(Body body) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(bytes);
            body.write(out);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] floats(float... v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        return b.array();
    }

    /** ValueInfoProto of a float tensor. */
    static byte[] valueInfo(String name, long... dims) {
        byte[] shape = msg(o -> {
            for (long d : dims) {
                o.writeByteArray(1, msg(x -> x.writeInt64(1, d)));
            }
        });
        byte[] tensorType = msg(o -> {
            o.writeInt32(1, OnnxTensors.FLOAT);
            o.writeByteArray(2, shape);
        });
        return msg(o -> {
            o.writeString(1, name);
            o.writeByteArray(2, msg(t -> t.writeByteArray(1, tensorType)));
        });
    }

    /** A float TensorProto: dims, then either raw data or external entries (key, value pairs). */
    static byte[] tensor(String name, long[] dims, byte[] raw, String... external) {
        return msg(o -> {
            for (long d : dims) {
                o.writeInt64(1, d);
            }
            o.writeInt32(2, OnnxTensors.FLOAT);
            o.writeString(8, name);
            if (raw != null) {
                o.writeByteArray(9, raw);
            }
            for (int k = 0; k < external.length; k += 2) {
                String key = external[k];
                String value = external[k + 1];
                o.writeByteArray(13, msg(e -> {
                    e.writeString(1, key);
                    e.writeString(2, value);
                }));
            }
            if (external.length > 0) {
                o.writeEnum(14, 1);
            }
        });
    }

    /** y = Gemm(x, W, B) with transB 1, x [1, 2], W [3, 2]: the model the tests break. */
    static byte[] gemmModel(long opset, byte[] weight) {
        byte[] node = msg(o -> {
            o.writeString(1, "x");
            o.writeString(1, "W");
            o.writeString(1, "B");
            o.writeString(2, "y");
            o.writeString(3, "/fc/Gemm");
            o.writeString(4, "Gemm");
            o.writeByteArray(5, msg(a -> {
                a.writeString(1, "transB");
                a.writeInt64(3, 1);
                a.writeInt32(20, 2);
            }));
        });
        byte[] bias = tensor("B", new long[] {3}, floats(0.5f, -0.5f, 1f));
        byte[] graph = msg(o -> {
            o.writeByteArray(1, node);
            o.writeString(2, "g");
            o.writeByteArray(5, weight);
            o.writeByteArray(5, bias);
            o.writeByteArray(11, valueInfo("x", 1, 2));
            o.writeByteArray(12, valueInfo("y", 1, 3));
        });
        return msg(o -> {
            o.writeInt64(1, 8);
            o.writeByteArray(8, msg(s -> {
                s.writeString(1, "");
                s.writeInt64(2, opset);
            }));
            o.writeByteArray(7, graph);
        });
    }

    static byte[] goodWeight() {
        return tensor("W", new long[] {3, 2}, floats(1, 2, 3, 4, 5, 6));
    }

    private Path write(String name, byte[] bytes) throws IOException {
        Path f = dir.resolve(name);
        Files.write(f, bytes);
        return f;
    }

    private static void refused(Path file, Diag diag, String... contains) {
        assertThatThrownBy(() -> OnnxImporter.load(file)).isInstanceOfSatisfying(McugenException.class, e -> {
            assertThat(e.diag()).isEqualTo(diag);
            assertThat(e.getMessage()).startsWith(file.toString()).doesNotContain("\n");
            for (String c : contains) {
                assertThat(e.getMessage()).contains(c);
            }
        });
    }

    // --- the tests -----------------------------------------------------------------------------

    @Test
    void theHandWrittenModelImportsAndComputes() throws IOException {
        ImportedModel m = OnnxImporter.load(write("ok.onnx", gemmModel(17, goodWeight())));
        FloatTensor y = new FloatInterpreter(m.graph()).run(FloatTensor.of(Shape.of(2), new float[] {1, -1}));
        assertThat(y.toArray()).containsExactly(1 - 2 + 0.5f, 3 - 4 - 0.5f, 5 - 6 + 1f);
        assertThat(m.graph().nodes().get(0).name()).isEqualTo("fc_Gemm");
        assertThat(m.sourceOps()).containsEntry("fc_Gemm", "Gemm");
    }

    @Test
    void truncatedFile() throws IOException {
        byte[] ok = gemmModel(17, goodWeight());
        for (int cut : new int[] {1, 5, ok.length / 2, ok.length - 1}) {
            refused(write("cut" + cut + ".onnx", Arrays.copyOf(ok, cut)), Diag.MCG_IMPORT_CORRUPT);
        }
    }

    @Test
    void wrongWireType() throws IOException {
        // ModelProto.graph (field 7) written as a varint.
        byte[] bad = msg(o -> {
            o.writeInt64(1, 8);
            o.writeInt64(7, 3);
        });
        refused(write("wire.onnx", bad), Diag.MCG_IMPORT_CORRUPT, "ModelProto.graph", "wire type 0");
        // TensorProto.raw_data (field 9) written as a fixed32 inside an initializer.
        byte[] weight = msg(o -> {
            o.writeInt64(1, 1);
            o.writeInt32(2, 1);
            o.writeFixed32(9, 7);
        });
        refused(write("wire2.onnx", gemmModel(17, weight)), Diag.MCG_IMPORT_CORRUPT,
                "ModelProto.graph.initializer[0].raw_data");
    }

    @Test
    void lengthPastTheEnd() throws IOException {
        byte[] bad = msg(o -> {
            o.writeTag(7, 2);
            o.writeUInt32NoTag(1_000_000);
            o.writeRawBytes(new byte[] {1, 2, 3});
        });
        refused(write("len.onnx", bad), Diag.MCG_IMPORT_CORRUPT, "ModelProto.graph claims 1000000 bytes");
        // A raw_data claiming more than its TensorProto holds.
        byte[] weight = msg(o -> {
            o.writeInt64(1, 2);
            o.writeTag(9, 2);
            o.writeUInt32NoTag(4000);
            o.writeRawBytes(new byte[8]);
        });
        refused(write("len2.onnx", gemmModel(17, weight)), Diag.MCG_IMPORT_CORRUPT, "raw_data claims 4000 bytes");
    }

    @Test
    void twoToThe31Elements() throws IOException {
        byte[] weight = tensor("W", new long[] {65536, 32768}, floats(1, 2));
        refused(write("big.onnx", gemmModel(17, weight)), Diag.MCG_IMPORT_CORRUPT, "2^31 elements");
        byte[] overflow = tensor("W", new long[] {1L << 40, 1L << 40, 0}, floats());
        refused(write("big2.onnx", gemmModel(17, overflow)), Diag.MCG_IMPORT_CORRUPT, "2^31 elements");
        byte[] negative = tensor("W", new long[] {-3, 2}, floats(1, 2));
        refused(write("neg.onnx", gemmModel(17, negative)), Diag.MCG_IMPORT_CORRUPT, "negative dimension");
    }

    /** A graph of one node reading graph input x, with initializers and INT attributes. */
    static byte[] oneNode(String opType, String[] inputs, byte[][] initializers, long[] xDims, long[] yDims,
                          Object... intAttrs) {
        byte[] node = msg(o -> {
            for (String in : inputs) {
                o.writeString(1, in);
            }
            o.writeString(2, "y");
            o.writeString(3, "/net/" + opType);
            o.writeString(4, opType);
            for (int k = 0; k < intAttrs.length; k += 2) {
                String name = (String) intAttrs[k];
                long value = ((Number) intAttrs[k + 1]).longValue();
                o.writeByteArray(5, msg(a -> {
                    a.writeString(1, name);
                    a.writeInt64(3, value);
                    a.writeInt32(20, 2);
                }));
            }
        });
        byte[] graph = msg(o -> {
            o.writeByteArray(1, node);
            for (byte[] init : initializers) {
                o.writeByteArray(5, init);
            }
            o.writeByteArray(11, valueInfo("x", xDims));
            o.writeByteArray(12, valueInfo("y", yDims));
        });
        return msg(o -> {
            o.writeByteArray(8, msg(x -> x.writeInt64(2, 17)));
            o.writeByteArray(7, graph);
        });
    }

    @Test
    void depthwiseConvImportsAndOtherGroupsAreRefusedNamingTheNode() throws IOException {
        byte[] w = tensor("W", new long[] {4, 1, 3, 3}, floats(new float[36]));
        Path dw = write("dw.onnx", oneNode("Conv", new String[] {"x", "W"}, new byte[][] {w}, new long[] {1, 4, 5, 5},
                new long[] {1, 4, 3, 3}, "group", 4));
        assertThat(dev.mcugen.ir.ModelLoader.load(dw).nodes()).extracting(n -> n.op().kind())
                .containsExactly("depthwise_conv2d");
        byte[] w2 = tensor("W", new long[] {4, 2, 3, 3}, floats(new float[72]));
        Path grouped = write("grouped.onnx", oneNode("Conv", new String[] {"x", "W"}, new byte[][] {w2},
                new long[] {1, 4, 5, 5}, new long[] {1, 4, 3, 3}, "group", 2));
        refused(grouped, Diag.MCG_IMPORT_UNSUPPORTED, "node '/net/Conv'", "grouped Conv (group 2");
    }

    @Test
    void opsTheIrLacksAreRefusedNamingOpAndNode() throws IOException {
        for (String op : new String[] {"Selu", "Mish", "Sqrt", "Exp"}) {
            Path f = write(op + ".onnx", oneNode(op, new String[] {"x", "x"}, new byte[0][], new long[] {1, 4},
                    new long[] {1, 4}));
            refused(f, Diag.MCG_IMPORT_UNSUPPORTED, "node '/net/" + op + "'", "op " + op + " is not supported");
        }
        Path mul = write("Mul.onnx", oneNode("Mul", new String[] {"x", "x"}, new byte[0][], new long[] {1, 4},
                new long[] {1, 4}));
        // a product of two tensors that is not the SiLU / Hardswish pattern is the element-wise multiply
        assertThat(dev.mcugen.ir.ModelLoader.load(mul).nodes())
                .anyMatch(n -> n.op() instanceof dev.mcugen.ir.Op.Multiply);
        byte[] pads = msg(o -> {
            o.writeInt64(1, 4);
            o.writeInt32(2, OnnxTensors.INT64);
            o.writeString(8, "pads");
            ByteBuffer b = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
            b.putLong(0).putLong(1).putLong(0).putLong(1);
            o.writeByteArray(9, b.array());
        });
        Path pad = write("pad.onnx", oneNode("Pad", new String[] {"x", "pads"}, new byte[][] {pads}, new long[] {1, 4},
                new long[] {1, 6}));
        refused(pad, Diag.MCG_IMPORT_UNSUPPORTED, "node '/net/Pad'", "Pad with pads [0, 1, 0, 1] on a rank-2 tensor is not supported");
    }

    @Test
    void nonZeroInitialStatesAreRefused() throws IOException {
        int h = 2;
        byte[] w = tensor("W", new long[] {1, 3 * h, 3}, floats(new float[18]));
        byte[] r = tensor("R", new long[] {1, 3 * h, h}, floats(new float[12]));
        byte[] h0 = tensor("h0", new long[] {1, 1, h}, floats(0.5f, 0));
        Path f = write("h0.onnx", oneNode("GRU", new String[] {"x", "W", "R", "", "", "h0"}, new byte[][] {w, r, h0},
                new long[] {1, 4, 3}, new long[] {1, 4, 1, h}, "hidden_size", h, "layout", 1));
        refused(f, Diag.MCG_IMPORT_UNSUPPORTED, "non-zero initial_h");
        byte[] zero = tensor("h0", new long[] {1, 1, h}, floats(0, 0));
        Path ok = write("h0zero.onnx", oneNode("GRU", new String[] {"x", "W", "R", "", "", "h0"}, new byte[][] {w, r, zero},
                new long[] {1, 4, 3}, new long[] {1, 4, 1, h}, "hidden_size", h, "layout", 1));
        assertThat(OnnxImporter.load(ok).graph().nodes().get(0).op()).isInstanceOf(dev.mcugen.ir.Op.Gru.class);
    }

    @Test
    void foldedFillsAreBoundedByTheFileSize() throws IOException {
        byte[] shape = msg(o -> {
            o.writeInt64(1, 1);
            o.writeInt32(2, OnnxTensors.INT64);
            o.writeString(8, "s");
            o.writeByteArray(9, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(1_000_000_000L).array());
        });
        byte[] fill = msg(o -> {
            o.writeString(1, "s");
            o.writeString(2, "z");
            o.writeString(3, "fill");
            o.writeString(4, "ConstantOfShape");
        });
        byte[] relu = msg(o -> {
            o.writeString(1, "x");
            o.writeString(2, "y");
            o.writeString(4, "Relu");
        });
        byte[] graph = msg(o -> {
            o.writeByteArray(1, fill);
            o.writeByteArray(1, relu);
            o.writeByteArray(5, shape);
            o.writeByteArray(11, valueInfo("x", 1, 2));
            o.writeByteArray(12, valueInfo("y", 1, 2));
        });
        byte[] model = msg(o -> {
            o.writeByteArray(8, msg(x -> x.writeInt64(2, 17)));
            o.writeByteArray(7, graph);
        });
        refused(write("fill.onnx", model), Diag.MCG_IMPORT_CORRUPT, "node 'fill'", "fills 1000000000 elements");
    }

    @Test
    void rawDataShorterThanItsDims() throws IOException {
        byte[] weight = tensor("W", new long[] {3, 2}, floats(1, 2, 3));
        refused(write("short.onnx", gemmModel(17, weight)), Diag.MCG_IMPORT_CORRUPT, "tensor 'W'", "raw_data holds 12");
    }

    @Test
    void externalDataInsideTheFolderIsRead() throws IOException {
        Files.write(dir.resolve("w.bin"), floats(9, 9, 1, 2, 3, 4, 5, 6));
        byte[] weight = tensor("W", new long[] {3, 2}, null, "location", "w.bin", "offset", "8", "length", "24");
        ImportedModel m = OnnxImporter.load(write("ext.onnx", gemmModel(17, weight)));
        assertThat(m.graph().nodes().get(0).weight("kernel").toArray()).containsExactly(1, 3, 5, 2, 4, 6);
    }

    @Test
    void externalDataOutsideTheFolderOrMissingIsRefused() throws IOException {
        Path inner = Files.createDirectories(dir.resolve("model"));
        Files.write(dir.resolve("x"), floats(1, 2, 3, 4, 5, 6));
        String[][] cases = {
            {"location", "../x"},
            {"location", dir.resolve("x").toString()},
            {"location", "sub/../../x"},
            {"location", "missing.bin"},
            {"location", "short.bin"},
            {"location", "short.bin", "offset", "16"},
            {"location", "short.bin", "offset", "-4"},
            {"location", "link.bin"},
            {"location", "short.bin", "length", "abc"},
        };
        Files.write(inner.resolve("short.bin"), floats(1, 2, 3));
        Files.createSymbolicLink(inner.resolve("link.bin"), dir.resolve("x"));
        for (String[] c : cases) {
            byte[] weight = tensor("W", new long[] {3, 2}, null, c);
            Path f = Files.write(inner.resolve("ext.onnx"), gemmModel(17, weight));
            refused(f, Diag.MCG_IMPORT_EXTERNAL_DATA, "tensor 'W'");
        }
    }

    @Test
    void opsetsOutside11To18AreRefusedNamingThem() throws IOException {
        refused(write("op9.onnx", gemmModel(9, goodWeight())), Diag.MCG_IMPORT_UNSUPPORTED, "opset 9");
        refused(write("op19.onnx", gemmModel(19, goodWeight())), Diag.MCG_IMPORT_UNSUPPORTED, "opset 19");
        assertThat(OnnxImporter.load(write("op11.onnx", gemmModel(11, goodWeight()))).graph().nodes()).hasSize(1);
        assertThat(OnnxImporter.load(write("op18.onnx", gemmModel(18, goodWeight()))).graph().nodes()).hasSize(1);
    }

    @Test
    void hostileNamesAreClippedInMessages() throws IOException {
        byte[] weight = tensor("W\u001b[31m" + "x".repeat(500), new long[] {3, 2}, floats(1, 2, 3));
        Path f = write("names.onnx", gemmModel(17, weight));
        assertThatThrownBy(() -> OnnxImporter.load(f)).isInstanceOfSatisfying(McugenException.class, e -> {
            assertThat(e.getMessage()).doesNotContain("\u001b").hasSizeLessThan(600);
        });
    }

    @Test
    void randomCorruptionNeverEscapesAsAnotherException() throws IOException {
        byte[] ok = Files.readAllBytes(TorchFixturesTest.resource(System.getProperty("fuzz.model", "cnn_op17.onnx")));
        Random rnd = new Random(12);
        Path f = dir.resolve("fuzz.onnx");
        int refused = 0;
        for (int trial = 0; trial < Integer.getInteger("fuzz.trials", 400); trial++) {
            byte[] b = ok.clone();
            for (int k = 0, n = 1 + rnd.nextInt(4); k < n; k++) {
                b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
            }
            Files.write(f, trial % 5 == 0 ? Arrays.copyOf(b, rnd.nextInt(b.length)) : b);
            try {
                OnnxImporter.load(f);
            } catch (McugenException e) {
                refused++;
                assertThat(e.getMessage()).startsWith(f.toString()).doesNotContain("\n");
                if (e.getCause() != null) {
                    e.getCause().printStackTrace(System.out);
                }
                assertThat(e.detail()).doesNotContain("unexpected structure");
            }
        }
        assertThat(refused).isPositive();
    }
}
