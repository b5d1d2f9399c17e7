package dev.mcugen.ir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.mcugen.ir.npy.Npy;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Issue 17 part 3: files from outside are regular, sized before they are read, and quoted clipped. */
class InputFilesTest {
    @TempDir
    Path tmp;

    private static McugenException refusal(Runnable r) {
        try {
            r.run();
        } catch (McugenException e) {
            return e;
        }
        throw new AssertionError("not refused");
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void dataSymlinkToDevZeroIsRefusedBeforeReading() throws Exception {
        assumeThat(Path.of("/dev/zero")).exists();
        Path link = Files.createSymbolicLink(tmp.resolve("zero.npy"), Path.of("/dev/zero"));
        McugenException e = refusal(() -> Npy.read(link));
        assertThat(e.diag()).isEqualTo(Diag.MCG_IO_NOT_REGULAR);
        assertThat(e.subject()).contains("zero.npy");
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void dataFifoIsRefusedWithoutBlocking() throws Exception {
        Path fifo = tmp.resolve("fifo.npy");
        Process p = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assumeThat(p.waitFor()).isZero();
        assertThat(refusal(() -> Npy.read(fifo)).diag()).isEqualTo(Diag.MCG_IO_NOT_REGULAR);
        assertThat(refusal(() -> ModelLoader.open(fifo)).diag()).isEqualTo(Diag.MCG_IO_NOT_REGULAR);
    }

    @Test
    void symlinkToARegularFileIsRead() throws Exception {
        Path real = tmp.resolve("real.npy");
        Npy.write(real, dev.mcugen.ir.npy.NpyArray.ofFloat32(java.util.List.of(2), new float[] {1, 2}));
        Path link = Files.createSymbolicLink(tmp.resolve("link.npy"), real);
        assertThat(Npy.read(link).toFloatArray()).containsExactly(1, 2);
    }

    /** A v2 .npy header of {@code len} bytes of {@code fill}. */
    private static byte[] npyV2(int len, byte fill) {
        ByteBuffer b = ByteBuffer.allocate(12 + len).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0}).putInt(len);
        for (int i = 0; i < len; i++) {
            b.put(fill);
        }
        return b.array();
    }

    @Test
    void npyHeaderOf100MbIsRefusedWithoutReadingOrEchoingIt() throws Exception {
        // The header length says 100 MB; the file is sparse, so the test writes almost nothing.
        Path f = tmp.resolve("huge.npy");
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.write(npyV2(0, (byte) 'x'), 0, 8);
            raf.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(100 << 20).array());
            raf.setLength(12 + (100L << 20));
        }
        McugenException e = refusal(() -> Npy.read(f));
        assertThat(e.diag()).isEqualTo(Diag.MCG_NPY_FORMAT);
        assertThat(e.getMessage().length()).isLessThan(300);
    }

    @Test
    void npyHeaderWithControlBytesIsQuotedClippedAndPrintable() throws Exception {
        Path f = tmp.resolve("ctl.npy");
        byte[] bytes = npyV2(5000, (byte) 0x1b);
        System.arraycopy("\u001b[2J\u001b]0;pwned\u0007".getBytes(StandardCharsets.ISO_8859_1), 0, bytes, 12, 13);
        Files.write(f, bytes);
        McugenException e = refusal(() -> Npy.read(f));
        assertThat(e.diag()).isEqualTo(Diag.MCG_NPY_FORMAT);
        assertThat(e.getMessage()).doesNotContain("\u001b").doesNotContain("\u0007").hasSizeLessThan(400);
    }

    @Test
    void npySmallerThanItsHeaderPromisesIsRefusedBeforeReadingTheData() throws Exception {
        Path f = tmp.resolve("short.npy");
        byte[] full = Npy.toBytes(dev.mcugen.ir.npy.NpyArray.ofFloat32(java.util.List.of(1000), new float[1000]));
        Files.write(f, java.util.Arrays.copyOf(full, full.length - 40));
        assertThat(refusal(() -> Npy.read(f)).diag()).isEqualTo(Diag.MCG_NPY_TRUNCATED);
    }

    @Test
    void dataFileOver2GiBIsRefusedBeforeReading() throws Exception {
        // Sparse: 2 GiB of apparent size, nothing on disk.
        Path f = tmp.resolve("big.npy");
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.setLength(InputFiles.MAX_BYTES + 100);
        }
        McugenException e = refusal(() -> Npy.read(f));
        assertThat(e.diag()).isEqualTo(Diag.MCG_IO_TOO_LARGE);
        assertThat(refusal(() -> InputFiles.readAll(f)).diag()).isEqualTo(Diag.MCG_IO_TOO_LARGE);
    }

    @Test
    void memoryBeyondTheHeapIsRefusedWithItsOwnKey() {
        McugenException e = refusal(() -> MemoryBudget.require("big.npy", Long.MAX_VALUE / 2, "reading it"));
        assertThat(e.diag()).isEqualTo(Diag.MCG_ENV_OUT_OF_MEMORY);
        assertThat(e.diag().kind()).isEqualTo(Diag.Kind.ENVIRONMENT);
        assertThat(e.detail()).contains("-Xmx");
    }

    @Test
    void aFullDiskIsTheEnvironments() {
        McugenException e = IoFailure.writing("out/model.c", "cannot write", new java.io.IOException("No space left on device"));
        assertThat(e.diag()).isEqualTo(Diag.MCG_ENV_NO_SPACE);
        assertThat(IoFailure.writing("x", "cannot write", new java.io.IOException("Permission denied")).diag())
                .isEqualTo(Diag.MCG_IO_FAILED);
    }
}
