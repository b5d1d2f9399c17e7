package dev.mcugen.ir.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcugen.ir.Diag;
import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.GraphBuilder;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Activation;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.interp.Batch;
import dev.mcugen.ir.npy.Npy;
import dev.mcugen.ir.npy.NpyArray;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * float64 data (numpy's default dtype): read as the float32 values {@code astype(numpy.float32)} gives,
 * the caller told once per file, and every check of float32 data still applied.
 */
class InputDataFloat64Test {
    @TempDir
    Path tmp;

    /** Input [N, 3] into a Dense of 2 units. */
    private static Graph model() {
        GraphBuilder b = new GraphBuilder("g");
        b.input("x", Shape.of(3));
        b.add("d", new Op.Dense(2, Activation.LINEAR, false), List.of("x"),
                Map.of("kernel", FloatTensor.filled(Shape.of(3, 2), 0.5f)));
        b.output("d");
        return b.build();
    }

    /** The bytes numpy.save writes for a little-endian float64 array (header padded to 64 bytes). */
    private static byte[] float64Npy(List<Integer> shape, double... values) {
        String dims = String.join(", ", shape.stream().map(String::valueOf).toList()) + (shape.size() == 1 ? "," : "");
        StringBuilder h = new StringBuilder("{'descr': '<f8', 'fortran_order': False, 'shape': (" + dims + "), }");
        while ((10 + h.length() + 1) % 64 != 0) {
            h.append(' ');
        }
        h.append('\n');
        byte[] header = h.toString().getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer bb = ByteBuffer.allocate(10 + header.length + 8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        bb.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) header.length).put(header);
        for (double v : values) {
            bb.putDouble(v);
        }
        return bb.array();
    }

    private Path write(String name, List<Integer> shape, double... values) throws IOException {
        return Files.write(tmp.resolve(name), float64Npy(shape, values));
    }

    @Test
    void float64DataIsReadAsItsFloat32ValuesAndNotedOnce() throws IOException {
        Graph g = model();
        double[] v = {0.1, -1.0 / 3, 1 + 0x1p-24, 2.5, 1e-40, -7.25};
        Path f64 = write("data.npy", List.of(2, 3), v);
        float[] narrowed = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            narrowed[i] = (float) v[i];
        }
        Path f32 = tmp.resolve("data32.npy");
        Npy.write(f32, NpyArray.ofFloat32(List.of(2, 3), narrowed));

        List<String> notes = new ArrayList<>();
        Batch b = InputData.read(g, List.of(f64), notes::add);
        assertThat(notes).containsExactly(f64 + " is float64; converted to float32");
        assertThat(b.size()).isEqualTo(2);
        // The same batch as the float32 file holding the narrowed values.
        List<String> none = new ArrayList<>();
        Batch same = InputData.read(g, List.of(f32), none::add);
        assertThat(none).isEmpty();
        for (int k = 0; k < 2; k++) {
            assertThat(b.sample(k)).isEqualTo(same.sample(k));
        }
        float[] all = new float[6];
        System.arraycopy(b.sample(0).get("x").toArray(), 0, all, 0, 3);
        System.arraycopy(b.sample(1).get("x").toArray(), 0, all, 3, 3);
        assertThat(all).containsExactly(0.1f, -1f / 3, 1f, 2.5f, (float) 1e-40, -7.25f);
    }

    @Test
    void float64DataStillHasItsShapeChecked() throws IOException {
        Graph g = model();
        Path f = write("wide.npy", List.of(2, 2), 1, 2, 3, 4);
        List<String> notes = new ArrayList<>();
        assertThatThrownBy(() -> InputData.read(g, List.of(f), notes::add))
                .isInstanceOfSatisfying(McugenException.class, e -> {
                    assertThat(e.diag()).isEqualTo(Diag.MCG_DATA_SHAPE);
                    assertThat(e.getMessage()).contains("wide.npy", "[2, 2]", "[N, 3]");
                });
        // Refused data is not also announced as converted.
        assertThat(notes).isEmpty();
    }

    @Test
    void nonFiniteFloat64ValuesAreRefusedAndSoAreValuesBeyondFloat32() throws IOException {
        Graph g = model();
        Path nan = write("nan.npy", List.of(1, 3), 1, Double.NaN, 3);
        assertThatThrownBy(() -> InputData.read(g, List.of(nan), n -> { }))
                .isInstanceOfSatisfying(McugenException.class, e -> {
                    assertThat(e.diag()).isEqualTo(Diag.MCG_DATA_NONFINITE);
                    assertThat(e.getMessage()).contains("nan.npy", "sample 0 holds NaN at flat index 1");
                });
        // 1e300 is finite as float64 but has no float32 value: refused, not silently infinite.
        Path huge = write("huge.npy", List.of(2, 3), 0, 0, 0, 0, 0, -1e300);
        assertThatThrownBy(() -> InputData.read(g, List.of(huge), n -> { }))
                .isInstanceOfSatisfying(McugenException.class, e -> {
                    assertThat(e.diag()).isEqualTo(Diag.MCG_DATA_NONFINITE);
                    assertThat(e.getMessage()).contains("huge.npy", "sample 1 holds -Infinity at flat index 2",
                            "beyond float32");
                });
    }
}
