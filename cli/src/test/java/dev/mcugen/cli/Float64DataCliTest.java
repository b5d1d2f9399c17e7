package dev.mcugen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcugen.cli.CliTest.Result;
import dev.mcugen.ir.npy.Npy;
import dev.mcugen.ir.npy.NpyArray;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * float64 .npy data (numpy's default dtype) through the command line: accepted for --data and
 * --calibration, converted to float32 with one note per file on stderr, and giving exactly what the
 * float32 file of the same values gives.
 */
class Float64DataCliTest {
    @TempDir
    Path tmp;

    /** {@code f32}'s values widened to float64 (exact), written as numpy.save writes a '<f8' array. */
    private Path widened(Path f32, String name) throws IOException {
        NpyArray a = Npy.read(f32);
        String dims = String.join(", ", a.shape().stream().map(String::valueOf).toList()) + (a.shape().size() == 1 ? "," : "");
        StringBuilder h = new StringBuilder("{'descr': '<f8', 'fortran_order': False, 'shape': (" + dims + "), }");
        while ((10 + h.length() + 1) % 64 != 0) {
            h.append(' ');
        }
        h.append('\n');
        byte[] header = h.toString().getBytes(StandardCharsets.ISO_8859_1);
        float[] v = a.toFloatArray();
        ByteBuffer bb = ByteBuffer.allocate(10 + header.length + 8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        bb.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) header.length).put(header);
        for (float x : v) {
            bb.putDouble(x);
        }
        return Files.write(tmp.resolve(name), bb.array());
    }

    private static long count(String text, String line) {
        return text.lines().filter(line::equals).count();
    }

    @Test
    void simulateFixedTakesFloat64DataAndCalibrationAndNotesEachOnce() throws IOException {
        Path model = CliTest.HAR.resolve("model.json");
        Path data64 = widened(CliTest.HAR.resolve("test.npy"), "test64.npy");
        Path cal64 = widened(CliTest.HAR.resolve("calibration.npy"), "cal64.npy");
        Path y32 = tmp.resolve("y32.npy");
        Path y64 = tmp.resolve("y64.npy");
        Result r32 = CliTest.run("simulate", model.toString(), "--data", CliTest.HAR.resolve("test.npy").toString(),
                "--calibration", CliTest.HAR.resolve("calibration.npy").toString(), "--mode", "fixed", "--raw",
                "--no-progress", "--out", y32.toString());
        assertThat(r32.code()).as(r32.err()).isZero();
        assertThat(r32.err()).doesNotContain("float64");
        Result r64 = CliTest.run("simulate", model.toString(), "--data", data64.toString(), "--calibration",
                cal64.toString(), "--mode", "fixed", "--raw", "--no-progress", "--out", y64.toString());
        assertThat(r64.code()).as(r64.err()).isZero();
        assertThat(count(r64.err(), "mcugen: note: " + data64 + " is float64; converted to float32")).isEqualTo(1);
        assertThat(count(r64.err(), "mcugen: note: " + cal64 + " is float64; converted to float32")).isEqualTo(1);
        assertThat(r64.out()).doesNotContain("float64");
        // The same values, so the same calibration, the same integers.
        assertThat(Files.readAllBytes(y64)).isEqualTo(Files.readAllBytes(y32));
    }

    @Test
    void buildReadsItsFloat64CalibrationTwiceButNotesItOnce() throws IOException {
        Path cal64 = widened(CliTest.HAR.resolve("calibration.npy"), "cal64.npy");
        Path out = tmp.resolve("out");
        Result r = CliTest.run("build", CliTest.HAR.resolve("model.json").toString(), "--calibration", cal64.toString(),
                "--no-progress", "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err().lines().filter(l -> l.contains("float64")).toList())
                .containsExactly("mcugen: note: " + cal64 + " is float64; converted to float32");
        assertThat(out.resolve("report.json")).isRegularFile();
        assertThat(out.resolve("report.html")).isRegularFile();
    }

    @Test
    void float64DataOfTheWrongShapeIsStillRefusedInOneLine() throws IOException {
        // The test data flattened to [N, 150]: float64 of another shape than the model's [N, 50, 3].
        NpyArray a = Npy.read(CliTest.HAR.resolve("test.npy"));
        Path flat = tmp.resolve("flat32.npy");
        Npy.write(flat, NpyArray.ofFloat32(List.of(a.shape().get(0), a.shape().get(1) * a.shape().get(2)), a.toFloatArray()));
        Path flat64 = widened(flat, "flat64.npy");
        Result r = CliTest.run("simulate", CliTest.HAR.toString(), "--data", flat64.toString(), "--mode", "float",
                "--out", tmp.resolve("y.npy").toString());
        CliTest.assertOneLineError(r, 3, "flat64.npy", "MCG_DATA_SHAPE");
        assertThat(tmp.resolve("y.npy")).doesNotExist();
    }
}
