package dev.mcugen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Models too big for the M0 board (microbit: 16 KiB RAM with a 2 KiB stack, 256 KiB flash) are
 * refused at build time with their needs against the board's, and nothing is written; the same
 * model builds for a board with room.
 */
class BoardBudgetTest {
    @TempDir
    Path tmp;

    /**
     * A Conv1D over 2000 steps of 8 channels: its int8 output alone takes 16,000 B of the arena.
     * Writes {@code long_conv.json} and a calibration set {@code cal.npy} into {@code dir}.
     */
    static Path longConvModel(Path dir) throws IOException {
        Random r = new Random(1);
        String json = String.format(Locale.ROOT, """
                {"format": "mcugen-graph", "version": 1, "name": "long_conv",
                 "inputs": [{"name": "x", "shape": [2000, 8]}],
                 "nodes": [
                  {"name": "conv", "op": "conv1d", "inputs": ["x"], "attrs": {"filters": 8, "kernel_size": 1, "activation": "relu"},
                   "weights": {"kernel": {"shape": [1, 8, 8], "data": %s}, "bias": {"shape": [8], "data": %s}}},
                  {"name": "pool", "op": "global_avg_pool", "inputs": ["conv"]},
                  {"name": "out", "op": "dense", "inputs": ["pool"], "attrs": {"units": 4, "activation": "softmax"},
                   "weights": {"kernel": {"shape": [8, 4], "data": %s}, "bias": {"shape": [4], "data": %s}}}],
                 "outputs": ["out"]}
                """, numbers(r, 64), numbers(r, 8), numbers(r, 32), numbers(r, 4));
        Path model = dir.resolve("long_conv.json");
        Files.writeString(model, json, StandardCharsets.UTF_8);
        writeNpy(dir.resolve("cal.npy"), r, 4, 2000, 8);
        return model;
    }

    /** A model whose weights (1.2 M int8) exceed the microbit's 256 KiB of flash. */
    static Path wideDenseModel(Path dir) throws IOException {
        Random r = new Random(2);
        String json = String.format(Locale.ROOT, """
                {"format": "mcugen-graph", "version": 1, "name": "wide_dense",
                 "inputs": [{"name": "x", "shape": [1200]}],
                 "nodes": [
                  {"name": "out", "op": "dense", "inputs": ["x"], "attrs": {"units": 1000},
                   "weights": {"kernel": {"shape": [1200, 1000], "data": %s}, "bias": {"shape": [1000], "data": %s}}}],
                 "outputs": ["out"]}
                """, numbers(r, 1_200_000), numbers(r, 1000));
        Path model = dir.resolve("wide_dense.json");
        Files.writeString(model, json, StandardCharsets.UTF_8);
        writeNpy(dir.resolve("cal.npy"), r, 4, 1200);
        return model;
    }

    private static String numbers(Random r, int n) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.3f", r.nextDouble() - 0.5));
        }
        return sb.append(']').toString();
    }

    static void writeNpy(Path file, Random r, int... shape) throws IOException {
        StringBuilder dims = new StringBuilder();
        int n = 1;
        for (int d : shape) {
            dims.append(d).append(", ");
            n *= d;
        }
        String header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims.toString().strip() + "), }";
        int pad = 64 - (10 + header.length() + 1) % 64;
        header = header + " ".repeat(pad % 64) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + 4 * n).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        b.putShort((short) header.length());
        b.put(header.getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < n; i++) {
            b.putFloat((float) (r.nextDouble() * 2 - 1));
        }
        Files.write(file, b.array());
    }

    @Test
    void theArenaOverTheM0RamIsRefusedWithBothFigures() throws Exception {
        Path model = longConvModel(tmp);
        CliTest.Result r = CliTest.run("build", model.toString(), "--target", "cortex-m0", "--calibration",
                tmp.resolve("cal.npy").toString(), "--out", tmp.resolve("out").toString(), "--no-progress");
        CliTest.assertOneLineError(r, ExitCodes.REJECTED, "model 'long_conv'", "MCG_GEN_TOO_BIG",
                "cortex-m0 (QEMU board microbit)", "needs 18,056 B of RAM (arena 16,008 B + recurrent state 0 B + the board's"
                        + " 2,048 B stack) but the board has 16,384 B");
        assertThat(tmp.resolve("out")).doesNotExist();

        CliTest.Result m4 = CliTest.run("build", model.toString(), "--target", "cortex-m4", "--calibration",
                tmp.resolve("cal.npy").toString(), "--out", tmp.resolve("out4").toString(), "--no-progress");
        assertThat(m4.code()).as(m4.err()).isZero();
        assertThat(tmp.resolve("out4/long_conv.c")).exists();
    }

    @Test
    void weightsOverTheM0FlashAreRefused() throws Exception {
        Path model = wideDenseModel(tmp);
        CliTest.Result r = CliTest.run("build", model.toString(), "--target", "cortex-m0", "--calibration",
                tmp.resolve("cal.npy").toString(), "--out", tmp.resolve("out").toString(), "--no-progress");
        CliTest.assertOneLineError(r, ExitCodes.REJECTED, "model 'wide_dense'", "MCG_GEN_TOO_BIG",
                "needs at least 1,2", "B of flash for its weights and parameters (before code) but the board has 262,144 B");
        assertThat(tmp.resolve("out")).doesNotExist();
    }
}
