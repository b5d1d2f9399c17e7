package dev.mcugen.ir.tflite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.mcugen.ir.Activation;
import dev.mcugen.ir.Diag;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Padding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PAD / PADV2, TRANSPOSE, RESIZE_NEAREST_NEIGHBOR and TRANSPOSE_CONV forms the importer maps (the
 * SAME transposed convolution's output_shape becoming Keras's output padding) and the ones it refuses.
 */
class TfliteShapeOpsTest {
    @TempDir
    Path tmp;

    private Path write(String name, TfliteWriter w) throws IOException {
        Path p = tmp.resolve(name + ".tflite");
        Files.write(p, w.build());
        return p;
    }

    private static McugenException refused(Path p) {
        Throwable t = catchThrowable(() -> TfliteImporter.load(p));
        assertThat(t).isInstanceOf(McugenException.class);
        McugenException e = (McugenException) t;
        assertThat(e.diag()).as(e.getMessage()).isEqualTo(Diag.MCG_IMPORT_UNSUPPORTED);
        assertThat(e.getMessage()).contains(p.toString()).doesNotContain("\n");
        return e;
    }

    private static int ints2d(TfliteWriter w, String name, int... v) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * v.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int x : v) {
            b.putInt(x);
        }
        return w.tensor(name, TfliteModel.INT32, new int[] {v.length / 2, 2}, null, b.array(), false);
    }

    @Test
    void padV2WithAnotherConstantAndPaddingOfTheChannelsAreRefused() throws IOException {
        TfliteWriter w = new TfliteWriter();
        int x = w.activation("x", 1, 4, 4, 2);
        int pads = ints2d(w, "pads", 0, 0, 1, 1, 1, 1, 0, 0);
        int c = w.floats("c", new float[] {1.5f});
        int y = w.activation("pad", 1, 6, 6, 2);
        w.op(Builtin.PADV2, new int[] {x, pads, c}, new int[] {y}, 0, null);
        assertThat(refused(write("padv2", w.io(new int[] {x}, new int[] {y}))).getMessage())
                .contains("PADV2", "the constant 1.5");
        TfliteWriter w2 = new TfliteWriter();
        int x2 = w2.activation("x", 1, 4, 4, 2);
        int pads2 = ints2d(w2, "pads", 0, 0, 0, 0, 0, 0, 1, 0);
        int y2 = w2.activation("pad", 1, 4, 4, 3);
        w2.op(Builtin.PAD, new int[] {x2, pads2}, new int[] {y2}, 0, null);
        assertThat(refused(write("pad", w2.io(new int[] {x2}, new int[] {y2}))).getMessage()).contains("batch or channel");
    }

    @Test
    void transposeMovingTheBatchIsRefused() throws IOException {
        TfliteWriter w = new TfliteWriter();
        int x = w.activation("x", 1, 3, 4);
        int perm = w.ints("perm", 1, 0, 2);
        int y = w.activation("t", 3, 1, 4);
        w.op(Builtin.TRANSPOSE, new int[] {x, perm}, new int[] {y}, 0, null);
        assertThat(refused(write("transpose", w.io(new int[] {x}, new int[] {y}))).getMessage()).contains("batch axis");
    }

    private Path transposeConv(String name, int outH, int outW) throws IOException {
        TfliteWriter w = new TfliteWriter();
        int x = w.activation("x", 1, 3, 4, 2);
        int shape = w.ints("shape", 1, outH, outW, 5);
        int f = w.floats("filter", new float[5 * 3 * 3 * 2], 5, 3, 3, 2);
        int y = w.activation("tconv", 1, outH, outW, 5);
        w.op(Builtin.TRANSPOSE_CONV, new int[] {shape, f, x}, new int[] {y}, TfliteShapeFixtures.TRANSPOSE_CONV_OPTIONS,
                TfliteShapeFixtures.transposeConv(0, 2, 2, 1));
        return write(name, w.io(new int[] {x}, new int[] {y}));
    }

    @Test
    void sameTransposeConvMapsItsOutputShapeToAnOutputPadding() throws IOException {
        // SAME, k = 3, s = 2: Keras's lengths are (n - 1)·2 + 3 % 2 + p, p in [0, 2): 5 or 6 for n = 3, 7 or 8 for n = 4
        Op op = TfliteImporter.load(transposeConv("ok", 6, 7)).graph().nodes().get(0).op();
        assertThat(op).isEqualTo(new Op.ConvTranspose(5, List.of(3, 3), List.of(2, 2), Padding.SAME, List.of(1, 0),
                Activation.RELU, false));
        assertThat(refused(transposeConv("bad", 7, 8)).getMessage()).contains("TRANSPOSE_CONV", "output_shape");
    }
}
