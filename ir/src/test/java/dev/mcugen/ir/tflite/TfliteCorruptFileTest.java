package dev.mcugen.ir.tflite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.mcugen.ir.Diag;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.SharedFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Damaged copies of the zoo's real hello_world {@code .tflite} (made in a temporary folder from the bytes
 * read in place): each is refused with {@link Diag#MCG_IMPORT_CORRUPT} on one line naming the file and
 * what is broken, and nothing but {@link McugenException} ever escapes, also under random byte flips.
 * The places to damage are found with the importer's own reader over the intact file.
 */
class TfliteCorruptFileTest {
    @TempDir
    Path tmp;

    private byte[] original;

    @BeforeEach
    void readOriginal() throws IOException {
        original = Files.readAllBytes(SharedFiles.zoo("hello_world", "hello_world_float.tflite"));
    }

    private McugenException refused(byte[] bytes, Diag diag) {
        Path p = tmp.resolve("damaged.tflite");
        try {
            Files.write(p, bytes);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        Throwable t = catchThrowable(() -> TfliteImporter.load(p));
        assertThat(t).as("import of the damaged file").isInstanceOf(McugenException.class);
        McugenException e = (McugenException) t;
        System.out.println(e.getMessage());
        assertThat(e.diag()).as(e.getMessage()).isEqualTo(diag);
        assertThat(e.getMessage()).contains(p.toString()).doesNotContain("\n");
        return e;
    }

    private byte[] damaged(Consumer<ByteBuffer> damage) {
        byte[] copy = original.clone();
        damage.accept(ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN));
        return copy;
    }

    /** The intact file's structure, read by the importer's own reader. */
    private Flat.Table root() {
        return new Flat(original, "hello_world").root("root");
    }

    private Flat.Table tensor(int i) {
        Flat.Table sg = root().vector(2, 4, "subgraphs").table(0, "subgraph");
        return sg.vector(0, 4, "tensors").table(i, "tensor");
    }

    @Test
    void theIntactCopyImports() throws IOException {
        Path p = tmp.resolve("intact.tflite");
        Files.write(p, original);
        assertThat(TfliteImporter.load(p).graph().nodes()).hasSize(3);
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.0, 0.001, 0.003, 0.02, 0.25, 0.5, 0.75, 0.95})
    void truncated(double fraction) {
        int n = (int) (original.length * fraction);
        byte[] cut = java.util.Arrays.copyOf(original, n);
        refused(cut, Diag.MCG_IMPORT_CORRUPT);
    }

    @Test
    void rootOffsetPastTheEnd() {
        McugenException e = refused(damaged(b -> b.putInt(0, original.length + 100)), Diag.MCG_IMPORT_CORRUPT);
        assertThat(e.getMessage()).contains("past the end");
    }

    @Test
    void vtableOutsideTheFile() {
        int rootPos = ByteBuffer.wrap(original).order(ByteOrder.LITTLE_ENDIAN).getInt(0);
        McugenException e = refused(damaged(b -> b.putInt(rootPos, -original.length)), Diag.MCG_IMPORT_CORRUPT);
        assertThat(e.getMessage()).contains("vtable");
    }

    @Test
    void vtableFieldOffsetOutsideItsTable() {
        int rootPos = ByteBuffer.wrap(original).order(ByteOrder.LITTLE_ENDIAN).getInt(0);
        int vt = rootPos - ByteBuffer.wrap(original).order(ByteOrder.LITTLE_ENDIAN).getInt(rootPos);
        // the vtable slot of subgraphs (id 2) pointed far beyond the table's size
        refused(damaged(b -> b.putShort(vt + 4 + 2 * 2, (short) 0x7ff0)), Diag.MCG_IMPORT_CORRUPT);
    }

    @Test
    void vectorLengthOf2To31() {
        Flat.Vec tensors = root().vector(2, 4, "subgraphs").table(0, "subgraph").vector(0, 4, "tensors");
        McugenException e = refused(damaged(b -> b.putInt(tensors.start - 4, 0x80000000)), Diag.MCG_IMPORT_CORRUPT);
        assertThat(e.getMessage()).contains("2147483648");
    }

    @Test
    void tensorBufferIndexOutOfRange() {
        int field = tensor(4).position(2);
        McugenException e = refused(damaged(b -> b.putInt(field, 5000)), Diag.MCG_IMPORT_CORRUPT);
        assertThat(e.getMessage()).contains("tensor 4 'sequential/dense/MatMul'", "buffer 5000");
    }

    @Test
    void bufferShorterThanTheShape() {
        // tensor 5 is dense_1's [16, 16] weights: its buffer's data vector made 4 bytes short
        long buffer = tensor(5).u32(2);
        Flat.Vec data = root().vector(4, 4, "buffers").table((int) buffer, "buffer").vector(0, 1, "data");
        McugenException e = refused(damaged(b -> b.putInt(data.start - 4, data.length - 4)), Diag.MCG_IMPORT_CORRUPT);
        assertThat(e.getMessage()).contains("tensor 5 'sequential/dense_1/MatMul'", "1020 bytes", "1024");
    }

    @Test
    void elementCountBeyond2To31() {
        Flat.Vec shape = tensor(5).vector(0, 4, "shape");
        McugenException e = refused(damaged(b -> {
            b.putInt(shape.start, 65536);
            b.putInt(shape.start + 4, 65536);
        }), Diag.MCG_IMPORT_CORRUPT);
        assertThat(e.getMessage()).contains("tensor 5", "2^31");
    }

    @Test
    void tableOffsetFormingACycle() {
        // subgraph 0's offset in the subgraphs vector pointed back at the model's root table
        Flat.Vec subgraphs = root().vector(2, 4, "subgraphs");
        int rootPos = ByteBuffer.wrap(original).order(ByteOrder.LITTLE_ENDIAN).getInt(0);
        McugenException e = refused(damaged(b -> b.putInt(subgraphs.start, rootPos - subgraphs.start)),
                Diag.MCG_IMPORT_CORRUPT);
        assertThat(e.getMessage()).contains("cycle");
        McugenException self = refused(damaged(b -> b.putInt(subgraphs.start, 0)), Diag.MCG_IMPORT_CORRUPT);
        assertThat(self.getMessage()).contains("itself");
    }

    @Test
    void operatorTensorIndexOutOfRange() {
        Flat.Table op = root().vector(2, 4, "subgraphs").table(0, "subgraph").vector(3, 4, "operators").table(1, "op");
        Flat.Vec inputs = op.vector(1, 4, "inputs");
        McugenException e = refused(damaged(b -> b.putInt(inputs.start, 77)), Diag.MCG_IMPORT_CORRUPT);
        assertThat(e.getMessage()).contains("operator 1", "tensor 77");
    }

    @Test
    void opcodeIndexOutOfRange() {
        // hello_world has one operator code (FULLY_CONNECTED); with the vector emptied, operator 0's
        // opcode_index 0 points at nothing
        Flat.Vec codes = root().vector(1, 4, "operator_codes");
        McugenException e = refused(damaged(b -> b.putInt(codes.start - 4, 0)), Diag.MCG_IMPORT_CORRUPT);
        assertThat(e.getMessage()).contains("operator 0", "operator code 0", "has 0");
    }

    /**
     * Random damage to real files (hello_world's dense layers, the MNIST LSTM, ResNet-8's convolutions):
     * whatever the bytes, only a McugenException (of any key) may escape, on one line.
     */
    @ParameterizedTest
    @CsvSource({"hello_world, hello_world_float.tflite, 3000", "mnist_lstm, trained_lstm.tflite, 1000",
        "resnet8, pretrainedResnet.tflite, 300"})
    void randomByteFlipsOnlyGiveDiagnostics(String model, String file, int rounds) throws IOException {
        byte[] source = Files.readAllBytes(SharedFiles.zoo(model, file));
        Random rnd = new Random(20261207L);
        Path p = tmp.resolve("fuzz.tflite");
        int refused = 0;
        int imported = 0;
        for (int round = 0; round < rounds; round++) {
            byte[] copy = source.clone();
            int flips = 1 + rnd.nextInt(8);
            for (int k = 0; k < flips; k++) {
                // half the flips land in the first 4 KB, where the flatbuffer's tables and vectors start
                int at = rnd.nextBoolean() ? rnd.nextInt(Math.min(4096, copy.length)) : rnd.nextInt(copy.length);
                copy[at] = (byte) (rnd.nextBoolean() ? rnd.nextInt(256) : copy[at] ^ (1 << rnd.nextInt(8)));
            }
            Files.write(p, copy);
            try {
                TfliteImporter.load(p);
                imported++;
            } catch (McugenException e) {
                assertThat(e.getMessage()).doesNotContain("\n");
                refused++;
            } catch (RuntimeException | Error e) {
                throw new AssertionError(file + " round " + round + ": " + e, e);
            }
        }
        System.out.println("fuzz " + file + ": " + refused + " refused, " + imported + " imported (flips in weights or names)");
        assertThat(refused).isPositive();
    }
}
