package dev.mcugen.ir.tflite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.mcugen.ir.Activation;
import dev.mcugen.ir.Diag;
import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.ImportedModel;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.Node;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.interp.FloatInterpreter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Models built with {@link TfliteWriter} for what the zoo and the fixtures lack: the LSTM's last-step
 * slice and its variants, and each refusal (ops the IR lacks, options it cannot express, quantized and
 * hybrid files), with its key and a one-line message naming the file, the op and the node.
 */
class TfliteOpsTest {
    @TempDir
    Path tmp;

    private Path write(byte[] bytes) throws IOException {
        Path p = tmp.resolve("model.tflite");
        Files.write(p, bytes);
        return p;
    }

    private McugenException refused(byte[] bytes, Diag diag) throws IOException {
        Path p = write(bytes);
        Throwable t = catchThrowable(() -> TfliteImporter.load(p));
        assertThat(t).isInstanceOf(McugenException.class);
        McugenException e = (McugenException) t;
        System.out.println(e.getMessage());
        assertThat(e.diag()).as(e.getMessage()).isEqualTo(diag);
        assertThat(e.getMessage()).contains(p.toString()).doesNotContain("\n");
        return e;
    }

    private static float[] random(Random r, int n) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = (float) (r.nextGaussian() * 0.5);
        }
        return f;
    }

    /** input [1, 6] -> FULLY_CONNECTED(4) -> {@code then} (a builtin on [1, 4] with the given options). */
    private static byte[] denseThen(int builtin, int optionsType, java.util.function.ToIntFunction<com.google.flatbuffers.FlatBufferBuilder> options,
                                    boolean secondInputIsDense) {
        Random r = new Random(7);
        TfliteWriter w = new TfliteWriter();
        int x = w.activation("serving_default_x:0", 1, 6);
        int k = w.floats("model/dense/MatMul", random(r, 24), 4, 6);
        int d = w.activation("model/dense/MatMul;model/dense/BiasAdd", 1, 4);
        w.op(Builtin.FULLY_CONNECTED, new int[] {x, k, -1}, new int[] {d}, TfliteWriter.FULLY_CONNECTED_OPTIONS,
                TfliteWriter.fullyConnected(0, false));
        int y = w.activation("model/layer/Mul", 1, 4);
        int[] in = secondInputIsDense ? new int[] {d, d} : new int[] {d};
        w.op(builtin, in, new int[] {y}, optionsType, options);
        return w.io(new int[] {x}, new int[] {y}).build();
    }

    @Test
    void opsTheIrLacksAreRefusedNamingOpOperatorAndNode() throws IOException {
        McugenException e = refused(denseThen(150 /* GELU */, 0, null, false), Diag.MCG_IMPORT_UNSUPPORTED);
        assertThat(e.getMessage()).contains("operator 1 GELU 'layer'", "tensor 3 'model/layer/Mul'");
        // 100 MIRROR_PAD and 23 RESIZE_BILINEAR: forms of padding and resizing the IR lacks
        for (int op : new int[] {150 /* GELU */, 100, 23}) {
            assertThat(refused(denseThen(op, 0, null, false), Diag.MCG_IMPORT_UNSUPPORTED).getMessage())
                    .contains("operator 1 " + Builtin.name(op));
        }
    }

    @Test
    void optionsWithoutAnIrFormAreRefused() throws IOException {
        assertThat(refused(denseThen(Builtin.SOFTMAX, TfliteWriter.SOFTMAX_OPTIONS, TfliteWriter.softmax(2f), false),
                Diag.MCG_IMPORT_UNSUPPORTED).getMessage()).contains("SOFTMAX", "beta is 2.0");
        Random r = new Random(1);
        TfliteWriter w = new TfliteWriter();
        int x = w.activation("x", 1, 6);
        int k = w.floats("model/dense/MatMul", random(r, 24), 4, 6);
        int d = w.activation("model/dense/MatMul", 1, 4);
        w.op(Builtin.FULLY_CONNECTED, new int[] {x, k, -1}, new int[] {d}, TfliteWriter.FULLY_CONNECTED_OPTIONS,
                TfliteWriter.fullyConnected(2, false));
        assertThat(refused(w.io(new int[] {x}, new int[] {d}).build(), Diag.MCG_IMPORT_UNSUPPORTED).getMessage())
                .contains("FULLY_CONNECTED", "RELU_N1_TO_1");
    }

    @Test
    void addWithBroadcastingIsRefused() throws IOException {
        Random r = new Random(2);
        TfliteWriter w = new TfliteWriter();
        int x = w.activation("x", 1, 2, 4);
        int k = w.floats("model/dense/MatMul", random(r, 16), 4, 4);
        int d = w.activation("model/dense/MatMul", 1, 4);
        w.op(Builtin.FULLY_CONNECTED, new int[] {x, k, -1}, new int[] {d}, TfliteWriter.FULLY_CONNECTED_OPTIONS,
                TfliteWriter.fullyConnected(0, false));
        int y = w.activation("model/add/add", 1, 2, 4);
        w.op(Builtin.ADD, new int[] {x, d}, new int[] {y}, TfliteWriter.ADD_OPTIONS, TfliteWriter.fused(0));
        // (the dense sees [1, 2, 4] as 2 rows: refused before the ADD is reached)
        assertThat(refused(w.io(new int[] {x}, new int[] {y}).build(), Diag.MCG_IMPORT_UNSUPPORTED).getMessage())
                .contains("FULLY_CONNECTED", "2 rows");

        // a constant that is neither a scalar nor a per-channel vector
        TfliteWriter w2 = new TfliteWriter();
        int a = w2.activation("a", 1, 2, 4);
        int c = w2.floats("model/add/y", random(r, 8), 2, 4);
        int s = w2.activation("model/add/add", 1, 2, 4);
        w2.op(Builtin.ADD, new int[] {a, c}, new int[] {s}, TfliteWriter.ADD_OPTIONS, TfliteWriter.fused(0));
        assertThat(refused(w2.io(new int[] {a}, new int[] {s}).build(), Diag.MCG_IMPORT_UNSUPPORTED).getMessage())
                .contains("operator 0 ADD", "constant operand", "[2, 4]", "per-channel vector [4]");
        // two tensors that broadcast other than per channel
        TfliteWriter w3 = new TfliteWriter();
        int p = w3.activation("p", 1, 2, 4);
        int q = w3.activation("q", 1, 2, 1);
        int o = w3.activation("model/add/add", 1, 2, 4);
        w3.op(Builtin.ADD, new int[] {p, q}, new int[] {o}, TfliteWriter.ADD_OPTIONS, TfliteWriter.fused(0));
        McugenException e = org.junit.jupiter.api.Assertions.assertThrows(McugenException.class,
                () -> TfliteImporter.load(write(w3.io(new int[] {p, q}, new int[] {o}).build())));
        assertThat(e.getMessage()).contains("do not broadcast");
    }

    @Test
    void batchOtherThanOneIsRefused() throws IOException {
        TfliteWriter w = new TfliteWriter();
        int x = w.tensor("x", TfliteModel.FLOAT32, new int[] {2, 3}, new int[] {2, 3}, null, false);
        int y = w.activation("y", 2, 3);
        w.op(Builtin.RELU, new int[] {x}, new int[] {y}, 0, null);
        assertThat(refused(w.io(new int[] {x}, new int[] {y}).build(), Diag.MCG_IMPORT_UNSUPPORTED).getMessage())
                .contains("batch axis of 1");
    }

    @Test
    void quantizeOpsAndHybridWeightsMarkAQuantizedFile() throws IOException {
        TfliteWriter w = new TfliteWriter();
        int x = w.activation("x", 1, 4);
        int q = w.tensor("x_int8", TfliteModel.INT8, new int[] {1, 4}, null, null, false);
        w.op(Builtin.QUANTIZE, new int[] {x}, new int[] {q}, 0, null);
        assertThat(refused(w.io(new int[] {x}, new int[] {q}).build(), Diag.MCG_IMPORT_TFLITE_QUANTIZED).getMessage())
                .contains("QUANTIZE", "float .tflite");

        TfliteWriter h = new TfliteWriter();
        int hx = h.activation("x", 1, 4);
        int k = h.tensor("model/dense/MatMul", TfliteModel.INT8, new int[] {2, 4}, null, new byte[8], false);
        int hy = h.activation("model/dense/MatMul;model/dense/BiasAdd", 1, 2);
        h.op(Builtin.FULLY_CONNECTED, new int[] {hx, k, -1}, new int[] {hy}, TfliteWriter.FULLY_CONNECTED_OPTIONS,
                TfliteWriter.fullyConnected(0, false));
        assertThat(refused(h.io(new int[] {hx}, new int[] {hy}).build(), Diag.MCG_IMPORT_TFLITE_QUANTIZED).getMessage())
                .contains("'model/dense/MatMul' is INT8");
    }

    @Test
    void optionsOfAnotherTableAreCorrupt() throws IOException {
        assertThat(refused(denseThen(Builtin.SOFTMAX, TfliteWriter.CONV_2D_OPTIONS, TfliteWriter.conv2d(0, 1, 1, 0, 1, 1), false),
                Diag.MCG_IMPORT_CORRUPT).getMessage()).contains("SOFTMAX", "union type 1");
    }

    // --- UNIDIRECTIONAL_SEQUENCE_LSTM -------------------------------------------------------------

    private static final int T = 5;
    private static final int F = 3;
    private static final int U = 4;

    /**
     * input [1, 5, 3] -> LSTM(4) as the converter writes it (4 gate weights, 4 recurrent weights, 4 biases,
     * two variable states), then with {@code slice} a STRIDED_SLICE of the last step with the masks Keras'
     * {@code return_sequences=False} conversion uses.
     */
    private static byte[] lstm(boolean slice, int sliceBegin, boolean timeMajor) {
        Random r = new Random(44);
        TfliteWriter w = new TfliteWriter();
        int x = w.activation("serving_default_input:0", 1, T, F);
        int[] in = new int[24];
        java.util.Arrays.fill(in, -1);
        in[0] = x;
        for (int g = 0; g < 4; g++) {
            in[1 + g] = w.floats("arith.constant" + g, random(r, U * F), U, F);
            in[5 + g] = w.floats("arith.constant" + (4 + g), random(r, U * U), U, U);
            in[12 + g] = w.floats("arith.constant" + (8 + g), random(r, U), U);
        }
        in[18] = w.variable("model/lstm/zeros", 1, U);
        in[19] = w.variable("model/lstm/zeros1", 1, U);
        int seq = w.activation("model/lstm/PartitionedCall:1", 1, T, U);
        w.op(Builtin.UNIDIRECTIONAL_SEQUENCE_LSTM, in, new int[] {seq}, TfliteWriter.UNIDIRECTIONAL_SEQUENCE_LSTM_OPTIONS,
                TfliteWriter.lstm(4, 10f, timeMajor));
        if (!slice) {
            return w.io(new int[] {x}, new int[] {seq}).build();
        }
        int begin = w.ints("model/lstm/strided_slice/stack", 0, sliceBegin, 0);
        int end = w.ints("model/lstm/strided_slice/stack_1", 0, 0, 0);
        int strides = w.ints("model/lstm/strided_slice/stack_2", 1, 1, 1);
        int last = w.activation("model/lstm/strided_slice", 1, U);
        w.op(Builtin.STRIDED_SLICE, new int[] {seq, begin, end, strides}, new int[] {last},
                TfliteWriter.STRIDED_SLICE_OPTIONS, TfliteWriter.stridedSlice(5, 5, 2));
        return w.io(new int[] {x}, new int[] {last}).build();
    }

    @Test
    void lstmLastStepSliceBecomesReturnSequencesFalse() throws IOException {
        ImportedModel seq = TfliteImporter.load(write(lstm(false, -1, false)));
        Files.delete(tmp.resolve("model.tflite"));
        ImportedModel last = TfliteImporter.load(write(lstm(true, -1, false)));
        Node n = last.graph().nodes().get(0);
        assertThat(last.graph().nodes()).hasSize(1);
        assertThat(n.op()).isEqualTo(new Op.Lstm(U, Activation.TANH, Activation.SIGMOID, true, false, false, false,
                false, false, 0));
        assertThat(last.sourceOps()).containsEntry(n.name(), "UNIDIRECTIONAL_SEQUENCE_LSTM+STRIDED_SLICE");
        assertThat(n.weights().keySet()).containsExactly("kernel", "recurrent_kernel", "bias");

        Random r = new Random(9);
        float[] xs = new float[T * F];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = (float) r.nextGaussian();
        }
        FloatTensor input = FloatTensor.of(Shape.of(T, F), xs);
        FloatTensor all = new FloatInterpreter(seq.graph()).run(input);
        FloatTensor lastStep = new FloatInterpreter(last.graph()).run(input);
        assertThat(lastStep.shape()).isEqualTo(Shape.of(U));
        for (int j = 0; j < U; j++) {
            assertThat(lastStep.get(j)).isEqualTo(all.get((T - 1) * U + j));
        }
    }

    @Test
    void otherSlicesAndTimeMajorLstmsAreRefused() throws IOException {
        assertThat(refused(lstm(true, 0, false), Diag.MCG_IMPORT_UNSUPPORTED).getMessage())
                .contains("STRIDED_SLICE", "last step", "[0, 1) of axis 1");
        Files.delete(tmp.resolve("model.tflite"));
        assertThat(refused(lstm(false, -1, true), Diag.MCG_IMPORT_UNSUPPORTED).getMessage())
                .contains("UNIDIRECTIONAL_SEQUENCE_LSTM", "time major");
    }

    /** x [1, 2, 3] -> Flatten -> Dense(2), the flatten's shape either constant or computed from SHAPE. */
    private static byte[] flattenDense(boolean dynamic) {
        Random r = new Random(12);
        TfliteWriter w = new TfliteWriter();
        int x = w.activation("serving_default_x:0", 1, 2, 3);
        int target;
        if (dynamic) {
            int shape = w.tensor("model/flatten/Shape", TfliteModel.INT32, new int[] {3}, null, null, false);
            w.op(Builtin.SHAPE, new int[] {x}, new int[] {shape}, 0, null);
            int b = w.ints("model/flatten/strided_slice/stack", 0);
            int e = w.ints("model/flatten/strided_slice/stack_1", 1);
            int s = w.ints("model/flatten/strided_slice/stack_2", 1);
            int batch = w.tensor("model/flatten/strided_slice", TfliteModel.INT32, new int[0], null, null, false);
            w.op(Builtin.STRIDED_SLICE, new int[] {shape, b, e, s}, new int[] {batch}, TfliteWriter.STRIDED_SLICE_OPTIONS,
                    TfliteWriter.stridedSlice(0, 0, 1));
            int minus1 = w.tensor("model/flatten/Reshape/shape/1", TfliteModel.INT32, new int[0], null,
                    new byte[] {-1, -1, -1, -1}, false);
            target = w.tensor("model/flatten/Reshape/shape", TfliteModel.INT32, new int[] {2}, null, null, false);
            w.op(Builtin.PACK, new int[] {batch, minus1}, new int[] {target}, 0, null);
        } else {
            target = w.ints("model/flatten/Const", 1, 6);
        }
        int flat = w.activation("model/flatten/Reshape", 1, 6);
        w.op(Builtin.RESHAPE, new int[] {x, target}, new int[] {flat}, 0, null);
        int k = w.floats("model/dense/MatMul", random(r, 12), 2, 6);
        int d = w.activation("model/dense/MatMul;model/dense/BiasAdd", 1, 2);
        w.op(Builtin.FULLY_CONNECTED, new int[] {flat, k, -1}, new int[] {d}, TfliteWriter.FULLY_CONNECTED_OPTIONS,
                TfliteWriter.fullyConnected(0, false));
        return w.io(new int[] {x}, new int[] {d}).build();
    }

    @Test
    void shapeComputationsOfADynamicFlattenAreSkipped() throws IOException {
        ImportedModel fixed = TfliteImporter.load(write(flattenDense(false)));
        Files.delete(tmp.resolve("model.tflite"));
        ImportedModel dynamic = TfliteImporter.load(write(flattenDense(true)));
        assertThat(dynamic.graph().nodes()).isEqualTo(fixed.graph().nodes());
        assertThat(dynamic.graph().nodes()).extracting(n -> n.op().kind()).containsExactly("flatten", "dense");
        assertThat(dynamic.sourceOps()).containsEntry("flatten", "RESHAPE");
    }

    @Test
    void mulOfTwoTensorsIsAMultiplyWithItsFusedActivation() throws IOException {
        ImportedModel m = TfliteImporter.load(write(denseThen(Builtin.MUL, TfliteWriter.MUL_OPTIONS,
                TfliteWriter.fused(1), true)));
        assertThat(m.graph().nodes()).extracting(n -> n.op().kind()).containsExactly("dense", "multiply", "activation");
        assertThat(m.graph().nodes().get(1).inputs()).containsExactly("dense", "dense");
    }

    @Test
    void supportedListNamesEveryMappedOp() {
        assertThat(TfliteImporter.SUPPORTED).contains("CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "MUL",
                "UNIDIRECTIONAL_SEQUENCE_LSTM");
        assertThat(TfliteImporter.LIMITS.keySet()).allMatch(TfliteImporter.SUPPORTED::contains);
    }
}
