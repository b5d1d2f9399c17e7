package dev.mcugen.ir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Formats are told apart by content; a file mcugen does not read is named for what it is, in one line. */
class ModelLoaderTest {
    @TempDir
    Path tmp;

    @Test
    void binaryModelsAreRecognizedByTheirSignatureWhateverTheirName() throws IOException {
        byte[] hdf5 = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n', 0, 0};
        assertThat(ModelLoader.detect(write("weights.bin", hdf5))).isEqualTo(ModelLoader.Format.KERAS_H5);
        byte[] tflite = {0x1c, 0, 0, 0, 'T', 'F', 'L', '3', 0, 0, 0, 0};
        assertThat(ModelLoader.detect(write("model.dat", tflite))).isEqualTo(ModelLoader.Format.TFLITE);
        // ModelProto: ir_version 8, producer_name "pytorch", graph {...}.
        byte[] onnx = {0x08, 0x08, 0x12, 0x07, 'p', 'y', 't', 'o', 'r', 'c', 'h', 0x3a, 0x02, 0x0a, 0x00};
        assertThat(ModelLoader.detect(write("model.bin", onnx))).isEqualTo(ModelLoader.Format.ONNX);
        Path keras = zip("model.zip", "config.json", "{}", "metadata.json", "{}", "model.weights.h5", "");
        assertThat(ModelLoader.detect(keras)).isEqualTo(ModelLoader.Format.KERAS_V3);
    }

    @Test
    void jsonModelsAreRecognizedByTheirKeys() throws IOException {
        assertThat(ModelLoader.detect(Files.writeString(tmp.resolve("a.json"), "{\"modelTopology\": {}}")))
                .isEqualTo(ModelLoader.Format.TFJS_LAYERS);
        assertThat(ModelLoader.detect(Files.writeString(tmp.resolve("b.txt"), " \n{\"format\": \"mcugen-graph\"}")))
                .isEqualTo(ModelLoader.Format.MCUGEN_GRAPH);
    }

    @Test
    void filesOfOtherFormatsAreNamedForWhatTheyAre() throws IOException {
        assertUnknown(write("x.npy", new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}), "NumPy .npy");
        assertUnknown(zip("model.pt", "archive/data.pkl", "x", "archive/version", "3"), "PyTorch checkpoint", "torch.onnx.export");
        assertUnknown(write("model.pth", new byte[] {(byte) 0x80, 0x02, ']', 'q'}), "pickle");
        assertUnknown(write("model.tflite.gz", new byte[] {0x1f, (byte) 0x8b, 8, 0}), "gzip");
        assertUnknown(write("empty.h5", new byte[0]), "is empty");
        assertUnknown(write("notes.txt", "hello model".getBytes(StandardCharsets.UTF_8)), "text file");
        assertUnknown(write("blob.bin", new byte[] {0x42, 0x13, 0x00, (byte) 0xff, 0x01}), "binary file");
        assertUnknown(zip("weights.zip", "a.bin", "x"), "not a Keras 3 .keras");
        assertUnknown(zip("half.keras", "config.json", "{}"), "no model.weights.h5");
        Path saved = Files.createDirectories(tmp.resolve("saved"));
        Files.write(saved.resolve("saved_model.pb"), new byte[] {8, 1});
        McugenException e = catchThrowableOfType(McugenException.class, () -> ModelLoader.open(saved));
        assertThat(e.diag()).isEqualTo(Diag.MCG_IMPORT_UNKNOWN_FORMAT);
        assertThat(e.getMessage()).contains("SavedModel").contains(ModelLoader.READS);
    }

    @Test
    void aBrokenZipIsAnArchiveError() throws IOException {
        byte[] broken = {'P', 'K', 3, 4, 20, 0, 0, 0, 8, 0};
        McugenException e = catchThrowableOfType(McugenException.class, () -> ModelLoader.open(write("m.keras", broken)));
        assertThat(e.diag()).isEqualTo(Diag.MCG_IMPORT_ARCHIVE);
        assertThat(e.getMessage()).contains("m.keras").doesNotContain("\n");
    }

    @Test
    void hostileFormatTagsAreClippedAndMadePrintable() throws IOException {
        String tag = "x\u202e\u001b[31m" + "y".repeat(500);
        Path f = Files.writeString(tmp.resolve("evil.json"), "{\"format\": \"" + tag.replace("\u001b", "\\u001b") + "\"}");
        McugenException e = catchThrowableOfType(McugenException.class, () -> ModelLoader.open(f));
        assertThat(e.diag()).isEqualTo(Diag.MCG_IMPORT_FORMAT);
        assertThat(e.getMessage()).doesNotContain("\u202e").doesNotContain("\u001b").hasSizeLessThan(400);
    }

    private void assertUnknown(Path file, String... says) {
        McugenException e = catchThrowableOfType(McugenException.class, () -> ModelLoader.open(file));
        assertThat(e.diag()).as(file.toString()).isEqualTo(Diag.MCG_IMPORT_UNKNOWN_FORMAT);
        assertThat(e.getMessage()).contains(file.toString()).contains(ModelLoader.READS).doesNotContain("\n");
        for (String s : says) {
            assertThat(e.getMessage()).contains(s);
        }
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(tmp.resolve(name), bytes);
    }

    private Path zip(String name, String... entriesAndContents) throws IOException {
        Path p = tmp.resolve(name);
        try (OutputStream o = Files.newOutputStream(p); ZipOutputStream z = new ZipOutputStream(o)) {
            for (int i = 0; i < entriesAndContents.length; i += 2) {
                z.putNextEntry(new ZipEntry(entriesAndContents[i]));
                z.write(entriesAndContents[i + 1].getBytes(StandardCharsets.UTF_8));
                z.closeEntry();
            }
        }
        return p;
    }
}
