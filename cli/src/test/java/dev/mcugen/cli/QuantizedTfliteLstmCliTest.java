package dev.mcugen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcugen.cli.CliTest.Result;
import dev.mcugen.ir.SharedFiles;
import dev.mcugen.ir.npy.Npy;
import dev.mcugen.ir.npy.NpyArray;
import dev.mcugen.ir.npy.NpyDtype;
import dev.mcugen.ir.tflite.TfliteEdits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TFLite Micro's MNIST LSTM (int8 UNIDIRECTIONAL_SEQUENCE_LSTM, 20 units, then FULLY_CONNECTED and
 * SOFTMAX) through the command line: {@code simulate --raw} writes TFLite Micro's integers on every
 * sample, from integer or float data; {@code verify} proves the C bit-exact on host and cortex-m4 (there
 * also on extreme inputs, through the DSP inner loop); and
 * the LSTM alone (the file cut after its LSTM) streams: {@code _reset} then one {@code _step} per time
 * step equals {@code _invoke}, the state kept between calls.
 */
class QuantizedTfliteLstmCliTest {
    @TempDir
    Path tmp;

    private static Path model() {
        return SharedFiles.zoo("mnist_lstm", "trained_lstm_int8.tflite");
    }

    @Test
    void simulateRawWritesTfliteMicrosIntegersFromIntegerAndFloatData() {
        int[] want = Npy.read(SharedFiles.zoo("mnist_lstm", "expected_tflm_int8.npy")).toIntArray();
        for (String data : new String[] {"test_int8.npy", "test.npy"}) {
            Path out = tmp.resolve("o-" + data);
            Result r = CliTest.run("simulate", model().toString(), "--data", SharedFiles.zoo("mnist_lstm", data).toString(),
                    "--raw", "--out", out.toString(), "--no-progress");
            assertThat(r.code()).as(r.err()).isZero();
            NpyArray got = Npy.read(out);
            assertThat(got.dtype()).isEqualTo(NpyDtype.INT8);
            assertThat(got.shape()).containsExactly(100, 10);
            assertThat(got.toIntArray()).as(data).isEqualTo(want);
        }
    }

    @Test
    void verifyIsBitExactOnHostAndCortexM4() {
        for (String target : new String[] {"host", "cortex-m4"}) {
            Result r = CliTest.run("verify", model().toString(), "--data",
                    SharedFiles.zoo("mnist_lstm", "test_int8.npy").toString(), "--target", target, "--samples", "3",
                    "--out", tmp.resolve("v-" + target).toString(), "--no-progress");
            assertThat(r.code()).as(r.out() + r.err()).isZero();
            assertThat(r.out()).contains("on " + target).contains("3 sample(s) x 10 outputs bit-exact with the simulator");
        }
    }

    @Test
    void extremeInputsAreBitExactOnCortexM4() {
        // all -128, all 127, alternating rows of both, and random integers: the DSP inner loop at its ends
        int n = 28 * 28;
        int[] x = new int[4 * n];
        java.util.Random rnd = new java.util.Random(14);
        for (int i = 0; i < n; i++) {
            x[i] = -128;
            x[n + i] = 127;
            x[2 * n + i] = (i / 28) % 2 == 0 ? -128 : 127;
            x[3 * n + i] = rnd.nextInt(256) - 128;
        }
        Path data = tmp.resolve("extremes.npy");
        Npy.write(data, NpyArray.ofInts(NpyDtype.INT8, java.util.List.of(4, 28, 28), x));
        Result r = CliTest.run("verify", model().toString(), "--data", data.toString(), "--target", "cortex-m4",
                "--samples", "4", "--out", tmp.resolve("x-m4").toString(), "--no-progress");
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("4 sample(s) x 10 outputs bit-exact with the simulator");
    }

    @Test
    void theLstmStreamsOneStepAtATimeKeepingItsState() throws IOException {
        Path lstm = TfliteEdits.truncated(model(), 1, 23, tmp.resolve("mnist_lstm_only.tflite"));
        Path out = tmp.resolve("s");
        Result r = CliTest.run("verify", lstm.toString(), "--data", SharedFiles.zoo("mnist_lstm", "test_int8.npy").toString(),
                "--target", "host", "--samples", "3", "--out", out.toString(), "--no-progress");
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("3 sample(s) x 560 outputs bit-exact with the simulator")
                .contains("streaming: _reset + 28 x _step equals _invoke on all 3 sample(s)");
        String header = Files.readString(out.resolve("mnist_lstm_only.h"));
        assertThat(header).contains("int mnist_lstm_only_step(").contains("the state is kept for the next step")
                .contains("void mnist_lstm_only_reset(");
    }
}
