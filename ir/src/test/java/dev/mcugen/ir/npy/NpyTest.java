package dev.mcugen.ir.npy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcugen.ir.Diag;
import dev.mcugen.ir.McugenException;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The reference files in resources/npy were written by numpy.save (numpy 2.4). */
class NpyTest {
    @TempDir
    Path tmp;

    static Path resource(String name) throws URISyntaxException {
        return Path.of(NpyTest.class.getResource("/npy/" + name).toURI());
    }

    @Test
    void readsNumpyFloat32() throws Exception {
        NpyArray a = Npy.read(resource("f32_2x3.npy"));
        assertThat(a.dtype()).isEqualTo(NpyDtype.FLOAT32);
        assertThat(a.shape()).containsExactly(2, 3);
        assertThat(a.toFloatArray()).containsExactly(1.5f, -2f, 3.25f, 0f, -0.0f, 1e-30f);
        assertThat(Float.floatToRawIntBits(a.toFloatArray()[4])).isEqualTo(Float.floatToRawIntBits(-0.0f));
    }

    @Test
    void readsNumpyIntegers() throws Exception {
        assertThat(Npy.read(resource("i8_5.npy")).toIntArray()).containsExactly(-128, -1, 0, 1, 127);
        NpyArray i16 = Npy.read(resource("i16_2x2.npy"));
        assertThat(i16.dtype()).isEqualTo(NpyDtype.INT16);
        assertThat(i16.toIntArray()).containsExactly(-32768, -1, 1, 32767);
        assertThat(Npy.read(resource("i32_3.npy")).toIntArray()).containsExactly(Integer.MIN_VALUE, 0, Integer.MAX_VALUE);
    }

    @ParameterizedTest
    @CsvSource({"f32_2x3.npy", "i8_5.npy", "i16_2x2.npy", "i32_3.npy", "f32_3d.npy"})
    void writesTheBytesNumpyWrites(String name) throws Exception {
        byte[] numpy = Files.readAllBytes(resource(name));
        NpyArray a = Npy.read(resource(name));
        assertThat(Npy.toBytes(a)).isEqualTo(numpy);
        Path out = tmp.resolve(name);
        Npy.write(out, a);
        assertThat(Files.readAllBytes(out)).isEqualTo(numpy);
    }

    @Test
    void roundTripsRandomArraysOfEveryDtype() {
        Random r = new Random(7);
        for (int iter = 0; iter < 200; iter++) {
            int rank = 1 + r.nextInt(4);
            Integer[] dims = new Integer[rank];
            int n = 1;
            for (int i = 0; i < rank; i++) {
                dims[i] = r.nextInt(5);
                n *= dims[i];
            }
            NpyDtype t = NpyDtype.values()[r.nextInt(4)];
            NpyArray a;
            if (t == NpyDtype.FLOAT32) {
                float[] f = new float[n];
                for (int i = 0; i < n; i++) {
                    f[i] = Float.intBitsToFloat(r.nextInt());
                }
                a = NpyArray.ofFloat32(List.of(dims), f);
            } else {
                int bits = t.bytes() * 8;
                int[] v = new int[n];
                for (int i = 0; i < n; i++) {
                    v[i] = r.nextInt() >> (32 - bits);
                }
                a = NpyArray.ofInts(t, List.of(dims), v);
            }
            assertThat(Npy.parse("x", Npy.toBytes(a))).isEqualTo(a);
        }
    }

    @Test
    void writesVersion2WhenTheHeaderIsLarge() {
        // A header over 65535 bytes cannot be written as version 1; numpy switches to 2.0.
        Integer[] dims = new Integer[30000];
        java.util.Arrays.fill(dims, 1);
        NpyArray a = NpyArray.ofFloat32(List.of(dims), new float[] {3f});
        byte[] b = Npy.toBytes(a);
        assertThat(b[6]).isEqualTo((byte) 2);
        assertThat(Npy.parse("big", b)).isEqualTo(a);
    }

    @Test
    void refusesFortranOrder() {
        assertThatThrownBy(() -> Npy.read(resource("fortran.npy")))
                .isInstanceOfSatisfying(McugenException.class, e -> assertThat(e.diag()).isEqualTo(Diag.MCG_NPY_FORMAT))
                .hasMessageContaining("fortran.npy").hasMessageContaining("Fortran order");
    }

    @Test
    void readsNumpyFloat64NarrowedExactlyAsAstypeFloat32() throws Exception {
        // f64_3x3_as_f32.npy is numpy's own a.astype(numpy.float32) of f64_3x3.npy: ties at float32's
        // precision (to even), inexact decimals, subnormals, float32's largest value, signed zeros.
        NpyArray a = Npy.read(resource("f64_3x3.npy"));
        assertThat(a.dtype()).isEqualTo(NpyDtype.FLOAT64);
        assertThat(a.shape()).containsExactly(3, 3);
        float[] want = Npy.read(resource("f64_3x3_as_f32.npy")).toFloatArray();
        float[] got = a.toFloatArray();
        assertThat(got).hasSize(9);
        for (int i = 0; i < 9; i++) {
            assertThat(Float.floatToRawIntBits(got[i])).as("value %d", i).isEqualTo(Float.floatToRawIntBits(want[i]));
        }
        assertThat(got[0]).isEqualTo(1f);
        assertThat(got[1]).isEqualTo(1 + 0x1p-22f);
        assertThat(Npy.read(resource("f64.npy")).toFloatArray()).containsExactly(0f, 1f, 2f);
        // Written back as float64, the narrowed values survive exactly (float32 widens to float64 without loss).
        assertThat(Npy.parse("again", Npy.toBytes(a))).isEqualTo(a);
    }

    @Test
    void float64KeepsItsShapeAndSizeChecks() throws Exception {
        byte[] whole = Files.readAllBytes(resource("f64_3x3.npy"));
        byte[] cut = java.util.Arrays.copyOf(whole, whole.length - 4);
        assertThatThrownBy(() -> Npy.parse("cut.npy", cut))
                .isInstanceOfSatisfying(McugenException.class, e -> assertThat(e.diag()).isEqualTo(Diag.MCG_NPY_TRUNCATED))
                .hasMessageContaining("needs 72 data bytes");
        Path f = tmp.resolve("cut.npy");
        Files.write(f, cut);
        assertThatThrownBy(() -> Npy.read(f))
                .isInstanceOfSatisfying(McugenException.class, e -> assertThat(e.diag()).isEqualTo(Diag.MCG_NPY_TRUNCATED));
    }

    @Test
    void refusesBigEndianAndOtherFloatsWithAHint() {
        assertThatThrownBy(() -> Npy.read(resource("bigendian.npy")))
                .isInstanceOfSatisfying(McugenException.class, e -> assertThat(e.diag()).isEqualTo(Diag.MCG_NPY_FORMAT))
                .hasMessageContaining("'>f4'").hasMessageContaining("astype");
        // float16: a header as numpy.save writes it, then 2 bytes per value.
        String dict = "{'descr': '<f2', 'fortran_order': False, 'shape': (2,), }";
        StringBuilder h = new StringBuilder(dict);
        while ((10 + h.length() + 1) % 64 != 0) {
            h.append(' ');
        }
        h.append('\n');
        byte[] header = h.toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        java.nio.ByteBuffer bb = java.nio.ByteBuffer.allocate(10 + header.length + 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        bb.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) header.length).put(header);
        assertThatThrownBy(() -> Npy.parse("half.npy", bb.array()))
                .isInstanceOfSatisfying(McugenException.class, e -> assertThat(e.diag()).isEqualTo(Diag.MCG_NPY_FORMAT))
                .hasMessageContaining("'<f2'").hasMessageContaining("float64").hasMessageContaining("astype");
    }

    @Test
    void refusesTruncatedData() {
        assertThatThrownBy(() -> Npy.read(resource("truncated.npy")))
                .isInstanceOfSatisfying(McugenException.class, e -> assertThat(e.diag()).isEqualTo(Diag.MCG_NPY_TRUNCATED))
                .hasMessageContaining("needs 96 data bytes but the file holds 91");
    }

    @Test
    void refusesNonNpyAndMissingFiles() throws IOException {
        Path junk = Files.writeString(tmp.resolve("junk.npy"), "hello, this is not numpy");
        assertThatThrownBy(() -> Npy.read(junk))
                .isInstanceOfSatisfying(McugenException.class, e -> assertThat(e.diag()).isEqualTo(Diag.MCG_NPY_FORMAT));
        assertThatThrownBy(() -> Npy.read(tmp.resolve("absent.npy")))
                .isInstanceOfSatisfying(McugenException.class, e -> assertThat(e.diag()).isEqualTo(Diag.MCG_IO_NOT_FOUND));
    }

    @Test
    void refusesTrailingBytes() throws Exception {
        byte[] b = Files.readAllBytes(resource("i8_5.npy"));
        byte[] longer = java.util.Arrays.copyOf(b, b.length + 3);
        assertThatThrownBy(() -> Npy.parse("long.npy", longer))
                .isInstanceOfSatisfying(McugenException.class, e -> assertThat(e.diag()).isEqualTo(Diag.MCG_NPY_FORMAT))
                .hasMessageContaining("3 bytes after the data");
    }

    @Test
    void failedWriteKeepsTheOldFile() throws IOException {
        Path target = tmp.resolve("keep.npy");
        Files.writeString(target, "old");
        Path blocker = tmp.resolve("dir-not-file");
        Files.writeString(blocker, "x");
        assertThatThrownBy(() -> Npy.write(blocker.resolve("y.npy"), NpyArray.ofFloat32(List.of(1), new float[] {1})))
                .isInstanceOfSatisfying(McugenException.class, e -> assertThat(e.diag()).isEqualTo(Diag.MCG_IO_FAILED));
        assertThat(Files.readString(target)).isEqualTo("old");
        try (var files = Files.list(tmp)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("keep.npy", "dir-not-file");
        }
    }
}
